"""The command line through Typer's CliRunner (fictional files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    # pytest-xdist's workers set COLUMNS=80, at which a long temporary path in a message wraps
    # (so the path no longer reads whole); without it, piped output is drawn at full width.
    result = runner.invoke(app, list(args), env={"COLUMNS": None})
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.startswith("refwatch ")


def test_init_creates_then_reports_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFWATCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("REFWATCH_PASSPHRASE", "fictional test passphrase")
    monkeypatch.delenv("REFWATCH_DATABASE_URL", raising=False)
    code, out, _ = invoke("init")
    assert code == 0 and "initialised" in out
    assert (tmp_path / "home" / "refwatch.db").exists()
    code, out, _ = invoke("init")
    assert code == 0 and "already up to date" in out


def test_commands_refuse_uninitialised_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFWATCH_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("REFWATCH_PASSPHRASE", "fictional test passphrase")
    monkeypatch.delenv("REFWATCH_DATABASE_URL", raising=False)
    code, _, err = invoke("documents", "list")
    assert code == 1 and "refwatch init" in err


def test_ingest_list_show_status(cli_env: Settings, tmp_path: Path) -> None:
    (tmp_path / "r1.txt").write_text("FICTIONAL. Person A-017 was detained by police.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    code, out, err = invoke("ingest", str(tmp_path / "r1.txt"), str(tmp_path / "bad.txt"), "--no-extract")
    assert code == 1
    assert "1 stored, 0 unchanged, 1 failed" in out
    assert "bad.txt" in err and "empty" in err
    code, out, _ = invoke("documents", "list", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["key"] for r in rows] == ["r1"]
    code, out, _ = invoke("documents", "show", "r1", "--format", "json")
    assert code == 0 and json.loads(out)["text"].startswith("FICTIONAL")
    code, _, err = invoke("documents", "show", "nope")
    assert code == 1 and "no document" in err
    code, out, _ = invoke("status", "--format", "json")
    assert code == 0 and json.loads(out)["documents"] == 1
    code, out, _ = invoke("ingest", str(tmp_path / "r1.txt"), "--no-extract")
    assert code == 0 and "0 stored, 1 unchanged, 0 failed" in out


def test_bad_lang_option_is_a_user_error(cli_env: Settings, tmp_path: Path) -> None:
    (tmp_path / "r1.txt").write_text("FICTIONAL.", encoding="utf-8")
    code, _, err = invoke("ingest", str(tmp_path / "r1.txt"), "--lang", "fr")
    assert code == 1 and "--lang" in err


def test_usage_error_exit_code() -> None:
    code, _, _ = invoke("no-such-command")
    assert code == 2


def test_ingest_of_a_missing_path_says_not_found(cli_env: Settings) -> None:
    """#19: a mistyped folder was reported as an "unsupported file type"."""
    runner = CliRunner(env={"COLUMNS": None})  # the message whole, as in invoke()
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["ingest", "/nonexistent/reports-folder"])
    assert result.exit_code == 1
    assert "no such file or folder" in result.output and "unsupported" not in result.output
