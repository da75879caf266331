"""The web UI in headless Chromium (Debian's, through Playwright): the main workflow end to end.

A real server (uvicorn, in a thread) on a fresh SQLite database; reports are
fictional. Screenshots of each main page go to ``$REFWATCH_SCREENSHOTS`` when
set (that is how ``docs/screenshots/`` is made), else to the test's folder.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pyotp
import pytest
import uvicorn
from babel.messages.pofile import read_po
from playwright.sync_api import Dialog, Page, sync_playwright  # noqa: E402

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.web import vendor
from refwatch.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from test_korean import english_labels  # noqa: E402 (the Korean page check's list of English words)

PO = Path(__file__).resolve().parents[2] / "src/refwatch/web/locale/ko/LC_MESSAGES/messages.po"

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


def log_in(tab: Page, server: str, *, screenshot: Path | None = None) -> None:
    """Log in as the editor with password and TOTP code (the dashboard sends us to the login page first)."""
    tab.goto(server + "/")
    assert "/login" in tab.url
    if screenshot is not None:
        tab.screenshot(path=str(screenshot))
    tab.fill("#username", "ed")
    tab.fill("#password", PASSWORD)
    tab.fill("#code", pyotp.TOTP(SECRET).now())
    tab.click("button[type=submit]")
    tab.wait_for_url(server + "/")


#: What the main workflow reads and clicks, per interface language (Korean: the .po file's words).
WORDS = {
    "en": {
        "upload": "Upload",
        "uploaded": "See the new incidents",
        "claims": "What each source says",
        "empty queue": "Nothing to review.",
        "documents": "Documents",
        "Shenyang": "Shenyang",
        "confirmed": "confirmed",
    },
    "ko": {
        "upload": "올리기",
        "uploaded": "새 사건 보기",
        "claims": "출처별 내용",
        "empty queue": "검토할 사건이 없습니다.",
        "documents": "문서",
        "Shenyang": "선양",
        "confirmed": "확인됨",
    },
}


def upload(tab: Page, server: str, files: list[Path], lang: str = "en") -> None:
    """Upload reports through the form on the documents page and wait for the results."""
    tab.goto(server + "/documents")
    tab.set_input_files("#files", [str(f) for f in files])
    tab.click(f"text={WORDS[lang]['upload']}")
    tab.wait_for_selector(f"text={WORDS[lang]['uploaded']}")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_main_workflow(server: str, page: Page, tmp_path: Path, lang: str) -> None:
    """Upload, evidence, confirm, the review queue's key, Korean search and the charts, in either language:
    in Korean every step reads Korean (its words, and none of the English labels) (#19)."""
    tab = page
    words = WORDS[lang]
    # The English run makes the screenshots in docs/screenshots; the Korean one keeps its own.
    out = shots(tmp_path) if lang == "en" else tmp_path
    files = tmp_path / "reports"
    files.mkdir()
    (files / "alpha.txt").write_text(EN, encoding="utf-8")
    (files / "beta.txt").write_text(KO, encoding="utf-8")

    if lang != "en":  # chosen before logging in: the whole flow in that language
        tab.goto(f"{server}/lang/{lang}?next=/login")
        assert tab.get_attribute("html", "lang") == lang
    log_in(tab, server, screenshot=out / "login.png")
    assert_language(tab, lang)

    # Upload two reports.
    upload(tab, server, [files / "alpha.txt", files / "beta.txt"], lang)
    assert_language(tab, lang)

    # See the incident, with its evidence, and confirm it.
    tab.goto(server + "/documents/alpha")
    assert_language(tab, lang)
    tab.screenshot(path=str(out / "document.png"), full_page=True)
    tab.click("a.evidence >> nth=0")
    tab.wait_for_selector(f"text={words['claims']}")
    assert words["Shenyang"] in tab.inner_text("main")
    assert_language(tab, lang)
    tab.screenshot(path=str(out / "incident.png"), full_page=True)
    tab.click("#confirm")
    tab.wait_for_selector(".state-confirmed")
    assert tab.inner_text(".state-confirmed") == words["confirmed"]

    # The review queue: the keyboard shortcut confirms the next candidate.
    tab.goto(server + "/review")
    tab.wait_for_selector("#current")
    assert_language(tab, lang)
    tab.screenshot(path=str(out / "review.png"), full_page=True)
    tab.keyboard.press("c")
    tab.wait_for_selector(f"text={words['empty queue']}")

    # Search in Korean.
    tab.goto(server + "/documents")
    tab.fill("#q", "탈북민")
    tab.press("#q", "Enter")
    tab.wait_for_selector('a[href="/documents/beta"]')
    assert tab.locator('a[href="/documents/alpha"]').count() == 0
    assert_language(tab, lang)
    tab.screenshot(path=str(out / "documents.png"), full_page=True)

    # The charts and the map render (the libraries come from our own server).
    tab.goto(server + "/")
    if vendor.ready():
        tab.wait_for_selector("#timeline[data-rendered=true] svg", timeout=15000)
        tab.wait_for_selector("#map[data-rendered=true] svg path", timeout=15000)
    assert_language(tab, lang)  # the drawn charts too: axes, legend
    if lang == "en":
        tab.screenshot(path=str(out / "dashboard.png"), full_page=True)
        # Switch the interface to Korean.
        tab.click("a[hreflang=ko]")
    tab.wait_for_selector(f"nav >> text={WORDS['ko']['documents']}")
    assert tab.get_attribute("html", "lang") == "ko"
    if vendor.ready():  # the axes speak Korean too: d3's Korean month names, not "Mar 2031"
        tab.wait_for_selector("#timeline[data-rendered=true] svg", timeout=15000)
        axes = tab.eval_on_selector("#timeline svg", "e => e.textContent")
        assert "3월" in axes and "Mar" not in axes, axes
    tab.screenshot(path=str(out / "dashboard-ko.png"), full_page=True)
    # Korean chips and labels do not break inside a word.
    tab.goto(server + "/incidents")
    chip = tab.eval_on_selector(".chip", "e => getComputedStyle(e).wordBreak")
    assert chip == "keep-all"

    assert tab.problems == [], "\n".join(tab.problems)  # type: ignore[attr-defined]
    if not vendor.ready():
        pytest.fail("chart libraries are not installed (make web-assets): charts were not checked")


def assert_language(tab: Page, lang: str) -> None:
    """The page is in ``lang``; in Korean its nav reads Korean and no English label shows."""
    assert tab.get_attribute("html", "lang") == lang
    assert tab.locator(f"nav >> text={WORDS[lang]['documents']}").count() == 1
    if lang == "ko":
        # What the browser shows (charts drawn by script included), less what users and sources wrote
        # and the language switch's own names: no vocabulary code or place left in English, and no
        # piece of text that is an English message the Korean catalogue translates.
        shown = tab.evaluate(VISIBLE_UI_TEXT)
        text = "\n".join(shown)
        left = {w for w in english_labels() if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)}
        left |= set(shown) & translated_messages()
        assert sorted(left) == [], f"English left in the Korean page {tab.url}: {sorted(left)}"


