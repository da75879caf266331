"""Incident linking: reports clustered per second with the shipped model.

    .venv/bin/python benchmarks/linking.py [--reports 200 1000 3000]

Fictional reports of fictional events (seeded, so figures repeat): each event is told by one to
three documents with the usual disagreements (a day off, a vaguer place, a missing date), spread
over 20 years. Every relink clusters all stored reports, so this is the cost an ingest pays at
the end of a batch. Reading each report (features) is timed apart from clustering.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "link"))
from factories import make  # noqa: E402

from refwatch.link.clustering import cluster  # noqa: E402
from refwatch.link.features import features  # noqa: E402
from refwatch.link.model import default_model  # noqa: E402
from refwatch.link.report import Report  # noqa: E402

PLACES = [
    ("CN", "Jilin", "Tumen"),
    ("CN", "Liaoning", "Dandong"),
    ("CN", "Liaoning", "Shenyang"),
    ("CN", "Yunnan", "Kunming"),
    ("LA", None, None),
]


def fictional(n: int, seed: int = 20) -> list[Report]:
    """About ``n`` reports of fictional events."""
    rng = random.Random(seed)
    out: list[Report] = []
    event = 0
    while len(out) < n:
        day = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 7300))
        count, place = rng.choice([2, 5, 9, 15, 40, 50, 300, 600]), rng.choice(PLACES)
        for teller in range(rng.choice([1, 2, 3])):
            doc = f"e{event:05d}t{teller}"
            start = (
                None if rng.random() < 0.3 else (day + dt.timedelta(days=rng.choice([0, 1, 3]))).isoformat()
            )
            incident = make(
                doc, start=start, count=count, place=place if rng.random() < 0.8 else ("CN", None, None)
            )
            out.append(Report(f"{doc}#000", doc, incident, published=day + dt.timedelta(days=4)))
        event += 1
    return out[:n]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, nargs="+", default=[200, 1000])
    args = parser.parse_args()
    model = default_model()
    threshold = model.threshold or 0.5
    for n in args.reports:
        reports = fictional(n)
        t0 = time.perf_counter()
        for r in reports:
            features(r)
        t1 = time.perf_counter()
        result = cluster(reports, threshold=threshold, window_days=45, model=model)
        t2 = time.perf_counter()
        print(  # noqa: T201 - a benchmark prints its figures
            f"{n} reports: features {1e6 * (t1 - t0) / n:.0f} µs/report, clustering {t2 - t1:.2f} s "
            f"({n / (t2 - t0):.0f} reports/s), {len(result.groups)} incidents"
        )


if __name__ == "__main__":
    main()
