"""Letters, period reports and the data package in the browser (`refwatch appeal`, `refwatch report`).

Editors choose incidents for an appeal letter, preview it and download it in a
format the CLI writes; they choose a period for the report and download it. The
routes call the same services as the CLI (``services.appeals``,
``services.reports``), so the letter and the report are the CLI's, byte for byte
on the same day; every download is audited (``appeal.export``, ``report.export``)
as the incidents export is. The public data package keeps its own public address.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from refwatch.domain.documents import MAX_ID
from refwatch.errors import InvalidInput
from refwatch.report.letters import addressees
from refwatch.services.appeals import FORMATS as LETTER_FORMATS
from refwatch.services.appeals import MEDIA_TYPES, compose_appeal, draft_appeal
from refwatch.services.browse import require_visible
from refwatch.services.reports import FORMATS as REPORT_FORMATS
from refwatch.services.reports import download_period_report
from refwatch.web.api import one_of
from refwatch.web.auth import client_address
from refwatch.web.deps import Db, Editor
from refwatch.web.params import Text
from refwatch.web.rendering import back, render
from refwatch.web.sessions import check_csrf
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)

#: At most this many incidents in one letter (a letter about more is a report).
MAX_INCIDENTS = 50
REPORT_MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def incident_numbers(text: str) -> list[int]:
    """Incident numbers as people type them: ``3, 5 8`` or ``#3 #5``.

    Examples:
        >>> incident_numbers("#3, 5 8")
        [3, 5, 8]
    """
    words = [w for w in re.split(r"[\s,;]+", text.replace("#", " ")) if w]
    if not words:
        raise InvalidInput("name at least one incident (its number, as the lists show it)")
    if len(words) > MAX_INCIDENTS:
        raise InvalidInput(f"a letter covers at most {MAX_INCIDENTS} incidents")
    numbers = []
    for word in words:
        if not (word.isascii() and word.isdigit()) or not 1 <= int(word) <= MAX_ID:
            raise InvalidInput(f"incidents: {word[:20]!r} is not an incident number")
        numbers.append(int(word))
    return numbers


def _day(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name}: write the date as YYYY-MM-DD, not {value[:20]!r}") from None


def _page(request: Request, caller: Editor, **context: object) -> HTMLResponse:
    today = dt.date.today()
    defaults = {
        "incidents": "",
        "to": "",
        "letter_lang": "en",
        "author": "",
        "fmt": "pdf",
        "preview": None,
        "report_from": today.replace(month=1, day=1).isoformat(),
        "report_to": today.isoformat(),
    }
    return render(
        request,
        "letters.html",
        caller,
        addressee_names={code: entry["name"] for code, entry in sorted(addressees().items())},
        letter_formats=LETTER_FORMATS,
        report_formats=REPORT_FORMATS,
        **(defaults | context),
    )


@router.get("/letters", response_class=HTMLResponse)
def letters(
    request: Request,
    caller: Editor,
    incidents: Annotated[Text, Query(max_length=2000)] = "",
) -> HTMLResponse:
    """The forms: a letter for chosen incidents (``?incidents=3,5`` fills them in), a period report."""
    return _page(request, caller, incidents=incidents)


@router.post("/letters/selected")
def letter_for_selected(
    request: Request,
    db: Db,
    caller: Editor,
    ids: Annotated[list[int], Form(max_length=MAX_INCIDENTS)] = [],  # noqa: B006 (FastAPI copies it)
    csrf: Annotated[Text, Form()] = "",
) -> Response:
    """The incident list's "letter for the ticked incidents": the letter form with them filled in.

    Every ticked incident must be one the caller may see (else not found, as
    everywhere), so the form never names an incident its author could not
    read. The numbers go into the address (``/letters?incidents=3,5``), so
    reloading the form posts nothing.
    """
    check_csrf(request, csrf)
    chosen = list(dict.fromkeys(ids))
    if not chosen:
        raise InvalidInput("tick at least one incident for the letter")
    groups = caller.visible_groups()
    for incident_id in chosen:
        if not 1 <= incident_id <= MAX_ID:
            raise InvalidInput(f"incidents: {incident_id} is not an incident number")
        require_visible(db, incident_id, groups)
    return back("/letters?incidents=" + ",".join(map(str, chosen)))


@router.post("/letters/appeal", response_model=None)
def appeal(
    request: Request,
    db: Db,
    caller: Editor,
    incidents: Annotated[Text, Form(max_length=2000)],
    to: Annotated[Text, Form(max_length=40)],
    lang: Annotated[Text, Form(max_length=2)] = "en",
    fmt: Annotated[Text, Form(alias="format", max_length=4)] = "pdf",
    author: Annotated[Text, Form(max_length=300)] = "",
    action: Annotated[Text, Form(max_length=10)] = "preview",
    csrf: Annotated[Text, Form()] = "",
) -> Response:
    """Preview the letter on the page, or download it (a draft intervention is then recorded on each)."""
    check_csrf(request, csrf)
    one_of("action", [action], ("preview", "download"))
    ids = incident_numbers(incidents)
    signed = author or "[your organisation]"
    groups = caller.visible_groups()
    if action == "preview":
        letter = compose_appeal(db, ids, to=to, lang=lang, author=signed, visible_groups=groups)
        return _page(
            request,
            caller,
            incidents=incidents,
            to=to,
            letter_lang=lang,
            author=author,
            preview=letter,
            fmt=fmt,
        )
    one_of("format", [fmt], LETTER_FORMATS)
    letter, data = draft_appeal(
        db,
        ids,
        to=to,
        lang=lang,
        fmt=fmt,
        author=signed,
        actor=caller.username,
        visible_groups=groups,
        origin=client_address(request),
    )
    name = f"appeal-{to}-{'-'.join(map(str, letter.incidents))}-{letter.lang}.{fmt}"
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/letters/report")
def period_report(
    request: Request,
    db: Db,
    caller: Editor,
    date_from: Annotated[Text, Query(alias="from", max_length=10)],
    date_to: Annotated[Text, Query(alias="to", max_length=10)],
    lang: Annotated[Text, Query(max_length=2)] = "en",
    fmt: Annotated[Text, Query(alias="format", max_length=4)] = "html",
) -> Response:
    """The period report as ``refwatch report`` writes it (open incidents only), to download; audited."""
    start, end = _day(date_from, "from"), _day(date_to, "to")
    data = download_period_report(
        db,
        date_from=start,
        date_to=end,
        lang=lang,
        fmt=fmt,
        actor=caller.username,
        origin=client_address(request),
    )
    name = f"refwatch-report-{start}-{end}-{lang}.{fmt}"
    return Response(
        data,
        media_type=REPORT_MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