@cache
def translated_messages() -> frozenset[str]:
    """The English messages the Korean catalogue translates (whole strings, without placeholders)."""
    with PO.open("rb") as po:
        catalog = read_po(po)
    return frozenset(
        m.id
        for m in catalog
        if isinstance(m.id, str) and m.id and m.string and m.string != m.id and "%(" not in m.id
    )


#: The page's visible text, without what users or sources wrote (quotes, evidence, document text,
#: people's names), code samples, or parts marked as another language.
VISIBLE_UI_TEXT = """() => {
  const skip = '[lang]:not([lang="ko"]), script, style, code, pre, q, blockquote, mark, .evidence, '
    + '.doc-text, .snippet, .langs, option:not(:checked), [hidden], details:not([open]) > :not(summary)';
  const texts = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const text = node.textContent.trim();
    if (text && !node.parentElement.closest(skip)) texts.push(text);
  }
  return texts;
}"""


#: A fictional HTML report with the usual ways to run script: elements, event handlers, a
#: ``javascript:`` link, a ``srcdoc`` frame, a style block, and markup quoted as text (entities),
#: which text extraction turns into a literal "<script>…" that the pages must show escaped.
HOSTILE_HTML = """<!doctype html>
<html><head><title>FICTIONAL &lt;img src=x onerror="window.__pwned=7"&gt; report</title>
<style>body { display: none }</style>
<script>window.__pwned = 1</script></head>
<body><article>
<p onclick="window.__pwned=8">FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North
Korean defectors in Shenyang on March 3, 2031, a rights group said.</p>
<img src=x onerror="window.__pwned=2">
<p>Read <a href="javascript:window.__pwned=3">the statement</a> of the group.</p>
<svg onload="window.__pwned=4"><circle r="1"/></svg>
<iframe srcdoc="<script>parent.__pwned=5</script>"></iframe>
<p>The group quoted this markup: &lt;script&gt;window.__pwned=6&lt;/script&gt;.</p>
</article></body></html>
"""
QUOTED_SCRIPT = "<script>window.__pwned=6</script>"
QUOTED_TITLE = '<img src=x onerror="window.__pwned=7">'

