"""Incidents: the filtered list, one incident with its claims and history, and the review forms."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from refwatch.domain.vocabulary import EVENT_TYPES, INTERVENTION_KINDS, REVIEW_STATES, STATUSES
from refwatch.errors import InvalidInput
from refwatch.report.letters import addressees
from refwatch.services import browse, review
from refwatch.services.accounts import Principal
from refwatch.services.browse import IncidentFilter
from refwatch.services.interventions import incident_interventions
from refwatch.services.placenames import stored_place
from refwatch.services.setup import Database
from refwatch.web import listing
from refwatch.web.api import one_of
from refwatch.web.auth import client_address
from refwatch.web.claims import differing_fields, source_claims
from refwatch.web.deps import Admin, Db, Editor, IncidentId, User
from refwatch.web.editing import ACTION_LABELS, changed_fields, edit_context, hand_set
from refwatch.web.params import PageNumber, Text
from refwatch.web.rendering import PAGE, back, render
from refwatch.web.sessions import check_csrf, safe_next
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)  # forms parsed as everywhere


@router.get("/incidents", response_class=HTMLResponse)
def incidents(
    request: Request,
    db: Db,
    caller: User,
    review_state: Annotated[str | None, Query(max_length=20)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    event_type: Annotated[str | None, Query(max_length=30)] = None,
    place: Annotated[Text | None, Query(max_length=200)] = None,
    date_from: Annotated[str | None, Query(max_length=10)] = None,
    date_to: Annotated[str | None, Query(max_length=10)] = None,
    page: PageNumber = 1,
    sort: Annotated[str, Query(max_length=12)] = "",
) -> HTMLResponse:
    """Incidents with filters and the number in each review state, sortable by their columns."""
    one_of("sort", [sort.removeprefix("-")] if sort else [], browse.INCIDENT_ORDERS)
    one_of("review_state", [review_state] if review_state else [], REVIEW_STATES)
    one_of("status", [status] if status else [], STATUSES)
    one_of("event_type", [event_type] if event_type else [], EVENT_TYPES)
    filters = IncidentFilter(
        review_states=(review_state,) if review_state else (),
        statuses=(status,) if status else (),
        event_type=event_type or None,
        place=stored_place(place) if place else None,  # a name typed in Korean finds the stored label
        date_from=_date(date_from, "date_from"),
        date_to=_date(date_to, "date_to"),
        visible_groups=caller.visible_groups(),
        order=sort,
    )
    found = browse.incident_page(db, filters, limit=PAGE, offset=(page - 1) * PAGE)
    return render(
        request,
        "incidents.html",
        caller,
        page_data=found,
        page=page,
        pages=max(1, -(-found.total // PAGE)),
        facets=browse.incident_facets(db, filters),
        filters={
            "review_state": review_state or "",
            "status": status or "",
            "event_type": event_type or "",
            "place": place or "",
            "date_from": date_from or "",
            "date_to": date_to or "",
        },
        vocab={"review_state": REVIEW_STATES, "status": STATUSES, "event_type": EVENT_TYPES},
        sort=sort,
        bulk=caller.role in ("admin", "editor"),
        bulk_done=request.session.pop("bulk_done", None),
        **listing.CONTEXT,
    )


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name}: write the date as YYYY-MM-DD, not {value!r}") from None


def _incident_page(
    request: Request, db: Database, caller: Principal, incident_id: int, *, edit: dict[str, Any] | None = None
) -> HTMLResponse:
    record = browse.incident_detail(db, incident_id, visible_groups=caller.visible_groups())
    history = [h.to_dict() for h in review.history(db, incident_id, visible_groups=caller.visible_groups())]
    return render(
        request,
        "incident.html",
        caller,
        incident=record,
        claims=source_claims(record),
        differing=differing_fields(record),
        history=history,
        hand=hand_set(history, record["overrides"]),
        edit=edit or edit_context(record),
        done=request.session.pop("review_done", None),
        interventions=incident_interventions(db, incident_id, visible_groups=caller.visible_groups()),
        intervention_kinds=INTERVENTION_KINDS,
        addressee_codes=sorted(addressees()),
        today=dt.date.today(),
    )


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident(request: Request, db: Db, caller: User, incident_id: IncidentId) -> HTMLResponse:
    """One incident: fields, each source's claims side by side, evidence, history, review forms."""
    return _incident_page(request, db, caller, incident_id)


