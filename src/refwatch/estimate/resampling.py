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
replicate is warm-started from the original fits, and a block of replicates
is screened and refitted together, which is what makes a thousand exhaustive
five-list selections take a few seconds of CPU time.
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
    monte_carlo_errors,
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
#: A model left aside could still win if its predicted score less MARGIN, less SAFETY × the spread of
#: the prediction errors seen on that table's exact fits, is below the best exact score.
SAFETY = 1.0
MARGIN = 2.0
#: Models with the best predicted scores fitted exactly on every table, whatever the margin.
FIRST_FITS = 8
#: Models fitted exactly at a time when the best screened ones turn out unusable.
SEARCH_CHUNK = 16
#: Bootstrap tables screened together (tables × models × cells arrays of a few MB).
TABLES_AT_ONCE = 32
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
    #: Monte Carlo standard errors of ``low`` and ``high`` (see ``bca.monte_carlo_errors``).
    mc_se: tuple[float, float] = (math.nan, math.nan)
    estimates: FloatArray = field(repr=False, default_factory=lambda: np.empty(0))


@dataclass(frozen=True)
class _Fast:
    """A pattern of −∞ terms with the inverse Hessians of the original fits on that pattern."""

    shape: Shape
    hessian_inverse: FloatArray
    #: The original fits restricted to the pattern: coefficients, log fitted cells (0 where not
    #: fitted), their sum and their margins ``Xᵀμ``.
    beta: FloatArray
    log_mu: FloatArray
    mu_total: FloatArray
    mu_margin: FloatArray


