"""Accounts and API tokens: argon2id password hashes, tokens stored only as hashes.

A token is shown once, when it is made, and kept as its SHA-256: the token is
32 random bytes, so a fast hash is enough (there is nothing to guess), and a
stolen database gives no usable token. Scopes: ``read`` (GET only), ``write``
(also review actions and uploads), ``admin`` (everything). A token never grants
more than its owner's role allows.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from refwatch.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from refwatch.services.caching import caches, current_version
from refwatch.storage import audit, logins, users
from refwatch.storage import sessions as browser_sessions
from refwatch.storage.database import Database
from refwatch.storage.tables import ApiToken, User
from refwatch.storage.visibility import check_group_name

ROLES = ("admin", "editor", "viewer")
MAX_GROUP = 100  # characters in a group name (accounts' groups, incidents' restriction)
SCOPES = ("read", "write", "admin")
TOKEN_PREFIX = "rw_"  # noqa: S105 (a label, not a secret)
MIN_PASSWORD = 12
LOCK_AFTER = 5  # failures of one name from one address before that pair backs off
ADDRESS_LOCK_AFTER = 20  # failures from one address, any names, before the address backs off
FORGET_AFTER = dt.timedelta(days=1)
WRONG = "wrong username, password or code"
WRONG_TO_CHANGE = "wrong password or current code"
CODE_MISMATCH = "that code does not match; check the time on your phone and try again"

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
        if users.find(session, username) is not None:
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

    A user with a TOTP secret must give a current code, and each code is good
    once. Failures are counted per (username, address) and per address (see
    :func:`_count_failure`): while either backs off, logins from there are
    refused whatever is typed, but the owner elsewhere can still log in. An
    unknown name, an inactive account, a backing-off one and a wrong password
    all get the same message after the same argon2 work (a check against a
    dummy hash), so neither the answer nor its time tells an account exists.
    Successes and failures on existing accounts go to the audit log with
    ``origin`` (the client's address).
    """
    now = now or dt.datetime.now(dt.UTC)
    keys = _failure_keys(username, origin)
    with db.session() as session:
        user = users.find(session, username, active_only=True)
        blocked = logins.backing_off(session, list(keys), now=now)
        checked = None if blocked else user  # the account whose password is checked, if any
        ok = _password_ok(checked.password_hash if checked else _dummy_hash(), password)
        secret = checked.totp_secret if ok and checked else None
        if ok and checked and secret is not None:
            ok = _use_code(session, checked.id, secret, code, now)
        if not ok or checked is None:
            failures = 0 if blocked else _count_failure(session, keys, now)
            if user is not None:
                detail = {"backing_off": True} if blocked else {"failures": failures}
                _log(session, "login_failed", user.id, username, origin, **detail)
            session.commit()
            raise NotAuthenticated(WRONG)
        logins.forget_failures(session, keys[0])
        audit.record(
            session, actor=username, action="login", entity="user", entity_id=checked.id, origin=origin
        )
        session.commit()
        principal = principal_of(checked, "admin" if checked.role == "admin" else "write")
        needs = require_2fa and secret is None and checked.role in ("admin", "editor")
        return Login(principal, needs)


def check_password(db: Database, username: str, password: str) -> Principal:
    """The account's principal if the password is right (no second factor; for scripts and tests)."""
    return log_in(db, username, password, require_2fa=False).principal


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret (to show once, then confirm with :func:`change_totp`)."""
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    """The otpauth:// URI authenticator apps read."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="Refoulement Watch")


def enable_totp(db: Database, username: str, secret: str, code: str, *, origin: str | None = None) -> None:
    """Give an account without a second factor its first one (scripts and tests; the pages use change_totp).

    Refuses an account that already has one: replacing a secret needs the
    password and a current code (:func:`change_totp`).
    """
    if not pyotp.TOTP(secret).verify(code.strip(), valid_window=1):
        raise InvalidInput(CODE_MISMATCH)
    with db.session() as session:
        user = users.find(session, username)
        if user is None:
            raise NotFound(f"no user {username!r}")
        if user.totp_secret is not None:
            raise Conflict(
                "this account already has two-factor login; changing it needs the password and a code"
            )
        user.totp_secret = secret
        _log(session, "user.totp_enable", user.id, username, origin)
        session.commit()


