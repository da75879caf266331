"""`refwatch extract`: language detection only for an extractor that reads the language hint."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refwatch.cli import extract as extract_cli
from refwatch.cli.app import app
from refwatch.domain.dates import ReferenceDate
from refwatch.domain.incidents import Incident
from refwatch.extract import base
from refwatch.extract.base import register_extractor, uses_language

REPORT = "Fictional: police detained 12 North Korean refugees in Tumen on 3 May 2019.\n"


class _Recorder:
    """An extractor written only to the protocol: it may read the hint, so it must get it."""

    name = "recorder"
    seen: list[str | None] = []

    def extract(
        self,
        text: str,
        *,
        document: str,
        published: dt.date | None = None,
        language: str | None = None,
        reference: ReferenceDate | None = None,
    ) -> list[Incident]:
        self.seen.append(language)
        return []


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def detect(text: str) -> str:
        calls.append(text)
        return "en"

    monkeypatch.setattr(extract_cli, "detect_language", detect)
    return calls


def test_the_rule_extractor_is_run_without_detecting_the_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    calls = _calls(monkeypatch)

    result = CliRunner().invoke(app, ["extract", str(tmp_path / "r.txt")])

    assert result.exit_code == 0, result.stderr
    (incident,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert incident["victims"]["count"] == 12
    assert calls == []


def test_an_extractor_that_may_read_the_hint_still_gets_the_detected_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    calls = _calls(monkeypatch)
    register_extractor("recorder", _Recorder)
    try:
        assert uses_language(base.get_extractor("recorder"))
        result = CliRunner().invoke(app, ["extract", "--extractor", "recorder", str(tmp_path / "r.txt")])
    finally:
        base._FACTORIES.pop("recorder", None)
        base._INSTANCES.pop("recorder", None)
    assert result.exit_code == 0, result.stderr
    assert calls == [REPORT] and _Recorder.seen == ["en"]


def test_refwatch_extract_starts_without_importing_the_other_commands(tmp_path: Path) -> None:
    """The console script runs ``extract`` from a root holding only it (start-up is most of a short run)."""
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    script = (
        "import sys\n"
        "from refwatch.cli import app as cli\n"
        "sys.argv = ['refwatch', 'extract', sys.argv[1]]\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = ('refwatch.cli.serve', 'refwatch.cli.report', 'refwatch.cli.persons')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "r.txt")],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"REFWATCH_HOME": str(tmp_path / "home")},
    )
    *incidents, imported = done.stdout.splitlines()
    assert [json.loads(line)["victims"]["count"] for line in incidents] == [12]
    assert imported == "[]"


def test_the_full_application_still_has_every_command() -> None:
    from refwatch.cli import app as cli

    names = {c.name or (c.callback.__name__ if c.callback else "") for c in cli.app.registered_commands}
    assert {"extract", "ingest", "serve"} <= names
