"""`refwatch extract PATH...`: incidents from report files, without a database.

For trying the extractor on a file, scripting, and feeding other tools: nothing is
stored, so no key or passphrase is needed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from refwatch.cli import context
from refwatch.cli.output import EXIT_USER_ERROR, console, err_console, handles_errors, print_jsonl
from refwatch.domain.dates import ReferenceDate
from refwatch.domain.incidents import Incident
from refwatch.errors import InvalidInput, RefwatchError
from refwatch.extract import DEFAULT_EXTRACTOR_NAME, available_extractors, get_extractor
from refwatch.extract.base import uses_language
from refwatch.extract.refdate import reference_date
from refwatch.ingest.dates import parse_human_date
from refwatch.ingest.discovery import expand_paths
from refwatch.ingest.language import detect_language
from refwatch.ingest.metadata import DocumentMetadata, load_metadata
from refwatch.ingest.sandbox import ParseLimits
from refwatch.services.ingest import prepare_file

FORMATS = ("jsonl", "table")
ENGINES = ("local", "spark")
LANGS = ("auto", "en", "ko", "zh")


def register(app: typer.Typer) -> None:
    """Add ``extract`` to the root application."""
    app.command("extract")(extract)


@handles_errors
def extract(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (read recursively)."),
    metadata: Path | None = typer.Option(
        None, "--metadata", help="TSV/CSV giving each file's id and publication date."
    ),
    published: str | None = typer.Option(
        None, "--published", help="Publication date for every file, e.g. 2019-05-03 or 'May 3, 2019'."
    ),
    lang: str = typer.Option("auto", "--lang", help="auto, en, ko or zh (a hint for the extractor)."),
    output_format: str = typer.Option("jsonl", "--format", help="jsonl (one incident per line) or table."),
    extractor: str = typer.Option(
        DEFAULT_EXTRACTOR_NAME, "--extractor", help=f"One of: {', '.join(available_extractors())}."
    ),
    engine_name: str = typer.Option(
        "local",
        "--engine",
        help="local (this process) or spark (over Spark partitions; needs --out and `make spark`).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="With --engine spark: the Parquet folder to write, one row per file."
    ),
    master: str = typer.Option(
        "local[*]", "--master", help="With --engine spark: local[N] (N cores here) or a cluster's master URL."
    ),
) -> None:
    """Print the incidents found in report files, each field with its evidence span; stores nothing.

    With --engine spark, write them to a Parquet folder instead, for `refwatch ingest --extracted`.
    """
    if engine_name not in ENGINES:
        raise InvalidInput(f"--engine must be one of {', '.join(ENGINES)}, not {engine_name!r}")
    if engine_name == "spark":
        _extract_on_spark(paths, out=out, master=master, metadata=metadata)
        return
    if out is not None:
        raise InvalidInput("--out goes with --engine spark; the local engine prints to standard output")
    if output_format not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    if lang not in LANGS:
        raise InvalidInput(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
    anchor = _published(published)
    table = load_metadata(metadata) if metadata else None
    engine = get_extractor(extractor)
    files = expand_paths(paths)
    if not files:
        raise InvalidInput("no readable files found in the given paths (.txt, .md, .html, .htm, .pdf)")
    settings = context.settings()
    limits = ParseLimits.from_settings(settings)
    found: list[Incident] = []
    failed = 0
    for path in files:
        try:
            prepared = prepare_file(path, max_file_bytes=settings.max_file_bytes, parse_limits=limits)
        except RefwatchError as exc:
            err_console.print(f"[red]failed[/] {exc}", highlight=False)
            failed += 1
            continue
        meta = table.for_file(path) if table else None
        text = prepared.read.text
        found += engine.extract(
            text,
            document=(meta.id if meta and meta.id else path.stem),
            published=anchor,
            reference=None if anchor else _reference(meta, text),
            language=_language(lang, meta, text) if uses_language(engine) else None,
        )
    if output_format == "jsonl":
        print_jsonl([i.to_dict() for i in found])
    else:
        console.print(_table(found))
    if failed:
        raise typer.Exit(EXIT_USER_ERROR)


def _extract_on_spark(paths: list[Path], *, out: Path | None, master: str, metadata: Path | None) -> None:
    if out is None:
        raise InvalidInput("--engine spark needs --out OUT.parquet (the folder to write the rows to)")
    from refwatch.services.archives import extract_on_spark

    settings = context.settings()
    summary = extract_on_spark(
        [str(p) for p in paths],
        out,
        master=master,
        metadata=load_metadata(metadata) if metadata else None,
        max_file_bytes=settings.max_file_bytes,
        parse_limits=ParseLimits.from_settings(settings),
    )
    megabytes = summary.file_bytes / 1e6
    console.print(
        f"{summary.files} files ({megabytes:.1f} MB) read on Spark ({master}) in {summary.seconds:.1f} s: "
        f"{summary.incidents} incidents, {summary.failed} failed; written to {summary.out}",
        highlight=False,
    )
    console.print(
        f"store them with: refwatch ingest {' '.join(map(str, paths))} --extracted {out}", highlight=False
    )
    if summary.failed:
        raise typer.Exit(EXIT_USER_ERROR)


def _published(value: str | None) -> dt.date | None:
    if value is None:
        return None
    parsed = parse_human_date(value).to_date()
    if parsed is None:
        raise InvalidInput(f"--published needs a full date with year, month and day, not {value!r}")
    return parsed


def _reference(meta: DocumentMetadata | None, text: str) -> ReferenceDate | None:
    """The reference date as ingest derives it (metadata date, address, the text itself)."""
    return reference_date(
        text, metadata=meta.publication_date if meta else None, url=meta.url if meta else None
    )


def _language(choice: str, meta: DocumentMetadata | None, text: str) -> str:
    if choice != "auto":
        return choice
    if meta and meta.language:
        return meta.language
    return detect_language(text)


def _table(incidents: list[Incident]) -> Table:
    table = Table(title=f"{len(incidents)} incident(s)")
    for column in ("document", "date", "people", "places", "event types", "status", "salience"):
        table.add_column(column)
    for i in incidents:
        table.add_row(
            i.document,
            _date(i.date.start, i.date.end),
            _count(i.victims.count, i.victims.count_min, i.victims.count_max),
            ", ".join(loc.place for loc in i.locations if loc.place) or "-",
            ", ".join(i.event_types),
            i.status,
            i.salience,
        )
    return table


def _date(start: str | None, end: str | None) -> str:
    if not start:
        return "unknown"
    return start if not end or end == start else f"{start} .. {end}"


def _count(count: int | None, low: int | None, high: int | None) -> str:
    if count is not None:
        return str(count)
    if low is not None or high is not None:
        return f"{low if low is not None else '?'}-{high if high is not None else '?'}"
    return "unknown"
