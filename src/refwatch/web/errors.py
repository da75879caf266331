"""Errors as each client needs them: the JSON envelope under /api/, a page in the site's layout elsewhere.

API clients get ``{"error": {"code", "message"}}`` with the right HTTP status.
Web users get a page in their language with the site's navigation; messages
written for the command line (``--reason``, `` `refwatch ...` ``) are cut down
for them by :func:`web_detail`, so that no page tells a browser user to run a
command they do not have.
"""

from __future__ import annotations

import html
import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from refwatch.errors import (
    Conflict,
    EstimationError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RefwatchError,
)
from refwatch.security import logs
from refwatch.web.sessions import LoginRequired, TwoFactorSetupRequired, login_url

logger = logging.getLogger(__name__)

STATUS: dict[type[RefwatchError], int] = {
    NotAuthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    InvalidInput: 422,
    EstimationError: 422,
}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The error envelope every API failure uses."""
    return {"error": {"code": code, "message": message}}


def status_for(exc: RefwatchError) -> int:
    """HTTP status for a domain error (most specific class first); unknown ones are 500."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _bare_page(status: int, message: str) -> HTMLResponse:
    """The last resort when the site's page cannot be drawn (the template or the session failed)."""
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{status}</title>"
        f"<link rel='stylesheet' href='/static/app.css'></head><body><main><h1>{status}</h1>"
        f"<p role='alert'>{html.escape(message)}</p>"
        "<p><a href='/'>Refoulement Watch</a></p></main></body></html>"
    )
    return HTMLResponse(body, status_code=status)


#: Parts of a message that speak to the command line: a clause naming a command in backticks, an
#: option in parentheses ("(--reason)"), or a clause that starts with an option ("--min-cell must ...").
_CLI_CLAUSE = re.compile(r"`|\brefwatch\s+[a-z]|\bmake\s+[a-z]|^\s*--")
_CLI_OPTION = re.compile(r"\s*\(--[^)]*\)")


def web_detail(message: str) -> str:
    """``message`` without what only a command-line user can act on (may be empty).

    Examples:
        >>> web_detail("no incident 7; `refwatch incidents list` shows them")
        'no incident 7'
        >>> web_detail("an edit needs a reason (--reason)")
        'an edit needs a reason'
    """
    clauses = [_CLI_OPTION.sub("", c).strip() for c in message.split(";")]
    return "; ".join(c for c in clauses if c and not _CLI_CLAUSE.search(c))


def _page(request: Request, status: int, message: str) -> HTMLResponse:
    """The error page for browsers, in the site's layout and the reader's language."""
    try:
        from refwatch.web import rendering  # lazily: the templates load only once a page fails

        return rendering.error_page(request, status, web_detail(message))
    except Exception as exc:  # an error page must never fail in turn
        logger.error("error page for %s failed: %s", status, type(exc).__name__)
        return _bare_page(status, web_detail(message) or "error")


def route_of(request: Request) -> str:
    """The route's template (``/api/v1/documents/{ref}``), never the path as sent: a path can carry a name."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "(no route)"))


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``: JSON under /api, HTML pages elsewhere.

    Also keeps exception messages out of the server's log (see :mod:`refwatch.security.logs`).
    """
    logs.install()

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(login_url(exc.next_url), status_code=303)

    @app.exception_handler(TwoFactorSetupRequired)
    async def setup_required(request: Request, exc: TwoFactorSetupRequired) -> RedirectResponse:
        return RedirectResponse("/account/2fa", status_code=303)

    @app.exception_handler(RefwatchError)
    async def domain_error(request: Request, exc: RefwatchError) -> Response:
        status = status_for(exc)
        if not _is_api(request):
            return _page(request, status, str(exc))
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
        return JSONResponse(error_body(exc.code, str(exc)), status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for problem in exc.errors():
            where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")
            parts.append(f"{where}: {problem.get('msg', 'invalid')}")
        if not _is_api(request):
            return _page(request, 422, "; ".join(parts))
        return JSONResponse(error_body("invalid_input", "; ".join(parts)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not _is_api(request):
            return _page(request, exc.status_code, str(exc.detail))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        # Never echo internals (they may hold data). The server logs the traceback after this (Starlette
        # re-raises for it), its message withheld by logs.install(); this line names the route, not the path.
        logger.error("internal error on %s %s: %s", request.method, route_of(request), type(exc).__name__)
        if not _is_api(request):
            # This answer leaves from Starlette's outermost middleware, past SecurityHeaders: the page
            # (which loads the site's scripts) carries the same headers itself.
            from refwatch.web.app import SECURITY_HEADERS  # the app module imports this one

            page = _page(request, 500, "")
            page.headers.update(SECURITY_HEADERS)
            return page
        return JSONResponse(error_body("internal_error", "internal server error"), status_code=500)
