"""Dates read as dates: statement days, future days, quoted speakers' days, weekends (made-up sentences)."""

from __future__ import annotations

import datetime as dt

import pytest

from refwatch.extract.dates import find_dates

ANCHOR = dt.date(2030, 10, 16)  # a Wednesday


def _found(text: str) -> list[tuple[str, str | None, str | None, str]]:
    return [
        (d.text, d.lo.isoformat() if d.lo else None, d.hi.isoformat() if d.hi else None, d.role)
        for d in find_dates(text, ANCHOR)
    ]


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        # Korean puts the verb last: a day right after the topic dates the statement ...
        ("단체는 14일 이들이 지난 12일 체포됐다고 밝혔다.", ["report", "event"]),
        ("가상의 통일부는 14일 “탈북민 5명이 지난 12일 체포됐다”고 말했다.", ["report", "event"]),
        ("이들은 지난 12일 체포됐다고 단체가 14일 밝혔다.", ["event", "report"]),
        # ... but not when the sentence tells what was done, not what was said
        ("경찰은 14일 탈북민 5명을 체포했다.", ["event"]),
        # ... nor when the speaker is named after the quoted clause: the opening subject and its day
        # are the clause's own, unless the clause is itself a saying
        ("가상의 경찰이 14일 탈북민 5명을 체포했다고 한 단체가 전했다.", ["event"]),
        ("경찰이 지난 14일 탈북민 5명을 체포했다고 소식통이 밝혔다.", ["event"]),
        ("가상 단체는 14일 5명이 체포됐다고 밝혔다고 VOA가 전했다.", ["report"]),
        # a topic written in Latin letters is a topic too
        ("HRW는 14일 탈북민 5명이 체포됐다고 밝혔다.", ["report"]),
        # English, whatever the order
        ("The fictional ministry said on Tuesday that 15 defectors were arrested.", ["report"]),
        ("On Tuesday, the fictional ministry said 15 defectors were arrested.", ["report"]),
        ("Person A-017, who was arrested on Tuesday, said guards beat him.", ["event"]),
        ("Police caught 5 women on Tuesday, a fictional group said on Thursday.", ["event", "report"]),
        ("A fictional spokesman on Monday seemed to deny reports that 7 were sent back.", ["report"]),
        ("Fictional officials on May 3 urged the neighbours to stop the returns.", ["report"]),
        ("Police on Tuesday arrested 15 defectors.", ["event"]),
        ("The group was arrested on Tuesday, said a witness.", ["event"]),
        ("They were caught on May 3 said officials.", ["event"]),
        # a Korean date whose clause ends in a plan is a coming one; the words between close no other verb
        ("가상: 탈북민 20여 명이 이달 말 북송될 예정이라고 소식통은 전했다.", ["future"]),
        ("가상: 지난 3일 체포된 5명이 이달 말 북송될 예정이다.", ["event", "future"]),
        # a clause of its own after the reporting verb has its own date
        ("Person A-017 said she was repatriated in 2015.", ["event"]),
        ("Fictional activists said they were arrested on May 3.", ["event"]),
        ("The fictional group said in a statement on Monday that 5 were held.", ["report"]),
        ("Fictional officials told reporters on Monday that 5 were held.", ["report"]),
        ("11일 가상의 연구소는 보고서에서 이렇게 설명했다.", ["report"]),
        # a day that opens a period is the period's, even right after the topic
        ("그는 지난달 25일부터 28일 사이 5명이 체포됐다고 주장했다.", ["event", "event"]),
        ("그는 25일~28일 5명이 체포됐다고 주장했다.", ["event", "event"]),
        # a dateline is the day the story was filed
        ("TUMEN, June 3 (Fictional Wire) -- A fictional agency asked about 11 people.", ["report"]),
        ("Headline\nTUMEN, China, May 3, 2030 - Police arrested 5.", ["report"]),
        ("Police in the city on June 3 - the day after - arrested 5.", ["event"]),
        # "as of": the day a state was read
        ("As of October 3, 15 remain in custody.", ["report"]),
        ("가상 단체에 따르면 17일 오후 현재 연락이 닿지 않는다.", ["report"]),
        # other verbs of saying: warning, urging, noting, testifying
        ("Six caught in Tumen face return, fictional activists warned on June 12.", ["report"]),
        ("Six caught in Tumen face return, a fictional lawyer noted on June 12.", ["report"]),
        ("Person A-017 testified on June 12 that guards beat her.", ["report"]),
        ("Fictional activists warned that six people caught in Tumen on June 2 face return.", ["event"]),
    ],
)
def test_statement_days_are_told_from_event_days(text: str, roles: list[str]) -> None:
    assert [role for *_, role in _found(text)] == roles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They will be deported on Friday.", [("on Friday", None, None, "future")]),
        ("A court hearing is scheduled for November 3.", [("November 3", None, None, "future")]),
        ("The deadline of November 3 passed.", [("November 3", None, None, "future")]),
        (
            "Police detained them on October 3 and said they would be returned on October 30.",
            [("October 3", "2030-10-03", "2030-10-03", "event"), ("October 30", None, None, "future")],
        ),
        ("경찰은 오는 20일 이들을 북송할 예정이다.", [("오는 20일", "2030-10-20", "2030-10-20", "future")]),
        # narrative "would later" tells the past
        ("He would later be deported on May 3.", [("May 3", "2030-05-03", "2030-05-03", "event")]),
        # a comma ends the future clause
        (
            "They will be tried, after their arrest on May 3.",
            [("May 3", "2030-05-03", "2030-05-03", "event")],
        ),
    ],
)
def test_future_dates_and_deadlines_are_not_event_dates(
    text: str, expected: list[tuple[str, str | None, str | None, str]]
) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '"They took the six of them to the border today," a fictional neighbour told a reporter.',
        "“Police took them away yesterday,” a fictional source said.",
        "“어제 5명이 잡혀갔다”고 가상의 소식통이 말했다.",
    ],
)
def test_a_quoted_speakers_today_is_not_the_reports(text: str) -> None:
    (found,) = find_dates(text, ANCHOR)
    assert found.lo is None


