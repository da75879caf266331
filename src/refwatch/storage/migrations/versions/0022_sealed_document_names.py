"""What names a sealed document, and staff text about a case, are sealed too.

With ``REFWATCH_SEAL_DOCUMENT_TEXT`` a document's working text and its evidence
quotes were sealed, but its title, file name and URL stayed plaintext, and a title
or a file name such as "kim-sun-hee-testimony.pdf" can name the person it is about.
``documents.sealed_meta`` holds them as one sealed JSON value bound to the
document's hash (one decryption per row a list shows, not three), and the plain
columns are left empty (``filename`` ""). Nothing is sealed here (migrations run
without the data key): ``refwatch keys rotate`` seals what sealed documents stored
before.

An intervention's ``answer`` and ``outcome`` are staff's words about a case (the
response received, what came of it) and may name the person: they move to
``sealed_answer`` and ``sealed_outcome`` (bound to the row's uid, like its
``notes``), always, as ``notes`` are; the plaintext columns stay for rows stored
before, until ``refwatch keys rotate`` seals them.

``incident_sources.link_reason`` names the gazetteer place both linked reports
state; for a report of a sealed document it moves to ``sealed_link_reason``
(bound to the document's hash and the report's position, like its quotes).

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
    op.add_column("interventions", sa.Column("sealed_answer", sa.LargeBinary(), nullable=True))
    op.add_column("interventions", sa.Column("sealed_outcome", sa.LargeBinary(), nullable=True))
    op.add_column("incident_sources", sa.Column("sealed_link_reason", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column("incident_sources", "sealed_link_reason")
    op.drop_column("interventions", "sealed_outcome")
    op.drop_column("interventions", "sealed_answer")
    op.drop_column("documents", "sealed_meta")
