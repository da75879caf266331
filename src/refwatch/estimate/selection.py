"""Choosing among all hierarchical two-way log-linear models, with honest intervals.

With k lists there are C(k,2) possible pairwise dependences and so 2^C(k,2)
models that keep every main effect (32,768 for six lists). All are fitted at
once: every model is the full design with some interaction columns switched
off, so iteratively reweighted least squares runs on a stack of models in one
set of NumPy matrix products (a masked column is replaced by an identity row
in the normal equations, which pins its coefficient at zero). Models that have
converged drop out of the stack, so a warm-started refit (a bootstrap table
close to the original) costs a few iterations of the slowest model only.

Sparse tables are handled as Chan, Silverman & Vincent (2021) do, *before*
any model is compared with another:

* a term whose margin is zero (two lists with no record in common) has the
  extended maximum-likelihood value −∞: the term is kept in the model (and in
  its parameter count), its coefficient is not estimated, and the cells it
  covers are fitted as zero and left out of the likelihood;
* of the rest, a model is a candidate only if its design is identifiable and
  its maximum-likelihood estimate exists (the Fienberg–Rinaldo condition,
  :func:`refwatch.estimate.existence.fr_exists`). A fit that converges with
  every cell clearly positive proves existence itself (see
  :func:`existence`); only the others need the linear programme, and its
  answers are cached per model and pattern of empty cells.

Without that check a model whose estimate does not exist can still "converge"
numerically to some large number and win the selection; then the only remedy
was to withhold the figure afterwards.

Picking the best model by AIC or BIC and then quoting that model's own
interval ignores that another sample could have picked another model, and
such intervals are too narrow (Silverman, Chan & Vincent 2024). The intervals
that redo the selection on every replicate are in
:mod:`refwatch.estimate.resampling`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from refwatch.errors import EstimationError, InvalidInput
from refwatch.estimate.existence import fr_exists
from refwatch.estimate.loglinear import HETEROGENEITY_COLUMNS, LoglinearFit, deviances, fit, poisson_logliks
from refwatch.estimate.tables import CaptureTable

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MAX_SELECTION_LISTS = 6
BATCH = 8192
ITERATIONS = 60
TOLERANCE = 1e-9
DIVERGED = 40.0
#: A refitted cell must stay above this share of the table to certify existence without a linear programme.
CERTIFY = 1e-9
#: A last IRLS step below this means the fit settled on a finite maximum (an escaping one stays near 1).
SETTLED = 1e-3
#: Linear predictors are capped here (e^100 is far beyond any count) so that a drifting fit cannot overflow.
LOG_CEILING = 100.0


@dataclass(frozen=True)
class Candidates:
    """Every candidate model as a row of column masks over the full design.

    ``binary`` marks the 0/1 columns (lists and pairs) whose coefficient may be
    −∞ when their margin is zero; the intercept and a heterogeneity column never are.
    """

    columns: tuple[str, ...]
    matrix: FloatArray
    masks: BoolArray
    pairs: tuple[str, ...]
    binary: BoolArray

    def subset(self, rows: npt.NDArray[np.int64]) -> Candidates:
        """The same design with only the models in ``rows``."""
        return Candidates(self.columns, self.matrix, self.masks[rows], self.pairs, self.binary)


@dataclass(frozen=True)
class BatchFit:
    """Figures of many models fitted together (one entry per model).

    ``usable`` is what selection may choose from: the estimate exists (after
    −∞ terms), the design is identifiable and the fit converged. ``exists`` is
    the existence verdict alone, to count what the check left out.
    """

    estimate: FloatArray
    beta: FloatArray
    deviance: FloatArray
    loglik: FloatArray
    n_params: npt.NDArray[np.int64]
    usable: BoolArray
    exists: BoolArray
    kept: BoolArray = field(repr=False)


@dataclass(frozen=True)
class Selection:
    """The chosen model and the candidates ranked (the interval is computed elsewhere)."""

    best: LoglinearFit
    models: list[LoglinearFit]
    criterion: str
    candidates_total: int
    usable_total: int
    existing_total: int
    best_index: int
    order: npt.NDArray[np.int64] = field(repr=False)
    batch: BatchFit = field(repr=False)
    cands: Candidates = field(repr=False)


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
    binary = [False, *([True] * table.k)]
    if heterogeneity != "none":
        column = HETEROGENEITY_COLUMNS.get(heterogeneity)
        if column is None:
            raise InvalidInput("with --select, --heterogeneity must be none, darroch, poisson or gamma")
        names.append(f"h:{heterogeneity}")
        cols.append(np.asarray(column(x.sum(axis=1)), dtype=float))
        binary.append(False)
    fixed = len(names)
    pairs = [(i, j) for i, j in itertools.combinations(range(table.k), 2)]
    for i, j in pairs:
        names.append(f"{table.lists[i]}:{table.lists[j]}")
        cols.append(x[:, i] * x[:, j])
        binary.append(True)
    n_models = 2 ** len(pairs)
    bits = (np.arange(n_models)[:, None] >> np.arange(len(pairs))[None, :]) & 1
    masks = np.hstack([np.ones((n_models, fixed), dtype=bool), bits.astype(bool)])
    return Candidates(
        tuple(names), np.column_stack(cols), masks, tuple(names[fixed:]), np.array(binary, dtype=bool)
    )


def reduce(cands: Candidates, y: FloatArray) -> tuple[BoolArray, BoolArray]:
    """Per model, the coefficients to estimate and the cells to fit once −∞ terms are set aside.

    A 0/1 column with a zero margin (no record on that list, or on both lists of
    a pair) has extended MLE −∞; every cell it covers is fitted as zero.

    Returns:
        ``(active, kept)``: models × columns and models × cells boolean masks.
    """
    shape = shape_of(cands, cands.binary & (cands.matrix.T @ y <= 0))
    return shape.active, shape.kept


def fit_batch(
    matrix: FloatArray,
    active: BoolArray,
    kept: BoolArray,
    y: FloatArray,
    start: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, BoolArray, FloatArray]:
    """Fit every masked model to counts ``y`` on its kept cells by batched IRLS (Poisson, log link).

    ``y`` is one table for all models, or one row per model (models × cells):
    the refits of many bootstrap tables then share one stack of normal equations.

    Returns:
        ``(beta, mu, converged, last_step)``; ``mu`` is zero on cells a model does
        not fit; ``last_step`` is the largest coefficient change of the last
        iteration (near 1 along a direction in which the likelihood has no maximum).
    """
    n_models, p = active.shape
    cells = y.shape[-1]
    ys = np.broadcast_to(y, (n_models, cells))
    outer = (matrix[:, :, None] * matrix[:, None, :]).reshape(cells, p * p)
    keptf = kept.astype(float)
    activef = active.astype(float)
    pair_mask = (activef[:, :, None] * activef[:, None, :]).reshape(n_models, p * p)
    if start is None:
        eta = np.log(ys + 0.5)
    else:
        eta = np.clip((start * activef) @ matrix.T, -2 * DIVERGED, 2 * DIVERGED)
    mu = np.exp(eta) * keptf
    beta = np.zeros((n_models, p)) if start is None else start * activef
    converged = np.zeros(n_models, dtype=bool)
    last_step = np.full(n_models, np.inf)
    # Working copies of the models still iterating, compacted as models converge.
    idx = np.arange(n_models)
    w_eta, w_mu, w_beta, w_act, w_kept, w_pair = eta, mu, beta.copy(), activef, keptf, pair_mask
    w_prev = np.full(n_models, np.inf)
    w_y = ys * keptf
    w_all = ys
    diagonal = np.arange(p)
    # A model drifting off to infinity may overflow; it then fails to converge and is left out.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(ITERATIONS):
            z = w_eta + (w_all - w_mu) / np.where(w_mu > 0, w_mu, 1.0)
            a = ((w_mu @ outer) * w_pair).reshape(len(idx), p, p)
            a[:, diagonal, diagonal] += 1.0 - w_act
            rhs = ((w_mu * z) @ matrix) * w_act
            try:
                step = np.linalg.solve(a, rhs[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                # A singular system (a column with no weight left): a tiny ridge keeps the batch going;
                # such a model is not identifiable and the existence check leaves it out.
                ridge = 1e-9 * (np.abs(a[:, diagonal, diagonal]).mean(axis=1) + 1.0)
                a[:, diagonal, diagonal] += ridge[:, None]
                step = np.linalg.solve(a, rhs[:, :, None])[:, :, 0]
            w_step = np.abs(step - w_beta).max(axis=1)
            w_beta = step
            w_eta = np.clip(step @ matrix.T, -700, LOG_CEILING)
            w_mu = np.exp(w_eta) * w_kept
            dev = deviances(w_y, w_mu)
            done = np.abs(w_prev - dev) <= TOLERANCE * (np.abs(dev) + 0.1)
            w_prev = dev
            beta[idx], mu[idx], last_step[idx] = w_beta, w_mu, w_step
            if done.any():
                converged[idx[done]] = True
                keep = ~done
                idx = idx[keep]
                if len(idx) == 0:
                    break
                w_eta, w_mu, w_beta, w_act = w_eta[keep], w_mu[keep], w_beta[keep], w_act[keep]
                w_kept, w_pair, w_prev, w_y = w_kept[keep], w_pair[keep], w_prev[keep], w_y[keep]
                w_all = w_all[keep]
    return beta, mu, converged, last_step


@dataclass(frozen=True)
class Shape:
    """What depends only on which terms are −∞: the masks, identifiability and the design's Gram inverse."""

    active: BoolArray
    kept: BoolArray
    identifiable: BoolArray
    gram_inverse: FloatArray


