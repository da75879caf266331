"""The period report (#17 point 5): figures apart by review state, incidents with citations, law, estimate.

Fictional incidents (invented events); HTML checked as text, the Korean PDF with poppler.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.cli.app import app  # noqa: E402
from refwatch.config import Settings  # noqa: E402
from refwatch.errors import InvalidInput  # noqa: E402
from refwatch.ingest.metadata import load_metadata  # noqa: E402
from refwatch.services import review  # noqa: E402
from refwatch.services.export import incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.services.reports import period_report  # noqa: E402
from refwatch.services.setup import open_database  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402

FICTIONAL = {
    "tumen": make(
        "tumen", start="2023-10-09", count=40, types=("repatriation",), place=("CN", "Jilin", "Tumen")
    ),
    "yanji": make("yanji", start="2023-11-02", count=7, types=("arrest",), place=("CN", "Jilin", "Yanji")),
    "later": make("later", start="2025-03-01", count=3, types=("arrest",), place=("CN", "Jilin", "Hunchun")),
    "secret": make(
        "secret", start="2023-10-20", count=30, types=("repatriation",), place=("CN", "Liaoning", "Dandong")
    ),
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, FICTIONAL)


def _world(db: Database, folder: Path) -> dict[str, int]:
    for key in FICTIONAL:
        (folder / f"{key}.txt").write_text(f"FICTIONAL report {key}: Person A-017.", encoding="utf-8")
    (folder / "meta.tsv").write_text(
        "id\toutlet\turl\n" + "".join(f"{k}\tFictional Wire\thttps://example.org/{k}\n" for k in FICTIONAL),
        encoding="utf-8",
    )
    table = load_metadata(folder / "meta.tsv")
    ingest_paths(db, [folder / f"{k}.txt" for k in ("tumen", "yanji", "later")], metadata=table)
    ingest_paths(db, [folder / "secret.txt"], metadata=table, restricted_to="partners")
    ids = {r["sources"][0]["document"]: r["id"] for r in incident_records(db, IncidentFilter())}
    for key in ("tumen", "later", "secret"):
        review.set_state(db, ids[key], "confirmed", actor="t")
    return ids


def test_html_report_separates_confirmed_from_candidates_and_cites(db: Database, tmp_path: Path) -> None:
    _world(db, tmp_path)
    html = period_report(
        db, date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 12, 31), lang="en", fmt="html"
    ).decode("utf-8")
    assert re.search(r'id="confirmed-incidents">1<', html)  # tumen (later is outside, secret restricted)
    assert re.search(r'id="confirmed-people">40<', html)
    assert re.search(r'id="candidates">1<', html)  # yanji, unreviewed
    assert "https://example.org/tumen" in html and "[1]" in html
    assert "https://example.org/secret" not in html and "Dandong" not in html  # restricted evidence
    assert "Person A-017" not in html and "FICTIONAL" not in html
    assert "RC1951" in html and "<svg" in html  # the law; the timeline as SVG
    assert "Methods" in html and "How many were never reported" in html
    with pytest.raises(InvalidInput, match="--to must not be before"):
        period_report(db, date_from=dt.date(2024, 1, 1), date_to=dt.date(2023, 1, 1), lang="en", fmt="html")


@pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="!!! poppler-utils missing (make font-tools installs it): Korean PDF not checked !!!",
)
def test_korean_pdf_report_embeds_a_cjk_font(cli_env: Settings, tmp_path: Path) -> None:
    db = open_database(cli_env)
    try:
        _world(db, tmp_path)
    finally:
        db.dispose()
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(
        app,
        ["report", str(out), "--from", "2023-01-01", "--to", "2023-12-31", "--lang", "ko", "--format", "pdf"],
    )
    assert result.exit_code == 0, result.output
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and " yes " in fonts
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "북한 주민 구금 및 강제송환" in text and "확인된 사건" in text and "강제송환" in text
