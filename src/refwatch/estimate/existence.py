"""Safeguards for sparse tables: does the estimate exist, and is it believable?

A log-linear fit on a sparse table can return a number that means nothing:
the likelihood may keep rising as the unknown cell grows without bound, or be
flat in it. Chan, Silverman & Vincent (2021) show that this can be decided
before trusting the fit with a linear programme over the design: look for a
direction ``d`` in parameter space that leaves every positive cell unchanged
(``X₊ d = 0``) and does not raise any zero cell (``X₀ d ≤ 0``). Along such a
direction the likelihood never falls, so if the intercept (the log of the
unobserved cell) moves along it, the maximum-likelihood N is not finite
(``d₀ > 0``) or is pushed down onto the observed count (``d₀ < 0``).

The other checks are plain warnings a careful analyst would want printed
next to the number: lists with no or very few records in common, estimates
far larger than what was observed, and designs that cannot identify N.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize

from refwatch.estimate.loglinear import LoglinearFit, design_of
from refwatch.estimate.tables import CaptureTable

TINY_OVERLAP = 5
IMPLAUSIBLE_RATIO = 20.0
LP_TOLERANCE = 1e-7


@dataclass(frozen=True, slots=True)
class Existence:
    """Outcome of the linear-programming check for one design."""

    identifiable: bool
    exists: bool
    degenerate_low: bool
    boundary: bool

    @property
    def ok(self) -> bool:
        """True when N's maximum-likelihood estimate is finite, unique and above the observed count."""
        return self.identifiable and self.exists and not self.degenerate_low


def lp_check(matrix: npt.NDArray[np.float64], counts: npt.NDArray[np.float64]) -> Existence:
    """Run the Chan–Silverman–Vincent check on the observed rows of a design (column 0 = intercept)."""
    if np.linalg.matrix_rank(matrix) < matrix.shape[1]:
        return Existence(identifiable=False, exists=False, degenerate_low=False, boundary=False)
    positive = counts > 0
    x_pos, x_zero = matrix[positive], matrix[~positive]
    p = matrix.shape[1]
    bounds = [(-1.0, 1.0)] * p
    a_eq = x_pos if len(x_pos) else None
    b_eq = np.zeros(len(x_pos)) if len(x_pos) else None
    a_ub = x_zero if len(x_zero) else None
    b_ub = np.zeros(len(x_zero)) if len(x_zero) else None

    def extreme(sign: float) -> float:
        objective = np.zeros(p)
        objective[0] = -sign  # linprog minimises; maximise sign·d₀
        result = optimize.linprog(
            objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
        )
        return float(-result.fun) if result.status == 0 else 0.0

    up, down = extreme(1.0), extreme(-1.0)
    boundary = False
    if len(x_zero):
        # Zero cells that can be driven to zero with N fixed: the fit sits on the boundary.
        objective = x_zero.sum(axis=0)  # minimise the sum of X₀ d (≤ 0), i.e. push zero cells down
        a_eq_fixed = np.vstack([a_eq, np.eye(1, p)]) if a_eq is not None else np.eye(1, p)
        b_eq_fixed = np.zeros(len(a_eq_fixed))
        result = optimize.linprog(
            objective,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq_fixed,
            b_eq=b_eq_fixed,
            bounds=bounds,
            method="highs",
        )
        boundary = result.status == 0 and float(result.fun) < -LP_TOLERANCE
    return Existence(
        identifiable=True,
        exists=up <= LP_TOLERANCE,
        degenerate_low=up <= LP_TOLERANCE < down,
        boundary=boundary,
    )


def overlap_warnings(table: CaptureTable) -> list[str]:
    """Name every pair of lists with no, or very few, records in common."""
    warnings: list[str] = []
    h = table.histories.astype(bool)
    for i in range(table.k):
        for j in range(i + 1, table.k):
            shared = float(table.counts[h[:, i] & h[:, j]].sum())
            a, b = table.lists[i], table.lists[j]
            if shared == 0:
                warnings.append(
                    f"lists {a} and {b} have no records in common: any model treating them as "
                    f"independent or estimating their dependence rests on no data"
                )
            elif shared < TINY_OVERLAP:
                warnings.append(
                    f"lists {a} and {b} have only {shared:g} records in common: estimates that use "
                    f"this overlap are fragile"
                )
    for j, name in enumerate(table.lists):
        if float(table.counts[h[:, j]].sum()) == 0:
            warnings.append(f"list {name} has no records; leave it out")
    return warnings


