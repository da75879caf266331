"""Opening settings and the database for a command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from refwatch.config import Settings, load_settings
from refwatch.errors import ConfigError
from refwatch.services.setup import open_database
from refwatch.storage.database import Database


def settings() -> Settings:
    """The settings from the environment, with invalid values reported by name."""
    try:
        return load_settings()
    except ValidationError as exc:
        fields = ", ".join("REFWATCH_" + str(err["loc"][0]).upper() for err in exc.errors() if err["loc"])
        raise ConfigError(f"invalid setting(s): {fields or exc}") from None


@contextmanager
def database() -> Iterator[Database]:
    """The initialised database, closed when the command ends."""
    db = open_database(settings())
    try:
        yield db
    finally:
        db.dispose()
