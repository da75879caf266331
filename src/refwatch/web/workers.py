"""Several server processes on one port, each listening on its own socket (Linux ``SO_REUSEPORT``).

uvicorn's ``--workers`` shares one listening socket between its processes:
whichever process is idle when clients connect accepts them, as many as are
waiting, and with keep-alive connections that choice lasts. Measured with
``benchmarks/api_load.py``: fifty clients connecting at once were split 43/7
and 39/11 between two workers, so one process served four times the other's
load and its clients waited accordingly. With a socket per process the kernel
spreads new connections over them by a hash of the client's address, as
nginx's ``reuseport`` does.

Each worker is a uvicorn server in a fresh (spawned) process that builds the
application from the environment, exactly as ``uvicorn --factory`` would. The
parent only watches: it restarts a worker that dies and stops them all on
Ctrl-C or SIGTERM. The workers share their connection counts so that an
over-full one can hand connections on (``web.balance``).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import time
from collections.abc import MutableSequence
from multiprocessing.context import SpawnProcess
from types import FrameType

from refwatch.errors import ConfigError
from refwatch.web import balance

APP_FACTORY = "refwatch.web.app:create_app"
STARTUP_FAILURE = 3  # uvicorn's exit status when a server cannot start
RESTART_PAUSE_S = 1.0
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


def _worker(host: str, port: int, index: int, loads: MutableSequence[int]) -> None:  # pragma: no cover
    """One server process (in a child): shares its connection count with the others (``web.balance``)."""
    import uvicorn

    balance.ACTIVE = balance.Balance(index, loads)

    config = uvicorn.Config(
        APP_FACTORY, factory=True, host=host, port=port, log_level="warning", access_log=False
    )
    uvicorn.Server(config).run(sockets=[listening_socket(host, port)])


def run(host: str, port: int, workers: int) -> None:
    """Run ``workers`` server processes on ``host:port`` until interrupted or terminated."""
    try:  # fail here, clearly, if the port is taken by something that does not share it
        listening_socket(host, port).close()
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    context = multiprocessing.get_context("spawn")
    loads = context.RawArray("i", workers)  # connections per worker, see web.balance
    stopping = False

    def start(index: int) -> SpawnProcess:
        loads[index] = 0
        process = context.Process(target=_worker, args=(host, port, index, loads), name="refwatch-worker")
        process.start()
        return process

    processes = [start(i) for i in range(workers)]

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
            processes[i] = start(i)
    for process in processes:
        process.join()
    if failed is not None:
        raise ConfigError("a server worker could not start; its error is above")
