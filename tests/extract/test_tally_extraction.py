"""Tallies: running totals, yearly rates, head-counts, cases and sums (made-up sentences only).

Each class of expression INCIDENTS.md calls a tally is tested in English and
Korean with invented figures, places and years (2025-2031): the figure becomes
a tally record and seeds no incident, while the incidents a tally enumerates are
still extracted. Negative cases: one group caught over a short period, a group
held since its arrest, and a group held in a named city stay incidents.
"""

from __future__ import annotations

import datetime as dt

import pytest

from refwatch.domain.tallies import Tally
from refwatch.extract import RuleExtractor, extract_document
from refwatch.extract.assemble import is_tally
from refwatch.extract.base import Extraction, extract_all
from refwatch.extract.rules import find_mentions

ANCHOR = dt.date(2030, 10, 20)


def run(text: str, published: dt.date | None = ANCHOR) -> Extraction:
    return RuleExtractor().extract_all(text, document="f", published=published)


def only_tally(text: str, published: dt.date | None = ANCHOR) -> Tally:
    found = run(text, published)
    assert found.incidents == [], [i.victims for i in found.incidents]
    (tally,) = found.tallies
    for e in tally.evidence:
        assert text[e.start : e.end] == e.quote
    return tally


@pytest.mark.parametrize(
    ("text", "count", "qualifier", "kind", "start"),
    [
        (
            "Fictional: since 2027 at least 420 North Koreans have been sent back by China.",
            420,
            "at_least",
            "returned",
            "2027-01-01",
        ),
        (
            "Fictional: more than 600 North Koreans have been repatriated since 2027.",
            600,
            "at_least",
            "returned",
            "2027-01-01",
        ),
        (
            "Fictional: Since early 2026, some 1,500 defectors have been arrested in China.",
            1500,
            "about",
            "arrested",
            "2026-01-01",
        ),
        ("가상: 2027년 이후 탈북민 600여 명이 강제북송됐다.", 600, "about", "returned", "2027-01-01"),
        (
            "가상: 단체는 북한이 2026년 초 국경을 닫은 이후 중국이 430명 이상을 북송했다고 밝혔다.",
            430,
            "at_least",
            "returned",
            "2026-01-01",
        ),
        ("가상: 중국 당국은 올해 1월부터 최소 57명의 탈북민을 체포했다.", 57, "at_least", "arrested", None),
    ],
)
def test_a_total_since_a_bound_is_a_tally(
    text: str, count: int, qualifier: str, kind: str, start: str | None
) -> None:
    tally = only_tally(text, published=None if "올해" in text else ANCHOR)
    assert (tally.figure.count, tally.figure.qualifier, tally.kind) == (count, qualifier, kind)
    assert tally.period.start == start and tally.rate is None


@pytest.mark.parametrize(
    ("text", "count", "start", "end"),
    [
        (
            "Fictional: the group counted 212 arrests of North Koreans between July 2027 and June 2028.",
            None,
            None,
            None,
        ),
        (
            "Fictional: at least 75 North Koreans were arrested between March 2028 and February 2029.",
            75,
            "2028-03-01",
            "2029-02-28",
        ),
        (
            "가상: 중국이 2027년 7월에서 2028년 12월 사이 탈북민 140명 이상을 체포했다.",
            140,
            "2027-07-01",
            "2028-12-31",
        ),
    ],
)
def test_a_figure_over_a_long_period_is_a_tally(
    text: str, count: int | None, start: str | None, end: str | None
) -> None:
    found = run(text)
    if count is None:  # "212 arrests" names no people: neither an incident nor a tally
        assert found.tallies == [] and found.incidents == []
        return
    assert found.incidents == []
    (tally,) = found.tallies
    assert (tally.figure.count, tally.kind, tally.period.start, tally.period.end) == (
        count,
        "arrested",
        start,
        end,
    )