def shape_of(cands: Candidates, infinite: BoolArray) -> Shape:
    """Masks for the models once the ``infinite`` columns are set aside, and what only they determine."""
    if infinite.any():
        minus = cands.masks & infinite[None, :]
        covered = (minus.astype(float) @ (cands.matrix.T > 0).astype(float)) > 0
        active, kept = cands.masks & ~infinite[None, :], ~covered
    else:
        active = cands.masks
        kept = np.ones((len(cands.masks), len(cands.matrix)), dtype=bool)
    gram = gram_matrices(cands.matrix, active, kept.astype(float))
    # Full column rank on the kept cells: the Gram matrix (identity on unused columns) is regular.
    eigen = np.linalg.eigvalsh(gram)
    n_active = active.sum(axis=1)
    identifiable = (eigen[:, 0] > eigen[:, -1] * 1e-12) & (n_active <= kept.sum(axis=1))
    gram[~identifiable] = np.eye(cands.matrix.shape[1])
    return Shape(active, kept, identifiable, np.asarray(np.linalg.inv(gram), dtype=float))


def gram_matrices(matrix: FloatArray, active: BoolArray, weights: FloatArray) -> FloatArray:
    """``Xᵀ diag(w) X`` over each model's active columns, identity on the others (models × p × p)."""
    cells, p = matrix.shape
    outer = (matrix[:, :, None] * matrix[:, None, :]).reshape(cells, p * p)
    activef = active.astype(float)
    gram = (
        (weights @ outer) * (activef[:, :, None] * activef[:, None, :]).reshape(len(active), p * p)
    ).reshape(len(active), p, p)
    idx = np.arange(p)
    gram[:, idx, idx] += 1.0 - activef
    return np.asarray(gram, dtype=float)


