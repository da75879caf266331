"""Keep the server's worker processes equally loaded by moving keep-alive connections between them.

With a listening socket per worker (``web.workers``) the kernel spreads new
connections by a hash of the client's address, which is even only on
average: fifty clients were split 17/33, 19/31 and 30/20 in benchmark runs,
and the clients of the fuller worker waited up to twice as long (measured
with ``benchmarks/api_load.py``). A keep-alive connection stays where it
landed, so the imbalance lasts.

Each worker publishes how many connections it has served lately in a small
array shared with the others. A worker holding more than its fair share
answers one request with ``Connection: close``, at most every
:data:`COOLDOWN_S`; the client (as HTTP/1.1 requires of it) connects again
and the kernel places the new connection afresh, on another worker as often
as not. Counts settle within one of each other in a second or two.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, MutableSequence
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

IDLE_S = 5.0  # a connection that sent nothing for this long no longer counts
COOLDOWN_S = 0.05  # at most one connection moved per worker in this time
RECOUNT_S = 1.0  # how often idle connections are forgotten

#: This process's balance, set by ``web.workers`` before the application is built (None: one process).
ACTIVE: Balance | None = None


@dataclass
class Balance:
    """One worker's view: its own recent clients, and every worker's published count."""

    index: int
    loads: MutableSequence[int]  # shared between the workers (multiprocessing.RawArray)
    clock: Callable[[], float] = time.monotonic
    _seen: dict[tuple[str, int], float] = field(default_factory=dict)
    _last_close: float = -math.inf
    _last_recount: float = -math.inf

    def should_close(self, client: tuple[str, int] | None) -> bool:
        """Note a request from ``client``; True if its connection should be handed to another worker."""
        if client is None:
            return False
        now = self.clock()
        self._seen[client] = now
        if now - self._last_recount >= RECOUNT_S:
            self._seen = {c: t for c, t in self._seen.items() if now - t < IDLE_S}
            self._last_recount = now
        mine = self.loads[self.index] = len(self._seen)
        fair = math.ceil(sum(self.loads) / len(self.loads))
        if mine <= fair or now - self._last_close < COOLDOWN_S:
            return False
        self._last_close = now
        del self._seen[client]
        self.loads[self.index] = mine - 1
        return True


class Rebalance:
    """ASGI middleware: ``Connection: close`` on the answers :class:`Balance` picks (when one is set)."""

    def __init__(self, app: ASGIApp, balance: Balance | None) -> None:
        self.app = app
        self.balance = balance

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        balance = self.balance
        if balance is None or scope["type"] != "http" or not balance.should_close(scope.get("client")):
            await self.app(scope, receive, send)
            return

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
            await send(message)

        await self.app(scope, receive, closing)
