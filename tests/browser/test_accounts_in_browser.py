"""Account management in headless Chromium (#19 "every command in the UI"), in English and Korean.

An admin opens Accounts from the menu, deactivates and reactivates a viewer
(with a reason), is refused demoting themself as the last admin, resets an
editor's two-factor login (who must then set it up again at login) and revokes
a token; the same in Korean. axe-core checks both pages when ``make
web-assets`` has installed it. Fictional accounts; screenshots as in test_ui.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from test_ui import CHROMIUM, free_port, pytestmark, shots  # noqa: F401

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.web.app import create_app
from refwatch.web.vendor import FRONTEND

PASSWORD = "fictional-password-5"
SECRET = pyotp.random_base32()
AXE = FRONTEND / "node_modules/axe-core/axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id + ": " + v.help)"""


@pytest.fixture
def server(sqlite_settings: Settings) -> Iterator[str]:
    db = open_database(sqlite_settings)
    try:
        for name, role in (("boss", "admin"), ("ed", "editor"), ("reader", "viewer")):
            accounts.add_user(db, name, PASSWORD, role)
            if role != "viewer":
                accounts.enable_totp(db, name, SECRET, pyotp.TOTP(SECRET).now())
        accounts.issue_token(db, "reader", "read")
    finally:
        db.dispose()
    port = free_port()
    config = uvicorn.Config(create_app(sqlite_settings), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(server: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


def new_tab(browser: Browser) -> Page:
    """A page in a context of its own (its own cookies: its own login), with axe when installed."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=AXE.is_file()
    )
    if AXE.is_file():  # the pages' CSP allows only their own scripts; axe is the test's
        context.add_init_script(path=str(AXE))
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.problems = problems  # type: ignore[attr-defined]
    return tab


def log_in(tab: Page, server: str, name: str, *, code: bool = True) -> None:
    tab.goto(server + "/login")
    tab.fill("#username", name)
    tab.fill("#password", PASSWORD)
    if code:
        tab.fill("#code", pyotp.TOTP(SECRET).now())
    tab.click("button[type=submit]")


def row(tab: Page, name: str) -> list[str]:
    return [c.strip() for c in tab.locator(f'tr[data-username="{name}"] td').all_inner_texts()]


def severe(tab: Page) -> list[str]:
    return list(tab.evaluate(AXE_RUN)) if AXE.is_file() else []


def test_an_admin_manages_accounts_in_english_and_korean(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    out = shots(tmp_path)
    tab = new_tab(browser)
    log_in(tab, server, "boss")
    tab.wait_for_url(server + "/")
    tab.click("nav >> text=Accounts")
    tab.wait_for_selector("#accounts")
    assert row(tab, "reader")[1:] == ["viewer", "–", "off", "yes", "never", "1"]
    assert severe(tab) == []
    tab.screenshot(path=str(out / "accounts.png"), full_page=True)

    # Deactivate the viewer: the reason is required (the browser will not send the form without one).
    tab.click("a:text-is('reader')")
    tab.click("#deactivate")
    assert tab.locator("#deactivate-reason:invalid").count() == 1
    tab.fill("#deactivate-reason", "laptop stolen (fictional)")
    tab.click("#deactivate")
    tab.wait_for_selector("#done")
    assert "cannot log in" in tab.inner_text("#done")
    assert tab.inner_text("#account-active") == "no (deactivated)"
    assert severe(tab) == []
    tab.screenshot(path=str(out / "account.png"), full_page=True)
    reader_page = tab.url.split("?")[0]

    # The deactivated viewer cannot log in (in a browser of their own); reactivated, they can.
    reader = new_tab(browser)
    log_in(reader, server, "reader", code=False)
    reader.wait_for_url(re.compile(r".*/login\?failed=1.*"))
    tab.click("#reactivate")
    tab.wait_for_selector("#done")
    assert tab.inner_text("#account-active") == "yes"
    log_in(reader, server, "reader", code=False)
    reader.wait_for_url(server + "/")

    # The last admin cannot demote themself: the page says why and nothing changes.
    tab.goto(server + "/admin/users")
    tab.click("a:text-is('boss')")
    tab.select_option("#role", "viewer")
    tab.click("#change-role")
    tab.wait_for_selector("#problem")
    assert "last active admin" in tab.inner_text("#problem")
    assert tab.inner_text("#account-role") == "admin"

    # Revoke the viewer's token, with a reason.
    tab.goto(reader_page)
    token = tab.locator("#tokens tbody tr").first
    token.locator("input[name=reason]").fill("no longer needed (fictional)")
    token.locator("button").click()
    tab.wait_for_selector("#done")
    assert "revoked" in tab.inner_text("#done")
    assert tab.locator("#tokens button").count() == 0

    # Korean: reset the editor's second factor.
    tab.goto(f"{server}/lang/ko?next=/admin/users")
    tab.wait_for_selector("#accounts")
    assert tab.inner_text("h1") == "계정"
    assert row(tab, "reader")[1] == "열람자" and row(tab, "reader")[3:5] == ["사용 안 함", "예"]
    assert "마지막 로그인" in tab.inner_text("#accounts thead")
    assert severe(tab) == []
    tab.screenshot(path=str(out / "accounts-ko.png"), full_page=True)
    tab.click("a:text-is('ed')")
    tab.fill("#reset-reason", "휴대전화 분실 (가상)")
    tab.click("#reset-2fa")
    tab.wait_for_selector("#done")
    assert tab.inner_text("#done") == "2단계 로그인을 초기화했습니다: 다음 로그인 때 새로 설정합니다."
    assert tab.inner_text("#account-2fa") == "사용 안 함"
    assert severe(tab) == []

    # The editor logs in with the password alone and is sent to set up two-factor login again.
    editor = new_tab(browser)
    log_in(editor, server, "ed", code=False)
    editor.wait_for_url(re.compile(r".*/account/2fa$"))
    assert tab.problems == [] and reader.problems == [] and editor.problems == []  # type: ignore[attr-defined]
