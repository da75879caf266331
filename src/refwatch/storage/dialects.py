"""Every SQLite/PostgreSQL difference, behind named functions.

Keeping them here (as Splink keeps ``internals/dialects.py``) means the rest of
the storage layer never asks which database it is talking to.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Table, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import QueuePool

#: Page cache per SQLite connection, in KiB. Pages stay decrypted in it (SQLCipher), so a larger one
#: saves decrypting the hot parts of the indexes again and again; the pool hands out the most
#: recently used connection first, so few connections fill theirs.
SQLITE_CACHE_KIB = 32 * 1024


def is_sqlite(url: str | URL) -> bool:
    """True for any SQLite URL (plain or SQLCipher)."""
    return make_url(url).get_backend_name() == "sqlite"


def read_json(text: str | bytes) -> Any:
    """A stored JSON value, parsed by orjson (the standard library's parser took 8-10% of a detail read).

    Values written by Python's ``json`` may hold ``NaN`` or ``Infinity``, which
    orjson refuses; those few are parsed by ``json`` as before.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


#: psycopg prepares a statement on the server once a connection has run it this many times (its default
#: is 5): the few statements a request makes are then parsed and planned once per connection.
PG_PREPARE_THRESHOLD = 2
#: Prepared statements psycopg keeps per connection (its default is 100): lists of ids of each length are
#: statements of their own, and evicting hot ones would prepare them again and again.
PG_PREPARED_MAX = 500


def engine_options(
    url: str | URL, *, busy_timeout_ms: int, pool_recycle_s: int = 1800, pool_size: int = 10
) -> dict[str, Any]:
    """Keyword arguments for :func:`sqlalchemy.create_engine` suited to the backend.

    PostgreSQL: no ``pool_pre_ping``. A ping on every checkout cost a round trip
    per request (two, with the version check), a tenth of a cached answer; a
    connection is instead closed and opened afresh once it is ``pool_recycle_s``
    old, and one the server dropped (a restart) fails that one request, after
    which SQLAlchemy empties the pool. JSON columns are parsed by orjson, as on
    SQLite. The pool hands out the most recently used connection first (its
    prepared statements and the server process's caches are warm).
    """
    if is_sqlite(url):
        options: dict[str, Any] = {
            "connect_args": {"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
            "json_deserializer": read_json,
        }
        if make_url(url).database not in (None, "", ":memory:"):
            # The SQLCipher dialect defaults to one connection per thread, at most five, and closes
            # those of other threads when more arrive: under a threaded web server that closed
            # connections still in use and crashed the process. A queue pool hands each request
            # its own connection and takes it back; SQLite's busy timeout serialises the writers.
            # Last in, first out: the connection used most recently goes out next, so the busy
            # connections keep their page caches warm (SQLCipher decrypts every page it reads into one).
            options |= {
                "poolclass": QueuePool,
                "pool_size": 8,
                "max_overflow": 16,
                "pool_timeout": 30,
                "pool_use_lifo": True,
            }
        return options
    return {
        "pool_pre_ping": False,
        "pool_recycle": pool_recycle_s if pool_recycle_s > 0 else -1,
        "pool_size": pool_size,
        "max_overflow": 2 * pool_size,
        "pool_use_lifo": True,
        "json_deserializer": read_json,
        "connect_args": {"prepare_threshold": PG_PREPARE_THRESHOLD},
    }


def configure_engine(engine: Engine, *, busy_timeout_ms: int) -> None:
    """Per-connection settings: SQLite gets WAL, foreign keys and a busy timeout; psycopg a larger
    cache of prepared statements."""
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _psycopg_settings(dbapi_connection: Any, _record: Any) -> None:
            if hasattr(dbapi_connection, "prepared_max"):  # psycopg 3 (not psycopg2)
                dbapi_connection.prepared_max = PG_PREPARED_MAX

        return
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Each connection keeps the pages it read, decrypted: 2 MB by default, SQLITE_CACHE_KIB here.
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        finally:
            cursor.close()


def describe(url: str | URL) -> str:
    """A URL safe to print: the password is hidden."""
    return make_url(url).render_as_string(hide_password=True)


def sqlcipher_url(url: str | URL, raw_key: str) -> URL:
    """The same SQLite file opened through SQLCipher with a raw key (``x'…'``).

    Kept as a URL object: SQLite URLs have no host, so a rendered string would drop the key.
    """
    return make_url(url).set(drivername="sqlite+pysqlcipher", password=raw_key)


def reset_id_sequence(conn: Connection, table: Table) -> None:
    """After inserting rows with explicit ids, move PostgreSQL's id sequence past them.

    SQLite needs nothing: its rowids follow the largest id.
    """
    if conn.dialect.name != "postgresql" or "id" not in table.c:
        return
    # Table names come from our own metadata, never from input.
    conn.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        )
    )


def upsert(
    conn: Connection, table: Table, values: dict[str, Any], *, key: str, update: dict[str, Any]
) -> Any:
    """``INSERT … ON CONFLICT (key) DO UPDATE SET …``: one atomic statement on both backends.

    Both dialects spell it the same way, but SQLAlchemy builds it from each
    dialect's own ``insert``. ``update`` may refer to the stored row's columns
    (``table.c.name``). Returns the statement, ready for ``.returning(...)``.
    """
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement: Any = pg_insert(table).values(values)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(table).values(values)
    return statement.on_conflict_do_update(index_elements=[key], set_=update)
