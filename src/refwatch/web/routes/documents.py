"""Documents: the searchable list, uploads, one document with its evidence marked, the original."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from refwatch.services import browse
from refwatch.services.accounts import Principal
from refwatch.services.documents import (
    document_id,
    document_restriction,
    evidence_spans,
    restrict_document,
    show_document,
)
from refwatch.services.entry import testimony_record
from refwatch.services.ingest import MAX_OUTLET, MAX_TITLE, MAX_URL, ingest_uploads, upload_details
from refwatch.services.setup import Database
from refwatch.services.snippets import document_snippets
from refwatch.web.api import one_of, original_response
from refwatch.web.deps import Admin, Db, Editor, User
from refwatch.web.params import DocumentKey, DocumentRef, PageNumber, Text
from refwatch.web.rendering import PAGE, render
from refwatch.web.sessions import check_csrf
from refwatch.web.uploads import SealedFormRoute

#: The languages an uploader may name ("auto": detected from the text).
UPLOAD_LANGUAGES = ("auto", "en", "ko", "zh")

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)  # uploads stay sealed


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
    title: Annotated[str, Form(max_length=MAX_TITLE)] = "",
    outlet: Annotated[str, Form(max_length=MAX_OUTLET)] = "",
    url: Annotated[str, Form(max_length=MAX_URL)] = "",
    publication_date: Annotated[str, Form(max_length=80)] = "",
    language: Annotated[str, Form(max_length=10)] = "auto",
) -> HTMLResponse:
    """Ingest uploaded files (same rules as `refwatch ingest`) and show what happened.

    Title, outlet, address, publication date and language typed beside the files apply to
    each of them, as a ``--metadata`` row does; a value that cannot be used is left out with
    a warning on the result page, and the files are stored all the same.
    """
    check_csrf(request, csrf)
    one_of("language", [language], UPLOAD_LANGUAGES)
    details, warnings = upload_details(
        title=title, outlet=outlet, url=url, publication_date=publication_date, language=language
    )
    uploads = [(f.filename or "", f.file) for f in files]
    report = ingest_uploads(
        db, uploads, actor=caller.username, settings=request.app.state.settings, details=details
    )
    return render(request, "uploaded.html", caller, results=report.results, warnings=warnings)


@router.post("/documents/{ref}/restrict")
def restrict(
    request: Request,
    db: Db,
    caller: Admin,
    ref: DocumentRef,
    csrf: Annotated[str, Form()] = "",
    group: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Show a document, and every incident drawn from it, only to one group (blank: to everyone); audited.

    Admins only: deciding who may see evidence is the protection of the people it names.
    The reason is required and kept in the audit entry, as on the command line.
    """
    check_csrf(request, csrf)
    restrict_document(db, ref, group or None, actor=caller.username, reason=reason, origin="web")
    return RedirectResponse(f"/documents/{ref}", status_code=303)


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
    return document_page(request, db, caller, ref)


def document_page(
    request: Request, db: Database, caller: Principal, ref: str, *, entry: dict[str, Any] | None = None
) -> HTMLResponse:
    """The document's page; ``entry`` is the form for an incident by hand as sent, when it was refused."""
    detail = show_document(db, ref, visible_groups=caller.visible_groups())
    # Only the incidents the reader may see (detail.incident_ids); offsets only, no quote opened.
    spans = evidence_spans(db, detail)
    return render(
        request,
        "document.html",
        caller,
        doc=detail,
        segments=highlight(detail.text, spans),
        restriction=document_restriction(db, ref) if caller.role == "admin" else None,
        testimony=testimony_record(db, detail.summary.id, visible_groups=caller.visible_groups()),
        entry=_entry_form(caller, entry),
    )


def _entry_form(caller: Principal, sent: dict[str, Any] | None) -> dict[str, Any] | None:
    """The form for an incident from selected text, for editors and admins (None for viewers)."""
    if caller.role not in ("admin", "editor"):
        return None
    from refwatch.web.routes.entry import entry_context  # entry renders this page; keep the import one-way

    return sent or entry_context()


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