def test_today_outside_quotes_still_resolves() -> None:
    assert _found("Police said today that 5 were held.") == [("today", "2030-10-16", "2030-10-16", "report")]


@pytest.mark.parametrize(
    "text",
    [
        "Five fictional travellers were held at a checkpoint at the weekend, their families said.",
        "Police detained 4 people over the weekend.",
        "지난 주말 탈북민 5명이 체포됐다.",
    ],
)
def test_the_weekend_is_the_last_saturday_and_sunday(text: str) -> None:
    (found,) = find_dates(text, ANCHOR)
    assert (found.lo, found.hi, found.precision) == (dt.date(2030, 10, 12), dt.date(2030, 10, 13), "range")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a comma and a number after a day is a count, not a second day
        ("On October 3, 15 defectors were arrested.", ("October 3", "2030-10-03", "2030-10-03")),
        ("between May 3 and 5", ("May 3 and 5", "2030-05-03", "2030-05-05")),
        ("May 3-5, 2029", ("May 3-5, 2029", "2029-05-03", "2029-05-05")),
    ],
)
def test_day_ranges_and_counts_after_a_day(text: str, expected: tuple[str, str, str]) -> None:
    assert _found(text)[0][:3] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Person A-017 fled in the summer of 2019.", ("the summer of 2019", "2019-06-01", "2019-08-31")),
        ("during the winter of 2019", ("the winter of 2019", "2019-12-01", "2020-02-29")),
        ("in the first half of 2019", ("the first half of 2019", "2019-01-01", "2019-06-30")),
        ("2019년 여름 체포됐다.", ("2019년 여름", "2019-06-01", "2019-08-31")),
        ("2019년 하반기 북송됐다.", ("2019년 하반기", "2019-07-01", "2019-12-31")),
        ("2019년 말 북송됐다.", ("2019년 말", "2019-09-01", "2019-12-31")),
        ("지난해 말 체포됐다.", ("지난해 말", "2029-09-01", "2029-12-31")),
        ("올해 초 북송됐다.", ("올해 초", "2030-01-01", "2030-04-30")),
        ("지난해 상반기 체포됐다.", ("지난해 상반기", "2029-01-01", "2029-06-30")),
        ("올해 하반기 북송됐다.", ("올해 하반기", "2030-07-01", "2030-12-31")),
        ("in the first half of last year", ("the first half of last year", "2029-01-01", "2029-06-30")),
        ("since the start of the month", ("the start of the month", "2030-10-01", "2030-10-10")),
        ("since the beginning of the year", ("the beginning of the year", "2030-01-01", "2030-04-30")),
        ("in the second half of last month", ("the second half of last month", "2030-09-16", "2030-09-30")),
    ],
)
def test_seasons_halves_and_parts_of_a_year(text: str, expected: tuple[str, str, str]) -> None:
    (found,) = _found(text)
    assert found[:3] == expected


