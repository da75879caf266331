"""What names a sealed document, and staff text about a case, are sealed too.

With ``REFWATCH_SEAL_DOCUMENT_TEXT`` a document's working text and its evidence
quotes were sealed, but its title, file name and URL stayed plaintext, and a title
or a file name such as "kim-sun-hee-testimony.pdf" can name the person it is about.
``documents.sealed_meta`` holds them as one sealed JSON value bound to the
document's hash (one decryption per row a list shows, not three), and the plain
columns are left empty (``filename`` ""). Nothing is sealed here (migrations run
without the data key): ``refwatch keys rotate`` seals what sealed documents stored
before.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("sealed_meta", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column("documents", "sealed_meta")
