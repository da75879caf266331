"""What reads compute from the database, kept in memory until the data changes.

Every write to documents, incidents, persons and accounts goes through a
service that appends to the audit log in the same transaction, so the newest
audit entry's id is an exact, cheap version stamp of all of it. A cached value
is kept with the version it was read at and used only while the version is
the same: a write anywhere empties the caches, in every server process, at
the next request that notices it. (Writers on PostgreSQL take the log's
advisory lock before their entry gets its id, so ids grow in commit order and
a newer commit never hides behind a smaller id.)

Each process keeps its own caches, per database. Reading the version first and
the data after (or both in one transaction) makes a value at least as new as
its stamp, never older.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from refwatch.storage import audit
from refwatch.storage.database import Database


def data_version(source: Session | Connection) -> int:
    """The newest audit entry's id (0 for an empty log): changes with every write.

    Asked on every request, so it runs on the DBAPI cursor of the connection
    (in its transaction, if one is open): SQLAlchemy's statement and result
    handling cost about four times the query itself.
    """
    conn = source.connection() if isinstance(source, Session) else source
    return audit.newest_id(conn.connection.dbapi_connection, conn.dialect)


def current_version(db: Database) -> int:
    """:func:`data_version` on a pooled connection of its own (for a cache check outside any session).

    On PostgreSQL the one statement runs outside a transaction (autocommit):
    psycopg would otherwise send ``BEGIN`` before it and the pool ``ROLLBACK``
    after it, two more round trips on every request for nothing (one statement
    sees one snapshot either way).
    """
    raw = db.engine.raw_connection()
    try:
        dbapi_connection: Any = raw.dbapi_connection
        if db.engine.dialect.name != "postgresql":
            return audit.newest_id(dbapi_connection, db.engine.dialect)
        dbapi_connection.autocommit = True  # idle: the pool rolled back whatever its last user began
        try:
            return audit.newest_id(dbapi_connection, db.engine.dialect)
        finally:
            try:
                dbapi_connection.autocommit = False
            except Exception:
                # Never hand a connection on in autocommit: its next user's writes would not be atomic.
                raw.invalidate()
                raise
    finally:
        raw.close()  # back to the pool


class VersionedCache:
    """Values for one data version; the first value stored for a newer version empties it.

    Values should be immutable (bytes, frozen dataclasses, numbers) or copied
    by the caller: they are handed out as they are, to every thread.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._version = -1
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()
        self._computing: dict[tuple[int, Hashable], threading.Lock] = {}  # keys being computed now

    def get_or_compute(self, version: int, key: Hashable, compute: Callable[[], Any]) -> tuple[Any, bool]:
        """The value kept for ``key`` at ``version``, else ``compute()``'s, kept; and whether it was kept.

        One computation per key at a time: a caller that finds the key being
        computed by another thread waits for it and takes its value. Searches
        not yet kept run in worker threads, and in the first seconds after a
        start the clients asking for the same word at once each computed it
        again, side by side: most of a worker's time then went to the same few
        searches (#20). If the computation fails, the next waiter tries itself.
        """
        kept = self.get(version, key)
        if kept is not None:
            return kept, True
        with self._lock:
            computing = self._computing.setdefault((version, key), threading.Lock())
        with computing:
            kept = self.get(version, key)
            if kept is not None:
                return kept, True
            try:
                value = compute()
                self.put(version, key, value)
            finally:
                with self._lock:
                    if self._computing.get((version, key)) is computing:
                        del self._computing[(version, key)]
        return value, False

    def get(self, version: int, key: Hashable) -> Any | None:
        """The value kept for ``key`` at ``version``, or None."""
        with self._lock:
            return self._values.get(key) if version == self._version else None

    def get_many(self, version: int, keys: Iterable[Hashable]) -> dict[Hashable, Any]:
        """The values kept at ``version`` for those of ``keys`` that have one."""
        with self._lock:
            if version != self._version:
                return {}
            return {key: self._values[key] for key in keys if key in self._values}

    def put(self, version: int, key: Hashable, value: Any) -> None:
        """Keep ``value`` for ``key`` (dropped if the cache already holds a newer version)."""
        self.put_many(version, {key: value})

    def put_many(self, version: int, values: Mapping[Any, Any]) -> None:
        """Keep these values, read at ``version``; when full, start again empty (simple, bounded)."""
        with self._lock:
            if version < self._version:
                return
            if version > self._version or len(self._values) + len(values) > self.max_entries:
                self._values = {}
                self._version = version
            self._values.update(values)


@dataclass
class Caches:
    """The caches of one database in this process."""

    #: Totals, facet counts, search pages and dashboard figures (see ``services.browse``).
    counts: VersionedCache = field(default_factory=lambda: VersionedCache(512))
    #: The list form of incidents, as JSON bytes, by id.
    incident_cards: VersionedCache = field(default_factory=lambda: VersionedCache(20_000))
    #: The list form of documents, as JSON bytes, by id.
    document_cards: VersionedCache = field(default_factory=lambda: VersionedCache(20_000))
    #: Who an API token stands for, by the token's digest (a revocation is a write, so it empties this).
    principals: VersionedCache = field(default_factory=lambda: VersionedCache(1_000))


_caches: weakref.WeakKeyDictionary[Database, Caches] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def caches(db: Database) -> Caches:
    """The caches of ``db`` (made on first use)."""
    found = _caches.get(db)
    if found is None:
        with _registry_lock:
            found = _caches.setdefault(db, Caches())
    return found
