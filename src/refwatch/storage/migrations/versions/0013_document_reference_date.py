"""Documents keep a reference date: when they were written, as precisely as the evidence allows.

Six nullable columns (see :mod:`refwatch.domain.dates`): the first and last
possible day (the last empty for an open interval), the precision, the source
that gave it, a confidence and the evidence as written. Documents stored before
this revision have none; they get one when shown or re-extracted (computed from
their text, address and metadata date, see ``services.documents``), so no
backfill runs here.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = (
    ("reference_start", sa.Date()),
    ("reference_end", sa.Date()),
    ("reference_precision", sa.String(10)),
    ("reference_source", sa.String(20)),
    ("reference_confidence", sa.String(10)),
    ("reference_text", sa.String(200)),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("documents", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        for name, _type in reversed(COLUMNS):
            batch.drop_column(name)
