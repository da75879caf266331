"""Opening the database: engine, sessions, and the schema version.

One :class:`Database` per process entry point (a CLI command, the web app). It
owns the engine; units of work come from :meth:`Database.transaction`, which
commits on success and rolls back on any error, so a failed write leaves the
database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from refwatch.config import Settings
from refwatch.errors import ConfigError
from refwatch.storage import dialects


class Database:
    """An engine plus a session factory for one database URL."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 10_000) -> None:
        self.url = url
        self.engine: Engine = create_engine(
            url, **dialects.engine_options(url, busy_timeout_ms=busy_timeout_ms)
        )
        dialects.configure_engine(self.engine, busy_timeout_ms=busy_timeout_ms)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        """Open the database the settings point at, creating the data directory for SQLite."""
        if settings.is_sqlite and not settings.database_url:
            try:
                settings.home.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"cannot create the data directory {settings.home} ({exc.strerror}); "
                    "set REFWATCH_HOME to a writable folder"
                ) from exc
        return cls(settings.resolved_database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)

    @property
    def description(self) -> str:
        """The URL with any password hidden."""
        return dialects.describe(self.url)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def session(self) -> Session:
        """A session for reads (the caller closes it)."""
        return self._sessions()

    def has_schema(self) -> bool:
        """True once ``refwatch init`` has created the tables."""
        try:
            return inspect(self.engine).has_table("alembic_version")
        except OperationalError as exc:
            raise ConfigError(f"cannot open the database {self.description}: {exc.orig}") from exc

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)
