"""`refwatch audit verify` on a clean log, and after an entry is edited or deleted directly in SQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, func, select, update
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings
from refwatch.services.setup import open_database
from refwatch.storage.tables import AuditEvent

runner = CliRunner()
REPORT = "FICTIONAL. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors in Shenyang."


def _verify() -> tuple[int, str]:
    result = runner.invoke(app, ["audit", "verify"])
    return result.exit_code, " ".join((result.stdout + result.stderr).split())


def _tamper(settings: Settings, change: object) -> None:
    db = open_database(settings)
    try:
        with db.transaction() as session:
            session.execute(change)  # type: ignore[call-overload]
    finally:
        db.dispose()


def _entries(settings: Settings) -> int:
    db = open_database(settings)
    try:
        with db.session() as session:
            return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    finally:
        db.dispose()


def test_verify_passes_then_names_an_edited_and_a_deleted_entry(cli_env: Settings, tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / f"report-{n}.txt").write_text(f"{REPORT} ({n})", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(tmp_path)]).exit_code == 0
    assert _entries(cli_env) >= 4  # three documents and the linking
    code, said = _verify()
    assert code == 0 and "intact" in said

    _tamper(cli_env, update(AuditEvent).where(AuditEvent.id == 2).values(actor="someone else"))
    code, said = _verify()
    assert code == 1 and "audit entry 2:" in said and "edited" in said

    _tamper(cli_env, update(AuditEvent).where(AuditEvent.id == 2).values(actor="cli"))  # put it back
    assert _verify()[0] == 0
    _tamper(cli_env, delete(AuditEvent).where(AuditEvent.id == 3))
    code, said = _verify()
    assert code == 1 and "audit entry 4:" in said and "deleted or reordered" in said


def test_expect_head_finds_a_kept_head_and_misses_a_truncated_one(cli_env: Settings, tmp_path: Path) -> None:
    """The head check goes through services.auditing (#19); it answers as when the CLI ran its own query."""
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(tmp_path)]).exit_code == 0
    kept = runner.invoke(app, ["audit", "head"]).stdout.strip()
    assert len(kept) == 64
    (tmp_path / "later.txt").write_text(REPORT + " Later.", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(tmp_path / "later.txt")]).exit_code == 0
    found = runner.invoke(app, ["audit", "verify", "--expect-head", kept, "--format", "json"])
    assert found.exit_code == 0 and '"expected_head_found": true' in found.stdout

    _tamper(cli_env, delete(AuditEvent).where(AuditEvent.hash == kept))
    missing = runner.invoke(app, ["audit", "verify", "--expect-head", kept])
    said = " ".join((missing.stdout + missing.stderr).split())
    assert missing.exit_code == 1 and "the expected head hash is not in the log" in said
