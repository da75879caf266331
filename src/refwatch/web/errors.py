"""One error shape for the API: ``{"error": {"code", "message"}}`` with the right HTTP status."""

from __future__ import annotations

import html
import logging

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


def _page(status: int, message: str) -> HTMLResponse:
    """A plain error page for browsers (the message is ours, already written for people)."""
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{status}</title>"
        f"<link rel='stylesheet' href='/static/app.css'></head><body><main><h1>{status}</h1>"
        f"<p role='alert'>{html.escape(message)}</p>"
        "<p><a href='/'>Refoulement Watch</a></p></main></body></html>"
    )
    return HTMLResponse(body, status_code=status)


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
            return _page(status, str(exc))
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
        return JSONResponse(error_body(exc.code, str(exc)), status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for problem in exc.errors():
            where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")
            parts.append(f"{where}: {problem.get('msg', 'invalid')}")
        if not _is_api(request):
            return _page(422, "; ".join(parts))
        return JSONResponse(error_body("invalid_input", "; ".join(parts)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not _is_api(request):
            return _page(exc.status_code, str(exc.detail))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        # Never echo internals (they may hold data). The server logs the traceback after this (Starlette
        # re-raises for it), its message withheld by logs.install(); this line names the route, not the path.
        logger.error("internal error on %s %s: %s", request.method, route_of(request), type(exc).__name__)
        if not _is_api(request):
            return _page(500, "internal server error")
        return JSONResponse(error_body("internal_error", "internal server error"), status_code=500)
