"""`refwatch documents list|show|original|restrict|reference-dates`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from refwatch.cli import context
from refwatch.cli.output import console, handles_errors, print_json
from refwatch.cli.restriction import Group, Lift, Reason, chosen_group
from refwatch.domain.dates import ReferenceDate
from refwatch.domain.documents import MAX_ID
from refwatch.services import documents as service

documents_app = typer.Typer(help="Stored documents.", no_args_is_help=True)


@documents_app.command("list")
@handles_errors
def list_documents(
    language: str | None = typer.Option(None, "--language", help="Only this language (en, ko, zh, other)."),
    outlet: str | None = typer.Option(None, "--outlet", help="Only this outlet."),
    limit: int | None = typer.Option(None, "--limit", min=1, max=MAX_ID, help="At most this many."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List stored documents, oldest publication first."""
    with context.database() as db:
        docs = service.list_documents(db, language=language, outlet=outlet, limit=limit)
    if output_format == "json":
        print_json([d.to_dict() for d in docs])
        return
    table = Table("id", "key", "published", "lang", "outlet", "title", "sha256")
    for d in docs:
        table.add_row(
            str(d.id),
            d.key,
            d.publication_date or "",
            d.language,
            d.outlet or "",
            d.title or "",
            d.sha256[:12],
        )
    console.print(table)
    console.print(f"{len(docs)} documents", highlight=False)


@documents_app.command("show")
@handles_errors
def show_document(
    ref: str = typer.Argument(..., help="Document id (digits) or key (anything else)."),
    by_key: bool = typer.Option(False, "--key", help="Read REF as a key even if it is all digits."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Show one document: metadata, hash and text."""
    with context.database() as db:
        doc = service.show_document(db, ref, visible_groups=None, by_key=by_key)
    if output_format == "json":
        print_json(doc.to_dict())
        return
    s = doc.summary
    table = Table(show_header=False, box=None)
    for label, value in (
        ("id", str(s.id)),
        ("key", s.key),
        ("title", s.title or ""),
        ("outlet", s.outlet or ""),
        ("url", s.url or ""),
        ("published", s.publication_date or ""),
        ("reference", _reference_line(s.reference_date)),
        ("language", f"{s.language} ({doc.language_source})"),
        ("file", f"{s.filename} ({s.media_type}, {s.size_bytes:,} bytes)"),
        ("sha256", s.sha256),
        ("ingested", f"{s.ingested_at:%Y-%m-%d %H:%M} by {s.ingested_by}"),
        ("incidents", ", ".join(map(str, doc.incident_ids)) or "-"),
    ):
        table.add_row(label, Text(value))  # plain text: a title or address may hold "[...]" markup
    console.print(table)
    console.rule()
    console.print(doc.text, highlight=False, markup=False)


@documents_app.command("original")
@handles_errors
def original(
    ref: str = typer.Argument(..., help="Document id (digits) or key (anything else)."),
    by_key: bool = typer.Option(False, "--key", help="Read REF as a key even if it is all digits."),
) -> None:
    """Write the original bytes (the evidentiary copy) to standard output."""
    with context.database() as db:
        _, data = service.original_bytes(db, ref, visible_groups=None, by_key=by_key)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@documents_app.command("restrict")
@handles_errors
def restrict(
    ref: Annotated[str, typer.Argument(help="Document id or key.")],
    reason: Reason,
    group: Group = None,
    none: Lift = False,
) -> None:
    """Show a document, and every incident drawn from it, only to one group's members and admins."""
    group = chosen_group(group, none)
    with context.database() as db:
        affected = service.restrict_document(
            db, ref, group, actor=context.settings().user, reason=reason, origin="cli"
        )
    state = f"restricted to {group}" if group else "unrestricted"
    console.print(f"document {ref}: {state}; incidents drawn from it: {', '.join(map(str, affected)) or '-'}")


def register(app: typer.Typer) -> None:
    """Add the `documents` group."""
    app.add_typer(documents_app, name="documents")


def _reference_line(ref: ReferenceDate | None) -> str:
    """The reference date with where it came from, e.g. ``2012-02 (url, high: /2012/02/)``."""
    if ref is None:
        return "unknown"
    evidence = f": {ref.text}" if ref.text else ""
    return f"{ref.label()} ({ref.source}, {ref.confidence}{evidence})"


@documents_app.command("reference-dates")
@handles_errors
def reference_dates(
    everyone: bool = typer.Option(
        False, "--all", help="Derive it again for every document, not only those without."
    ),
) -> None:
    """Derive and store the reference date of documents that have none (stored before it existed)."""
    with context.database() as db:
        read, changed = service.store_reference_dates(db, actor=context.settings().user, everyone=everyone)
    console.print(f"{read} documents read, {changed} reference dates stored", highlight=False)
