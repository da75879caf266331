"""Estimation speed: fitting every hierarchical two-way model, and LCMCR iterations per second.

Tables are simulated from a known population (fictional numbers), so the
figures depend only on the number of lists:

* selection: the time to fit all 2^C(k,2) models for k = 3, 4, 5, 6 lists (the
  issue asks for under 5 s at six), and the time of one bootstrap replicate;
* the whole selection plus BCa bootstrap (1,000 replicates and the jackknife,
  issue #18 asks for under 30 s at five lists), on the UK table of
  ../shared/data/mse when present and on a simulated five-list table: wall
  time and CPU time (this process and its workers), one and all workers, the
  load average, and the interval with the Monte Carlo error of each end for
  seed 1234 and four more seeds (the spread the docs quote);
* LCMCR: Gibbs sweeps per second on 4- and 6-list tables.
* with ``--pool K`` only: how much a BCa end read from ``--replicates`` replicates
  moves between seeds on the UK table. ``K`` times that many replicates are drawn
  at once and cut into ``K`` runs; the spread of the ends over those runs, the share
  within 5% of the published ends, where the published ends fall among them, and
  the ends read from all replicates pooled (the ends that more replicates approach)
  are printed (docs/estimation.md quotes ``--pool 120``, about 4 minutes of CPU).

    python benchmarks/estimate.py
    python benchmarks/estimate.py --repeat 5 --lcmcr-iterations 20000 --replicates 2000
    python benchmarks/estimate.py --pool 120 --seed 11
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from refwatch.estimate.bca import acceleration, bca_interval
from refwatch.estimate.lcmcr import fit_lcmcr
from refwatch.estimate.resampling import Interval, default_workers, interval, resampled_replicates
from refwatch.estimate.selection import Candidates, candidates, fit_all, scores, select
from refwatch.estimate.tables import CaptureTable, all_histories, read_table

UK = Path(__file__).resolve().parents[2] / "shared" / "data" / "mse" / "uk_modern_slavery_2013_5lists.csv"


def simulated(k: int, n: int = 5000, seed: int = 1) -> CaptureTable:
    """Independent lists with capture probabilities between 0.15 and 0.4."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.15, 0.4, size=k)
    histories = all_histories(k)
    cell = np.prod(np.where(histories == 1, p, 1 - p), axis=1)
    counts = rng.multinomial(n, np.concatenate([[np.prod(1 - p)], cell]))[1:]
    return CaptureTable(tuple(f"l{i + 1}" for i in range(k)), histories, counts.astype(float))


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """Shortest wall time of ``repeat`` runs (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished workers."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bca_run(
    table: CaptureTable, replicates: int, workers: int, seed: int = 1234
) -> tuple[float, float, Interval]:
    """Wall and CPU seconds of selection plus BCa interval, and the interval."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    chosen = select(table, criterion="bic")
    ends = interval(table, chosen, kind="bca", replicates=replicates, seed=seed, workers=workers)
    return time.perf_counter() - wall, cpu_seconds() - cpu, ends


def fit_everything(cands: Candidates, table: CaptureTable) -> None:
    batch = fit_all(cands, table.counts)
    scores(batch, "aic", float(table.counts.sum()))


#: Silverman, Chan & Vincent (2024), Table 6: BIC over all two-way models, BCa, 1,000 replicates.
UK_PUBLISHED = (11_456.0, 43_894.0)


