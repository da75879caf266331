"""`refwatch interventions add|list|update`: the advocacy log."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from refwatch.cli import context
from refwatch.cli.output import console, handles_errors, print_json
from refwatch.domain.interventions import InterventionRecord
from refwatch.services import interventions as service

interventions_app = typer.Typer(help="Letters, appeals and other interventions, and their follow-up.")


@interventions_app.command("add")
@handles_errors
def add(
    incident_id: int = typer.Argument(..., help="The incident it is about."),
    kind: str = typer.Option(
        ..., "--kind", help="letter, un_communication, urgent_appeal, embassy_approach, ..."
    ),
    to: str = typer.Option(..., "--to", help="The addressee (a mandate, an embassy, a ministry)."),
    author: str | None = typer.Option(None, "--author", help="The organisation that acts."),
    channel: str | None = typer.Option(None, "--channel", help="E-mail, post, OHCHR portal, in person..."),
    reference: str | None = typer.Option(None, "--reference", help="A reference number."),
    sent: str | None = typer.Option(None, "--sent", help="Date sent (YYYY-MM-DD); without it: a draft."),
    follow_up: str | None = typer.Option(None, "--follow-up", help="When to ask again (YYYY-MM-DD)."),
) -> None:
    """Record an intervention on an incident."""
    with context.database() as db:
        record = service.add_intervention(
            db,
            incident_id,
            kind=kind,
            addressee=to,
            author=author,
            channel=channel,
            reference=reference,
            sent_on=sent,
            follow_up_on=follow_up,
            actor=context.settings().user,
            visible_groups=None,
            origin="cli",
        )
    console.print(f"intervention {record.id} on incident {incident_id}: {record.kind}, {record.status}")


@interventions_app.command("update")
@handles_errors
def update(
    intervention_id: int = typer.Argument(..., help="The intervention's number."),
    status: str | None = typer.Option(None, "--status", help="draft, sent, answered or closed."),
    sent: str | None = typer.Option(None, "--sent", help="Date sent (YYYY-MM-DD)."),
    follow_up: str | None = typer.Option(None, "--follow-up", help="When to ask again (YYYY-MM-DD)."),
    reference: str | None = typer.Option(None, "--reference", help="A reference number."),
    response: str | None = typer.Option(None, "--response", help="The answer received, in short."),
    outcome: str | None = typer.Option(None, "--outcome", help="What came of it."),
) -> None:
    """Record what happened since: sent, answered, a new follow-up date, the outcome."""
    with context.database() as db:
        record = service.update_intervention(
            db,
            intervention_id,
            status=status,
            sent_on=sent,
            follow_up_on=follow_up,
            reference=reference,
            response=response,
            outcome=outcome,
            actor=context.settings().user,
            visible_groups=None,
            origin="cli",
        )
    console.print(f"intervention {record.id}: {record.status}")


@interventions_app.command("list")
@handles_errors
def list_interventions(
    incident_id: int | None = typer.Argument(None, help="Only this incident's (all recent ones without)."),
    overdue: bool = typer.Option(False, "--overdue", help="Only those whose follow-up date has passed."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List interventions: an incident's timeline, recent ones, or overdue follow-ups."""
    today = dt.date.today()
    with context.database() as db:
        if incident_id is not None:
            found = service.incident_interventions(db, incident_id, visible_groups=None)
            if overdue:
                found = [r for r in found if r.overdue(today)]
        else:
            found = service.list_interventions(db, visible_groups=None, overdue_on=today if overdue else None)
    if output_format == "json":
        print_json([r.to_dict() for r in found])
        return
    console.print(_table(found, today))
    console.print(f"{len(found)} interventions", highlight=False)


def _table(found: list[InterventionRecord], today: dt.date) -> Table:
    table = Table("id", "incident", "kind", "status", "to", "sent", "follow-up", "response")
    for r in found:
        table.add_row(
            str(r.id),
            str(r.incident_id),
            r.kind,
            r.status,
            r.addressee,
            r.sent_on.isoformat() if r.sent_on else "",
            (r.follow_up_on.isoformat() + (" (overdue)" if r.overdue(today) else ""))
            if r.follow_up_on
            else "",
            (r.response or "")[:60],
        )
    return table


def register(app: typer.Typer) -> None:
    """Add the `interventions` group."""
    app.add_typer(interventions_app, name="interventions")
