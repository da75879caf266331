"""Indexes in the order the lists show, so a page is read from an index instead of sorted.

Incidents are listed by start date with undated ones last, documents by
publication date, newest first, undated last. Both orders are written as
``(column IS NULL), column, tie-breaker`` so that SQLite and PostgreSQL,
which put NULLs at opposite ends, sort alike and can walk these expression
indexes. Incidents filtered by review state (the review queue, the confirmed
ones) and documents filtered by language get their own index in that order;
the first replaces the plain review-state index, which it contains.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


INCIDENT_ORDER = ("(date_start IS NULL)", "date_start", "id")


def upgrade() -> None:
    op.create_index("ix_incidents_list_order", "incidents", [sa.text(c) for c in INCIDENT_ORDER])
    op.drop_index("ix_incidents_review_state", table_name="incidents")
    op.create_index(
        "ix_incidents_review_order", "incidents", [sa.text(c) for c in ("review_state", *INCIDENT_ORDER)]
    )
    op.create_index(
        "ix_documents_list_order",
        "documents",
        [sa.text("(publication_date IS NULL)"), sa.text("publication_date DESC"), sa.text("key")],
    )
    op.create_index(
        "ix_documents_language_order",
        "documents",
        [
            sa.text("language"),
            sa.text("(publication_date IS NULL)"),
            sa.text("publication_date DESC"),
            sa.text("key"),
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_documents_language_order", table_name="documents")
    op.drop_index("ix_documents_list_order", table_name="documents")
    op.drop_index("ix_incidents_review_order", table_name="incidents")
    op.create_index("ix_incidents_review_state", "incidents", ["review_state"])
    op.drop_index("ix_incidents_list_order", table_name="incidents")
