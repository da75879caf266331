"""Logs carry ids, never user text: no query parameters, no file names, no exception messages.

Search words and file names can be a person's name. "Kim Gasang" is FICTIONAL,
as are the reports.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from refwatch.config import Settings
from refwatch.security import logs
from refwatch.services import accounts, browse
from refwatch.services import ingest as ingest_service
from refwatch.services.setup import open_database
from refwatch.storage.database import Database
from refwatch.web import api
from refwatch.web.app import create_app

NAME = "Kim Gasang"
REPORT = b"FICTIONAL REPORT. Chinese police arrested 12 North Korean defectors in Shenyang on March 3, 2031."


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record the server side wrote, as a handler would: message, arguments and exception text.

    The test client's own log (httpx: the URL it asked for) is left out.
    """
    formatter = logging.Formatter("%(name)s %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records if not r.name.startswith("httpx"))


@pytest.fixture
def engine_logging() -> Iterator[None]:
    """SQLAlchemy's engine logger at INFO, where it logs every statement with its parameters."""
    engine_logger = logging.getLogger("sqlalchemy.engine")
    before = engine_logger.level
    engine_logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        engine_logger.setLevel(before)


def test_a_failing_query_names_no_parameter_in_its_error_or_the_log(
    db: Database, caplog: pytest.LogCaptureFixture, engine_logging: None
) -> None:
    with caplog.at_level(logging.DEBUG):
        browse.document_page(
            db, query=NAME, limit=10, visible_groups=None
        )  # a search: its words are a parameter
        with db.session() as session, pytest.raises(DBAPIError) as caught:
            session.execute(text("SELECT no_such_column FROM documents WHERE key = :key"), {"key": NAME})
    assert "documents" in everything_logged(caplog)  # the statements were logged...
    assert "Kim" not in everything_logged(caplog)  # ...without their parameters
    assert "no_such_column" in str(caught.value) and "Kim" not in str(caught.value)


def test_a_failed_upload_logs_no_file_name(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", "fictional-password-1", "editor")
        token = accounts.issue_token(db, "ed", "write")[1]
    finally:
        db.dispose()
    files = [
        ("files", (f"{NAME} testimony.txt", b"", "text/plain")),  # empty
        ("files", (f"{NAME}.pdf", b"%PDF-1.4 not really a PDF", "application/pdf")),  # broken
        ("files", (f"{NAME}.exe", b"MZ", "application/octet-stream")),  # unsupported
    ]
    with TestClient(create_app(settings)) as client, caplog.at_level(logging.DEBUG):
        answer = client.post("/api/v1/documents", files=files, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201 and len(answer.json()["failed"]) == 3
    assert "failed" in everything_logged(caplog)
    assert "Kim" not in everything_logged(caplog)


def test_an_internal_ingest_error_is_logged_without_name_or_message(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path, data: bytes, limits: object = None) -> None:
        raise RuntimeError(f"choked on {data[:20]!r} in {path.name}")

    monkeypatch.setattr(ingest_service, "read_isolated", broken)
    report = tmp_path / f"{NAME}.txt"
    report.write_bytes(REPORT)
    with caplog.at_level(logging.DEBUG):
        result = ingest_service.ingest_paths(db, [report], actor="test")
    assert result.results[0].reason == "internal error (RuntimeError)"
    logged = everything_logged(caplog)
    assert "RuntimeError (message withheld)" in logged and "in broken" in logged  # type and stack kept
    assert "Kim" not in logged and "FICTIONAL" not in logged


def test_a_500_logs_the_route_not_the_path_nor_the_message(
    settings: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(db: Database, ref: str) -> None:
        raise ValueError(f"no luck with {ref}")

    monkeypatch.setattr(api, "show_document", broken)
    db = open_database(settings)
    try:
        accounts.add_user(db, "vi", "fictional-password-2", "viewer")
        token = accounts.issue_token(db, "vi", "read")[1]
    finally:
        db.dispose()
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.DEBUG):
        answer = client.get(f"/api/v1/documents/{NAME}", headers={"Authorization": f"Bearer {token}"})
        with pytest.raises(ValueError) as caught:  # what Starlette re-raises for the server to log
            broken(db, NAME)
        logging.getLogger("uvicorn.error").error("Exception in ASGI application", exc_info=caught.value)
    assert answer.status_code == 500 and NAME not in answer.text
    logged = everything_logged(caplog)
    assert "/api/v1/documents/{ref}" in logged and "ValueError (message withheld)" in logged
    assert "Exception in ASGI application" in logged
    assert "Kim" not in logged


def test_exception_summary_keeps_types_and_frames_of_the_chain() -> None:
    try:
        try:
            raise KeyError(NAME)
        except KeyError as exc:
            raise ValueError(f"{NAME} again") from exc
    except ValueError as exc:
        summary = logs.exception_summary(exc)
    assert "KeyError (message withheld)" in summary and "ValueError (message withheld)" in summary
    assert "test_exception_summary_keeps_types_and_frames_of_the_chain" in summary and "Kim" not in summary
