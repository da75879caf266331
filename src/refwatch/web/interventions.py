"""Interventions in the API and the pages: the advocacy log of each incident and overdue follow-ups.

Reading needs an account that may see the incident; recording and updating
need an editor or admin (a write-scoped token in the API, a CSRF-checked form
in the pages). The routes call ``services.interventions`` only.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from refwatch.domain.documents import MAX_ID
from refwatch.domain.vocabulary import INTERVENTION_KINDS, INTERVENTION_STATUSES
from refwatch.services import interventions as service
from refwatch.services.appeals import MEDIA_TYPES, draft_appeal
from refwatch.web.api import json_response
from refwatch.web.auth import client_address
from refwatch.web.deps import Db, Editor, IncidentId, Reader, User, Writer
from refwatch.web.models import ERRORS, WRITE_ERRORS, InterventionOut
from refwatch.web.params import Text
from refwatch.web.rendering import back, render
from refwatch.web.sessions import check_csrf

api_router = APIRouter(prefix="/api/v1", tags=["interventions"])
page_router = APIRouter(include_in_schema=False)

InterventionId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="Intervention number.")]


class InterventionIn(BaseModel):
    """A new intervention: what kind, to whom, by whom, when, and when to follow up."""

    kind: Text = Field(description=f"One of {', '.join(INTERVENTION_KINDS)}", max_length=40)
    addressee: Text = Field(min_length=1, max_length=300)
    author: Text | None = Field(default=None, max_length=300)
    channel: Text | None = Field(default=None, max_length=100)
    reference: Text | None = Field(default=None, max_length=200)
    sent_on: dt.date | None = None
    follow_up_on: dt.date | None = None
    status: Text | None = Field(default=None, description=f"One of {', '.join(INTERVENTION_STATUSES)}")


class InterventionChange(BaseModel):
    """What happened since: a status, dates, a reference, the response, the outcome."""

    status: Text | None = Field(default=None, description=f"One of {', '.join(INTERVENTION_STATUSES)}")
    sent_on: dt.date | None = None
    follow_up_on: dt.date | None = None
    reference: Text | None = Field(default=None, max_length=200)
    response: Text | None = Field(default=None, max_length=5000)
    outcome: Text | None = Field(default=None, max_length=5000)
    channel: Text | None = Field(default=None, max_length=100)


@api_router.get(
    "/incidents/{incident_id}/interventions", response_model=list[InterventionOut], responses=ERRORS
)
def list_incident_interventions(db: Db, caller: Reader, incident_id: IncidentId) -> Response:
    """The incident's interventions, oldest first."""
    found = service.incident_interventions(db, incident_id, visible_groups=caller.visible_groups())
    return json_response([r.to_dict() for r in found])


@api_router.post(
    "/incidents/{incident_id}/interventions",
    status_code=201,
    response_model=InterventionOut,
    responses=WRITE_ERRORS,
)
def add_intervention(
    request: Request, db: Db, caller: Writer, incident_id: IncidentId, body: InterventionIn
) -> Response:
    """Record an intervention on the incident."""
    values = body.model_dump(exclude_none=True)
    record = service.add_intervention(
        db,
        incident_id,
        kind=values.pop("kind"),
        addressee=values.pop("addressee"),
        actor=caller.username,
        visible_groups=caller.visible_groups(),
        origin=client_address(request),
        **values,
    )
    return json_response(record.to_dict(), 201)


@api_router.post("/interventions/{intervention_id}", response_model=InterventionOut, responses=WRITE_ERRORS)
def update_intervention(
    request: Request, db: Db, caller: Writer, intervention_id: InterventionId, body: InterventionChange
) -> Response:
    """Record what happened since (status, dates, response, outcome)."""
    record = service.update_intervention(
        db,
        intervention_id,
        actor=caller.username,
        visible_groups=caller.visible_groups(),
        origin=client_address(request),
        **body.model_dump(exclude_none=True),
    )
    return json_response(record.to_dict())