def change_totp(
    db: Database,
    username: str,
    secret: str,
    code: str,
    *,
    password: str,
    current_code: str | None = None,
    now: dt.datetime | None = None,
    origin: str | None = None,
) -> None:
    """Set up or replace an account's TOTP secret from a logged-in session.

    A stolen or unattended session must not be able to swap the owner's
    second factor for the thief's, so this wants the account's password and,
    when a secret is already set up, a current code from it (used up like a
    login's); then a code from the new secret proves the app has it. Wrong
    answers count towards the same back-off as failed logins.
    """
    now = now or dt.datetime.now(dt.UTC)
    keys = _failure_keys(username, origin)
    with db.session() as session:
        user = users.find(session, username, active_only=True)
        if user is None:
            raise NotFound(f"no user {username!r}")
        blocked = logins.backing_off(session, list(keys), now=now)
        ok = _password_ok(user.password_hash, password) and not blocked
        old = user.totp_secret if ok else None
        if ok and old is not None:
            ok = _use_code(session, user.id, old, current_code, now)
        if not ok:
            if not blocked:
                _count_failure(session, keys, now)
            _log(session, "user.totp_refused", user.id, username, origin)
            session.commit()
            raise InvalidInput(WRONG_TO_CHANGE)
        if not pyotp.TOTP(secret).verify(code.strip(), for_time=now, valid_window=1):
            session.commit()  # keeps a current code used up
            raise InvalidInput(CODE_MISMATCH)
        user.totp_secret = secret
        _log(
            session, "user.totp_change" if old is not None else "user.totp_enable", user.id, username, origin
        )
        session.commit()


def set_password(
    db: Database,
    username: str,
    password: str,
    *,
    actor: str = "cli",
    origin: str | None = "cli",
    now: dt.datetime | None = None,
) -> int:
    """Give an account a new password and end all its browser sessions; answers how many ended (audited).

    A password is changed because it may be known to someone else, who may
    then be logged in already: their sessions end with it.
    """
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must be at least {MIN_PASSWORD} characters")
    now = now or dt.datetime.now(dt.UTC)
    with db.session() as session:
        user = users.find(session, username)
        if user is None:
            raise NotFound(f"no user {username!r}")
        user.password_hash = _hasher.hash(password)
        ended = browser_sessions.end_all(session, user.id, now=now)
        _log(session, "user.password", user.id, actor, origin, sessions_ended=ended)
        session.commit()
        return ended


def _failure_keys(username: str, origin: str | None) -> tuple[str, str]:
    """The back-off counters a login touches: this name from this address, and this address."""
    address = origin or ""
    return logins.failure_key("account", username, address), logins.failure_key("address", address)


def _count_failure(session: Session, keys: tuple[str, str], now: dt.datetime) -> int:
    """Count a failure on both counters; answers the (name, address) one's count.

    An address may try one name ``LOCK_AFTER`` times, and any names
    ``ADDRESS_LOCK_AFTER`` times, before it has to wait (1, 2, 4 … 60
    minutes). Counts are forgotten a day after their last failure.
    """
    pair, address = keys
    logins.count_failure(session, address, now=now, lock_after=ADDRESS_LOCK_AFTER, forget_after=FORGET_AFTER)
    return logins.count_failure(session, pair, now=now, lock_after=LOCK_AFTER, forget_after=FORGET_AFTER)


def _use_code(session: Session, user_id: int, secret: str, code: str | None, now: dt.datetime) -> bool:
    """True if ``code`` is the secret's code for now (or a step either side) and that step is not yet used."""
    if not code:
        return False
    totp = pyotp.TOTP(secret)
    typed = str(code).strip()
    for offset in (-1, 0, 1):  # one step either side: phone clocks drift
        at = now + dt.timedelta(seconds=offset * totp.interval)
        if hmac.compare_digest(totp.at(at), typed):
            return logins.use_totp_step(session, user_id, totp.timecode(at))
    return False


@functools.cache
def _dummy_hash() -> str:
    """A hash nobody knows the password of, checked when there is no real one to check (same work)."""
    return _hasher.hash(secrets.token_urlsafe(32))


