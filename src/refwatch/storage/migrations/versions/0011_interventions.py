"""Interventions become a log of advocacy: status, author, channel, reference, follow-up and outcome.

The table existed since 0001 with kind, addressee, date sent, answer and
sealed notes; the work of following up (what was asked, of whom, when to ask
again, what came of it) needs the rest.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = (
    sa.Column("status", sa.String(length=20), server_default="draft", nullable=False),
    sa.Column("author", sa.String(length=300), nullable=True),
    sa.Column("channel", sa.String(length=100), nullable=True),
    sa.Column("reference", sa.String(length=200), nullable=True),
    sa.Column("follow_up_on", sa.Date(), nullable=True),
    sa.Column("outcome", sa.Text(), nullable=True),
    sa.Column("created_by", sa.String(length=100), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("interventions", column)
    op.create_index("ix_interventions_follow_up", "interventions", ["status", "follow_up_on"])


def downgrade() -> None:
    op.drop_index("ix_interventions_follow_up", table_name="interventions")
    for column in reversed(COLUMNS):
        op.drop_column("interventions", column.name)
