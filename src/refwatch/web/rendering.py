"""What every server-rendered page shares: the templates, :func:`render`, the error page and redirects.

The routes themselves live in :mod:`refwatch.web.routes`, one module per resource.
Viewing works without JavaScript; the only script (``static/app.js``) adds
keyboard shortcuts and draws charts when the Vega libraries are present.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from refwatch.services.accounts import Principal
from refwatch.services.setup import Database
from refwatch.web import i18n, labels, vendor
from refwatch.web.deps import optional_user
from refwatch.web.editing import ACTION_LABELS, FIELD_LABELS, shown_value
from refwatch.web.sessions import csrf_token

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
PAGE = 25


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


def language(request: Request) -> str:
    """The reader's interface language: the cookie they chose, else their browser's preference."""
    return i18n.negotiate(request.cookies.get("lang"), request.headers.get("accept-language"))


def render(request: Request, name: str, caller: Principal | None, **context: Any) -> HTMLResponse:
    """A template with the language, the user and the CSRF token every page needs."""
    lang = language(request)
    tr = i18n.translations(lang)
    context.update(
        _=tr.gettext,
        shown=lambda value: shown_value(value, tr.gettext, lang),
        ngettext=tr.ngettext,
        lang=lang,
        languages=i18n.LANGUAGES,
        user=caller,
        csrf=csrf_token(request),
        path=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        vendor_ready=vendor.ready(),
        vega_scripts=vendor.VEGA_SCRIPTS,
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
    gettext = i18n.translations(language(request)).gettext
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


def script_json(spec: dict[str, Any]) -> str:
    """JSON safe to place inside a <script type="application/json"> element."""
    return json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c")