def _password_ok(stored: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def issue_token(
    db: Database, username: str, scope: str, *, actor: str = "cli", origin: str | None = "cli"
) -> tuple[int, str]:
    """A new token for ``username`` (returned once, in clear) and its id."""
    if scope not in SCOPES:
        raise InvalidInput(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as session:
        user = users.find(session, username)
        if user is None:
            raise NotFound(f"no user {username!r}; add one with `refwatch users add`")
        row = ApiToken(user_id=user.id, token_hash=_digest(token), scope=scope)
        session.add(row)
        session.flush()
        _log(session, "token.issue", user.id, actor, origin, token=row.id, scope=scope)
        session.commit()
        return row.id, token


def revoke_token(
    db: Database,
    token_id: int,
    *,
    actor: str = "cli",
    origin: str | None = "cli",
    reason: str | None = None,
    owner: str | None = None,
) -> None:
    """Stop a token from working (kept, marked revoked, for the record; revoking again changes nothing).

    ``owner``, when given, must be the token's account: a page that lists one
    account's tokens cannot be made to revoke another's by a changed number.
    """
    with db.session() as session:
        held = users.token_and_holder(session, token_id)
        if held is None or (owner is not None and held[1].username != owner):
            raise NotFound(f"no API token {token_id}")
        row = held[0]
        if row.revoked_at is None:
            row.revoked_at = dt.datetime.now(dt.UTC)
        detail: dict[str, Any] = {"token": row.id}
        if reason and reason.strip():
            detail["reason"] = reason.strip()
        _log(session, "token.revoke", row.user_id, actor, origin, **detail)
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
        user = users.find(session, username)
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


def authenticate_token(db: Database, token: str, *, version: int | None = None) -> Principal:
    """The principal a bearer token stands for, or :class:`NotAuthenticated`.

    Kept per token digest until the next write (``services.caching``): every
    API request asks this, and revoking a token, like any account change, is
    an audited write, so a revoked token stops working at once. ``version``,
    when given, is the data version the caller has just read for this request
    (``web.fastlane`` reads it once for the token and the page both); it must
    have been read now, never kept from an earlier request, or a revocation
    would go unnoticed.
    """
    digest = _digest(token)
    cache = caches(db).principals
    if version is None:
        version = current_version(db)
    kept: Principal | None = cache.get(version, digest)
    if kept is not None:
        return kept
    with db.session() as session:
        found = users.token_by_digest(session, digest)
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


# Account management (#19 "every command in the UI"): the admin pages and `refwatch users …` share these.

#: One account as the account list shows it (no password hash, no TOTP secret).
Account = users.AccountRow
#: One API token as the token list shows it (never the token itself).
TokenInfo = users.TokenRow

LAST_ADMIN = (
    "this is the last active admin: first give another account the admin role, so that someone can still "
    "manage accounts"
)


def list_accounts(db: Database) -> list[Account]:
    """Every account by name: role, groups, second factor set up or not, active, last login, live tokens."""
    with db.session() as session:
        return users.overview(session)


def find_account(db: Database, user_id: int) -> Account:
    """One account as the list shows it, by its number (the admin pages' addresses use numbers)."""
    with db.session() as session:
        found = users.overview(session, user_id=user_id)
    if not found:
        raise NotFound(f"no user {user_id}")
    return found[0]


def list_tokens(db: Database, *, username: str | None = None) -> list[TokenInfo]:
    """API tokens, newest first (of one account with ``username``), revoked ones included."""
    with db.session() as session:
        if username is not None and users.find(session, username) is None:
            raise NotFound(f"no user {username!r}")
        return users.tokens(session, username=username)


def set_role(
    db: Database, username: str, role: str, *, actor: str = "cli", origin: str | None = "cli"
) -> str:
    """Give an account another role; answers the role it had (audited, before and after).

    Takes effect at the account's next request, in the browser and through its
    tokens (both read the role from the account). The last active admin cannot
    be demoted: nobody would be left to manage accounts from the pages or the
    API, and a token's scope never grants more than its owner's role.
    """
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    with db.transaction() as session:
        user = _account(session, username)
        before = user.role
        if before == "admin" and role != "admin" and user.is_active:
            _keep_an_admin(session, user.id)
        user.role = role
        _log(session, "user.role", user.id, actor, origin, before=before, after=role)
    return before


def set_active(
    db: Database,
    username: str,
    active: bool,
    *,
    reason: str = "",
    actor: str = "cli",
    origin: str | None = "cli",
    now: dt.datetime | None = None,
) -> int:
    """Deactivate an account (a reason is required) or reactivate it; answers the browser sessions ended.

    A deactivated account cannot log in, its API tokens are refused (they stay
    listed, and work again if it is reactivated: revoke them to end them for
    good), and its browser sessions end at once, so reactivating it does not
    bring an old session back. The last active admin cannot be deactivated.
    """
    now = now or dt.datetime.now(dt.UTC)
    why = reason.strip()
    if not active and not why:
        raise InvalidInput("deactivating an account needs a reason (kept in the audit log)")
    with db.transaction() as session:
        user = _account(session, username)
        ended = 0
        if not active:
            if user.is_active and user.role == "admin":
                _keep_an_admin(session, user.id)
            ended = browser_sessions.end_all(session, user.id, now=now)
        user.is_active = active
        detail: dict[str, Any] = {"sessions_ended": ended}
        if why:
            detail["reason"] = why
        _log(session, "user.activate" if active else "user.deactivate", user.id, actor, origin, **detail)
    return ended


def reset_totp(
    db: Database,
    username: str,
    *,
    reason: str,
    actor: str = "cli",
    origin: str | None = "cli",
    now: dt.datetime | None = None,
) -> int:
    """Remove an account's second factor (a lost phone); answers the browser sessions ended (audited).

    The account must set up a new one at its next login (admins and editors,
    where two-factor login is required). Its sessions end: whoever holds one
    may be the one who has the phone.
    """
    now = now or dt.datetime.now(dt.UTC)
    why = reason.strip()
    if not why:
        raise InvalidInput("resetting two-factor login needs a reason (kept in the audit log)")
    with db.transaction() as session:
        user = _account(session, username)
        had = user._totp_secret is not None
        user.totp_secret = None
        ended = browser_sessions.end_all(session, user.id, now=now)
        _log(session, "user.totp_reset", user.id, actor, origin, had=had, sessions_ended=ended, reason=why)
    return ended


def _account(session: Session, username: str) -> User:
    user = users.find(session, username)
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def _keep_an_admin(session: Session, user_id: int) -> None:
    """Refuse to take away the last active admin (``user_id``, about to be demoted or deactivated)."""
    if not [other for other in users.active_admin_ids(session) if other != user_id]:
        raise Conflict(LAST_ADMIN)
