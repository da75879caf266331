"""One entry point from a capture table and the user's choices to a result in the CLI's JSON shape.

The shape (``n_observed, estimate, se, ci_low, ci_high, ci_level, method, model,
deviance, df, aic, bic, warnings, models``) is a contract shared by the CLI, the
web dashboard and reports, so it is built here once. A figure is never returned
without its interval and its warnings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from refwatch.errors import InvalidInput
from refwatch.estimate.existence import assess, overlap_warnings
from refwatch.estimate.lcmcr import fit_lcmcr
from refwatch.estimate.loglinear import fit, profile_interval
from refwatch.estimate.resampling import INTERVALS, beyond_replicates, interval
from refwatch.estimate.selection import select
from refwatch.estimate.tables import CaptureTable

Method = Literal["loglinear", "lcmcr"]
HETEROGENEITY = ("none", "chao", "darroch", "poisson", "gamma")
#: An interval end whose Monte Carlo standard error exceeds this share of the width is named in the warnings.
MC_SHARE = 0.05
CI_TYPES = {
    "bca": "BCa bootstrap (Silverman, Chan & Vincent 2024): individuals resampled, model re-selected by "
    "{criterion} on every replicate, acceleration from a leave-one-out jackknife",
    "percentile": "parametric bootstrap percentile, model re-selected by {criterion} on every replicate",
}


@dataclass(frozen=True, slots=True)
class Options:
    """What the user asked for; defaults are the safe, simple choice."""

    method: Method = "loglinear"
    interactions: tuple[str, ...] = ()
    heterogeneity: str = "none"
    select: str | None = None
    seed: int | None = None
    level: float = 0.95
    bootstrap: int = 1000
    interval: str = "bca"
    lcmcr_burn_in: int = 10_000
    lcmcr_samples: int = 1_000
    lcmcr_thinning: int = 10


def parse_interactions(value: str | None, lists: tuple[str, ...]) -> tuple[str, ...]:
    """``"c1:c2, c2:c3"`` into terms, each list named checked against the table's columns."""
    if not value:
        return ()
    terms: list[str] = []
    for raw in value.split(","):
        term = raw.strip()
        if not term:
            continue
        names = term.split(":")
        unknown = [n for n in names if n not in lists]
        if len(names) < 2 or unknown or len(set(names)) != len(names):
            raise InvalidInput(
                f"--interactions: {term!r} is not an interaction of the table's lists "
                f"({', '.join(lists)}); write e.g. {lists[0]}:{lists[1]}"
            )
        terms.append(":".join(names))
    return tuple(dict.fromkeys(terms))


def estimate(table: CaptureTable, options: Options) -> dict[str, Any]:
    """Fit what ``options`` ask for on ``table`` and return the result in the JSON shape."""
    if options.heterogeneity not in HETEROGENEITY:
        raise InvalidInput(f"--heterogeneity must be one of {', '.join(HETEROGENEITY)}")
    if not 0.5 < options.level < 1:
        raise InvalidInput("--level must be between 0.5 and 1, e.g. 0.95")
    if options.method == "lcmcr":
        return _lcmcr(table, options)
    if options.method != "loglinear":
        raise InvalidInput("--method must be loglinear or lcmcr")
    if options.select:
        return _selected(table, options)
    return _fixed(table, options)


def _fixed(table: CaptureTable, options: Options) -> dict[str, Any]:

    model = fit(table, interactions=list(options.interactions), heterogeneity=options.heterogeneity)
    verdict = assess(table, model)
    warnings = verdict.warnings
    if not verdict.estimable:
        return _withheld(_result(table, "loglinear", options.level, model, None, None, warnings, []))
    low, high = _interval(lambda: profile_interval(table, model, level=options.level), warnings)
    return _result(table, "loglinear", options.level, model, low, high, warnings, [])


