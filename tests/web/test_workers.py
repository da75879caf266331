"""`refwatch serve --workers N`: processes with a listening socket each, on one port (SQLite)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from refwatch.config import Settings
from refwatch.services import accounts, sessions
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


def browse(
    port: int, method: str, path: str, cookie: str | None = None, form: dict[str, str] | None = None
) -> tuple[int, str, str, str | None]:
    """One request on a new connection: status, Location, body, and the session cookie it sets (if any)."""
    from urllib.parse import urlencode

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Cookie": f"refwatch_session={cookie}"} if cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        set_cookie = response.getheader("set-cookie") or ""
        match = re.match(r"refwatch_session=([^;]*)", set_cookie)
        return response.status, response.getheader("location") or "", text, match.group(1) if match else None
    finally:
        conn.close()


def form_token(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_logout_and_revocation_end_a_session_in_every_worker(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    """Sessions live in the database, not in a worker: ended in one process, refused by all of them."""
    db = open_database(sqlite_settings)
    try:
        accounts.add_user(db, "vi", "fictional-password-2", "viewer")
        env = {k: v for k, v in os.environ.items() if not k.startswith("REFWATCH_")}
        env |= {
            "REFWATCH_HOME": str(sqlite_settings.home),
            "REFWATCH_KEY_FILE": str(sqlite_settings.key_file),
        }
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
                    if browse(port, "GET", "/login")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.2)

            def log_in() -> str:
                _, _, page, before = browse(port, "GET", "/login")
                form = {"username": "vi", "password": "fictional-password-2", "csrf": form_token(page)}
                status, location, _, cookie = browse(port, "POST", "/login", before, form)
                assert (status, location) == (303, "/") and cookie
                return cookie

            def answers(cookie: str) -> set[int]:  # 20 new connections, spread over both workers
                return {browse(port, "GET", "/incidents", cookie)[0] for _ in range(20)}

            saved = log_in()
            assert answers(saved) == {200}
            page = browse(port, "GET", "/incidents", saved)[2]
            assert browse(port, "POST", "/logout", saved, {"csrf": form_token(page)})[:2] == (303, "/login")
            assert answers(saved) == {303}

            saved = log_in()
            assert answers(saved) == {200}
            assert sessions.revoke_sessions(db, "vi") == 1  # as `refwatch users revoke-sessions vi` does
            assert answers(saved) == {303}
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            finally:
                if server.poll() is None:
                    server.kill()
                    server.wait()
    finally:
        db.dispose()
