"""`refwatch tallies list`: running totals, estimates and head-counts the reports state."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from refwatch.cli import context
from refwatch.cli.output import console, handles_errors, print_json
from refwatch.services.tallies import list_tallies

tallies_app = typer.Typer(
    help="Running totals, estimates and head-counts (never counted as incidents).", no_args_is_help=True
)


def _figure(f: dict[str, Any]) -> str:
    if f.get("count") is None:
        return f.get("text") or "?"
    if f.get("qualifier") == "range" and f.get("count_max") is not None:
        return f"{f['count_min']}–{f['count_max']}"
    mark = {"about": "~", "at_least": "≥", "at_most": "≤"}.get(f.get("qualifier") or "", "")
    return f"{mark}{f['count']}"


def _period(p: dict[str, Any], rate: str | None) -> str:
    span = f"{p.get('start') or '…'} – {p.get('end') or '…'}" if p.get("start") or p.get("end") else ""
    return " ".join(x for x in (span, "a year" if rate == "per_year" else "") if x)


@tallies_app.command("list")
@handles_errors
def list_command(
    kind: list[str] = typer.Option(
        [], "--kind", help="Only these kinds: returned, arrested, held, escaped, other."
    ),
    output_format: str = typer.Option("table", "--format", help="table or json (a JSON list)."),
) -> None:
    """List the tallies (running totals, yearly rates, head-counts) of every stored document."""
    with context.database() as db:
        records = list_tallies(db, kinds=kind)
    if output_format == "json":
        print_json(records)
        return
    table = Table("id", "document", "kind", "figure", "period", "place", "source")
    for r in records:
        place = r.get("place") or {}
        table.add_row(
            str(r["id"]),
            r["document"],
            r["kind"],
            _figure(r["figure"]),
            _period(r["period"], r.get("rate")),
            place.get("place") or place.get("admin1") or place.get("country") or "",
            r.get("source_org") or "",
        )
    console.print(table)
    console.print(f"{len(records)} tallies", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `tallies`."""
    app.add_typer(tallies_app, name="tallies")
