"""#19, review safety in headless Chromium: the keyboard flow of the review queue.

``r`` used to reject the incident at once, with no reason and no way back shown.
Now it moves to the reason field (a rejection needs one), Enter rejects, the
queue says what happened with an Undo, and ``u`` undoes it; the history keeps
the reason and the undo. Reports are fictional.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page
from test_ui import EN, KO, log_in, page, pytestmark, server, shots, upload  # noqa: F401 (fixtures)

REASON = "the same arrest as another report (fictional)"


def test_review_keys_ask_for_a_reason_and_offer_undo(server: str, page: Page, tmp_path: Path) -> None:  # noqa: F811
    tab = page
    files = tmp_path / "reports"
    files.mkdir()
    (files / "alpha.txt").write_text(EN, encoding="utf-8")
    (files / "beta.txt").write_text(KO, encoding="utf-8")
    log_in(tab, server)
    upload(tab, server, [files / "alpha.txt", files / "beta.txt"])

    tab.goto(server + "/review")
    first = tab.get_attribute("#current", "data-incident")
    tab.keyboard.press("r")
    # Nothing rejected yet: the key only moves to the reason, and shows which control it chose.
    assert tab.evaluate("document.activeElement.id") == "reject-reason"
    assert "pressed" in (tab.get_attribute("#reject-reason", "class") or "")
    assert tab.get_attribute("#current", "data-incident") == first and tab.locator("#done").count() == 0
    tab.keyboard.type(REASON)
    tab.keyboard.press("Enter")
    tab.wait_for_selector("#done")
    assert f"Incident #{first}: rejected." in tab.inner_text("#done")
    assert tab.get_attribute("#current", "data-incident") != first  # the queue moved on
    tab.screenshot(path=str(shots(tmp_path) / "review-undo.png"), full_page=True)

    tab.keyboard.press("u")
    tab.wait_for_selector(f"#done >> text=Undone on incident #{first}")
    tab.goto(f"{server}/incidents/{first}")
    assert tab.locator(".state-candidate").count() == 1
    history = tab.inner_text("ol.history")
    assert REASON in history and "rejected" in history and "undid: rejected" in history

    # The same flow in Korean: the hint and the feedback are translated.
    tab.click("a[hreflang=ko]")
    tab.goto(server + "/review")
    assert "이유 입력 후 Enter" in tab.inner_text("main")
    second = tab.get_attribute("#current", "data-incident")
    tab.keyboard.press("c")
    tab.wait_for_selector("#done")
    assert re.search(rf"사건 #{second}: 확인됨", tab.inner_text("#done"))
    assert tab.problems == [], "\n".join(tab.problems)  # type: ignore[attr-defined]