@dataclass
class _Refitter:
    """Re-selection on tables close to the original, among a fixed set of candidates.

    Every candidate's score on a new table is predicted from its original fit
    (the log-likelihood there plus one Newton step's gain with the original
    Hessian, for a block of tables at once; see :meth:`_block`). Only the
    models whose prediction is close to the best are fitted exactly (warm,
    from that Newton step, all tables of the block in one stack), and only the
    best of those is checked for existence (the next one if it fails). The
    bound widens with the prediction errors seen on the table's exact fits, so
    the answer is the exhaustive selection's (tests compare it with fitting
    every model on resampled and jackknife tables of the HIV and UK tables,
    including near ties). The former screen (a few chord-Newton steps for every
    model, bounded by the last step's change) kept a worse model on 8 of the
    1,029 UK tables of seed 1234, most of them with a larger N.
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
            beta = self.beta * shape.active
            eta = np.clip(beta @ self.cands.matrix.T, -700, LOG_CEILING)
            mu = np.exp(eta) * shape.kept
            self.fast[key] = _Fast(
                shape,
                np.asarray(np.linalg.inv(hessian), dtype=float),
                beta,
                np.where(shape.kept, eta, 0.0),
                mu.sum(axis=1),
                (mu @ self.cands.matrix) * shape.active,
            )
        return self.fast[key]

    def _scores(self, y: FloatArray, mu: FloatArray, penalty: FloatArray | float) -> FloatArray:
        """AIC/BIC of fits ``mu`` (tables × models × cells) on tables ``y`` (tables × cells).

        Cells a model does not fit have ``mu = 0``; ``penalty`` is one per table.
        """
        n_params = self.cands.masks.sum(axis=1)
        constant = special.gammaln(y + 1.0).sum(axis=-1)
        loglik = special.xlogy(y[:, None, :], mu).sum(axis=-1) - mu.sum(axis=-1) - constant[:, None]
        return np.asarray(-2.0 * loglik + np.reshape(penalty, (-1, 1)) * n_params[None, :], dtype=float)

    def estimate(self, y: FloatArray) -> float:
        """The estimate of the model ``criterion`` picks on ``y`` (NaN when no model exists)."""
        return float(self.estimates(y[None, :])[0])

    def estimates(self, tables: FloatArray) -> FloatArray:
        """:meth:`estimate` for every row of ``tables``, a block of tables at a time.

        Tables with the same −∞ terms (nearly always all of them) take their
        chord steps together, as one stack of tables × models, and the models
        that could still win on each table are then fitted exactly in one stack
        too: a thousand refits cost a few large array operations instead of
        thousands of small ones. The numbers are those of one table at a time.
        """
        out = np.full(len(tables), math.nan)
        infinite = self.cands.binary[None, :] & (tables @ self.cands.matrix <= 0)
        groups: dict[bytes, list[int]] = {}
        for i, row in enumerate(infinite):
            if tables[i].sum() > 0:
                groups.setdefault(row.tobytes(), []).append(i)
        for key, members in groups.items():
            fast = self._fast(np.frombuffer(key, dtype=bool))
            for lo in range(0, len(members), TABLES_AT_ONCE):
                block = np.array(members[lo : lo + TABLES_AT_ONCE])
                out[block] = self._block(tables[block], fast)
        return out

    def _block(self, y: FloatArray, fast: _Fast) -> FloatArray:
        """Estimates for tables ``y`` (tables × cells) that share the −∞ terms of ``fast``.

        Each model's score on each table is first predicted without a fit: the
        original fit's log-likelihood on the new table (linear in the counts)
        plus what one Newton step with the original Hessian gains (a quadratic
        form in the score vector ``Xᵀ(y − μ)``). That is a few large array
        products for all tables × models, with no exponential; the prediction
        errs by the third-order terms, well under a unit of AIC/BIC for the
        models that compete. :meth:`_search` then fits exactly only the models
        whose prediction is close to the best.
        """
        matrix, shape = self.cands.matrix, fast.shape
        n = y.sum(axis=1)
        penalty = np.full(len(y), 2.0) if self.criterion == "aic" else np.log(np.maximum(n, 1.0))
        activef = shape.active.astype(float)
        constant = special.gammaln(y + 1.0).sum(axis=1)
        start = y @ fast.log_mu.T - fast.mu_total[None, :] - constant[:, None]
        # A cell a model leaves out (covered by a −∞ term, whose margin is zero) has no count, so each
        # model's margins of the table are the table's margins.
        counts = (y @ matrix)[:, None, :]
        gradient = (counts - fast.mu_margin[None]) * activef[None]
        # One small matrix product per model over the block's tables (BLAS), not an einsum loop.
        step = np.matmul(gradient.transpose(1, 0, 2), fast.hessian_inverse.transpose(0, 2, 1)).transpose(
            1, 0, 2
        )
        gain = 0.5 * np.sum(step * gradient, axis=2)
        n_params = self.cands.masks.sum(axis=1)
        predicted = -2.0 * (start + gain) + penalty[:, None] * n_params[None, :]
        predicted = np.where(np.isfinite(predicted), predicted, np.inf)
        predicted[:, ~shape.identifiable] = np.inf
        return self._search(y, fast.beta[None] + step, penalty, shape, predicted)

    def _search(
        self,
        y: FloatArray,
        beta: FloatArray,
        penalty: FloatArray,
        shape: Shape,
        predicted: FloatArray,
    ) -> FloatArray:
        """Branch and bound per table: fit exactly every model that could still beat the best usable one.

        A model left aside could still win if its predicted score, less the
        most the prediction has erred on the models fitted so far (times
        :data:`SAFETY`, plus :data:`MARGIN`), is below the best exact score;
        such models are fitted too, until none is left. Each round fits what
        every table still needs in one stack.
        """
        tables = len(y)
        # row -> (score, N, score even when unusable); score inf when unusable
        exact: list[dict[int, tuple[float, float, float]]] = [{} for _ in range(tables)]
        errors: list[list[float]] = [[] for _ in range(tables)]
        waiting = np.ones(predicted.shape, dtype=bool)
        best = np.full(tables, math.inf)
        open_ = np.ones(tables, dtype=bool)
        while open_.any():
            wanted: list[tuple[int, npt.NDArray[np.int64]]] = []
            for t in np.flatnonzero(open_):
                if not waiting[t].any():
                    open_[t] = False
                    continue
                floor = predicted[t] - MARGIN
                if errors[t]:
                    low, high = min(errors[t]), max(errors[t])
                    floor = floor + min(low, 0.0) - SAFETY * (high - low)
                # Until a usable model is found, its bound is the best prediction among those left.
                found = math.isfinite(best[t])
                target = best[t] if found else float(np.min(np.where(waiting[t], predicted[t], np.inf)))
                todo = np.flatnonzero(waiting[t] & (floor <= target))
                if not exact[t]:
                    # The first round also fits the best few predictions: their errors size the bound.
                    first = np.argsort(predicted[t], kind="stable")[:FIRST_FITS]
                    todo = np.union1d(todo, first[np.isfinite(predicted[t, first])])
                if len(todo) == 0:
                    if found:
                        open_[t] = False
                        continue
                    left = np.flatnonzero(waiting[t])
                    todo = left[np.argsort(predicted[t, left], kind="stable")[:SEARCH_CHUNK]]
                waiting[t, todo] = False
                wanted.append((int(t), todo))
            if wanted:
                self._exact(y, wanted, beta, penalty, shape, exact)
                for done, rows in wanted:
                    best[done] = min(v[0] for v in exact[done].values())
                    errors[done] += [
                        exact[done][int(r)][2] - float(predicted[done, r])
                        for r in rows
                        if math.isfinite(exact[done][int(r)][2]) and math.isfinite(predicted[done, r])
                    ]
        out = np.full(tables, math.nan)
        for i in range(tables):
            usable = [v for v in exact[i].values() if math.isfinite(v[0])]
            if usable:
                out[i] = min(usable)[1]
        return out

    def _exact(
        self,
        y: FloatArray,
        wanted: list[tuple[int, npt.NDArray[np.int64]]],
        beta: FloatArray,
        penalty: FloatArray,
        shape: Shape,
        exact: list[dict[int, tuple[float, float, float]]],
    ) -> None:
        """Fit the ``(table, models)`` in ``wanted`` exactly in one stack, check existence, record them."""
        table = np.concatenate([np.full(len(rows), t) for t, rows in wanted])
        rows = np.concatenate([rows for _, rows in wanted])
        start = beta[table, rows]
        # A chord step that ran off (non-finite) restarts that table's models from the original fits.
        bad = ~np.all(np.isfinite(start), axis=1)
        start[bad] = self.beta[rows[bad]] * shape.active[rows[bad]]
        ys = y[table]
        fitted, mu, converged, last_step = fit_batch(
            self.cands.matrix, shape.active[rows], shape.kept[rows], ys, start
        )
        proved = existence(self.cands, shape, rows, ys, mu, self.cache, self.ids, last_step, lazy=True)
        n_params = self.cands.masks[rows].sum(axis=1)
        loglik = special.xlogy(ys, mu).sum(axis=1) - mu.sum(axis=1) - special.gammaln(ys + 1.0).sum(axis=1)
        score = -2.0 * loglik + penalty[table] * n_params
        settled = converged & (np.abs(fitted).max(axis=1) < DIVERGED) & shape.identifiable[rows]
        at = 0
        for t, chosen in wanted:
            part = slice(at, at + len(chosen))
            at += len(chosen)
            self._record(
                y[t], exact[t], chosen, score[part], fitted[part], settled[part], proved[part], shape
            )

    def _record(
        self,
        y: FloatArray,
        exact: dict[int, tuple[float, float, float]],
        rows: npt.NDArray[np.int64],
        score: FloatArray,
        fitted: FloatArray,
        settled: npt.NDArray[np.bool_],
        proved: npt.NDArray[np.bool_],
        shape: Shape,
    ) -> None:
        """Record one table's exact fits; existence matters only for a model that would beat the best."""
        best = min((v[0] for v in exact.values()), default=math.inf)
        n = float(y.sum())
        for i in np.argsort(score, kind="stable"):
            row = int(rows[i])
            value = float(score[i])
            good = bool(settled[i]) and value < best
            if good and not proved[i]:
                good = decide(self.cands, shape, row, y, self.cache, self.ids)
            raw = value if bool(settled[i]) else math.inf
            exact[row] = (value if good else math.inf, n + math.exp(min(float(fitted[i, 0]), 700.0)), raw)
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
        values = refit.estimates(tables)
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
        errors = monte_carlo_errors(estimates, None, 0.0, level, np.random.default_rng([seed_used, 1]))
        return Interval(
            kind, low, high, replicates, int(np.isfinite(estimates).sum()), candidates, seed_used,
            programmes=programmes, estimates=estimates, mc_se=errors,
        )  # fmt: skip
    estimates, jackknife, programmes = resampled_replicates(selection, table, replicates, rng, workers)
    _enough(estimates, replicates)
    point = selection.batch.estimate[selection.best_index]
    a = acceleration(jackknife, table.counts)
    low, high = bca_interval(estimates, point, a, level)
    z0 = bias_correction(estimates, point)
    tail = (1.0 - level) / 2.0
    reads = adjusted_levels(z0, a, np.array([tail, 1.0 - tail]))
    errors = monte_carlo_errors(estimates, point, a, level, np.random.default_rng([seed_used, 1]))
    return Interval(
        kind, low, high, replicates, int(np.isfinite(estimates).sum()), candidates, seed_used,
        z0=z0, acceleration=a, levels=(float(reads[0]), float(reads[1])),
        jackknife_tables=int((table.counts > 0).sum()), programmes=programmes, estimates=estimates,
        mc_se=errors,
    )  # fmt: skip


def _enough(estimates: FloatArray, replicates: int) -> None:
    usable = int(np.isfinite(estimates).sum())
    if usable < max(10, replicates // 2):
        raise EstimationError(
            f"only {usable} of {replicates} bootstrap replicates gave an estimate; "
            "the table is too sparse for an interval that includes model selection"
        )
