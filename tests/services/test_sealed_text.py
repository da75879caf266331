"""Document text sealed at rest (``REFWATCH_SEAL_DOCUMENT_TEXT``), issue #15 point 16.

With the setting on, the working text of a new document is stored sealed and
its plaintext column and search index hold nothing of it; every reader
(detail, CLI, API, extraction, search with visibility) still gets the text.
Reports are fictional (pseudonymous people, invented events in 2031).
Each test failed before: there was no such setting, and the text was stored
as plaintext.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings, load_settings
from refwatch.services import accounts, browse, documents
from refwatch.services.backup import create_backup, restore_backup
from refwatch.services.ingest import ingest_paths
from refwatch.services.keys import rotate_data_key
from refwatch.services.setup import init_database, open_database
from refwatch.storage import memory_search, sealing
from refwatch.storage.database import Database
from refwatch.storage.tables import Document
from refwatch.web.app import create_app

SECRET = "Person A-017"
KOREAN = "탈북민"  # three syllables; its first two (탈북) make a two-character query
REPORT = (
    "FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors "
    f"in Shenyang on March 3, 2031, among them {SECRET}, a rights group said. "
    f"가상 보도: 옌지에서 {KOREAN} 12명이 체포되었다. They face forced repatriation."
)
OTHER = "FICTIONAL NOTE. An unrelated open report about weather in 2031; no arrests."


def sealed(settings: Settings, **more: object) -> Settings:
    """The same database with sealing on."""
    return load_settings(
        home=settings.home,
        database_url=settings.database_url,
        key_file=settings.key_file,
        seal_document_text=True,
        **more,
    )


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def ingest(
    db: Database, path: Path, *, seal: bool = True, extract: bool = False, group: str | None = None
) -> int:
    report = ingest_paths(db, [path], extract=extract, seal_text=seal, restricted_to=group)
    (result,) = report.results
    assert result.outcome == "stored", result.reason
    assert result.document_id is not None
    return result.document_id


@pytest.fixture
def plain_sqlite(tmp_path: Path, key_file: Path) -> Iterator[Settings]:
    """A fresh SQLite database with SQLCipher off and sealing on: the file's bytes can be read."""
    settings = load_settings(
        home=tmp_path / "plain", key_file=key_file, sqlite_encryption=False, seal_document_text=True
    )
    database, _ = init_database(settings)
    database.dispose()
    yield settings


def file_bytes(settings: Settings) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(settings.home.glob("refwatch.db*")))


def test_sealed_text_is_not_in_the_sqlite_file(plain_sqlite: Settings, tmp_path: Path) -> None:
    db = open_database(plain_sqlite)
    try:
        doc_id = ingest(db, write(tmp_path, "report-a.txt", REPORT))
        control = ingest(db, write(tmp_path, "report-b.txt", OTHER), seal=False)
        assert documents.show_document(db, str(doc_id), visible_groups=None).text == REPORT
    finally:
        db.dispose()
    raw = file_bytes(plain_sqlite)
    assert b"unrelated open report" in raw  # the control: unsealed text is there in plain sight
    for word in (SECRET, "Shenyang", KOREAN):
        assert word.encode() not in raw, word
    assert control != doc_id


def test_sealed_text_is_in_no_text_column(db: Database, tmp_path: Path) -> None:
    doc_id = ingest(db, write(tmp_path, "report-a.txt", REPORT))
    with db.session() as session:
        row = session.execute(select(*Document.__table__.c).where(Document.id == doc_id)).one()
    assert row.text == ""
    for value in row:
        if isinstance(value, str):
            assert SECRET not in value and KOREAN not in value
        if isinstance(value, bytes):
            assert SECRET.encode() not in value
    assert row.sealed_text is not None and sealing.key_id_of(row.sealed_text) >= 1


def test_readers_get_the_sealed_text_back(settings: Settings, tmp_path: Path) -> None:
    db = open_database(settings)
    try:
        doc_id = ingest(db, write(tmp_path, "report-a.txt", REPORT), extract=True)
        detail = documents.show_document(db, str(doc_id), visible_groups=None)
        assert detail.text == REPORT
        assert detail.incident_ids, "extraction read the sealed text"
    finally:
        db.dispose()


