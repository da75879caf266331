"""Which incidents a report holds, and which mentions belong to each (made-up sentences)."""

from __future__ import annotations

import datetime as dt

import pytest

from refwatch.extract import extract_document
from refwatch.extract.segment import is_clutter, split_sentences
from refwatch.extract.triggers import find_other_group


def test_a_list_of_dated_groups_gives_one_incident_each_even_without_a_year() -> None:
    # No publication date: "지난해" cannot be placed, yet each item is its own group.
    text = "가상: 당국은 지난해 5월 3일 30명, 같은 해 2월 7일 70명 등을 북한에 돌려보냈다."
    incidents = extract_document(text, document="demo")
    assert sorted(i.victims.count for i in incidents) == [30, 70]


def test_the_day_a_source_spoke_is_not_the_day_of_the_event() -> None:
    text = "가상: 탈북자 11명이 공안에 체포됐다고 한 단체가 24일 전했다."
    (incident,) = extract_document(text, document="demo", published=dt.date(2015, 3, 25))
    assert incident.date.start is None
    assert incident.date.precision == "unknown"


def test_one_persons_history_is_an_incident_of_one_and_stays_apart_from_a_group() -> None:
    text = (
        "Fictional: the state decided to send at least 300 North Koreans back. "
        "Person A-017 said his wife was forcibly repatriated in March 2018."
    )
    incidents = extract_document(text, document="demo")
    assert sorted(i.victims.count or 0 for i in incidents) == [1, 300]
    (wife,) = [i for i in incidents if i.victims.count == 1]
    assert wife.date.start == "2018-03-01"


def test_a_sentence_about_several_people_gets_no_count_of_one() -> None:
    text = "Fictional: a defector and other refugees were arrested in Yanji on 2 May 2019."
    (incident,) = extract_document(text, document="demo")
    assert incident.victims.count is None


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: three people who had been helping the group were also arrested in Yanji on 2 May 2019.",
        "가상: 탈북을 돕던 한국인 2명이 지난 9일 중국 공안에 체포됐다.",
        "Fictional: two South Koreans and one Chinese were also arrested in Yanji on 2 May 2019.",
        "가상: 한국 국민 3명이 지난 4일 옌지에서 체포됐다.",
    ],
)
def test_people_who_helped_are_not_the_group_the_incident_happened_to(text: str) -> None:
    assert all(i.victims.count is None for i in extract_document(text, document="demo"))


def test_a_singular_person_followed_by_others_is_not_a_count_of_one() -> None:
    text = "Fictional: his wife and son were detained in Tumen on 4 June 2016."
    (incident,) = extract_document(text, document="demo")
    assert incident.victims.count != 1


def test_labourers_are_people_counted() -> None:
    text = "Fictional: two labourers were arrested in Dandong on 9 May 2018."
    (incident,) = extract_document(text, document="demo")
    assert incident.victims.count == 2


