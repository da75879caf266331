"""The latent-class Gibbs sampler: reproducible, and right on data of known size."""

from __future__ import annotations

import numpy as np
import pytest

from refwatch.errors import InvalidInput
from refwatch.estimate.lcmcr import effective_sample_size, fit_lcmcr, geweke
from refwatch.estimate.tables import all_histories


def simulated(n: int, probabilities: list[float], seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    histories = all_histories(len(probabilities))
    caught = rng.random((n, len(probabilities))) < np.array(probabilities)
    index = {tuple(row): i for i, row in enumerate(histories.tolist())}
    counts = np.zeros(len(histories))
    for row in caught[caught.any(axis=1)].astype(int).tolist():
        counts[index[tuple(row)]] += 1
    return histories, counts


def test_same_seed_same_draws() -> None:
    histories, counts = simulated(800, [0.3, 0.3, 0.25, 0.35], seed=1)
    a = fit_lcmcr(histories, counts, burn_in=200, samples=50, thinning=2, seed=11)
    b = fit_lcmcr(histories, counts, burn_in=200, samples=50, thinning=2, seed=11)
    c = fit_lcmcr(histories, counts, burn_in=200, samples=50, thinning=2, seed=12)
    assert np.array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)
    assert a.seed == 11


def test_recovers_a_known_population_under_independence() -> None:
    histories, counts = simulated(1000, [0.3, 0.3, 0.3, 0.3], seed=5)
    result = fit_lcmcr(histories, counts, burn_in=2000, samples=500, thinning=5, seed=2)
    assert result.ci_low < 1000 < result.ci_high
    assert counts.sum() < result.estimate
    assert result.effective_sample_size > 20


def test_result_carries_diagnostics() -> None:
    histories, counts = simulated(500, [0.4, 0.3, 0.35], seed=3)
    result = fit_lcmcr(histories, counts, burn_in=500, samples=200, thinning=2, seed=4)
    assert result.iterations == 500 + 200 * 2
    assert result.iterations_per_second > 0
    assert set(result.trace_summary()) == {"q1_mean", "q2_mean", "q3_mean", "q4_mean"}


def test_short_chain_warns() -> None:
    histories, counts = simulated(3000, [0.1, 0.15, 0.1, 0.12], seed=8)
    result = fit_lcmcr(histories, counts, burn_in=0, samples=20, thinning=1, seed=1)
    assert any("effective sample size" in w or "not settled" in w for w in result.warnings)


def test_effective_sample_size_and_geweke() -> None:
    rng = np.random.default_rng(0)
    independent = rng.normal(size=4000)
    assert effective_sample_size(independent) == pytest.approx(4000, rel=0.15)
    walk = np.cumsum(rng.normal(size=4000))
    assert effective_sample_size(walk) < 100
    assert abs(geweke(independent)) < 3
    trend = np.linspace(0, 10, 4000) + rng.normal(size=4000) * 0.1
    assert abs(geweke(trend)) > 3


def test_bad_settings_are_refused() -> None:
    histories, counts = simulated(100, [0.5, 0.5, 0.5], seed=1)
    with pytest.raises(InvalidInput):
        fit_lcmcr(histories, counts, samples=1)
    with pytest.raises(InvalidInput, match="3 lists"):
        fit_lcmcr(all_histories(2), np.array([5.0, 5.0, 5.0]))
