"""Selection over all hierarchical two-way models, and its bootstrap interval."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from tables_data import hiv, r3, table  # noqa: E402

from refwatch.errors import InvalidInput  # noqa: E402
from refwatch.estimate.existence import fr_exists, lp_check  # noqa: E402
from refwatch.estimate.loglinear import design, fit  # noqa: E402
from refwatch.estimate.resampling import interval  # noqa: E402
from refwatch.estimate.run import Options, estimate  # noqa: E402
from refwatch.estimate.selection import candidates, fit_all, reduce, scores, select  # noqa: E402
from refwatch.estimate.tables import CaptureTable, all_histories  # noqa: E402


def test_batched_fits_equal_single_fits_for_every_model() -> None:
    table = hiv()
    cands = candidates(table)
    batch = fit_all(cands, table.counts)
    assert len(cands.masks) == 2**6
    for index, mask in enumerate(cands.masks):
        terms = [p for p, on in zip(cands.pairs, mask[-len(cands.pairs) :], strict=True) if on]
        single = fit(table, interactions=terms)
        assert batch.estimate[index] == pytest.approx(single.estimate, rel=1e-6)
        assert batch.deviance[index] == pytest.approx(single.deviance, rel=1e-6, abs=1e-6)
        assert -2 * batch.loglik[index] + 2 * batch.n_params[index] == pytest.approx(single.aic, rel=1e-9)


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_selection_picks_the_model_with_the_lowest_criterion(criterion: str) -> None:
    table = hiv()
    chosen = select(table, criterion=criterion)
    pairs = ["c1:c2", "c1:c3", "c1:c4", "c2:c3", "c2:c4", "c3:c4"]
    brute = [
        fit(table, interactions=list(terms))
        for r in range(len(pairs) + 1)
        for terms in itertools.combinations(pairs, r)
    ]
    best = min(brute, key=lambda m: m.aic if criterion == "aic" else m.bic)
    assert chosen.best.model == best.model
    assert chosen.models[0].model == best.model
    assert chosen.candidates_total == 64


@pytest.mark.parametrize("kind", ["percentile", "bca"])
def test_bootstrap_interval_is_reproducible_and_wider_than_the_fixed_model(kind: str) -> None:
    t = hiv()
    chosen = select(t, criterion="aic")
    first = interval(t, chosen, kind=kind, replicates=60, seed=7)
    again = interval(t, chosen, kind=kind, replicates=60, seed=7)
    other = interval(t, chosen, kind=kind, replicates=60, seed=8)
    assert (first.low, first.high) == (again.low, again.high)
    assert (first.low, first.high) != (other.low, other.high)
    assert first.low < chosen.best.estimate < first.high
    # Model uncertainty widens the interval beyond the chosen model's own ±1.96 se.
    assert first.high - first.low > 2 * 1.96 * chosen.best.se * 0.9


def test_heterogeneity_column_is_carried_into_every_candidate() -> None:
    chosen = select(r3(), criterion="aic", heterogeneity="darroch")
    assert chosen.best.heterogeneity == "darroch"
    assert all(m.heterogeneity == "darroch" for m in chosen.models)


def test_six_lists_fit_and_rank() -> None:
    rng = np.random.default_rng(3)
    histories = all_histories(6)
    p = np.array([0.3, 0.25, 0.2, 0.35, 0.3, 0.15])
    probability = np.prod(np.where(histories == 1, p, 1 - p), axis=1)
    table = CaptureTable(
        tuple(f"l{i}" for i in range(1, 7)), histories, rng.poisson(2000 * probability) * 1.0
    )
    cands = candidates(table)
    batch = fit_all(cands, table.counts)
    assert len(cands.masks) == 2**15
    assert np.isfinite(scores(batch, "bic", table.counts.sum())).sum() > 30000
    # The independence model is the truth; BIC should prefer few interactions.
    best = int(np.argmin(scores(batch, "bic", table.counts.sum())))
    assert cands.masks[best][-15:].sum() <= 2


def test_more_than_six_lists_is_refused_with_advice() -> None:
    table = CaptureTable(tuple(f"l{i}" for i in range(7)), all_histories(7), np.ones(127))
    with pytest.raises(InvalidInput, match="--interactions"):
        candidates(table)


#: Lists a and b share nobody, yet all three share 9: with both a:c and b:c the likelihood keeps
#: rising as the 110 cell's fit goes to 0, and N with it (the old code picked that model, N ≈ 6e12).
NO_ESTIMATE = {"100": 10, "010": 12, "001": 15, "110": 0, "101": 8, "011": 9, "111": 9}


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_models_without_a_finite_estimate_are_left_out_before_selection(criterion: str) -> None:
    t = table(("a", "b", "c"), NO_ESTIMATE)
    d = design(t, interactions=["a:c", "b:c"])
    assert not fr_exists(d.matrix, t.counts) and not lp_check(d.matrix, t.counts).exists
    chosen = select(t, criterion=criterion)
    assert chosen.existing_total == 6 and chosen.usable_total == 6  # a:c + b:c and the saturated model fail
    assert all("a:c + b:c" not in m.model for m in chosen.models)
    assert chosen.best.estimate < 10 * t.n_observed
    result = estimate(t, Options(select=criterion, bootstrap=40, seed=1))
    assert result["estimate"] is not None and result["ci_low"] is not None
    assert any("no finite maximum-likelihood estimate" in w for w in result["warnings"])


def test_a_pair_with_no_record_in_common_is_fitted_at_minus_infinity() -> None:
    # a and b share nobody: a:b has extended MLE −∞ (Chan, Silverman & Vincent 2021), its cells are
    # fitted as zero and the model competes with the term counted in its BIC.
    t = table(("a", "b", "c"), {"100": 30, "010": 20, "001": 25, "110": 0, "101": 5, "011": 4, "111": 0})
    cands = candidates(t)
    active, kept = reduce(cands, t.counts)
    with_ab = [i for i, m in enumerate(cands.masks) if m[cands.columns.index("a:b")]]
    assert all(not active[i][cands.columns.index("a:b")] for i in with_ab)
    assert all(not kept[i][[t.label(j) for j in range(7)].index("110")] for i in with_ab)
    batch = fit_all(cands, t.counts)
    only_ab = next(i for i in with_ab if cands.masks[i].sum() == 5)
    assert batch.exists[only_ab] and batch.usable[only_ab]
    alone = fit(t, exclude=["110", "111"])
    assert batch.estimate[only_ab] == pytest.approx(alone.estimate, rel=1e-8)
    # Its BIC counts the −∞ term: one more parameter than the fit without it.
    bic = scores(batch, "bic", t.counts.sum())[only_ab]
    assert bic == pytest.approx(alone.bic + np.log(t.counts.sum()), rel=1e-9)
