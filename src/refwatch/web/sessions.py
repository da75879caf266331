"""Browser sessions and CSRF protection for the server-rendered pages.

The session is a signed cookie (Starlette's SessionMiddleware: HttpOnly,
SameSite=Lax, Secure when ``REFWATCH_SECURE_COOKIES`` is set, eight hours)
holding only the username and a CSRF token. Every form carries the token and
every POST checks it, so another site cannot make a logged-in browser act.
The account is looked up on each request, so a deactivated user is out at once.
"""

from __future__ import annotations

import secrets
from urllib.parse import quote

from fastapi import Request
from sqlalchemy import select

from refwatch.errors import PermissionDenied
from refwatch.services.accounts import Principal, principal_of
from refwatch.storage.database import Database
from refwatch.storage.tables import User

SESSION_SECONDS = 8 * 3600


class LoginRequired(Exception):
    """Raised by pages that need a logged-in user; answered with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def login_url(next_url: str) -> str:
    """The login page, coming back to ``next_url`` (a local path only) afterwards."""
    return "/login?next=" + quote(safe_next(next_url), safe="/")


def safe_next(value: str | None) -> str:
    """Only local paths: an open redirect would let a phishing link borrow our login page."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a form whose token is missing or not this session's."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not submitted or not secrets.compare_digest(expected, submitted):
        raise PermissionDenied("the form has expired or did not come from this site; reload the page")


def current_user(request: Request, db: Database) -> Principal | None:
    """The logged-in, still active account, or None."""
    username = request.session.get("user")
    if not isinstance(username, str):
        return None
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
        if user is None:
            return None
        return principal_of(user, "admin" if user.role == "admin" else "write")


def log_in(request: Request, user: Principal, *, needs_totp_setup: bool = False) -> None:
    """Start a fresh session for ``user`` (a new CSRF token too: no fixation).

    With ``needs_totp_setup`` the session can only reach the two-factor set-up page.
    """
    request.session.clear()
    request.session["user"] = user.username
    request.session["csrf"] = secrets.token_urlsafe(32)
    if needs_totp_setup:
        request.session["setup_2fa"] = True


class TwoFactorSetupRequired(Exception):
    """Raised for any page but the set-up page while the user has no second factor yet."""
