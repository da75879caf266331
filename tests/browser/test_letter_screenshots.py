"""#19 screenshots of what the letters page hands out: an appeal letter (English, Korean) and a period report.

``docs/screenshots/letter.png``, ``letter-ko.png`` and ``report.png`` are the first pages of the PDFs an
editor downloads here, from the fictional samples only (``samples/reports/fict-*``: pseudonyms, invented
events; never the real-event summaries, never the development corpus), all confirmed in the review
queue first. With ``REFWATCH_SCREENSHOTS`` set, the pages are drawn there (poppler's ``pdftoppm``, at the
80 dpi of the other pictures); either way the test reads the PDFs: the letters' subjects and facts in
their language, the report's title and its count of confirmed incidents.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader
from test_ui import log_in, page, pytestmark, server, shots  # noqa: F401 (fixtures)

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "reports"
PDFTOPPM = shutil.which("pdftoppm")


def download(tab: Page, button: str, folder: Path, name: str) -> Path:
    """Click ``button`` and keep what the browser saves as ``folder/name``."""
    with tab.expect_download(timeout=120_000) as saved:
        tab.click(button)
    target = folder / name
    saved.value.save_as(target)
    return target


def text_of(pdf: Path) -> str:
    return "\n".join(sheet.extract_text() or "" for sheet in PdfReader(pdf).pages)


def first_page_picture(pdf: Path, png: Path) -> None:
    """The PDF's first page as a PNG at 80 dpi (an A4 page: 662 × 936 pixels)."""
    assert PDFTOPPM is not None
    prefix = png.with_suffix("")
    subprocess.run(  # noqa: S603 (our own file names)
        [PDFTOPPM, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
        check=True,
        timeout=120,
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_letters_and_report_from_fictional_samples(server: str, page: Page, tmp_path: Path) -> None:  # noqa: F811
    tab = page
    wanted = bool(os.environ.get("REFWATCH_SCREENSHOTS"))
    if wanted and PDFTOPPM is None:
        pytest.fail("REFWATCH_SCREENSHOTS is set but pdftoppm (poppler-utils) is missing")
    fictional = sorted(p for p in SAMPLES.glob("fict-*") if p.suffix in (".txt", ".md", ".html", ".pdf"))
    assert len(fictional) >= 5
    for sample in fictional:  # each says so near its start (an HTML one in its body)
        if sample.suffix != ".pdf":
            opening = sample.read_text(encoding="utf-8")[:1500]
            assert "FICTIONAL SAMPLE" in opening or "가상의 예시" in opening, sample
    log_in(tab, server)
    with (SAMPLES / "metadata.tsv").open(encoding="utf-8", newline="") as table:
        about = {row["id"]: row for row in csv.DictReader(table, delimiter="\t")}
    for sample in fictional:  # one at a time, each with its title, outlet and date (relative dates need it)
        row = about[sample.stem]
        tab.goto(server + "/documents")
        tab.set_input_files("#files", str(sample))
        tab.fill("#up-title", row["title"])
        tab.fill("#up-outlet", row["outlet"])
        tab.fill("#up-url", row["url"])
        tab.fill("#up-date", row["publication_date"])
        tab.select_option("#up-language", row["language"])
        tab.click("text=Upload")
        tab.wait_for_selector("text=See the new incidents")

    # Every candidate confirmed in the review queue, as an analyst would (the report counts confirmed ones).
    tab.goto(server + "/review")
    confirmed = 0
    while tab.locator("#current").count():
        with tab.expect_navigation():
            tab.keyboard.press("c")
        confirmed += 1
        assert confirmed < 50
    assert confirmed >= 3

    tab.goto(server + "/incidents?sort=id")
    numbers = sorted({int(n) for n in re.findall(r'href="/incidents/(\d+)"', tab.content())})
    chosen = ",".join(str(n) for n in numbers[:2])
    out = shots(tmp_path) if wanted else tmp_path
    files = tmp_path / "downloads"
    files.mkdir()

    letters: dict[str, Path] = {}
    for lang in ("en", "ko"):
        tab.goto(f"{server}/letters?incidents={chosen}")
        tab.fill("#lt-incidents", chosen)
        tab.fill("#lt-author", "FICTIONAL NGO")
        tab.select_option("#lt-lang", lang)
        tab.select_option("#lt-format", "pdf")
        letters[lang] = download(tab, "#letter-download", files, f"letter-{lang}.pdf")
    english, korean = text_of(letters["en"]), text_of(letters["ko"])
    assert "Urgent appeal: forced return of North Koreans" in english and "FICTIONAL NGO" in english
    assert "긴급 호소" in korean and "Urgent appeal" not in korean

    tab.goto(server + "/letters")
    tab.fill("#rp-from", "2000-01-01")
    tab.fill("#rp-to", "2031-12-31")
    tab.select_option("#rp-lang", "en")
    tab.select_option("#rp-format", "pdf")
    report = download(tab, "#report-download", files, "report.pdf")
    summary = re.sub(r"\s+", " ", text_of(report))
    assert "Detentions and forced returns of North Koreans" in summary
    counted = re.search(r"Summary (\d+) Confirmed incidents", summary)  # those dated within the period
    assert counted and 0 < int(counted.group(1)) <= confirmed, summary[:600]
    assert "0 Unreviewed candidates" in summary  # every candidate was confirmed above

    if PDFTOPPM is not None:
        for pdf, name in ((letters["en"], "letter"), (letters["ko"], "letter-ko"), (report, "report")):
            first_page_picture(pdf, out / f"{name}.png")
    assert tab.problems == [], "\n".join(tab.problems)  # type: ignore[attr-defined]
