"""Placeholder: the `database` command is being written."""

import typer


def register(app: typer.Typer) -> None:
    """Register nothing yet."""
