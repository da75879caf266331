"""Looking accounts up: by name, the list an admin manages, their tokens, the active admins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from refwatch.storage.tables import ApiToken, AuditEvent, User


def find(session: Session, username: str, *, active_only: bool = False) -> User | None:
    """The account called ``username`` (only if still active, with ``active_only``), or None."""
    statement = select(User).where(User.username == username)
    if active_only:
        statement = statement.where(User.is_active.is_(True))
    return session.scalar(statement)


def token_and_holder(session: Session, token_id: int) -> tuple[ApiToken, User] | None:
    """The API token ``token_id`` and the account holding it, or None."""
    token = session.get(ApiToken, token_id)
    holder = None if token is None else session.get(User, token.user_id)
    return None if token is None or holder is None else (token, holder)


def token_by_digest(session: Session, digest: str) -> tuple[ApiToken, User] | None:
    """The token whose stored hash is ``digest``, with its account (tokens are kept hashed only)."""
    found = session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id).where(ApiToken.token_hash == digest)
    ).first()
    return None if found is None else (found[0], found[1])


def active_admin_ids(session: Session) -> list[int]:
    """The active admins' ids, their rows locked to the end of the transaction (PostgreSQL).

    Two admins demoting each other at once must not both see "another admin is
    left": the second waits for the first's commit and then no longer counts
    the first's row. (SQLite has one writer at a time, which does the same.)
    """
    statement = select(User.id).where(User.role == "admin", User.is_active.is_(True)).with_for_update()
    return list(session.scalars(statement))


@dataclass(frozen=True, slots=True)
class AccountRow:
    """What the account list shows of one account (never its password hash or TOTP secret)."""

    id: int
    username: str
    role: str
    groups: tuple[str, ...]
    has_totp: bool
    active: bool
    created_at: dt.datetime
    last_login: dt.datetime | None
    live_tokens: int


def overview(session: Session, *, user_id: int | None = None) -> list[AccountRow]:
    """Every account (or the one with ``user_id``) by name, with its live tokens and its last login.

    Logins are not kept on the account row: the audit log records each one, and
    its (entity, entity_id) index answers the newest per account.
    """
    live = select(ApiToken.user_id, func.count()).where(ApiToken.revoked_at.is_(None))
    last = select(AuditEvent.entity_id, func.max(AuditEvent.at)).where(
        AuditEvent.entity == "user", AuditEvent.action == "login"
    )
    accounts = select(User).order_by(User.username)
    if user_id is not None:
        live = live.where(ApiToken.user_id == user_id)
        last = last.where(AuditEvent.entity_id == str(user_id))
        accounts = accounts.where(User.id == user_id)
    tokens = {int(k): int(v) for k, v in session.execute(live.group_by(ApiToken.user_id)).all()}
    logins = {str(k): v for k, v in session.execute(last.group_by(AuditEvent.entity_id)).all()}
    return [
        AccountRow(
            id=user.id,
            username=user.username,
            role=user.role,
            groups=tuple(str(g) for g in (user.groups or [])),
            has_totp=user._totp_secret is not None,
            active=bool(user.is_active),
            created_at=_utc(user.created_at),
            last_login=None if logins.get(str(user.id)) is None else _utc(logins[str(user.id)]),
            live_tokens=tokens.get(user.id, 0),
        )
        for user in session.scalars(accounts)
    ]


@dataclass(frozen=True, slots=True)
class TokenRow:
    """An API token as the token list shows it: never the token or its hash."""

    id: int
    username: str
    scope: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def tokens(session: Session, *, username: str | None = None) -> list[TokenRow]:
    """API tokens (of one account, or all), newest first, revoked ones included (for the record)."""
    statement = (
        select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id.desc())
    )
    if username is not None:
        statement = statement.where(User.username == username)
    return [
        TokenRow(
            id=row.id,
            username=name,
            scope=row.scope,
            created_at=_utc(row.created_at),
            revoked_at=None if row.revoked_at is None else _utc(row.revoked_at),
        )
        for row, name in session.execute(statement).all()
    ]


def _utc(at: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC timestamps; PostgreSQL aware ones."""
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
