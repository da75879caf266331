"""Accounts and API tokens: argon2id password hashes, tokens stored only as hashes.

A token is shown once, when it is made, and kept as its SHA-256: the token is
32 random bytes, so a fast hash is enough (there is nothing to guess), and a
stolen database gives no usable token. Scopes: ``read`` (GET only), ``write``
(also review actions and uploads), ``admin`` (everything). A token never grants
more than its owner's role allows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from refwatch.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from refwatch.services.caching import caches, current_version
from refwatch.storage import audit
from refwatch.storage.database import Database
from refwatch.storage.tables import ApiToken, User
from refwatch.storage.visibility import check_group_name

ROLES = ("admin", "editor", "viewer")
MAX_GROUP = 100  # characters in a group name (accounts' groups, incidents' restriction)
SCOPES = ("read", "write", "admin")
TOKEN_PREFIX = "rw_"  # noqa: S105 (a label, not a secret)
MIN_PASSWORD = 12
LOCK_AFTER = 5
WRONG = "wrong username, password or code"

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, and what they may do."""

    username: str
    role: str
    scope: str
    groups: tuple[str, ...] = ()

    def can_write(self) -> bool:
        """Review actions and uploads: an editor or admin, with a write or admin token."""
        return self.role in ("admin", "editor") and self.scope in ("write", "admin")

    def visible_groups(self) -> tuple[str, ...] | None:
        """Restricted records this caller may see: None for admins (all), else their groups."""
        return None if self.role == "admin" else self.groups

    def is_admin(self) -> bool:
        """Account and token management."""
        return self.role == "admin" and self.scope == "admin"


def add_user(
    db: Database, username: str, password: str, role: str, *, actor: str = "cli", origin: str | None = "cli"
) -> int:
    """Create an account; the password is kept only as an argon2id hash (audited, as every account change)."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not username.strip() or len(username) > 100:
        raise InvalidInput("username must be 1 to 100 characters")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must be at least {MIN_PASSWORD} characters")
    with db.session() as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict(f"user {username!r} already exists")
        user = User(username=username, password_hash=_hasher.hash(password), role=role, groups=[])
        session.add(user)
        session.flush()
        _log(session, "user.add", user.id, actor, origin, role=role)
        session.commit()
        return user.id


@dataclass(frozen=True, slots=True)
class Login:
    """A successful password (and code) check; ``needs_totp_setup`` until a second factor is set up."""

    principal: Principal
    needs_totp_setup: bool


def log_in(
    db: Database,
    username: str,
    password: str,
    code: str | None = None,
    *,
    require_2fa: bool = True,
    now: dt.datetime | None = None,
    origin: str | None = None,
) -> Login:
    """Check a login; :class:`NotAuthenticated` with one message for every kind of failure.

    A user with a TOTP secret must give a current code. After
    ``LOCK_AFTER`` failures in a row, logins are refused for a time that
    doubles with each further failure (up to an hour), whatever is typed.
    Successes and failures on existing accounts go to the audit log with
    ``origin`` (the client's address).
    """
    now = now or dt.datetime.now(dt.UTC)
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
        if user is None:
            _hasher.hash(password)  # same work whether or not the user exists
            raise NotAuthenticated(WRONG)
        locked = user.locked_until
        if locked is not None and _aware(locked) > now:
            raise NotAuthenticated(f"too many failed attempts; try again after {_aware(locked):%H:%M} UTC")
        ok = _password_ok(user.password_hash, password)
        secret = user.totp_secret if ok else None
        if ok and secret is not None:
            ok = bool(code) and pyotp.TOTP(secret).verify(str(code).strip(), for_time=now, valid_window=1)
        if not ok:
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= LOCK_AFTER:
                minutes = min(2 ** (user.failed_logins - LOCK_AFTER), 60)
                user.locked_until = now + dt.timedelta(minutes=minutes)
            detail = {"failures": user.failed_logins}
            audit.record(
                session,
                actor=username,
                action="login_failed",
                entity="user",
                entity_id=user.id,
                detail=detail,
                origin=origin,
            )
            session.commit()
            raise NotAuthenticated(WRONG)
        user.failed_logins = 0
        user.locked_until = None
        audit.record(session, actor=username, action="login", entity="user", entity_id=user.id, origin=origin)
        session.commit()
        principal = principal_of(user, "admin" if user.role == "admin" else "write")
        needs = require_2fa and secret is None and user.role in ("admin", "editor")
        return Login(principal, needs)


def check_password(db: Database, username: str, password: str) -> Principal:
    """The account's principal if the password is right (no second factor; for scripts and tests)."""
    return log_in(db, username, password, require_2fa=False).principal


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret (to show once, then confirm with :func:`enable_totp`)."""
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    """The otpauth:// URI authenticator apps read."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="Refoulement Watch")


def enable_totp(db: Database, username: str, secret: str, code: str, *, origin: str | None = None) -> None:
    """Store ``secret`` (sealed) once the user proves their app has it by giving a current code."""
    if not pyotp.TOTP(secret).verify(code.strip(), valid_window=1):
        raise InvalidInput("that code does not match; check the time on your phone and try again")
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"no user {username!r}")
        user.totp_secret = secret
        _log(session, "user.totp_enable", user.id, username, origin)
        session.commit()


