"""`refwatch persons import|list|show|link|clusters|review`.

Names reach refwatch only inside a file: an option such as ``--name`` would
leave them in the shell's history. ``show`` prints identifying fields and is
recorded in the audit log as a read, like the same page in the browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Column, Table
from rich.text import Text

from refwatch.cli import context
from refwatch.cli.output import console, err_console, handles_errors, print_json
from refwatch.domain.documents import MAX_ID
from refwatch.errors import InvalidInput
from refwatch.services import persons, records
from refwatch.services.browse import MAX_PAGE

persons_app = typer.Typer(
    help="Victims, witnesses and sources (identities sealed, reads audited).", no_args_is_help=True
)
ORIGIN = "cli"
FORMATS = ("table", "json")


def register(app: typer.Typer) -> None:
    """Add the `persons` group."""
    from refwatch.cli import linkage

    linkage.register(persons_app)
    app.add_typer(persons_app, name="persons")


def _check_format(output_format: str) -> None:
    if output_format not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")


@persons_app.command("import")
@handles_errors
def import_file(
    path: Path = typer.Argument(
        ..., help="CSV (UTF-8) or XLSX with a header row (see docs/cli.md for the columns)."
    ),
    source_list: str | None = typer.Option(
        None, "--list", help="The partner list the rows are records of (a person file: put them on it too)."
    ),
    mapping: list[str] = typer.Option(
        [], "--map", help="COLUMN=FIELD: read the partner's column as a record field (COLUMN= leaves it out)."
    ),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Store a partner's list as records (or a person file as persons), in one transaction."""
    _check_format(output_format)
    if (
        mapping
        or path.suffix.lower() in (".xlsx", ".xlsm")
        or (source_list and not records.is_person_file(path))
    ):
        if not source_list:
            raise InvalidInput("a list of records needs --list NAME: the partner list the rows come from")
        with context.database() as db:
            found = records.import_records(
                db,
                path,
                list_name=source_list,
                mapping=records.parse_mapping(mapping),
                actor=context.settings().user,
                origin=ORIGIN,
            )
        if output_format == "json":
            print_json(found.to_dict())
            return
        for line, record_id in found.generated:
            console.print(f"line {line}: no record_id given; now {record_id}", highlight=False)
        console.print(
            f"{found.rows} records stored on list {found.list_name!r}"
            + (" (a new list)" if found.list_created else ""),
            highlight=False,
        )
        return
    with context.database() as db:
        report = persons.import_persons(
            db, path, actor=context.settings().user, origin=ORIGIN, default_list=source_list
        )
    if output_format == "json":
        print_json(report.to_dict())
        return
    for row, pseudonym in report.generated:
        console.print(f"row {row}: no pseudonym given; now {pseudonym}", highlight=False)
    if report.identities_ignored:
        rows = ", ".join(str(r) for r in report.identities_ignored)
        err_console.print(
            f"row(s) {rows}: the pseudonym is stored already; the identifying cells were not used",
            highlight=False,
        )
    console.print(
        f"{report.rows} rows: {len(report.added)} persons added, {len(report.linked)} linked, "
        f"{report.memberships} list memberships, {report.acts} incident links",
        highlight=False,
    )


@persons_app.command("list")
@handles_errors
def list_persons(
    limit: int = typer.Option(50, "--limit", min=1, max=MAX_PAGE, help="At most this many persons."),
    offset: int = typer.Option(0, "--offset", min=0, max=MAX_ID, help="Skip this many first (paging)."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Persons by pseudonym with their incidents and lists; no identifying field is shown."""
    _check_format(output_format)
    with context.database() as db:
        page = persons.list_persons(
            db, actor=context.settings().user, origin=ORIGIN, limit=limit, offset=offset
        )
    if output_format == "json":
        print_json({"items": [p.to_dict() for p in page.items], "total": page.total})
        return
    table = Table("id", Column("pseudonym", no_wrap=True), "incidents", "lists", "family in NK", "consent")
    for p in page.items:
        table.add_row(
            str(p.id),
            Text(p.pseudonym),
            ", ".join(str(i) for i in p.incidents),
            Text(", ".join(p.lists)),
            _yes(p.family_in_north_korea),
            _yes(p.consent_to_publish),
        )
    console.print(table)
    console.print(f"{len(page.items)} of {page.total} persons", highlight=False)


@persons_app.command("show")
@handles_errors
def show(
    person_id: int = typer.Argument(..., help="The person's number, as `persons list` shows it."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Show one person, identifying fields included; the read is recorded in the audit log."""
    _check_format(output_format)
    with context.database() as db:
        record = persons.show_person(db, person_id, actor=context.settings().user, origin=ORIGIN)
    if output_format == "json":
        print_json(record)
        return
    table = Table("field", "value", show_header=False)
    for name, value in record.items():
        table.add_row(name, Text(_text(value)))  # Text: a value is never read as markup
    console.print(table)
    err_console.print("this read was recorded in the audit log", highlight=False)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return _yes(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)
