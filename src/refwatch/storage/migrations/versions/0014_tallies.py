"""Tallies: running totals, estimates and head-counts, kept apart from incidents (issue #16).

One row per tally a document states, with the figure and period as columns
(for lists and filters) and the whole extracted record as JSON. No restriction
column: a tally is read through its document's, so it cannot drift from it.

Revision ID: 0014
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("count_min", sa.Integer(), nullable=True),
        sa.Column("count_max", sa.Integer(), nullable=True),
        sa.Column("qualifier", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("rate", sa.String(length=10), nullable=True),
        sa.Column("extracted", sa.JSON(), nullable=False),
        sa.Column("extractor", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_tallies_document_id_documents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tallies"),
        sa.UniqueConstraint("document_id", "ordinal", name="tally_ordinal"),
    )
    op.create_index("ix_tallies_document_id", "tallies", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_tallies_document_id", table_name="tallies")
    op.drop_table("tallies")
