"""`refwatch serve --workers N`: processes with a listening socket each, on one port (SQLite)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.web import workers

pytestmark = pytest.mark.skipif(not workers.supported(), reason="SO_REUSEPORT workers are Linux-only")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_sockets_share_a_port() -> None:
    port = free_port()
    first, second = workers.listening_socket("127.0.0.1", port), workers.listening_socket("127.0.0.1", port)
    try:
        assert first.getsockname() == second.getsockname()
    finally:
        first.close()
        second.close()


def get(port: int, path: str, token: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_serve_with_two_workers_answers_and_stops_on_sigterm(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    db = open_database(sqlite_settings)
    try:
        accounts.add_user(db, "vi", "fictional-password-2", "viewer")
        _, token = accounts.issue_token(db, "vi", "read")
    finally:
        db.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFWATCH_")}
    env |= {"REFWATCH_HOME": str(sqlite_settings.home), "REFWATCH_KEY_FILE": str(sqlite_settings.key_file)}
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "refwatch", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                if get(port, "/api/v1/documents", token) == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        # New connections, each hashed to one of the workers' sockets: every one is answered.
        assert {get(port, "/api/v1/incidents", token) for _ in range(20)} == {200}
        assert get(port, "/api/v1/incidents", "not-a-token") == 401
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, log.read_text(errors="replace")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    with pytest.raises(OSError):  # nothing listens any more: the workers stopped with the parent
        get(port, "/api/v1/documents", token)


def test_a_port_held_by_another_program_is_a_clear_error(cli_env: Settings) -> None:
    from typer.testing import CliRunner

    from refwatch.cli.app import app

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port), "--workers", "2"])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
