"""Reconciled values and disagreement flags (fictional incidents)."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import make

from refwatch.link.reconcile import SourceView, reconcile


def test_counts_become_the_range_over_sources() -> None:
    result = reconcile(
        [
            SourceView(make("a", start="2030-10-09", count=500, qualifier="at_least"), None),
            SourceView(make("b", start="2030-10-09", count=600, qualifier="about"), None),
        ]
    )
    v = result.incident.victims
    assert (v.count_min, v.count_max, v.qualifier) == (500, 600, "range")
    assert "count" not in result.disagreements


def test_conflicting_counts_are_flagged() -> None:
    result = reconcile([SourceView(make("a", count=8), None), SourceView(make("b", count=9), None)])
    assert "count" in result.disagreements


def test_most_specific_date_and_latest_status() -> None:
    result = reconcile(
        [
            SourceView(
                make("a", start="2030-03-01", end="2030-03-31", status="at_risk"), dt.date(2030, 4, 2)
            ),
            SourceView(make("b", start="2030-03-14", status="returned"), dt.date(2030, 5, 1)),
        ]
    )
    assert (result.incident.date.start, result.incident.date.end) == ("2030-03-14", "2030-03-14")
    assert result.incident.status == "returned"
    assert "status" in result.disagreements and "date" not in result.disagreements


def test_union_of_types_and_places() -> None:
    result = reconcile(
        [
            SourceView(make("a", place=("CN", "Liaoning", "Dandong"), types=("arrest",)), None),
            SourceView(make("b", place=("KP", "North Pyongan", "Sinuiju"), types=("repatriation",)), None),
        ]
    )
    assert result.incident.event_types == ["arrest", "repatriation"]
    assert {loc.place for loc in result.incident.locations} == {"Dandong", "Sinuiju"}


def test_needs_a_source() -> None:
    with pytest.raises(ValueError, match="at least one source"):
        reconcile([])
