"""Failed-login counts for the back-off, and the one-time use of TOTP codes.

Failures are counted per key: the SHA-256 of an (account name, address)
pair and of an address alone (see ``services.accounts``), never per account
alone, so that someone elsewhere cannot lock an account's owner out. Every
count is one atomic ``INSERT … ON CONFLICT`` statement, so two server
processes failing at once both count.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Table, case, delete, or_, select, update
from sqlalchemy.orm import Session

from refwatch.storage import dialects
from refwatch.storage.tables import LoginFailures, User

_FAILURES: Table = LoginFailures.__table__  # type: ignore[assignment]


def failure_key(*parts: str) -> str:
    """The stored key of a counter: a digest, so the table names no account and no address."""
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def backing_off(session: Session, keys: list[str], *, now: dt.datetime) -> bool:
    """True while any of these counters still refuses logins."""
    found = session.scalar(
        select(LoginFailures.key)
        .where(LoginFailures.key.in_(keys), LoginFailures.locked_until > now)
        .limit(1)
    )
    return found is not None


def count_failure(
    session: Session, key: str, *, now: dt.datetime, lock_after: int, forget_after: dt.timedelta
) -> int:
    """Add a failure to ``key``'s count (restarted when the last one is older than ``forget_after``).

    From the ``lock_after``-th failure on, logins under this key are refused
    for a time that doubles with each further failure: 1, 2, 4 … up to 60
    minutes. Answers the count.
    """
    conn = session.connection()
    restart = _FAILURES.c.last_failure_at < now - forget_after
    statement = dialects.upsert(
        conn,
        _FAILURES,
        {"key": key, "failures": 1, "last_failure_at": now},
        key="key",
        update={
            "failures": case((restart, 1), else_=_FAILURES.c.failures + 1),
            "last_failure_at": now,
        },
    ).returning(_FAILURES.c.failures)
    failures = int(conn.execute(statement).scalar_one())
    if failures >= lock_after:
        minutes = min(2 ** min(failures - lock_after, 6), 60)
        session.execute(
            update(LoginFailures)
            .where(LoginFailures.key == key)
            .values(locked_until=now + dt.timedelta(minutes=minutes))
        )
    return failures


def forget_failures(session: Session, key: str) -> None:
    """A success clears its own counter."""
    session.execute(delete(LoginFailures).where(LoginFailures.key == key))


def use_totp_step(session: Session, user_id: int, step: int) -> bool:
    """Mark time-step ``step`` used by ``user_id``; False when it (or a later one) already was.

    A single conditional UPDATE, so two logins racing with the same code
    cannot both win.
    """
    result = session.execute(
        update(User)
        .where(User.id == user_id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
