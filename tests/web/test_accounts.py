"""Accounts and API tokens: hashes only on disk, tokens shown once, CLI commands."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings
from refwatch.errors import Conflict, InvalidInput, NotAuthenticated
from refwatch.services import accounts
from refwatch.storage.database import Database
from refwatch.storage.tables import ApiToken, User


def test_passwords_and_tokens_are_stored_hashed(db: Database) -> None:
    accounts.add_user(db, "Person A-017", "a long fictional passphrase", "editor")
    _, token = accounts.issue_token(db, "Person A-017", "write")
    with db.session() as session:
        user = session.scalars(select(User)).one()
        stored = session.scalars(select(ApiToken)).one()
    assert user.password_hash.startswith("$argon2id$")
    assert "fictional" not in user.password_hash
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert accounts.authenticate_token(db, token).role == "editor"
    assert (
        accounts.check_password(db, "Person A-017", "a long fictional passphrase").username == "Person A-017"
    )
    with pytest.raises(NotAuthenticated):
        accounts.check_password(db, "Person A-017", "a wrong fictional passphrase")
    with pytest.raises(NotAuthenticated):
        accounts.check_password(db, "nobody", "a long fictional passphrase")


def test_bad_accounts_are_refused(db: Database) -> None:
    with pytest.raises(InvalidInput, match="role"):
        accounts.add_user(db, "x", "a long fictional passphrase", "owner")
    with pytest.raises(InvalidInput, match="at least"):
        accounts.add_user(db, "x", "short", "viewer")
    accounts.add_user(db, "x", "a long fictional passphrase", "viewer")
    with pytest.raises(Conflict):
        accounts.add_user(db, "x", "a long fictional passphrase", "viewer")
    with pytest.raises(InvalidInput, match="scope"):
        accounts.issue_token(db, "x", "root")


def test_cli_users_and_tokens(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("REFWATCH_NEW_PASSWORD", "a long fictional passphrase")
    added = runner.invoke(app, ["users", "add", "ana", "--role", "editor"])
    assert added.exit_code == 0, added.output
    made = runner.invoke(app, ["tokens", "new", "ana", "--scope", "write"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("rw_")
    revoked = runner.invoke(app, ["tokens", "revoke", "1"])
    assert revoked.exit_code == 0, revoked.output
    assert runner.invoke(app, ["tokens", "new", "nobody"]).exit_code == 1


def test_account_changes_and_logins_are_audited_with_their_origin(db: Database) -> None:
    from refwatch.storage.tables import AuditEvent

    accounts.add_user(db, "Person A-018", "a long fictional passphrase", "viewer")
    accounts.log_in(db, "Person A-018", "a long fictional passphrase", origin="192.0.2.7")
    with pytest.raises(NotAuthenticated):
        accounts.log_in(db, "Person A-018", "wrong fictional passphrase", origin="192.0.2.8")
    with db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "user")).all()
    assert [(e.action, e.origin) for e in events] == [
        ("user.add", "cli"),
        ("login", "192.0.2.7"),
        ("login_failed", "192.0.2.8"),
    ]
    assert all("passphrase" not in str(e.detail) for e in events)
    token_id, token = accounts.issue_token(db, "Person A-018", "read", actor="admin-1", origin="192.0.2.9")
    accounts.revoke_token(db, token_id, actor="admin-1", origin="192.0.2.9")
    with db.session() as session:
        later = session.scalars(select(AuditEvent).where(AuditEvent.id > events[-1].id)).all()
    assert [(e.action, e.actor, e.origin, e.detail) for e in later] == [
        ("token.issue", "admin-1", "192.0.2.9", {"token": token_id, "scope": "read"}),
        ("token.revoke", "admin-1", "192.0.2.9", {"token": token_id}),
    ]
    assert all(token not in str(e.detail) for e in later)