def _selected(table: CaptureTable, options: Options) -> dict[str, Any]:

    if options.select not in ("aic", "bic"):
        raise InvalidInput("--select must be aic or bic")
    if options.interval not in INTERVALS:
        raise InvalidInput(f"--interval must be one of {', '.join(INTERVALS)}")
    chosen = select(table, criterion=options.select, heterogeneity=options.heterogeneity)
    ends = interval(
        table,
        chosen,
        kind=options.interval,
        replicates=options.bootstrap,
        seed=options.seed,
        level=options.level,
    )
    verdict = assess(table, chosen.best)
    warnings = verdict.warnings
    if chosen.existing_total < chosen.candidates_total:
        warnings.append(
            f"{chosen.candidates_total - chosen.existing_total} of {chosen.candidates_total} candidate "
            "models have no finite maximum-likelihood estimate for this table (or cannot identify N) "
            "and were left out before the selection"
        )
    if chosen.usable_total < chosen.existing_total:
        warnings.append(
            f"{chosen.existing_total - chosen.usable_total} candidate models did not converge and were "
            "left out of the selection"
        )
    if ends.candidates < chosen.usable_total:
        warnings.append(
            f"each bootstrap replicate re-selected among the {ends.candidates} best-supported "
            f"of {chosen.usable_total} models (to keep the run short)"
        )
    if ends.usable_replicates < ends.replicates:
        warnings.append(
            f"{ends.replicates - ends.usable_replicates} of {ends.replicates} bootstrap tables had no "
            "model with a finite estimate and were left out of the interval"
        )
    for end, read in beyond_replicates(ends):
        warnings.append(
            f"the {end} end of the BCa interval is read at the {100 * read:.4g}% point of the bootstrap "
            f"distribution, beyond what {ends.usable_replicates} replicates resolve: it is the most extreme "
            "replicate and changes with --seed; report it as uncertain or run more --bootstrap replicates"
        )
    for end, se in zip(("lower", "upper"), ends.mc_se, strict=True):
        width = ends.high - ends.low
        if math.isfinite(se) and width > 0 and se > MC_SHARE * width:
            warnings.append(
                f"the {end} end of the interval has a Monte Carlo standard error of {se:,.0f} "
                f"({100 * se / width:.0f}% of the interval's width): another --seed moves it that much; "
                "run more --bootstrap replicates or report the end as uncertain"
            )
    models = [_model_row(m) for m in chosen.models]
    result = _result(table, "loglinear", options.level, chosen.best, ends.low, ends.high, warnings, models)
    if not verdict.estimable:
        result = _withheld(result)
    return result | {
        "ci_type": CI_TYPES[ends.kind].format(criterion=options.select.upper()),
        "selection": {
            "criterion": options.select,
            "candidates": chosen.candidates_total,
            "fitted": chosen.usable_total,
            "existing": chosen.existing_total,
            "models_listed": len(models),
            "interval": ends.kind,
            "bootstrap_replicates": ends.replicates,
            "bootstrap_usable": ends.usable_replicates,
            "bootstrap_candidates": ends.candidates,
            "bias_correction_z0": _num(ends.z0),
            "acceleration": _num(ends.acceleration),
            "bca_levels": None if ends.levels is None else [_num(v) for v in ends.levels],
            "jackknife_tables": ends.jackknife_tables,
            "monte_carlo_se": [_num(v) for v in ends.mc_se],
            "seed": ends.seed,
        },
    }


def _lcmcr(table: CaptureTable, options: Options) -> dict[str, Any]:

    result = fit_lcmcr(
        table.histories,
        table.counts,
        burn_in=options.lcmcr_burn_in,
        samples=options.lcmcr_samples,
        thinning=options.lcmcr_thinning,
        seed=options.seed,
        level=options.level,
    )
    return {
        "n_observed": table.n_observed,
        "estimate": _num(result.estimate),
        "se": _num(float(result.draws.std(ddof=1))) if len(result.draws) > 1 else None,
        "ci_low": _num(result.ci_low),
        "ci_high": _num(result.ci_high),
        "ci_level": options.level,
        "ci_type": "equal-tailed posterior credible interval",
        "method": "lcmcr",
        "model": "latent-class (Dirichlet process, truncated stick-breaking)",
        "deviance": None,
        "df": None,
        "aic": None,
        "bic": None,
        "warnings": overlap_warnings(table) + list(result.warnings),
        "models": [],
        "diagnostics": {
            "effective_sample_size": _num(result.effective_sample_size),
            "geweke_z": _num(result.geweke_z),
            "trace": {key: _num(value) for key, value in result.trace_summary().items()},
            "iterations": result.iterations,
            "iterations_per_second": _num(result.iterations_per_second),
            "classes": result.classes,
            "seed": result.seed,
        },
    }


def _withheld(result: dict[str, Any]) -> dict[str, Any]:
    """The result with no figure for N: printing one would suggest it means something."""
    return result | dict.fromkeys(("estimate", "se", "ci_low", "ci_high"))


def _interval(compute: Any, warnings: list[str]) -> tuple[float | None, float | None]:
    try:
        low, high = compute()
    except Exception as exc:  # an interval that cannot be found is reported, not hidden
        warnings.append(f"no profile-likelihood interval could be computed ({exc})")
        return None, None
    return float(low), float(high)


def _model_row(model: Any) -> dict[str, Any]:
    return {
        "model": model.model,
        "estimate": _num(model.estimate),
        "se": _num(model.se),
        "deviance": _num(model.deviance),
        "df": model.df,
        "aic": _num(model.aic),
        "bic": _num(model.bic),
        "converged": bool(model.converged),
    }


def _result(
    table: CaptureTable,
    method: str,
    level: float,
    model: Any,
    low: float | None,
    high: float | None,
    warnings: list[str],
    models: list[dict[str, Any]],
) -> dict[str, Any]:
    if not model.converged:
        warnings.append("the model fit did not converge; the figures below are not reliable")
    return {
        "n_observed": table.n_observed,
        "estimate": _num(model.estimate),
        "se": _num(model.se),
        "ci_low": _num(low),
        "ci_high": _num(high),
        "ci_level": level,
        "ci_type": "profile likelihood",
        "method": method,
        "model": model.model,
        "deviance": _num(model.deviance),
        "df": model.df,
        "aic": _num(model.aic),
        "bic": _num(model.bic),
        "warnings": warnings,
        "models": models,
    }


def _num(value: float | None) -> float | None:
    """Finite floats rounded for reading; infinities and NaN become None (JSON has no such numbers)."""
    if value is None or not math.isfinite(float(value)):
        return None
    return round(float(value), 4)
