"""No plaintext of an upload reaches the disk, and upload folders a crash left behind go at start-up.

Starlette spools a file over 1 MB to a plaintext temporary file and the old
upload path copied every file into a temporary folder, which a crash left
behind. The check looks at every file under the temporary directory and at
every file this process holds open there (anonymous ``O_TMPFILE`` files have no
name to find), while the upload is being read and after the answer.
Reports are fictional.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_api import EN, auth, tokens  # noqa: F401  (the API tests' fixtures, shared)

import refwatch.services.ingest as ingest_service
from refwatch.config import Settings
from refwatch.ingest.readers import ReadResult
from refwatch.ingest.sandbox import ParseLimits
from refwatch.web.app import create_app


def files_holding(marker: bytes, folder: Path) -> list[str]:
    """Files under ``folder``, named or open in this process, whose bytes contain ``marker``."""
    hits = [str(p) for p in folder.rglob("*") if p.is_file() and marker in p.read_bytes()]
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
            if not target.startswith(str(folder)):
                continue
            with open(f"/proc/self/fd/{fd}", "rb") as handle:  # reopens even an unlinked file
                if marker in handle.read():
                    hits.append(target)
        except OSError:
            continue  # closed meanwhile, or not a file
    return hits


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary directory of this test's own, used by tempfile (and so by Starlette)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_upload_plaintext_never_lands_in_the_temporary_directory(
    settings: Settings,
    tokens: dict[str, str],  # noqa: F811
    temp_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marker = b"FICTIONAL-" + secrets.token_hex(8).encode()
    big = (marker + b" \x00\xff") * (1_500_000 // (len(marker) + 3))  # over Starlette's 1 MB spool
    seen_during: list[list[str]] = []
    read_isolated = ingest_service.read_isolated

    def watching(path: Path, data: bytes, limits: ParseLimits | None) -> ReadResult:
        seen_during.append(files_holding(marker, temp_dir))  # the request is parsed; ingest is reading
        return read_isolated(path, data, limits)

    monkeypatch.setattr(ingest_service, "read_isolated", watching)
    with TestClient(create_app(settings)) as client:
        files = [
            ("files", ("big.txt", big, "text/plain")),
            ("files", ("small.txt", EN + b" " + marker, "text/plain")),
        ]
        answer = client.post("/api/v1/documents", files=files, headers=auth(tokens["write"]))
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["stored"] == ["small"]
        assert [f["file"] for f in body["failed"]] == ["big.txt"]  # binary: refused after reading

        assert len(seen_during) == 2
        assert seen_during == [[], []]
        assert files_holding(marker, temp_dir) == []


def test_upload_over_the_size_limit_is_refused_and_not_kept(
    settings: Settings,
    tokens: dict[str, str],  # noqa: F811
    temp_dir: Path,
) -> None:
    small = settings.model_copy(update={"max_file_bytes": 1000})
    with TestClient(create_app(small)) as client:
        files = [("files", ("long.txt", EN * 100, "text/plain"))]
        answer = client.post("/api/v1/documents", files=files, headers=auth(tokens["write"]))
    assert answer.status_code == 201, answer.text
    (failed,) = answer.json()["failed"]
    assert "over the limit of 1,000" in failed["reason"]
    assert list(temp_dir.iterdir()) == []


def test_app_start_removes_upload_folders_left_by_a_crash(settings: Settings, temp_dir: Path) -> None:
    leftover = temp_dir / "refwatch-upload-k3x9q1" / "000"
    leftover.mkdir(parents=True)
    (leftover / "testimony.txt").write_bytes(EN)
    unrelated = temp_dir / "someone-else.txt"
    unrelated.write_bytes(b"not ours")

    create_app(settings).state.db.dispose()

    assert not (temp_dir / "refwatch-upload-k3x9q1").exists()
    assert unrelated.read_bytes() == b"not ours"