@pytest.mark.parametrize("text", ["a summer camp", "2019년 말레이시아로 갔다.", "the second half"])
def test_words_that_only_look_like_parts_of_a_year(text: str) -> None:
    assert find_dates(text, ANCHOR) == []


@pytest.mark.parametrize(
    ("text", "anchor", "second"),
    [
        ("2019년 3월 체포됐고 이듬해 5월 북송됐다.", None, "2020-05-01"),
        ("2018년 2월 탈북했다. 그해 10월 체포됐다.", None, "2018-10-01"),
        ("지난해 9월 18일 체포됐고, 같은 해 8월 29일에도 북송됐다.", dt.date(2024, 5, 10), "2023-08-29"),
        # "the same year" as an unknown "last year" is unknown too, not the last year written
        ("2020년 초 국경이 닫혔다. 지난해 9월 18일 체포됐고, 같은 해 8월 29일에도 북송됐다.", None, None),
    ],
)
def test_the_same_year_is_the_year_named_before(
    text: str, anchor: dt.date | None, second: str | None
) -> None:
    found = find_dates(text, anchor)
    assert (found[-1].lo.isoformat() if found[-1].lo else None) == second


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Person A-017 was caught a week ago.", ("a week ago", "2030-10-06", "2030-10-12")),
        ("one month ago", ("one month ago", "2030-09-01", "2030-09-30")),
        ("late last month", ("late last month", "2030-09-21", "2030-09-30")),
        ("early last year", ("early last year", "2029-01-01", "2029-04-30")),
        ("두 달 전 체포됐다.", ("두 달 전", "2030-08-01", "2030-08-31")),
        ("일주일 전 북송됐다.", ("일주일 전", "2030-10-06", "2030-10-12")),
        # a month with the year named relative to the report
        ("They were caught in May last year.", ("May last year", "2029-05-01", "2029-05-31")),
        ("caught in October of this year", ("October of this year", "2030-10-01", "2030-10-31")),
        ("caught on 3 May last year", ("3 May last year", "2029-05-03", "2029-05-03")),
        # Korean day ranges and the native words for a number of days
        ("5월 3~5일 체포됐다.", ("5월 3~5일", "2030-05-03", "2030-05-05")),
        ("2019년 5월 3-5일 체포됐다.", ("2019년 5월 3-5일", "2019-05-03", "2019-05-05")),
        ("닷새 전 체포됐다.", ("닷새 전", "2030-10-11", "2030-10-11")),
        ("사흘 전에 북송됐다.", ("사흘 전", "2030-10-13", "2030-10-13")),
        # a day of last month, before or after today's day of the month (the report is of the 16th)
        ("탈북민 5명이 지난달 2일 체포됐다.", ("지난달 2일", "2030-09-02", "2030-09-02")),
        ("지난 달 20일 체포됐다.", ("지난 달 20일", "2030-09-20", "2030-09-20")),
        ("전달 2일 북송됐다.", ("전달 2일", "2030-09-02", "2030-09-02")),
    ],
)
def test_more_relative_expressions(text: str, expected: tuple[str, str, str]) -> None:
    (found,) = _found(text)
    assert found[:3] == expected


@pytest.mark.parametrize(
    "text",
    [
        "일주일간 조사했다.",
        "한 달간 구금됐다.",
        "두 달 전달했다.",
        "an hour ago",
        # a number of days after something else: not the day of a month
        "체포돼 3일 후 북송됐다.",
        "체포된 뒤 10일 뒤 북송됐다.",
    ],
)
def test_durations_and_verbs_are_not_relative_dates(text: str) -> None:
    assert find_dates(text, ANCHOR) == []


