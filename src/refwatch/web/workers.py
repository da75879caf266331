"""Several server processes on one port, each listening on its own socket (Linux ``SO_REUSEPORT``).

uvicorn's ``--workers`` shares one listening socket between its processes:
whichever process is idle when clients connect accepts them, as many as are
waiting, and with keep-alive connections that choice lasts. Measured with
``benchmarks/api_load.py``: fifty clients connecting at once were split 43/7
and 39/11 between two workers, so one process served four times the other's
load and its clients waited accordingly. With a socket per process the kernel
spreads new connections over them by a hash of the client's address, as
nginx's ``reuseport`` does.

The parent builds the application once and warms it (``web.app.warm_shared``:
the caches of totals and list cards, the compiled templates), closes its
database connections, and forks the workers from that state, as gunicorn's
``--preload`` does. Each worker thus starts with the caches full and the
libraries imported, instead of every worker importing everything and counting
the same totals at the same moment on the same cores: spawned workers that
warmed themselves answered their first ten seconds at a p99 of 300-600 ms
(100,000 incidents, SQLite), and one that finished early took all fifty
clients while the other still warmed (#20). A worker then opens its own
connections and readies what cannot cross a fork (``web.app.before_listening``),
and all of them start listening together, once the last is ready.

The parent only watches: it restarts a worker that dies (forked again from
the warmed application) and stops them all on Ctrl-C or SIGTERM. The workers
share their connection counts so that an over-full one can hand connections on
(``web.balance``).
"""

from __future__ import annotations

import functools
import gc
import logging
import multiprocessing
import signal
import socket
import sys
import threading
import time
from multiprocessing.context import ForkProcess
from multiprocessing.synchronize import Barrier
from types import FrameType

from fastapi import FastAPI

from refwatch.config import Settings
from refwatch.errors import ConfigError
from refwatch.web import balance

STARTUP_FAILURE = 3  # uvicorn's exit status when a server cannot start
RESTART_PAUSE_S = 1.0
#: How long a ready worker waits for the others before it listens anyway (one may have failed to start).
READY_WAIT_S = 120.0
logger = logging.getLogger("uvicorn.error")


def supported() -> bool:
    """Whether this system can give each worker its own socket on the same port."""
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` that other processes of this user may bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _worker(
    app: FastAPI, host: str, port: int, index: int, ready: Barrier | None
) -> None:  # pragma: no cover
    """One server process (a forked child of :func:`run`): its own connections, socket and balance."""
    import uvicorn

    signal.signal(
        signal.SIGINT, signal.SIG_DFL
    )  # the parent's handlers are for the parent (uvicorn sets its own)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    app.state.db.engine.dispose(close=False)  # nothing of the parent's pool is this process's to use
    if balance.ACTIVE is not None:
        balance.ACTIVE.index = index
    if ready is not None:
        app.state.ready = functools.partial(_wait_for_others, ready)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listening_socket(host, port)])


def _wait_for_others(ready: Barrier) -> None:  # pragma: no cover - runs in the workers
    """Block until every worker has warmed up (or :data:`READY_WAIT_S` passed): all listen together."""
    try:
        ready.wait(READY_WAIT_S)
    except threading.BrokenBarrierError:
        logger.warning("not every worker got ready in time; listening anyway")


def prepare(settings: Settings, workers: int) -> FastAPI:
    """The application the workers are forked from: built here, warmed once, with no connection open."""
    from refwatch.web.app import create_app, warm_shared

    balance.ACTIVE = balance.Balance(0, multiprocessing.get_context("fork").RawArray("i", workers))
    app = create_app(settings)
    warm_shared(app)
    gc.collect()
    gc.freeze()  # the warmed objects stay out of every worker's collections, and their pages stay shared
    return app


def run(host: str, port: int, workers: int, settings: Settings) -> None:
    """Run ``workers`` server processes on ``host:port`` until interrupted or terminated."""
    try:  # fail here, clearly, if the port is taken by something that does not share it
        listening_socket(host, port).close()
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    app = prepare(settings, workers)
    if threading.active_count() > 1:  # a thread does not survive a fork, and a lock it held stays held
        raise ConfigError("a thread was running when the server workers were to start; please report this")
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(workers)
    stopping = False

    def start(index: int, barrier: Barrier | None) -> ForkProcess:
        if balance.ACTIVE is not None:
            balance.ACTIVE.loads[index] = 0
        process = context.Process(
            target=_worker, args=(app, host, port, index, barrier), name="refwatch-worker"
        )
        process.start()
        return process

    processes = [start(i, ready) for i in range(workers)]

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.is_alive():
                process.terminate()  # uvicorn finishes the requests in hand, then exits

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    failed = None
    while not stopping:
        time.sleep(RESTART_PAUSE_S)
        for i, process in enumerate(processes):
            if stopping or process.is_alive():
                continue
            if process.exitcode == STARTUP_FAILURE:  # it could not start: another try would fail alike
                failed = process.exitcode
                stop(signal.SIGTERM, None)
                break
            logger.warning("worker %s stopped (exit %s); starting another", process.pid, process.exitcode)
            processes[i] = start(i, None)  # alone: the others listen already
    for process in processes:
        process.join()
    if failed is not None:
        raise ConfigError("a server worker could not start; its error is above")
