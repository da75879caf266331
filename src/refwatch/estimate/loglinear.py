"""Log-linear models for capture tables, fitted as Poisson GLMs (Fienberg 1972; Cormack 1989).

Each observed history's expected count is ``exp(X β)``; the all-zero history,
which no list can observe, has all columns zero except the intercept, so its
expected count is ``exp(β0)`` and the population estimate is ``n + exp(β0)``.
Models, as Rcapture (Baillargeon & Rivest 2007) names them:

* ``M0``: one common capture effect (a single column, the number of lists);
* ``Mt``: one main effect per list;
* interactions such as ``c1:c2`` add the product of those lists' columns
  (dependence between lists);
* heterogeneity adds a column ``h(k)`` of the number of lists ``k`` a history
  is on: Darroch ``k²/2``, Poisson ``2^k − 1``, Gamma ``−log(3.5 + k) + log(3.5)``;
  Chao's lower bound adds one column ``max(k − j + 1, 0)`` for each ``j = 3…t``
  and, as Rcapture does, drops any whose coefficient comes out negative (a
  negative one would make the bound no longer a lower bound).

Fitting is iteratively reweighted least squares in NumPy. AIC and BIC are
computed from the full Poisson log-likelihood (as R's ``glm`` and Rcapture do);
BIC's penalty uses the log of the number of observed units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import optimize, special, stats

from refwatch.errors import EstimationError, InvalidInput
from refwatch.estimate.tables import CaptureTable

FloatArray = npt.NDArray[np.float64]

HETEROGENEITY_COLUMNS = {
    "darroch": lambda k: k**2 / 2.0,
    "poisson": lambda k: 2.0**k - 1.0,
    "gamma": lambda k: -np.log(3.5 + k) + np.log(3.5),
}
MAX_ITERATIONS = 100
TOLERANCE = 1e-10


@dataclass(frozen=True)
class LoglinearFit:
    """One fitted model and its figures (Rcapture's columns)."""

    model: str
    estimate: float
    se: float
    deviance: float
    df: int
    aic: float
    bic: float
    converged: bool
    coefficients: FloatArray = field(repr=False)
    fitted: FloatArray = field(repr=False)
    terms: tuple[str, ...] = ()
    heterogeneity: str = "none"
    excluded: tuple[str, ...] = ()
    common: bool = False


@dataclass(frozen=True)
class Design:
    """Design matrix over the table's histories, with column names; row 0 of ``zero_row`` is all-zero."""

    columns: tuple[str, ...]
    matrix: FloatArray
    keep: npt.NDArray[np.bool_]


def model_name(terms: Sequence[str], heterogeneity: str, *, common: bool = False) -> str:
    """Rcapture-style name: ``Mt``, ``Mth Darroch``, ``Mt + c1:c2``."""
    base = "M0" if common else "Mt"
    if heterogeneity != "none":
        base = ("Mh " if common else "Mth ") + heterogeneity.capitalize()
    return base + "".join(f" + {t}" for t in terms)


def design(
    table: CaptureTable,
    *,
    interactions: Sequence[str] = (),
    heterogeneity: str = "none",
    exclude: Sequence[str] = (),
    common: bool = False,
) -> Design:
    """Columns for the model; ``exclude`` drops histories (e.g. ``"111111"``) from the fit."""
    x = table.histories.astype(float)
    k = x.sum(axis=1)
    names: list[str] = ["(intercept)"]
    cols: list[FloatArray] = [np.ones(len(x))]
    if common:
        names.append("captures")
        cols.append(k)
    else:
        for j, name in enumerate(table.lists):
            names.append(name)
            cols.append(x[:, j])
    for term in interactions:
        parts = term.split(":")
        try:
            idx = [table.lists.index(p) for p in parts]
        except ValueError:
            raise InvalidInput(f"interaction {term!r} names a list the table does not have") from None
        names.append(term)
        cols.append(np.prod(x[:, idx], axis=1))
    if heterogeneity == "chao":
        for j in range(3, table.k + 1):
            names.append(f"h:chao{j}")
            cols.append(np.maximum(k - j + 1, 0.0))
    elif heterogeneity != "none":
        column = HETEROGENEITY_COLUMNS.get(heterogeneity)
        if column is None:
            raise InvalidInput(
                f"heterogeneity {heterogeneity!r} is not available; use none, chao, darroch, poisson or gamma"
            )
        names.append(f"h:{heterogeneity}")
        cols.append(np.asarray(column(k), dtype=float))
    labels = [table.label(i) for i in range(len(x))]
    unknown = [e for e in exclude if e not in labels]
    if unknown:
        raise InvalidInput(f"cannot exclude {unknown}: not a history of this table (e.g. {labels[-1]})")
    keep = np.array([label not in exclude for label in labels])
    return Design(tuple(names), np.column_stack(cols), keep)


def design_of(table: CaptureTable, model: LoglinearFit) -> Design:
    """The design a fitted model was built on (to refit it, profile it or check it)."""
    return design(
        table,
        interactions=model.terms,
        heterogeneity=model.heterogeneity,
        exclude=model.excluded,
        common=model.common,
    )


def irls(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray, bool]:
    """Poisson GLM with log link: coefficients, fitted means, converged flag."""
    mu = y + 0.5
    eta = np.log(mu)
    beta: FloatArray = np.zeros(x.shape[1])
    previous = math.inf
    for _ in range(MAX_ITERATIONS):
        z = eta + (y - mu) / mu
        xtw = x.T * mu
        try:
            beta = np.asarray(np.linalg.solve(xtw @ x, xtw @ z), dtype=float)
        except np.linalg.LinAlgError:
            beta = np.asarray(np.linalg.lstsq(xtw @ x, xtw @ z, rcond=None)[0], dtype=float)
        eta = np.clip(x @ beta, -700, 700)
        mu = np.exp(eta)
        dev = deviance(y, mu)
        if abs(previous - dev) <= TOLERANCE * (abs(dev) + 0.1):
            return beta, mu, bool(np.all(np.isfinite(beta)) and np.abs(beta).max() < 50)
        previous = dev
    return beta, mu, False


def deviances(y: FloatArray, mu: FloatArray) -> FloatArray:
    """Poisson deviance over the last axis (one per row of ``mu`` when it holds many fits); 0·log 0 = 0."""
    positive = y > 0
    ratio = np.where(positive, y * np.log(np.where(positive, y, 1.0) / np.where(positive, mu, 1.0)), 0.0)
    return np.asarray(2.0 * np.sum(ratio - (y - mu), axis=-1), dtype=float)


def deviance(y: FloatArray, mu: FloatArray) -> float:
    """Poisson deviance of one fit."""
    return float(deviances(y, mu))


def poisson_logliks(y: FloatArray, mu: FloatArray) -> FloatArray:
    """Full Poisson log-likelihood over the last axis (what R's ``glm`` uses for AIC)."""
    return np.asarray(np.sum(special.xlogy(y, mu) - mu - special.gammaln(y + 1.0), axis=-1), dtype=float)


def poisson_loglik(y: FloatArray, mu: FloatArray) -> float:
    """Full Poisson log-likelihood of one fit."""
    return float(poisson_logliks(y, mu))


def fit(
    table: CaptureTable,
    *,
    interactions: Sequence[str] = (),
    heterogeneity: str = "none",
    exclude: Sequence[str] = (),
    common: bool = False,
) -> LoglinearFit:
    """Fit one model to ``table``; see the module docstring for the models."""
    d = design(table, interactions=interactions, heterogeneity=heterogeneity, exclude=exclude, common=common)
    y = table.counts[d.keep]
    x, beta, mu, converged = _fit_design(d, y)
    n_params = x.shape[1]
    information = (x.T * mu) @ x
    try:
        cov = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        cov = np.full((n_params, n_params), np.nan)
        converged = False
    n0 = float(np.exp(beta[0]))
    n = float(table.counts.sum())
    # Delta method for N = n + exp(β0), plus the binomial variation of n itself (Rcapture).
    se = math.sqrt(max(n0**2 * float(cov[0, 0]) + n0, 0.0)) if np.isfinite(cov[0, 0]) else math.nan
    loglik = poisson_loglik(y, mu)
    fitted = np.zeros(len(table.counts))
    fitted[d.keep] = mu
    return LoglinearFit(
        model=model_name(interactions, heterogeneity, common=common)
        + "".join(f" without {e}" for e in exclude),
        estimate=n + n0,
        se=se,
        deviance=deviance(y, mu),
        df=len(y) - n_params,
        aic=-2 * loglik + 2 * n_params,
        bic=-2 * loglik + math.log(max(n, 1.0)) * n_params,
        converged=converged,
        coefficients=beta,
        fitted=fitted,
        terms=tuple(interactions),
        heterogeneity=heterogeneity,
        excluded=tuple(exclude),
        common=common,
    )


def _fit_design(d: Design, y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, bool]:
    """Fit the design's kept rows; for Chao's model, drop negative lower-bound columns one at a time."""
    x = d.matrix[d.keep]
    if x.shape[1] > len(y):
        raise InvalidInput(f"the model has {x.shape[1]} parameters but the table only {len(y)} cells")
    chao = np.array([c.startswith("h:chao") for c in d.columns])
    while True:
        beta, mu, converged = irls(x, y)
        negative = np.flatnonzero(chao & (beta < 0))
        if len(negative) == 0:
            return x, beta, mu, converged
        first = negative[0]
        x = np.delete(x, first, axis=1)
        chao = np.delete(chao, first)


def profile_interval(table: CaptureTable, model: LoglinearFit, *, level: float = 0.95) -> tuple[float, float]:
    """Profile-likelihood interval for N (Cormack 1992; Baillargeon & Rivest 2007).

    For a trial number ``n0`` of units no list saw, the unknown cell is set to
    ``n0`` and the same model is fitted to the completed table. Its multinomial
    log-likelihood given ``N = n + n0`` is the Poisson one (``−deviance/2``)
    plus ``n0·log n0 − log n0! + log N! − N·log N``. The interval holds every N
    whose log-likelihood is within ``χ²₁(level)/2`` of the maximum. Rcapture's
    ``profileCI`` evaluates the same function on integers and interpolates;
    here ``n0`` is continuous and the ends are found by root-finding.
    """
    d = design_of(table, model)
    y_obs = table.counts[d.keep]
    x_obs, _, _, _ = _fit_design(d, y_obs)  # the columns the fitted model kept
    x = np.vstack([np.eye(1, x_obs.shape[1]), x_obs])  # the all-zero history: intercept only
    n = float(table.counts.sum())

    def loglik(n0: float) -> float:
        y = np.concatenate([[n0], y_obs])
        _, mu, _ = irls(x, y)
        big_n = n + n0
        return float(
            -deviance(y, mu) / 2.0
            + special.xlogy(n0, n0)
            - special.gammaln(n0 + 1.0)
            + special.gammaln(big_n + 1.0)
            - special.xlogy(big_n, big_n)
        )

    guess = max(model.estimate - n, 1e-6)
    upper_guess = guess * 4 + 10
    peak = optimize.minimize_scalar(lambda v: -loglik(v), bounds=(0.0, upper_guess), method="bounded")
    best_n0 = float(peak.x)
    best = -float(peak.fun)
    drop = stats.chi2.ppf(level, 1) / 2.0

    def gap(n0: float) -> float:
        return float(best - loglik(n0) - drop)

    if gap(0.0) <= 0:
        low = 0.0
    else:
        low = float(optimize.brentq(gap, 0.0, best_n0, xtol=1e-7, rtol=1e-12))
    high_bracket = best_n0 * 2 + 10
    for _ in range(60):
        if gap(high_bracket) > 0:
            break
        high_bracket *= 2
    else:
        raise EstimationError("the upper end of the interval is unbounded: the data cannot limit N")
    high = float(optimize.brentq(gap, best_n0, high_bracket, xtol=1e-7, rtol=1e-12))
    return n + low, n + high