def existence(
    cands: Candidates,
    shape: Shape,
    rows: npt.NDArray[np.int64],
    y: FloatArray,
    mu: FloatArray,
    cache: ExistenceCache,
    ids: npt.NDArray[np.int64],
    last_step: FloatArray,
    *,
    lazy: bool = False,
) -> BoolArray:
    """Whether each model in ``rows`` has a finite estimate on ``y`` (``mu``: its fitted cells).

    ``y`` is one table, or one per row (with ``lazy`` only: the linear programme takes one table).

    With ``lazy``, only what the fits prove is returned (True: exists; False:
    not proved), and the caller asks :func:`decide` for the models it needs.

    First the fit itself is asked. At a converged fit the margins of ``mu``
    nearly equal the data's, and the least correction ``δ`` that makes them
    equal exactly is cheap: if ``mu + δ`` is still clearly positive on every
    kept cell, the sufficient statistics lie inside the cone of the design and
    the estimate exists (Fienberg & Rinaldo 2012). A fit whose last Newton
    step was negligible has found its finite maximum too: where the maximum
    is not attained, the step along the escaping direction stays near 1 however
    long IRLS runs. Only the rest go to the linear programme (cached per model
    and pattern of empty cells), which decides.
    """
    kept, active = shape.kept[rows], shape.active[rows]
    residual = ((y * kept - mu) @ cands.matrix) * active
    coef = np.matmul(shape.gram_inverse[rows], residual[:, :, None])[:, :, 0] * active
    table = mu + (coef @ cands.matrix.T) * kept
    floor = CERTIFY * np.maximum(np.sum(y, axis=-1), 1.0)
    identifiable = shape.identifiable[rows]
    positive = np.where(kept, table, np.inf).min(axis=1) > floor
    exists = (positive | (last_step < SETTLED)) & identifiable
    if lazy:
        return np.asarray(exists)
    for i in np.flatnonzero(identifiable & ~exists):
        exists[i] = decide(cands, shape, int(rows[i]), y, cache, ids)
    return np.asarray(exists)


