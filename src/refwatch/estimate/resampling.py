"""Intervals for a selected model's N that include the uncertainty of the selection itself.

Both redo the whole selection (existence check, fits, AIC/BIC) on every
resampled table, so another sample's choice of model shows in the spread:

* ``percentile``: a parametric bootstrap. Tables are drawn from the chosen
  model's fitted cell probabilities (including the unobserved cell) with the
  estimated N, and the equal-tailed percentiles of the re-selected estimates
  are the interval. It takes the chosen model as the truth for generating
  tables, so it centres on that model's estimate.
* ``bca``: the bias-corrected and accelerated interval of Silverman, Chan &
  Vincent (2024). Tables are drawn by resampling the ``n`` observed individuals
  (multinomial on the observed cell shares); the bias correction comes from
  where the estimate falls among the re-selected estimates, and the
  acceleration from a jackknife that leaves out one individual of each
  non-empty cell in turn (one refit per cell, weighted by its count), again
  with the selection redone (see :mod:`refwatch.estimate.bca`).

For more than :data:`BOOTSTRAP_CANDIDATES` usable candidates (six lists) each
replicate re-selects among the best-supported ones on the original data (the
paper's ``ntop``); for five lists or fewer the search is exhaustive. Every
replicate is warm-started from the original fits, which is what makes a
thousand exhaustive five-list selections take seconds.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import special
from threadpoolctl import threadpool_limits

from refwatch.errors import EstimationError, InvalidInput
from refwatch.estimate.bca import (
    acceleration,
    adjusted_levels,
    bca_interval,
    bias_correction,
    percentile_interval,
)
from refwatch.estimate.seeding import resolve_seed
from refwatch.estimate.selection import (
    DIVERGED,
    LOG_CEILING,
    Candidates,
    ExistenceCache,
    Selection,
    Shape,
    decide,
    existence,
    fit_batch,
    gram_matrices,
    shape_of,
)
from refwatch.estimate.tables import CaptureTable

FloatArray = npt.NDArray[np.float64]

INTERVALS = ("percentile", "bca")
BOOTSTRAP_CANDIDATES = 1024
#: Chord-Newton steps every candidate takes before the screening.
CHORD_STEPS = 3
CHORD_STEPS_MAX = 12
#: A screened-out model's score could still fall by SAFETY × its last change + MARGIN.
SAFETY = 10.0
MARGIN = 0.5
#: Models fitted exactly at a time when the best screened ones turn out unusable.
SEARCH_CHUNK = 16
#: Fewer tables than this are refitted in this process (starting workers costs more).
PARALLEL_FROM = 200
MAX_WORKERS = 4


def beyond_replicates(ends: Interval) -> list[tuple[str, float]]:
    """Which BCa ends were read so far into a tail that they are (nearly) the extreme replicate.

    Type-8 quantiles below level ``(2/3)/(B + 1/3)`` or above ``1 − `` that are the
    smallest or largest of ``B`` replicates: such an end is Monte Carlo noise.
    """
    if ends.levels is None:
        return []
    b = ends.usable_replicates
    edge = (2.0 / 3.0) / (b + 1.0 / 3.0)
    names = []
    if ends.levels[0] <= edge:
        names.append(("lower", ends.levels[0]))
    if ends.levels[1] >= 1.0 - edge:
        names.append(("upper", ends.levels[1]))
    return names


@dataclass(frozen=True)
class Interval:
    """An interval that includes model selection, with what is needed to reproduce it."""

    kind: str
    low: float
    high: float
    replicates: int
    usable_replicates: int
    candidates: int
    seed: int
    z0: float | None = None
    acceleration: float | None = None
    #: The bootstrap quantile levels the BCa ends were read at (``None`` for percentile).
    levels: tuple[float, float] | None = None
    jackknife_tables: int = 0
    programmes: int = 0
    estimates: FloatArray = field(repr=False, default_factory=lambda: np.empty(0))


@dataclass(frozen=True)
class _Fast:
    """A pattern of −∞ terms with the inverse Hessians of the original fits on that pattern."""

    shape: Shape
    hessian_inverse: FloatArray


@dataclass
class _Refitter:
    """Re-selection on tables close to the original, among a fixed set of candidates.

    Every candidate first takes a few chord-Newton steps from its original fit
    using the original fit's Hessian (a batched matrix-vector product, no
    solve). Its score then bounds from above what a full fit would give, and
    the change in the last step bounds what is left. Only the models that could
    still be best are fitted exactly, and only the best of those is checked
    for existence (the next one if it fails), so a replicate costs a few
    milliseconds. If the winner's score is not clearly below every model left
    aside, those are fitted exactly too: the answer is always the exhaustive
    selection's.
    """

    cands: Candidates
    ids: npt.NDArray[np.int64]
    beta: FloatArray
    mu: FloatArray
    criterion: str
    cache: ExistenceCache = field(default_factory=ExistenceCache)
    fast: dict[bytes, _Fast] = field(default_factory=dict)

    def _fast(self, infinite: npt.NDArray[np.bool_]) -> _Fast:
        key = infinite.tobytes()
        if key not in self.fast:
            shape = shape_of(self.cands, infinite)
            weight = np.where(shape.kept & (self.mu > 0), self.mu, 0.5 * shape.kept)
            hessian = gram_matrices(self.cands.matrix, shape.active, weight)
            idx = np.arange(self.cands.matrix.shape[1])
            hessian[~shape.identifiable] = np.eye(len(idx))
            self.fast[key] = _Fast(shape, np.asarray(np.linalg.inv(hessian), dtype=float))
        return self.fast[key]

    def _scores(
        self, y: FloatArray, mu: FloatArray, penalty: float, rows: npt.NDArray[np.int64]
    ) -> FloatArray:
        """AIC/BIC of fits ``mu`` on ``y`` (cells a model does not fit have ``mu = 0`` and ``y = 0``)."""
        n_params = self.cands.masks[rows].sum(axis=1)
        constant = float(special.gammaln(y + 1.0).sum())
        loglik = special.xlogy(y, mu).sum(axis=1) - mu.sum(axis=1) - constant
        return np.asarray(-2.0 * loglik + penalty * n_params, dtype=float)

    def estimate(self, y: FloatArray) -> float:
        """The estimate of the model ``criterion`` picks on ``y`` (NaN when no model exists)."""
        n = float(y.sum())
        if n <= 0:
            return math.nan
        penalty = 2.0 if self.criterion == "aic" else math.log(max(n, 1.0))
        matrix = self.cands.matrix
        fast = self._fast(self.cands.binary & (matrix.T @ y <= 0))
        shape = fast.shape
        activef, keptf = shape.active.astype(float), shape.kept.astype(float)
        beta = self.beta * activef
        score = previous = np.full(len(beta), np.inf)
        rows = np.arange(len(beta))
        for step in range(CHORD_STEPS_MAX + 1):
            mu = np.exp(np.clip(beta @ matrix.T, -700, LOG_CEILING)) * keptf
            previous, score = score, self._scores(y, mu, penalty, rows)
            score = np.where(np.isnan(score), np.inf, score)
            change = np.where(np.isfinite(score) & np.isfinite(previous), np.abs(previous - score), np.inf)
            floor = np.where(np.isfinite(score), score - SAFETY * change - MARGIN, -np.inf)
            floor[~shape.identifiable] = np.inf
            # Stop once few models could still beat the best screened one (a chord step is cheap).
            if step >= CHORD_STEPS and np.sum(floor <= score.min()) <= SEARCH_CHUNK:
                break
            gradient = (((y[None, :] - mu) * keptf) @ matrix) * activef
            beta = beta + np.matmul(fast.hessian_inverse, gradient[:, :, None])[:, :, 0]
        return self._search(y, beta, penalty, shape, score, floor)

    def _search(
        self,
        y: FloatArray,
        beta: FloatArray,
        penalty: float,
        shape: Shape,
        score: FloatArray,
        floor: FloatArray,
    ) -> float:
        """Branch and bound: fit exactly every model whose floor is below the best usable score found."""
        exact: dict[int, tuple[float, float]] = {}  # row -> (score, estimate); score inf when unusable
        waiting = np.ones(len(beta), dtype=bool)
        best = math.inf
        while waiting.any():
            # Until a usable model is found, its bound is the best screened score among those left.
            target = best if math.isfinite(best) else float(np.min(np.where(waiting, score, np.inf)))
            todo = np.flatnonzero(waiting & (floor <= target))
            if len(todo) == 0:
                if math.isfinite(best):
                    break
                left = np.flatnonzero(waiting)
                todo = left[np.argsort(floor[left], kind="stable")[:SEARCH_CHUNK]]
            waiting[todo] = False
            self._exact(y, todo, beta, penalty, shape, exact)
            best = min(v[0] for v in exact.values())
        usable = [v for v in exact.values() if math.isfinite(v[0])]
        return min(usable)[1] if usable else math.nan

    def _exact(
        self,
        y: FloatArray,
        rows: npt.NDArray[np.int64],
        beta: FloatArray,
        penalty: float,
        shape: Shape,
        exact: dict[int, tuple[float, float]],
    ) -> None:
        """Fit ``rows`` exactly, check existence, and record their scores and estimates."""
        start = beta[rows] if np.all(np.isfinite(beta[rows])) else self.beta[rows] * shape.active[rows]
        fitted, mu, converged, last_step = fit_batch(
            self.cands.matrix, shape.active[rows], shape.kept[rows], y, start
        )
        proved = existence(self.cands, shape, rows, y, mu, self.cache, self.ids, last_step, lazy=True)
        score = self._scores(y, mu, penalty, rows)
        settled = converged & (np.abs(fitted).max(axis=1) < DIVERGED) & shape.identifiable[rows]
        best = min((v[0] for v in exact.values()), default=math.inf)
        n = float(y.sum())
        # Existence matters only for a model that would beat the best so far: ask in score order.
        for i in np.argsort(score, kind="stable"):
            row = int(rows[i])
            value = float(score[i])
            good = bool(settled[i]) and value < best
            if good and not proved[i]:
                good = decide(self.cands, shape, row, y, self.cache, self.ids)
            exact[row] = (value if good else math.inf, n + math.exp(min(float(fitted[i, 0]), 700.0)))
            if good:
                best = value


def _refitter(selection: Selection) -> _Refitter:
    keep = selection.order[:BOOTSTRAP_CANDIDATES]
    cands = selection.cands.subset(keep)
    beta = selection.batch.beta[keep]
    mu = np.exp(np.clip(beta @ cands.matrix.T, -700, 700)) * selection.batch.kept[keep]
    return _Refitter(cands, keep, beta, mu, selection.criterion)


def _estimates(refit: _Refitter, tables: FloatArray) -> tuple[FloatArray, int]:
    """Re-selected estimates for each row of ``tables``, and the linear programmes it took."""
    with threadpool_limits(1):
        # Thousands of small matrix products: BLAS threads would only fight over the cores.
        values = np.array([refit.estimate(y) for y in tables])
    return values, refit.cache.programmes


def _in_parallel(refit: _Refitter, tables: FloatArray, workers: int) -> tuple[FloatArray, int]:
    """:func:`_estimates` split over ``workers`` processes; the same numbers as one process gives.

    Every table is drawn before the split and each estimate depends on its table
    only, so the result does not depend on the number of workers.
    """
    if workers <= 1 or len(tables) < PARALLEL_FROM:
        return _estimates(refit, tables)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunks = np.array_split(tables, workers)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        parts = list(pool.map(_estimates, [refit] * workers, chunks))
    return np.concatenate([p[0] for p in parts]), sum(p[1] for p in parts)


def default_workers() -> int:
    """Processes for a bootstrap: the cores this process may use, at most :data:`MAX_WORKERS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def parametric_replicates(
    selection: Selection, table: CaptureTable, replicates: int, rng: np.random.Generator, workers: int = 1
) -> tuple[FloatArray, int]:
    """Re-selected estimates on tables drawn from the chosen model's fit; and LP count."""
    refit = _refitter(selection)
    best = selection.best_index
    beta = selection.batch.beta[best]
    mu = np.exp(selection.cands.matrix @ beta) * selection.batch.kept[best]
    mu0 = math.exp(min(float(beta[0]), 700.0))
    total = float(mu.sum()) + mu0
    probabilities = np.concatenate([[mu0], mu]) / total
    draws = rng.multinomial(int(round(total)), probabilities, size=replicates)[:, 1:].astype(float)
    return _in_parallel(refit, draws, workers)


def resampled_replicates(
    selection: Selection, table: CaptureTable, replicates: int, rng: np.random.Generator, workers: int = 1
) -> tuple[FloatArray, FloatArray, int]:
    """Re-selected estimates on resampled individuals, the jackknife estimates per cell, and LP count."""
    refit = _refitter(selection)
    y = table.counts
    n = int(round(float(y.sum())))
    draws = rng.multinomial(n, y / y.sum(), size=replicates).astype(float)
    cells = np.flatnonzero(y > 0)
    left = np.repeat(y[None, :], len(cells), axis=0)
    left[np.arange(len(cells)), cells] -= 1.0
    values, programmes = _in_parallel(refit, np.vstack([draws, left]), workers)
    jackknife = np.full(len(y), np.nan)
    jackknife[cells] = values[replicates:]
    return values[:replicates], jackknife, programmes


def interval(
    table: CaptureTable,
    selection: Selection,
    *,
    kind: str = "bca",
    replicates: int = 1000,
    seed: int | None = None,
    level: float = 0.95,
    workers: int | None = None,
) -> Interval:
    """The ``kind`` interval at ``level`` for ``selection``'s estimate, from ``replicates`` tables.

    ``workers`` processes share the replicates (by default one per core, see
    :func:`default_workers`); the interval does not depend on how many.
    """
    if kind not in INTERVALS:
        raise InvalidInput(f"--interval must be one of {', '.join(INTERVALS)}")
    seed_used = resolve_seed(seed)
    rng = np.random.default_rng(seed_used)
    workers = default_workers() if workers is None else workers
    candidates = min(len(selection.order), BOOTSTRAP_CANDIDATES)
    if kind == "percentile":
        estimates, programmes = parametric_replicates(selection, table, replicates, rng, workers)
        _enough(estimates, replicates)
        low, high = percentile_interval(estimates, level)
        return Interval(
            kind, low, high, replicates, int(np.isfinite(estimates).sum()), candidates, seed_used,
            programmes=programmes, estimates=estimates,
        )  # fmt: skip
    estimates, jackknife, programmes = resampled_replicates(selection, table, replicates, rng, workers)
    _enough(estimates, replicates)
    point = selection.batch.estimate[selection.best_index]
    a = acceleration(jackknife, table.counts)
    low, high = bca_interval(estimates, point, a, level)
    z0 = bias_correction(estimates, point)
    tail = (1.0 - level) / 2.0
    reads = adjusted_levels(z0, a, np.array([tail, 1.0 - tail]))
    return Interval(
        kind, low, high, replicates, int(np.isfinite(estimates).sum()), candidates, seed_used,
        z0=z0, acceleration=a, levels=(float(reads[0]), float(reads[1])),
        jackknife_tables=int((table.counts > 0).sum()), programmes=programmes, estimates=estimates,
    )  # fmt: skip


def _enough(estimates: FloatArray, replicates: int) -> None:
    usable = int(np.isfinite(estimates).sum())
    if usable < max(10, replicates // 2):
        raise EstimationError(
            f"only {usable} of {replicates} bootstrap replicates gave an estimate; "
            "the table is too sparse for an interval that includes model selection"
        )
