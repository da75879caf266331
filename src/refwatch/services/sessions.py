"""Browser sessions: made at login, checked on every page, ended by logout or revocation.

The cookie carries only a random session id (32 bytes, signed by the
session middleware as well); the database keeps its SHA-256, the account,
when it began, was last seen and expires, and whether it was revoked. No
process keeps sessions in memory: each page request asks the database (one
indexed lookup), so a logout, a password change or ``refwatch users
revoke-sessions`` taken by one server process ends the session in all of
them before their next answer. A TOTP secret being set up waits, sealed, in
the session's row, never in the cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from refwatch.errors import NotFound
from refwatch.services.accounts import Principal, new_totp_secret
from refwatch.storage import audit, users
from refwatch.storage import sessions as rows
from refwatch.storage.database import Database

#: How long a session lasts from its login, however busy (the cookie's max-age is the same).
LIFETIME = dt.timedelta(hours=8)
#: How stale ``last_seen_at`` may get before a page request writes it again (one write per few minutes).
TOUCH_EVERY = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class WebSession:
    """A live session: who it is for, and whether their second factor is set up."""

    id: int
    principal: Principal
    has_totp: bool


def open_session(db: Database, username: str, *, now: dt.datetime | None = None) -> str:
    """Start a session for ``username`` (after a successful login); answers the id for the cookie, once."""
    now = now or dt.datetime.now(dt.UTC)
    token = secrets.token_urlsafe(32)
    with db.transaction() as session:
        user = users.find(session, username, active_only=True)
        if user is None:
            raise NotFound(f"no active user {username!r}")
        rows.start(session, user_id=user.id, token_hash=digest(token), now=now, lifetime=LIFETIME)
    return token


def session_of(db: Database, token: str, *, now: dt.datetime | None = None) -> WebSession | None:
    """The live session behind a cookie's id, or None (unknown, ended, expired, account deactivated)."""
    now = now or dt.datetime.now(dt.UTC)
    with db.session() as session:
        found = rows.find(session, digest(token), now=now)
        if found is None:
            return None
        if now - found.last_seen_at >= TOUCH_EVERY:
            rows.touch(session, found.id, now=now)
            session.commit()
    principal = Principal(
        found.username, found.role, "admin" if found.role == "admin" else "write", found.groups
    )
    return WebSession(found.id, principal, found.has_totp)


def close_session(
    db: Database, token: str, *, origin: str | None = None, now: dt.datetime | None = None
) -> None:
    """Log out: the session's row is marked revoked, so its cookie opens nothing any more (audited)."""
    now = now or dt.datetime.now(dt.UTC)
    with db.transaction() as session:
        found = rows.find(session, digest(token), now=now)
        rows.end(session, digest(token), now=now)
        if found is not None:
            audit.record(
                session,
                actor=found.username,
                action="logout",
                entity="user",
                entity_id=found.user_id,
                origin=origin,
            )


def revoke_sessions(
    db: Database, username: str, *, actor: str = "cli", origin: str | None = "cli", keep: str | None = None
) -> int:
    """End every session of ``username`` (but ``keep``, the caller's own); answers how many (audited)."""
    now = dt.datetime.now(dt.UTC)
    with db.transaction() as session:
        user = users.find(session, username)
        if user is None:
            raise NotFound(f"no user {username!r}")
        ended = rows.end_all(session, user.id, now=now, keep=None if keep is None else digest(keep))
        audit.record(
            session,
            actor=actor,
            action="user.sessions_revoke",
            entity="user",
            entity_id=user.id,
            detail={"sessions": ended},
            origin=origin,
        )
    return ended


def pending_totp(db: Database, session_id: int) -> str:
    """The TOTP secret this session is setting up, made (and kept sealed in its row) on first ask."""
    with db.transaction() as session:
        secret = rows.pending_totp(session, session_id)
        if secret is None:
            secret = new_totp_secret()
            rows.set_pending_totp(session, session_id, secret)
    return secret


def drop_pending_totp(db: Database, session_id: int) -> None:
    """Forget the secret being set up (it is now the account's, or abandoned)."""
    with db.transaction() as session:
        rows.set_pending_totp(session, session_id, None)


def digest(token: str) -> str:
    """What the table keeps of a session id: 32 random bytes need no slow hash."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
