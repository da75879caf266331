"""Opening settings and the database for a command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError

from refwatch.config import Settings, load_settings
from refwatch.errors import ConfigError
from refwatch.services.setup import Database, open_database


def settings() -> Settings:
    """The settings from the environment, with invalid values reported by name."""
    try:
        return load_settings()
    except ValidationError as exc:
        fields = ", ".join("REFWATCH_" + str(err["loc"][0]).upper() for err in exc.errors() if err["loc"])
        raise ConfigError(f"invalid setting(s): {fields or exc}") from None


def ask_passphrase(current: Settings, *, confirm: bool = False) -> str | None:
    """Ask for the passphrase in a terminal when neither a key file nor a passphrase is configured."""
    if current.key_file is not None or current.passphrase is not None or not sys.stdin.isatty():
        return None
    answer: str = typer.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm)
    return answer


@contextmanager
def database() -> Iterator[Database]:
    """The initialised database, closed when the command ends."""
    current = settings()
    db = open_database(current, passphrase=ask_passphrase(current))
    try:
        yield db
    finally:
        db.dispose()