def test_a_day_reported_belatedly_is_still_a_day() -> None:
    assert [d.text for d in find_dates("지난 5일 뒤늦게 북송된 사실이 알려졌다.", ANCHOR)] == ["지난 5일"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("지난 금요일 탈북민 3명이 체포됐다.", ("지난 금요일", "2030-10-11", "event")),
        ("지난주 화요일 체포됐다.", ("지난주 화요일", "2030-10-08", "event")),
        ("월요일 오후 체포됐다.", ("월요일 오후", "2030-10-14", "event")),
        ("오는 금요일 북송될 예정이다.", ("오는 금요일", None, "future")),
    ],
)
def test_korean_weekdays(text: str, expected: tuple[str, str | None, str]) -> None:
    (found,) = _found(text)
    assert (found[0], found[1], found[3]) == expected


def test_a_weekday_said_of_every_week_is_no_date() -> None:
    assert find_dates("일요일마다 예배를 드린다.", ANCHOR) == []


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        # a relative clause telling someone else's own earlier move dates that person's life
        (
            "Among the ten deported were the wife and son of a man who escaped to the South in 2025.",
            ["background"],
        ),
        ("Person A-017, whose husband had defected in 2024, was arrested on May 3.", ["background", "event"]),
        ("가상: 송환된 10명 중에는 2025년 5월 탈북한 남성의 아내와 아들이 있었다.", ["background"]),
        # ... but the group's own clause keeps its date
        ("Nine people who were arrested in Yanji in 2029 were sent back.", ["event"]),
        ("Fictional: nine people were arrested in 2029.", ["event"]),
    ],
)
def test_a_date_of_someone_elses_earlier_move_is_background(text: str, roles: list[str]) -> None:
    assert [role for *_, role in _found(text)] == roles


def test_a_day_in_brackets_before_a_reporting_verb_dates_the_report() -> None:
    """ "오늘(16일) 보도했다": both the word and the day in brackets date the report."""
    assert [role for *_, role in _found("가상의 방송이 오늘(16일) 보도했다.")] == ["report", "report"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A period closed at both ends is the time of the event, in either language ...
        (
            "단체는 지난 1월 중순부터 3월까지 탈북민 20명이 체포됐다고 밝혔다.",
            [
                ("지난 1월 중순", "2030-01-11", "2030-01-20", "event"),
                ("3월", "2030-03-01", "2030-03-31", "event"),
            ],
        ),
        (
            "가상의 일행은 지난 2일부터 10일까지 국경을 넘었다.",
            [
                ("지난 2일", "2030-10-02", "2030-10-02", "event"),
                ("10일", "2030-10-10", "2030-10-10", "event"),
            ],
        ),
        (
            "From mid-January to March, fictional police arrested 41 people.",
            [
                ("mid-January", "2030-01-11", "2030-01-20", "event"),
                ("March", "2030-03-01", "2030-03-31", "event"),
            ],
        ),
        (
            "Person A-017 was held from 3 May 2029 until 9 June 2029.",
            [
                ("3 May 2029", "2029-05-03", "2029-05-03", "event"),
                ("9 June 2029", "2029-06-09", "2029-06-09", "event"),
            ],
        ),
        # ... while an open bound stays a bound, and a day before a count of people is no period
        ("올해 1월부터 가상의 탈북민 300명이 북송됐다.", [("올해 1월", "2030-01-01", "2030-01-31", "since")]),
        (
            "Since March, 300 fictional people were returned.",
            [("March", "2030-03-01", "2030-03-31", "since")],
        ),
        ("이들은 2일부터 10명씩 조사를 받았다.", []),
    ],
)
def test_a_period_closed_at_both_ends_dates_the_event(
    text: str, expected: list[tuple[str, str | None, str | None, str]]
) -> None:
    assert _found(text) == expected


