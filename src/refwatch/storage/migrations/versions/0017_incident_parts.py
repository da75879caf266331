"""Incidents may be part of another: "이들 중 9명은 칭다오에서", "Of them, 5 were executed".

One nullable column (an incident id) naming the incident this one is a part of (its people are already
counted in that one's). Linking sets it from the extracted incidents' ``part_of``; nothing
to backfill: the next relink fills it.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain column, no foreign key: SQLite could add one only by rebuilding the table, which
    # would drop the expression indexes; linking rewrites the relation after every relink.
    op.add_column("incidents", sa.Column("part_of_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("incidents", "part_of_id")
