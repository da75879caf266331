"""#19 "every command in the UI": estimation in the browser, in English and Korean.

An analyst chooses the unit, the lists, the strata, the method and a seed, asks for the
estimate, and reads each stratum's documented count, estimate and interval, the
warnings and the chart; the page then speaks Korean the same way, and axe-core finds no
serious violation on the page with its results. Forty fictional people (pseudonyms only,
``tests/fictional_people.py``) on three lists.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page
from test_accessibility import AXE, severe
from test_ui import log_in, page, pytestmark, server, shots  # noqa: F401

from fictional_people import seed_people
from refwatch.config import Settings
from refwatch.services.setup import open_database
from refwatch.web import vendor


def _rows(tab: Page) -> dict[str, str]:
    cells = tab.locator("#estimates tbody tr:not(.warnings)")
    return {
        cells.nth(i).locator("td").nth(0).inner_text(): cells.nth(i).locator("td").nth(1).inner_text()
        for i in range(cells.count())
    }


def test_an_analyst_estimates_by_sex_and_reads_it_in_both_languages(
    server: str,  # noqa: F811
    page: Page,  # noqa: F811
    sqlite_settings: Settings,
    tmp_path: Path,
) -> None:
    db = open_database(sqlite_settings)
    try:
        seed_people(db)
    finally:
        db.dispose()
    if AXE.is_file():  # the pages' CSP allows only their own scripts; axe is the test's
        page.context.add_init_script(path=str(AXE))
    log_in(page, server)
    page.goto(server + "/estimates")
    assert page.locator("#estimates").count() == 0  # nothing runs until asked
    page.select_option("select[name=unit]", "persons")
    page.select_option("select[name=lists]", "source_lists")
    page.select_option("select[name=strata]", "sex")
    page.select_option("select[name=interval]", "percentile")
    page.fill("input[name=seed]", "7")
    page.click("form.estimate-form button[type=submit]")
    page.wait_for_selector("#estimates")
    assert _rows(page) == {"F": "30", "M": "9", "unknown": "1"}
    estimate, interval = (
        page.locator("#estimates tbody tr:not(.warnings)").first.locator("td").nth(n).inner_text()
        for n in (2, 3)
    )
    low, high = (int(x.replace(",", "")) for x in re.findall(r"[\d,]+", interval))
    assert low <= int(estimate.replace(",", "")) <= high
    assert page.locator("select[name=strata] option[selected]").inner_text() == "sex (persons)"  # kept
    if vendor.ready():
        page.wait_for_selector("#estimate-chart[data-rendered=true] svg", timeout=15_000)
    if AXE.is_file():
        assert severe(page) == []
    page.screenshot(path=str(shots(tmp_path) / "estimates.png"), full_page=True)

    # The same request in Korean: headings and choices translated, the figures the same.
    page.goto(f"{server}/lang/ko?next=" + page.url.removeprefix(server).replace("&", "%26"))
    page.wait_for_selector("#estimates")
    assert page.inner_text("h1") != "How many were never recorded"
    assert "Documented" not in page.inner_text("#estimates thead")
    assert _rows(page) == {"F": "30", "M": "9", "알 수 없음": "1"}  # a stratum of no recorded sex too
    if AXE.is_file():
        assert severe(page) == []
    assert page.problems == []  # type: ignore[attr-defined]
