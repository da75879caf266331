"""Uploaded file names that are not plain file names are refused, one file at a time.

A name with a folder in it (``../../evil.txt``, ``..\\evil.txt``, ``/etc/passwd``),
a dot name, a control character or more than 255 bytes is refused and reported
by name; the other files of the same upload are stored as usual. Reports are
fictional (invented events in 2031).
"""

from __future__ import annotations

import io
import secrets

from fastapi.testclient import TestClient
from test_api import EN, auth, client, tokens  # noqa: F401  (the API tests' fixtures, shared)

from refwatch.config import Settings
from refwatch.services.ingest import ingest_uploads
from refwatch.storage.database import Database

HOSTILE = ["../../evil.txt", "..\\..\\evil.txt", "/etc/passwd", "..", "a\x00b.txt"]
BAD_TEXT = b"FICTIONAL. This file must never be stored: its name is not a plain file name."


def multipart(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body carrying the file names byte for byte.

    Written by hand because httpx percent-encodes control characters in names;
    a hostile client sends whatever bytes it likes.
    """
    boundary = secrets.token_hex(16)
    body = b""
    for name, data in files:
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        )
        body += head.encode() + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_api_refuses_names_with_paths_and_stores_the_rest(
    client: TestClient,  # noqa: F811
    tokens: dict[str, str],  # noqa: F811
) -> None:
    body, content_type = multipart([("good.txt", EN)] + [(name, BAD_TEXT) for name in HOSTILE])
    answer = client.post(
        "/api/v1/documents",
        content=body,
        headers={**auth(tokens["write"]), "Content-Type": content_type},
    )

    assert answer.status_code == 201, answer.text  # partial success is still a success, as before
    result = answer.json()
    assert result["stored"] == ["good"]
    assert result["unchanged"] == []
    reasons = [failed["reason"] for failed in result["failed"]]
    assert len(reasons) == len(HOSTILE), reasons
    for name, reason in zip(HOSTILE, reasons, strict=True):
        assert repr(name) in reason and "plain file name" in reason, reason

    listed = client.get("/api/v1/documents", headers=auth(tokens["write"])).json()
    assert [(d["key"], d["filename"]) for d in listed["items"]] == [("good", "good.txt")]
    for key in ("evil", "passwd", "a", "upload-4"):
        assert client.get(f"/api/v1/documents/{key}", headers=auth(tokens["write"])).status_code == 404


def test_ingest_uploads_refuses_each_bad_name_without_reading_it(db: Database, settings: Settings) -> None:
    refused = [*HOSTILE, "   ", "tab\there.txt", "del\x7f.txt", "가" * 84 + ".txt"]  # the last: 256 bytes
    streams = {name: io.BytesIO(BAD_TEXT) for name in refused}
    uploads = [
        ("good.txt", io.BytesIO(EN)),
        *streams.items(),
        ("가" * 83 + ".txt", io.BytesIO(b"FICTIONAL.")),
    ]

    report = ingest_uploads(db, uploads, actor="test", settings=settings)

    assert [r.outcome for r in report.results] == ["stored", *["failed"] * len(refused), "stored"]
    for name, result in zip(refused, report.results[1:-1], strict=True):
        assert result.path == name and result.key is None
        assert result.reason is not None and repr(name) in result.reason, result.reason
    assert all(stream.tell() == 0 for stream in streams.values())  # never read, so never written anywhere
    assert report.results[-1].key == "가" * 83  # 253 bytes: long, but still a plain name


def test_ingest_uploads_names_a_nameless_upload(db: Database, settings: Settings) -> None:
    """A browser may send no name at all: that is not refused as a name, only by the type check."""
    report = ingest_uploads(db, [("", io.BytesIO(EN))], actor="test", settings=settings)
    (result,) = report.results
    assert result.outcome == "failed" and result.reason is not None
    assert "unsupported file type" in result.reason and "plain file name" not in result.reason