@api_router.get("/interventions", response_model=list[InterventionOut], responses=ERRORS)
def list_interventions(
    db: Db,
    caller: Reader,
    overdue: Annotated[bool, Query(description="Only open ones whose follow-up date has passed.")] = False,
) -> Response:
    """Recent interventions (up to 500), or the overdue follow-ups, oldest due first."""
    found = service.list_interventions(
        db, visible_groups=caller.visible_groups(), overdue_on=dt.date.today() if overdue else None
    )
    return json_response([r.to_dict() for r in found])


@page_router.get("/interventions", response_class=HTMLResponse)
def interventions_page(request: Request, db: Db, caller: User) -> HTMLResponse:
    """Follow-ups that are overdue, then the latest interventions."""
    today = dt.date.today()
    groups = caller.visible_groups()
    return render(
        request,
        "interventions.html",
        caller,
        overdue=service.list_interventions(db, visible_groups=groups, overdue_on=today),
        recent=service.list_interventions(db, visible_groups=groups)[:100],
        today=today,
    )


@page_router.post("/interventions")
def record_intervention(
    request: Request,
    db: Db,
    caller: Editor,
    incident: Annotated[int, Form(ge=1, le=MAX_ID)],
    kind: Annotated[Text, Form(max_length=40)],
    addressee: Annotated[Text, Form(max_length=300)],
    csrf: Annotated[Text, Form()] = "",
    author: Annotated[Text, Form(max_length=300)] = "",
    channel: Annotated[Text, Form(max_length=100)] = "",
    reference: Annotated[Text, Form(max_length=200)] = "",
    sent_on: Annotated[Text, Form(max_length=10)] = "",
    follow_up_on: Annotated[Text, Form(max_length=10)] = "",
) -> Response:
    """The incident page's form: record an intervention, then back to the incident."""
    check_csrf(request, csrf)
    service.add_intervention(
        db,
        incident,
        kind=kind,
        addressee=addressee,
        author=author or None,
        channel=channel or None,
        reference=reference or None,
        sent_on=sent_on or None,
        follow_up_on=follow_up_on or None,
        actor=caller.username,
        visible_groups=caller.visible_groups(),
        origin=client_address(request),
    )
    return back(f"/incidents/{incident}#interventions-title")


@page_router.post("/appeals")
def appeal_letter(
    request: Request,
    db: Db,
    caller: Editor,
    incident: Annotated[int, Form(ge=1, le=MAX_ID)],
    to: Annotated[Text, Form(max_length=40)],
    lang: Annotated[Text, Form(max_length=2)] = "en",
    fmt: Annotated[Text, Form(alias="format", max_length=4)] = "docx",
    author: Annotated[Text, Form(max_length=300)] = "[your organisation]",
    csrf: Annotated[Text, Form()] = "",
) -> Response:
    """The incident page's button: an appeal letter to download; a draft intervention is recorded."""
    check_csrf(request, csrf)
    letter, data = draft_appeal(
        db,
        [incident],
        to=to,
        lang=lang,
        fmt=fmt,
        author=author,
        actor=caller.username,
        visible_groups=caller.visible_groups(),
        origin=client_address(request),
    )
    name = f"appeal-{to}-{'-'.join(map(str, letter.incidents))}-{letter.lang}.{fmt}"
    return Response(
        data, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@page_router.post("/interventions/{intervention_id}")
def change_intervention(
    request: Request,
    db: Db,
    caller: Editor,
    intervention_id: InterventionId,
    csrf: Annotated[Text, Form()] = "",
    status: Annotated[Text, Form(max_length=20)] = "",
    follow_up_on: Annotated[Text, Form(max_length=10)] = "",
    response: Annotated[Text, Form(max_length=5000)] = "",
    outcome: Annotated[Text, Form(max_length=5000)] = "",
) -> Response:
    """A status, a new follow-up date, the response or the outcome, from a form."""
    check_csrf(request, csrf)
    record = service.update_intervention(
        db,
        intervention_id,
        status=status or None,
        follow_up_on=follow_up_on or None,
        response=response or None,
        outcome=outcome or None,
        actor=caller.username,
        visible_groups=caller.visible_groups(),
        origin=client_address(request),
    )
    return back(f"/incidents/{record.incident_id}#interventions-title")
