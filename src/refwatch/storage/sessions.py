"""Browser sessions kept in the database: the cookie holds a random id, this table its digest.

Looked up on every page request, in whichever server process takes it: the
row (not anything a process remembers) says whether a session still counts,
so logging out or revoking in one process ends it in all of them at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from refwatch.storage.tables import BrowserSession, User


@dataclass(frozen=True, slots=True)
class LiveSession:
    """A session that still counts, with what the pages need of its account."""

    id: int
    user_id: int
    username: str
    role: str
    groups: tuple[str, ...]
    has_totp: bool
    last_seen_at: dt.datetime


def start(
    session: Session, *, user_id: int, token_hash: str, now: dt.datetime, lifetime: dt.timedelta
) -> int:
    """Record a new session (and drop this account's sessions that ended a day or more ago)."""
    session.execute(
        delete(BrowserSession).where(
            BrowserSession.user_id == user_id, BrowserSession.expires_at < now - dt.timedelta(days=1)
        )
    )
    row = BrowserSession(
        user_id=user_id, token_hash=token_hash, created_at=now, last_seen_at=now, expires_at=now + lifetime
    )
    session.add(row)
    session.flush()
    return row.id


def find(session: Session, token_hash: str, *, now: dt.datetime) -> LiveSession | None:
    """The session with this digest if it is neither revoked nor expired and its account is active."""
    found = session.execute(
        select(BrowserSession.id, BrowserSession.last_seen_at, User)
        .join(User, User.id == BrowserSession.user_id)
        .where(
            BrowserSession.token_hash == token_hash,
            BrowserSession.revoked_at.is_(None),
            BrowserSession.expires_at > now,
            User.is_active.is_(True),
        )
    ).first()
    if found is None:
        return None
    session_id, last_seen, user = found
    return LiveSession(
        id=session_id,
        user_id=user.id,
        username=user.username,
        role=user.role,
        groups=tuple(str(g) for g in (user.groups or [])),
        has_totp=user._totp_secret is not None,
        last_seen_at=last_seen if last_seen.tzinfo else last_seen.replace(tzinfo=dt.UTC),
    )


def touch(session: Session, session_id: int, *, now: dt.datetime) -> None:
    """Note that the session was used (the pages do this at most every few minutes)."""
    session.execute(update(BrowserSession).where(BrowserSession.id == session_id).values(last_seen_at=now))


def end(session: Session, token_hash: str, *, now: dt.datetime) -> None:
    """Revoke one session (logout)."""
    session.execute(
        update(BrowserSession)
        .where(BrowserSession.token_hash == token_hash, BrowserSession.revoked_at.is_(None))
        .values({BrowserSession.revoked_at: now, BrowserSession._pending_totp: None})
    )


def end_all(session: Session, user_id: int, *, now: dt.datetime, keep: str | None = None) -> int:
    """Revoke every live session of an account (but the one whose digest is ``keep``); answers how many."""
    statement = update(BrowserSession).where(
        BrowserSession.user_id == user_id,
        BrowserSession.revoked_at.is_(None),
        BrowserSession.expires_at > now,
    )
    if keep is not None:
        statement = statement.where(BrowserSession.token_hash != keep)
    result = session.execute(
        statement.values({BrowserSession.revoked_at: now, BrowserSession._pending_totp: None})
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def pending_totp(session: Session, session_id: int) -> str | None:
    """The TOTP secret this session is setting up, opened from its sealed column."""
    row = session.get(BrowserSession, session_id)
    return None if row is None else row.pending_totp


def set_pending_totp(session: Session, session_id: int, secret: str | None) -> None:
    """Keep (sealed) or drop the TOTP secret being set up; it never goes into the cookie."""
    row = session.get(BrowserSession, session_id)
    if row is not None:
        row.pending_totp = secret
