"""Archives extracted on Spark, then ingested without extracting again (issue #20 point 4).

The rows :func:`extract_file` makes are what ingest itself would extract from the same
bytes; ``ingest --extracted`` stores exactly what a plain ingest stores, and extracts
again only the files the rows do not cover, were made by other rules, or whose bytes
changed. The Spark run itself is tested in local mode when pyspark and Java are present
(``make spark``); without them it is skipped. Reports are fictional (test_ingest_workers).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_ingest_workers import _second_settings, _stored, _write_corpus
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings
from refwatch.errors import InvalidInput
from refwatch.ingest.discovery import expand_paths
from refwatch.services import archives
from refwatch.services import incidents as incident_service
from refwatch.services.archives import COLUMNS, extract_file, read_extracted
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import open_database

LIMIT = 10_000_000


def _rows(folder: Path) -> list[dict[str, Any]]:
    return [
        extract_file(p.resolve().as_uri(), p.read_bytes(), max_file_bytes=LIMIT)
        for p in expand_paths([folder])
    ]


def _write(rows: list[dict[str, Any]], out: Path) -> None:
    pq.write_table(pa.Table.from_pylist(rows, schema=_arrow_schema()), out)


def _arrow_schema() -> pa.Schema:
    numbers = {"bytes", "incident_count"}
    return pa.schema([(c, pa.int64() if c in numbers else pa.string()) for c in COLUMNS])


def _ingest(settings: Settings, folder: Path, extracted: Path | None) -> None:
    db = open_database(settings)
    try:
        ingest_paths(
            db,
            [folder],
            actor="tester",
            restricted_to="team-a",
            seal_text=True,
            extracted=read_extracted(extracted) if extracted else None,
        )
    finally:
        db.dispose()


def test_a_row_holds_what_ingest_extracts_or_why_the_file_failed(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    _write_corpus(folder)
    rows = {Path(r["path"].removeprefix("file://")).name: r for r in _rows(folder)}
    broken = rows["broken.pdf"]
    assert broken["error"] and broken["incidents"] is None and broken["sha256"] is None
    report = rows["e0-0.txt"]
    assert report["error"] is None and report["document"] == "e0-0" and report["language"] == "en"
    (incident,) = [i for i in json.loads(report["incidents"]) if i["victims"]["count"] == 12]
    assert incident["date"]["start"] == "2031-03-03" and incident["document"] == "e0-0"
    assert report["incident_count"] == len(json.loads(report["incidents"]))
    assert rows["k0.txt"]["language"] == "ko"


def test_ingest_with_rows_stores_what_plain_ingest_stores_and_extracts_only_the_rest(
    settings: Settings, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    _write_corpus(folder)
    rows = _rows(folder)
    by_name = {
        Path(r["path"].removeprefix("file://")).relative_to(folder.resolve()).as_posix(): r for r in rows
    }
    by_name["e1-1.txt"]["fingerprint"] = "0" * 64  # made by other rules: extracted again
    by_name["e2-2.txt"]["sha256"] = "f" * 64  # the file changed since: extracted again
    del by_name["k0.txt"]  # not covered: extracted as usual
    forged = json.loads(by_name["e0-1.txt"]["incidents"])
    forged[0]["evidence"][0]["quote"] = "words the report does not hold"
    by_name["e0-1.txt"]["incidents"] = json.dumps(forged)  # evidence that is not the text: extracted again
    out = tmp_path / "rows.parquet"
    _write(list(by_name.values()), out)

    _ingest(settings, folder, extracted=None)
    plain = _stored(settings)

    extracted_here: list[str] = []
    run_extractor = incident_service.run_extractor

    def counting(doc: Any) -> Any:
        extracted_here.append(doc.key)
        return run_extractor(doc)

    monkeypatch.setattr(incident_service, "run_extractor", counting)
    other = _second_settings(settings, tmp_path, request)
    copied = tmp_path / "copied"  # rows are found by the files' bytes, wherever the pages now lie
    shutil.copytree(folder, copied)
    _ingest(other, copied, extracted=out)
    # other/e1-0.txt wanted the key e1-0, taken by e1-0.txt: it is extracted under the key it got.
    renamed = [key for key in extracted_here if key.startswith("e1-0-")]
    assert sorted(extracted_here) == sorted(["e0-1", "e1-1", "e2-2", "k0", *renamed]) and len(renamed) == 1
    with_rows = _stored(other)
    for part in plain:
        assert with_rows[part] == plain[part], part


def test_rows_of_another_kind_of_file_are_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        read_extracted(tmp_path / "missing.parquet")
    pq.write_table(pa.table({"x": [1]}), tmp_path / "other.parquet")
    with pytest.raises(InvalidInput, match="not a result of `refwatch extract --engine spark`"):
        read_extracted(tmp_path / "other.parquet")


def test_the_cli_names_what_the_spark_engine_needs(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "a.txt").write_text("Fictional.", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path), "--engine", "spark"])
    assert result.exit_code != 0 and "--out" in result.output
    result = runner.invoke(app, ["extract", str(tmp_path), "--engine", "gpu"])
    assert result.exit_code != 0 and "--engine must be one of local, spark" in result.output
    result = runner.invoke(app, ["extract", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code != 0 and "--out goes with --engine spark" in result.output


def _spark_available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


@pytest.mark.skipif(not _spark_available(), reason="pyspark and Java are optional (make spark)")
def test_spark_local_mode_writes_the_rows_extraction_makes_here(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    _write_corpus(folder)
    out = tmp_path / "out.parquet"
    summary = archives.extract_on_spark([str(folder)], out, master="local[1]", max_file_bytes=LIMIT)
    here = {Path(r["path"].removeprefix("file://")).resolve(): r for r in _rows(folder)}
    there = {Path(r["path"].removeprefix("file:")).resolve(): r for r in pq.read_table(out).to_pylist()}
    assert there.keys() == here.keys()
    for path, row in here.items():
        assert {c: there[path][c] for c in COLUMNS if c != "path"} == {
            c: row[c] for c in COLUMNS if c != "path"
        }
    assert (summary.files, summary.failed) == (len(here), 1)
    assert summary.incidents == sum(r["incident_count"] for r in here.values())
    known = read_extracted(out)
    assert set(known) == {r["sha256"] for r in here.values() if r["error"] is None}


def test_the_rules_fingerprint_changes_with_the_language_data_the_finders_read(tmp_path: Path) -> None:
    """A Spark row made before a month or number word changed must not pass for current: the
    language files (refwatch/languages) count as rules, as the extractor's own files do."""
    from refwatch.extract.fingerprint import _PACKAGES, digest_of

    for package in _PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "rules.py").write_text("RULE = 1\n", encoding="utf-8")
    (tmp_path / "languages" / "en.json").write_text('{"numbers": {"words": {"one": 1}}}', encoding="utf-8")
    before = digest_of(tmp_path, _PACKAGES)
    (tmp_path / "languages" / "en.json").write_text(
        '{"numbers": {"words": {"one": 1, "two": 2}}}', encoding="utf-8"
    )
    assert digest_of(tmp_path, _PACKAGES) != before
    assert "languages" in _PACKAGES
