"""Logging in and out, two-factor set-up, and the interface language."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from refwatch.errors import InvalidInput, NotAuthenticated
from refwatch.services import accounts
from refwatch.services import sessions as web_sessions
from refwatch.web import i18n
from refwatch.web.auth import client_address
from refwatch.web.deps import Db, LoggedIn
from refwatch.web.rendering import back, render
from refwatch.web.sessions import check_csrf, current_session, log_in, log_out, safe_next
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)  # forms parsed as everywhere


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
def totp_page(request: Request, db: Db, caller: LoggedIn) -> HTMLResponse:
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
    caller: LoggedIn,
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
