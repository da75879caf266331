"""Whole tables out and in, row by row, for backups (``services.backup``).

A backup copies every table as it is stored, sealed values still sealed: no
repository shapes the rows, so these read and write the tables themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, func, insert, select


def rows(conn: Connection, table: Table) -> Iterator[RowMapping]:
    """Every row of ``table`` as column name to stored value, in primary-key order (a stable backup)."""
    order = list(table.primary_key.columns)
    yield from conn.execute(select(table).order_by(*order)).mappings()


def has_rows(conn: Connection, table: Table) -> bool:
    """Whether ``table`` holds any row (a restore writes only into empty tables)."""
    return bool(conn.execute(select(func.count()).select_from(table)).scalar())


def insert_rows(conn: Connection, table: Table, values: list[dict[str, Any]]) -> None:
    """Write these rows into ``table`` as they are, ids included, in one statement."""
    conn.execute(insert(table), values)
