"""Browser sessions and CSRF protection for the server-rendered pages.

The cookie (Starlette's SessionMiddleware: signed, HttpOnly, SameSite=Lax,
Secure when ``REFWATCH_SECURE_COOKIES`` is set, eight hours) holds, once
logged in, only a random session id: the session itself lives in the
database (``services.sessions``), so logging out, a password change or a
revocation ends it in every server process, and nothing secret (no TOTP
secret being set up, no username) is in the cookie. Before login the cookie
holds a CSRF token for the login form (and the login error to show).

Every form carries a CSRF token and every POST checks it, so another site
cannot make a logged-in browser act. Once logged in the token is derived from
the session id (an HMAC under it), so it changes with each session and the
cookie need not carry it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import quote

from fastapi import Request

from refwatch.errors import PermissionDenied
from refwatch.services import sessions
from refwatch.services.sessions import WebSession
from refwatch.services.setup import Database

SESSION_SECONDS = int(sessions.LIFETIME.total_seconds())
COOKIE_KEY = "sid"


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
    """This session's CSRF token: derived from the session id once logged in, else kept in the cookie."""
    session_id = request.session.get(COOKIE_KEY)
    if isinstance(session_id, str):
        return hmac.new(session_id.encode("utf-8"), b"csrf", hashlib.sha256).hexdigest()
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a form whose token is missing or not this session's."""
    session_id = request.session.get(COOKIE_KEY)
    expected = csrf_token(request) if isinstance(session_id, str) else request.session.get("csrf")
    if not isinstance(expected, str) or not submitted or not secrets.compare_digest(expected, submitted):
        raise PermissionDenied("the form has expired or did not come from this site; reload the page")


def current_session(request: Request, db: Database) -> WebSession | None:
    """The live session behind the cookie (asked of the database once per request), or None."""
    if hasattr(request.state, "web_session"):
        kept: WebSession | None = request.state.web_session
        return kept
    session_id = request.session.get(COOKIE_KEY)
    found = sessions.session_of(db, session_id) if isinstance(session_id, str) else None
    request.state.web_session = found
    return found


def needs_totp_setup(request: Request, found: WebSession) -> bool:
    """An editor or admin without a second factor (where one is required) may only set one up."""
    required = bool(request.app.state.settings.require_2fa)
    return required and not found.has_totp and found.principal.role in ("admin", "editor")


def log_in(request: Request, db: Database, username: str) -> None:
    """Start a fresh session for ``username``: a new id, and so a new CSRF token (no fixation)."""
    session_id = sessions.open_session(db, username)
    request.session.clear()
    request.session[COOKIE_KEY] = session_id


def log_out(request: Request, db: Database, *, origin: str | None) -> None:
    """End the session in the database (its cookie opens nothing afterwards) and clear the cookie."""
    session_id = request.session.get(COOKIE_KEY)
    if isinstance(session_id, str):
        sessions.close_session(db, session_id, origin=origin)
    request.session.clear()


class TwoFactorSetupRequired(Exception):
    """Raised for any page but the set-up page while the user has no second factor yet."""
