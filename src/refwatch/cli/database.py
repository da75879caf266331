"""`refwatch init` and `refwatch status`."""

from __future__ import annotations

import typer
from rich.table import Table

from refwatch.cli import context
from refwatch.cli.output import console, handles_errors, print_json
from refwatch.services.setup import database_status, init_database


@handles_errors
def init() -> None:
    """Create the database (or upgrade it to the newest schema). Safe to run again."""
    current = context.settings()
    first_time = not (current.home / "keyinfo.json").exists()
    db, changed = init_database(current, passphrase=context.ask_passphrase(current, confirm=first_time))
    try:
        verb = "initialised" if changed else "already up to date:"
        console.print(f"Database {verb} {db.description}", highlight=False)
    finally:
        db.dispose()


@handles_errors
def status(
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Show what the database holds."""
    with context.database() as db:
        info = database_status(db)
    if output_format == "json":
        print_json(info.to_dict())
        return
    table = Table(show_header=False, box=None)
    table.add_row("refwatch", info.version)
    table.add_row("database", info.database)
    table.add_row("schema", info.schema_revision or "-")
    table.add_row("documents", str(info.documents))
    states = ", ".join(f"{k} {v}" for k, v in sorted(info.incidents_by_review_state.items()))
    table.add_row("incidents", f"{info.incidents}" + (f" ({states})" if states else ""))
    table.add_row("persons", str(info.persons))
    table.add_row("audit events", str(info.audit_events))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `init` and `status`."""
    app.command("init")(init)
    app.command("status")(status)
