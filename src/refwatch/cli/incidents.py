"""`refwatch incidents list|show|queue|confirm|reject|edit|restrict|merge|split|undo|history|import`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from refwatch.cli import context
from refwatch.cli.output import console, handles_errors, print_json
from refwatch.cli.restriction import Group, Lift, Reason, chosen_group
from refwatch.domain.documents import MAX_ID
from refwatch.errors import InvalidInput
from refwatch.services import review
from refwatch.services.browse import IncidentFilter
from refwatch.services.export import incident_records
from refwatch.services.uwazi import import_uwazi_csv

incidents_app = typer.Typer(help="Linked incidents and their review.", no_args_is_help=True)


def _count(v: dict[str, Any]) -> str:
    if v["count"] is None and v["count_min"] is None:
        return "?"
    if v["qualifier"] == "range" and v["count_max"] is not None:
        return f"{v['count_min']}–{v['count_max']}"
    mark = {"about": "~", "at_least": "≥", "at_most": "≤"}.get(v["qualifier"], "")
    return f"{mark}{v['count']}"


def _place(r: dict[str, Any]) -> str:
    names = [loc.get("place") or loc.get("admin1") or loc.get("country") or "" for loc in r["locations"]]
    return ", ".join(dict.fromkeys(n for n in names if n))


UNKNOWN = "unknown"
#: The incident a review command acts on, as every such command names it in its help.
IncidentArg = Annotated[int, typer.Argument(help="Incident id (the first column of `incidents list`).")]
#: An optional reason, kept in the incident's history.
OptionalReason = Annotated[
    str | None, typer.Option("--reason", help="Why (optional): kept in the incident's history.")
]


def _dates(start: str | None, end: str | None) -> str:
    """A date or a span as a reader writes it: "unknown" where the sources give none, never "None"."""
    if start == end:
        return start or UNKNOWN
    return f"{start or UNKNOWN} – {end or UNKNOWN}"


def _table(records: list[dict[str, Any]]) -> Table:
    table = Table("id", "state", "dates", "count", "status", "types", "places", "sources", "flags")
    for r in records:
        d = r["date"]
        dates = _dates(d["start"], d["end"])
        table.add_row(
            str(r["id"]),
            r["review_state"],
            dates,
            _count(r["victims"]),
            r["status"] or UNKNOWN,
            ", ".join(r["event_types"]),
            _place(r),
            ", ".join(s["document"] for s in r["sources"]),
            ("≠ " + ", ".join(r["disagreements"])) if r["disagreements"] else "",
        )
    return table


@incidents_app.command("list")
@handles_errors
def list_incidents(
    state: list[str] = typer.Option(
        [], "--state", help="Review state(s): candidate, confirmed, rejected, merged."
    ),
    status: list[str] = typer.Option([], "--status", help="Status(es): at_risk, returned, ..."),
    event_type: str | None = typer.Option(None, "--type", help="Only incidents with this event type."),
    place: str | None = typer.Option(None, "--place", help="Only incidents at this place or province."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List linked incidents, oldest first."""
    with context.database() as db:
        records = incident_records(
            db, IncidentFilter(review_states=state, statuses=status, event_type=event_type, place=place)
        )
    if output_format == "json":
        print_json(records)
        return
    console.print(_table(records))
    console.print(f"{len(records)} incidents", highlight=False)