#: What in the page's DOM could run script or hide text; all empty when the report's markup was escaped.
DOM_CHECK = """() => ({
  handlers: [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes]
    .filter((a) => a.name.toLowerCase().startsWith("on")).map((a) => `${el.tagName} ${a.name}`)),
  scripts: [...document.scripts].filter((s) => s.text.includes("__pwned")).length,
  scriptLinks: [...document.querySelectorAll("[href], [src]")]
    .filter((el) => /^\\s*javascript:/i.test(el.getAttribute("href") || el.getAttribute("src"))).length,
  frames: document.querySelectorAll("iframe, frame, object, embed").length,
  styles: document.querySelectorAll("style").length,
})"""
INERT = {"handlers": [], "scripts": 0, "scriptLinks": 0, "frames": 0, "styles": 0}

#: Records Content-Security-Policy violations. The CSP is a second line only: a violation means
#: hostile markup reached the DOM unescaped, so the test wants none, not "blocked".
CSP_WATCH = """document.addEventListener("securitypolicyviolation", (e) =>
  (window.__violations = window.__violations || []).push(`${e.violatedDirective} ${e.blockedURI}`));"""


def assert_inert(tab: Page, where: str) -> None:
    """Nothing of the report's markup ran, exists as markup, or was blocked by the CSP on this page."""
    assert tab.evaluate("window.__pwned") is None, f"script ran on the {where} page"
    assert tab.evaluate(DOM_CHECK) == INERT, f"live markup on the {where} page"
    assert tab.evaluate("window.__violations || []") == [], f"CSP violation on the {where} page"


def test_script_in_an_html_report_never_runs(server: str, page: Page, tmp_path: Path) -> None:
    tab = page
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", dismiss)
    tab.add_init_script(CSP_WATCH)
    report = tmp_path / "hostile-report.html"
    report.write_text(HOSTILE_HTML, encoding="utf-8")

    log_in(tab, server)
    upload(tab, server, [report])
    assert_inert(tab, "upload results")

    # The document: its text shown, quoted markup as visible text, the old link now plain text.
    tab.click('a[href="/documents/hostile-report"]')
    tab.wait_for_url(server + "/documents/hostile-report")
    shown = tab.inner_text("main")
    assert "Chinese police arrested 12 North Korean defectors in Shenyang" in shown
    assert QUOTED_SCRIPT in shown and QUOTED_TITLE in shown
    for link in tab.get_by_role("link", name="the statement").all():
        link.click()
    assert_inert(tab, "document")

    # The original is a download, never rendered: an attachment of no particular type.
    with tab.expect_download() as download:
        tab.click('a[href="/documents/hostile-report/original"]')
    assert download.value.suggested_filename == "hostile-report.html"
    original = tab.request.get(server + "/documents/hostile-report/original")
    assert original.ok and original.body() == report.read_bytes()
    assert original.headers["content-type"] == "application/octet-stream"
    assert original.headers["content-disposition"].startswith("attachment;")
    assert original.headers["x-content-type-options"] == "nosniff"

    # The incident drawn from the report (its sources show the title), and the documents list.
    tab.click("a.evidence >> nth=0")
    tab.wait_for_selector("text=What each source says")
    shown = tab.inner_text("main")
    assert "Shenyang" in shown and QUOTED_TITLE in shown
    assert_inert(tab, "incident")
    tab.goto(server + "/documents")
    assert QUOTED_TITLE in tab.inner_text("main")
    assert_inert(tab, "documents")

    assert dialogs == []
    assert tab.problems == [], "\n".join(tab.problems)  # type: ignore[attr-defined]


@pytest.mark.skipif(not vendor.ready(), reason="!!! web assets missing: run `make web-assets` !!!")
def test_api_docs_render_from_our_own_origin(server: str, page: Page, tmp_path: Path) -> None:
    """#19: the docs page was blank (Swagger UI from a CDN, which our CSP blocks); now it lists operations."""
    page.goto(server + "/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/incidents" in paths and "/api/v1/documents" in paths
    page.screenshot(path=str(shots(tmp_path) / "api-docs.png"))
    assert page.problems == []  # type: ignore[attr-defined]  # nothing refused by the CSP
