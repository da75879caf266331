"""Hostile parameters get a clear 4xx in the project's error shape, never a 500, on SQLite and PostgreSQL.

PostgreSQL refuses NUL bytes in text and integers beyond bigint; SQLite
overflows at 2**63: both used to surface as internal errors. The parameters
are now bounded where they enter (``web.params``). Reports are fictional.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from refwatch.cli.app import app as cli_app
from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.web.app import create_app

HUGE = ("99999999999999999999", str(2**63), str(2**63 - 1), str(2**31), "-1")
PASSWORD = "fictional-password-1"
SECRET = pyotp.random_base32()
REPORT = (
    b"FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors "
    b"in Shenyang on March 3, 2031, a rights group said."
)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
        token = accounts.issue_token(db, "ed", "write")[1]
    finally:
        db.dispose()
    app = create_app(settings)
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as test_client:
        test_client.headers["Authorization"] = f"Bearer {token}"
        answer = test_client.post("/api/v1/documents", files=[("files", ("alpha.txt", REPORT, "text/plain"))])
        assert answer.status_code == 201, answer.text
        yield test_client


def log_in(client: TestClient) -> None:
    page = client.get("/login").text
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    form = {"username": "ed", "password": PASSWORD, "code": pyotp.TOTP(SECRET).now(), "csrf": token}
    assert client.post("/login", data=form).status_code == 303


def assert_api_refusal(client: TestClient, url: str, **kwargs: object) -> None:
    answer = client.get(url, **kwargs)  # type: ignore[arg-type]
    assert 400 <= answer.status_code < 500, f"{url}: {answer.status_code}"
    error = answer.json()["error"]
    assert error["code"] and error["message"], url
    assert "\x00" not in error["message"]


API_LISTS = ("/api/v1/documents", "/api/v1/incidents", "/api/v1/public/incidents")


@pytest.mark.parametrize("url", API_LISTS)
def test_api_lists_refuse_huge_and_negative_paging(client: TestClient, url: str) -> None:
    for value in HUGE:
        assert_api_refusal(client, url, params={"offset": value})
        assert_api_refusal(client, url, params={"limit": value})
    assert client.get(url, params={"offset": str(2**31 - 1)}).json()["items"] == []  # the largest allowed


def test_api_refuses_nul_bytes_in_text(client: TestClient) -> None:
    for params in ({"q": "Shen\x00yang"}, {"q": "\x00"}, {"outlet": "a\x00"}):
        assert_api_refusal(client, "/api/v1/documents", params=params)
    assert_api_refusal(client, "/api/v1/incidents", params={"place": "Shen\x00yang"})
    assert_api_refusal(client, "/api/v1/documents/al%00pha")
    assert_api_refusal(client, "/api/v1/documents/al%00pha/original")
    incident = client.get("/api/v1/incidents").json()["items"][0]["id"]
    edit = {"field": "place", "value": "Shen\x00yang", "reason": "fictional"}
    answer = client.post(f"/api/v1/incidents/{incident}/edit", json=edit)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_input"
    answer = client.post(f"/api/v1/incidents/{incident}/confirm", json={"reason": "\x00"})
    assert answer.status_code == 422
    # Tabs and line breaks are text, not control codes to refuse.
    assert client.get("/api/v1/documents", params={"q": "Shenyang\tpolice"}).status_code == 200


@pytest.mark.parametrize("ref", ["99999999999999999999", str(2**63), str(2**31), "%C2%B2", "%D9%A1", "0"])
def test_api_document_references_out_of_range_or_odd_digits(client: TestClient, ref: str) -> None:
    assert_api_refusal(client, f"/api/v1/documents/{ref}")
    assert_api_refusal(client, f"/api/v1/documents/{ref}/original")


def test_pages_refuse_huge_pages_nul_bytes_and_odd_digits(client: TestClient) -> None:
    for value in HUGE:
        assert 400 <= client.get("/public", params={"page": value}).status_code < 500  # anonymous
    log_in(client)
    for url in ("/documents", "/incidents", "/public"):
        for value in (*HUGE, "0"):
            answer = client.get(url, params={"page": value})
            assert 400 <= answer.status_code < 500, f"{url}?page={value}: {answer.status_code}"
            assert "<h1>4" in answer.text
    for url, params in (
        ("/documents", {"q": "Shen\x00yang"}),
        ("/documents", {"language": "\x00"}),
        ("/documents", {"outlet": "\x00"}),
        ("/incidents", {"place": "\x00"}),
    ):
        assert client.get(url, params=params).status_code == 422, (url, params)
    for ref in ("99999999999999999999", str(2**63), "%C2%B2", "al%00pha"):
        assert 400 <= client.get(f"/documents/{ref}").status_code < 500, ref
        assert 400 <= client.get(f"/documents/{ref}/original").status_code < 500, ref
    assert client.get("/documents", params={"q": "Shenyang"}).status_code == 200


@pytest.mark.parametrize(
    "args",
    [
        ["documents", "list", "--limit", "99999999999999999999"],
        ["persons", "list", "--offset", "99999999999999999999"],
        ["persons", "list", "--offset", str(2**63)],
        ["incidents", "queue", "--limit", str(2**63)],
        ["documents", "show", "99999999999999999999"],
        ["documents", "show", "²"],
    ],
)
def test_the_cli_refuses_the_same_values_without_a_traceback(cli_env: Settings, args: list[str]) -> None:
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code in (1, 2), result.output
    assert isinstance(result.exception, SystemExit | None), result.exception