@pytest.mark.parametrize(
    ("text", "count", "qualifier"),
    [
        ("Fictional: about 2,400 North Koreans are sent back from Tumen every year.", 2400, "about"),
        ("Fictional: China repatriates some 900 defectors a year, the group estimates.", 900, "about"),
        ("가상: 매년 탈북자 2500여 명이 이 수용소에 수감돼 있다가 북송되는 것으로 알려졌다.", 2500, "about"),
        ("가상: 연간 탈북민 700명이 강제북송된다.", 700, "exact"),
    ],
)
def test_a_yearly_rate_is_a_tally(text: str, count: int, qualifier: str) -> None:
    tally = only_tally(text)
    assert (tally.figure.count, tally.figure.qualifier, tally.rate, tally.kind) == (
        count,
        qualifier,
        "per_year",
        "returned",
    )


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Fictional: about 2,000 North Koreans are held in China now, the group said.", 2000),
        ("Fictional: at least 45 defectors remain in detention in China, according to the group.", 45),
        ("가상: 단체는 최소 38명의 탈북민이 중국에 구금돼 있다고 밝혔다.", 38),
        ("가상: 현재 탈북민 200여 명이 중국 공안에 억류돼 있는 것으로 추산된다.", 200),
        ("Fictional: about 2,000 North Koreans are believed to be held in Chinese detention centres.", 2000),
        ("Fictional: China is thought to be holding around 2,000 North Koreans.", 2000),
    ],
)
def test_an_estimated_head_count_of_people_held_now_is_a_tally(text: str, count: int) -> None:
    tally = only_tally(text)
    assert (tally.figure.count, tally.kind) == (count, "held")
    assert tally.period.start == tally.period.end == ANCHOR.isoformat()  # the moment of the count


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: over 1,300 North Koreans living in China are at risk of being sent back.",
        "가상: 중국에 숨어 지내는 탈북민 5000여 명이 강제북송 위기에 놓여 있다.",
    ],
)
def test_an_estimated_population_at_risk_is_a_tally(text: str) -> None:
    tally = only_tally(text)
    assert tally.kind == "other"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (
            "Fictional: monitors documented 38 cases of arrest over the January 2028 to December 2028 span.",
            38,
        ),
        (
            "Fictional: it recorded nine cases of forced repatriation, about 64 people, in the border area.",
            64,
        ),
        ("가상: 단체는 강제북송 14건을 확인했다.", 14),
    ],
)
def test_cases_are_a_tally(text: str, count: int) -> None:
    tally = only_tally(text)
    assert tally.figure.count == count


def test_a_sum_the_source_splits_into_dated_groups_is_a_tally_and_the_groups_stay_incidents() -> None:
    text = (
        "Fictional: 14 North Korean defectors arrested in Jilin and Hebei.\n\n"
        "Another 14 North Korean defectors have been arrested in China and face repatriation.\n"
        "On March 3, nine North Korean defectors were arrested at a bus station in Yanji, and on "
        "March 19, a further five defectors were caught in a car in Qinhuangdao."
    )
    found = run(text, published=None)
    (tally,) = found.tallies
    assert (tally.figure.count, tally.kind, len(tally.evidence)) == (14, "arrested", 2)
    assert sorted(i.victims.count for i in found.incidents) == [5, 9]


def test_a_group_split_into_parts_of_itself_stays_one_incident() -> None:
    # "Of them, 9 in A and 18 in B": one group caught in two places, not a sum of incidents.
    text = (
        "가상: 탈북자 27명이 공안에 체포됐다.\n\n"
        "이들 중 9명은 옌지에서 지난 8일, 18명은 훈춘에서 9일에 체포된 것으로 전해졌다."
    )
    found = run(text)
    assert found.tallies == []
    assert 27 in {i.victims.count for i in found.incidents}


def test_a_sentence_with_a_group_and_a_head_count_keeps_the_group() -> None:
    text = (
        "가상: 단체는 지난 4일 중국이 지난 1월 중순부터 3월까지 적어도 44명의 탈북민을 체포했으며 "
        "최소 31명의 탈북민이 중국에 구금돼 있다고 밝혔다."
    )
    found = run(text)
    assert [t.figure.count for t in found.tallies] == [31]
    (incident,) = found.incidents
    assert incident.victims.count == 44


@pytest.mark.parametrize(
    "text",
    [
        # One group caught over a short period is an incident with a range date (INCIDENTS.md).
        "Fictional: at least 41 North Koreans were arrested between mid-January and March 2030.",
        "가상: 중국이 지난 1월 중순부터 3월까지 적어도 41명의 탈북민을 체포했다.",
        # A state that lasts since a date is one group's status, not a running total.
        "Fictional: 15 defectors have been held in Tumen since 2029.",
        # A figure dated by its own event: "since" bounds a comparison.
        "Fictional: 12 defectors were arrested in Yanji on May 3, the most since 2026.",
        # "a year ago" is a date, not a rate.
        "Fictional: a year ago, 11 defectors were arrested in Tumen.",
        # A yearly word that does not make the figure a rate: an annual report, a yearly event.
        "가상: 단체의 연간 보고서에 따르면 지난 3일 탈북민 12명이 옌지에서 체포됐다.",
        "가상: 매년 열리는 행사에서 탈북민 12명이 지난 3일 체포됐다.",
        # "for a year" is a length of time, not a rate.
        "Fictional: police arrested 11 defectors in Yanji on 3 May 2030 and held them for a year.",
        # Cases whose groups the sentence dates one by one are those incidents, not their sum.
        "Fictional: In two separate cases, police arrested five defectors in Yanji on 3 May 2030.",
        # A group whose members are named is a group, even when held "now" in a country.
        "Fictional: at least 10 North Koreans, including a child, were detained in China on 3 May 2030.",
        # Residents of a town who fled and were caught: an incident, not a population.
        "가상: 회령 거주 세 가족(15명 내외)이 탈북했지만 중국에서 붙잡혀 북송됐다.",
    ],
)
def test_a_group_stays_an_incident(text: str) -> None:
    found = run(text)
    assert found.tallies == []
    assert len(found.incidents) == 1


