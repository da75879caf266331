"""`refwatch appeal`: an appeal letter about incidents, to a UN mechanism, an embassy or a ministry."""

from __future__ import annotations

from pathlib import Path

import typer

from refwatch.cli import context
from refwatch.cli.output import console, handles_errors
from refwatch.errors import InvalidInput
from refwatch.report.letters import addressees
from refwatch.services.appeals import FORMATS, draft_appeal


@handles_errors
def appeal(
    incident_ids: list[int] = typer.Argument(..., help="The incidents the letter is about."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write."),
    to: str = typer.Option(
        ..., "--to", help="Addressee: sr-dprk, wgad, cat, unhcr, prc-embassy, foreign-ministry."
    ),
    lang: str = typer.Option("en", "--lang", help="en or ko."),
    output_format: str = typer.Option("md", "--format", help="md, docx or pdf."),
    author: str = typer.Option("[your organisation]", "--author", help="The organisation that signs it."),
) -> None:
    """Write an appeal letter (facts with citations, the law, the asks) and log a draft intervention."""
    if output_format not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    with context.database() as db:
        letter, data = draft_appeal(
            db,
            incident_ids,
            to=to,
            lang=lang,
            fmt=output_format,
            author=author,
            actor=context.settings().user,
            visible_groups=None,
            origin="cli",
        )
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {out}: {exc.strerror}") from None
    fill_in = " (write the real address in before sending)" if addressees()[to].get("fill_in") else ""
    console.print(
        f"letter to {to} on incident(s) {', '.join(map(str, letter.incidents))} written to {out}{fill_in}; "
        "a draft intervention is recorded on each",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `appeal`."""
    app.command("appeal")(appeal)
