"""Opening the database: engine, key ring, sessions.

One :class:`Database` per process entry point (a CLI command, the web app). It
owns the engine and the key ring: the SQLite file is opened through SQLCipher
with a key derived from the master key, and the data keys that seal sensitive
fields are unwrapped once at open. Units of work come from
:meth:`Database.transaction`, which commits on success and rolls back on any
error, so a failed write leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from refwatch.config import Settings
from refwatch.errors import ConfigError
from refwatch.security import crypto
from refwatch.security.keys import KeyRing, load_keyring
from refwatch.storage import dialects, sealing
from refwatch.storage.tables import DataKey


class Database:
    """An engine plus a session factory for one database URL, with its key ring."""

    def __init__(
        self,
        url: str,
        *,
        keyring: KeyRing | None = None,
        busy_timeout_ms: int = 10_000,
        sqlite_encryption: bool = True,
        pool_recycle_s: int = 1800,
        pool_size: int = 10,
    ) -> None:
        self.url = url
        self.keyring = keyring
        engine_url: str | URL = url
        if keyring is not None and sqlite_encryption and dialects.is_sqlite(url):
            engine_url = dialects.sqlcipher_url(url, keyring.sqlcipher_key)
        self.encrypted_file = engine_url is not url
        # hide_parameters: a failing statement's error (its text, and any log of it) would otherwise
        # quote its parameters: search words, names, sealed values' neighbours. Logs carry ids only.
        self.engine: Engine = create_engine(
            engine_url,
            hide_parameters=True,
            **dialects.engine_options(
                engine_url,
                busy_timeout_ms=busy_timeout_ms,
                pool_recycle_s=pool_recycle_s,
                pool_size=pool_size,
            ),
        )
        dialects.configure_engine(self.engine, busy_timeout_ms=busy_timeout_ms)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Reads that change nothing run outside a transaction on PostgreSQL: psycopg would send BEGIN
        # before the first statement and the pool ROLLBACK after the last, two round trips of the four
        # a cached list took. Under read committed each statement has its own snapshot either way; on
        # SQLite, whose driver begins transactions only for writes, this is the same engine.
        self._reads = (
            sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
            if self.engine.dialect.name == "postgresql"
            else self._sessions
        )
        sealing.activate(keyring)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, create_keys: bool = False, passphrase: str | None = None
    ) -> Database:
        """Open the database the settings point at, with the key ring from the configured key."""
        if settings.is_sqlite and not settings.database_url:
            try:
                settings.home.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"cannot create the data directory {settings.home} ({exc.strerror}); "
                    "set REFWATCH_HOME to a writable folder"
                ) from exc
        secret = passphrase or (settings.passphrase.get_secret_value() if settings.passphrase else None)
        ring = load_keyring(settings.home, key_file=settings.key_file, passphrase=secret, create=create_keys)
        return cls(
            settings.resolved_database_url,
            keyring=ring,
            busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            sqlite_encryption=settings.sqlite_encryption,
            pool_recycle_s=settings.database_pool_recycle_s,
            pool_size=settings.database_pool_size,
        )

    @property
    def description(self) -> str:
        """The URL with any password hidden."""
        return dialects.describe(self.url) + (" (SQLCipher)" if self.encrypted_file else "")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def session(self) -> Session:
        """A session for reads (the caller closes it)."""
        return self._sessions()

    def read_session(self) -> Session:
        """A session for reads that need no common snapshot, outside any transaction (the caller closes it).

        For the API's hot reads (lists, details), each of whose statements stands
        on its own: it must never write (on PostgreSQL every statement would
        commit by itself).
        """
        return self._reads()

    def has_schema(self) -> bool:
        """True once ``refwatch init`` has created the tables."""
        try:
            return inspect(self.engine).has_table("alembic_version")
        except DatabaseError as exc:
            if "not a database" in str(exc.orig):
                raise ConfigError(
                    f"cannot open {self.description}: wrong key, or not a refwatch database; "
                    "nothing was changed"
                ) from None
            raise ConfigError(f"cannot open the database {self.description}: {exc.orig}") from None
        except OperationalError as exc:
            raise ConfigError(f"cannot open the database {self.description}: {exc.orig}") from None

    def load_data_keys(self, *, create: bool = False) -> None:
        """Unwrap the data keys into the key ring (creating the first one if asked)."""
        if self.keyring is None:
            return
        with self.transaction() as session:
            rows = list(session.scalars(select(DataKey).order_by(DataKey.id)))
            if not rows and create:
                rows = [add_data_key(session, self.keyring)]
            for row in rows:
                try:
                    self.keyring.data_keys[row.id] = self.keyring.unwrap(row.id, row.wrapped)
                except crypto.DecryptionFailed:
                    raise ConfigError(
                        "the data keys do not open with this key; wrong passphrase or key file"
                    ) from None
            active = [r.id for r in rows if r.retired_at is None]
            self.keyring.active_key_id = max(active) if active else None

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def add_data_key(session: Session, ring: KeyRing) -> DataKey:
    """Create, wrap and store a new data key; returns its row."""
    key = crypto.new_key()
    row = DataKey(wrapped=b"")
    session.add(row)
    session.flush()
    row.wrapped = ring.wrap(row.id, key)
    ring.data_keys[row.id] = key
    session.flush()
    return row


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)
