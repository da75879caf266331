"""Requests start in arrival order, one per turn of the event loop (``web.arrival``).

The application below records when each request starts and how many turns
of the loop have passed (a callback that re-schedules itself counts them).
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from refwatch.web.arrival import ArrivalOrder


class Recorder:
    """An ASGI app that notes the order requests start in and the loop turn each started on."""

    def __init__(self) -> None:
        self.started: list[tuple[str, int]] = []
        self.turn = 0

    def count_turns(self) -> None:
        self.turn += 1
        asyncio.get_running_loop().call_soon(self.count_turns)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.started.append((scope["path"], self.turn))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def http(path: str) -> Scope:
    return {"type": "http", "path": path, "method": "GET", "headers": []}


async def call(app: Any, scope: Scope) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def test_a_lone_request_starts_at_once() -> None:
    inner = Recorder()
    app = ArrivalOrder(inner)

    async def main() -> None:
        inner.count_turns()
        sent = await call(app, http("/a"))
        assert sent[-1]["body"] == b"ok"

    asyncio.run(main())
    assert inner.started == [("/a", 1)]  # on the turn it arrived (the counter ticked once before)


def test_requests_arriving_together_start_in_order_one_turn_apart() -> None:
    inner = Recorder()
    app = ArrivalOrder(inner)

    async def main() -> None:
        inner.count_turns()
        await asyncio.gather(*(call(app, http(f"/{i}")) for i in range(5)))

    asyncio.run(main())
    paths = [path for path, _ in inner.started]
    turns = [turn for _, turn in inner.started]
    assert paths == ["/0", "/1", "/2", "/3", "/4"]
    assert all(
        later > earlier for earlier, later in zip(turns, turns[1:], strict=False)
    )  # never two in one turn


def test_a_later_arrival_waits_behind_those_already_waiting() -> None:
    inner = Recorder()
    app = ArrivalOrder(inner)

    async def main() -> None:
        first = [asyncio.ensure_future(call(app, http(f"/early{i}"))) for i in range(3)]
        await asyncio.sleep(0)  # the early ones have arrived and queued
        late = asyncio.ensure_future(call(app, http("/late")))
        await asyncio.gather(*first, late)

    asyncio.run(main())
    assert [path for path, _ in inner.started] == ["/early0", "/early1", "/early2", "/late"]


def test_a_request_cancelled_while_waiting_does_not_stop_the_queue() -> None:
    inner = Recorder()
    app = ArrivalOrder(inner)

    async def main() -> None:
        tasks = [asyncio.ensure_future(call(app, http(f"/{i}"))) for i in range(4)]
        await asyncio.sleep(0)
        tasks[1].cancel()  # its client went away while it waited its turn
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert isinstance(results[1], asyncio.CancelledError)

    asyncio.run(main())
    assert [path for path, _ in inner.started] == ["/0", "/2", "/3"]


def test_a_new_event_loop_starts_afresh() -> None:
    inner = Recorder()
    app = ArrivalOrder(inner)

    async def leave_one_waiting() -> None:
        # The loop ends while requests still wait: the next loop must not wait on them.
        for i in range(3):
            asyncio.ensure_future(call(app, http(f"/old{i}")))
        await asyncio.sleep(0)

    asyncio.run(leave_one_waiting())
    asyncio.run(asyncio.wait_for(call(app, http("/new")), timeout=5))
    assert inner.started[-1][0] == "/new"


def test_other_scopes_pass_straight_through() -> None:
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def main() -> None:
        await ArrivalOrder(inner)({"type": "lifespan"}, None, None)  # type: ignore[arg-type]

    asyncio.run(main())
    assert seen == ["lifespan"]
