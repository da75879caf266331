"""Moving keep-alive connections from an over-full worker (``web.balance``), with a fake clock."""

from __future__ import annotations

from fastapi.testclient import TestClient
from test_api import auth, tokens  # noqa: F401 (fixture)

from refwatch.config import Settings
from refwatch.web import balance
from refwatch.web.app import create_app


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def clients(n: int, start: int = 0) -> list[tuple[str, int]]:
    return [("127.0.0.1", 40000 + i) for i in range(start, start + n)]


def test_a_worker_within_its_share_keeps_every_connection() -> None:
    loads = [0, 25]
    mine = balance.Balance(0, loads, clock=Clock())
    assert not any(mine.should_close(c) for c in clients(25))
    assert loads[0] == 25


def test_an_over_full_worker_hands_on_one_connection_per_cooldown() -> None:
    clock, loads = Clock(), [0, 20]
    mine = balance.Balance(0, loads, clock=clock)
    decisions = [mine.should_close(c) for c in clients(30)]  # 30 here, 20 there: fair share 25
    assert decisions.count(True) == 1  # the rest came within the cool-down
    assert loads[0] == 29
    clock.now += 2 * balance.COOLDOWN_S
    closed = [c for c in clients(30) if mine.should_close(c)]
    assert len(closed) == 1 and loads[0] == 29  # one more handed on; the reconnected one counts again


def test_idle_connections_stop_counting() -> None:
    clock, loads = Clock(), [0, 10]
    mine = balance.Balance(0, loads, clock=clock)
    for c in clients(10):
        mine.should_close(c)
    clock.now += balance.IDLE_S + balance.RECOUNT_S
    assert not mine.should_close(clients(1, start=99)[0])
    assert loads[0] == 1


def test_a_picked_answer_says_connection_close(settings: Settings, tokens: dict[str, str]) -> None:  # noqa: F811
    class Always(balance.Balance):
        def should_close(self, client: tuple[str, int] | None) -> bool:
            return True

    app = create_app(settings)
    plain = TestClient(app)
    with plain:
        assert "close" not in plain.get("/api/v1/documents", headers=auth(tokens["viewer"])).headers.get(
            "connection", ""
        )
    balance.ACTIVE = Always(0, [0])
    try:
        with TestClient(create_app(settings)) as moved:
            answer = moved.get("/api/v1/documents", headers=auth(tokens["viewer"]))
    finally:
        balance.ACTIVE = None
    assert answer.status_code == 200 and answer.headers["connection"] == "close"
