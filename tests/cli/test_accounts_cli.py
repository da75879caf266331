"""`refwatch users add|groups` through Typer's CliRunner (fictional accounts)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings
from refwatch.services.setup import open_database
from refwatch.storage.tables import AuditEvent, User

runner = CliRunner()


def test_groups_are_set_replaced_and_cleared_with_an_audit_entry_each(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFWATCH_NEW_PASSWORD", "fictional-password-9")
    assert runner.invoke(app, ["users", "add", "reader", "--role", "viewer"]).exit_code == 0
    done = runner.invoke(app, ["users", "groups", "reader", "partners", "field-team", "partners"])
    assert done.exit_code == 0, done.output
    assert "field-team, partners" in done.stdout
    assert runner.invoke(app, ["users", "groups", "reader"]).exit_code == 0  # no group any more
    missing = runner.invoke(app, ["users", "groups", "nobody", "partners"])
    assert missing.exit_code == 1 and "no user 'nobody'" in missing.stderr

    db = open_database(cli_env)
    try:
        with db.session() as session:
            user = session.scalars(select(User).where(User.username == "reader")).one()
            assert user.groups == []
            entries = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "user.groups").order_by(AuditEvent.id)
            ).all()
    finally:
        db.dispose()
    assert [e.detail["after"] for e in entries] == [["field-team", "partners"], []]
    assert entries[1].detail["before"] == ["field-team", "partners"]


def test_restrict_takes_a_group_or_none_and_a_reason(cli_env: Settings) -> None:
    neither = runner.invoke(app, ["incidents", "restrict", "1", "--reason", "protects a source"])
    assert neither.exit_code == 1 and "--none" in neither.stderr
    both = runner.invoke(app, ["incidents", "restrict", "1", "partners", "--none", "--reason", "x"])
    assert both.exit_code == 1
    missing = runner.invoke(
        app, ["incidents", "restrict", "999", "partners", "--reason", "protects a source"]
    )
    assert missing.exit_code == 1 and "no incident 999" in missing.stderr
    blank = runner.invoke(app, ["incidents", "restrict", "999", "partners", "--reason", " "])
    assert blank.exit_code == 1 and "reason" in blank.stderr


def test_users_list_role_deactivate_reset_2fa_and_tokens_list(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#19: the account management the admin pages offer, on the command line too."""
    monkeypatch.setenv("REFWATCH_NEW_PASSWORD", "fictional-password-9")
    monkeypatch.delenv("COLUMNS", raising=False)
    for name, role in (("boss", "admin"), ("reader", "viewer")):
        assert runner.invoke(app, ["users", "add", name, "--role", role]).exit_code == 0
    assert runner.invoke(app, ["tokens", "new", "reader"]).exit_code == 0
    assert runner.invoke(app, ["users", "groups", "reader", "partners"]).exit_code == 0

    listed = runner.invoke(app, ["users", "list"])
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.stdout.splitlines() if "reader" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        "reader",
        "viewer",
        "partners",
        "off",
        "yes",
        "never",
        "1",
    ]
    as_json = json.loads(runner.invoke(app, ["users", "list", "--format", "json"]).stdout)
    assert [(a["username"], a["role"], a["tokens"]) for a in as_json] == [
        ("boss", "admin", 0),
        ("reader", "viewer", 1),
    ]

    demoted = runner.invoke(app, ["users", "role", "boss", "editor"])
    assert demoted.exit_code == 1 and "last active admin" in demoted.stderr
    assert runner.invoke(app, ["users", "role", "reader", "editor"]).stdout.strip() == (
        "user reader: role viewer -> editor"
    )
    no_reason = runner.invoke(app, ["users", "deactivate", "reader"])
    assert no_reason.exit_code == 2 and "--reason" in no_reason.stderr
    done = runner.invoke(app, ["users", "deactivate", "reader", "--reason", "left the project"])
    assert done.exit_code == 0, done.output
    assert json.loads(runner.invoke(app, ["users", "list", "--format", "json"]).stdout)[1]["active"] is False
    assert runner.invoke(app, ["users", "reactivate", "reader"]).exit_code == 0
    reset = runner.invoke(app, ["users", "reset-2fa", "reader", "--reason", "phone lost"])
    assert reset.exit_code == 0 and "two-factor login reset" in reset.stdout

    tokens = runner.invoke(app, ["tokens", "list", "--user", "reader", "--format", "json"])
    assert [(t["id"], t["user"], t["scope"], t["revoked"]) for t in json.loads(tokens.stdout)] == [
        (1, "reader", "read", None)
    ]
    assert runner.invoke(app, ["tokens", "revoke", "1", "--reason", "not needed"]).exit_code == 0
    table = runner.invoke(app, ["tokens", "list"]).stdout
    assert "reader" in table and "UTC" in table and "1 tokens" in table

    db = open_database(cli_env)
    try:
        with db.session() as session:
            actions = list(
                session.scalars(
                    select(AuditEvent.action).where(AuditEvent.entity == "user").order_by(AuditEvent.id)
                )
            )
    finally:
        db.dispose()
    assert actions[-5:] == [
        "user.role",
        "user.deactivate",
        "user.activate",
        "user.totp_reset",
        "token.revoke",
    ]
