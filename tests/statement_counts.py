"""Counting what a piece of code asks of the database, for tests that pin statement and round-trip counts."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from refwatch.storage.database import Database


@contextmanager
def statements(db: Database) -> Iterator[list[int]]:
    """Count the statements (SQLite) or round trips (PostgreSQL) of every connection used meanwhile."""
    counted = [0]
    traces: dict[int, Any] = {}

    def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if db.engine.dialect.name == "sqlite":
            dbapi_connection.set_trace_callback(lambda _sql: counted.__setitem__(0, counted[0] + 1))
            return
        trace = tempfile.TemporaryFile("w+")
        traces[id(dbapi_connection)] = trace
        dbapi_connection.pgconn.trace(trace.fileno())

    def checkin(dbapi_connection: Any, _record: Any) -> None:
        if db.engine.dialect.name == "sqlite":
            dbapi_connection.set_trace_callback(None)
            return
        trace = traces.pop(id(dbapi_connection), None)
        if trace is None:
            return
        dbapi_connection.pgconn.untrace()
        trace.seek(0)
        counted[0] += sum("\tB\t" in line and "ReadyForQuery" in line for line in trace)
        trace.close()

    event.listen(db.engine, "checkout", checkout)
    event.listen(db.engine, "checkin", checkin)
    try:
        yield counted
    finally:
        event.remove(db.engine, "checkout", checkout)
        event.remove(db.engine, "checkin", checkin)
