"""Document list indexes that answer a page by themselves (covering indexes, as 0006 did for incidents).

A page of documents is read as ids in list order (their list form is cached,
see ``services.caching``) and every reader's list tests the restriction. The
list order indexes of 0004 did not hold it, so SQLite and PostgreSQL fetched
every row the page skipped from the table to test it: 0.21 ms for page seven
of the unfiltered list at 10,000 documents on SQLite, 0.03 ms with the column
in the index (#20). PostgreSQL takes the restriction and the id as included
columns (for an index-only scan); SQLite, which has no INCLUDE and keeps the
row id in every index, takes the restriction as the last key.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ORDER = ("(publication_date IS NULL)", "publication_date DESC", "key")
INDEXES = {"ix_documents_list_order": ORDER, "ix_documents_language_order": ("language", *ORDER)}


def _create(name: str, keys: tuple[str, ...], extra: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(name, "documents", [sa.text(k) for k in keys], postgresql_include=list(extra))
    else:
        op.create_index(name, "documents", [sa.text(k) for k in (*keys, *extra) if k != "id"])


def upgrade() -> None:
    for name, keys in INDEXES.items():
        op.drop_index(name, table_name="documents")
        _create(name, keys, ("restricted_to", "id"))


def downgrade() -> None:
    for name, keys in INDEXES.items():
        op.drop_index(name, table_name="documents")
        _create(name, keys, ())
