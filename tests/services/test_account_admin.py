"""Account management (#19): list, role, deactivate/reactivate, reset 2FA, list and revoke tokens.

Every change is one transaction with its audit entry (the data-version caches
rely on it: a revoked token or deactivated account must stop working at once,
also through the principal cache). The last active admin cannot be demoted or
deactivated. Fictional accounts only; both backends.
"""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from sqlalchemy import func, select

from refwatch.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from refwatch.services import accounts, sessions
from refwatch.services.caching import current_version
from refwatch.storage.database import Database
from refwatch.storage.tables import AuditEvent

PASSWORD = "fictional-password-3"


def audit_actions(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_list_shows_role_groups_2fa_active_last_login_and_live_tokens(db: Database) -> None:
    accounts.add_user(db, "ana", PASSWORD, "admin")
    accounts.add_user(db, "bo", PASSWORD, "viewer")
    secret = pyotp.random_base32()
    accounts.enable_totp(db, "ana", secret, pyotp.TOTP(secret).now())
    accounts.set_groups(db, "bo", ["partners"])
    accounts.issue_token(db, "bo", "read")
    revoked, _ = accounts.issue_token(db, "bo", "read")
    accounts.revoke_token(db, revoked)
    accounts.check_password(db, "bo", PASSWORD)

    listed = {a.username: a for a in accounts.list_accounts(db)}
    assert [a.username for a in accounts.list_accounts(db)] == ["ana", "bo"]
    ana, bo = listed["ana"], listed["bo"]
    assert (ana.role, ana.has_totp, ana.active, ana.live_tokens, ana.last_login) == (
        "admin",
        True,
        True,
        0,
        None,
    )
    assert (bo.role, bo.groups, bo.has_totp, bo.live_tokens) == ("viewer", ("partners",), False, 1)
    assert bo.last_login is not None and dt.datetime.now(dt.UTC) - bo.last_login < dt.timedelta(minutes=5)
    assert accounts.find_account(db, bo.id) == bo
    with pytest.raises(NotFound):
        accounts.find_account(db, 999)

    tokens = accounts.list_tokens(db, username="bo")
    assert [(t.id, t.revoked_at is not None) for t in tokens] == [(revoked, True), (revoked - 1, False)]
    assert accounts.list_tokens(db, username="ana") == []
    with pytest.raises(NotFound):
        accounts.list_tokens(db, username="nobody")


def test_a_role_change_is_audited_and_reaches_the_token_at_once(db: Database) -> None:
    accounts.add_user(db, "ana", PASSWORD, "admin")
    accounts.add_user(db, "ed", PASSWORD, "editor")
    _, token = accounts.issue_token(db, "ed", "write")
    assert accounts.authenticate_token(db, token).can_write()  # now in the principal cache
    version = current_version(db)
    assert accounts.set_role(db, "ed", "viewer", actor="ana") == "editor"
    assert current_version(db) > version  # the audit entry was written with the change
    assert not accounts.authenticate_token(db, token).can_write()
    with pytest.raises(InvalidInput, match="role"):
        accounts.set_role(db, "ed", "owner")
    with db.session() as session:
        entry = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.role")).one()
    assert (entry.actor, entry.detail) == ("ana", {"before": "editor", "after": "viewer"})


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(db: Database) -> None:
    accounts.add_user(db, "ana", PASSWORD, "admin")
    accounts.add_user(db, "bea", PASSWORD, "admin")
    before = audit_actions(db)
    accounts.set_active(db, "bea", False, reason="left the organisation")
    with pytest.raises(Conflict, match="last active admin"):
        accounts.set_role(db, "ana", "editor")
    with pytest.raises(Conflict, match="last active admin"):
        accounts.set_active(db, "ana", False, reason="testing")
    assert {a.username: (a.role, a.active) for a in accounts.list_accounts(db)} == {
        "ana": ("admin", True),
        "bea": ("admin", False),
    }
    assert audit_actions(db) == [*before, "user.deactivate"]  # refusals leave no entry
    accounts.set_role(db, "bea", "viewer")  # an inactive admin may be demoted: it manages nothing
    accounts.set_active(db, "bea", True)
    accounts.set_role(db, "bea", "admin")
    accounts.set_role(db, "ana", "editor")  # now another admin is left
    assert accounts.set_role(db, "ana", "admin") == "editor"


def test_a_deactivated_account_cannot_log_in_and_its_tokens_and_sessions_stop(db: Database) -> None:
    accounts.add_user(db, "ana", PASSWORD, "admin")
    accounts.add_user(db, "bo", PASSWORD, "viewer")
    _, token = accounts.issue_token(db, "bo", "read")
    assert accounts.authenticate_token(db, token).username == "bo"  # cached
    cookie = sessions.open_session(db, "bo")
    assert sessions.session_of(db, cookie) is not None
    with pytest.raises(InvalidInput, match="reason"):
        accounts.set_active(db, "bo", False, reason="  ")

    assert accounts.set_active(db, "bo", False, reason="laptop stolen", actor="ana") == 1
    with pytest.raises(NotAuthenticated):
        accounts.check_password(db, "bo", PASSWORD)
    with pytest.raises(NotAuthenticated):
        accounts.authenticate_token(db, token)
    assert sessions.session_of(db, cookie) is None

    accounts.set_active(db, "bo", True, actor="ana")
    assert accounts.check_password(db, "bo", PASSWORD).username == "bo"
    assert accounts.authenticate_token(db, token).username == "bo"  # not revoked: works again
    assert sessions.session_of(db, cookie) is None  # the old session does not come back
    with db.session() as session:
        entries = session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["user.deactivate", "user.activate"]))
        ).all()
    assert [(e.action, e.detail.get("reason")) for e in entries] == [
        ("user.deactivate", "laptop stolen"),
        ("user.activate", None),
    ]


def test_a_reset_second_factor_must_be_set_up_again_at_the_next_login(db: Database) -> None:
    accounts.add_user(db, "ed", PASSWORD, "editor")
    secret = pyotp.random_base32()
    accounts.enable_totp(db, "ed", secret, pyotp.TOTP(secret).now())
    cookie = sessions.open_session(db, "ed")
    with pytest.raises(InvalidInput, match="reason"):
        accounts.reset_totp(db, "ed", reason="")
    assert accounts.reset_totp(db, "ed", reason="phone lost", actor="ana") == 1
    assert sessions.session_of(db, cookie) is None
    login = accounts.log_in(db, "ed", PASSWORD, None)  # no code is asked for any more …
    assert login.needs_totp_setup  # … but a new second factor must be set up first
    assert not accounts.list_accounts(db)[0].has_totp
    with pytest.raises(NotFound):
        accounts.reset_totp(db, "nobody", reason="x")


def test_revoking_checks_the_owner_and_keeps_the_first_time(db: Database) -> None:
    accounts.add_user(db, "ana", PASSWORD, "admin")
    accounts.add_user(db, "bo", PASSWORD, "viewer")
    token_id, token = accounts.issue_token(db, "bo", "read")
    with pytest.raises(NotFound):
        accounts.revoke_token(db, token_id, owner="ana")  # not ana's token
    assert accounts.authenticate_token(db, token).username == "bo"
    accounts.revoke_token(db, token_id, owner="bo", reason="no longer needed")
    first = accounts.list_tokens(db)[0].revoked_at
    accounts.revoke_token(db, token_id)
    assert accounts.list_tokens(db)[0].revoked_at == first
    with pytest.raises(NotAuthenticated):
        accounts.authenticate_token(db, token)
    with db.session() as session:
        reasons = session.scalars(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "token.revoke")
        ).one()
    assert reasons == 2