def test_she_continues_one_persons_history_but_not_a_groups() -> None:
    one = "Fictional: his wife was forcibly repatriated in March 2018. She was later interrogated."
    (incident,) = extract_document(one, document="demo")
    assert "interrogation" in incident.event_types
    group = "Fictional: 40 refugees were repatriated in March 2018. She was later interrogated, he said."
    (incident,) = extract_document(group, document="demo")
    assert "interrogation" not in incident.event_types


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: police detained 9 in Yanji on 18 May 2019 and 18 others in Tumen on 19 May 2019.",
        "Fictional: police arrested 9 people in Yanji on 18 May 2019 and 18 in Tumen on 19 May 2019.",
        "가상: 2019년 5월 18일 옌지에서 9명, 2019년 5월 19일 투먼에서 18명이 체포됐다.",
        # the noun said once, the second figure borrowing it, the month written first
        "Fictional: police arrested 9 defectors in Yanji on May 18, 2019 and 18 in Tumen on May 19, 2019.",
        "Fictional: police detained 9 refugees in Yanji on May 18, 2019, and another 18 at Tumen on May 19.",
    ],
)
def test_several_groups_in_one_sentence_keep_their_own_count_date_and_place(text: str) -> None:
    found = [
        (i.victims.count, i.date.start, [loc.place for loc in i.locations])
        for i in extract_document(text, document="demo")
    ]
    assert found == [(9, "2019-05-18", ["Yanji"]), (18, "2019-05-19", ["Tumen"])]


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: police caught five in Dandong on 2 December 2019. "
        "Seven more were caught in Yanji on 9 December.",
        "Fictional: police caught five in Dandong on 2 December 2019. "
        "Another seven were caught in Yanji on 9 December.",
        "Fictional: police caught five in Dandong on 2 December 2019. "
        "7 more have been detained in Yanji on 9 December.",
    ],
)
def test_a_figure_with_more_and_no_noun_is_a_group_of_its_own(text: str) -> None:
    """ "Seven more were caught" names a second group by its figure alone, as "another seven" does."""
    found = [
        (i.victims.count, i.date.start, [loc.place for loc in i.locations])
        for i in extract_document(text, document="demo")
    ]
    assert found == [(5, "2019-12-02", ["Dandong"]), (7, "2019-12-09", ["Yanji"])]


def test_one_sentence_told_forwards_ends_in_the_next_year() -> None:
    text = "Fictional: twelve defectors caught at the end of last year were repatriated in March, they said."
    (incident,) = extract_document(text, document="demo", published=dt.date(2024, 6, 15))
    assert (incident.date.start, incident.date.end) == ("2023-09-01", "2024-03-31")


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: police arrested 9 defectors in Yanji on the 18th and 18 in Tumen on the 19th, they said.",
        "Fictional: police arrested 9 defectors in Yanji on May 18 and 18 in Tumen on May 19.",
        "Fictional: 경찰이 18일 옌지에서 탈북민 9명을, 19일 투먼에서 18명을 체포했다.",
    ],
)
def test_days_named_without_a_month_are_days_of_the_month_of_writing(text: str) -> None:
    """ "On the 18th", like "18일", is a day of the month the report was written in (or of the
    month before, when that day has not come yet)."""
    found = [
        (i.victims.count, i.date.start, [loc.place for loc in i.locations])
        for i in extract_document(text, document="demo", published=dt.date(2019, 5, 21))
    ]
    assert found == [(9, "2019-05-18", ["Yanji"]), (18, "2019-05-19", ["Tumen"])]


@pytest.mark.parametrize(
    ("text", "start", "end", "count"),
    [
        # a later second day makes a range of days, and no second group
        (
            "Fictional: police arrested 9 defectors in Yanji on May 18 and 19, 2019.",
            "2019-05-18",
            "2019-05-19",
            9,
        ),
        # ordinals that are not days
        (
            "Fictional: 9 defectors held on the 5th floor of a station were repatriated on 2 May 2019.",
            "2019-05-02",
            None,
            9,
        ),
    ],
)
def test_what_is_not_another_group(text: str, start: str, end: str | None, count: int | None) -> None:
    (incident,) = extract_document(text, document="demo", published=dt.date(2019, 5, 21))
    assert (incident.date.start, incident.victims.count) == (start, count)
    if end is not None:
        assert incident.date.end == end


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Fictional: a group of 12 was arrested in Hunchun on 2 June 2017.", 12),
        ("Fictional: the couple was caught in Dandong on 3 April 2016.", 2),
        ("Fictional: 14 were detained in Yanji on 5 May 2016.", 14),
        ("Fictional: a family of five was detained in Tumen on 1 July 2015.", 5),
    ],
)
def test_groups_without_a_noun_for_people_are_counted(text: str, count: int) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.victims.count == count


