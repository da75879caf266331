"""Load from wrk (the C HTTP benchmarking tool, Debian package ``wrk``) for ``api_load.py``.

Why not the Python clients: on a small machine the load generator shares the
CPUs with the server, and a Python client's own event loop adds to what it
measures. Against the same server, within a minute (2 CPUs, 50 connections),
aiohttp clients spent 0.35-0.43 ms of CPU per request and measured p99 112-120 ms,
wrk spent under 0.1 ms and measured 64-88 ms at the same or a higher rate: a
response that arrives while the Python loop is busy with others waits there,
and that wait is the client's, not the server's.

One wrk process per kind of request, each with its share of the connections
(by the mix's weights), so that each kind gets its own latency histogram. wrk
reports percentiles but not single latencies; its script prints the
distribution as 1,000 quantiles (the 990th is p99), which ``api_load`` merges
for the "all" row, each standing for a thousandth of its kind's requests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

QUANTILES = 1000
TIMEOUT_S = 10  # wrk keeps a histogram slot per microsecond up to this (80 MB)

# request(): the paths in turn; done(): requests, errors and the quantiles, as one JSON line.
SCRIPT = """
local paths = dofile("@PATHS@")
local i = 0
wrk.headers["Authorization"] = "Bearer @TOKEN@"
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  local q = {}
  for k = 1, @QUANTILES@ do q[k] = latency:percentile(100 * k / @QUANTILES@) end
  io.write(string.format('\\nRESULT {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "quantiles_us": [%s]}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(q, ",")))
end
"""


@dataclass
class KindResult:
    """What one wrk process measured: requests, errors by sort, latency quantiles in seconds."""

    requests: int
    seconds: float
    errors: dict[str, int]
    quantiles: list[float]


def find_wrk() -> str | None:
    return shutil.which("wrk")


def connections(clients: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split ``clients`` connections between the kinds by weight (largest remainder), at least one each."""
    if clients < len(weights):
        raise ValueError(f"wrk needs at least {len(weights)} clients, one per kind of request")
    total = sum(weights.values())
    spare = clients - len(weights)
    exact = {k: spare * w / total for k, w in weights.items()}
    share = {k: 1 + int(v) for k, v in exact.items()}
    by_remainder = sorted(weights, key=lambda k: exact[k] - int(exact[k]), reverse=True)
    for k in by_remainder[: clients - sum(share.values())]:
        share[k] += 1
    return share


def write_scripts(folder: Path, token: str, paths: Mapping[str, Sequence[str]]) -> dict[str, Path]:
    """A wrk script per kind (and its list of paths) in ``folder``, readable by this user only."""
    scripts = {}
    for kind, kind_paths in paths.items():
        data = folder / f"paths-{kind}.lua"
        data.write_text("return {\n" + ",\n".join(json.dumps(p) for p in kind_paths) + "\n}\n")
        script = folder / f"wrk-{kind}.lua"
        script.write_text(
            SCRIPT.replace("@PATHS@", str(data))
            .replace("@TOKEN@", token)
            .replace("@QUANTILES@", str(QUANTILES))
        )
        for f in (data, script):
            f.chmod(0o600)
        scripts[kind] = script
    return scripts


def run(
    wrk: str,
    base: str,
    scripts: Mapping[str, Path],
    share: Mapping[str, int],
    seconds: float,
    *,
    sequential: bool = False,
) -> dict[str, KindResult]:
    """Run wrk for each kind (all at once, or one after another) and parse what each reports."""

    def command(kind: str) -> list[str]:
        return [
            wrk,
            "--threads",
            "1",
            "--connections",
            str(share[kind]),
            "--duration",
            f"{max(1, round(seconds))}s",  # wrk takes whole seconds
            "--timeout",
            f"{TIMEOUT_S}s",
            "--script",
            str(scripts[kind]),
            base,
        ]

    def start(kind: str) -> subprocess.Popen[str]:
        return subprocess.Popen(command(kind), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    results: dict[str, KindResult] = {}
    if sequential:
        for kind in scripts:
            results[kind] = _finish(kind, start(kind))
        return results
    running = {kind: start(kind) for kind in scripts}
    for kind, process in running.items():
        results[kind] = _finish(kind, process)
    return results


def _finish(kind: str, process: subprocess.Popen[str]) -> KindResult:
    out, _ = process.communicate()
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    if process.returncode != 0 or line is None:
        raise SystemExit(f"wrk ({kind}) failed with exit status {process.returncode}:\n{out[-2000:]}")
    found = json.loads(line[len("RESULT ") :])
    errors = {k: int(found[k]) for k in ("connect", "read", "write", "status", "timeout")}
    return KindResult(
        requests=int(found["requests"]),
        seconds=found["duration_us"] / 1e6,
        errors=errors,
        quantiles=[q / 1e6 for q in found["quantiles_us"]],
    )
