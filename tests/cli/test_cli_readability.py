"""#19, the command line as a new user reads it: no Python ``None`` for an unknown date, the source ids that
``incidents split --source`` takes, help without ``<bool>`` or double backticks, tables not cut when piped,
and one word for what ``link`` counts. Fictional incidents; the extractor is a table."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.cli.app import app  # noqa: E402
from refwatch.config import Settings  # noqa: E402

runner = CliRunner()
LONG_KEY = "fictional-report-with-a-rather-long-document-key-for-the-table"
FICTIONAL = {
    "undated": make("undated", start=None, count=3, place=("CN", "Jilin", "Tumen")),
    "fictional": make(LONG_KEY, start="2030-02-02", count=8, place=("CN", "Liaoning", "Dandong")),
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, FICTIONAL)


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def ingest(tmp_path: Path) -> dict[str, int]:
    for key in ("undated", LONG_KEY):
        (tmp_path / f"{key}.txt").write_text(f"FICTIONAL report {key}.", encoding="utf-8")
    code, _, err = invoke("ingest", str(tmp_path / "undated.txt"), str(tmp_path / f"{LONG_KEY}.txt"))
    assert code == 0, err
    code, out, _ = invoke("incidents", "list", "--format", "json")
    return {r["sources"][0]["document"]: r["id"] for r in json.loads(out)}


def test_show_reads_unknown_for_a_missing_date_and_prints_source_ids(
    cli_env: Settings, tmp_path: Path
) -> None:
    ids = ingest(tmp_path)
    code, out, _ = invoke("incidents", "show", str(ids["undated"]))
    assert code == 0
    assert not re.search(r"\bNone\b", out), out  # it printed "None…None (unknown)"
    assert "unknown" in out and "unknown (unknown)" not in out  # the claims table said it twice
    code, record, _ = invoke("incidents", "show", str(ids["undated"]), "--format", "json")
    source_id = json.loads(record)["sources"][0]["source_id"]
    assert f"source {source_id}:" in out and f"undated (source {source_id})" in out


def test_tables_keep_their_full_width_when_piped(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # pytest-xdist's workers set it to 80
    ingest(tmp_path)
    code, out, _ = invoke("incidents", "list")
    assert code == 0
    assert LONG_KEY in out and "candidate" in out and "…" not in out  # was cut to 80 columns


def test_help_shows_no_bool_type_for_flags_and_no_double_backticks() -> None:
    group = typer.main.get_command(app)

    def paths(command: object, path: list[str]) -> list[list[str]]:
        found = [path]
        if isinstance(getattr(command, "commands", None), dict):  # a group (Typer's own Click types)
            for name, sub in getattr(command, "commands", {}).items():
                found += paths(sub, [*path, name])
        return found

    problems = []
    for path in paths(group, []):
        shown = runner.invoke(app, [*path, "--help"]).stdout
        if "<bool>" in shown or "``" in shown:
            problems.append(" ".join(path) or "refwatch")
    assert problems == []
    split = runner.invoke(app, ["incidents", "split", "--help"]).stdout
    assert "--help" in split and "incidents show" in split  # where the source ids come from


def test_link_speaks_of_sources_as_show_does(cli_env: Settings, tmp_path: Path) -> None:
    ingest(tmp_path)
    code, out, _ = invoke("link")
    assert code == 0
    assert "2 sources (what one document says of one incident)" in out and "reports" not in out


def test_reject_needs_a_reason(cli_env: Settings, tmp_path: Path) -> None:
    ids = ingest(tmp_path)
    code, _, err = invoke("incidents", "reject", str(ids["undated"]))
    assert code == 2 and "--reason" in err
    code, out, _ = invoke("incidents", "reject", str(ids["undated"]), "--reason", "not in scope (fictional)")
    assert code == 0 and "rejected" in out


def test_help_names_no_file_a_user_of_the_repository_lacks() -> None:
    """``eval --help`` and ``tallies list --help`` pointed at INCIDENTS.md, which only the developers' shared
    folder holds; every file a help text names must be in the repository (docs/cli.md, docs/estimation.md)."""
    root = Path(__file__).resolve().parents[2]
    group = typer.main.get_command(app)

    def paths(command: object, path: list[str]) -> list[list[str]]:
        found = [path]
        for name, sub in (getattr(command, "commands", None) or {}).items():
            found += paths(sub, [*path, name])
        return found

    missing = []
    for path in paths(group, []):
        shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "300"}).stdout
        for named in re.findall(r"[\w./-]+\.md\b", shown):
            if not (root / named).is_file():
                missing.append(f"{' '.join(path)}: {named}")
    assert missing == []


def test_every_argument_and_option_says_what_it_is() -> None:
    """``incidents split --help`` listed ``incident_id [required]`` and ``--reason <str>`` with no word of
    what they are (so did confirm, reject, edit, merge, undo, history, restrict)."""
    group = typer.main.get_command(app)

    def commands(command: object, path: list[str]) -> list[tuple[list[str], object]]:
        found = [(path, command)]
        for name, sub in (getattr(command, "commands", None) or {}).items():
            found += commands(sub, [*path, name])
        return found

    bare = [
        f"{' '.join(path)} {param.name}"
        for path, command in commands(group, [])
        for param in getattr(command, "params", [])
        if not (getattr(param, "help", None) or "").strip()
    ]
    assert bare == []
