"""`refwatch backup OUT` and `refwatch restore IN`."""

from __future__ import annotations

from pathlib import Path

import typer

from refwatch.cli import context
from refwatch.cli.output import console, handles_errors
from refwatch.services.backup import create_backup, restore_backup


@handles_errors
def backup(out: Path = typer.Argument(..., help="Backup file to write.")) -> None:
    """Write a consistent, encrypted, integrity-checked snapshot (documents included)."""
    settings = context.settings()
    with context.database() as db:
        summary = create_backup(db, settings, out, actor=settings.user)
    total = sum(summary.rows.values())
    console.print(f"backup written to {out}: {total} rows, {summary.rows.get('documents', 0)} documents")


@handles_errors
def restore(backup_file: Path = typer.Argument(..., help="Backup file made by `refwatch backup`.")) -> None:
    """Restore a backup into an empty data directory or database (same key file or passphrase)."""
    settings = context.settings()
    summary = restore_backup(
        settings, backup_file, passphrase=context.ask_passphrase(settings), actor=settings.user
    )
    console.print(
        f"restored {sum(summary.rows.values())} rows ({summary.rows.get('documents', 0)} documents) "
        f"into {settings.resolved_database_url.split('@')[-1]}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `backup` and `restore`."""
    app.command("backup")(backup)
    app.command("restore")(restore)
