"""`refwatch report`: what was documented in a period, as HTML or PDF, in English or Korean."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from refwatch.cli import context
from refwatch.cli.output import console, handles_errors
from refwatch.errors import InvalidInput
from refwatch.services.reports import period_report


@handles_errors
def report(
    out: Path = typer.Argument(..., help="File to write."),
    date_from: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD)."),
    date_to: str = typer.Option(..., "--to", help="Last day (YYYY-MM-DD)."),
    lang: str = typer.Option("en", "--lang", help="en or ko."),
    output_format: str = typer.Option("html", "--format", help="html or pdf."),
) -> None:
    """Write the period report: figures, timeline, map, incidents with citations, law, estimate, methods."""
    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    with context.database() as db:
        data = period_report(db, date_from=start, date_to=end, lang=lang, fmt=output_format)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {out}: {exc.strerror}") from None
    console.print(f"report for {start} – {end} ({lang}, {output_format}) written to {out}", highlight=False)


def _day(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None


def register(app: typer.Typer) -> None:
    """Add `report`."""
    app.command("report")(report)
