"""`refwatch export`, `refwatch link` and `refwatch link-train`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import typer

from refwatch.cli import context
from refwatch.cli.output import console, handles_errors
from refwatch.errors import InvalidInput
from refwatch.report.redaction import RedactionPolicy
from refwatch.services.browse import IncidentFilter
from refwatch.services.export import (
    PACKAGE_FORMATS,
    ExportFormat,
    export_datapackage,
    export_incidents,
    export_tallies,
)
from refwatch.services.ingest import relink_all
from refwatch.services.linking import train_stored_model
from refwatch.services.uwazi import export_uwazi_csv


@handles_errors
def export(
    out: Path = typer.Argument(..., help="File to write (a new folder for datapackage)."),
    output_format: str = typer.Option(
        "jsonl", "--format", help="jsonl, csv, geojson, datapackage or uwazi-csv."
    ),
    state: list[str] = typer.Option(
        [], "--state", help="Review state(s) to include (default: all but merged)."
    ),
    status: list[str] = typer.Option([], "--status", help="Status(es) to include."),
    bom: bool = typer.Option(
        False, "--bom", help="Start CSV with a byte-order mark (Excel and Korean text)."
    ),
    public: bool = typer.Option(
        False, "--public", help="Redacted public form: confirmed incidents, no quotes."
    ),
    min_count: int = typer.Option(
        5, "--min-count", min=1, help="With --public or uwazi-csv: smaller counts become 'fewer than N'."
    ),
    date_precision: str = typer.Option(
        "month", "--date-precision", help="With --public or uwazi-csv: day, month or year."
    ),
    include_unconfirmed: bool = typer.Option(
        False,
        "--include-unconfirmed",
        help="With --public or uwazi-csv: not only confirmed; with --public or datapackage: tallies too.",
    ),
    min_cell: int = typer.Option(
        5,
        "--min-cell",
        help="With datapackage or uwazi-csv: places with fewer people in a month are withheld.",
    ),
) -> None:
    """Export linked incidents with their sources and claims (tallies go beside: NAME.tallies.EXT)."""
    if output_format not in ("jsonl", "csv", "geojson", "uwazi-csv", *PACKAGE_FORMATS):
        raise InvalidInput(
            f"--format must be jsonl, csv, geojson, datapackage or uwazi-csv, not {output_format!r}"
        )
    fmt: ExportFormat = output_format  # type: ignore[assignment]
    if date_precision not in ("day", "month", "year"):
        raise InvalidInput(f"--date-precision must be day, month or year, not {date_precision!r}")
    redaction = RedactionPolicy(
        min_count=min_count,
        date_precision=date_precision,  # type: ignore[arg-type]
        confirmed_only=not include_unconfirmed,
    )
    policy = redaction if public else None
    if output_format == "uwazi-csv":  # always the public form, like the data package
        with context.database() as db:
            rows = export_uwazi_csv(db, out, policy=redaction, min_cell=min_cell, bom=bom)
        console.print(f"{rows} incidents written to {out} (Uwazi CSV, public form)", highlight=False)
        return
    if output_format == "datapackage":  # always the public form, of confirmed incidents
        with context.database() as db:
            written = export_datapackage(
                db,
                out,
                policy=dataclasses.replace(redaction, confirmed_only=True),
                min_cell=min_cell,
                tallies=include_unconfirmed,
            )
        console.print(
            f"{written.incidents} incidents, {written.sources} sources, {written.tallies} tallies "
            f"written to {out}/ "
            f"({written.places_withheld} places withheld in small cells)",
            highlight=False,
        )
        return
    with context.database() as db:
        n = export_incidents(
            db,
            out,
            fmt=fmt,
            filters=IncidentFilter(review_states=state, statuses=status),
            bom=bom,
            public=policy,
        )
        tallies = export_tallies(db, out, fmt=fmt, bom=bom, public=policy)
    console.print(f"{n} incidents written to {out}", highlight=False)
    if tallies is not None:
        console.print(f"{tallies[1]} tallies written to {tallies[0]}", highlight=False)


@handles_errors
def link() -> None:
    """Re-run linking over every stored document (after changing the link settings)."""
    settings = context.settings()
    with context.database() as db:
        summary = relink_all(
            db,
            actor=settings.user,
            threshold=settings.link_threshold,
            window_days=settings.link_window_days,
            model_dir=settings.link_model,
        )
    # "sources", as `incidents show` names them: what one document says of one incident.
    console.print(
        f"{summary.reports} sources (what one document says of one incident) linked into "
        f"{summary.incidents} incidents ({summary.moved} moved, {summary.removed} emptied incidents removed)",
        highlight=False,
    )


@handles_errors
def link_train(
    out: Path | None = typer.Option(
        None, "--out", help="Folder to write the model to (default: link-model in REFWATCH_HOME)."
    ),
    threshold: float | None = typer.Option(
        None, "--threshold", min=0.0, max=1.0, help="Threshold to store with the model (default: its own)."
    ),
) -> None:
    """Train the incident linking model (m and u by EM) on every stored report."""
    settings = context.settings()
    folder = out or settings.home / "link-model"
    with context.database() as db:
        trained = train_stored_model(db, folder, threshold=threshold, window_days=settings.link_window_days)
    console.print(
        f"model trained on {trained.records} reports written to {folder} "
        f"(threshold {trained.threshold}; expected pairwise F1 {trained.expected_f1}); "
        f"set REFWATCH_LINK_MODEL={folder} and run `refwatch link` to use it",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `export`, `link` and `link-train`."""
    app.command("export")(export)
    app.command("link")(link)
    app.command("link-train")(link_train)
