"""Human publication dates: examples from real metadata forms, and properties (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refwatch.ingest.dates import PartialDateTime, parse_human_date

EXAMPLES = [
    ("October 16, 2023", "2023-10-16"),
    ("09.10.2017", "2017-10-09"),
    ("Dec 2, 2019 - 16:55", "2019-12-02T16:55"),
    ("Thursday, March 8 2012", "2012-03-08"),
    ("Monday, July 26, 2021", "2021-07-26"),
    ("2015-04-08 21:01:00", "2015-04-08T21:01:00"),
    ("2014년 10월 17일 16시 28분", "2014-10-17T16:28"),
    ("Oct. 19", "--10-19"),
    ("July. 19, 2021 07:27", "2021-07-19T07:27"),
    ("2013.05.28 (21:12)", "2013-05-28T21:12"),
    ("2024-08-28 03:00:00", "2024-08-28T03:00:00"),
    ("28 May 2013", "2013-05-28"),
    ("2013-11-18 18:01", "2013-11-18T18:01"),
    ("2024.08.26 10:08", "2024-08-26T10:08"),
    ("2017-04-24T04:44:00+09:00", "2017-04-24T04:44:00"),
    ("Oct 17th, 2014", "2014-10-17"),
    ("2014/10/17", "2014-10-17"),
    ("10/17/2014", "2014-10-17"),
    ("2017년 7월 22일", "2017-07-22"),
    ("2017년 7월 22일 오후 3시 5분", "2017-07-22T15:05"),
    ("2021年7月19日", "2021-07-19"),
    ("May 2013", "2013-05"),
    ("2013", "2013"),
    ("April 24, 2017 / 4:44 AM", "2017-04-24T04:44"),
    ("Dec 2, 2019 - 4:55 pm", "2019-12-02T16:55"),
]


@pytest.mark.parametrize(("text", "iso"), EXAMPLES)
def test_examples(text: str, iso: str) -> None:
    assert parse_human_date(text).iso() == iso


def test_no_year_is_never_invented() -> None:
    parsed = parse_human_date("Oct. 19")
    assert parsed.year is None and parsed.to_date() is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("n/a", "not a date"),
        ("yesterday", "not a date"),
        ("32.13.2020", "does not exist"),
        ("February 30, 2021", "does not exist"),
        ("Friday, March 8 2012", "Thursday"),
        ("2014-10-17 25:00", "does not exist"),
    ],
)
def test_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_human_date(text)


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@given(dates)
def test_round_trip_in_many_forms(day: dt.date) -> None:
    forms = [
        day.isoformat(),
        day.strftime("%B %d, %Y"),
        day.strftime("%b %d %Y"),
        day.strftime("%A, %B %d, %Y"),
        day.strftime("%d %B %Y"),
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}년 {day.month}월 {day.day}일",
        f"{day.year}年{day.month}月{day.day}日",
    ]
    for form in forms:
        assert parse_human_date(form).to_date() == day, form


@given(dates, st.integers(0, 23), st.integers(0, 59))
def test_times_are_kept(day: dt.date, hour: int, minute: int) -> None:
    parsed = parse_human_date(f"{day.isoformat()} {hour:02d}:{minute:02d}")
    assert (parsed.to_date(), parsed.hour, parsed.minute) == (day, hour, minute)


@given(
    st.builds(
        PartialDateTime,
        st.one_of(st.none(), st.integers(1800, 2200)),
        st.integers(1, 12),
        st.one_of(st.none(), st.integers(1, 28)),
    )
)
def test_iso_round_trip(value: PartialDateTime) -> None:
    assert PartialDateTime.from_iso(value.iso()) == value


@given(st.text(max_size=40))
def test_arbitrary_text_gives_a_date_or_value_error(text: str) -> None:
    try:
        parsed = parse_human_date(text)
    except ValueError:
        return
    assert parsed.month is not None or parsed.year is not None