def test_cli_ingest_and_show_with_sealing(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFWATCH_SEAL_DOCUMENT_TEXT", "true")
    runner = CliRunner()
    path = write(tmp_path, "r1.txt", REPORT)
    result = runner.invoke(app, ["ingest", str(path), "--no-extract"])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["documents", "show", "r1", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["text"] == REPORT
    db = open_database(cli_env)
    try:
        with db.session() as session:
            assert session.scalars(select(Document.text)).one() == ""
    finally:
        db.dispose()


def test_api_upload_detail_and_search_with_sealing(settings: Settings) -> None:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", "fictional-password-1", "editor")
        token = accounts.issue_token(db, "ed", "write")[1]
    finally:
        db.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(sealed(settings))) as client:
        files = [("files", ("alpha.txt", REPORT.encode(), "text/plain"))]
        answer = client.post("/api/v1/documents", files=files, headers=headers)
        assert answer.status_code == 201, answer.text
        detail = client.get("/api/v1/documents/alpha", headers=headers)
        assert detail.status_code == 200 and detail.json()["text"] == REPORT
        found = client.get("/api/v1/documents", params={"q": KOREAN}, headers=headers).json()
        assert [d["key"] for d in found["items"]] == ["alpha"]
    db = open_database(settings)
    try:
        with db.session() as session:
            assert session.scalars(select(Document.text)).one() == ""
    finally:
        db.dispose()


@pytest.mark.parametrize(
    "query",
    ["defectors", "SHENYANG", KOREAN, KOREAN[:2], "A-", "12"],
    ids=["english", "case", "korean", "korean-2", "short", "digits"],
)
def test_search_finds_sealed_documents(db: Database, tmp_path: Path, query: str) -> None:
    sealed_id = ingest(db, write(tmp_path, "report-a.txt", REPORT))
    ingest(db, write(tmp_path, "report-b.txt", OTHER), seal=False)
    page = browse.document_page(db, query=query, visible_groups=None)
    assert [item["id"] for item in page.items] == [sealed_id]
    assert page.total == 1


def test_search_mixes_sealed_and_plain_matches_newest_first(db: Database, tmp_path: Path) -> None:
    first = ingest(db, write(tmp_path, "report-a.txt", REPORT))
    second = ingest(db, write(tmp_path, "report-b.txt", OTHER), seal=False)
    third = ingest(db, write(tmp_path, "report-c.txt", REPORT + " Second copy."))
    page = browse.document_page(db, query="FICTIONAL", visible_groups=None)
    assert [item["id"] for item in page.items] == [third, second, first]
    assert [i["id"] for i in browse.document_page(db, query="Second copy", visible_groups=None).items] == [
        third
    ]
    assert browse.document_page(db, query="nowhere-at-all", visible_groups=None).total == 0


def test_restricted_sealed_documents_stay_hidden_in_search(db: Database, tmp_path: Path) -> None:
    doc_id = ingest(db, write(tmp_path, "report-a.txt", REPORT), group="team-a")
    for query in (KOREAN, KOREAN[:2], "Shenyang"):
        assert browse.document_page(db, query=query, visible_groups=()).total == 0
        assert browse.document_page(db, query=query, visible_groups=("team-b",)).items == []
        members = browse.document_page(db, query=query, visible_groups=("team-a",))
        assert [item["id"] for item in members.items] == [doc_id]


def test_language_filter_applies_to_sealed_matches(db: Database, tmp_path: Path) -> None:
    ingest(db, write(tmp_path, "report-a.txt", REPORT))
    language = documents.show_document(db, "report-a", visible_groups=None).summary.language
    other = "ko" if language != "ko" else "en"
    assert browse.document_page(db, query="Shenyang", language=language, visible_groups=None).total == 1
    assert browse.document_page(db, query="Shenyang", language=other, visible_groups=None).total == 0


def test_key_rotation_reseals_the_document_text(db: Database, tmp_path: Path) -> None:
    doc_id = ingest(db, write(tmp_path, "report-a.txt", REPORT))
    with db.session() as session:
        before = sealing.key_id_of(session.scalars(select(Document._sealed_text)).one() or b"")
    report = rotate_data_key(db, actor="tester")
    assert report.key_id != before and before in report.retired
    with db.session() as session:
        raw = session.scalars(select(Document._sealed_text)).one()
        assert raw is not None and sealing.key_id_of(raw) == report.key_id
    assert documents.show_document(db, str(doc_id), visible_groups=None).text == REPORT


def test_backup_and_restore_keep_the_sealed_text(sqlite_settings: Settings, tmp_path: Path) -> None:
    db = open_database(sqlite_settings)
    try:
        doc_id = ingest(db, write(tmp_path, "report-a.txt", REPORT))
        out = tmp_path / "snapshot.rwbk"
        create_backup(db, sqlite_settings, out, actor="tester")
    finally:
        db.dispose()
    target = load_settings(home=tmp_path / "restored", key_file=sqlite_settings.key_file)
    restore_backup(target, out, actor="tester")
    restored = open_database(target)
    try:
        assert documents.show_document(restored, str(doc_id), visible_groups=None).text == REPORT
        found = browse.document_page(restored, query=KOREAN, visible_groups=None)
        assert [item["id"] for item in found.items] == [doc_id]
    finally:
        restored.dispose()


def test_without_sealed_documents_search_builds_no_memory_index(db: Database, tmp_path: Path) -> None:
    plain = ingest(db, write(tmp_path, "report-b.txt", OTHER), seal=False)
    assert [i["id"] for i in browse.document_page(db, query="weather", visible_groups=None).items] == [plain]
    assert db not in memory_search._indexes  # the tuned statements ran, not the sealed variant