def _password_ok(stored: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back; ours are all UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def issue_token(
    db: Database, username: str, scope: str, *, actor: str = "cli", origin: str | None = "cli"
) -> tuple[int, str]:
    """A new token for ``username`` (returned once, in clear) and its id."""
    if scope not in SCOPES:
        raise InvalidInput(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"no user {username!r}; add one with `refwatch users add`")
        row = ApiToken(user_id=user.id, token_hash=_digest(token), scope=scope)
        session.add(row)
        session.flush()
        _log(session, "token.issue", user.id, actor, origin, token=row.id, scope=scope)
        session.commit()
        return row.id, token


def revoke_token(db: Database, token_id: int, *, actor: str = "cli", origin: str | None = "cli") -> None:
    """Stop a token from working (kept, marked revoked, for the record)."""
    with db.session() as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"no API token {token_id}")
        row.revoked_at = dt.datetime.now(dt.UTC)
        _log(session, "token.revoke", row.user_id, actor, origin, token=row.id)
        session.commit()


def set_groups(
    db: Database, username: str, groups: list[str], *, actor: str = "cli", origin: str | None = "cli"
) -> list[str]:
    """Replace the groups an account belongs to (which restricted incidents it sees); audited.

    Answers the names as stored: trimmed, without blanks or repeats, sorted.
    """
    try:
        names = sorted({check_group_name(g, limit=MAX_GROUP) for g in groups if g.strip()})
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"no user {username!r}; `refwatch users add` makes one")
        before = list(user.groups or [])
        user.groups = names
        _log(session, "user.groups", user.id, actor, origin, before=before, after=names)
        session.commit()
    return names


def _log(session: Session, action: str, user_id: int, actor: str, origin: str | None, **detail: Any) -> None:
    audit.record(
        session, actor=actor, action=action, entity="user", entity_id=user_id, detail=detail, origin=origin
    )


def authenticate_token(db: Database, token: str) -> Principal:
    """The principal a bearer token stands for, or :class:`NotAuthenticated`.

    Kept per token digest until the next write (``services.caching``): every
    API request asks this, and revoking a token, like any account change, is
    an audited write, so a revoked token stops working at once.
    """
    digest = _digest(token)
    cache = caches(db).principals
    version = current_version(db)
    kept: Principal | None = cache.get(version, digest)
    if kept is not None:
        return kept
    with db.session() as session:
        found = session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == digest)
        ).first()
        if found is None:
            raise NotAuthenticated("unknown API token")
        row, user = found
        if row.revoked_at is not None or not user.is_active:
            raise NotAuthenticated("this API token has been revoked")
        caller = principal_of(user, row.scope)
    cache.put(version, digest, caller)
    return caller


def principal_of(user: User, scope: str) -> Principal:
    """The principal for an account row (its groups decide which restricted records it sees)."""
    return Principal(user.username, user.role, scope, tuple(str(g) for g in (user.groups or [])))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
