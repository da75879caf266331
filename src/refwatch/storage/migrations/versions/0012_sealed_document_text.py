"""Documents may hold their working text sealed (``REFWATCH_SEAL_DOCUMENT_TEXT``).

A nullable column for the sealed text, and a partial index over the documents
that have one, so that finding them (for the in-memory search index) reads
only those rows, and a database with none pays nothing.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEX = "ix_documents_sealed"


def upgrade() -> None:
    op.add_column("documents", sa.Column("sealed_text", sa.LargeBinary(), nullable=True))
    op.execute(f"CREATE INDEX {INDEX} ON documents (id) WHERE sealed_text IS NOT NULL")


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    op.drop_column("documents", "sealed_text")
