"""A client generated from /api/v1/openapi.json works (#19): list, read and confirm an incident through it.

``openapi-python-client`` (dev extra; runs offline) writes a Python package from the
document the running server publishes; the test imports it and drives a real
server (uvicorn in a thread, on a local port, as the browser tests do) through
its functions: ``list_incidents``, ``get_incident``, ``confirm_incident``. Before
the models and operation ids, those were ``get_incident_api_v1_incidents__incident_id__get``
and the answers untyped bags (``additional_properties``). Fictional report only.
"""

from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import open_database
from refwatch.web.app import create_app

GENERATOR = shutil.which("openapi-python-client") or shutil.which(
    "openapi-python-client", path=str(Path(sys.executable).parent)
)
pytestmark = pytest.mark.skipif(
    GENERATOR is None, reason="openapi-python-client (dev extra) is not installed"
)
REPORT = (
    "FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors "
    "in Shenyang on March 3, 2031, a rights group said."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def served(sqlite_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A real server on a fresh database with one report, and an editor's write token."""
    db = open_database(sqlite_settings)
    try:
        accounts.add_user(db, "ed", "fictional-password-1", "editor")
        token = accounts.issue_token(db, "ed", "write")[1]
        report = tmp_path / "alpha.txt"
        report.write_text(REPORT, encoding="utf-8")
        ingest_paths(db, [report], actor="ed")
    finally:
        db.dispose()
    port = free_port()
    config = uvicorn.Config(create_app(sqlite_settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", token
    server.should_exit = True
    thread.join(timeout=10)


def generate(base_url: str, where: Path) -> Any:
    """Generate the client from the served document and import it as ``refwatch_api_client``."""
    spec = where / "openapi.json"
    spec.write_bytes(httpx.get(f"{base_url}/api/v1/openapi.json").content)
    package = where / "refwatch_api_client"
    done = subprocess.run(  # noqa: S603 (our own dev tool, on a file this test wrote)
        [str(GENERATOR), "generate", "--path", str(spec), "--meta", "none", "--output-path", str(package)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )  # (the generator formats its output with ruff, from the same environment)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module("refwatch_api_client")
    finally:
        sys.path.remove(str(where))


def test_generated_client_lists_reads_and_confirms(served: tuple[str, str], tmp_path: Path) -> None:
    base_url, token = served
    generated = generate(base_url, tmp_path)
    try:
        from refwatch_api_client.api.incidents import get_incident, list_incidents
        from refwatch_api_client.api.review import confirm_incident
        from refwatch_api_client.models import IncidentOut, IncidentSummary, PageIncidentSummary, ReasonIn

        # httpx's default 5 s read timeout fails this on a loaded machine; the test is about the client
        client = generated.AuthenticatedClient(
            base_url=base_url, token=token, raise_on_unexpected_status=True, timeout=httpx.Timeout(60.0)
        )
        with client:
            page = list_incidents.sync(client=client)
            assert isinstance(page, PageIncidentSummary) and page.total >= 1
            summary = next(i for i in page.items if i.victims.count == 12)
            assert isinstance(summary, IncidentSummary)
            assert summary.review_state == "candidate" and summary.sources[0].document == "alpha"

            incident = get_incident.sync(summary.id, client=client)
            assert isinstance(incident, IncidentOut)
            assert incident.id == summary.id and incident.claims and incident.sources[0].evidence
            assert all(e.quote for e in incident.evidence)

            confirmed = confirm_incident.sync(summary.id, client=client, body=ReasonIn(reason="checked"))
            assert isinstance(confirmed, IncidentOut) and confirmed.review_state == "confirmed"
            again = get_incident.sync(summary.id, client=client)
            assert isinstance(again, IncidentOut) and again.review_state == "confirmed"

            missing = get_incident.sync_detailed(999_999, client=client)
            assert missing.status_code == 404 and missing.parsed.error.code == "not_found"
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == "refwatch_api_client"]:
            del sys.modules[name]
