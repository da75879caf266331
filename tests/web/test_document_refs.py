"""One rule names a document everywhere: ASCII digits are its id, anything else its key.

An uploaded ``1.txt`` gets the key ``1``, and ``/api/v1/documents/1`` used to
serve it instead of document id 1 (the lookup tried the key first). Digits are
now never tried as a key; a key of digits alone is read through the routes
that take only keys (``/documents/by-key/{key}``) or ``--key``. Reports are fictional.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from refwatch.cli.app import app as cli_app
from refwatch.config import Settings
from refwatch.domain.documents import parse_document_ref
from refwatch.errors import InvalidInput, NotFound
from refwatch.services import accounts
from refwatch.services.documents import original_bytes, show_document
from refwatch.services.setup import open_database
from refwatch.storage.database import Database
from refwatch.storage.tables import Document, DocumentBlob
from refwatch.web.app import create_app
from refwatch.web.pages import document_url

FIRST = b"FICTIONAL REPORT. Chinese police arrested 12 North Korean defectors in Shenyang on March 3, 2031."
SHADOW = b"FICTIONAL REPORT. A different file, uploaded as 1.txt, about Dandong on May 2, 2031."
PASSWORD = "fictional-password-1"
SECRET = pyotp.random_base32()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
        token = accounts.issue_token(db, "ed", "write")[1]
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        test_client.headers["Authorization"] = f"Bearer {token}"
        yield test_client


def upload(client: TestClient, name: str, data: bytes) -> str:
    answer = client.post("/api/v1/documents", files=[("files", (name, data, "text/plain"))])
    assert answer.status_code == 201, answer.text
    stored: list[str] = answer.json()["stored"]
    return stored[0]


def test_an_uploaded_1_txt_does_not_shadow_document_1(client: TestClient) -> None:
    assert upload(client, "first.txt", FIRST) == "first"
    first_id = client.get("/api/v1/documents/first").json()["id"]
    shadow_key = upload(client, f"{first_id}.txt", SHADOW)

    by_id = client.get(f"/api/v1/documents/{first_id}").json()
    assert by_id["key"] == "first" and by_id["text"].startswith("FICTIONAL REPORT. Chinese police")
    assert client.get(f"/api/v1/documents/{first_id}/original").content == FIRST
    assert shadow_key == str(first_id)  # the file's stem, as for every other file
    shadow = client.get(f"/api/v1/documents/by-key/{first_id}").json()
    assert shadow["filename"] == f"{first_id}.txt" and shadow["id"] != first_id
    assert client.get(f"/api/v1/documents/by-key/{first_id}/original").content == SHADOW
    assert client.get("/api/v1/documents/by-key/first").json()["id"] == first_id
    missing = client.get("/api/v1/documents/by-key/no-such-key")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"

    page = client.get("/login").text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    form = {"username": "ed", "password": PASSWORD, "code": pyotp.TOTP(SECRET).now(), "csrf": csrf}
    assert client.post("/login", data=form).status_code == 303
    html = client.get(f"/documents/{first_id}").text
    assert "Chinese police" in html and "Dandong" not in html
    assert client.get(f"/documents/{first_id}/original").content == FIRST
    assert "Dandong" in client.get(f"/documents/by-key/{first_id}").text
    assert client.get(f"/documents/by-key/{first_id}/original").content == SHADOW
    # Links on the pages: a key of digits goes through by-key, any other key as before.
    listing = client.get("/documents").text
    assert f'href="/documents/by-key/{first_id}"' in listing and 'href="/documents/first"' in listing
    assert f'href="/documents/by-key/{first_id}/original"' in client.get(f"/documents/by-key/{first_id}").text


def test_digits_are_never_tried_as_a_key(db: Database) -> None:
    # A database from before the rule may hold a key of digits alone: only `by_key` reads it.
    with db.transaction() as session:
        blob = DocumentBlob(sha256="0" * 64)
        blob.data = SHADOW
        session.add(
            Document(
                key="777",
                sha256="0" * 64,
                filename="777.txt",
                media_type="text/plain",
                size_bytes=len(SHADOW),
                charset="utf-8",
                text=SHADOW.decode(),
                language="en",
                language_source="option",
                ingested_by="test",
                blob=blob,
            )
        )
    with pytest.raises(NotFound, match="no document with id 777"):
        show_document(db, "777", visible_groups=None)
    assert show_document(db, "777", visible_groups=None, by_key=True).summary.filename == "777.txt"
    assert original_bytes(db, "777", visible_groups=None, by_key=True)[1] == SHADOW
    with db.transaction() as session:
        session.execute(update(Document).values(key="²"))
    assert (
        show_document(db, "²", visible_groups=None).summary.filename == "777.txt"
    )  # digit-like, not ASCII: a key


def test_the_cli_reads_digits_as_an_id_and_key_with_key(cli_env: Settings, tmp_path: Path) -> None:
    (tmp_path / "first.txt").write_bytes(FIRST)
    (tmp_path / "1.txt").write_bytes(SHADOW)
    runner = CliRunner()
    assert runner.invoke(cli_app, ["ingest", str(tmp_path / "first.txt")]).exit_code == 0
    assert runner.invoke(cli_app, ["ingest", str(tmp_path / "1.txt")]).exit_code == 0
    shown = runner.invoke(cli_app, ["documents", "show", "1", "--format", "json"])
    assert shown.exit_code == 0 and '"key": "first"' in shown.stdout
    shown = runner.invoke(cli_app, ["documents", "show", "--key", "1", "--format", "json"])
    assert shown.exit_code == 0 and '"filename": "1.txt"' in shown.stdout
    original = runner.invoke(cli_app, ["documents", "original", "--key", "1"])
    assert original.exit_code == 0 and original.stdout_bytes == SHADOW
    missing = runner.invoke(cli_app, ["documents", "show", "--key", "2"])
    assert missing.exit_code == 1 and "no document with key '2'" in " ".join(missing.stderr.split())


def test_the_rule() -> None:
    assert parse_document_ref("12") == 12 and parse_document_ref(12) == 12
    assert parse_document_ref("dailynk-12") == "dailynk-12" and parse_document_ref("12a") == "12a"
    assert parse_document_ref("²") == "²" and parse_document_ref("١٢") == "١٢"  # digits, but not ASCII
    assert parse_document_ref(" 12") == " 12"
    with pytest.raises(InvalidInput):
        parse_document_ref(str(2**31))
    assert document_url("005") == "/documents/by-key/005" and document_url("k05") == "/documents/k05"
    assert document_url("a b?c#d") == "/documents/a%20b%3Fc%23d"
    assert document_url("by-key") == "/documents/by-key/by-key"
