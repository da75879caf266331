"""The linear-programming existence check and the sparse-table warnings."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from tables_data import hiv, table  # noqa: E402

from refwatch.estimate.existence import check, lp_check  # noqa: E402
from refwatch.estimate.loglinear import design, fit  # noqa: E402

LISTS = ("a", "b", "c")
SPARSE = {"100": 30, "010": 20, "001": 25, "110": 0, "101": 5, "011": 4, "111": 0}


def test_a_well_filled_table_raises_no_warning() -> None:
    t = hiv()
    assert check(t, fit(t, interactions=["c1:c2"])) == []


def test_saturated_model_with_empty_cells_has_no_finite_estimate() -> None:
    t = table(LISTS, SPARSE)
    terms = ["a:b", "a:c", "b:c"]
    d = design(t, interactions=terms)
    assert not lp_check(d.matrix, t.counts).exists
    warnings = check(t, fit(t, interactions=terms))
    assert any("does not exist" in w for w in warnings)


def test_independence_model_on_the_same_table_exists() -> None:
    t = table(LISTS, SPARSE)
    d = design(t)
    result = lp_check(d.matrix, t.counts)
    assert result.ok and not result.boundary


def test_boundary_fit_is_flagged() -> None:
    t = table(LISTS, SPARSE)
    warnings = check(t, fit(t, interactions=["a:b"]))
    assert any("boundary" in w for w in warnings)
    assert not any("does not exist" in w for w in warnings)


def test_zero_and_tiny_overlaps_are_named() -> None:
    warnings = check(table(LISTS, SPARSE), fit(table(LISTS, SPARSE)))
    assert any("lists a and b have no records in common" in w for w in warnings)
    assert any("lists b and c have only 4 records" in w for w in warnings)


def test_implausibly_large_estimate_is_flagged() -> None:
    t = table(("a", "b"), {"10": 400, "01": 300, "11": 1})
    warnings = check(t, fit(t))
    assert any("more than 20 times" in w for w in warnings)


def test_unidentifiable_design_is_reported() -> None:
    t = table(("a", "b"), {"10": 40, "01": 30, "11": 10})
    d = design(t, interactions=["a:b"])
    assert not lp_check(d.matrix, t.counts).identifiable
