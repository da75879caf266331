"""Appeal letters (#17 point 4): facts with citations, the law, the asks; Markdown, DOCX and a Korean PDF.

Fictional incidents (invented events) on the dates of the issue's legal examples.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as Docx
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.cli.app import app  # noqa: E402
from refwatch.config import Settings  # noqa: E402
from refwatch.errors import InvalidInput  # noqa: E402
from refwatch.ingest.metadata import load_metadata  # noqa: E402
from refwatch.services.appeals import draft_appeal  # noqa: E402
from refwatch.services.export import incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.services.interventions import incident_interventions  # noqa: E402
from refwatch.services.setup import open_database  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402

FICTIONAL = {
    "laos": make(
        "laos", start="2013-05-14", count=9, types=("arrest", "deportation"), place=("LA", None, "Vientiane")
    ),
    "china": make(
        "china", start="2023-10-09", count=500, types=("repatriation",), place=("CN", "Jilin", "Tumen")
    ),
    "village": make(
        "village", start="2023-11-02", count=2, types=("arrest",), place=("CN", "Jilin", "Fictionalvale")
    ),
}
METADATA = (
    "id\turl\toutlet\tpublication_date\n"
    "laos\thttps://example.org/fictional-laos\tFictional Daily\t2013-05-30\n"
    "china\thttps://example.org/fictional-china\tFictional Wire\t2023-10-12\n"
)


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, FICTIONAL)


def _world(db: Database, folder: Path) -> dict[str, int]:
    for key in FICTIONAL:
        (folder / f"{key}.txt").write_text(
            f"FICTIONAL report {key}: Person A-017 was there.", encoding="utf-8"
        )
    (folder / "meta.tsv").write_text(METADATA, encoding="utf-8")
    ingest_paths(db, [folder / "laos.txt", folder / "china.txt"], metadata=load_metadata(folder / "meta.tsv"))
    return {r["sources"][0]["document"]: r["id"] for r in incident_records(db, IncidentFilter())}


def test_an_english_letter_cites_states_the_law_and_logs_a_draft(db: Database, tmp_path: Path) -> None:
    ids = _world(db, tmp_path)
    letter, data = draft_appeal(
        db,
        [ids["laos"]],
        to="sr-dprk",
        lang="en",
        fmt="md",
        author="Fictional NGO",
        actor="ed",
        visible_groups=(),
    )
    text = data.decode("utf-8")
    assert "Special Rapporteur on the situation of human rights" in text
    assert "On 2013-05-14, arrest, deportation involving 9 people in Vientiane, Laos" in text
    assert "[1]" in text and "Fictional Daily, 2013-05-30, https://example.org/fictional-laos" in text
    assert "Convention against Torture, art. 3 (Laos)" in text  # bound since 26 Oct 2012
    assert "Refugee" not in text  # Laos is not a party
    assert "Person A-017" not in text and "FICTIONAL" not in text  # no names, no report text
    drafts = incident_interventions(db, ids["laos"], visible_groups=())
    assert [(d.kind, d.status, d.author) for d in drafts] == [("un_communication", "draft", "Fictional NGO")]
    with pytest.raises(InvalidInput, match="unknown addressee"):
        draft_appeal(
            db, [ids["laos"]], to="nobody", lang="en", fmt="md", author="x", actor="e", visible_groups=()
        )


def test_docx_opens_and_holds_the_letter(db: Database, tmp_path: Path) -> None:
    ids = _world(db, tmp_path)
    _, data = draft_appeal(
        db,
        [ids["china"]],
        to="prc-embassy",
        lang="en",
        fmt="docx",
        author="Fictional NGO",
        actor="e",
        visible_groups=(),
    )
    paragraphs = [p.text for p in Docx(io.BytesIO(data)).paragraphs]
    assert "Your Excellency," in paragraphs
    assert any(
        "Convention relating to the Status of Refugees (1951), art. 33 (China)" in p for p in paragraphs
    )


@pytest.mark.skipif(
    shutil.which("pdffonts") is None or shutil.which("pdftotext") is None,
    reason="!!! poppler-utils missing (make font-tools installs it): Korean PDF not checked !!!",
)
def test_a_korean_pdf_embeds_a_cjk_font_and_its_hangul_comes_back(cli_env: Settings, tmp_path: Path) -> None:
    db = open_database(cli_env)
    try:
        ids = _world(db, tmp_path)
    finally:
        db.dispose()
    out = tmp_path / "letter.pdf"
    result = CliRunner().invoke(
        app,
        ["appeal", str(ids["china"]), "--to", "unhcr", "--lang", "ko", "--format", "pdf", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and " yes " in fonts  # a CJK font, embedded
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "유엔난민기구" in text and "강제송환" in text and "난민협약 제33조 (중국)" in text


def test_a_korean_letter_names_places_as_the_gazetteer_does_in_korean(db: Database, tmp_path: Path) -> None:
    """#19: a Korean letter read "Tumen, Jilin, 중국" (the stored English labels); a place the gazetteer
    cannot name in Korean (a fictional village) keeps its stored name."""
    ids = _world(db, tmp_path)
    unknown = tmp_path / "village.txt"
    unknown.write_text("FICTIONAL report village: Person A-017 was there.", encoding="utf-8")
    ingest_paths(db, [unknown])
    village = next(
        r["id"] for r in incident_records(db, IncidentFilter()) if r["sources"][0]["document"] == "village"
    )
    _, data = draft_appeal(
        db,
        [ids["china"], village],
        to="unhcr",
        lang="ko",
        fmt="md",
        author="Fictional NGO",
        actor="ed",
        visible_groups=(),
    )
    text = data.decode("utf-8")
    assert "중국 지린성 투먼에서" in text  # from the country down, as Korean writes an address
    assert "Tumen" not in text and "Jilin" not in text
    assert "중국 지린성 Fictionalvale에서" in text  # no Korean name known: the stored one
    _, english = draft_appeal(
        db, [ids["china"]], to="unhcr", lang="en", fmt="md", author="F", actor="ed", visible_groups=()
    )
    assert "in Tumen, Jilin, China" in english.decode("utf-8")