@pytest.mark.parametrize(
    ("text", "count", "qualifier"),
    [
        (
            "Fictional: separate arrests of defectors in China this week have brought the total of "
            "detainees to as many as 21, activists said on 3 May 2016.",
            21,
            "at_most",
        ),
        ("Fictional: the number of North Koreans arrested in Tumen rose to 16 on 5 May 2016.", 16, None),
        ("Fictional: the number of refugees detained reached 7 on 9 May 2016.", 7, None),
    ],
)
def test_the_figure_a_total_of_people_comes_to_is_the_count(
    text: str, count: int, qualifier: str | None
) -> None:
    """The noun comes before the figure ("the total of detainees ... to 21"), with its qualifier."""
    (incident,) = extract_document(text, document="demo")
    assert (incident.victims.count, incident.victims.qualifier) == (count, qualifier or "exact")


def test_a_total_of_something_else_is_no_count_of_people() -> None:
    text = (
        "Fictional: the number of checkpoints in Tumen rose to 16 after 12 defectors were arrested "
        "on 5 May 2016."
    )
    (incident,) = extract_document(text, document="demo")
    assert incident.victims.count == 12


def test_parts_of_a_group_are_their_own_incidents_related_to_it() -> None:
    text = (
        "가상: 탈북자 27명이 체포됐다. "
        "이들 중 9명은 칭다오에서 지난 18일, 18명은 쿤밍에서 19일에 체포된 것으로 전해졌다."
    )
    group, first, second = extract_document(text, document="demo", published=dt.date(2014, 7, 24))
    assert (group.victims.count, group.part_of) == (27, None)
    assert [(p.victims.count, p.part_of, p.locations[0].place) for p in (first, second)] == [
        (9, 0, "Qingdao"),
        (18, 0, "Kunming"),
    ]
    # The group's text dates only its parts: it spans them, and has their places.
    assert (group.date.start, group.date.end) == ("2014-07-18", "2014-07-19")
    assert {loc.place for loc in group.locations} == {"Qingdao", "Kunming"}


@pytest.mark.parametrize(
    "fate",
    [
        "Of them, 5 were executed in Hoeryong on 9 April 2012.",
        # the part named after its figure
        "Five of them were executed in Hoeryong on 9 April 2012.",
        "5 of those were executed.",
    ],
)
def test_the_fate_of_some_of_a_group_is_a_part_not_absorbed(fate: str) -> None:
    text = "Fictional: police arrested 31 North Koreans in Yanji on 2 March 2012. " + fate
    group, part = extract_document(text, document="demo")
    assert (group.victims.count, group.event_types, group.status) == (31, ["arrest"], "at_risk")
    assert (part.victims.count, part.event_types, part.status, part.part_of) == (5, ["execution"], "died", 0)


def test_children_among_a_group_are_not_a_part() -> None:
    text = "Fictional: police arrested 31 North Koreans in Yanji on 2 March 2012. Among them were 3 children."
    (incident,) = extract_document(text, document="demo")
    assert incident.victims.count == 31


def test_a_source_saying_then_that_the_state_planned_a_return_dates_the_people_being_held() -> None:
    text = (
        "Fictional: a lawmaker claimed last month that the state planned to repatriate "
        "12 North Koreans held in Yanji."
    )
    (incident,) = extract_document(text, document="demo", published=dt.date(2030, 3, 8))
    assert (incident.date.start, incident.date.end) == ("2030-02-01", "2030-02-28")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("가상: 탈북자 박모 씨가 지난달 선양에서 체포됐다.", 1),
        ("가상: 탈북민 A씨는 지난달 옌지에서 공안에 체포됐다.", 1),
        ("가상: 지난달 한 탈북 여성이 투먼에서 체포됐다.", 1),
        # one relative named as companion makes two
        ("가상: 지난달 아들과 함께 선양에서 체포된 탈북자 박모 씨가 북송됐다.", 2),
    ],
)
def test_one_korean_person_named_as_the_press_does_is_a_count_of_one(text: str, count: int) -> None:
    (incident,) = extract_document(text, document="demo", published=dt.date(2030, 4, 6))
    assert incident.victims.count == count


