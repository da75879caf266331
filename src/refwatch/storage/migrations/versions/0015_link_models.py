"""Linking models as relinks used them, kept by digest (issue #16).

Each relink's audit entry names the model's SHA-256; this table keeps the model
itself (Splink's settings with m and u, and the companion with term frequencies and
threshold) once per digest, so that a run can be explained and replayed later.

Revision ID: 0015
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_models",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("companion", sa.JSON(), nullable=False),
        sa.Column("first_used", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_link_models")),
    )


def downgrade() -> None:
    op.drop_table("link_models")