def _edit(
    request: Request,
    db: Database,
    caller: Principal,
    incident_id: int,
    form: tuple[list[str], list[str], list[str], str, str],
    rows: dict[str, list[tuple[str, str]]],
) -> Response:
    """Save an edit form; a refused value shows the page again, the error beside the form, input kept."""
    fields, values, event_types, group, reason = form
    record = browse.incident_detail(db, incident_id, visible_groups=caller.visible_groups())
    sent: dict[str, Any] = {}
    try:
        changed, sent = changed_fields(record, fields, values, event_types, rows)
        for field, value in changed.items():
            review.parse_field_value(field, value)  # every value checked before any is written
        if changed and not reason.strip():
            raise InvalidInput("an edit needs a reason")
        origin = client_address(request)
        events = [
            review.edit_field(db, incident_id, f, v, reason=reason, actor=caller.username, origin=origin)
            for f, v in changed.items()
        ]
    except InvalidInput as exc:
        from refwatch.web.errors import web_detail  # errors imports the pages lazily; keep it one-way here

        sent = sent or {name: rows[name] for name in rows if name in fields}  # a refused list keeps its rows
        edit = edit_context(record, submitted=sent, group=group, error=web_detail(str(exc)), reason=reason)
        response = _incident_page(request, db, caller, incident_id, edit=edit)
        response.status_code = 422
        return response
    if changed:
        request.session["review_done"] = {
            "incident": incident_id,
            "action": "edit",
            "label": "edited",
            "event": events[0] if len(events) == 1 else None,  # one Undo reverses one entry
            "next": "",
        }
    return back(f"/incidents/{incident_id}")


@router.post("/incidents/{incident_id}/restrict")
def restrict(
    request: Request,
    db: Db,
    caller: Admin,
    incident_id: IncidentId,
    csrf: Annotated[str, Form()] = "",
    group: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Show the incident, its reports and every incident drawn from them only to one group (blank: to
    everyone); admins only, a reason required and audited, the same service as ``incidents restrict``.

    Before the generic action route, which would read "restrict" as an unknown review action.
    """
    check_csrf(request, csrf)
    review.restrict(db, incident_id, group or None, actor=caller.username, reason=reason, origin="web")
    return back(f"/incidents/{incident_id}")


@router.post("/incidents/{incident_id}/{action}")
def act(
    request: Request,
    db: Db,
    caller: Editor,
    incident_id: IncidentId,
    action: str,
    csrf: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    field: Annotated[list[str] | None, Form(max_length=50)] = None,
    value: Annotated[list[str] | None, Form(max_length=2000)] = None,
    event_types: Annotated[list[str] | None, Form(max_length=30)] = None,
    place: Annotated[list[str] | None, Form(max_length=200)] = None,
    role: Annotated[list[str] | None, Form(max_length=20)] = None,
    state: Annotated[list[str] | None, Form(max_length=10)] = None,
    agency: Annotated[list[str] | None, Form(max_length=20)] = None,
    group: Annotated[str, Form(max_length=30)] = "",
    other: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    sources: Annotated[list[int] | None, Form()] = None,
    expected: Annotated[int | None, Form(ge=1, le=2**63 - 1)] = None,
    next: Annotated[str, Form()] = "",  # noqa: A002
) -> Response:
    """A review action from a form; then back to the incident (or to the queue), saying what was done.

    After a confirm or reject the page shows what happened with an Undo button
    that names the audit entry it reverses (``expected``), so it can never undo
    someone else's later change.
    """
    check_csrf(request, csrf)
    browse.require_visible(db, incident_id, caller.visible_groups())
    if other is not None:
        browse.require_visible(db, other, caller.visible_groups())
    target = incident_id
    actor, origin = caller.username, client_address(request)
    landing = safe_next(next) if next else ""
    if action in ("confirm", "reject"):
        event = review.set_state(
            db, incident_id, action + "ed", reason=reason or None, actor=actor, origin=origin
        )
        request.session["review_done"] = {
            "incident": incident_id,
            "action": action,
            "label": action + "ed",
            "event": event,
            "next": landing,
        }
    elif action == "edit":
        rows = {
            "locations": list(zip(place or [], role or [], strict=False)),
            "perpetrators": list(zip(state or [], agency or [], strict=False)),
        }
        return _edit(
            request,
            db,
            caller,
            incident_id,
            (field or [], value or [], event_types or [], group, reason),
            rows,
        )
    elif action == "undo":
        undone = review.undo(db, incident_id, actor=actor, origin=origin, expected=expected)
        request.session["review_done"] = {
            "incident": incident_id,
            "action": "undo",
            "label": ACTION_LABELS.get(undone, undone),
            "event": None,
            "next": landing,
        }
    elif action == "merge":
        if other is None:
            raise InvalidInput("name the incident to merge into this one")
        review.merge(db, incident_id, other, reason=reason or None, actor=actor, origin=origin)
    elif action == "split":
        target = review.split(
            db, incident_id, sources or [], reason=reason or None, actor=actor, origin=origin
        )
    else:
        raise InvalidInput(f"unknown action {action!r}")
    return back(landing or f"/incidents/{target}")
