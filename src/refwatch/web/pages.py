"""Server-rendered pages: login, dashboard, documents, incidents and the review queue.

Pages call the same services as the API and the CLI. Viewing works without
JavaScript; the only script (``static/app.js``) adds keyboard shortcuts and
draws charts when the Vega libraries are present. Every form posts a CSRF
token; changes need an editor or admin.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from refwatch.domain.vocabulary import (
    EVENT_TYPES,
    INTERVENTION_KINDS,
    REVIEW_STATES,
    STATUSES,
)
from refwatch.errors import InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from refwatch.report.charts import MapPoint, places_map, timeline_chart
from refwatch.report.letters import addressees
from refwatch.report.redaction import redact
from refwatch.services import accounts, browse, review
from refwatch.services import sessions as web_sessions
from refwatch.services.accounts import Principal
from refwatch.services.documents import document_id, show_document
from refwatch.services.ingest import ingest_uploads
from refwatch.services.interventions import incident_interventions
from refwatch.services.placenames import place_name, stored_place
from refwatch.services.snippets import document_snippets
from refwatch.storage.database import Database
from refwatch.storage.incidents import IncidentFilter
from refwatch.web import i18n, labels, listing, vendor
from refwatch.web.api import PUBLIC_FILTER, one_of, original_response
from refwatch.web.auth import client_address, database
from refwatch.web.editing import (
    ACTION_LABELS,
    FIELD_LABELS,
    changed_fields,
    edit_context,
    hand_set,
    shown_value,
)
from refwatch.web.params import DocumentKey, DocumentRef, PageNumber, Text
from refwatch.web.sessions import (
    LoginRequired,
    TwoFactorSetupRequired,
    check_csrf,
    csrf_token,
    current_session,
    log_in,
    log_out,
    needs_totp_setup,
    safe_next,
)
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)  # uploads stay sealed
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def readable(value: Any) -> str:
    """A claim's value as a reader would write it: no braces, no quotes, no empty parts.

    Dicts show their set fields (the quoted source text is shown with the evidence,
    so ``text`` is left out here); lists are joined with semicolons.
    """
    if value is None:
        return ""
    if isinstance(value, dict):
        parts = [f"{k.replace('_', ' ')}: {readable(v)}" for k, v in value.items() if v not in (None, "", [])]
        return ", ".join(p for p in parts if not p.startswith("text:"))
    if isinstance(value, list):
        return "; ".join(readable(v) for v in value)
    return str(value).replace("_", " ") if isinstance(value, str) else str(value)


def document_url(key: str) -> str:
    """The page of the document with ``key``: ``/documents/KEY``, or ``/documents/by-key/KEY`` for digits.

    Digits in ``/documents/{ref}`` name an id (see ``domain.documents.parse_document_ref``), so a
    key of digits alone (``005`` from ``005.txt``) is linked through the route that takes only keys;
    so is the key ``by-key``, whose ``/original`` would otherwise read as that route's.
    """
    quoted = quote(key, safe="")
    by_key = (key.isascii() and key.isdigit()) or key == "by-key"
    return f"/documents/by-key/{quoted}" if by_key else f"/documents/{quoted}"


templates.env.filters["readable"] = readable
templates.env.globals["field_labels"] = FIELD_LABELS
templates.env.globals["action_labels"] = ACTION_LABELS
templates.env.filters["document_url"] = document_url
templates.env.globals["vendor_url"] = vendor.url  # fingerprinted library addresses (#19 speed)
labels.install(templates.env)  # codes and places in the reader's language (#19 Korean)
PAGE = 25

Db = Annotated[Database, Depends(database)]
IncidentId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


def logged_in(request: Request, db: Db) -> Principal:
    """The logged-in user (even before their second factor is set up), or a redirect to log in."""
    found = current_session(request, db)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return found.principal


def optional_user(request: Request, db: Database) -> Principal | None:
    """The logged-in user on a page anyone may see, or None."""
    found = current_session(request, db)
    return None if found is None else found.principal


def user(request: Request, db: Db, caller: Annotated[Principal, Depends(logged_in)]) -> Principal:
    """A fully logged-in user; one who still has to set up two-factor login is sent there."""
    found = current_session(request, db)
    if found is not None and needs_totp_setup(request, found):
        raise TwoFactorSetupRequired()
    return caller


User = Annotated[Principal, Depends(user)]


def editor(caller: User) -> Principal:
    """A user who may change data."""
    if caller.role not in ("admin", "editor"):
        raise PermissionDenied("only editors and admins can do this")
    return caller


Editor = Annotated[Principal, Depends(editor)]


def _language(request: Request) -> str:
    return i18n.negotiate(request.cookies.get("lang"), request.headers.get("accept-language"))


def render(request: Request, name: str, caller: Principal | None, **context: Any) -> HTMLResponse:
    """A template with the language, the user and the CSRF token every page needs."""
    language = _language(request)
    tr = i18n.translations(language)
    context.update(
        _=tr.gettext,
        shown=lambda value: shown_value(value, tr.gettext),
        ngettext=tr.ngettext,
        lang=language,
        languages=i18n.LANGUAGES,
        user=caller,
        csrf=csrf_token(request),
        path=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        vendor_ready=vendor.ready(),
        vendor_scripts=vendor.SCRIPTS,
    )
    return templates.TemplateResponse(request, name, context)


#: An error page's heading and explanation per HTTP status, in words for web users (translated).
ERROR_TEXTS: dict[int, tuple[str, str]] = {
    400: ("Bad request", "The request could not be read."),
    403: ("Not allowed", "Your account may not do this. Ask an administrator if you need to."),
    404: ("Not found", "There is nothing at this address, or nothing you may see."),
    405: ("Not allowed here", "This address does not take that kind of request."),
    409: ("Cannot be done now", "The record has changed or is in a state that does not allow this."),
    422: ("Check what you entered", "Some of what was sent could not be used; nothing was changed."),
    500: (
        "Something went wrong",
        "The server could not finish this and nothing was changed. Try again; if it keeps happening, "
        "tell an administrator.",
    ),
}


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    """An error in the site's layout and the reader's language (``detail``: already fit for web users)."""
    db: Database = request.app.state.db
    try:
        caller = optional_user(request, db)
    except Exception:  # the page is shown even when the session cannot be read
        caller = None
    gettext = i18n.translations(_language(request)).gettext
    heading, explanation = ERROR_TEXTS.get(status, ("Error", ""))
    response = render(
        request,
        "error.html",
        caller,
        status=status,
        heading=gettext(heading),
        explanation=gettext(explanation) if explanation else "",
        detail=detail if status != 500 else "",
    )
    response.status_code = status
    return response


def back(url: str) -> RedirectResponse:
    """After a form: see the result with GET (so reloading does not post twice)."""
    return RedirectResponse(url, status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", failed: bool = False) -> HTMLResponse:  # noqa: A002
    """The login form."""
    message = request.session.pop("login_error", None) if failed else None
    return render(request, "login.html", None, next=safe_next(next), failed=failed, message=message)


@router.post("/login")
def login(
    request: Request,
    db: Db,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    code: Annotated[str, Form(max_length=12)] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    """Check the password (and the TOTP code) and start a session."""
    check_csrf(request, csrf)
    settings = request.app.state.settings
    try:
        result = accounts.log_in(
            db,
            username,
            password,
            code or None,
            require_2fa=settings.require_2fa,
            origin=client_address(request),
        )
    except NotAuthenticated as exc:
        request.session["login_error"] = str(exc)
        return back(f"/login?failed=1&next={quote(safe_next(next), safe='/')}")
    log_in(request, db, result.principal.username)
    return back("/account/2fa" if result.needs_totp_setup else safe_next(next))


@router.get("/account/2fa", response_class=HTMLResponse)
def totp_page(request: Request, db: Db, caller: Annotated[Principal, Depends(logged_in)]) -> HTMLResponse:
    """Set up (or replace) two-factor login: the key to add to an authenticator app, and a code to confirm.

    The key waits sealed in the session's database row until confirmed; the cookie never holds it.
    """
    found = current_session(request, db)
    assert found is not None  # noqa: S101 (logged_in made sure)
    secret = web_sessions.pending_totp(db, found.id)
    uri = accounts.totp_uri(secret, caller.username)
    failed = request.query_params.get("failed")
    return render(
        request,
        "totp.html",
        caller,
        secret=secret,
        uri=uri,
        enrolled=found.has_totp,
        failed=failed == "1",
        refused=failed == "auth",
    )


@router.post("/account/2fa")
def totp_confirm(
    request: Request,
    db: Db,
    caller: Annotated[Principal, Depends(logged_in)],
    code: Annotated[str, Form(max_length=12)],
    password: Annotated[str, Form(max_length=1000)] = "",
    current_code: Annotated[str, Form(max_length=12)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Store the new secret once the password, the current code (if any) and a new code check out."""
    check_csrf(request, csrf)
    found = current_session(request, db)
    assert found is not None  # noqa: S101 (logged_in made sure)
    secret = web_sessions.pending_totp(db, found.id)
    try:
        accounts.change_totp(
            db,
            caller.username,
            secret,
            code,
            password=password,
            current_code=current_code or None,
            origin=client_address(request),
        )
    except InvalidInput as exc:
        return back("/account/2fa?failed=" + ("1" if str(exc) == accounts.CODE_MISMATCH else "auth"))
    web_sessions.drop_pending_totp(db, found.id)
    return back("/")


