"""Pairwise comparison of reports (fictional incidents)."""

from __future__ import annotations

import dataclasses
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
    assert result.veto is None and result.score >= 0.8
    assert result.reason.startswith("match weight ")
    assert "date overlap, both precise +" in result.reason
    assert "place same city or county (Tumen) +" in result.reason
    assert "count same figure, 10 or more +" in result.reason


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


def test_disjoint_core_types_weigh_against_but_do_not_veto() -> None:
    """Changed: an early report of an arrest and a later one of the return share no core type
    and are one event; the old rule vetoed the pair outright, the model weighs it."""
    a = rep("a", start="2030-03-01", count=5, types=("arrest",))
    b = rep("b", start="2030-03-01", count=5, types=("repatriation",))
    same = rep("b", start="2030-03-01", count=5, types=("arrest",))
    result = compare(a, b)
    assert result.veto is None
    assert "types no shared core type -" in result.reason
    assert result.score < compare(a, same).score


def test_a_missing_place_is_no_evidence_either_way() -> None:
    with_place = rep("b", start="2030-03-01", count=40, place=("CN", "Jilin", "Tumen"))
    a = rep("a", start="2030-03-01", count=40, place=None)
    assert "place" not in compare(a, with_place).reason


def test_two_undated_reports_written_years_apart_are_never_linked() -> None:
    """Without dates, a shared figure and city must not chain reports written years apart."""
    a = rep("a", count=41, place=("CN", "Liaoning", "Shenyang"), published=dt.date(2030, 4, 6))
    b = rep("b", count=41, place=("CN", "Liaoning", "Shenyang"), published=dt.date(2033, 7, 8))
    result = compare(a, b)
    assert result.score == 0.0 and result.veto is not None and "undated" in result.veto
    close = rep("c", count=41, place=("CN", "Liaoning", "Shenyang"), published=dt.date(2030, 5, 1))
    assert compare(a, close).veto is None


def _yearless(key: str, words: str, **kw: object) -> Report:
    """An undated report whose own words name a day without its year (no date of writing)."""
    report = rep(key, **kw)
    incident = dataclasses.replace(
        report.incident, date=dataclasses.replace(report.incident.date, text=words)
    )
    return Report(key=key, document=key, incident=incident)


def test_a_day_named_without_its_year_counts_as_a_date() -> None:
    dated = rep("a", start="2030-08-14", count=5, place=("CN", "Hebei", None))
    same_day = compare(_yearless("b", "on August 14", count=5, place=("CN", "Hebei", None)), dated)
    assert "date overlap, both precise +" in same_day.reason
    # Placed in the year that fits best, six weeks away weighs against, ten weeks rules it out ...
    weeks = rep("c", start="2030-07-01", end="2030-07-02", count=5, place=("CN", "Hebei", None))
    apart = compare(_yearless("d", "August 14", count=5, place=("CN", "Hebei", None)), weeks)
    assert apart.veto is None and apart.score < same_day.score / 10
    assert next(c for c in apart.weighing.contributions if c.comparison == "date").weight < 0  # type: ignore[union-attr]
    other = rep("c", start="2030-06-01", count=5, place=("CN", "Hebei", None))
    assert "days apart" in (
        compare(_yearless("d", "August 14", count=5, place=("CN", "Hebei", None)), other).veto or ""
    )
    # ... across a new year too, in either language
    january = rep("e", start="2031-01-02", count=5, place=("CN", "Hebei", None))
    assert compare(_yearless("f", "12월 30일", count=5, place=("CN", "Hebei", None)), january).veto is None
    # A relative date ("last month") names no day of the year: no evidence either way.
    vague = compare(_yearless("g", "last month", count=5, place=("CN", "Hebei", None)), other)
    assert vague.veto is None and "date" not in vague.reason


def test_a_month_named_without_its_year_rules_out_but_never_supports() -> None:
    """ "In April" in a report with no date of writing: placed in the year nearest the other
    incident it agrees with April of any year, so it is no evidence for a pair; still, an
    incident months away from every April cannot be the same one."""
    july = rep("a", start="2030-07-18", end="2030-07-19", count=27, place=("CN", "Shandong", "Qingdao"))
    april = _yearless("b", "April", count=30, qualifier="about", place=("CN", "Shandong", "Qingdao"))
    assert "days apart" in (compare(april, july).veto or "")
    may = rep("c", start="2030-04-20", count=30, place=("CN", "Shandong", "Qingdao"))
    near = compare(april, may)
    assert near.veto is None and "date" not in near.reason
    # the same words with a day are specific and count as a date (see the test above)
    assert (
        "date overlap"
        in compare(_yearless("d", "April 20", count=30, place=("CN", "Shandong", "Qingdao")), may).reason
    )


def test_a_month_without_a_year_does_not_place_a_report_in_time() -> None:
    """A report whose only date is a month without a year joins nothing on a figure and a
    place alone: it is held to the same bar as a report with no date at all."""
    dated = rep("a", start="2030-04-10", count=30, place=("CN", "Liaoning", "Shenyang"), types=("arrest",))
    month = dataclasses.replace(
        _yearless("b", "in April", count=30, place=("CN", "Liaoning", "Shenyang")), placed_in_time=False
    )
    day = dataclasses.replace(
        _yearless("c", "April 10", count=30, place=("CN", "Liaoning", "Shenyang")), placed_in_time=False
    )
    assert not compare(month, dated).enough_alone
    assert compare(day, dated).enough_alone


def test_a_day_without_a_year_is_not_placed_long_before_the_report_was_written() -> None:
    """A report known only to be written after its latest mentioned date (2031-07) that names
    "August 29" tells of the year before that at the earliest, not of an incident in 2012."""
    old = rep("a", start="2012-01-01", end="2012-12-31", count=None, types=("repatriation",))
    words = _yearless("b", "8월 29일", count=80, types=("repatriation",))
    unbounded = compare(words, old)
    assert unbounded.veto is None and "date overlap" in unbounded.reason
    bounded = dataclasses.replace(words, written_after=dt.date(2031, 7, 1))
    assert "days apart" in (compare(bounded, old).veto or "")
    recent = rep("c", start="2031-08-29", count=80, types=("repatriation",))
    assert "date overlap, both precise" in compare(bounded, recent).reason
