"""Every figure in ../shared/data/mse/published.csv: fixed models within 0.5%, the BCa interval within 5%.

The tables and their published estimates come from Rcapture's datasets,
Baillargeon & Rivest (2007) and Rivest (2011) (see the README beside them).
Skipped cleanly when ../shared is absent; tables_data.py holds two of the
tables so that the key figures are tested either way.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from refwatch.estimate.loglinear import fit, profile_interval
from refwatch.estimate.resampling import beyond_replicates, interval
from refwatch.estimate.selection import select
from refwatch.estimate.tables import read_table

HIV = "rcapture_hiv_rome_4lists"
HARE = "rcapture_hare_6occasions"
DIABETES = "rcapture_tests_diabetes_bruno1994_4lists"
R3 = "rcapture_tests_darroch1993_R3_3lists"
ALL_PAIRS_4 = ["c1:c2", "c1:c3", "c1:c4", "c2:c3", "c2:c4", "c3:c4"]
DIABETES_3 = ["c1:c3", "c2:c4", "c3:c4"]

#: How each published model description maps onto our options.
MODELS: dict[tuple[str, str], dict[str, Any]] = {
    (HIV, "Mt + [c1:c2] (closedp.mX)"): {"interactions": ["c1:c2"]},
    (HIV, "Mt + all 6 pairwise"): {"interactions": ALL_PAIRS_4},
    (HARE, "Mth Poisson2 (closedp; best AIC 146.327)"): {"heterogeneity": "poisson"},
    (HARE, "Mt without 111111"): {"exclude": ["111111"]},
    (HARE, "M0"): {"common": True},
    (HARE, "Mt"): {},
    (HARE, "Mth Darroch"): {"heterogeneity": "darroch"},
    (HARE, "Mh Chao"): {"common": True, "heterogeneity": "chao"},
    (DIABETES, "(c1+c2+c3+c4)^2 - c1:c4 (Bruno et al. 1994 model)"): {
        "interactions": [p for p in ALL_PAIRS_4 if p != "c1:c4"]
    },
    (DIABETES, "Mt + c1:c3 + c2:c4 + c3:c4 (no heterogeneity)"): {"interactions": DIABETES_3},
    (DIABETES, "same + LB heterogeneity"): {"interactions": DIABETES_3, "heterogeneity": "chao"},
    (DIABETES, "same + Darroch heterogeneity"): {"interactions": DIABETES_3, "heterogeneity": "darroch"},
    (R3, "saturated (c1+c2+c3)^2"): {"interactions": ["c1:c2", "c1:c3", "c2:c3"]},
    (R3, "Mt + c1:c2 + c2:c3"): {"interactions": ["c1:c2", "c2:c3"]},
    (R3, "Mt + c1:c2 + LB heterogeneity"): {"interactions": ["c1:c2"], "heterogeneity": "chao"},
}


UK = "uk_modern_slavery_2013_5lists"

UK_BCA = (UK, "BIC + BCa bootstrap over all hierarchical two-way models (exhaustive)")
#: The seed of the UK check: SparseMSE's default ``iseed`` (R's generator differs, so any seed is as
#: good; this one was fixed before looking at the result). 1,000 replicates, as in the paper.
UK_SEED = 1234

#: Published figures this project cannot reproduce, each with the reason. A row here is checked
#: to be what the reason says, so that a reproducible fixed-model figure cannot hide in it.
NOT_REPRODUCED: dict[tuple[str, str], str] = {}


def published_rows(shared: Path) -> list[dict[str, str]]:
    with (shared / "data" / "mse" / "published.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def test_every_published_model_is_mapped(shared_dir: Path) -> None:
    rows = published_rows(shared_dir)
    assert not set(MODELS) & set(NOT_REPRODUCED)
    assert {(r["dataset_file"], r["model"]) for r in rows} == set(MODELS) | set(NOT_REPRODUCED) | {UK_BCA}


def test_uk_bca_interval_reproduces_the_published_one(shared_dir: Path) -> None:
    """Silverman, Chan & Vincent (2024), Table 6: BIC over the 1,024 two-way models, BCa, [11,456; 43,894].

    With this table the bias correction (about 0.55) and the acceleration (about 0.11) push the
    upper end to the 99.998% level of the bootstrap distribution: with 1,000 replicates it is the
    largest of them, in the paper as here. The lower end (about the 25% level) is stable and must
    be within 5%. The largest of 1,000 replicates is not: over seeds it ranged from 39,600 to 56,000
    (docs/estimation.md; 48,334 with this seed, 10% above the published end), so no seed-honest
    test can hold it to 5%: in 100 runs of 1,000 replicates (benchmarks/estimate.py --pool 100) it
    was within 5% of the published end 43 times, and 58 runs fell below it, so the published end is a
    typical run of the same method. It is checked instead to be what it is, the top of this bootstrap
    distribution, and the published end to be a plausible top of it: above our 99th percentile
    and not beyond our largest replicate by more than the seed-to-seed spread.
    """
    row = next(r for r in published_rows(shared_dir) if (r["dataset_file"], r["model"]) == UK_BCA)
    table = read_table(shared_dir / "data" / "mse" / f"{UK}.csv")
    chosen = select(table, criterion="bic")
    assert chosen.candidates_total == 1024
    ends = interval(table, chosen, kind="bca", replicates=1000, seed=UK_SEED, level=float(row["ci_level"]))
    assert ends.usable_replicates == 1000
    published_low, published_high = float(row["ci_low"]), float(row["ci_high"])
    assert ends.low == pytest.approx(published_low, rel=0.05)
    assert ends.high == pytest.approx(ends.estimates.max(), rel=0.02)
    assert [end for end, _ in beyond_replicates(ends)] == ["upper"]  # and the output warns so
    assert np.quantile(ends.estimates, 0.99) < published_high < 1.3 * ends.estimates.max()


@pytest.mark.parametrize(("dataset", "model"), sorted(MODELS))
def test_published_estimate(shared_dir: Path, dataset: str, model: str) -> None:
    row = next(r for r in published_rows(shared_dir) if (r["dataset_file"], r["model"]) == (dataset, model))
    table = read_table(shared_dir / "data" / "mse" / f"{dataset}.csv")
    fitted = fit(table, **MODELS[(dataset, model)])
    assert fitted.estimate == pytest.approx(float(row["N_hat"]), rel=0.005)
    # Published standard errors and deviances are rounded; compare at their precision.
    se_step = 10.0 ** -decimals(row["se"])
    assert abs(fitted.se - float(row["se"])) <= max(0.005 * float(row["se"]), se_step / 2 + 1e-9)
    assert abs(fitted.deviance - float(row["deviance"])) <= max(0.005 * float(row["deviance"]), 0.01)
    assert fitted.df == int(row["df"])
    if row["ci_low"]:
        low, high = profile_interval(table, fitted, level=float(row["ci_level"]))
        assert low == pytest.approx(float(row["ci_low"]), rel=0.005)
        assert high == pytest.approx(float(row["ci_high"]), rel=0.005)


def test_screened_bootstrap_refits_match_the_exhaustive_selection_on_the_uk_table(shared_dir: Path) -> None:
    """The fast re-selection (chord steps, branch and bound, lazy existence) against fitting all 1,024
    models, on resampled and jackknife tables of a sparse table (−∞ terms come and go)."""
    from refwatch.estimate.resampling import _refitter
    from refwatch.estimate.selection import fit_all, scores

    table = read_table(shared_dir / "data" / "mse" / f"{UK}.csv")
    chosen = select(table, criterion="bic")
    refit = _refitter(chosen)
    y = table.counts
    draws = np.random.default_rng(7).multinomial(int(y.sum()), y / y.sum(), size=12).astype(float)
    single = next(i for i in range(len(y)) if y[i] == 1)
    jackknife = y.copy()
    jackknife[single] = 0.0
    for draw in [*draws, jackknife]:
        batch = fit_all(chosen.cands, draw)
        s = scores(batch, "bic", float(draw.sum()))
        assert refit.estimate(draw) == pytest.approx(batch.estimate[int(np.argmin(s))], rel=1e-6)


def test_uk_percentile_interval_runs_clean(shared_dir: Path) -> None:
    """Parametric tables put people in cells the data left empty (LA with GP): −∞ terms come and go
    and some refits drift off; that must cost neither a warning (errors here) nor the interval."""
    table = read_table(shared_dir / "data" / "mse" / f"{UK}.csv")
    chosen = select(table, criterion="bic")
    ends = interval(table, chosen, kind="percentile", replicates=100, seed=1, workers=1)
    assert ends.usable_replicates == 100
    assert ends.low < chosen.best.estimate < ends.high


def test_reselection_finds_the_exhaustive_best_where_the_chord_screen_missed_it(shared_dir: Path) -> None:
    """Replicates of the UK check (seed 1234) on which the former screening (chord-Newton steps with a
    bound from the last step's change) kept a worse model: e.g. table 32 got 23,635 where the best BIC
    model gives 10,704; 8 of the 1,029 tables in all, nearly all too high, which inflated the upper
    tail. Table 37 is a near tie (BIC 185.23 against 185.33) that an early form of the predicted-score
    screen missed. Each is checked one by one and as one block, against fitting all 1,024 models."""
    from refwatch.estimate.resampling import _refitter
    from refwatch.estimate.selection import fit_all, scores

    table = read_table(shared_dir / "data" / "mse" / f"{UK}.csv")
    chosen = select(table, criterion="bic")
    y = table.counts
    draws = np.random.default_rng(UK_SEED).multinomial(int(y.sum()), y / y.sum(), size=1000).astype(float)
    hard = draws[[32, 37, 60, 111, 403]]
    expected = []
    for draw in hard:
        batch = fit_all(chosen.cands, draw)
        expected.append(batch.estimate[int(np.argmin(scores(batch, "bic", float(draw.sum()))))])
    assert _refitter(chosen).estimates(hard) == pytest.approx(expected, rel=1e-6)
    assert [_refitter(chosen).estimate(d) for d in hard] == pytest.approx(expected, rel=1e-6)


def test_uk_interval_reports_the_monte_carlo_error_of_each_end(shared_dir: Path) -> None:
    """The lower end is resolved (its Monte Carlo error is under 5% of the width); the upper one, the
    largest replicate, is not, and the output says so with the figure."""
    from refwatch.estimate.run import Options, estimate

    table = read_table(shared_dir / "data" / "mse" / f"{UK}.csv")
    result = estimate(table, Options(select="bic", interval="bca", seed=UK_SEED))
    low_se, high_se = result["selection"]["monte_carlo_se"]
    width = result["ci_high"] - result["ci_low"]
    assert 0 < low_se < 0.05 * width < high_se
    named = [w for w in result["warnings"] if "Monte Carlo standard error" in w]
    assert len(named) == 1 and named[0].startswith("the upper end")


def test_uk_upper_end_error_is_that_of_a_largest_replicate_on_every_seed(shared_dir: Path) -> None:
    """Seed 2 reads the upper end at 39,628; resampling its replicates gave a Monte Carlo error of
    461 (under 5% of the width, so no warning), while that end moves by about 3,400 between seeds
    (100 runs of 1,000 replicates, docs/estimation.md). The extreme-value error says so."""
    from refwatch.estimate.run import Options, estimate

    table = read_table(shared_dir / "data" / "mse" / f"{UK}.csv")
    result = estimate(table, Options(select="bic", interval="bca", seed=2))
    low_se, high_se = result["selection"]["monte_carlo_se"]
    width = result["ci_high"] - result["ci_low"]
    assert 2_000 < high_se < 6_000
    assert low_se < 0.05 * width < high_se
    assert any(
        w.startswith("the upper end") and "Monte Carlo standard error" in w for w in result["warnings"]
    )
