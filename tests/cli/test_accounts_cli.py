"""`refwatch users add|groups` through Typer's CliRunner (fictional accounts)."""

from __future__ import annotations

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
