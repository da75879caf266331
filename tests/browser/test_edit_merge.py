"""#19, editing and merging incidents in headless Chromium, in English and in Korean.

The field editor (a choice from the vocabulary, a reason, the history saying which field changed from
what to what), a refused value (the error beside its form, the input kept), and a merge (the merged-away
incident links to where it went and offers no more review actions; the other keeps both sources' claims).
In Korean every step must read Korean: its words, and no English label left. Reports are fictional.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from test_ui import EN, KO, assert_language, log_in, page, pytestmark, server, upload  # noqa: F401

#: Per language: what the pages say (the Korean catalogue's words for the same messages).
WORDS = {
    "en": {
        "field": "Status",
        "returned": "returned",
        "at risk": "at risk",
        "merged into": "merged into",
        "merged": "merged",
        "refused": "This value could not be saved:",
    },
    "ko": {
        "field": "상태",
        "returned": "강제송환됨",
        "at risk": "송환 위기",
        "merged into": "병합됨:",
        "merged": "병합됨",
        "refused": "이 값은 저장할 수 없습니다:",
    },
}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_edit_and_merge_in_the_browser(server: str, page: Page, tmp_path: Path, lang: str) -> None:  # noqa: F811
    tab, words = page, WORDS[lang]
    files = tmp_path / "reports"
    files.mkdir()
    (files / "alpha.txt").write_text(EN, encoding="utf-8")
    (files / "beta.txt").write_text(KO, encoding="utf-8")
    tab.goto(f"{server}/lang/{lang}?next=/login")
    log_in(tab, server)
    upload(tab, server, [files / "alpha.txt", files / "beta.txt"], lang)

    # A field chosen from the vocabulary, with a reason; the history says what changed, in words.
    tab.goto(server + "/incidents/1")
    tab.click("#edit summary")
    tab.select_option("#edit-status", "returned")
    tab.fill("#edit-reason-status", "a later report says so (fictional)")
    tab.click("#edit-form-status button[type=submit]")
    tab.wait_for_selector("ol.history >> text=a later report says so (fictional)")
    entry = tab.locator("ol.history li").filter(has_text="a later report says so").inner_text()
    assert words["field"] in entry and words["at risk"] in entry and words["returned"] in entry, entry
    assert_language(tab, lang)

    # A refused value: the error shows beside its form, in the reader's language, the input kept.
    tab.click("#edit summary")
    tab.fill("#edit-form-places input.place-search >> nth=1", "Nowhere-on-any-map (fictional)")
    tab.fill("#edit-reason-places", "a second place (fictional)")
    tab.click("#edit-form-places button[type=submit]")
    tab.wait_for_selector("#edit-error")
    assert words["refused"] in tab.inner_text("#edit-error")
    assert (
        tab.input_value("#edit-form-places input.place-search >> nth=1") == "Nowhere-on-any-map (fictional)"
    )
    assert tab.input_value("#edit-reason-places") == "a second place (fictional)"
    assert_language(tab, lang)

    # Merge incident 2 into 1: 2 links to 1 and offers nothing to do; 1 keeps both sources.
    tab.goto(server + "/incidents/1")
    tab.click("form[action='/incidents/1/merge'] >> xpath=.. >> summary")
    tab.fill("#other", "2")
    tab.fill("#merge-reason", "the same arrest (fictional)")
    tab.click("form[action='/incidents/1/merge'] button[type=submit]")
    tab.wait_for_url(server + "/incidents/1")
    claims = tab.inner_text("main")
    assert "1. alpha" in claims and "2. beta" in claims
    assert_language(tab, lang)
    tab.goto(server + "/incidents/2")
    link = tab.locator("#merged-into")
    assert link.get_attribute("href") == "/incidents/1" and words["merged into"] in link.inner_text()
    assert tab.inner_text(".state-merged") == words["merged"]
    assert tab.locator("#confirm, #reject, #edit").count() == 0
    assert_language(tab, lang)
    refused = "the server responded with a status of 422"  # the refused place, on purpose
    problems = [p for p in tab.problems if refused not in p]  # type: ignore[attr-defined]
    assert problems == [], "\n".join(problems)
