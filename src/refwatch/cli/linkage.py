"""`refwatch persons link|clusters|review`: records linked into persons, and the clerical queue.

Nothing here prints a name except ``review show``, which is a read recorded in the
audit log (a reviewer cannot decide on a pair without seeing both records).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from refwatch.cli import context
from refwatch.cli.output import console, err_console, handles_errors, print_json
from refwatch.errors import InvalidInput
from refwatch.services import person_linkage

ORIGIN = "cli"
review_app = typer.Typer(help="The clerical review queue of uncertain record pairs.", no_args_is_help=True)


def register(persons_app: typer.Typer) -> None:
    """Add ``link``, ``clusters`` and ``review`` to the ``persons`` group."""
    persons_app.command("link")(link)
    persons_app.command("clusters")(clusters)
    persons_app.add_typer(review_app, name="review")


def _format(output_format: str) -> None:
    if output_format not in ("table", "json"):
        raise InvalidInput(f"--format must be table or json, not {output_format!r}")


@handles_errors
def link(output_format: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Link every person record into persons (Splink, in memory); the run and its model are stored."""
    _format(output_format)
    settings = context.settings()
    with context.database() as db:
        report = person_linkage.link_persons(db, settings, actor=settings.user, origin=ORIGIN)
    if output_format == "json":
        print_json(report.to_dict())
        return
    console.print(
        f"run {report.run_id}: {report.records} records, {report.pairs} pairs scored, "
        f"{report.links} links ({report.within_list} within a list, {report.across_lists} across lists), "
        f"{report.persons} persons, {report.review_open} pairs to review",
        highlight=False,
    )


@handles_errors
def clusters(
    out: Path = typer.Argument(
        ..., metavar="OUT.csv", help="Where to write list,record_id,person_id,match_probability."
    ),
) -> None:
    """Write the latest run's persons as CSV (no names); the export is audited."""
    with context.database() as db:
        rows = person_linkage.export_clusters(db, out, actor=context.settings().user, origin=ORIGIN)
    console.print(f"{rows} records written to {out}", highlight=False)


@review_app.command("list")
@handles_errors
def review_list(
    status: str = typer.Option("open", "--status", help="open, confirmed, split or all."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Pairs waiting for a decision (lists, record ids and probabilities; no names)."""
    _format(output_format)
    with context.database() as db:
        pairs = person_linkage.review_queue(db, status=None if status == "all" else status)
    if output_format == "json":
        print_json(
            [
                {
                    "id": p.id,
                    "left": {"list": p.left_ref[0], "record_id": p.left_ref[1]},
                    "right": {"list": p.right_ref[0], "record_id": p.right_ref[1]},
                    "match_probability": round(p.probability, 4),
                    "status": p.status,
                    "decided_by": p.decided_by,
                }
                for p in pairs
            ]
        )
        return
    table = Table("id", "left", "right", "probability", "status")
    for p in pairs:
        table.add_row(
            str(p.id),
            Text(" / ".join(p.left_ref)),
            Text(" / ".join(p.right_ref)),
            f"{p.probability:.3f}",
            p.status,
        )
    console.print(table)


@review_app.command("show")
@handles_errors
def review_show(
    review_id: int = typer.Argument(..., help="The pair's number, as `review list` shows it."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Both records of a pair, names included; the read is recorded in the audit log."""
    _format(output_format)
    with context.database() as db:
        pair = person_linkage.show_pair(db, review_id, actor=context.settings().user, origin=ORIGIN)
    if output_format == "json":
        print_json(pair)
        return
    table = Table("field", *(f"record {r['id']}" for r in pair["records"]), title=f"pair {pair['id']}")
    for name in pair["records"][0]:
        table.add_row(name, *(Text("" if r[name] is None else str(r[name])) for r in pair["records"]))
    console.print(table)
    err_console.print("this read was recorded in the audit log", highlight=False)


@review_app.command("confirm")
@handles_errors
def review_confirm(review_id: int = typer.Argument(..., help="The pair's number.")) -> None:
    """The two records are one person: later runs link them whatever the model says."""
    with context.database() as db:
        person_linkage.decide(db, review_id, "confirmed", actor=context.settings().user, origin=ORIGIN)
    console.print(
        f"pair {review_id} confirmed; run `refwatch persons link` again to apply it", highlight=False
    )


@review_app.command("split")
@handles_errors
def review_split(review_id: int = typer.Argument(..., help="The pair's number.")) -> None:
    """The two records are two persons: later runs never link them directly."""
    with context.database() as db:
        person_linkage.decide(db, review_id, "split", actor=context.settings().user, origin=ORIGIN)
    console.print(f"pair {review_id} split; run `refwatch persons link` again to apply it", highlight=False)
