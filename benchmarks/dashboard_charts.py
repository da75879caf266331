"""How fast the dashboard draws its charts in headless Chromium, cold and on a warm cache (#19 speed).

Builds a throwaway database with the sample reports (``samples/reports``),
serves it with uvicorn in this process, logs in with Playwright (Debian's
Chromium) and opens the dashboard: once with an empty cache, then ``--runs``
times more. For each load it prints the time from the start of navigation
until each chart was drawn (the ``chart-drawn:<id>`` marks ``static/app.js``
sets when Vega has drawn a chart), and how many bytes the library files cost on
the wire (``transferSize``: 0 when served from the browser's cache) against
their size once decoded, and when the page had arrived and its scripts had run (the charts start
then). The target (#19): both charts within 300 ms on a
warm cache. Needs ``make web-assets``; prints figures, asserts nothing.

    python benchmarks/dashboard_charts.py --runs 10
    python benchmarks/dashboard_charts.py --lang ko
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import sync_playwright

from refwatch.config import load_settings
from refwatch.ingest.metadata import load_metadata
from refwatch.security.keys import write_key_file
from refwatch.services import accounts
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import init_database
from refwatch.web import vendor
from refwatch.web.app import create_app

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"
PASSWORD = "fictional-password-1"  # noqa: S105 (a throwaway database)
TIMINGS = """() => {
  const marks = {};
  for (const m of performance.getEntriesByType("mark")) marks[m.name] = m.startTime;
  const files = performance.getEntriesByType("resource")
    .filter((r) => r.name.includes("/static/vendor/"))
    .map((r) => ({name: r.name.split("/").pop(), wire: r.transferSize, body: r.encodedBodySize,
                  decoded: r.decodedBodySize}));
  const page = performance.getEntriesByType("navigation")[0];
  return {timeline: marks["chart-drawn:timeline"], map: marks["chart-drawn:map"], files,
          response: page.responseEnd, scripts: page.domContentLoadedEventStart};
}"""


def serve(home: Path) -> tuple[str, uvicorn.Server]:
    key = home / "bench.key"
    write_key_file(key)
    settings = load_settings(home=home / "data", key_file=key, require_2fa=False)
    db, _ = init_database(settings)
    try:
        files = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md", ".html", ".pdf"))
        ingest_paths(db, files, metadata=load_metadata(SAMPLES / "metadata.tsv"), actor="bench")
        accounts.add_user(db, "bench", PASSWORD, "editor")
    finally:
        db.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="warm loads after the cold one")
    parser.add_argument("--lang", choices=["en", "ko"], default="en")
    args = parser.parse_args()
    if not vendor.ready():
        raise SystemExit("the chart libraries are missing: run `make web-assets`")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("no Chromium: run scripts/ensure-chromium.sh")
    with tempfile.TemporaryDirectory() as folder:
        base, server = serve(Path(folder))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
                tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                tab.goto(
                    f"{base}/lang/{args.lang}?next=/login%3Fnext%3D/documents"
                )  # no charts before the cold load
                tab.fill("#username", "bench")
                tab.fill("#password", PASSWORD)
                tab.click("button[type=submit]")
                tab.wait_for_url(base + "/documents")
                results: list[dict[str, Any]] = []
                for _ in range(args.runs + 1):  # the first is cold: no page before loaded a library
                    tab.goto(base + "/")
                    tab.wait_for_selector("#timeline[data-rendered=true]", timeout=30_000)
                    tab.wait_for_selector("#map[data-rendered=true]", timeout=30_000)
                    results.append(tab.evaluate(TIMINGS))
                browser.close()
        finally:
            server.should_exit = True
    cold, warm = results[0], results[1:]
    print(f"dashboard ({args.lang}), {len(warm)} warm loads after one cold load; ms from navigation start")
    print(f"  cold: timeline {cold['timeline']:.0f}, map {cold['map']:.0f}")
    for chart in ("timeline", "map"):
        values = sorted(r[chart] for r in warm)
        print(
            f"  warm {chart}: median {statistics.median(values):.0f}, "
            f"best {values[0]:.0f}, worst {values[-1]:.0f}"
        )
    # Where the time goes: the page's HTML received, then its deferred scripts run (the charts start).
    for phase, label in (("response", "page received"), ("scripts", "scripts run, charts start")):
        values = sorted(r[phase] for r in warm)
        print(f"  warm, {label}: median {statistics.median(values):.0f}, best {values[0]:.0f}")
    both = sorted(max(r["timeline"], r["map"]) for r in warm)
    print(f"  warm, both drawn: median {statistics.median(both):.0f} ms (target 300 ms)")
    print("library files, cold load: bytes on the wire / decoded")
    for f in cold["files"]:
        print(f"  {f['name']:<28} {f['wire']:>9} / {f['decoded']:>9}")
    print(
        f"  total                        {sum(f['wire'] for f in cold['files']):>9} / "
        f"{sum(f['decoded'] for f in cold['files']):>9}"
    )
    print(
        f"library bytes on the wire, warm loads: {sorted({sum(f['wire'] for f in r['files']) for r in warm})}"
    )


if __name__ == "__main__":
    main()