def pooled_runs(table: CaptureTable, runs: int, replicates: int, seed: int) -> None:
    """The seed-to-seed spread of BCa ends from ``replicates`` replicates, from ``runs`` runs drawn at once.

    The jackknife (hence the acceleration) does not depend on the seed, so each run
    differs from another seed's run only by its replicates: cutting one long draw
    into ``runs`` pieces gives ``runs`` independent runs for the price of one.
    """
    wall, cpu = time.perf_counter(), cpu_seconds()
    chosen = select(table, criterion="bic")
    point = float(chosen.batch.estimate[chosen.best_index])
    rng = np.random.default_rng(seed)
    values, jackknife, _ = resampled_replicates(chosen, table, runs * replicates, rng, default_workers())
    a = acceleration(jackknife, table.counts)
    ends = np.array([bca_interval(part, point, a, 0.95) for part in values.reshape(runs, replicates)])
    pooled = bca_interval(values, point, a, 0.95)
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(f"\n## UK 2013: {runs} runs of {replicates} replicates (seed {seed}, drawn at once)")
    print(f"(load average after: {os.getloadavg()[0]:.1f}; {wall:.0f} s wall, {cpu:.0f} s CPU)")
    print(f"{'end':>6} {'published':>10} {'mean':>8} {'median':>8} {'s.d.':>7} {'10%':>8} {'90%':>8}"
          f" {'min':>8} {'max':>8} {'within 5%':>10} {'runs below published':>21} {'pooled':>8}")  # fmt: skip
    for i, name in enumerate(("lower", "upper")):
        v, pub = ends[:, i], UK_PUBLISHED[i]
        q10, q90 = np.quantile(v, [0.1, 0.9])
        print(
            f"{name:>6} {pub:>10,.0f} {v.mean():>8,.0f} {np.median(v):>8,.0f} {v.std(ddof=1):>7,.0f}"
            f" {q10:>8,.0f} {q90:>8,.0f} {v.min():>8,.0f} {v.max():>8,.0f}"
            f" {np.mean(np.abs(v / pub - 1) <= 0.05):>10.2f} {np.mean(v < pub):>21.2f} {pooled[i]:>8,.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is printed")
    parser.add_argument("--lcmcr-iterations", type=int, default=10_000)
    parser.add_argument("--replicates", type=int, default=1000, help="BCa bootstrap replicates")
    parser.add_argument(
        "--seeds", type=int, nargs="*", default=[1, 2, 3, 4], help="more seeds for the BCa run (all workers)"
    )
    parser.add_argument(
        "--pool", type=int, default=0, help="only the UK seed-to-seed spread, from this many runs"
    )
    parser.add_argument("--seed", type=int, default=11, help="seed of the --pool draw")
    args = parser.parse_args()
    if args.pool:
        pooled_runs(read_table(UK), args.pool, args.replicates, args.seed)
        return
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, NumPy {np.__version__}")
    print("\n## All hierarchical two-way log-linear models (main effects always in)")
    print(
        f"{'lists':>5} {'models':>8} {'fit all (s)':>12} {'per model (ms)':>15} {'≈ s per bootstrap rep':>22}"
    )
    for k in (3, 4, 5, 6):
        table = simulated(k)
        cands = candidates(table)

        seconds = best_of(args.repeat, partial(fit_everything, cands, table))
        chosen = select(table, criterion="aic")
        # 200 parametric replicates (one process): their cost per replicate.
        one_rep = best_of(
            1, partial(interval, table, chosen, kind="percentile", replicates=200, seed=1, workers=1)
        )
        one_rep *= 20 / 200
        print(
            f"{k:>5} {len(cands.masks):>8} {seconds:>12.3f} {1000 * seconds / len(cands.masks):>15.4f}"
            f" {max(one_rep, 0.0) / 20:>22.3f}"
        )
    print(f"\n## Selection (BIC) plus BCa bootstrap, {args.replicates} replicates + jackknife, five lists")
    print(f"(load average before: {os.getloadavg()[0]:.1f}; the machine may be shared)")
    print(
        f"{'table':>10} {'seed':>5} {'workers':>8} {'wall (s)':>9} {'CPU (s)':>8} {'interval':>22}"
        f" {'Monte Carlo s.e. of the ends':>29}"
    )
    tables = [("simulated", simulated(5))] + ([("UK 2013", read_table(UK))] if UK.exists() else [])
    for name, table in tables:
        runs = [(1234, w) for w in sorted({1, default_workers()})]
        runs += [(seed, default_workers()) for seed in args.seeds]
        for seed, workers in runs:
            wall, cpu, ends = bca_run(table, args.replicates, workers, seed)
            shown = f"{ends.low:,.0f} - {ends.high:,.0f}"
            errors = f"{ends.mc_se[0]:,.0f} / {ends.mc_se[1]:,.0f}"
            print(f"{name:>10} {seed:>5} {workers:>8} {wall:>9.1f} {cpu:>8.1f} {shown:>22} {errors:>29}")
    print(f"(load average after: {os.getloadavg()[0]:.1f})")
    print("\n## LCMCR Gibbs sampler (10 latent classes)")
    print(f"{'lists':>5} {'iterations':>11} {'iterations/s':>13}")
    for k in (4, 6):
        table = simulated(k, n=3000)
        result = fit_lcmcr(
            table.histories, table.counts, burn_in=args.lcmcr_iterations, samples=10, thinning=1, seed=1
        )
        print(f"{k:>5} {result.iterations:>11} {result.iterations_per_second:>13,.0f}")


if __name__ == "__main__":
    main()