@dataclass(frozen=True, slots=True)
class Assessment:
    """Warnings to print with a fit, and whether its N may be printed at all."""

    warnings: list[str]
    estimable: bool


def assess(
    table: CaptureTable,
    model: object,
    *,
    design_matrix: npt.NDArray[np.float64] | None = None,
    kept: Sequence[bool] | None = None,
) -> Assessment:
    """All warnings for ``model`` fitted on ``table``, and whether its N may be printed at all.

    The design is rebuilt from the model when not given. An N whose maximum-
    likelihood estimate does not exist, collapses onto the observed count, or
    cannot be identified is not estimable: callers print the warnings, not a number.
    """
    warnings = overlap_warnings(table)
    estimable = True
    if isinstance(model, LoglinearFit) and design_matrix is None:
        d = design_of(table, model)
        design_matrix, kept = d.matrix, [bool(v) for v in d.keep]
    if design_matrix is not None:
        keep = np.asarray(kept if kept is not None else np.ones(len(design_matrix), dtype=bool))
        result = lp_check(design_matrix[keep], table.counts[keep])
        estimable = result.ok
        if not result.identifiable:
            warnings.append(
                "the model has more parameters than the table can identify: N is not estimable "
                "with it; drop interactions"
            )
        elif not result.exists:
            warnings.append(
                "the maximum-likelihood estimate of N does not exist for this model and table "
                "(linear-programming check of Chan, Silverman & Vincent 2021): the likelihood "
                "keeps rising as N grows, so no figure is given; drop interactions or add lists"
            )
        elif result.degenerate_low:
            warnings.append(
                "the maximum-likelihood estimate of N collapses onto the observed count for this "
                "model and table: zero cells force it, so no figure is given"
            )
        elif result.boundary:
            warnings.append(
                "some expected cell counts are fitted as zero (an estimate on the boundary); "
                "standard errors and intervals may be too narrow"
            )
    estimate = getattr(model, "estimate", None)
    if estimate is not None and table.n_observed > 0 and estimate > IMPLAUSIBLE_RATIO * table.n_observed:
        warnings.append(
            f"the estimate is more than {IMPLAUSIBLE_RATIO:g} times the {table.n_observed} records "
            f"observed: the lists overlap too little to support it"
        )
    return Assessment(warnings, estimable)


def check(table: CaptureTable, model: object) -> list[str]:
    """Only the warnings of :func:`assess`."""
    return assess(table, model).warnings


def fr_exists(matrix: npt.NDArray[np.float64], counts: npt.NDArray[np.float64]) -> bool:
    """Fienberg–Rinaldo: does a strictly positive table share the sufficient statistics of ``counts``?

    ``matrix`` is the design on the cells fitted (after −∞ terms and their cells
    are set aside, Chan, Silverman & Vincent 2021). The estimate exists exactly
    when the margins ``Xᵀy`` can be reproduced by a table with every cell
    positive; the programme maximises the smallest cell ``s`` of such a table
    (capped at 1) and the answer is yes when ``s > 0``. Identifiability (full
    column rank) is checked too.
    """
    cells, p = matrix.shape
    if p > cells or np.linalg.matrix_rank(matrix) < p:
        return False
    objective = np.zeros(cells + 1)
    objective[-1] = -1.0
    a_eq = np.hstack([matrix.T, np.zeros((p, 1))])
    a_ub = np.hstack([-np.eye(cells), np.ones((cells, 1))])
    result = optimize.linprog(
        objective,
        A_ub=a_ub,
        b_ub=np.zeros(cells),
        A_eq=a_eq,
        b_eq=matrix.T @ counts,
        bounds=[(0.0, None)] * cells + [(0.0, 1.0)],
        method="highs",
    )
    return bool(result.status == 0 and -float(result.fun) > LP_TOLERANCE * 100)
