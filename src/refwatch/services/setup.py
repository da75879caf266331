"""Creating the database and reporting on it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from refwatch import __version__
from refwatch.config import Settings
from refwatch.errors import ConfigError
from refwatch.storage import counts, schema
from refwatch.storage.database import (
    Database as Database,
)  # the handle the faces hold (they never import storage)


def open_database(settings: Settings, *, passphrase: str | None = None) -> Database:
    """Open the configured database with its key; insist that ``init`` has run and is current."""
    db = Database.from_settings(settings, passphrase=passphrase)
    try:
        if not db.has_schema():
            raise ConfigError(f"the database {db.description} is not initialised; run `refwatch init` first")
        if schema.current_revision(db) != schema.head_revision():
            raise ConfigError(
                f"the database {db.description} is at an older schema version; "
                "run `refwatch init` to upgrade it"
            )
        db.load_data_keys()
    except Exception:
        db.dispose()
        raise
    return db


def init_database(settings: Settings, *, passphrase: str | None = None) -> tuple[Database, bool]:
    """Create or upgrade the schema and the first data key.

    Returns:
        The open database, and whether anything changed.
    """
    db = Database.from_settings(settings, create_keys=True, passphrase=passphrase)
    try:
        before = schema.current_revision(db) if db.has_schema() else None
        if before is not None:
            db.load_data_keys()  # migrations may seal values that were stored in the clear (0005)
        schema.upgrade(db)
        db.load_data_keys(create=True)
    except Exception:
        db.dispose()
        raise
    return db, before != schema.head_revision()


@dataclass(frozen=True, slots=True)
class Status:
    """A short account of the database for `refwatch status`."""

    version: str
    database: str
    schema_revision: str | None
    documents: int
    incidents: int
    incidents_by_review_state: dict[str, int]
    persons: int
    audit_events: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def database_status(db: Database) -> Status:
    """Counts of what is stored."""
    with db.session() as session:
        found = counts.stored(session)
    return Status(
        version=__version__,
        database=db.description,
        schema_revision=schema.current_revision(db),
        documents=found.documents,
        incidents=sum(found.incidents_by_review_state.values()),
        incidents_by_review_state=found.incidents_by_review_state,
        persons=found.persons,
        audit_events=found.audit_events,
    )
