"""`refwatch export` and `refwatch link`."""

from __future__ import annotations

from pathlib import Path

import typer

from refwatch.cli import context
from refwatch.cli.output import console, handles_errors
from refwatch.errors import InvalidInput
from refwatch.services.export import ExportFormat, export_incidents
from refwatch.services.ingest import relink_all
from refwatch.storage.incidents import IncidentFilter


@handles_errors
def export(
    out: Path = typer.Argument(..., help="File to write."),
    output_format: str = typer.Option("jsonl", "--format", help="jsonl, csv or geojson."),
    state: list[str] = typer.Option(
        [], "--state", help="Review state(s) to include (default: all but merged)."
    ),
    status: list[str] = typer.Option([], "--status", help="Status(es) to include."),
    bom: bool = typer.Option(
        False, "--bom", help="Start CSV with a byte-order mark (Excel and Korean text)."
    ),
) -> None:
    """Export linked incidents with their sources and claims."""
    if output_format not in ("jsonl", "csv", "geojson"):
        raise InvalidInput(f"--format must be jsonl, csv or geojson, not {output_format!r}")
    fmt: ExportFormat = output_format  # type: ignore[assignment]
    with context.database() as db:
        n = export_incidents(
            db, out, fmt=fmt, filters=IncidentFilter(review_states=state, statuses=status), bom=bom
        )
    console.print(f"{n} incidents written to {out}", highlight=False)


@handles_errors
def link() -> None:
    """Re-run linking over every stored report (after changing the link settings)."""
    settings = context.settings()
    with context.database() as db:
        summary = relink_all(
            db, actor=settings.user, threshold=settings.link_threshold, window_days=settings.link_window_days
        )
    console.print(
        f"{summary.reports} reports in {summary.incidents} incidents ({summary.moved} moved, "
        f"{summary.removed} emptied incidents removed)",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `export` and `link`."""
    app.command("export")(export)
    app.command("link")(link)
