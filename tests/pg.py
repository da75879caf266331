"""A throwaway PostgreSQL server for the test session.

Started from the machine's own server binaries (``initdb``/``pg_ctl`` on PATH or
under ``/usr/lib/postgresql/*/bin``) in a temporary directory on a free port,
with durability switched off for speed, and stopped when the session ends.
PostgreSQL refuses to run as root, so under root the server runs as the
``postgres`` user when it exists, else ``nobody``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_bin(name: str) -> str | None:
    """Path of a PostgreSQL server binary, newest version first."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server; ``url(db)`` gives a SQLAlchemy URL for one of its databases."""

    root: Path
    port: int
    run_as: list[str]
    pg_ctl: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://refwatch@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, self.pg_ctl, "stop", "-D", str(self.root / "data"), "-m", "immediate"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """Start a server or raise RuntimeError saying why it could not be had."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    root = Path(tempfile.mkdtemp(prefix="refwatch-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = "postgres" if _user_exists("postgres") else "nobody"
        shutil.chown(root, user=user)
        os.chmod(root, 0o700)
        run_as = ["runuser", "-u", user, "--"]
    data, log = root / "data", root / "server.log"
    result = subprocess.run(
        [*run_as, initdb, "-D", str(data), "-U", "refwatch", "-A", "trust", "-E", "UTF8", "--locale=C", "-N"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {result.stderr.strip()[:500]}")
    port = _free_port()
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    result = subprocess.run(
        [*run_as, pg_ctl, "start", "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = log.read_text(errors="replace")[-800:] if log.exists() else result.stderr
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {detail}")
    server = PostgresServer(root=root, port=port, run_as=run_as, pg_ctl=pg_ctl)
    _wait_ready(server)
    return server


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _wait_ready(server: PostgresServer, timeout: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(host="127.0.0.1", port=server.port, user="refwatch", dbname="postgres"):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def create_database(server: PostgresServer, name: str, template: str | None = None) -> str:
    """Create a database (optionally from a template) and return its URL."""
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=server.port, user="refwatch", dbname="postgres", autocommit=True
    ) as conn:
        tmpl = f" TEMPLATE {template}" if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{tmpl}')
    return server.url(name)
