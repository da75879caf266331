"""#19 in headless Chromium: letters and reports, exports, the public site and the review queue.

Each flow as an editor (or a visitor) would click through it, in English and
Korean; downloads are caught as the browser saves them. Reports are fictional.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page
from test_ui import EN, KO, log_in, page, pytestmark, server, shots, upload  # noqa: F401 (fixtures)

from refwatch.web import vendor


def reports(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "alpha.txt").write_text(EN, encoding="utf-8")
    (folder / "beta.txt").write_text(KO, encoding="utf-8")
    return [folder / "alpha.txt", folder / "beta.txt"]


def first_incident(tab: Page, server: str) -> int:  # noqa: F811
    tab.goto(server + "/incidents")
    found = re.findall(r'href="/incidents/(\d+)"', tab.content())
    assert found
    return int(found[0])


def test_letters_reports_and_exports(server: str, page: Page, tmp_path: Path) -> None:  # noqa: F811
    tab = page
    log_in(tab, server)
    upload(tab, server, reports(tmp_path))
    incident = first_incident(tab, server)

    tab.click("nav >> text=Letters and reports")
    tab.fill("#lt-incidents", str(incident))
    tab.select_option("#lt-to", "wgad")
    tab.fill("#lt-author", "FICTIONAL NGO")
    tab.click("#letter-preview")
    tab.wait_for_selector("#letter")
    assert "FICTIONAL NGO" in tab.inner_text("#letter")
    assert tab.input_value("#lt-incidents") == str(incident)  # the choices are kept for the download
    tab.screenshot(path=str(shots(tmp_path) / "letters-page.png"), full_page=True)
    tab.select_option("#lt-format", "md")
    with tab.expect_download() as letter:
        tab.click("#letter-download")
    assert letter.value.suggested_filename == f"appeal-wgad-{incident}-en.md"

    tab.fill("#rp-from", "2031-01-01")
    tab.fill("#rp-to", "2031-12-31")
    with tab.expect_download() as report:
        tab.click("#report-download")
    assert report.value.suggested_filename == "refwatch-report-2031-01-01-2031-12-31-en.html"
    assert "<h2>Sources</h2>" in Path(report.value.path()).read_text(encoding="utf-8")  # the CLI's report

    tab.goto(server + "/exports")
    with tab.expect_download() as persons:
        tab.click("#exports-persons >> a >> nth=0")
    assert persons.value.suggested_filename == "persons.csv"
    with tab.expect_download() as tallies:
        tab.click("#exports-tallies >> a >> nth=0")
    assert tallies.value.suggested_filename == "tallies.csv"

    # The same in Korean: labels translated, the preview in the letter's own language.
    tab.click("a[hreflang=ko]")
    tab.goto(f"{server}/letters?incidents={incident}")
    assert "서한과 보고서" in tab.inner_text("h1")
    tab.select_option("#lt-lang", "ko")
    tab.click("#letter-preview")
    tab.wait_for_selector("#letter[lang=ko]")
    assert tab.locator("#letter-download").inner_text() == "서한 내려받기"
    assert tab.problems == [], "\n".join(tab.problems)  # type: ignore[attr-defined]


def test_the_public_site_filters_and_draws(server: str, page: Page, tmp_path: Path) -> None:  # noqa: F811
    tab = page
    log_in(tab, server)
    upload(tab, server, reports(tmp_path))
    incident = first_incident(tab, server)
    tab.goto(f"{server}/incidents/{incident}")
    tab.click("#confirm")
    tab.wait_for_selector(".state-confirmed")
    tab.click("text=Log out")

    tab.goto(server + "/public")
    assert tab.locator("#public-incidents tbody tr").count() == 1
    if vendor.ready():
        tab.wait_for_selector("#timeline[data-rendered=true] svg", timeout=15_000)
        tab.wait_for_selector("#map[data-rendered=true] svg path", timeout=15_000)
        # Drawn by Vega alone from specs compiled on the server: no Vega-Lite, no vega-embed (#19 speed).
        assert tab.evaluate("[typeof window.vegaLite, typeof window.vegaEmbed]") == ["undefined", "undefined"]
        assert tab.locator("#map svg image").count() == 1  # the outlines picture
    tab.screenshot(path=str(shots(tmp_path) / "public.png"), full_page=True)
    tab.select_option("#pf-year", "2031")
    tab.select_option("#pf-per", "year")
    tab.click("#public-apply")
    tab.wait_for_url(re.compile(r".*year=2031.*"))
    assert "Matching published incidents: 1" in tab.inner_text("#public-total")
    assert tab.locator("#public-clear").count() == 1
    tab.select_option("#pf-status", index=1)
    tab.click("#public-apply")
    tab.wait_for_selector("#public-total")
    with tab.expect_download() as package:
        tab.click("#public-download")
    assert package.value.suggested_filename == "refwatch-public.zip"

    tab.click("a[hreflang=ko]")
    tab.goto(server + "/public?per=year")
    assert "공개된 사건" in tab.inner_text("h1") and "연도" in tab.inner_text("#public-filters")
    if vendor.ready():
        tab.wait_for_selector("#timeline[data-rendered=true] svg", timeout=15_000)
        assert "2031" in tab.eval_on_selector("#timeline svg", "e => e.textContent")
    assert tab.problems == [], "\n".join(tab.problems)  # type: ignore[attr-defined]


def test_review_queue_claims_and_key_feedback(server: str, page: Page, tmp_path: Path) -> None:  # noqa: F811
    tab = page
    log_in(tab, server)
    upload(tab, server, reports(tmp_path))
    tab.goto(server + "/review")
    tab.wait_for_selector("#current")
    # The actions sit above the claims, which sit above the evidence.
    confirm = tab.locator("#confirm").bounding_box()
    claims = tab.locator("#source-claims").bounding_box()
    assert confirm and claims and confirm["y"] < claims["y"]
    assert tab.locator("#source-claims thead th[data-source]").count() >= 1
    tab.keyboard.press("r")
    assert "Type the reason for rejecting" in tab.inner_text("#key-feedback")
    tab.keyboard.press("Escape")
    tab.keyboard.press("c")
    tab.wait_for_selector("#done")
    tab.click("a[hreflang=ko]")
    tab.goto(server + "/review")
    tab.keyboard.press("r")
    assert "기각 이유를 입력한 뒤" in tab.inner_text("#key-feedback")
    assert tab.problems == [], "\n".join(tab.problems)  # type: ignore[attr-defined]