def test_a_figure_for_another_group_does_not_join_one_persons_incident() -> None:
    text = (
        "가상: 지난해 11월 선양에서 체포된 탈북자 박모 씨가 석방됐다. "
        "가상 단체는 적어도 41명의 탈북민이 올해 체포됐다고 밝혔다."
    )
    incidents = extract_document(text, document="demo", published=dt.date(2030, 4, 6))
    assert sorted(i.victims.count or 0 for i in incidents) == [1, 41]


def test_a_repeated_headline_is_read_once() -> None:
    """A list of related articles repeats the headline: read again, it would join whatever group
    the page spoke of last, with the headline's date and places."""
    headline = "Fictional: China sent back defectors arrested in Shenyang last year"
    body = "Fictional body: police arrested 30 people in Dandong on 3 May 2030."
    text = f"{headline}\n\n{body}\n\n• “{headline}”\n"
    sentences = split_sentences(text)
    assert [s.clutter for s in sentences] == [False, False, True]
    incidents = extract_document(text, document="demo", published=dt.date(2030, 6, 1))
    assert not any(e.quote.startswith("•") for i in incidents for e in i.evidence)


def test_a_seed_giving_its_own_year_beside_a_group_dated_only_in_relative_words_is_apart() -> None:
    text = (
        "Fictional: last month nine young refugees were detained in Laos and handed over to North Korea. "
        "In 2003, Person A-017 and his parents were arrested trying to reach Mongolia and sent back."
    )
    incidents = extract_document(text, document="demo")
    assert len(incidents) == 2
    nine = next(i for i in incidents if i.victims.count == 9)
    assert nine.date.start is None and nine.status == "returned"


@pytest.mark.parametrize(
    "text",
    [
        "Fictional cases were recorded. • November 2029. Police detained 30 people in Town X.",
        "November 2029. Police detained 30 people in Town X.",
        "2029년 11월. 공안이 가상의 탈북민 30명을 체포했다.",
    ],
)
def test_a_date_heading_a_chronology_row_dates_the_row(text: str) -> None:
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert (incident.date.start, incident.date.end) == ("2029-11-01", "2029-11-30")


def test_a_month_and_year_ending_a_sentence_still_ends_it() -> None:
    text = "Police detained them in November 2029. They were sent back."
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Police detained them in November 2029.",
        "They were sent back.",
    ]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Two fictional sisters were arrested in Town X on June 3, 2029.", 2),
        ("Three fictional North Korean students were arrested in Town X on June 3, 2029.", 3),
        ("Police arrested four fictional brothers in Town X on June 3, 2029.", 4),
    ],
)
def test_kin_and_occupations_count_people(text: str, count: int) -> None:
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert incident.victims.count == count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (
            "Fictional: guards caught a North Korean mother and her two children in Town X on 3 June 2029.",
            3,
        ),
        ("Fictional: a North Korean woman and her daughter were arrested in Town X on 3 June 2029.", 2),
        ("Fictional: a woman and her 10-year-old son were caught in Town X on 3 June 2029.", 2),
        (
            "Fictional: a defector, his wife and their three children were held in Town X on 3 June 2029.",
            5,
        ),
    ],
)
def test_a_person_named_with_their_kin_is_one_group(text: str, count: int) -> None:
    """The person counts one, each kin noun one, a figure before a kin noun that many."""
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert incident.victims.count == count


def test_kin_without_a_figure_give_no_total() -> None:
    text = "Fictional: a defector and his children were detained in Town X on 3 June 2029."
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert incident.victims.count is None


