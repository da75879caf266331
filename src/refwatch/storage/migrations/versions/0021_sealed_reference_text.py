"""A sealed document's reference-date evidence is sealed too (``REFWATCH_SEAL_DOCUMENT_TEXT``).

``documents.reference_text`` holds the words the reference date was read from (a
dateline, a stamp, a citation): a span of the working text, so a sealed document
keeps it in this column, sealed and bound to the document's hash, and leaves
``reference_text`` empty. A new column rather than a sealed value in the old one:
that one is 200 characters on PostgreSQL, and a sealed value must never be taken
for plaintext. Nothing is sealed here (migrations run without the data key):
``refwatch keys rotate`` seals what sealed documents stored before.

Revision ID: 0021
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("sealed_reference_text", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column("documents", "sealed_reference_text")
