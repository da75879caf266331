"""The pieces of the BCa interval (Efron 1987) on made-up numbers, and the interval on small tables."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).parent))
from tables_data import hiv  # noqa: E402

from refwatch.errors import EstimationError  # noqa: E402
from refwatch.estimate.bca import (  # noqa: E402
    acceleration,
    adjusted_levels,
    bca_interval,
    bias_correction,
    percentile_interval,
)
from refwatch.estimate.resampling import interval  # noqa: E402
from refwatch.estimate.selection import select  # noqa: E402

SYMMETRIC = np.concatenate([100.0 - np.arange(1, 201), 100.0 + np.arange(1, 201)])


def test_bias_correction_is_zero_when_the_estimate_is_the_bootstrap_median() -> None:
    assert bias_correction(SYMMETRIC, 100.0) == 0.0


def test_bias_correction_follows_the_share_below_the_estimate() -> None:
    replicates = np.arange(1.0, 101.0)  # 100 values; 84 of them below 84.5
    assert bias_correction(replicates, 84.5) == pytest.approx(stats.norm.ppf(0.84))
    assert bias_correction(replicates, 20.5) < 0 < bias_correction(replicates, 70.5)


def test_bias_correction_counts_ties_half_and_ignores_failed_replicates() -> None:
    replicates = np.array([1.0, 2.0, 2.0, 3.0, np.nan])
    assert bias_correction(replicates, 2.0) == 0.0


def test_all_replicates_on_one_side_is_refused() -> None:
    with pytest.raises(EstimationError, match="one side"):
        bias_correction(np.array([5.0, 6.0, 7.0]), 4.0)


def test_acceleration_is_zero_for_symmetric_jackknife_values() -> None:
    assert acceleration(np.array([9.0, 10.0, 11.0]), np.array([3.0, 4.0, 3.0])) == 0.0


def test_acceleration_sign_follows_the_skew_of_the_influence() -> None:
    # One cell whose removal lowers the estimate a lot: the estimate grows faster than it shrinks.
    skewed = np.array([10.0, 10.0, 10.0, 4.0])
    weights = np.ones(4)
    assert acceleration(skewed, weights) > 0
    assert acceleration(20.0 - skewed, weights) == pytest.approx(-acceleration(skewed, weights))


def test_cell_weights_equal_repeating_each_individual() -> None:
    values, counts = np.array([3.0, 5.0, 11.0]), np.array([4.0, 2.0, 1.0])
    expanded = np.repeat(values, counts.astype(int))
    assert acceleration(values, counts) == pytest.approx(acceleration(expanded, np.ones(len(expanded))))
    # Efron's unweighted formula on the expanded values.
    d = expanded.mean() - expanded
    assert acceleration(values, counts) == pytest.approx((d**3).sum() / (6 * ((d**2).sum()) ** 1.5))


def test_empty_cells_carry_no_weight_and_a_missing_jackknife_value_is_refused() -> None:
    assert acceleration(np.array([1.0, np.nan, 3.0]), np.array([2.0, 0.0, 2.0])) == 0.0
    with pytest.raises(EstimationError, match="jackknife"):
        acceleration(np.array([1.0, np.nan, 3.0]), np.array([2.0, 1.0, 2.0]))


def test_no_correction_gives_the_percentile_interval() -> None:
    assert np.allclose(adjusted_levels(0.0, 0.0, np.array([0.025, 0.975])), [0.025, 0.975])
    assert bca_interval(SYMMETRIC, 100.0, 0.0, 0.9) == percentile_interval(SYMMETRIC, 0.9)


def test_positive_bias_correction_and_acceleration_move_both_ends_up() -> None:
    base = adjusted_levels(0.0, 0.0, np.array([0.025, 0.975]))
    assert np.all(adjusted_levels(0.3, 0.0, np.array([0.025, 0.975])) > base)
    assert np.all(adjusted_levels(0.0, 0.1, np.array([0.025, 0.975])) > base)
    skewed = np.exp(np.linspace(-2, 2, 401))
    low, high = bca_interval(skewed, float(np.median(skewed)), 0.1, 0.95)
    plow, phigh = percentile_interval(skewed, 0.95)
    assert low > plow and high > phigh


def test_bca_interval_on_a_table_is_reproducible_and_contains_the_estimate() -> None:
    table = hiv()
    chosen = select(table, criterion="bic")
    first = interval(table, chosen, kind="bca", replicates=60, seed=3)
    again = interval(table, chosen, kind="bca", replicates=60, seed=3)
    assert (first.low, first.high) == (again.low, again.high)
    assert first.low < chosen.best.estimate < first.high
    assert first.jackknife_tables == int((table.counts > 0).sum())
    assert first.z0 is not None and first.acceleration is not None
    # The same replicates with the corrections switched off give their percentile interval.
    assert percentile_interval(first.estimates, 0.95) == bca_interval(
        first.estimates, float(np.median(first.estimates)), 0.0, 0.95
    )


def test_screened_refits_choose_what_the_exhaustive_selection_chooses() -> None:
    from refwatch.estimate.resampling import _refitter
    from refwatch.estimate.selection import fit_all, scores

    table = hiv()
    chosen = select(table, criterion="bic")
    refit = _refitter(chosen)
    rng = np.random.default_rng(11)
    y = table.counts
    draws = rng.multinomial(int(y.sum()), y / y.sum(), size=25).astype(float)
    for draw in draws:
        batch = fit_all(chosen.cands, draw)
        s = scores(batch, "bic", float(draw.sum()))
        assert refit.estimate(draw) == pytest.approx(batch.estimate[int(np.argmin(s))], rel=1e-6)


def test_workers_do_not_change_the_interval() -> None:
    table = hiv()
    chosen = select(table, criterion="aic")
    one = interval(table, chosen, kind="bca", replicates=200, seed=4, workers=1)
    two = interval(table, chosen, kind="bca", replicates=200, seed=4, workers=2)
    assert np.array_equal(one.estimates, two.estimates)
    assert (one.low, one.high, one.acceleration) == (two.low, two.high, two.acceleration)


def test_an_end_read_beyond_the_replicates_is_named() -> None:
    from refwatch.estimate.resampling import Interval, beyond_replicates

    def ends(levels: tuple[float, float] | None) -> Interval:
        return Interval("bca", 1.0, 2.0, 1000, 1000, 8, 1, levels=levels)

    assert beyond_replicates(ends((0.025, 0.975))) == []
    assert beyond_replicates(ends((0.29, 0.99998))) == [("upper", 0.99998)]
    assert beyond_replicates(ends((0.0001, 0.9))) == [("lower", 0.0001)]
    assert beyond_replicates(ends(None)) == []


def test_monte_carlo_errors_shrink_with_more_replicates_and_follow_the_quantile_theory() -> None:
    """For a normal sample the standard error of the 2.5% point is sqrt(q(1-q)/B)/φ(z_q) (about
    0.16 for 1,000 replicates); a resample of the replicates gives that, and four times the replicates
    halve it. The BCa form moves z0 with the resample, so its errors are at least as large."""
    from refwatch.estimate.bca import monte_carlo_errors

    rng = np.random.default_rng(8)
    small, large = rng.normal(size=1000), rng.normal(size=4000)
    theory = np.sqrt(0.025 * 0.975 / 1000) / stats.norm.pdf(1.96)
    low, high = monte_carlo_errors(small, None, 0.0, 0.95, np.random.default_rng(1), resamples=400)
    assert low == pytest.approx(theory, rel=0.3) and high == pytest.approx(theory, rel=0.3)
    low4, _ = monte_carlo_errors(large, None, 0.0, 0.95, np.random.default_rng(1), resamples=400)
    assert low4 == pytest.approx(low / 2, rel=0.3)
    bca_low, _ = monte_carlo_errors(small, 0.0, 0.0, 0.95, np.random.default_rng(1), resamples=400)
    assert bca_low >= 0.9 * low
    # Reproducible from the generator's seed; and no replicate on one side gives no figure, not an error.
    again = monte_carlo_errors(small, None, 0.0, 0.95, np.random.default_rng(1), resamples=400)
    assert again == (low, high)
    nothing = monte_carlo_errors(np.ones(50), 0.5, 0.0, 0.95, np.random.default_rng(1))
    assert all(np.isnan(nothing))


def test_block_reselection_equals_table_by_table() -> None:
    """Tables screened together (with −∞ patterns that differ between them) give what each gives alone."""
    from refwatch.estimate.resampling import _refitter

    table = hiv()
    chosen = select(table, criterion="aic")
    y = table.counts
    draws = np.random.default_rng(12).multinomial(int(y.sum()), y / y.sum(), size=40).astype(float)
    draws[3, table.histories[:, :2].all(axis=1)] = 0.0  # c1 and c2 with nobody in common: a −∞ term
    together = _refitter(chosen).estimates(draws)
    alone = [_refitter(chosen).estimate(d) for d in draws]
    assert together == pytest.approx(alone, rel=1e-9)


def test_an_end_read_at_the_largest_replicate_gets_the_seed_to_seed_error_of_a_maximum() -> None:
    """An end beyond the replicates is the largest of B; how much it moves with the seed depends on
    the tail beyond them, which resampling the replicates cannot see. For exponential replicates the
    largest of 1,000 moves with standard deviation π/√6 = 1.28 (a Gumbel variable); resampling gave
    0.74 on average over these 30 draws and as little as 0.16 on one."""
    import math

    from refwatch.estimate.bca import adjusted_levels, bias_correction, monte_carlo_errors

    rng = np.random.default_rng(3)
    errors = []
    for i in range(30):
        x = rng.exponential(1.0, 1000)
        estimate = float(np.quantile(x, 0.75))
        assert adjusted_levels(bias_correction(x, estimate), 0.15, np.array([0.975]))[0] > 1 - 1 / 1000
        errors.append(monte_carlo_errors(x, estimate, 0.15, 0.95, np.random.default_rng(i))[1])
    target = math.pi / math.sqrt(6.0)
    assert float(np.mean(errors)) == pytest.approx(target, rel=0.1)
    assert min(errors) > 0.6 * target