@pytest.mark.parametrize(
    ("text", "count"),
    [
        # Kinds of people joined in one group are added up; people who are not the group are not.
        ("가상의 탈북 여성 3명과 어린이 2명이 2029년 6월 5일 체포됐다.", 5),
        ("공안은 가상의 남성 2명, 여성 1명을 2029년 6월 5일 체포했다.", 3),
        ("가상의 탈북민 5명과 중국인 브로커 2명이 2029년 6월 5일 체포됐다.", 5),
    ],
)
def test_korean_kinds_of_people_in_one_group_add_up(text: str, count: int) -> None:
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert incident.victims.count == count


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Police held the couple; 41 others were released.", ["41 others"]),
        ("Several others were taken to Tumen.", ["Several others"]),
        ("Guards made them bathe others in the cell.", []),  # "the" inside a word opens nothing
        ("Cell A12 others were moved.", []),  # nor does a figure glued to letters
    ],
)
def test_another_group_opens_at_a_word_start(sentence: str, found: list[str]) -> None:
    """Made-up sentences: "N others" and "several others" name a different group only as whole words."""
    assert [sentence[s.start : s.end] for s in find_other_group(sentence)] == found


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: seven North Koreans held in Town X face repatriation.",
        "Fictional: China is expected to repatriate the seven North Koreans held in Town X.",
        "Fictional: police in Town X are holding seven North Koreans.",
    ],
)
def test_people_held_are_in_custody_however_the_sentence_goes_on(text: str) -> None:
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert (incident.victims.count, incident.event_types, incident.status) == (7, ["detention"], "at_risk")


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: a press conference was held in Town X on 3 June 2029.",
        "Fictional: talks were held in Town X on 3 June 2029.",
        "Fictional: talks held in Town X on 3 June 2029 ended without agreement.",
        "Fictional: a memorial service was held at the church on 3 June 2029 for the victims.",
    ],
)
def test_events_held_are_no_custody(text: str) -> None:
    assert extract_document(text, document="fictional", published=dt.date(2030, 1, 5)) == []


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("가상: 탈북 여성 A씨와 그의 딸이 지난 3일 옌지에서 체포됐다.", 2),
        ("가상: 김모 씨와 아들이 지난 3일 옌지에서 체포됐다.", 2),
        ("가상: 탈북 여성 A씨가 지난 3일 옌지에서 체포됐다.", 1),
    ],
)
def test_a_korean_person_named_with_a_relative_after_them_is_two(text: str, count: int) -> None:
    (incident,) = extract_document(text, document="fictional", published=dt.date(2031, 5, 20))
    assert incident.victims.count == count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Fictional: two hundred North Koreans were repatriated from Town X on 3 June 2029.", 200),
        ("Fictional: guards caught two dozen defectors near Town X on 3 June 2029.", 24),
        ("Fictional: guards caught 2 dozen defectors near Town X on 3 June 2029.", 24),
        ("Fictional: three thousand North Koreans were repatriated from Town X on 3 June 2029.", 3000),
        ("Fictional: two hundred and fifty North Koreans were repatriated from Town X on 3 June 2029.", 250),
        ("Fictional: about a dozen defectors were caught near Town X on 3 June 2029.", 12),
        ("Fictional: guards caught half a dozen defectors near Town X on 3 June 2029.", 6),
        ("가상: 2029년 6월 3일 탈북민 2천500명이 북송됐다.", 2500),
        ("가상: 2029년 6월 3일 탈북민 1만2천300명이 북송됐다.", 12300),
    ],
)
def test_a_multiplier_after_a_number_multiplies_it(text: str, count: int) -> None:
    """ "two hundred" is 200, not 2 with a word between the figure and the noun."""
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert incident.victims.count == count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Fictional: the group of nine was arrested near Town X on 3 June 2029.", 9),
        ("Fictional: a nine-member family was arrested near Town X on 3 June 2029.", 9),
        ("Fictional: a 12-strong group was arrested near Town X on 3 June 2029.", 12),
        ("Fictional: a North Korean couple and their baby were arrested near Town X on 3 June 2029.", 3),
        ("가상: 탈북 모녀가 2029년 6월 3일 옌지에서 체포됐다.", 2),
        ("가상: 탈북민 부부와 자녀 2명이 2029년 6월 3일 옌지에서 체포됐다.", 4),
        # the pair is part of a larger group, or the couple helped them
        ("가상: 탈북 모녀 등 5명이 2029년 6월 3일 옌지에서 체포됐다.", 5),
        ("가상: 탈북민 5명이 한국인 부부의 안내로 가던 중 2029년 6월 3일 옌지에서 체포됐다.", 5),
    ],
)
def test_groups_named_by_their_make_up(text: str, count: int) -> None:
    """A group by its frame ("the group of nine", "a nine-member family") or as a pair of kin."""
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert incident.victims.count == count


