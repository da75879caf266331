"""Coverage of the profile-likelihood interval on data from a known N (slow; run in CI).

For the correctly specified model, a 95% interval should contain the true N
in about 95% of repeated samples. With 200 simulations the binomial standard
error is about 1.5 points, so the accepted band is 91%–98.5%. The seeds are
fixed, so the test is deterministic.
"""

from __future__ import annotations

import numpy as np
import pytest

from refwatch.estimate.loglinear import fit, profile_interval
from refwatch.estimate.tables import CaptureTable, all_histories

SIMULATIONS = 200


def draw(
    rng: np.random.Generator, n: int, first: float, second: tuple[float, float], rest: list[float]
) -> CaptureTable:
    """Individuals caught by list 1 with ``first``; list 2 depends on list 1; the rest independent."""
    c1 = rng.random(n) < first
    c2 = rng.random(n) < np.where(c1, second[0], second[1])
    others = rng.random((n, len(rest))) < np.array(rest)
    caught = np.column_stack([c1, c2, others]).astype(int)
    caught = caught[caught.any(axis=1)]
    k = caught.shape[1]
    histories = all_histories(k)
    weights = 2 ** np.arange(k)[::-1]
    index = np.full(2**k, -1)
    index[histories @ weights] = np.arange(len(histories))
    counts = np.bincount(index[caught @ weights], minlength=len(histories)).astype(float)
    return CaptureTable(tuple(f"c{i + 1}" for i in range(k)), histories, counts)


def coverage(
    seed: int, n: int, first: float, second: tuple[float, float], rest: list[float], terms: list[str]
) -> float:
    rng = np.random.default_rng(seed)
    covered = 0
    for _ in range(SIMULATIONS):
        table = draw(rng, n, first, second, rest)
        model = fit(table, interactions=terms)
        low, high = profile_interval(table, model)
        covered += low <= n <= high
    return covered / SIMULATIONS


@pytest.mark.slow
def test_coverage_under_independence() -> None:
    rate = coverage(seed=20261123, n=600, first=0.3, second=(0.25, 0.25), rest=[0.35], terms=[])
    assert 0.91 <= rate <= 0.985, rate


@pytest.mark.slow
def test_coverage_under_list_dependence() -> None:
    rate = coverage(seed=1123, n=1500, first=0.3, second=(0.5, 0.15), rest=[0.25, 0.3], terms=["c1:c2"])
    assert 0.91 <= rate <= 0.985, rate


@pytest.mark.slow
def test_ignoring_the_dependence_misses_the_truth() -> None:
    """The same dependent data with the independence model: coverage collapses (why dependence matters)."""
    rate = coverage(seed=1123, n=1500, first=0.3, second=(0.5, 0.15), rest=[0.25, 0.3], terms=[])
    assert rate < 0.8, rate
