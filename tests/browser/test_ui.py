"""The web UI in headless Chromium (Debian's, through Playwright): the main workflow end to end.

A real server (uvicorn, in a thread) on a fresh SQLite database; reports are
fictional. Screenshots of each main page go to ``$REFWATCH_SCREENSHOTS`` when
set (that is how ``docs/screenshots/`` is made), else to the test's folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import uvicorn
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.web import vendor
from refwatch.web.app import create_app

EN = (
    "FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors "
    "in Shenyang on March 3, 2031, a rights group said. They face forced repatriation."
)
KO = "가상 보도. 2031년 4월 2일 - 중국 공안이 지난 1일 옌지에서 탈북민 7명을 체포했다고 소식통이 전했다."
PASSWORD = "fictional-password-1"
SECRET = pyotp.random_base32()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="!!! no Chromium: run scripts/ensure-chromium.sh !!!"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(sqlite_settings: Settings) -> Iterator[str]:
    db = open_database(sqlite_settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
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
def page(server: str) -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        tab = context.new_page()
        problems: list[str] = []
        tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda e: problems.append(str(e)))
        tab.problems = problems  # type: ignore[attr-defined]
        yield tab
        browser.close()


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("REFWATCH_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_main_workflow(server: str, page: Page, tmp_path: Path) -> None:
    tab = page
    out = shots(tmp_path)
    files = tmp_path / "reports"
    files.mkdir()
    (files / "alpha.txt").write_text(EN, encoding="utf-8")
    (files / "beta.txt").write_text(KO, encoding="utf-8")

    # Log in (the dashboard sends us to the login page first).
    tab.goto(server + "/")
    assert "/login" in tab.url
    tab.screenshot(path=str(out / "login.png"))
    tab.fill("#username", "ed")
    tab.fill("#password", PASSWORD)
    tab.fill("#code", pyotp.TOTP(SECRET).now())
    tab.click("button[type=submit]")
    tab.wait_for_url(server + "/")

    # Upload two reports.
    tab.goto(server + "/documents")
    tab.set_input_files("#files", [str(files / "alpha.txt"), str(files / "beta.txt")])
    tab.click("text=Upload")
    tab.wait_for_selector("text=See the new incidents")

    # See the incident, with its evidence, and confirm it.
    tab.goto(server + "/documents/alpha")
    tab.screenshot(path=str(out / "document.png"), full_page=True)
    tab.click("a.evidence >> nth=0")
    tab.wait_for_selector("text=What each source says")
    assert "Shenyang" in tab.content()
    tab.screenshot(path=str(out / "incident.png"), full_page=True)
    tab.click("#confirm")
    tab.wait_for_selector(".state-confirmed")

    # The review queue: the keyboard shortcut confirms the next candidate.
    tab.goto(server + "/review")
    tab.wait_for_selector("#current")
    tab.screenshot(path=str(out / "review.png"), full_page=True)
    tab.keyboard.press("c")
    tab.wait_for_selector("text=Nothing to review.")

    # Search in Korean.
    tab.goto(server + "/documents")
    tab.fill("#q", "탈북민")
    tab.press("#q", "Enter")
    tab.wait_for_selector('a[href="/documents/beta"]')
    assert tab.locator('a[href="/documents/alpha"]').count() == 0
    tab.screenshot(path=str(out / "documents.png"), full_page=True)

    # The charts and the map render (the libraries come from our own server).
    tab.goto(server + "/")
    if vendor.ready():
        tab.wait_for_selector("#timeline[data-rendered=true] svg", timeout=15000)
        tab.wait_for_selector("#map[data-rendered=true] svg path", timeout=15000)
    tab.screenshot(path=str(out / "dashboard.png"), full_page=True)

    # Switch the interface to Korean.
    tab.click("a[hreflang=ko]")
    tab.wait_for_selector("nav >> text=문서")
    assert tab.get_attribute("html", "lang") == "ko"
    tab.screenshot(path=str(out / "dashboard-ko.png"), full_page=True)

    assert tab.problems == [], "\n".join(tab.problems)  # type: ignore[attr-defined]
    if not vendor.ready():
        pytest.fail("chart libraries are not installed (make web-assets): charts were not checked")
