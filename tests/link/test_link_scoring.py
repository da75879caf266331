"""Pairwise comparison of reports (fictional incidents)."""

from __future__ import annotations

import datetime as dt

from factories import make

from refwatch.link.scoring import Report, compare


def rep(key: str, **kw: object) -> Report:
    published = kw.pop("published", None)
    return Report(key=key, document=key, incident=make(key, **kw), published=published)  # type: ignore[arg-type]


def test_same_event_different_counts_links_with_reason() -> None:
    a = rep("a", start="2030-10-09", count=500, qualifier="at_least", place=("CN", "Jilin", "Tumen"))
    b = rep("b", start="2030-10-09", count=600, qualifier="about", place=("CN", "Jilin", "Tumen"))
    result = compare(a, b)
    assert result.veto is None and result.score >= 0.9
    assert "dates overlap" in result.reason
    assert "same place (Tumen)" in result.reason
    assert "counts >=500 vs ~600" in result.reason


def test_far_apart_dates_never_link() -> None:
    a = rep("a", start="2030-11-15", count=15, place=("CN", "Yunnan", "Kunming"))
    b = rep("b", start="2041-08-21", count=15, place=("CN", "Yunnan", "Kunming"))
    result = compare(a, b)
    assert result.veto is not None and "days apart" in result.veto


def test_report_published_before_incident_cannot_describe_it() -> None:
    a = rep("a", count=9, published=dt.date(2029, 1, 5))
    b = rep("b", start="2030-05-10", count=9)
    assert "published before" in (compare(a, b).veto or "")


def test_same_document_is_never_linked() -> None:
    a = Report("d#0", "d", make("d", start="2030-01-01", count=3))
    b = Report("d#1", "d", make("d", start="2030-01-01", count=3))
    assert compare(a, b).veto is not None


def test_different_counts_lower_the_score() -> None:
    base = {"start": "2030-03-01", "place": ("CN", "Liaoning", "Shenyang")}
    same = compare(rep("a", count=8, **base), rep("b", count=8, **base)).score
    other = compare(rep("a", count=8, **base), rep("b", count=40, **base)).score
    assert other <= same - 0.25


def test_disjoint_core_types_veto() -> None:
    a = rep("a", start="2030-03-01", count=5, types=("arrest",))
    b = rep("b", start="2030-03-01", count=5, types=("repatriation",))
    assert compare(a, b).veto == "no shared core event type"
