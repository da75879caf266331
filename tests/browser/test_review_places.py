"""#19, the review queue's place boxes in headless Chromium: the gazetteer's suggestions, as in entry.

The edit forms under each candidate in the review queue had place boxes with no
suggestions (the page did not load ``static/entry.js``): a reviewer had to know
gazetteer ids by heart. Now a name typed in any script (the Korean 선양 here)
lists the matching entries, labelled in the reader's language, and the chosen
one is saved. In English, then in Korean. Reports are fictional.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from test_ui import EN, log_in, page, pytestmark, server, shots, upload  # noqa: F401 (fixtures)


def suggestions(tab: Page, box: str, typed: str) -> list[tuple[str, str]]:
    """What the box's list offers once the search for ``typed`` answered: (id, label) pairs."""
    datalist = tab.get_attribute(box, "list")
    tab.evaluate(f"document.getElementById('{datalist}').removeAttribute('data-ready')")
    tab.fill(box, typed)
    tab.wait_for_selector(f"#{datalist}[data-ready=true]", state="attached")
    return [
        (o.get_attribute("value") or "", o.get_attribute("label") or "")
        for o in tab.locator(f"#{datalist} option").all()
    ]


def test_review_queue_place_boxes_search_the_gazetteer(server: str, page: Page, tmp_path: Path) -> None:  # noqa: F811
    tab = page
    (tmp_path / "alpha.txt").write_text(EN, encoding="utf-8")
    log_in(tab, server)
    upload(tab, server, [tmp_path / "alpha.txt"])
    tab.goto(server + "/review")
    incident = tab.get_attribute("#current", "data-incident")
    tab.click("#edit summary")
    box = "#edit-form-places input.place-search >> nth=1"  # the first blank row, after Shenyang's
    found = suggestions(tab, box, "투먼")
    assert any(i == "cn.jilin.tumen" and label.startswith("Tumen") for i, label in found), found
    tab.fill(box, "cn.jilin.tumen")
    tab.wait_for_timeout(400)  # the search answers the new text too: let it, then close its list
    tab.click("h1")
    tab.select_option("#edit-form-places select >> nth=1", "detention")
    tab.fill("#edit-reason-places", "a second place the report names (fictional)")
    tab.click("#edit-form-places button[type=submit]")
    tab.wait_for_load_state()
    tab.goto(f"{server}/incidents/{incident}")
    assert "Tumen" in tab.inner_text("main")

    # In Korean the suggestions carry the gazetteer's Korean names.
    tab.goto(f"{server}/lang/ko?next=/review")
    tab.click("#edit summary")
    found = suggestions(tab, "#edit-form-places input.place-search >> nth=0", "Shenyang")
    assert any(i == "cn.liaoning.shenyang" and "선양" in label for i, label in found), found
    tab.screenshot(path=str(shots(tmp_path) / "review-place-search-ko.png"), full_page=True)
    assert tab.problems == [], "\n".join(tab.problems)  # type: ignore[attr-defined]
