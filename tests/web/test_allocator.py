"""The server's malloc arenas (glibc): held to two, so that freed page caches are not stranded (#20)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fastapi import FastAPI

from refwatch.config import Settings
from refwatch.web import allocator

pytestmark = pytest.mark.skipif(not allocator.glibc(), reason="malloc arenas are glibc's")

#: Six threads allocate and hold their memory at once; malloc_stats() then prints one block per arena.
THREADS = """
import ctypes, sys, threading
from refwatch.web import allocator
if sys.argv[1] == "limit":
    assert allocator.limit_arenas()
barrier = threading.Barrier(7)
def hold():
    kept = [bytearray(4096) for _ in range(8)]  # past Python's small-object allocator: malloc's
    barrier.wait()
    barrier.wait()
threads = [threading.Thread(target=hold) for _ in range(6)]
for thread in threads:
    thread.start()
barrier.wait()
sys.stderr.flush()
ctypes.CDLL(None).malloc_stats()
barrier.wait()
for thread in threads:
    thread.join()
"""


def arenas(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run(
        [sys.executable, "-c", THREADS, mode], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return sum(line.startswith("Arena ") for line in done.stderr.splitlines())


def test_threads_allocating_at_once_share_two_arenas_once_limited() -> None:
    assert arenas("default") > allocator.ARENAS  # the control: glibc gives each thread its own
    assert arenas("limit") == allocator.ARENAS


def test_an_arena_limit_set_in_the_environment_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert allocator.limit_arenas() is False


def test_serve_limits_the_arenas_before_it_builds_the_application(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from refwatch.cli.app import app
    from refwatch.web import app as web_app

    calls: list[str] = []
    built: list[FastAPI] = []
    create_app = web_app.create_app

    def create(settings: Settings) -> FastAPI:
        calls.append("create_app")
        built.append(create_app(settings))
        return built[-1]

    monkeypatch.setattr(allocator, "limit_arenas", lambda: calls.append("limit_arenas") or True)
    monkeypatch.setattr(web_app, "create_app", create)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append("run"))  # serves nothing
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "8000"])
    finally:
        for application in built:  # uvicorn's shutdown would have closed its connections
            application.state.db.dispose()
    assert result.exit_code == 0, result.output
    assert calls == ["limit_arenas", "create_app", "run"]
