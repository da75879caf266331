"""Choosing among all hierarchical two-way log-linear models, with honest intervals.

With k lists there are C(k,2) possible pairwise dependences and so 2^C(k,2)
models that keep every main effect (32,768 for six lists). All are fitted at
once: every model is the full design with some interaction columns switched
off, so iteratively reweighted least squares runs on a stack of models in one
set of NumPy matrix products (a masked column is replaced by an identity row
in the normal equations, which pins its coefficient at zero).

Picking the best model by AIC or BIC and then quoting that model's own
interval ignores that another sample could have picked another model, and
such intervals are too narrow (Silverman, Chan & Vincent 2024). The interval
here is a parametric bootstrap that redoes the selection on every replicate:
tables are drawn from the chosen model's fitted cell probabilities (including
the unobserved cell) with the estimated N, the selection is run again, and
the percentiles of the re-selected estimates form the interval. For more than
1,024 candidates each replicate re-selects among the 1,024 best-supported
models on the original data, which keeps six lists practical; the output
says so.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from refwatch.errors import EstimationError, InvalidInput
from refwatch.estimate.loglinear import HETEROGENEITY_COLUMNS, LoglinearFit, deviances, fit, poisson_logliks
from refwatch.estimate.seeding import resolve_seed
from refwatch.estimate.tables import CaptureTable

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MAX_SELECTION_LISTS = 6
BOOTSTRAP_CANDIDATES = 1024
BATCH = 8192
ITERATIONS = 40
TOLERANCE = 1e-9
DIVERGED = 30.0


@dataclass(frozen=True)
class Candidates:
    """Every candidate model as a row of column masks over the full design."""

    columns: tuple[str, ...]
    matrix: FloatArray
    masks: BoolArray
    pairs: tuple[str, ...]


@dataclass(frozen=True)
class BatchFit:
    """Figures of many models fitted together (one entry per model)."""

    estimate: FloatArray
    beta: FloatArray
    deviance: FloatArray
    loglik: FloatArray
    n_params: npt.NDArray[np.int64]
    usable: BoolArray


@dataclass(frozen=True)
class Selection:
    """The chosen model, the candidates ranked, and the interval that includes selection."""

    best: LoglinearFit
    models: list[LoglinearFit]
    ci_low: float
    ci_high: float
    criterion: str
    candidates_total: int
    usable_total: int
    bootstrap_replicates: int
    bootstrap_candidates: int
    seed: int
    bootstrap_estimates: FloatArray = field(repr=False)


def candidates(table: CaptureTable, heterogeneity: str = "none") -> Candidates:
    """The full design (main effects, optional heterogeneity column, all pairs) and all masks."""
    if not 2 <= table.k <= MAX_SELECTION_LISTS:
        raise InvalidInput(
            f"automatic selection handles 2 to {MAX_SELECTION_LISTS} lists; this table has {table.k}. "
            f"Name the interactions with --interactions, or use --method lcmcr"
        )
    x = table.histories.astype(float)
    names = ["(intercept)", *table.lists]
    cols: list[FloatArray] = [np.ones(len(x)), *(x[:, j] for j in range(table.k))]
    if heterogeneity != "none":
        column = HETEROGENEITY_COLUMNS.get(heterogeneity)
        if column is None:
            raise InvalidInput("with --select, --heterogeneity must be none, darroch, poisson or gamma")
        names.append(f"h:{heterogeneity}")
        cols.append(np.asarray(column(x.sum(axis=1)), dtype=float))
    fixed = len(names)
    pairs = [(i, j) for i, j in itertools.combinations(range(table.k), 2)]
    for i, j in pairs:
        names.append(f"{table.lists[i]}:{table.lists[j]}")
        cols.append(x[:, i] * x[:, j])
    n_models = 2 ** len(pairs)
    bits = (np.arange(n_models)[:, None] >> np.arange(len(pairs))[None, :]) & 1
    masks = np.hstack([np.ones((n_models, fixed), dtype=bool), bits.astype(bool)])
    return Candidates(tuple(names), np.column_stack(cols), masks, tuple(names[fixed:]))


def fit_batch(
    matrix: FloatArray, masks: BoolArray, y: FloatArray, start: FloatArray | None = None
) -> BatchFit:
    """Fit every masked model to counts ``y`` by batched IRLS (Poisson, log link)."""
    n_models, p = masks.shape
    cells = len(y)
    outer = (matrix[:, :, None] * matrix[:, None, :]).reshape(cells, p * p)
    maskf = masks.astype(float)
    pair_mask = (maskf[:, :, None] * maskf[:, None, :]).reshape(n_models, p * p)
    off = 1.0 - maskf
    if start is None:
        mu = np.broadcast_to(y + 0.5, (n_models, cells)).copy()
        eta = np.log(mu)
    else:
        eta = np.clip((start * maskf) @ matrix.T, -DIVERGED * 2, DIVERGED * 2)
        mu = np.exp(eta)
    beta = np.zeros((n_models, p))
    previous = np.full(n_models, np.inf)
    dev = previous
    for _ in range(ITERATIONS):
        z = eta + (y - mu) / mu
        a = ((mu @ outer) * pair_mask).reshape(n_models, p, p)
        a[:, np.arange(p), np.arange(p)] += off
        rhs = ((mu * z) @ matrix) * maskf
        try:
            beta = np.linalg.solve(a, rhs[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            beta = np.einsum("bij,bj->bi", np.linalg.pinv(a), rhs)
        eta = np.clip(beta @ matrix.T, -700, 700)
        mu = np.exp(eta)
        dev = deviances(y, mu)
        if np.all(np.abs(previous - dev) <= TOLERANCE * (np.abs(dev) + 0.1)):
            break
        previous = dev
    converged = np.abs(previous - dev) <= 1e-6 * (np.abs(dev) + 0.1)
    n = float(y.sum())
    loglik = poisson_logliks(y, mu)
    n_params = masks.sum(axis=1)
    usable = converged & (np.abs(beta).max(axis=1) < DIVERGED) & (n_params <= cells)
    return BatchFit(
        estimate=n + np.exp(np.minimum(beta[:, 0], 700)),
        beta=beta,
        deviance=dev,
        loglik=loglik,
        n_params=n_params,
        usable=usable,
    )


def scores(batch: BatchFit, criterion: str, n_observed: float) -> FloatArray:
    """AIC or BIC per model; unusable models score +inf."""
    penalty = 2.0 if criterion == "aic" else math.log(max(n_observed, 1.0))
    value = -2.0 * batch.loglik + penalty * batch.n_params
    return np.where(batch.usable, value, np.inf)


def fit_all(cands: Candidates, y: FloatArray, start: FloatArray | None = None) -> BatchFit:
    """:func:`fit_batch` over all candidates in chunks (bounds the memory for six lists)."""
    parts = []
    for lo in range(0, len(cands.masks), BATCH):
        hi = lo + BATCH
        parts.append(fit_batch(cands.matrix, cands.masks[lo:hi], y, None if start is None else start[lo:hi]))
    return BatchFit(
        estimate=np.concatenate([b.estimate for b in parts]),
        beta=np.vstack([b.beta for b in parts]),
        deviance=np.concatenate([b.deviance for b in parts]),
        loglik=np.concatenate([b.loglik for b in parts]),
        n_params=np.concatenate([b.n_params for b in parts]),
        usable=np.concatenate([b.usable for b in parts]),
    )


def select(
    table: CaptureTable,
    *,
    criterion: str = "aic",
    heterogeneity: str = "none",
    bootstrap: int = 200,
    seed: int | None = None,
    level: float = 0.95,
    report: int | None = None,
) -> Selection:
    """Fit every hierarchical two-way model, pick the best by ``criterion``, bootstrap the interval.

    ``report`` models are returned ranked (by default all when there are at most
    256 candidates, otherwise the 50 best).
    """
    if criterion not in ("aic", "bic"):
        raise InvalidInput("--select must be aic or bic")
    cands = candidates(table, heterogeneity)
    y = table.counts
    batch = fit_all(cands, y)
    score = scores(batch, criterion, float(y.sum()))
    if not np.isfinite(score).any():
        raise EstimationError("no candidate model could be fitted to this table; it is too sparse")
    order = np.argsort(score, kind="stable")
    order = order[np.isfinite(score[order])]
    best_index = int(order[0])
    if report is None:
        report = len(order) if len(order) <= 256 else 50
    ranked = [_refit(table, cands, int(i), heterogeneity) for i in order[:report]]
    seed_used = resolve_seed(seed)
    estimates = _bootstrap(table, cands, batch, best_index, order, criterion, bootstrap, seed_used)
    tail = (1.0 - level) / 2.0
    finite = estimates[np.isfinite(estimates)]
    if len(finite) < max(10, bootstrap // 2):
        raise EstimationError(
            f"only {len(finite)} of {bootstrap} bootstrap replicates gave an estimate; "
            "the table is too sparse for an interval that includes model selection"
        )
    low, high = np.quantile(finite, [tail, 1.0 - tail])
    return Selection(
        best=ranked[0],
        models=ranked,
        ci_low=float(low),
        ci_high=float(high),
        criterion=criterion,
        candidates_total=len(cands.masks),
        usable_total=int(np.isfinite(score).sum()),
        bootstrap_replicates=bootstrap,
        bootstrap_candidates=min(len(order), BOOTSTRAP_CANDIDATES),
        seed=seed_used,
        bootstrap_estimates=estimates,
    )


def _refit(table: CaptureTable, cands: Candidates, index: int, heterogeneity: str) -> LoglinearFit:
    """The single-model fit (exact figures, standard error) for one candidate."""
    chosen = [
        name for name, on in zip(cands.pairs, cands.masks[index][-len(cands.pairs) :], strict=True) if on
    ]
    return fit(table, interactions=chosen, heterogeneity=heterogeneity)


def _bootstrap(
    table: CaptureTable,
    cands: Candidates,
    batch: BatchFit,
    best_index: int,
    order: npt.NDArray[np.int64],
    criterion: str,
    replicates: int,
    seed: int,
) -> FloatArray:
    """Re-selected estimates on tables drawn from the chosen model (parametric bootstrap)."""
    rng = np.random.default_rng(seed)
    keep = order[:BOOTSTRAP_CANDIDATES]
    sub = Candidates(cands.columns, cands.matrix, cands.masks[keep], cands.pairs)
    start = batch.beta[keep]
    mu = np.exp(cands.matrix @ batch.beta[best_index])
    mu0 = math.exp(min(float(batch.beta[best_index][0]), 700.0))
    total = mu.sum() + mu0
    size = int(round(total))
    probabilities = np.concatenate([[mu0], mu]) / total
    estimates = np.full(replicates, np.nan)
    for r in range(replicates):
        draw = rng.multinomial(size, probabilities)[1:].astype(float)
        if draw.sum() == 0:
            continue
        fits = fit_all(sub, draw, start)
        s = scores(fits, criterion, float(draw.sum()))
        if np.isfinite(s).any():
            estimates[r] = fits.estimate[int(np.argmin(s))]
    return estimates
