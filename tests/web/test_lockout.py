"""Login back-off and TOTP replay (issue 15, point 7), on the service with a fixed clock.

A backing-off account and an unknown name must look the same (message and
argon2 work); failures from one address must not lock the owner out from
another; a TOTP code is good once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
import pytest

from refwatch.errors import NotAuthenticated
from refwatch.services import accounts
from refwatch.storage.database import Database

PASSWORD = "fictional-password-1"
WRONG = "a wrong fictional password"
NOW = dt.datetime(2031, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
ATTACKER = "198.51.100.66"
OWNER = "203.0.113.5"


class CountingHasher:
    """The real argon2 hasher, counting its verifications (the work that sets a login's time)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.verified = 0

    def verify(self, stored: str, password: str) -> bool:
        self.verified += 1
        return bool(self.real.verify(stored, password))

    def hash(self, password: str) -> str:
        return str(self.real.hash(password))


def refusal(db: Database, username: str, password: str, origin: str, **kwargs: Any) -> str:
    with pytest.raises(NotAuthenticated) as caught:
        accounts.log_in(db, username, password, origin=origin, now=kwargs.pop("now", NOW), **kwargs)
    return str(caught.value)


def test_a_backing_off_account_and_an_unknown_name_look_the_same(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts.add_user(db, "vi", PASSWORD, "viewer")
    for _ in range(accounts.LOCK_AFTER):
        refusal(db, "vi", WRONG, ATTACKER)
    hasher = CountingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    locked = refusal(db, "vi", PASSWORD, ATTACKER)  # the right password, but backing off
    assert hasher.verified == 1
    unknown = refusal(db, "nobody-here", PASSWORD, ATTACKER)
    assert hasher.verified == 2
    wrong = refusal(db, "vi", WRONG, "192.0.2.1")
    assert hasher.verified == 3
    assert locked == unknown == wrong == accounts.WRONG


def test_an_attacker_cannot_lock_the_owner_out_from_elsewhere(db: Database) -> None:
    accounts.add_user(db, "vi", PASSWORD, "viewer")
    for _ in range(accounts.LOCK_AFTER + 3):
        refusal(db, "vi", WRONG, ATTACKER)
    refusal(db, "vi", PASSWORD, ATTACKER)  # the attacker's address backs off, even with the password
    assert accounts.log_in(db, "vi", PASSWORD, origin=OWNER, now=NOW).principal.username == "vi"
    # The back-off ends: 8 failures past the fifth wait 2**3 minutes.
    later = NOW + dt.timedelta(minutes=9)
    assert accounts.log_in(db, "vi", PASSWORD, origin=ATTACKER, now=later).principal.username == "vi"


def test_an_address_that_tries_many_names_backs_off(db: Database) -> None:
    accounts.add_user(db, "vi", PASSWORD, "viewer")
    for n in range(accounts.ADDRESS_LOCK_AFTER):
        refusal(db, f"guess-{n}", WRONG, ATTACKER)  # never the same name twice: no pair backs off
    assert refusal(db, "vi", PASSWORD, ATTACKER) == accounts.WRONG
    assert accounts.log_in(db, "vi", PASSWORD, origin=OWNER, now=NOW).principal.username == "vi"


def test_a_totp_code_is_accepted_once(db: Database) -> None:
    secret = pyotp.random_base32()
    accounts.add_user(db, "ed", PASSWORD, "editor")
    accounts.enable_totp(db, "ed", secret, pyotp.TOTP(secret).now())
    code = pyotp.TOTP(secret).at(NOW)
    assert accounts.log_in(db, "ed", PASSWORD, code, origin=OWNER, now=NOW).principal.username == "ed"
    assert refusal(db, "ed", PASSWORD, OWNER, code=code) == accounts.WRONG  # replayed at once
    seen_later = NOW + dt.timedelta(seconds=20)  # still inside the code's window
    assert refusal(db, "ed", PASSWORD, ATTACKER, code=code, now=seen_later) == accounts.WRONG
    # An earlier step's code (still in the window) is refused too: steps only move forward.
    earlier = pyotp.TOTP(secret).at(NOW - dt.timedelta(seconds=30))
    assert refusal(db, "ed", PASSWORD, OWNER, code=earlier, now=seen_later) == accounts.WRONG
    following = NOW + dt.timedelta(seconds=30)
    fresh = pyotp.TOTP(secret).at(following)
    assert accounts.log_in(db, "ed", PASSWORD, fresh, origin=OWNER, now=following).principal.username == "ed"