def decide(
    cands: Candidates,
    shape: Shape,
    row: int,
    y: FloatArray,
    cache: ExistenceCache,
    ids: npt.NDArray[np.int64],
) -> bool:
    """The linear programme's verdict for one identifiable model, cached per model and empty cells."""
    key = (int(ids[row]), (y > 0).tobytes())
    if key not in cache.verdicts:
        cache.programmes += 1
        cache.verdicts[key] = fr_exists(
            cands.matrix[shape.kept[row]][:, shape.active[row]], y[shape.kept[row]]
        )
    return cache.verdicts[key]


@dataclass
class ExistenceCache:
    """Work shared by the refits of one set of candidates.

    LP verdicts per (model, pattern of empty cells), since bootstrap tables
    repeat a few patterns, and the masks per pattern of −∞ terms (usually one).
    """

    verdicts: dict[tuple[int, bytes], bool] = field(default_factory=dict)
    shapes: dict[tuple[int, bytes], Shape] = field(default_factory=dict)
    programmes: int = 0


def fit_all(
    cands: Candidates,
    y: FloatArray,
    start: FloatArray | None = None,
    *,
    cache: ExistenceCache | None = None,
    ids: npt.NDArray[np.int64] | None = None,
) -> BatchFit:
    """Fit every candidate to ``y`` (in chunks, bounding memory for six lists), existence first.

    ``ids`` names the models (their index among all candidates) for the cache.
    """
    cache = cache if cache is not None else ExistenceCache()
    ids = ids if ids is not None else np.arange(len(cands.masks))
    parts: list[BatchFit] = []
    margin = cands.matrix.T @ y
    infinite = cands.binary & (margin <= 0)
    for lo in range(0, len(cands.masks), BATCH):
        hi = min(lo + BATCH, len(cands.masks))
        masks = cands.masks[lo:hi]
        key = (lo, infinite.tobytes())
        shape = cache.shapes.get(key)
        if shape is None:
            shape = cache.shapes[key] = shape_of(cands.subset(np.arange(lo, hi)), infinite)
        active, kept = shape.active, shape.kept
        beta, mu, converged, last_step = fit_batch(
            cands.matrix, active, kept, y, None if start is None else start[lo:hi]
        )
        rows = np.arange(hi - lo)
        exists = existence(cands.subset(np.arange(lo, hi)), shape, rows, y, mu, cache, ids[lo:hi], last_step)
        keptf = kept.astype(float)
        loglik = poisson_logliks(y * keptf, mu)
        usable = exists & converged & (np.abs(beta).max(axis=1) < DIVERGED)
        parts.append(
            BatchFit(
                estimate=float(y.sum()) + np.exp(np.minimum(beta[:, 0], 700)),
                beta=beta,
                deviance=deviances(y * keptf, mu),
                loglik=loglik,
                n_params=masks.sum(axis=1),
                usable=usable,
                exists=exists,
                kept=kept,
            )
        )
    if len(parts) == 1:
        return parts[0]
    return BatchFit(
        estimate=np.concatenate([b.estimate for b in parts]),
        beta=np.vstack([b.beta for b in parts]),
        deviance=np.concatenate([b.deviance for b in parts]),
        loglik=np.concatenate([b.loglik for b in parts]),
        n_params=np.concatenate([b.n_params for b in parts]),
        usable=np.concatenate([b.usable for b in parts]),
        exists=np.concatenate([b.exists for b in parts]),
        kept=np.vstack([b.kept for b in parts]),
    )


