"""#19, entry by hand in headless Chromium: select text, assign it to a field, create the incident.

English: from a stored document's page (the selection crosses the evidence marks
the page draws, and the place is found with the gazetteer search in Korean).
Korean: from a testimony typed in the page, with a line break and a character
outside the BMP before the selections (offsets must count code points and LF
line ends as the server does), a refused value shown inline in Korean with
everything kept, then accepted. Reports, testimony and people are fictional.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from test_ui import EN, log_in, page, pytestmark, server, shots, upload  # noqa: F401 (fixtures)

TESTIMONY = (
    "가상 증언 🙂.\n2031년 5월 4일 투먼에서 국경경비대가 저희 세 명을 붙잡았습니다.\n그 뒤 북송되었습니다."
)

#: Select ``quote`` (its first occurrence) inside #entry-text, as a reader's mouse would.
SELECT = """quote => {
  const root = document.getElementById("entry-text");
  if (root.tagName === "TEXTAREA") {
    const at = root.value.indexOf(quote);
    root.focus();
    root.setSelectionRange(at, at + quote.length);
    return at >= 0;
  }
  const at = root.textContent.indexOf(quote);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node, started = false;
  while ((node = walker.nextNode())) {
    const next = seen + node.data.length;
    if (!started && at < next) { range.setStart(node, at - seen); started = true; }
    if (started && at + quote.length <= next) { range.setEnd(node, at + quote.length - seen); break; }
    seen = next;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return at >= 0;
}"""


def unexpected(tab: Page) -> list[str]:
    """Console errors and page errors, less the status of the refused form this test sends on purpose."""
    return [p for p in tab.problems if "status of 422" not in p]  # type: ignore[attr-defined]


def assign(tab: Page, quote: str, slot: str) -> None:
    assert tab.evaluate(SELECT, quote), quote
    tab.click(f"button.use-selection[data-slot='{slot}']")
    assert tab.inner_text(f"#quote-{slot}") == quote


def test_an_incident_from_text_selected_on_a_document(server: str, page: Page, tmp_path: Path) -> None:  # noqa: F811
    tab = page
    (tmp_path / "alpha.txt").write_text(EN, encoding="utf-8")
    log_in(tab, server)
    upload(tab, server, [tmp_path / "alpha.txt"])
    tab.goto(server + "/documents/alpha")
    tab.click("#entry summary")
    assign(tab, "police arrested 12", "event_types")  # crosses the marked evidence of the extracted incident
    tab.check("input[name='event_types.event_types'][value=arrest]")
    assign(tab, "12 North Korean defectors", "victims")
    tab.fill("#entry-victims-count", "12")
    assign(tab, "Shenyang", "location-1")
    tab.fill("#entry-location-1-place", "선양")  # the search box finds the entry by its Korean name
    tab.wait_for_selector("#places-location-1[data-ready=true]", state="attached")
    option = tab.get_attribute("#places-location-1 option >> nth=0", "value")
    assert option == "cn.liaoning.shenyang"
    tab.fill("#entry-location-1-place", option)
    tab.wait_for_timeout(400)  # the search answers the new text too: let it, then close its list of choices
    tab.click("h1")
    tab.select_option("#entry-location-1-role", "arrest")
    tab.screenshot(path=str(shots(tmp_path) / "entry-from-document.png"), full_page=True)
    tab.click("#entry-form button[type=submit]")
    tab.wait_for_selector("#entered-by-hand")
    assert "Entered by hand by ed" in tab.inner_text("#entered-by-hand")
    assert "Shenyang" in tab.inner_text("main") and "police arrested 12" in tab.inner_text("main")
    assert unexpected(tab) == []


def test_an_incident_from_a_testimony_in_korean(server: str, page: Page, tmp_path: Path) -> None:  # noqa: F811
    tab = page
    log_in(tab, server)
    tab.goto(f"{server}/lang/ko?next=/testimony")
    assert "증언으로 사건 입력" in tab.inner_text("h1")
    tab.fill("#entry-taken-by", "현장 활동가 K (가상)")
    tab.fill("#entry-taken-on", "2025-06-01")
    tab.fill("#entry-text", TESTIMONY)
    assign(tab, "붙잡았습니다", "event_types")
    tab.check("input[name='event_types.event_types'][value=arrest]")
    assign(tab, "세 명", "victims")
    tab.select_option("#entry-victims-qualifier", "range")  # a range without its bounds is refused
    assign(tab, "북송되었습니다", "status")
    tab.select_option("#entry-status-status", "returned")
    tab.click("#entry-form button[type=submit]")
    tab.wait_for_selector("#entry-error-victims")
    assert "범위에는 최소 인원과 최대 인원이 필요합니다" in tab.inner_text("#entry-error-victims")
    assert tab.input_value("#entry-text") == TESTIMONY  # everything typed is kept
    assert tab.inner_text("#quote-status") == "북송되었습니다"

    tab.select_option("#entry-victims-qualifier", "exact")
    tab.fill("#entry-victims-count", "3")
    tab.screenshot(path=str(shots(tmp_path) / "entry-from-testimony-ko.png"), full_page=True)
    tab.click("#entry-form button[type=submit]")
    tab.wait_for_selector("#entered-by-hand")
    assert "직접 입력했습니다" in tab.inner_text("#entered-by-hand")
    main = tab.inner_text("main")
    assert "붙잡았습니다" in main and "세 명" in main and "북송되었습니다" in main
    tab.click(".source h3 a")  # the testimony record: sealed, shown to editors with who took it
    assert "현장 활동가 K (가상), 2025-06-01" in tab.inner_text("#testimony-taken-by")
    assert unexpected(tab) == []


def test_a_person_added_and_edited_in_the_browser(server: str, page: Page, tmp_path: Path) -> None:  # noqa: F811
    tab = page
    log_in(tab, server)
    tab.goto(server + "/persons")
    tab.click("#add-person summary")
    tab.fill("#person-name_hangul", "최가공")
    tab.fill("#person-birth_year", "19x0")
    tab.click("#person-form button[type=submit]")
    tab.wait_for_selector("#person-error-birth_year")
    assert tab.input_value("#person-name_hangul") == "최가공"
    tab.fill("#person-birth_year", "1990")
    tab.click("#person-form button[type=submit]")
    tab.wait_for_selector("#person-done")
    tab.goto(f"{server}/lang/ko?next={tab.url.removeprefix(server)}")
    tab.click("#edit-person summary")
    tab.fill("#person-origin", "회령 (가상)")
    tab.click("#person-form button[type=submit]")
    tab.wait_for_selector("#person-done")
    assert "변경 내용을 저장했습니다" in tab.inner_text("#person-done") and "회령 (가상)" in tab.inner_text(
        "main"
    )
    assert unexpected(tab) == []
