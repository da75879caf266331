"""One error shape for the API: ``{"error": {"code", "message"}}`` with the right HTTP status."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(RefwatchError)
    async def domain_error(request: Request, exc: RefwatchError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
        return JSONResponse(error_body(exc.code, str(exc)), status_code=status_for(exc), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for problem in exc.errors():
            where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")
            parts.append(f"{where}: {problem.get('msg', 'invalid')}")
        return JSONResponse(error_body("invalid_input", "; ".join(parts)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # Never echo internals (they may hold data); the server log has the traceback.
        return JSONResponse(error_body("internal_error", "internal server error"), status_code=500)
