"""Each comparison level of the linking model, on made-up incidents (no real events)."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import make

from refwatch.domain.incidents import Evidence, Victims
from refwatch.link.features import Features, count_bounds, features
from refwatch.link.levels import (
    COMPARISONS,
    count_level,
    date_level,
    groups_level,
    place_level,
    shared_values,
    types_level,
    wording_level,
)
from refwatch.link.report import Report


def feat(key: str, *, published: dt.date | None = None, **kw: object) -> Features:
    return features(Report(key=f"{key}#000", document=key, incident=make(key, **kw), published=published))  # type: ignore[arg-type]


# --- date ----------------------------------------------------------------------------------------


def test_date_overlap_precise_and_vague() -> None:
    day = feat("a", start="2031-04-02")
    assert date_level(day, feat("b", start="2031-04-02")) == "overlap, both precise"
    year = feat("b", start="2031-01-01", end="2031-12-31")
    assert date_level(day, year) == "overlap, one vague"


def test_date_gap_is_measured_between_intervals() -> None:
    """A month given as the date is the whole month: the 30th of it is no gap at all."""
    month = feat("a", start="2031-04-01", end="2031-04-30")
    assert date_level(month, feat("b", start="2031-04-30")) == "overlap, both precise"
    spring = feat("b", start="2031-03-01", end="2031-05-31")
    assert date_level(month, spring) == "overlap, one vague"
    assert date_level(month, feat("b", start="2031-05-20")) == "within a month"
    assert date_level(month, feat("b", start="2031-08-20")) == "further apart"


def test_undated_report_is_placed_by_its_own_date() -> None:
    dated = feat("a", start="2031-04-02")
    fresh = feat("b", published=dt.date(2031, 4, 20))
    late = feat("b", published=dt.date(2034, 1, 5))
    assert date_level(dated, fresh) == "undated, written within 90 days after"
    assert date_level(late, dated) is None  # years later it may recall it or something else
    assert date_level(dated, feat("b")) is None  # no date, no reference: no evidence


def test_an_undated_report_is_placed_by_its_documents_reference_interval() -> None:
    """A reference known to the month (an address like /2031/05/) may fall on any of its days."""
    dated = feat("a", start="2031-04-02")
    month = features(
        Report(
            key="b#000",
            document="b",
            incident=make("b"),
            reference=(dt.date(2031, 5, 1), dt.date(2031, 5, 31)),
        )
    )
    assert date_level(dated, month) == "undated, written within 90 days after"
    later = features(
        Report(
            key="c#000",
            document="c",
            incident=make("c"),
            reference=(dt.date(2033, 1, 1), dt.date(2033, 12, 31)),
        )
    )
    assert date_level(dated, later) is None


# --- count ---------------------------------------------------------------------------------------


def test_more_than_and_about_agree_on_a_log_scale() -> None:
    more_than = feat("a", count=500, qualifier="at_least")
    about = feat("b", count=600, qualifier="about")
    assert count_level(more_than, about) == "same figure, 10 or more"
    hundreds = feat("c", count=200, qualifier="range", count_max=900)
    assert count_level(hundreds, about) == "same figure, 10 or more"


def test_small_counts_have_their_own_level() -> None:
    assert count_level(feat("a", count=9), feat("b", count=9)) == "same figure, under 10"
    assert count_level(feat("a", count=9), feat("b", count=10)) == "within 50%"
    assert count_level(feat("a", count=8), feat("b", count=40)) == "further apart"
    assert count_level(feat("a", count=8), feat("b")) is None


def test_qualifiers_widen_the_bounds() -> None:
    about = make("a", count=50, qualifier="about")
    assert count_bounds(about) == pytest.approx((50 / 1.2, 60.0))
    at_least = make("a", count=30, qualifier="at_least")
    assert count_bounds(at_least) == (30.0, 60.0)
    at_most = Victims(count=30, count_min=None, count_max=30, qualifier="at_most")
    assert count_bounds(make("a").__class__(document="a", event_types=[], victims=at_most)) == (15.0, 30.0)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        # outlets' figures for one group differ by a person or two ...
        (27, 29, "same figure, 10 or more"),
        (40, 42, "same figure, 10 or more"),
        # ... but small figures stay apart, and so do figures a fifth apart
        (9, 10, "within 50%"),
        (30, 36, "within 50%"),
        # a round figure of a hundred or more is a rounded estimate
        (500, 600, "same figure, 10 or more"),
        (120, 150, "within 50%"),
        (200, 300, "within 50%"),
    ],
)
def test_figures_stated_exactly_still_allow_rounding_and_a_person_or_two(a: int, b: int, level: str) -> None:
    assert count_level(feat("a", count=a), feat("b", count=b)) == level


# --- place ---------------------------------------------------------------------------------------


def test_place_hierarchy() -> None:
    tumen = feat("a", place=("CN", "Jilin", "Tumen"))
    assert place_level(tumen, feat("b", place=("CN", "Jilin", "Tumen"))) == "same city or county"
    province_only = feat("b", place=("CN", "Jilin", None))
    assert place_level(tumen, province_only) == "same province or country, one less precise"
    country_only = feat("b", place=("CN", None, None))
    assert place_level(tumen, country_only) == "same province or country, one less precise"
    assert place_level(tumen, feat("b", place=("CN", "Jilin", "Yanji"))) == "different cities, same province"
    assert place_level(tumen, feat("b", place=("LA", None, "Vientiane"))) == "different places"
    assert place_level(tumen, feat("b", place=("CN", "Liaoning", None))) == "different provinces"
    assert place_level(tumen, feat("b", place=("CN", "Liaoning", "Dandong"))) == "different provinces"
    assert place_level(tumen, feat("b", place=None)) is None
    assert shared_values("place", tumen, feat("b", place=("CN", "Jilin", "Tumen"))) == ("Tumen",)


# --- types, groups, wording ----------------------------------------------------------------------


def test_event_types() -> None:
    arrest = feat("a", types=("arrest", "detention"))
    assert types_level(arrest, feat("b", types=("detention", "arrest"))) == "same core event types"
    assert types_level(arrest, feat("b", types=("arrest", "repatriation"))) == "a shared core type"
    assert types_level(arrest, feat("b", types=("repatriation",))) == "no shared core type"
    assert types_level(arrest, feat("b", types=())) is None


def _with_victims(key: str, **victims: object) -> Features:
    incident = make(key, count=5)
    incident.victims = Victims(count=5, count_min=5, count_max=5, qualifier="exact", **victims)  # type: ignore[arg-type]
    return features(Report(f"{key}#000", key, incident))


def test_groups_from_counts_and_words() -> None:
    family = _with_victims("a", text="a family of five")
    assert groups_level(family, _with_victims("b", text="가족 5명")) == "a shared group"
    assert groups_level(family, _with_victims("b", children=2)) == "different groups"
    assert groups_level(family, _with_victims("b", text="five people")) is None


def _quoted(key: str, quote: str) -> Features:
    incident = make(key, count=5)
    incident.evidence = [Evidence(0, len(quote), quote)]
    return features(Report(f"{key}#000", key, incident))


def test_wording_in_one_script_only() -> None:
    a = _quoted("a", "Person A-017 and four others were stopped at a road check near the river")
    b = _quoted("b", "police stopped Person A-017 and four others at a road check near the river crossing")
    c = _quoted("c", "a court sentenced a fictional official to a fine for an unrelated matter")
    korean = _quoted("d", "가상의 인물 다섯 명이 강 근처 검문소에서 붙잡혔다고 한다")
    assert wording_level(a, b) == "shared wording"
    assert wording_level(a, c) == "no shared wording"
    assert wording_level(a, korean) is None  # translations share no words: no evidence
    assert wording_level(a, _quoted("e", "FICTIONAL")) is None  # too short to compare


def test_every_comparison_lists_its_levels_strongest_first() -> None:
    assert list(COMPARISONS) == ["date", "count", "place", "types", "groups", "wording"]
    for labels, _function in COMPARISONS.values():
        assert len(labels) == len(set(labels)) >= 2
