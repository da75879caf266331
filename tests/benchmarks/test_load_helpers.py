"""The API load benchmark's arithmetic: how connections are shared out, percentiles, wrk's report."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import api_load  # noqa: E402
import wrk_clients  # noqa: E402


def test_connections_follow_the_mix_and_add_up() -> None:
    share = wrk_clients.connections(50, api_load.MIX)
    assert sum(share.values()) == 50
    assert share["documents_search"] < share["documents_list"] < share["incident_detail"]
    assert all(n >= 1 for n in share.values())


def test_every_kind_gets_a_connection_or_none_run() -> None:
    assert wrk_clients.connections(5, api_load.MIX) == dict.fromkeys(api_load.MIX, 1)
    with pytest.raises(ValueError, match="at least 5"):
        wrk_clients.connections(4, api_load.MIX)


def test_percentile_is_nearest_rank() -> None:
    pairs = [(v, 1.0) for v in (1.0, 2.0, 3.0, 4.0)]
    assert api_load.percentile(pairs, 50) == 2.0
    assert api_load.percentile(pairs, 51) == 3.0
    assert api_load.percentile(pairs, 99) == 4.0
    assert api_load.percentile([], 99) != api_load.percentile([], 99)  # nan


def test_percentile_weighs_quantiles_by_the_requests_they_stand_for() -> None:
    # 1,000 quantiles of a fast kind with 99,000 requests and one slow kind's 1,000 requests at 0.5 s:
    results = api_load.Results()
    results.latencies["incident_detail"] = [0.01] * 1000
    results.requests["incident_detail"] = 99_000
    results.latencies["incidents_list"] = [0.5] * 1000
    results.requests["incidents_list"] = 1000
    both = results.weighted(("incident_detail", "incidents_list"))
    assert api_load.percentile(both, 99) == 0.01
    assert api_load.percentile(both, 99.5) == 0.5


def test_request_paths_are_of_their_kind() -> None:
    data = api_load.regenerated(1000, 100)
    details = api_load.request_paths(data, "incident_detail", 20, seed=1)
    assert all(p.startswith("/api/v1/incidents/") and "?" not in p for p in details)
    lists = api_load.request_paths(data, "documents_list", 20, seed=1)
    assert all(p.startswith("/api/v1/documents?") and "limit=50" in p for p in lists)
    assert lists == api_load.request_paths(data, "documents_list", 20, seed=1)


class _Finished:
    def __init__(self, out: str, returncode: int = 0) -> None:
        self.out, self.returncode = out, returncode

    def communicate(self) -> tuple[str, None]:
        return self.out, None


def test_wrk_report_is_read_from_its_result_line() -> None:
    quantiles = ",".join(str(1000 * (k + 1)) for k in range(wrk_clients.QUANTILES))
    out = (
        "Running 30s test @ http://127.0.0.1:1\n"
        '\nRESULT {"requests": 1234, "duration_us": 30000000, "connect": 0, "read": 1, "write": 0, '
        f'"status": 2, "timeout": 0, "quantiles_us": [{quantiles}]}}\n'
    )
    result = wrk_clients._finish("incident_detail", _Finished(out))  # type: ignore[arg-type]
    assert result.requests == 1234
    assert result.seconds == 30.0
    assert result.errors == {"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 0}
    assert result.quantiles[989] == pytest.approx(0.99)  # the 990th of 1,000 is p99


def test_a_failed_wrk_says_what_it_printed() -> None:
    with pytest.raises(SystemExit, match="Usage: wrk"):
        wrk_clients._finish("incident_detail", _Finished("Usage: wrk <options> <url>", 1))  # type: ignore[arg-type]