@router.post("/logout")
def logout(request: Request, db: Db, csrf: Annotated[str, Form()] = "") -> Response:
    """End the session, in the database: the cookie, even if kept, opens nothing afterwards."""
    check_csrf(request, csrf)
    log_out(request, db, origin=client_address(request))
    return back("/login")


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> Response:  # noqa: A002
    """Remember the interface language in a cookie and go back."""
    response = back(safe_next(next))
    if code in i18n.LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


@router.get("/public", response_class=HTMLResponse)
def public(request: Request, db: Db, page: PageNumber = 1) -> HTMLResponse:
    """What anyone may see without an account: confirmed incidents, redacted (see ``report.redaction``)."""
    found = browse.incident_page(db, PUBLIC_FILTER, limit=PAGE, offset=(page - 1) * PAGE)
    return render(
        request,
        "public.html",
        optional_user(request, db),
        records=redact(found.items),
        total=found.total,
        page=page,
        pages=max(1, -(-found.total // PAGE)),
    )


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, db: Db, caller: User) -> HTMLResponse:
    """Figures, the timeline, the review queue's size and the latest incidents."""
    groups = caller.visible_groups()
    figures = browse.summary(db, visible_groups=groups)
    latest = browse.incident_page(
        db, IncidentFilter(visible_groups=groups, newest_first=True), limit=10, offset=0
    )
    overview = browse.places_overview(db, visible_groups=groups)
    located = overview["places"]
    language = _language(request)
    gettext = i18n.translations(language).gettext
    points = [
        MapPoint(
            place_name(p["name"], language),
            p["lat"],
            p["lon"],
            p["people"],
            p["incidents"],
            ", ".join(gettext(r) for r in p["roles"]),
        )
        for p in located
    ]
    words = {
        k: gettext(v)
        for k, v in {
            "place": "Place",
            "role": "What happened there",
            "people": "People",
            "incidents": "Incidents",
            "month": "Month",
        }.items()
    }
    timeline = timeline_chart(figures["per_month"], title="", labels=words)
    atlas = places_map(points, title="", countries_url=vendor.url("countries-region.json"), labels=words)
    return render(
        request,
        "dashboard.html",
        caller,
        figures=figures,
        latest=latest.items,
        places=located,
        country_only=overview["country_only"],
        no_coordinates=overview["no_coordinates"],
        timeline=_json(timeline),
        atlas=_json(atlas),
    )


def _json(spec: dict[str, Any]) -> str:
    """JSON safe to place inside a <script type="application/json"> element."""
    return json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c")


@router.get("/documents", response_class=HTMLResponse)
def documents(
    request: Request,
    db: Db,
    caller: User,
    q: Annotated[Text | None, Query(max_length=200)] = None,
    language: Annotated[Text | None, Query(max_length=10)] = None,
    outlet: Annotated[Text | None, Query(max_length=300)] = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    """Documents with search and filters."""
    found = browse.document_page(
        db,
        query=q,
        language=language or None,
        outlet=outlet or None,
        limit=PAGE,
        offset=(page - 1) * PAGE,
        visible_groups=caller.visible_groups(),
    )
    return render(
        request,
        "documents.html",
        caller,
        page_data=found,
        page=page,
        pages=max(1, -(-found.total // PAGE)),
        q=q or "",
        language=language or "",
        outlet=outlet or "",
        snippets=document_snippets(db, found.items, q, visible_groups=caller.visible_groups()),
    )


@router.post("/documents")
def upload(
    request: Request,
    db: Db,
    caller: Editor,
    files: Annotated[list[UploadFile], File()],
    csrf: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Ingest uploaded files (same rules as `refwatch ingest`) and show what happened."""
    check_csrf(request, csrf)
    uploads = [(f.filename or "", f.file) for f in files]
    report = ingest_uploads(db, uploads, actor=caller.username, settings=request.app.state.settings)
    return render(request, "uploaded.html", caller, results=report.results)


# Before /documents/{ref}/original, for the reason given beside the API's by-key routes.
@router.get("/documents/by-key/{key}", response_class=HTMLResponse)
def document_by_key(request: Request, db: Db, caller: User, key: DocumentKey) -> HTMLResponse:
    """The document with this key (the links on every page come here: a key may be digits alone)."""
    return document(request, db, caller, str(document_id(db, key, visible_groups=caller.visible_groups())))


@router.get("/documents/by-key/{key}/original")
def document_original_by_key(db: Db, caller: User, key: DocumentKey) -> Response:
    """Download the evidentiary copy of the document with this key."""
    return document_original(db, caller, str(document_id(db, key, visible_groups=caller.visible_groups())))


@router.get("/documents/{ref}", response_class=HTMLResponse)
def document(request: Request, db: Db, caller: User, ref: DocumentRef) -> HTMLResponse:
    """One document: metadata, SHA-256, and its text with evidence spans marked and linked."""
    detail = show_document(db, ref, visible_groups=caller.visible_groups())
    spans: list[tuple[int, int, int]] = []
    for incident_id in detail.incident_ids:
        try:
            record = browse.incident_detail(db, incident_id, visible_groups=caller.visible_groups())
        except NotFound:
            continue  # hidden from the reader: no mark, no link
        for source in record["sources"]:
            if source["document"] == detail.summary.key:
                spans += [(e["start"], e["end"], incident_id) for e in source["evidence"]]
    return render(
        request,
        "document.html",
        caller,
        doc=detail,
        segments=highlight(detail.text, spans),
    )


@router.get("/documents/{ref}/original")
def document_original(db: Db, caller: User, ref: DocumentRef) -> Response:
    """Download the evidentiary copy, byte for byte."""
    return original_response(db, ref, caller)


def highlight(text: str, spans: list[tuple[int, int, int]]) -> list[tuple[str, int | None]]:
    """Cut ``text`` into plain and marked pieces; overlapping spans merge into the first one."""
    pieces: list[tuple[str, int | None]] = []
    position = 0
    for start, end, incident_id in sorted(spans):
        start = max(start, position)
        if end <= start or end > len(text):
            continue
        pieces.append((text[position:start], None))
        pieces.append((text[start:end], incident_id))
        position = end
    pieces.append((text[position:], None))
    return [p for p in pieces if p[0]]


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
    claims: dict[str, dict[str, Any]] = {}
    for claim in record["claims"]:
        claims.setdefault(claim["field"], {})[claim["document"]] = claim["value"]
    history = [h.to_dict() for h in review.history(db, incident_id, visible_groups=caller.visible_groups())]
    return render(
        request,
        "incident.html",
        caller,
        incident=record,
        claims=claims,
        documents=[s["document"] for s in record["sources"]],
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
) -> Response:
    """Save an edit form; a refused value shows the page again, the error beside the form, input kept."""
    fields, values, event_types, group, reason = form
    record = browse.incident_detail(db, incident_id, visible_groups=caller.visible_groups())
    sent: dict[str, Any] = {}
    try:
        changed, sent = changed_fields(record, fields, values, event_types)
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
        from refwatch.web.errors import web_detail  # errors imports this module lazily; keep it one-way here

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
        return _edit(
            request, db, caller, incident_id, (field or [], value or [], event_types or [], group, reason)
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


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, db: Db, caller: User) -> HTMLResponse:
    """The next candidate to review, with its evidence, the queue's length, and what was just done."""
    groups = caller.visible_groups()
    queue = review.review_queue(db, limit=PAGE, visible_groups=groups)
    waiting = browse.incident_page(
        db, IncidentFilter(review_states=("candidate",), visible_groups=groups), limit=1
    )
    first = queue[0] if queue else None
    return render(
        request,
        "review.html",
        caller,
        queue=queue,
        incident=first,
        waiting=waiting.total,
        hand={},
        edit=edit_context(first) if first else None,
        done=request.session.pop("review_done", None),
    )
