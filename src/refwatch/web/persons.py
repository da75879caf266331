"""Persons in the API and the pages: editors and admins only, every read audited.

Viewers see incidents but never persons: a person's page carries their names.
The role decides, not the token's scope, so an editor's read-only token may read
persons and a viewer's write token may not. Each route goes through
``services.persons``, which writes the read to the audit log with the caller and
the client's address before anything is answered. The routes stay plain
functions (run in worker threads), unlike the other detail lookups: writing that
entry may wait for the audit chain's lock, which must not stall the event loop.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from refwatch.domain.documents import MAX_ID
from refwatch.errors import PermissionDenied
from refwatch.services import persons
from refwatch.services.accounts import Principal
from refwatch.services.browse import MAX_PAGE
from refwatch.services.setup import Database
from refwatch.web.auth import client_address
from refwatch.web.deps import Db, Reader, User
from refwatch.web.models import ERRORS
from refwatch.web.rendering import PAGE, render
from refwatch.web.routes.person_entry import blank_form, edit_form

api_router = APIRouter(prefix="/api/v1/persons", tags=["persons"])
page_router = APIRouter(prefix="/persons", include_in_schema=False)

PersonId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="Person number.")]
IncidentFilter = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this incident's persons.")]


def _allowed(request: Request, db: Database, caller: Principal) -> Principal:
    """The caller if an editor or admin (by role, whatever the token's scope); else an audited 403."""
    if caller.role in ("admin", "editor"):
        return caller
    asked = str(request.path_params.get("person_id", ""))
    persons.record_refusal(
        db,
        actor=caller.username,
        origin=client_address(request),
        person_id=int(asked) if asked.isdigit() else None,
    )
    raise PermissionDenied("persons can be read by editors and admins only")


def editor_or_admin(request: Request, db: Db, caller: Reader) -> Principal:
    """API callers allowed to read persons (a worker thread: a refusal is written to the audit log)."""
    return _allowed(request, db, caller)


def page_editor_or_admin(request: Request, db: Db, caller: User) -> Principal:
    """Logged-in users allowed to open the persons pages; refusals are audited as in the API."""
    return _allowed(request, db, caller)


PersonReader = Annotated[Principal, Depends(editor_or_admin)]
PersonPageReader = Annotated[Principal, Depends(page_editor_or_admin)]


class PersonSummaryOut(BaseModel):
    """A person as lists show them: pseudonym and flags, no identifying field."""

    id: int
    pseudonym: str
    incidents: list[int]
    lists: list[str]
    family_in_north_korea: bool
    consent_to_publish: bool


class PersonOut(PersonSummaryOut):
    """Everything about one person, identifying fields included (an audited read)."""

    name_hangul: str | None
    name_romanised: str | None
    sex: str | None
    birth_year: int | None
    origin: str | None
    family_links: str | None
    contact: str | None
    notes: str | None
    created_at: str


class PersonPageOut(BaseModel):
    """One page of persons."""

    items: list[PersonSummaryOut]
    total: int
    limit: int
    offset: int


@api_router.get("", response_model=PersonPageOut, responses=ERRORS)
def list_persons(
    request: Request,
    db: Db,
    caller: PersonReader,
    incident: IncidentFilter = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="Items to skip.")] = 0,
) -> PersonPageOut:
    """Persons by pseudonym with their incidents and lists (the listing is audited)."""
    page = _audited_list(request, db, caller, incident, limit, offset)
    items = [PersonSummaryOut(**p.to_dict()) for p in page.items]
    return PersonPageOut(items=items, total=page.total, limit=page.limit, offset=page.offset)


def _audited_list(
    request: Request, db: Database, caller: Principal, incident: int | None, limit: int, offset: int
) -> persons.PersonPage:
    """Pseudonyms, listed through the service that writes who listed them and from where."""
    return persons.list_persons(
        db,
        actor=caller.username,
        origin=client_address(request),
        limit=limit,
        offset=offset,
        incident_id=incident,
        visible_groups=caller.visible_groups(),
    )


def _audited_read(request: Request, db: Database, caller: Principal, person_id: int) -> dict[str, Any]:
    """The person, read through the service that writes who read it and from where."""
    return persons.show_person(
        db,
        person_id,
        actor=caller.username,
        origin=client_address(request),
        visible_groups=caller.visible_groups(),
    )


@api_router.get("/{person_id}", response_model=PersonOut, responses=ERRORS)
def get_person(request: Request, db: Db, caller: PersonReader, person_id: PersonId) -> PersonOut:
    """One person with names and contact details; the read is written to the audit log first."""
    record = _audited_read(request, db, caller, person_id)
    return PersonOut(**record)


@page_router.get("", response_class=HTMLResponse)
def persons_page(
    request: Request,
    db: Db,
    caller: PersonPageReader,
    incident: IncidentFilter = None,
    page: Annotated[int, Query(ge=1, le=MAX_ID // PAGE)] = 1,
) -> HTMLResponse:
    """Pseudonyms with their incidents and lists; names only on each person's own page."""
    found = _audited_list(request, db, caller, incident, PAGE, (page - 1) * PAGE)
    return render(
        request,
        "persons.html",
        caller,
        found=found,
        incident=incident,
        page=page,
        pages=max(1, -(-found.total // PAGE)),
        person_form=blank_form(),
    )


@page_router.get("/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, db: Db, caller: PersonPageReader, person_id: PersonId) -> HTMLResponse:
    """One person, identifying fields included (the read is audited before the page is made)."""
    record = _audited_read(request, db, caller, person_id)
    done = request.session.pop("person_done", None)
    return render(request, "person.html", caller, person=record, person_form=edit_form(record), done=done)
