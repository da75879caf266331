"""#19, "letter for the ticked incidents" in headless Chromium, English and Korean.

The incident list's checkboxes served bulk confirm and reject only: a letter
about some of the listed incidents meant copying their numbers by hand into the
letters page. Now the same form has a button that opens the letter form with the
ticked incidents filled in, ready to preview. Reports are fictional.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from test_ui import EN, KO, log_in, page, pytestmark, server, shots, upload  # noqa: F401 (fixtures)


def test_the_ticked_incidents_become_a_letter(server: str, page: Page, tmp_path: Path) -> None:  # noqa: F811
    tab = page
    files = tmp_path / "reports"
    files.mkdir()
    (files / "alpha.txt").write_text(EN, encoding="utf-8")
    (files / "beta.txt").write_text(KO, encoding="utf-8")
    log_in(tab, server)
    upload(tab, server, [files / "alpha.txt", files / "beta.txt"])

    tab.goto(server + "/incidents?sort=id")
    boxes = tab.locator("input[name=ids]")
    assert boxes.count() >= 2
    ids = [boxes.nth(i).get_attribute("value") for i in range(2)]
    boxes.nth(0).check()
    boxes.nth(1).check()
    tab.click("#bulk-letter")
    tab.wait_for_url("**/letters?incidents=*")
    assert tab.input_value("#lt-incidents") == f"{ids[0]},{ids[1]}"
    tab.fill("#lt-author", "FICTIONAL NGO")
    tab.click("#letter-preview")
    tab.wait_for_selector("#letter")
    assert "FICTIONAL NGO" in tab.inner_text("#letter")
    tab.screenshot(path=str(shots(tmp_path) / "letter-for-selected.png"), full_page=True)

    # In Korean, the button is translated; one ticked incident is enough.
    tab.goto(f"{server}/lang/ko?next=/incidents%3Fsort%3Did")
    assert tab.inner_text("#bulk-letter") == "선택한 사건으로 서한 작성"
    tab.locator("input[name=ids]").nth(1).check()
    tab.click("#bulk-letter")
    tab.wait_for_url("**/letters?incidents=*")
    assert tab.input_value("#lt-incidents") == ids[1]
    # Nothing ticked: the list says why instead of opening an empty letter.
    tab.goto(server + "/incidents")
    tab.click("#bulk-letter")
    tab.wait_for_load_state()
    assert "/letters?" not in tab.url
    assert tab.problems == [p for p in tab.problems if "status of 422" in p]  # type: ignore[attr-defined]