def scores(batch: BatchFit, criterion: str, n_observed: float) -> FloatArray:
    """AIC or BIC per model (every term counted, −∞ ones too); unusable models score +inf."""
    penalty = 2.0 if criterion == "aic" else math.log(max(n_observed, 1.0))
    value = -2.0 * batch.loglik + penalty * batch.n_params
    return np.where(batch.usable, value, np.inf)


def select(
    table: CaptureTable,
    *,
    criterion: str = "aic",
    heterogeneity: str = "none",
    report: int | None = None,
) -> Selection:
    """Fit every hierarchical two-way model whose estimate exists and pick the best by ``criterion``.

    ``report`` models are returned ranked (by default all when there are at most
    256 usable candidates, otherwise the 50 best).
    """
    if criterion not in ("aic", "bic"):
        raise InvalidInput("--select must be aic or bic")
    cands = candidates(table, heterogeneity)
    y = table.counts
    empty = [name for j, name in enumerate(table.lists) if float(y[table.histories[:, j] == 1].sum()) == 0]
    if empty:
        raise InvalidInput(f"list {empty[0]} has no records; leave it out before selecting a model")
    with threadpool_limits(1):  # many small products: BLAS threads only contend for the cores
        batch = fit_all(cands, y)
    score = scores(batch, criterion, float(y.sum()))
    if not np.isfinite(score).any():
        raise EstimationError(
            "no candidate model has a finite maximum-likelihood estimate for this table; it is too sparse"
        )
    order = np.argsort(score, kind="stable")
    order = order[np.isfinite(score[order])]
    if report is None:
        report = len(order) if len(order) <= 256 else 50
    ranked = [refit(table, cands, batch, int(i), heterogeneity, criterion) for i in order[:report]]
    return Selection(
        best=ranked[0],
        models=ranked,
        criterion=criterion,
        candidates_total=len(cands.masks),
        usable_total=len(order),
        existing_total=int(batch.exists.sum()),
        best_index=int(order[0]),
        order=order,
        batch=batch,
        cands=cands,
    )


def refit(
    table: CaptureTable, cands: Candidates, batch: BatchFit, index: int, heterogeneity: str, criterion: str
) -> LoglinearFit:
    """The single-model fit (exact figures, standard error) for one candidate.

    A −∞ term is fitted as its absence with the cells it covers left out; the
    name says so, and AIC/BIC count it as the selection did.
    """
    mask = cands.masks[index][-len(cands.pairs) :]
    chosen = [name for name, on in zip(cands.pairs, mask, strict=True) if on]
    margin = cands.matrix.T @ table.counts
    infinite = {name for name, m in zip(cands.columns, margin, strict=True) if m <= 0}
    minus = [t for t in chosen if t in infinite]
    if not minus:
        return fit(table, interactions=chosen, heterogeneity=heterogeneity)
    dropped = [table.label(int(i)) for i in np.flatnonzero(~batch.kept[index])]
    single = fit(
        table,
        interactions=[t for t in chosen if t not in infinite],
        heterogeneity=heterogeneity,
        exclude=dropped,
    )
    n_params = int(cands.masks[index].sum())
    loglik = (single.aic - 2 * (n_params - len(minus))) / -2.0
    n = max(float(table.counts.sum()), 1.0)
    return replace(
        single,
        model=single.model.split(" without ")[0] + "".join(f" + {t}=−∞" for t in minus),
        aic=-2 * loglik + 2 * n_params,
        bic=-2 * loglik + math.log(n) * n_params,
    )