def test_a_multiplier_is_no_figure_by_itself() -> None:
    text = "Fictional: hundreds of North Koreans were repatriated from Town X on 3 June 2029."
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert incident.victims.count is None


@pytest.mark.parametrize(
    ("text", "count", "women", "children"),
    [
        ("Fictional: three women and a child were arrested in Town X on 3 June 2029.", 4, 3, 1),
        ("Fictional: a woman and two children were caught near Town X on 3 June 2029.", 3, 1, 2),
        ("Fictional: police arrested five defectors and a child in Town X on 3 June 2029.", 6, None, None),
        ("Fictional: two men and a woman were detained in Town X on 3 June 2029.", 3, 1, None),
    ],
)
def test_one_person_joined_to_a_counted_group_is_one_more(
    text: str, count: int, women: int | None, children: int | None
) -> None:
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert (incident.victims.count, incident.victims.women, incident.victims.children) == (
        count,
        women,
        children,
    )


def test_a_person_of_another_kind_joined_to_a_group_is_not_counted() -> None:
    """A broker or a Chinese man caught with the group is not one of the North Koreans."""
    text = (
        "Fictional: police arrested three North Korean women and a Chinese broker in Town X on 3 June 2029."
    )
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert incident.victims.count == 3


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: police held 12 defectors in Town X, and seven others were arrested separately in Town Y.",
        "가상: 중국 공안은 지난 3일 옌지에서 탈북민 12명을 체포했으며, 별도로 투먼에서도 7명이 붙잡혔다.",
    ],
)
def test_groups_caught_separately_are_two_incidents(text: str) -> None:
    """ "separately", "별도로": the figures of one sentence are groups caught apart, not one group."""
    found = extract_document(text, document="fictional", published=dt.date(2030, 5, 20))
    assert sorted(i.victims.count for i in found) == [7, 12]


def test_a_group_counted_in_parts_by_place_stays_one() -> None:
    text = "Fictional: police arrested 20 in Qingdao and 9 in Kunming on 18 July 2029."
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 5, 20))
    assert incident.victims.count == 29


def test_one_kind_of_person_keeps_its_qualifier() -> None:
    """ "more than 100 women" is at least 100, as "more than 100 people" is."""
    text = "Fictional: more than 100 North Korean women were repatriated from Town X on 3 June 2029."
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    victims = incident.victims
    assert (victims.count, victims.qualifier, victims.women) == (100, "at_least", 100)


@pytest.mark.parametrize(
    "line",
    [
        "Cite as Fictional Radio, Police arrest 9 in Town X, 3 May 2029, available at: [accessed 1 June]",
        "Suggested citation: Fictional Group, Report on Town X, 2029.",
    ],
)
def test_a_citation_line_is_page_furniture(line: str) -> None:
    """A citation repeats the title and adds the day it was read: neither tells of an event."""
    assert is_clutter(line)


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: in 2029, Ms. Lee was caught by police in Town X and sent back.",
        "Fictional: Mr. Kim was arrested in Town X in March 2029 and repatriated a month later.",
    ],
)
def test_a_person_named_with_a_title_is_one_person(text: str) -> None:
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert incident.victims.count == 1


def test_items_of_a_sentence_are_cut_at_the_clause_break() -> None:
    """ "In March, 12 ... in Yanji; in April, another 7 ...": Yanji is the first group's place."""
    text = (
        "Fictional: in March 2029, 12 defectors were arrested in Yanji; "
        "in April 2029, another 7 were caught in Tumen."
    )
    found = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert sorted((i.victims.count, [loc.place for loc in i.locations]) for i in found) == [
        (7, ["Tumen"]),
        (12, ["Yanji"]),
    ]


