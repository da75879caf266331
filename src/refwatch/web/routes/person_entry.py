"""Persons added and corrected in the browser (editors and admins), their identifying fields sealed.

The forms sit on the persons list (add) and on a person's page (edit), both
already editor-only and audited. A refused value shows the form again with the
message beside the field and everything typed kept (status 422); the values
travel only in the POST body, never in a URL, and nothing here logs them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import Response

from refwatch.domain.documents import MAX_ID
from refwatch.errors import InvalidInput
from refwatch.services import person_entry
from refwatch.services.persons import IDENTIFYING
from refwatch.web.auth import client_address
from refwatch.web.deps import Db, Editor
from refwatch.web.rendering import back, render
from refwatch.web.routes.entry import entry_form
from refwatch.web.sessions import check_csrf
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)

PersonId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="Person number.")]
PersonFormData = Annotated[dict[str, list[str]], Depends(entry_form)]
#: Every control of the person form.
FIELDS = ("pseudonym", *IDENTIFYING, "incidents", "lists", "family_in_north_korea", "consent_to_publish")


def _kept(form: dict[str, list[str]]) -> dict[str, str]:
    return {name: (form.get(name) or [""])[0] for name in FIELDS}


def _person_form(form: dict[str, list[str]]) -> person_entry.PersonForm:
    kept = _kept(form)
    return person_entry.PersonForm(
        pseudonym=kept["pseudonym"],
        identifying={c: kept[c] for c in IDENTIFYING},
        family_in_north_korea=bool(kept["family_in_north_korea"]),
        consent_to_publish=bool(kept["consent_to_publish"]),
        incidents=kept["incidents"],
        lists=kept["lists"],
    )


def _refused(
    request: Request, caller: Any, form: dict[str, list[str]], exc: InvalidInput, **context: Any
) -> Response:
    from refwatch.web.errors import web_detail  # errors imports the pages lazily; keep it one-way here

    person = {"values": _kept(form), "error": web_detail(str(exc)), "field": getattr(exc, "slot", "")}
    response = render(request, "person_form.html", caller, person_form=person, **context)
    response.status_code = 422
    return response


@router.post("/persons")
def add_person(request: Request, db: Db, caller: Editor, form: PersonFormData) -> Response:
    """Add a person from the form on the persons list; then their page."""
    check_csrf(request, (form.get("csrf") or [""])[0])
    try:
        person_id = person_entry.add_person(
            db,
            _person_form(form),
            actor=caller.username,
            origin=client_address(request),
            visible_groups=caller.visible_groups(),
        )
    except InvalidInput as exc:
        return _refused(request, caller, form, exc, action="/persons", person_id=None)
    request.session["person_done"] = "added"
    return back(f"/persons/{person_id}")


@router.post("/persons/{person_id}")
def edit_person(
    request: Request, db: Db, caller: Editor, person_id: PersonId, form: PersonFormData
) -> Response:
    """Save the edit form of a person's page; then the page again."""
    check_csrf(request, (form.get("csrf") or [""])[0])
    try:
        person_entry.update_person(
            db,
            person_id,
            _person_form(form),
            actor=caller.username,
            origin=client_address(request),
            visible_groups=caller.visible_groups(),
        )
    except InvalidInput as exc:
        return _refused(request, caller, form, exc, action=f"/persons/{person_id}", person_id=person_id)
    request.session["person_done"] = "saved"
    return back(f"/persons/{person_id}")


def blank_form() -> dict[str, Any]:
    """The add form as the persons list shows it (a new person: family in North Korea assumed)."""
    return {"values": dict.fromkeys(FIELDS, "") | {"family_in_north_korea": "on"}, "error": "", "field": ""}


def edit_form(record: dict[str, Any]) -> dict[str, Any]:
    """The edit form as a person's page shows it, filled in from the audited read."""
    return {"values": person_entry.form_values(record), "error": "", "field": ""}
