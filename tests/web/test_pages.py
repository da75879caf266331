"""The server-rendered pages through TestClient: login, CSRF, upload, review, search, language.

Reports are fictional (pseudonymous people, invented events in 2031).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from test_api import EN, KO  # the same two fictional reports as the API tests

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.web.app import create_app

PASSWORD = "fictional-password-1"
SECRET = pyotp.random_base32()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
        accounts.add_user(db, "vi", PASSWORD, "viewer")
        accounts.add_user(db, "new", PASSWORD, "editor")  # no second factor yet
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


def csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(client: TestClient, username: str = "ed") -> None:
    token = csrf(client, "/login")
    form = {"username": username, "password": PASSWORD, "csrf": token}
    if username == "ed":
        form["code"] = pyotp.TOTP(SECRET).now()
    answer = client.post("/login", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def upload(client: TestClient) -> None:
    files = [("files", ("alpha.txt", EN, "text/plain")), ("files", ("beta.txt", KO, "text/plain"))]
    answer = client.post("/documents", files=files, data={"csrf": csrf(client, "/documents")})
    assert answer.status_code == 200, answer.text
    assert "alpha" in answer.text and "beta" in answer.text


def test_pages_need_a_login(client: TestClient) -> None:
    answer = client.get("/incidents?review_state=candidate")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=/incidents")


def test_wrong_password_and_missing_csrf(client: TestClient) -> None:
    token = csrf(client, "/login")
    wrong = client.post("/login", data={"username": "vi", "password": "not it at all", "csrf": token})
    assert wrong.status_code == 303 and "failed=1" in wrong.headers["location"]
    forged = client.post("/login", data={"username": "vi", "password": PASSWORD, "csrf": "forged"})
    assert forged.status_code == 403
    assert client.get("/").status_code == 303  # still logged out


def test_login_does_not_redirect_off_site(client: TestClient) -> None:
    token = csrf(client, "/login")
    answer = client.post(
        "/login", data={"username": "vi", "password": PASSWORD, "csrf": token, "next": "//evil.example/x"}
    )
    assert answer.headers["location"] == "/"


def test_upload_review_and_history_through_the_pages(client: TestClient) -> None:
    log_in(client)
    upload(client)
    listing = client.get("/incidents?review_state=candidate")
    assert listing.status_code == 200
    ids = re.findall(r'href="/incidents/(\d+)"', listing.text)
    assert ids
    # Counts per facet: review state, status, event type and place, each a link that adds the filter.
    facets = listing.text.split('<dl class="facets">')[1].split("</dl>")[0]
    assert "event_type=arrest" in facets and "place=Shenyang" in facets and "status=" in facets
    document = client.get("/documents/alpha")
    assert "<mark>" in document.text and "SHA-256" in document.text
    incident_id = re.search(r'class="evidence" href="/incidents/(\d+)"', document.text).group(1)  # type: ignore[union-attr]
    page = client.get(f"/incidents/{incident_id}")
    assert "Shenyang" in page.text and "What each source says" in page.text
    token = csrf(client, f"/incidents/{incident_id}")
    confirmed = client.post(f"/incidents/{incident_id}/confirm", data={"csrf": token, "reason": "checked"})
    assert confirmed.status_code == 303
    after = client.get(f"/incidents/{incident_id}").text
    assert "state-confirmed" in after and "checked" in after
    without_token = client.post(f"/incidents/{incident_id}/reject", data={"csrf": ""})
    assert without_token.status_code == 403
    original = client.get("/documents/alpha/original")
    assert original.content == EN


def test_review_queue_and_dashboard(client: TestClient) -> None:
    log_in(client)
    # Nothing dated yet: a sentence, not an empty time axis (it read "0.000000").
    empty = client.get("/").text
    assert 'id="timeline-empty"' in empty and 'id="timeline-spec"' not in empty
    upload(client)
    queue = client.get("/review")
    assert queue.status_code == 200 and 'id="current"' in queue.text and 'id="confirm"' in queue.text
    dashboard = client.get("/")
    assert 'id="timeline-spec"' in dashboard.text
    assert re.search(r'id="fig-incidents">\d+<', dashboard.text)


def test_viewer_cannot_change_anything(client: TestClient) -> None:
    log_in(client, "vi")
    assert "Add reports" not in client.get("/documents").text
    token = csrf(client, "/documents")
    answer = client.post("/incidents/1/confirm", data={"csrf": token})
    assert answer.status_code == 403


def test_korean_search_and_language_switch(client: TestClient) -> None:
    log_in(client)
    upload(client)
    found = client.get("/documents", params={"q": "탈북민"})
    assert 'href="/documents/beta"' in found.text and 'href="/documents/alpha"' not in found.text
    switched = client.get("/lang/ko", params={"next": "/documents"})
    assert switched.status_code == 303 and switched.headers["location"] == "/documents"
    korean = client.get("/documents")
    assert '<html lang="ko">' in korean.text and "문서" in korean.text and "검색" in korean.text
    browser_default = TestClient(client.app).get("/login", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert "로그인" in browser_default.text


def test_pages_send_security_headers_and_no_inline_script(client: TestClient) -> None:
    log_in(client)
    answer = client.get("/")
    assert "unsafe-inline" not in answer.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", answer.text)
    assert all('type="application/json"' in attrs for attrs in scripts)
    cookie = client.cookies.get("refwatch_session")
    assert cookie


def test_claim_values_read_as_text() -> None:
    from refwatch.web.pages import readable

    assert readable({"count": 12, "women": None, "qualifier": "at_least", "text": "12 people"}) == (
        "count: 12, qualifier: at least"
    )
    assert readable([{"state": "CN", "agency": "police"}]) == "state: CN, agency: police"
    assert readable(None) == "" and readable(["arrest", "detention"]) == "arrest; detention"


def test_editor_needs_the_code(client: TestClient) -> None:
    token = csrf(client, "/login")
    no_code = client.post("/login", data={"username": "ed", "password": PASSWORD, "csrf": token})
    assert "failed=1" in no_code.headers["location"]
    wrong = client.post(
        "/login", data={"username": "ed", "password": PASSWORD, "csrf": token, "code": "000000"}
    )
    assert "failed=1" in wrong.headers["location"]
    assert client.get("/").status_code == 303


def test_first_login_of_an_editor_sets_up_two_factor(client: TestClient) -> None:
    token = csrf(client, "/login")
    answer = client.post("/login", data={"username": "new", "password": PASSWORD, "csrf": token})
    assert answer.headers["location"] == "/account/2fa"
    assert client.get("/incidents").headers["location"] == "/account/2fa"  # nothing else until done
    page = client.get("/account/2fa").text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    token = csrf(client, "/account/2fa")
    bad = client.post("/account/2fa", data={"csrf": token, "password": PASSWORD, "code": "123456"})
    assert "failed=1" in bad.headers["location"]
    good = client.post(
        "/account/2fa", data={"csrf": token, "password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    )
    assert good.headers["location"] == "/"
    assert client.get("/incidents").status_code == 200


def test_repeated_failures_back_off_with_the_same_message(client: TestClient) -> None:
    token = csrf(client, "/login")
    for _ in range(5):
        client.post("/login", data={"username": "vi", "password": "wrong password!!", "csrf": token})
    blocked = client.post("/login", data={"username": "vi", "password": PASSWORD, "csrf": token})
    assert "failed=1" in blocked.headers["location"]
    page = client.get(blocked.headers["location"]).text
    assert "wrong username, password or code" in page  # what an unknown name gets: no tell
    assert "too many" not in page


def test_document_page_shows_its_reference_date_and_where_it_came_from(client: TestClient) -> None:
    log_in(client)
    text = b"Fictional Daily\nPublished: May 3, 2021\nPolice detained 4 people near a border town."
    files = [("files", ("gamma.txt", text, "text/plain"))]
    answer = client.post("/documents", files=files, data={"csrf": csrf(client, "/documents")})
    assert answer.status_code == 200, answer.text
    page = client.get("/documents/gamma").text
    reference = page.split("Reference date</dt><dd>")[1].split("</dd>")[0]
    assert "2021-05-03" in reference and "stamp" in reference and "Published: May 3, 2021" in reference