def test_a_member_named_in_a_relative_clause_is_not_the_group() -> None:
    text = (
        "Fictional: the group, which included a 10-year-old girl, was arrested in Town X on 3 May 2029. "
        "All nine were later repatriated."
    )
    (incident,) = extract_document(text, document="demo")
    assert incident.victims.count == 9
    assert {"arrest", "repatriation"} <= set(incident.event_types)


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: nine defectors, including seven men and two women, were arrested in Yanji on 3 May 2029.",
        "Fictional: nine defectors, who included seven men and two women, were held in Yanji on 3 May 2029.",
    ],
)
def test_members_named_in_a_clause_give_the_make_up_of_the_group(text: str) -> None:
    (incident,) = extract_document(text, document="demo")
    v = incident.victims
    assert (v.count, v.men, v.women) == (9, 7, 2)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Fictional: the authorities deported the eight to North Korea on 3 May 2029.", 8),
        ("Fictional: police caught the three in Yanji on 3 May 2029.", 3),
        # a noun after the figure is the ordinary count
        ("Fictional: police caught the three defectors in Yanji on 3 May 2029.", 3),
    ],
)
def test_the_figure_alone_after_the_stands_for_the_group(text: str, count: int) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.victims.count == count


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: police arrested North Koreans in three raids:\n"
        "- 3 May 2029: 5 people in Yanji\n- 9 May 2029: 7 people in Tumen\n"
        "- 15 May 2029: 2 people in Dandong",
        "Fictional: police detained the following groups:\n"
        "1. 3 May 2029 - 5 people in Yanji\n2. 9 May 2029 - 7 people in Tumen\n"
        "3. 15 May 2029 - 2 people in Dandong",
        "가상: 공안이 체포한 탈북민은 다음과 같다:\n"
        "• 2029년 5월 3일 옌지 5명\n• 2029년 5월 9일 투먼 7명\n• 2029년 5월 15일 단둥 2명",
    ],
)
def test_list_items_under_a_lead_in_are_groups_of_its_event(text: str) -> None:
    found = [
        (i.victims.count, i.date.start, [loc.place for loc in i.locations], "arrest" in i.event_types)
        for i in extract_document(text, document="demo")
    ]
    assert found == [
        (5, "2029-05-03", ["Yanji"], True),
        (7, "2029-05-09", ["Tumen"], True),
        (2, "2029-05-15", ["Dandong"], True),
    ]


def test_list_items_without_a_lead_in_event_are_no_incidents() -> None:
    text = "Fictional: places we visited:\n- 3 May 2029: 5 people in Yanji\n- 9 May 2029: 7 people in Tumen"
    assert extract_document(text, document="demo") == []


@pytest.mark.parametrize("figure", ["30-odd", "thirty-odd"])
def test_a_figure_and_odd_is_about_that_figure(figure: str) -> None:
    text = f"Fictional: guards caught {figure} defectors near Town X on 3 June 2029."
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert (incident.victims.count, incident.victims.qualifier) == (30, "about")


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: Kim Ji-hye, 34, was arrested by police in Yanji on 3 May 2029.",
        "Fictional: Person A-017 was arrested in Yanji on 3 May 2029 and repatriated a month later.",
        "가상: 혜산 출신 30대 여성이 2029년 5월 3일 옌지에서 체포됐다.",
        # a name withheld in the press's way with the age (and sex) after it
        "가상: 탈북 여성 A씨(34)가 2029년 5월 3일 옌지에서 체포됐다.",
        "가상: 탈북민 이모(여·34)씨가 2029년 5월 3일 옌지에서 체포됐다.",
        "가상: 탈북민 B씨(29·여)는 2029년 5월 3일 옌지에서 체포됐다.",
    ],
)
def test_one_person_named_by_name_and_age_pseudonym_or_age_decade_is_one(text: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.victims.count == 1


def test_an_age_decade_with_a_figure_counts_the_figure() -> None:
    (incident,) = extract_document("가상: 30대 여성 3명이 2029년 5월 3일 옌지에서 체포됐다.", document="demo")
    assert incident.victims.count == 3
