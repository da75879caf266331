"""Stages of the rule-based extractor on short fictional sentences (no real people or events)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from refwatch.extract import extract_document
from refwatch.extract.counts import find_counts
from refwatch.extract.dates import find_dates
from refwatch.extract.segment import split_sentences

ANCHOR = dt.date(2030, 10, 16)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("more than 500 North Koreans", (500, 500, None, "at_least")),
        ("about 600 defectors", (600, 600, 600, "about")),
        ("between 10 and 20 people", (10, 10, 20, "range")),
        ("500 to 600 refugees", (500, 500, 600, "range")),
        ("twenty-five escapees", (25, 25, 25, "exact")),
        ("탈북민 10여 명", (10, 10, 10, "about")),
        ("탈북자 3~4명", (3, 3, 4, "range")),
        ("20 defectors in Qingdao and 9 in Kunming", (29, 29, 29, "exact")),
        ("탈북민 20명을, 쿤밍에서 9명", (29, 29, 29, "exact")),
        # digits with Sino-Korean units, as news writes large round figures
        ("탈북자 2천여 명", (2000, 2000, 2000, "about")),
        ("탈북민 1만2천 명", (12000, 12000, 12000, "exact")),
        ("탈북민 3백여 명", (300, 300, 300, "about")),
        # "nearly", after the figure
        ("탈북자 20명 가까이", (20, 20, 20, "about")),
    ],
)
def test_counts(text: str, expected: tuple[int | None, int | None, int | None, str]) -> None:
    (found,) = find_counts(text)
    assert (found.count, found.count_min, found.count_max, found.qualifier) == expected
    assert text[found.start : found.end] == found.text


@pytest.mark.parametrize(
    "text",
    ["dozens of refugees", "a large number of defectors", "수십 명의 탈북민", "hundreds of North Koreans"],
)
def test_vague_amounts_give_no_figure(text: str) -> None:
    found = find_counts(text)
    assert found and all(c.count is None and c.vague for c in found)


@pytest.mark.parametrize("text", ["two buses", "1,100 km", "in 2019 police", "3 years in prison"])
def test_numbers_that_do_not_count_people(text: str) -> None:
    assert [c for c in find_counts(text) if c.count is not None] == []


def test_demographic_parts() -> None:
    found = find_counts("13 women and 2 children")
    assert [(c.count, c.group) for c in found] == [(13, "women"), (2, "children")]


@pytest.mark.parametrize(
    ("text", "lo", "hi", "precision"),
    [
        ("in mid-March", "2030-03-11", "2030-03-20", "range"),
        ("last month", "2030-09-01", "2030-09-30", "month"),
        ("on the 9th of this month", "2030-10-09", "2030-10-09", "day"),
        ("early 2023", "2023-01-01", "2023-04-30", "range"),
        ("지난 21일", "2030-09-21", "2030-09-21", "day"),
        ("지난달 말", "2030-09-21", "2030-09-30", "range"),
        ("in October 2019", "2019-10-01", "2019-10-31", "month"),
    ],
)
def test_relative_dates_resolve_against_publication(text: str, lo: str, hi: str, precision: str) -> None:
    (found,) = find_dates(text, ANCHOR)
    assert (str(found.lo), str(found.hi), found.precision) == (lo, hi, precision)


def test_no_year_is_invented_without_an_anchor() -> None:
    for found in find_dates("They were caught on March 8 and in mid-May.", None):
        assert found.lo is None or found.year_inferred is False


def test_sentences_end_after_a_year() -> None:
    text = "Police held 15 defectors on May 3, 2030. In a separate case, 4 women were caught."
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Police held 15 defectors on May 3, 2030.",
        "In a separate case, 4 women were caught.",
    ]


def test_line_numbering_is_not_a_sentence() -> None:
    text = "1. Fictional: 3 defectors held."
    assert [text[s.start : s.end] for s in split_sentences(text)] == [text]


def test_separate_incidents_stay_apart() -> None:
    text = (
        "Fictional report. Chinese police arrested 15 North Korean defectors in Shenyang on May 3, 2030. "
        "In a separate case in October 2029, border guards caught 4 women near Tumen; "
        "they were later repatriated."
    )
    found = extract_document(text, document="f", published=dt.date(2030, 5, 20))
    assert [(i.victims.count, i.locations[0].place, i.date.start) for i in found] == [
        (15, "Shenyang", "2030-05-03"),
        (4, "Tumen", "2029-10-01"),
    ]
    assert found[1].status == "returned"
    assert found[0].perpetrators[0].agency == "police"


def test_korean_report() -> None:
    text = (
        "가상 보도. 중국 공안이 이달 9일 단둥에서 탈북민 일가족 4명을 체포했다. "
        "이들은 다음 주 북송될 위기에 처했다."
    )
    (found,) = extract_document(text, document="k", published=dt.date(2030, 5, 20))
    assert (found.victims.count, found.date.start, found.locations[0].place) == (4, "2030-05-09", "Dandong")
    assert found.status == "at_risk"
    assert "arrest" in found.event_types


def test_chinese_place_names_inside_english() -> None:
    text = "Fictional: 6 North Koreans caught in 延吉 last week were sent back."
    (found,) = extract_document(text, document="z", published=dt.date(2030, 5, 20))
    assert [loc.place for loc in found.locations] == ["Yanji"]
    assert found.locations[0].admin1 == "Jilin"


def test_vague_group_gives_unknown_count() -> None:
    text = "Fictional: Chinese police rounded up a large number of North Korean escapees in Jilin last month."
    (found,) = extract_document(text, document="v", published=dt.date(2030, 5, 20))
    assert found.victims.count is None


def test_background_mention_is_marked() -> None:
    text = (
        "Fictional report. Police in Yanji detained 7 North Koreans on 2 March 2030. "
        "Rights groups say China forcibly returned some 600 people in October 2023."
    )
    found = extract_document(text, document="b", published=dt.date(2030, 5, 20))
    assert [(i.victims.count, i.salience) for i in found] == [(7, "main"), (600, "background")]


def testbare_month_cue_reads_only_the_words_before() -> None:
    """The windowed look-back answers exactly as a search from the start of the text."""
    from refwatch.extract.dates import _BARE_MONTH_BEFORE, bare_month_cue

    pieces = [
        "in",
        "IN",
        "end",
        "of",
        "beginning",
        " ",
        "\n",
        "-",
        "x",
        "\u017fince",
        "since",
        "\t",
        "5",
        "_",
        "mid",
    ]
    rng = random.Random(1)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        for start in range(len(text) + 1):
            assert bare_month_cue(text, start) == (_BARE_MONTH_BEFORE.search(text, 0, start) is not None)


def test_abbreviation_check_reads_only_the_tail() -> None:
    from refwatch.extract.segment import _ABBREVIATION, _ends_with_abbreviation

    pieces = ["Jan", "jan", "U", "S", ".", "A.", "B", "x", " ", "Mr", "etc", "\n", "\u00e9", "_", "1", "Sept"]
    rng = random.Random(2)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
        assert _ends_with_abbreviation(text) == (_ABBREVIATION.search(text) is not None)


@pytest.mark.parametrize(
    ("text", "lo", "hi", "role"),
    [
        # "N일 전해졌다" is "it was reported on the Nth", not "N days ago".
        ("이 사실은 12일 전해졌다.", "2030-10-12", "2030-10-12", "report"),
        ("소식은 3일 전해진 바 있다.", "2030-10-03", "2030-10-03", "report"),
        # "전" standing alone, or with a particle, is "before".
        ("탈북민들은 3일 전 체포됐다.", "2030-10-13", "2030-10-13", "event"),
        ("탈북민들은 5일 전에 붙잡혔다.", "2030-10-11", "2030-10-11", "event"),
        ("탈북민들은 2년 전부터 숨어 지냈다.", "2028-01-01", "2028-12-31", "since"),
        # "전달" is "the previous month" only as a word of its own.
        ("전달 말 탈북민 4명이 체포됐다.", "2030-09-21", "2030-09-30", "event"),
    ],
)
def test_korean_before_and_previous_month_are_whole_words(text: str, lo: str, hi: str, role: str) -> None:
    (found,) = find_dates(text, ANCHOR)
    assert (str(found.lo), str(found.hi), found.role) == (lo, hi, role)


@pytest.mark.parametrize(
    "text",
    [
        "단체는 편지를 전달했다.",  # delivered
        "서한 전달을 요청했다.",  # the delivery
        "오늘날 탈북민들은 어렵다.",  # nowadays
        "정부는 입장을 전달한 바 있다.",
    ],
)
def test_korean_verbs_and_compounds_are_not_dates(text: str) -> None:
    assert find_dates(text, ANCHOR) == []


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: more than 600 North Koreans have been repatriated since 2027.",
        "Fictional: Since 2025, about 1,500 defectors have been arrested in China.",
        "가상: 2027년 이후 탈북민 600여 명이 강제북송됐다.",
        "Fictional: hundreds of refugees have been sent back since 2026.",
    ],
)
def test_running_totals_since_a_year_are_not_incidents(text: str) -> None:
    assert extract_document(text, document="f", published=dt.date(2030, 5, 20)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: at least 15 defectors were arrested in Shenyang on May 3, 2030.",
        "Fictional: 15 defectors have been held in Tumen since 2029.",  # an exact figure is one group
        "Fictional: about 20 defectors were caught in Dandong in March 2030.",
    ],
)
def test_one_group_with_an_approximate_or_exact_figure_stays_an_incident(text: str) -> None:
    assert len(extract_document(text, document="f", published=dt.date(2030, 5, 20))) == 1


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("On Tuesday, the ministry said 15 defectors were arrested.", "report"),
        ("On Tuesday a fictional rights group said that police had caught 5 women.", "report"),
        ("Fictional. On May 3, officials told reporters that 4 were held.", "report"),
        ("The ministry said on Tuesday that 15 defectors were arrested.", "report"),  # the other order
        # The day of the event, not of a statement:
        ("On Tuesday police arrested 15 defectors and said they would be returned.", "event"),
        ("On Tuesday, border guards caught 15 defectors, a witness said.", "event"),
        ("Police arrested 15 defectors on Tuesday, the ministry said.", "event"),
    ],
)
def test_a_day_opening_a_statement_dates_the_statement(text: str, role: str) -> None:
    (found,) = find_dates(text, ANCHOR)
    assert found.role == role


@pytest.mark.parametrize(
    ("text", "types", "status"),
    [
        ("Fictional: police intercepted six North Koreans in Town X on 3 May 2030.", ["arrest"], "at_risk"),
        (
            "Fictional: six North Koreans were taken into custody in Town X on 3 May 2030.",
            ["arrest"],
            "at_risk",
        ),
        (
            "Fictional: six North Koreans were extradited to North Korea on 3 May 2030.",
            ["repatriation"],
            "returned",
        ),
        (
            "Fictional: six North Koreans were sent home to North Korea on 3 May 2030.",
            ["repatriation"],
            "returned",
        ),
        (
            "Fictional: Town X police handed six defectors to North Korean agents on 3 May 2030.",
            ["repatriation"],
            "returned",
        ),
    ],
)
def test_other_words_for_arrest_and_return(text: str, types: list[str], status: str) -> None:
    (found,) = extract_document(text, document="w", published=dt.date(2030, 5, 20))
    assert (found.event_types, found.status, found.victims.count) == (types, status, 6)