def test_a_day_written_again_with_its_year_gives_the_year() -> None:
    text = "May 10   9 fictional people detained in Country X.\nThey were caught on May 10, 2028."
    assert [(d.text, d.lo.isoformat() if d.lo else None) for d in find_dates(text, ANCHOR)] == [
        ("May 10", "2028-05-10"),
        ("May 10, 2028", "2028-05-10"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # A day inside the words a source is quoted saying is the day of what they tell, in any quote marks.
        "가상의 소식통은 '중국이 지난 9일 탈북민 60명을 북송했다'고 말했다.",
        "가상의 소식통은 ‘중국이 지난 9일 탈북민 60명을 북송했다’고 말했다.",
        "가상의 소식통은 “중국이 지난 9일 탈북민 60명을 북송했다”고 말했다.",
    ],
)
def test_a_day_inside_a_quotation_dates_what_the_speaker_tells(text: str) -> None:
    assert [(d.text, d.role) for d in find_dates(text, ANCHOR)] == [("지난 9일", "event")]


JUNE_2024 = dt.date(2024, 6, 15)
FEBRUARY_2024 = dt.date(2024, 2, 10)


@pytest.mark.parametrize(
    ("text", "anchor", "last"),
    [
        # One sentence tells its story forwards: a month after an earlier date of the sentence that
        # the carried year would put before it lies in the next year ...
        ("Fictional: caught at the end of last year and repatriated in March.", JUNE_2024, "2024-03-01"),
        ("가상: 지난해 말 체포된 12명이 3월 북송됐다.", JUNE_2024, "2024-03-01"),
        ("Fictional: detained on 20 December 2019 and handed over in mid-January.", None, "2020-01-11"),
        # ... unless the report cannot have been written by then
        ("Fictional: caught at the end of last year and repatriated in March.", FEBRUARY_2024, "2023-03-01"),
        # a later month keeps the carried year
        ("Fictional: arrested on 3 March 2019 and sent back on 5 April.", None, "2019-04-05"),
        # across sentences a list of cases may run either way: the year is carried as written
        ("Fictional: five caught in December 2019. In March, seven more were caught.", None, "2019-03-01"),
        # a page stamp on its own line is no earlier event
        ("Updated November 15, 2028\nFictional: 48 were sent back on July 28.", ANCHOR, "2028-07-28"),
    ],
)
def test_a_carried_year_moves_on_when_its_sentence_runs_past_the_new_year(
    text: str, anchor: dt.date | None, last: str
) -> None:
    found = find_dates(text, anchor)
    assert found[-1].lo is not None and found[-1].lo.isoformat() == last


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a total counted from the start of a period to the report
        ("가상: 올해 들어 200여 명이 북송됐다.", ("올해", "since")),
        ("Fictional: 200 were sent back so far this year.", ("this year", "since")),
        ("Fictional: 200 were sent back this year so far.", ("this year", "since")),
        ("Fictional: 200 were sent back this year to date.", ("this year", "since")),
        # a Korean year alone dates an event only with a time particle or "around"
        ("가상: A씨는 2019년에 체포됐다.", ("2019년", "event")),
        ("가상: A씨는 2019년께 체포됐다.", ("2019년", "event")),
    ],
)
def test_periods_running_to_the_report_and_years_with_a_particle(
    text: str, expected: tuple[str, str]
) -> None:
    assert [(d.text, d.role) for d in find_dates(text, ANCHOR)] == [expected]