def test_a_group_with_named_members_held_now_is_no_head_count() -> None:
    text = "Fictional: at least 10 North Koreans, including a child, are being held in China and face return."
    assert run(text).tallies == []


def test_a_group_held_in_a_named_city_is_no_head_count() -> None:
    # Even "currently": the people held in one city are a group, whose incident the report tells.
    assert (
        run("Fictional: more than 20 defectors are currently imprisoned in Dandong, a source said.").tallies
        == []
    )


def test_the_same_figure_again_adds_evidence_to_one_tally() -> None:
    text = (
        "Fictional: about 2,400 North Koreans are sent back every year.\n\n"
        "Every year, about 2,400 North Koreans are repatriated, the group said."
    )
    (tally,) = run(text).tallies
    assert len(tally.evidence) == 2


def test_is_tally_and_the_records_are_one_decision() -> None:
    text = "Fictional: more than 600 North Koreans have been repatriated since 2027."
    (sm,) = [s for s in find_mentions(text, ANCHOR) if s.tallies]
    assert is_tally(sm) and sm.counts == []
    assert [t.figure.count for t in run(text).tallies] == [f.figure.count for f in sm.tallies]


def test_extract_still_returns_incidents_and_extract_all_gives_both() -> None:
    text = (
        "Fictional: police detained 12 North Korean refugees in Tumen on 3 May 2030. "
        "Since 2027 at least 420 North Koreans have been sent back."
    )
    incidents = extract_document(text, document="f", published=ANCHOR)
    assert [i.victims.count for i in incidents] == [12]
    both = extract_all(RuleExtractor(), text, document="f", published=ANCHOR)
    assert [i.victims.count for i in both.incidents] == [12]
    assert [t.figure.count for t in both.tallies] == [420]


def test_an_extractor_without_extract_all_gives_no_tallies() -> None:
    class Plain:
        name = "plain"

        def extract(self, text: str, **_: object) -> list[object]:
            return []

    assert extract_all(Plain(), "x", document="f") == Extraction([], [])  # type: ignore[arg-type]


def test_tally_records_round_trip_the_incidents_md_shape() -> None:
    (tally,) = run("Fictional: since 2027 at least 420 North Koreans have been sent back by China.").tallies
    data = tally.to_dict()
    assert set(data) == {"document", "kind", "figure", "period", "rate", "place", "source_org", "evidence"}
    assert Tally.from_dict(data | {"notes": "ignored"}) == tally
    assert tally.bounds() == (420.0, float("inf"))


def test_long_texts_shift_tally_evidence_by_their_segment(monkeypatch: pytest.MonkeyPatch) -> None:
    from refwatch.extract import rules

    monkeypatch.setattr(rules, "SEGMENT_CHARS", 120)
    text = (
        "Fictional: police detained 12 North Korean refugees in Tumen on 3 May 2030.\n\n"
        + "Nothing else happened that day in the fictional town.\n\n" * 3
        + "Since 2027 at least 420 North Koreans have been sent back."
    )
    (tally,) = run(text).tallies
    (e,) = tally.evidence
    assert text[e.start : e.end] == e.quote and "420" in e.quote


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: police have detained about 50 North Korean defectors in Yanji since last week.",
        "Fictional: since Monday, at least 20 North Koreans have been arrested in Dandong.",
        "가상: 중국 공안이 지난주부터 탈북민 30여 명을 체포했다고 소식통이 전했다.",
        "가상: 중국 당국은 지난달 초부터 탈북민 최소 15명을 붙잡아 북송했다.",
    ],
)
def test_a_recent_bound_is_short_even_without_a_reference_date(text: str) -> None:
    # Unknown beats wrong: with no date for the report, "since last week" is still a short period.
    found = run(text, published=None)
    assert found.tallies == [] and len(found.incidents) == 1


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (
            "Fictional: between 2027 and 2029, at least 300 North Koreans were sent back.",
            "2027-01-01",
            "2029-12-31",
        ),
        (
            "Fictional: from 2026 to 2028 some 900 defectors were arrested in China.",
            "2026-01-01",
            "2028-12-31",
        ),
        ("가상: 2027년부터 2029년까지 탈북민 450여 명이 강제북송됐다.", "2027-01-01", "2029-12-31"),
    ],
)
def test_a_figure_over_a_span_of_years_is_a_tally(text: str, start: str, end: str) -> None:
    tally = only_tally(text)
    assert (tally.period.start, tally.period.end) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: China sent back 80 North Koreans, the first such return since 2027.",
        "가상: 2027년 이후 처음으로 탈북민 10명이 강제북송됐다.",
    ],
)
def test_the_first_since_a_year_is_a_comparison_not_a_period(text: str) -> None:
    found = run(text)
    assert found.tallies == [] and len(found.incidents) == 1