@incidents_app.command("show")
@handles_errors
def show(
    incident_id: int = typer.Argument(..., help="Incident id."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Show an incident with each source's claims side by side."""
    with context.database() as db:
        records = [
            r for r in incident_records(db, IncidentFilter(include_merged=True)) if r["id"] == incident_id
        ]
        if not records:
            review.history(db, incident_id, visible_groups=None)  # raises NotFound with a helpful message
        record = records[0]
    if output_format == "json":
        print_json(record)
        return
    console.print(_table([record]))
    claims = Table(
        "field",
        *[f"{s['document']} (source {s['source_id']})" for s in record["sources"]],
        title="claims by source (split with --source ID)",
    )
    fields = sorted({c["field"] for c in record["claims"]})
    for field in fields:
        row = []
        for s in record["sources"]:
            values = [
                c["value"] for c in record["claims"] if c["document"] == s["document"] and c["field"] == field
            ]
            row.append(_claim_text(values[0]) if values else "")
        claims.add_row(field, *row)
    console.print(claims)
    for s in record["sources"]:
        console.print(
            f"source {s['source_id']}: [bold]{s['document']}[/] {s['outlet'] or ''} {s['published'] or ''}",
            highlight=False,
        )
        if s["link_reason"]:
            console.print(f"  linked ({s['link_score']}): {s['link_reason']}", highlight=False)
        for e in s["evidence"]:
            console.print(f"  [{e['start']}:{e['end']}] “{e['quote']}”", highlight=False, markup=False)


def _claim_text(value: Any) -> str:
    if isinstance(value, dict):
        if "qualifier" in value:
            return _count(value)
        if "precision" in value:
            dates, precision = _dates(value.get("start"), value.get("end")), value.get("precision") or UNKNOWN
            return dates if dates == UNKNOWN else f"{dates} ({precision})"  # not "unknown (unknown)"
    if isinstance(value, list):
        parts = [", ".join(str(x) for x in v.values() if x) if isinstance(v, dict) else str(v) for v in value]
        return "; ".join(parts)
    return "" if value is None else str(value)


@incidents_app.command("queue")
@handles_errors
def queue(
    limit: int = typer.Option(20, "--limit", min=1, max=MAX_ID, help="At most this many candidates."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Candidates waiting for review, most important first."""
    with context.database() as db:
        records = review.review_queue(db, limit=limit)
    if output_format == "json":
        print_json(records)
    else:
        console.print(_table(records))


@incidents_app.command("confirm")
@handles_errors
def confirm(incident_id: IncidentArg, reason: OptionalReason = None) -> None:
    """Confirm an incident: a person has checked it against its sources."""
    with context.database() as db:
        review.set_state(
            db, incident_id, "confirmed", actor=context.settings().user, reason=reason, origin="cli"
        )
    console.print(f"incident {incident_id} confirmed")


@incidents_app.command("reject")
@handles_errors
def reject(
    incident_id: IncidentArg,
    reason: str = typer.Option(..., "--reason", help="Why: required, kept in the incident's history."),
) -> None:
    """Reject an incident (not a real incident, or not in scope); the reason is required."""
    with context.database() as db:
        review.set_state(
            db, incident_id, "rejected", actor=context.settings().user, reason=reason, origin="cli"
        )
    console.print(f"incident {incident_id} rejected")


@incidents_app.command("edit")
@handles_errors
def edit(
    incident_id: IncidentArg,
    field: str = typer.Argument(..., help="Field, e.g. count, status, date_start, event_types."),
    value: str = typer.Argument(..., help="New value ('null' to clear; event types comma-separated)."),
    reason: str = typer.Option(..., "--reason", help="Why: kept in the incident's history."),
) -> None:
    """Correct one field by hand."""
    with context.database() as db:
        review.edit_field(
            db, incident_id, field, value, actor=context.settings().user, reason=reason, origin="cli"
        )
    console.print(f"incident {incident_id}: {field} set")


@incidents_app.command("restrict")
@handles_errors
def restrict(
    incident_id: IncidentArg,
    reason: Reason,
    group: Group = None,
    none: Lift = False,
) -> None:
    """Show an incident's sources, and every incident drawn from them, only to one group and admins."""
    group = chosen_group(group, none)
    with context.database() as db:
        affected = review.restrict(
            db, incident_id, group, actor=context.settings().user, reason=reason, origin="cli"
        )
    state = f"sources restricted to {group}" if group else "sources unrestricted"
    console.print(
        f"incident {incident_id}: {state}; incidents that follow them: {', '.join(map(str, affected))}"
    )


@incidents_app.command("merge")
@handles_errors
def merge(
    target: int = typer.Argument(..., help="Incident that keeps its id."),
    other: int = typer.Argument(..., help="Incident whose sources move into the target."),
    reason: OptionalReason = None,
) -> None:
    """Merge two incidents that are the same event."""
    with context.database() as db:
        review.merge(db, target, other, actor=context.settings().user, reason=reason, origin="cli")
    console.print(f"incident {other} merged into {target}")


@incidents_app.command("split")
@handles_errors
def split(
    incident_id: IncidentArg,
    source: list[int] = typer.Option(
        ..., "--source", help="Source id(s) to move to a new incident (`incidents show` lists them)."
    ),
    reason: OptionalReason = None,
) -> None:
    """Split sources off an incident into a new one."""
    with context.database() as db:
        new_id = review.split(
            db, incident_id, source, actor=context.settings().user, reason=reason, origin="cli"
        )
    console.print(f"sources {source} moved to new incident {new_id}")


@incidents_app.command("undo")
@handles_errors
def undo(incident_id: IncidentArg) -> None:
    """Undo the latest review action on an incident."""
    with context.database() as db:
        action = review.undo(db, incident_id, actor=context.settings().user, origin="cli")
    console.print(f"undid {action} on incident {incident_id}")


@incidents_app.command("history")
@handles_errors
def history(
    incident_id: IncidentArg, output_format: str = typer.Option("table", "--format", help="table or json.")
) -> None:
    """Every recorded change to an incident: who, when, what, why."""
    with context.database() as db:
        entries = review.history(db, incident_id, visible_groups=None)
    if output_format == "json":
        print_json([e.to_dict() for e in entries])
        return
    table = Table("when", "who", "action", "reason")
    for e in entries:
        table.add_row(f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, str(e.detail.get("reason") or ""))
    console.print(table)


@incidents_app.command("import")
@handles_errors
def import_file(
    path: Path = typer.Argument(..., help="CSV file in Uwazi's import form (see docs/cli.md)."),
    input_format: str = typer.Option("uwazi-csv", "--format", help="uwazi-csv (the only one for now)."),
    restrict: str | None = typer.Option(
        None, "--restrict", help="Only this group (and admins) may see what the file brings."
    ),
) -> None:
    """Add each row of an Uwazi CSV as a candidate incident with one source, then link; all or nothing."""
    if input_format != "uwazi-csv":
        raise InvalidInput(f"--format must be uwazi-csv, not {input_format!r}")
    settings = context.settings()
    with context.database() as db:
        result = import_uwazi_csv(
            db,
            path,
            actor=settings.user,
            max_file_bytes=settings.max_file_bytes,
            restricted_to=review.group_name(restrict),
            seal_text=settings.seal_document_text,
            link_threshold=settings.link_threshold,
            link_window_days=settings.link_window_days,
            link_model=settings.link_model,
        )
    for number, key in result.unchanged:
        console.print(f"row {number}: stored already as {key}", highlight=False)
    console.print(
        f"{result.rows} rows: {len(result.stored)} stored as candidate incidents, "
        f"{len(result.unchanged)} unchanged",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add the `incidents` group."""
    app.add_typer(incidents_app, name="incidents")
