"""#19 accessibility: axe-core (npm, from ``make web-assets``) over every page, in English and Korean.

Each page is opened in headless Chromium with axe injected before the page's
own scripts; a violation of impact "serious" or "critical" fails the test,
with the rule, the elements and axe's help text. Reports are fictional.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from test_ui import CHROMIUM, EN, KO, PASSWORD, SECRET, log_in, pytestmark, server, upload  # noqa: F401

from refwatch.config import Settings
from refwatch.services import persons
from refwatch.services.setup import open_database
from refwatch.web import vendor
from refwatch.web.vendor import FRONTEND

AXE = FRONTEND / "node_modules/axe-core/axe.min.js"
SEVERE = ("serious", "critical")
RUN = """async () => {
  await new Promise((done) => setTimeout(done, 0));
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(
      (n) => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(0, 3).join(" ")),
  }));
}"""
PEOPLE_CSV = "pseudonym,name_hangul,name_romanised\nPerson A-017,김가상,Kim Gasang\n"


@pytest.fixture
def axe_page(server: str, sqlite_settings: Settings, tmp_path: Path) -> Iterator[Page]:  # noqa: F811
    if not AXE.is_file():
        pytest.skip("!!! axe-core missing: run `make web-assets` !!!")
    db = open_database(sqlite_settings)
    try:
        (tmp_path / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
        persons.import_persons(db, tmp_path / "people.csv", actor="ed", origin="cli")
    finally:
        db.dispose()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        # The pages' CSP allows only their own scripts; axe is the test's, injected past it.
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=True
        )
        context.add_init_script(path=str(AXE))
        yield context.new_page()
        browser.close()


def visit(tab: Page, base: str, path: str) -> None:
    """Open ``path`` and wait for what scripts draw there (the charts' SVG, Swagger UI): it is checked too."""
    tab.goto(base + path)
    drawn = path == "/" or (path.startswith("/public") and tab.locator("#timeline").count() > 0)
    if drawn and vendor.ready():
        tab.wait_for_selector("#timeline[data-rendered=true] svg", timeout=15_000)
        tab.wait_for_selector("#map[data-rendered=true] svg path", timeout=15_000)
    elif path == "/api/v1/docs" and vendor.ready():
        tab.wait_for_selector(".swagger-ui .opblock", timeout=15_000)


def severe(tab: Page) -> list[str]:
    found = tab.evaluate(RUN)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in found
        if v["impact"] in SEVERE
    ]


def test_every_page_has_no_serious_accessibility_violations(
    server: str,  # noqa: F811
    axe_page: Page,
    tmp_path: Path,
) -> None:
    tab = axe_page
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "alpha.txt").write_text(EN, encoding="utf-8")
    (reports / "beta.txt").write_text(KO, encoding="utf-8")
    anonymous = ["/login", "/public", "/no-such-page", "/api/v1/docs"]
    problems: dict[str, list[str]] = {}
    for path in anonymous:
        visit(tab, server, path)
        problems[f"en {path}"] = severe(tab)
    log_in(tab, server)
    upload(tab, server, [reports / "alpha.txt", reports / "beta.txt"])
    problems["en upload result"] = severe(tab)
    incident = int(re.findall(r"/incidents/(\d+)", tab.content())[0]) if "/incidents/" in tab.content() else 1
    tab.goto(f"{server}/incidents/{incident}")
    tab.click("#confirm")  # one published incident: the public page's chart and map are drawn and checked
    tab.wait_for_selector(".state-confirmed")
    pages = [
        "/",
        "/documents",
        "/documents?q=Shenyang",
        "/documents/alpha",
        "/incidents",
        "/incidents?status=at_risk&sort=-people",
        f"/incidents/{incident}",
        "/review",
        "/interventions",
        "/persons",
        "/persons/1",
        "/testimony",
        "/linkage/review",
        "/account/2fa",
        "/exports",
        "/estimates",
        "/letters",
        f"/letters?incidents={incident}",
        "/public?year=2031&per=year",
        "/incidents/999999",
        *anonymous,
    ]
    for language in ("en", "ko"):
        tab.goto(f"{server}/lang/{language}?next=/")
        for path in pages:
            visit(tab, server, path)
            problems[f"{language} {path}"] = severe(tab)
    left = {page: found for page, found in problems.items() if found}
    assert left == {}, "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in left.items())