def test_a_clause_of_its_own_still_seeds_an_incident_beside_a_tally() -> None:
    text = "Fictional: every year hundreds of North Koreans are sent back; last month police arrested 9."
    found = run(text)
    assert [t.figure.text for t in found.tallies] == ["hundreds of North Koreans"]
    (incident,) = found.incidents
    assert incident.date.start == "2030-09-01"  # the arrest's own month, not the tally's words
    assert "repatriation" not in incident.event_types


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: twelve defectors were caught in Town X late last year.",
        "Fictional: twelve defectors were caught in Town X earlier this year.",
        "Fictional: twelve defectors were caught in Town X in early 2029.",
        "가상: 탈북민 12명이 지난해 말 선양에서 붙잡혔다.",
        "가상: 탈북민 12명이 올해 초 선양에서 붙잡혔다.",
    ],
)
def test_a_group_dated_by_a_part_of_a_year_stays_an_incident(text: str) -> None:
    """ "late last year" spans four months, but it is when one group was caught, not a period
    over which a figure was counted (which "since early 2026" still is: see above)."""
    found = run(text)
    assert found.tallies == []
    (incident,) = found.incidents
    assert incident.victims.count == 12


def test_a_group_being_held_now_is_an_incident() -> None:
    """ "are being held": the progressive says custody going on, not what happens as a rule."""
    found = run("Fictional: seven North Koreans are being held in Town X after their arrest on 3 May 2030.")
    assert found.tallies == []
    (incident,) = found.incidents
    assert (incident.victims.count, incident.status) == (7, "at_risk")


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: Since early 2026, some 1,500 defectors have been arrested in China.",
        "가상: 단체는 북한이 2026년 초 국경을 닫은 이후 중국이 430명 이상을 북송했다고 밝혔다.",
    ],
)
def test_a_total_since_a_part_of_a_year_runs_on_to_the_report(text: str) -> None:
    """ "since early 2026" opens the period in early 2026; it does not end in April."""
    tally = only_tally(text)
    assert (tally.period.start, tally.period.end) == ("2026-01-01", None)


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: China has sent back more than 200 North Koreans so far this year, a group said.",
        "가상: 중국이 올해 들어 탈북민 200여 명을 강제북송했다고 한 단체가 밝혔다.",
    ],
)
def test_a_total_of_the_year_so_far_is_a_tally(text: str) -> None:
    found = RuleExtractor().extract_all(text, document="f", published=dt.date(2030, 6, 15))
    assert found.incidents == []
    (tally,) = found.tallies
    assert (tally.figure.count, tally.period.start) == (200, "2030-01-01")


def test_a_korean_count_of_people_held_now_is_a_head_count() -> None:
    tally = only_tally("가상: 현재 중국 구금시설에 수감된 탈북민은 2천여 명으로 추산된다.")
    assert (tally.kind, tally.figure.count) == ("held", 2000)


def test_a_group_held_now_after_a_dated_arrest_stays_an_incident() -> None:
    found = run("가상: 2029년 5월 3일 체포돼 현재 투먼 구류장에 수감된 탈북민 5명은 북송 위기에 처해 있다.")
    assert [i.victims.count for i in found.incidents] == [5] and found.tallies == []


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: over the past three years, some 1,500 North Koreans were repatriated.",
        "가상: 지난 3년간 탈북민 1천500여 명이 북송됐다.",
    ],
)
def test_a_figure_over_years_back_from_the_report_is_a_tally(text: str) -> None:
    tally = only_tally(text)
    assert tally.figure.count == 1500
