"""Selection over all hierarchical two-way models, and its bootstrap interval."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from tables_data import hiv, r3  # noqa: E402

from refwatch.errors import InvalidInput  # noqa: E402
from refwatch.estimate.loglinear import fit  # noqa: E402
from refwatch.estimate.selection import candidates, fit_all, scores, select  # noqa: E402
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
    chosen = select(table, criterion=criterion, bootstrap=30, seed=1)
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


def test_bootstrap_interval_is_reproducible_and_wider_than_the_fixed_model() -> None:
    table = hiv()
    first = select(table, criterion="aic", bootstrap=60, seed=7)
    again = select(table, criterion="aic", bootstrap=60, seed=7)
    other = select(table, criterion="aic", bootstrap=60, seed=8)
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert (first.ci_low, first.ci_high) != (other.ci_low, other.ci_high)
    assert first.ci_low < first.best.estimate < first.ci_high
    # Model uncertainty widens the interval beyond the chosen model's own ±1.96 se.
    assert first.ci_high - first.ci_low > 2 * 1.96 * first.best.se * 0.9


def test_heterogeneity_column_is_carried_into_every_candidate() -> None:
    chosen = select(r3(), criterion="aic", heterogeneity="darroch", bootstrap=20, seed=1)
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
