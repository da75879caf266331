"""`refwatch ingest PATH...`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from refwatch.cli import context
from refwatch.cli.output import EXIT_USER_ERROR, console, err_console, handles_errors, print_json
from refwatch.errors import InvalidInput
from refwatch.ingest.metadata import load_metadata
from refwatch.ingest.sandbox import ParseLimits
from refwatch.services.archives import read_extracted
from refwatch.services.ingest import FileResult, LanguageChoice, count_files, ingest_paths
from refwatch.services.review import group_name

LANG_CHOICES = ("auto", "en", "ko", "zh")


@handles_errors
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or directories (read recursively)."),
    metadata: Path | None = typer.Option(None, "--metadata", help="TSV/CSV with id or path, url, title, ..."),
    lang: str = typer.Option("auto", "--lang", help="auto, en, ko or zh."),
    no_extract: bool = typer.Option(
        False, "--no-extract", help="Store documents without extracting incidents."
    ),
    output_format: str = typer.Option("table", "--format", help="table or json."),
    restrict: str | None = typer.Option(
        None,
        "--restrict",
        help="Only this group (and admins) may see these reports and what is drawn from them.",
    ),
    extracted: Path | None = typer.Option(
        None,
        "--extracted",
        help="Parquet written by `refwatch extract --engine spark`: its incidents are used, not made again.",
    ),
) -> None:
    """Store documents (original bytes and text), then extract and link their incidents."""
    if lang not in LANG_CHOICES:
        raise InvalidInput(f"--lang must be one of {', '.join(LANG_CHOICES)}, not {lang!r}")
    group = group_name(restrict)
    language: LanguageChoice = lang  # type: ignore[assignment]
    settings = context.settings()
    table = load_metadata(metadata) if metadata else None
    known = read_extracted(extracted) if extracted else None
    total = count_files(paths)
    if total == 0:
        raise InvalidInput("no readable files found in the given paths (.txt, .md, .html, .htm, .pdf)")
    with (
        context.database() as db,
        Progress(
            TextColumn("ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=total < 2 or output_format == "json",
        ) as progress,
    ):
        task = progress.add_task("ingest", total=total)

        def advance(result: FileResult) -> None:
            progress.advance(task)
            if result.outcome == "failed":
                err_console.print(f"[red]failed[/] {result.path}: {result.reason}", highlight=False)

        report = ingest_paths(
            db,
            paths,
            metadata=table,
            language=language,
            actor=settings.user,
            max_file_bytes=settings.max_file_bytes,
            extract=not no_extract,
            link_threshold=settings.link_threshold,
            link_window_days=settings.link_window_days,
            link_model=settings.link_model,
            progress=advance,
            restricted_to=group,
            parse_limits=ParseLimits.from_settings(settings),
            seal_text=settings.seal_document_text,
            workers=settings.ingest_workers,
            extracted=known,
        )
    if output_format == "json":
        print_json(_rows(report.results))
    else:
        for r in report.results:
            if r.outcome == "stored":
                console.print(f"stored    {r.key}  ({r.incidents} incidents)  {r.path}", highlight=False)
            elif r.outcome == "unchanged":
                console.print(f"unchanged {r.key}  {r.path}: {r.reason}", highlight=False)
        console.print(
            f"{report.count('stored')} stored, {report.count('unchanged')} unchanged, "
            f"{report.count('failed')} failed",
            highlight=False,
        )
    if report.failed:
        raise typer.Exit(EXIT_USER_ERROR)


def _rows(results: list[FileResult]) -> list[dict[str, object]]:
    return [
        {
            "path": r.path,
            "outcome": r.outcome,
            "key": r.key,
            "document_id": r.document_id,
            "reason": r.reason,
            "incidents": r.incidents,
        }
        for r in results
    ]


def register(app: typer.Typer) -> None:
    """Add `ingest`."""
    app.command("ingest")(ingest)
