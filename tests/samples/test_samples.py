"""The demo's sample data keeps its promises: labelled fiction or sourced facts, readable metadata."""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pypdf
import pytest

from refwatch.ingest.dates import parse_human_date

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
REPORTS = SAMPLES / "reports"
FICTION_LABELS = (
    "FICTIONAL SAMPLE — pseudonyms, not real people or events",
    "가상의 예시 — 실제 인물이나 사건이 아님",
)


def _metadata() -> dict[str, dict[str, str]]:
    with (REPORTS / "metadata.tsv").open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle, delimiter="\t")}


def _reports() -> list[Path]:
    return sorted(p for p in REPORTS.iterdir() if p.suffix in {".txt", ".md", ".html", ".pdf"})


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        body = text.split("<body>", 1)[1]
        text = re.sub(r"<[^>]+>", "\n", body)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def test_every_report_has_exactly_one_metadata_row() -> None:
    assert {p.stem for p in _reports()} == set(_metadata())
    assert 10 <= len(_reports()) <= 16


@pytest.mark.parametrize("path", _reports(), ids=lambda p: p.name)
def test_report_is_labelled_fiction_or_cites_its_source(path: Path) -> None:
    text, row = _text(path), _metadata()[path.stem]
    first_line = text.splitlines()[0]
    if path.stem.startswith("fict-"):
        assert first_line in FICTION_LABELS
        assert "example.org" in row["url"]
    else:
        assert path.stem.startswith("real-")
        assert not any(label in text for label in FICTION_LABELS)
        assert f"Source: {row['url']}" in text


def test_metadata_dates_parse_and_one_is_missing() -> None:
    rows = _metadata().values()
    dates = [row["publication_date"] for row in rows if row["publication_date"]]
    assert len(dates) == len(rows) - 1
    parsed = [parse_human_date(text) for text in dates]
    assert any(p.year is None for p in parsed)  # one date written without a year


def test_language_mix() -> None:
    languages = [row["language"] for row in _metadata().values()]
    assert languages.count("ko") >= 4 and languages.count("en") >= 4


def test_pdf_is_what_the_script_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_pdf", SAMPLES / "make_pdf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build_pdf(module.PARAGRAPHS, module.TITLE) == module.OUTPUT.read_bytes()


def test_capture_recapture_table_is_fictional_and_well_formed() -> None:
    lines = (SAMPLES / "tables" / "fictional_three_lists.csv").read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    assert any("FICTIONAL" in line for line in comments)
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    assert rows and list(rows[0]) == ["c1", "c2", "c3", "count"]
    patterns = [(r["c1"], r["c2"], r["c3"]) for r in rows]
    assert len(set(patterns)) == len(patterns) and ("0", "0", "0") not in patterns
    assert all(set(p) <= {"0", "1"} for p in patterns) and all(int(r["count"]) > 0 for r in rows)