def test_a_korean_year_naming_a_thing_is_no_date() -> None:
    assert find_dates("가상: 1986년 협약은 송환을 금지한다.", ANCHOR) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # written on a Sunday: "the weekend" is this one, "last weekend" the one before
        ("Fictional: ten were caught at the weekend.", ("2030-10-19", "2030-10-20")),
        ("Fictional: ten were caught last weekend.", ("2030-10-12", "2030-10-13")),
        ("가상: 10명이 지난 주말 체포됐다.", ("2030-10-12", "2030-10-13")),
    ],
)
def test_last_weekend_written_on_a_weekend_is_the_one_before(text: str, expected: tuple[str, str]) -> None:
    (found,) = find_dates(text, dt.date(2030, 10, 20))
    assert (str(found.lo), str(found.hi)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # seasons counted from the report (written 16 October 2030)
        ("Fictional: five were caught last winter.", ("2029-12-01", "2030-02-28")),
        ("Fictional: five were caught last summer.", ("2030-06-01", "2030-08-31")),
        ("Fictional: five were caught this spring.", ("2030-03-01", "2030-05-31")),
        ("Fictional: five were caught in the autumn of last year.", ("2029-09-01", "2029-11-30")),
        ("가상: 5명이 작년 가을 체포됐다.", ("2029-09-01", "2029-11-30")),
        ("가상: 5명이 지난 겨울 체포됐다.", ("2029-12-01", "2030-02-28")),
        ("가상: 5명이 올 여름 체포됐다.", ("2030-06-01", "2030-08-31")),
        # parts of the year and counts of days in other words
        ("가상: 5명이 올 초 체포됐다.", ("2030-01-01", "2030-04-30")),
        ("가상: 5명이 연초 체포됐다.", ("2030-01-01", "2030-04-30")),
        ("가상: 5명이 연말 체포됐다.", ("2029-09-01", "2029-12-31")),
        ("가상: 5명이 보름 전 체포됐다.", ("2030-10-01", "2030-10-01")),
        ("Fictional: five were caught a fortnight ago.", ("2030-09-29", "2030-10-05")),
    ],
)
def test_seasons_and_spans_counted_from_the_report(text: str, expected: tuple[str, str]) -> None:
    (found,) = find_dates(text, ANCHOR)
    assert (str(found.lo), str(found.hi)) == expected


def test_a_season_still_to_come_is_no_date() -> None:
    (found,) = find_dates("Fictional: this winter will be hard.", ANCHOR)
    assert found.lo is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fictional: 12 were caught over the past two weeks.", ("2030-10-02", "2030-10-16")),
        ("Fictional: 1,500 were sent back over the past three years.", ("2027-10-16", "2030-10-16")),
        ("가상: 지난 3년간 1천500여 명이 북송됐다.", ("2027-10-16", "2030-10-16")),
        ("가상: 최근 6개월 동안 300여 명이 체포됐다.", ("2030-04-16", "2030-10-16")),
    ],
)
def test_a_span_back_from_the_report_runs_up_to_it(text: str, expected: tuple[str, str]) -> None:
    (found,) = find_dates(text, ANCHOR)
    assert (str(found.lo), str(found.hi)) == expected


@pytest.mark.parametrize(
    ("text", "later"),
    [
        ("Nine were arrested on May 2 and repatriated three days later.", ("2030-05-05", "2030-05-05")),
        ("Nine were arrested on May 2. They were repatriated a week later.", ("2030-05-06", "2030-05-12")),
        ("Nine were arrested on May 2 and sent back the following day.", ("2030-05-03", "2030-05-03")),
        ("9명이 5월 2일 체포돼 사흘 뒤 북송됐다.", ("2030-05-05", "2030-05-05")),
        ("9명이 5월 2일 체포돼 3일 후 북송됐다.", ("2030-05-05", "2030-05-05")),
        ("9명이 5월 2일 체포돼 일주일 뒤 북송됐다.", ("2030-05-06", "2030-05-12")),
        ("9명이 5월 2일 체포돼 이튿날 북송됐다.", ("2030-05-03", "2030-05-03")),
    ],
)
def test_a_time_later_is_counted_from_the_day_named_before_it(text: str, later: tuple[str, str]) -> None:
    first, second = _found(text)
    assert first[1] == "2030-05-02"
    assert second[1:3] == later


@pytest.mark.parametrize(
    "text",
    [
        "Three days later they were sent back.",  # no day named before it
        "They were caught in May and sent back a week later.",  # a month is no day to count from
        "They were caught on October 16 and the next day sent back.",  # after the report was written
    ],
)
def test_a_time_later_without_a_day_before_it_is_no_date(text: str) -> None:
    assert all("later" not in d[0] and "next" not in d[0] for d in _found(text))


@pytest.mark.parametrize(
    "text", ["9명이 5월 2일 체포됐고 이날 북송됐다.", "9명이 5월 2일 체포된 이후 북송됐다."]
)
def test_that_same_day_and_after_are_no_later_day(text: str) -> None:
    assert [d[0] for d in _found(text)] == ["5월 2일"]
