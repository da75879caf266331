"""Entry by hand: an incident from a testimony, or from text selected on a document's page (editors).

Both forms send, per field, its value and the selection it was read from
(offsets and quote, filled in by ``static/entry.js``); ``services.entry`` checks
the selection against the stored text. A refused value shows the same page
again with the message beside the field and everything typed kept (status 422),
never a bare error page. The gazetteer search the place boxes use is here too.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from refwatch.domain.vocabulary import AGENCIES, EVENT_TYPES, LOCATION_ROLES, PRECISIONS, QUALIFIERS, STATUSES
from refwatch.errors import InvalidInput
from refwatch.services import entry
from refwatch.services.place_search import perpetrator_states
from refwatch.services.setup import Database
from refwatch.web.auth import client_address
from refwatch.web.deps import Db, Editor
from refwatch.web.params import DocumentRef
from refwatch.web.rendering import back, render
from refwatch.web.sessions import check_csrf
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)

#: The form's parts: (slot, field assigned, the names its controls send).
SLOTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("event_types", "event_types", ("event_types",)),
    ("status", "status", ("status",)),
    ("date", "date", ("start", "end", "precision")),
    ("victims", "victims", ("count", "qualifier", "count_min", "count_max")),
    *((f"location-{n}", "location", ("place", "role")) for n in (1, 2, 3)),
    *((f"perpetrator-{n}", "perpetrator", ("state", "agency")) for n in (1, 2)),
)
#: Controls whose value alone does not make a slot filled in (they have a default).
_DEFAULTS = {"qualifier", "precision", "role", "agency"}
MAX_FORM_VALUE = 2_000


async def entry_form(request: Request) -> dict[str, list[str]]:
    """The posted form as lists of strings (the parts are many and named by slot)."""
    form = await request.form()
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}


EntryForm = Annotated[dict[str, list[str]], Depends(entry_form)]


def _first(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]


def assignments(form: dict[str, list[str]]) -> list[entry.Assignment]:
    """The slots the editor filled in, each with its selection; empty slots are left out."""
    found = []
    for slot, field, names in SLOTS:
        values = {n: ",".join(x.strip() for x in form.get(f"{slot}.{n}", [])) for n in names}
        quote = _first(form, f"{slot}.quote")
        if any(len(v) > MAX_FORM_VALUE for v in values.values()):
            raise entry.FieldInvalid(slot, "a value is too long")
        if not quote and not any(v for n, v in values.items() if n not in _DEFAULTS):
            continue
        span = None
        start, end = _first(form, f"{slot}.start_at"), _first(form, f"{slot}.end_at")
        if quote and start.isdigit() and end.isdigit():
            span = entry.Span(int(start), int(end), quote)
        found.append(entry.Assignment(slot, field, values, span))
    return found


def entry_context(
    form: dict[str, list[str]] | None = None, error: str = "", slot: str = ""
) -> dict[str, Any]:
    """What the entry form shows: the vocabularies, the values sent (kept when refused) and the error."""
    return {
        "slots": SLOTS,
        "values": form or {},
        "error": error,
        "slot": slot,
        "vocab": {
            "event_types": EVENT_TYPES,
            "status": STATUSES,
            "precision": PRECISIONS,
            "qualifier": QUALIFIERS,
            "role": LOCATION_ROLES,
            "agency": AGENCIES,
            "state": perpetrator_states(),
        },
        "languages": entry.TESTIMONY_LANGUAGES,
    }


def _refused(exc: InvalidInput) -> tuple[str, str]:
    from refwatch.web.errors import web_detail  # errors imports the pages lazily; keep it one-way here

    return web_detail(str(exc)), getattr(exc, "slot", "")


@router.get("/testimony", response_class=HTMLResponse)
def testimony_form(request: Request, caller: Editor) -> HTMLResponse:
    """The form for an incident told in a testimony: the text, who took it and when, then its fields."""
    return render(request, "testimony.html", caller, entry=entry_context(), today=dt.date.today())


@router.post("/testimony")
def create_from_testimony(request: Request, db: Db, caller: Editor, form: EntryForm) -> Response:
    """Store the testimony (sealed) and the incident quoting it; a refusal keeps everything typed."""
    check_csrf(request, _first(form, "csrf"))
    try:
        taken_on = _day(_first(form, "taken_on"))
        testimony = entry.Testimony(
            text=_first(form, "testimony"),
            taken_by=_first(form, "taken_by"),
            taken_on=taken_on,
            language=_first(form, "language") or "ko",
        )
        incident_id, _ = entry.create_from_testimony(
            db,
            testimony,
            assignments(form),
            actor=caller.username,
            origin=client_address(request),
            settings=request.app.state.settings,
        )
    except InvalidInput as exc:
        error, slot = _refused(exc)
        context = entry_context(form, error, slot)
        response = render(request, "testimony.html", caller, entry=context, today=dt.date.today())
        response.status_code = 422
        return response
    request.session["review_done"] = _done(incident_id)
    return back(f"/incidents/{incident_id}")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise entry.FieldInvalid("taken_on", "give the day the testimony was taken (YYYY-MM-DD)") from None


def _done(incident_id: int) -> dict[str, Any]:
    return {
        "incident": incident_id,
        "action": "create",
        "label": "entered by hand",
        "event": None,
        "next": "",
    }


@router.post("/documents/{ref}/incidents")
def create_from_document(
    request: Request, db: Db, caller: Editor, ref: DocumentRef, form: EntryForm
) -> Response:
    """An incident from selections of this document; a refusal shows the document again, input kept."""
    check_csrf(request, _first(form, "csrf"))
    document_id = _document_id(db, ref, caller.visible_groups())
    try:
        incident_id = entry.create_from_document(
            db,
            document_id,
            assignments(form),
            actor=caller.username,
            origin=client_address(request),
            visible_groups=caller.visible_groups(),
            settings=request.app.state.settings,
        )
    except InvalidInput as exc:
        from refwatch.web.routes.documents import document_page

        error, slot = _refused(exc)
        response = document_page(request, db, caller, ref, entry=entry_context(form, error, slot))
        response.status_code = 422
        return response
    request.session["review_done"] = _done(incident_id)
    return back(f"/incidents/{incident_id}")


def _document_id(db: Database, ref: str, groups: tuple[str, ...] | None) -> int:
    from refwatch.services.documents import show_document

    return show_document(db, ref, visible_groups=groups).summary.id
