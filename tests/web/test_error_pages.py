"""#19, error pages: web users get a page in the site's layout and their language that never tells them to
run a command; API clients keep the JSON error envelope (fictional data)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient

from refwatch.config import Settings
from refwatch.services import accounts, browse
from refwatch.services.setup import open_database
from refwatch.web.app import create_app

PASSWORD = "fictional-password-1"
SECRET = pyotp.random_base32()
#: What only a command-line user can act on.
CLI_HINTS = re.compile(r"`refwatch|refwatch [a-z]+ [a-z]+|--[a-z]|make [a-z]")


@pytest.fixture
def client(sqlite_settings: Settings) -> Iterator[TestClient]:
    db = open_database(sqlite_settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
        token = accounts.issue_token(db, "ed", "read")[1]
    finally:
        db.dispose()
    app = create_app(sqlite_settings)
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as test_client:
        page = test_client.get("/login").text
        csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        form = {"username": "ed", "password": PASSWORD, "code": pyotp.TOTP(SECRET).now(), "csrf": csrf}
        assert test_client.post("/login", data=form).status_code == 303
        test_client.headers["X-Token"] = token
        yield test_client


def main_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split('<main id="main">', 1)[1].split("</main>", 1)[0])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/incidents/999999", 404),  # the service says "`refwatch incidents list` shows them"
        ("/documents/nothing-here", 404),
        ("/no/such/page", 404),
        ("/incidents?page=0", 422),
        ("/incidents?date_from=yesterday", 422),
    ],
)
def test_web_errors_are_pages_in_the_layout_without_commands(
    client: TestClient, path: str, status: int
) -> None:
    answer = client.get(path)
    assert answer.status_code == status and answer.headers["content-type"].startswith("text/html")
    assert '<nav aria-label="Main">' in answer.text and 'href="/incidents"' in answer.text  # site layout
    assert "Back to the dashboard" in answer.text
    assert not CLI_HINTS.search(main_text(answer.text)), main_text(answer.text)
    client.cookies.set("lang", "ko")
    korean = client.get(path)
    client.cookies.delete("lang")
    assert '<html lang="ko">' in korean.text and "대시보드로 돌아가기" in korean.text
    assert {404: "찾을 수 없음", 422: "입력한 내용을 확인하세요"}[status] in korean.text


def test_a_server_error_is_a_page_that_shows_nothing_internal(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("SELECT name FROM persons -- internal detail")

    monkeypatch.setattr(browse, "incident_detail", broken)
    answer = client.get("/incidents/1")
    assert answer.status_code == 500 and "Something went wrong" in answer.text
    assert '<nav aria-label="Main">' in answer.text and "internal detail" not in answer.text
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")  # like every page
    api = client.get("/api/v1/incidents/1", headers={"Authorization": f"Bearer {client.headers['X-Token']}"})
    assert api.status_code == 500
    assert api.json() == {"error": {"code": "internal_error", "message": "internal server error"}}


def test_api_clients_keep_the_json_envelope(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {client.headers['X-Token']}"}
    missing = client.get("/api/v1/incidents/999999", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    invalid = client.get("/api/v1/incidents?limit=0", headers=auth)
    assert invalid.status_code == 422 and invalid.json()["error"]["code"] == "invalid_input"
    assert client.get("/api/v1/nothing", headers=auth).json()["error"]["code"] == "not_found"


def test_web_detail_drops_only_what_speaks_to_the_command_line() -> None:
    from refwatch.web.errors import web_detail  # new in #19

    assert web_detail("no incident 7; `refwatch incidents list` shows them") == "no incident 7"
    assert web_detail("a rejection needs a reason (--reason)") == "a rejection needs a reason"
    assert web_detail("--min-cell must be 1 or more") == ""
    assert web_detail("date_from: write the date as YYYY-MM-DD, not 'x'") == (
        "date_from: write the date as YYYY-MM-DD, not 'x'"
    )
