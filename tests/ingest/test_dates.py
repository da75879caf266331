"""Human publication dates: forms seen in real metadata, the ambiguity rules, and properties (hypothesis)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refwatch.ingest.dates import PartialDateTime, parse_human_date

EXAMPLES = [
    ("October 16, 2023", "2023-10-16"),
    ("09.10.2017", "2017-10-09"),
    ("2013.05.28", "2013-05-28"),
    ("Dec 2, 2019 - 16:55", "2019-12-02T16:55"),
    ("Thursday, March 14 2030", "2030-03-14"),
    ("Monday, July 26, 2021", "2021-07-26"),
    ("2031-02-17 07:15:00", "2031-02-17T07:15:00"),
    ("2031년 4월 2일 09시 05분", "2031-04-02T09:05"),
    ("Oct. 19", "--10-19"),
    ("July. 19, 2021 07:27", "2021-07-19T07:27"),
    ("2030.11.03 (08:40)", "2030-11-03T08:40"),
    ("2024-08-28 03:00:00", "2024-08-28T03:00:00"),
    ("2024-08-28", "2024-08-28"),
    ("28 May 2013", "2013-05-28"),
    ("April 24, 2017", "2017-04-24"),
    ("2013-11-18 18:01", "2013-11-18T18:01"),
    ("2024.08.26 10:08", "2024-08-26T10:08"),
    ("2017-04-24T04:44:00+09:00", "2017-04-24T04:44:00"),
    ("2024-08-28T03:00:00Z", "2024-08-28T03:00:00"),
    ("2024-08-28T03:00:00.250-05:00", "2024-08-28T03:00:00"),
    ("17 October 2014", "2014-10-17"),
    ("Oct 17th, 2014", "2014-10-17"),
    ("2014/10/17", "2014-10-17"),
    ("10/17/2014", "2014-10-17"),
    ("2017년 7월 22일", "2017-07-22"),
    ("2017년 7월 22일 오후 3시 5분", "2017-07-22T15:05"),
    ("2031년 4월 4일 (금) 16:28", "2031-04-04T16:28"),
    ("2021年7月19日", "2021-07-19"),
    ("2021年7月19日 星期一", "2021-07-19"),
    ("２０２１年７月１９日", "2021-07-19"),  # full-width digits
    ("May 2013", "2013-05"),
    ("2013", "2013"),
    ("April 24, 2017 / 4:44 AM", "2017-04-24T04:44"),
    ("Dec 2, 2019 - 4:55 pm", "2019-12-02T16:55"),
    ("Published: Oct 17, 2014", "2014-10-17"),
    ("입력 2014.10.17 16:28", "2014-10-17T16:28"),
    ("2013. 5. 28.", "2013-05-28"),
    ("--10-19", "--10-19"),
    ("Sept. 3 2019 at 10 a.m.", "2019-09-03T10"),  # no minute written, none invented
    # One moment printed in several zones: the time beside the date is kept.
    ("Friday, 3 June, 2011, 09:12 GMT 10:12 UK", "2011-06-03T09:12"),
    ("Tue, 3 June 2008 09:12 BST", "2008-06-03T09:12"),
    ("Monday, 12 March, 2001, 10:45 GMT", "2001-03-12T10:45"),
    ("Friday, 4 October, 1996, 23:15 GMT (00:15 UK)", "1996-10-04T23:15"),
    ("Sat, 9 Nov 2019 8:30 a.m. ET", "2019-11-09T08:30"),
    ("12 March 2001 10:45 GMT+1", "2001-03-12T10:45"),
    ("12 March 2001 10:45 local time", "2001-03-12T10:45"),
]


@pytest.mark.parametrize(("text", "iso"), EXAMPLES)
def test_examples(text: str, iso: str) -> None:
    assert parse_human_date(text).iso() == iso


def test_no_year_is_never_invented() -> None:
    parsed = parse_human_date("Oct. 19")
    assert (parsed.year, parsed.month, parsed.day) == (None, 10, 19)
    assert parsed.to_date() is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("09.10.2017", "2017-10-09"),  # dots: day first
        ("09-10-2017", "2017-10-09"),  # dashes: day first
        ("09/10/2017", "2017-09-10"),  # slashes: month first (US)
        ("17/10/2014", "2014-10-17"),  # slashes, but 17 cannot be a month
        ("10.17.2014", "2014-10-17"),  # dots, but 17 cannot be a month
        ("2013/05/28", "2013-05-28"),  # four-digit year first: always y-m-d
    ],
)
def test_numeric_ambiguity_rules(text: str, iso: str) -> None:
    assert parse_human_date(text).iso() == iso


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("n/a", "not a date"),
        ("yesterday", "not a date"),
        ("32.13.2020", "does not exist"),
        ("February 30, 2021", "does not exist"),
        ("Friday, March 14 2030", "Friday.*Thursday"),
        ("2031년 4월 4일 (목)", "Thursday.*Friday"),
        ("2014-10-17 25:00", "does not exist"),
        ("09.10.17", "two-digit year"),
        ("Oct 17, '14", "two-digit year"),
        ("16:55", "no day, month or year"),
        ("Monday", "no day, month or year"),
        ("May 4 2013 2014", "more than one year"),
        ("13:00 pm October 3, 2019", "AM/PM"),
        ("8 May 2002 17:03 18:03", "more than one time"),  # no zones: two different times
        ("8 May 2002 17:03 GMT 18:07 UK", "same moment"),  # no two zones differ by 64 minutes
        ("Saturday, 3 June, 2011, 09:12 GMT 10:12 UK", "Saturday.*Friday"),
    ],
)
def test_rejects_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_human_date(text)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ((None, None, None), "at least a year or a month"),
        ((2020, None, 5), "day needs a month"),
        ((2020, 13, None), "month 13"),
        ((2021, 2, 29), "day 29 does not exist in 2021-02"),
        ((2020, 1, None, 10), "time of day needs a day"),
        ((2020, 1, 2, None, 5), "minutes need an hour"),
    ],
)
def test_partial_date_refuses_impossible_fields(fields: tuple[int | None, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PartialDateTime(*fields)


def test_29_february_without_a_year_is_allowed() -> None:
    assert PartialDateTime(None, 2, 29).iso() == "--02-29"


@pytest.mark.parametrize(
    "text", ["", "2017-4-24", "17-04-24", "2017-04-24 21:01", "--13", "2017-04-24T21:01Z"]
)
def test_from_iso_is_strict(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDateTime.from_iso(text)


# ----------------------------------------------------------------------------- properties

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
KOREAN_WEEKDAYS = "월화수목금토일"

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


def _forms(day: dt.date) -> list[str]:
    # Month and weekday names spelled out here, not by strftime, which follows the locale.
    month, weekday = MONTH_NAMES[day.month - 1], WEEKDAY_NAMES[day.weekday()]
    return [
        day.isoformat(),
        f"{month} {day.day}, {day.year}",
        f"{month[:3]} {day.day:02d} {day.year}",
        f"{month[:3]}. {day.day}, {day.year}",
        f"{weekday}, {month} {day.day}, {day.year}",
        f"{weekday[:3]}, {day.day} {month[:3]} {day.year}",
        f"{day.day} {month} {day.year}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.month:02d}/{day.day:02d}/{day.year}",
        f"{day.year}년 {day.month}월 {day.day}일",
        f"{day.year}년 {day.month}월 {day.day}일 ({KOREAN_WEEKDAYS[day.weekday()]})",
        f"{day.year}年{day.month}月{day.day}日",
    ]


@given(dates)
def test_round_trip_in_many_forms(day: dt.date) -> None:
    for form in _forms(day):
        parsed = parse_human_date(form)
        assert parsed.to_date() == day, form
        assert parsed.hour is None, form


@given(dates, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
def test_times_are_kept(day: dt.date, hour: int, minute: int, second: int) -> None:
    month = MONTH_NAMES[day.month - 1]
    twelve = hour % 12 or 12
    ampm = "PM" if hour >= 12 else "AM"
    korean_ampm = "오후" if hour >= 12 else "오전"
    with_minutes = [
        f"{day.isoformat()} {hour:02d}:{minute:02d}",
        f"{day.year}.{day.month:02d}.{day.day:02d} ({hour:02d}:{minute:02d})",
        f"{month[:3]} {day.day}, {day.year} - {hour:02d}:{minute:02d}",
        f"{month} {day.day}, {day.year} / {twelve}:{minute:02d} {ampm}",
        f"{day.year}년 {day.month}월 {day.day}일 {hour}시 {minute}분",
        f"{day.year}년 {day.month}월 {day.day}일 {korean_ampm} {twelve}시 {minute}분",
    ]
    for form in with_minutes:
        parsed = parse_human_date(form)
        assert (parsed.to_date(), parsed.hour, parsed.minute, parsed.second) == (day, hour, minute, None), (
            form
        )
    stamp = f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}+09:00"
    assert parse_human_date(stamp).iso() == stamp[:19]


@given(dates)
def test_forms_without_a_year_have_no_year(day: dt.date) -> None:
    month = MONTH_NAMES[day.month - 1]
    for form in (f"{month[:3]}. {day.day}", f"{day.day} {month}", f"{day.month}월 {day.day}일"):
        parsed = parse_human_date(form)
        assert (parsed.year, parsed.month, parsed.day) == (None, day.month, day.day), form


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDateTime:
    """Valid partial dates of every precision, with and without a year."""
    year = draw(st.one_of(st.none(), st.integers(1, 9999)))
    month = draw(st.integers(1, 12) if year is None else st.one_of(st.none(), st.integers(1, 12)))
    if month is None:
        return PartialDateTime(year, None, None)
    last = 29 if year is None else calendar.monthrange(year, month)[1]
    day = draw(st.one_of(st.none(), st.integers(1, last)))
    if day is None:
        return PartialDateTime(year, month, None)
    precision = draw(st.integers(0, 3))
    hour = draw(st.integers(0, 23)) if precision >= 1 else None
    minute = draw(st.integers(0, 59)) if precision >= 2 else None
    second = draw(st.integers(0, 59)) if precision >= 3 else None
    return PartialDateTime(year, month, day, hour, minute, second)


@given(partial_dates())
def test_iso_round_trip(value: PartialDateTime) -> None:
    text = value.iso()
    assert PartialDateTime.from_iso(text) == value
    assert parse_human_date(text) == value  # the parser reads our own output too


@given(partial_dates())
def test_to_date_only_when_the_day_is_fully_known(value: PartialDateTime) -> None:
    full = value.to_date()
    if None in (value.year, value.month, value.day):
        assert full is None
    else:
        assert full == dt.date(value.year or 0, value.month or 0, value.day or 0)


@given(st.text(max_size=40))
def test_arbitrary_text_gives_a_date_or_value_error(text: str) -> None:
    try:
        parsed = parse_human_date(text)
    except ValueError:
        return
    assert parsed.month is not None or parsed.year is not None


# Pieces of dates glued at random: far more likely than st.text() to parse at all.
date_like_text = st.lists(
    st.sampled_from(
        list("0123456789 .,/-:()年月日년월일시분TZ") + ["Oct", "May", "Monday", "pm", "12", "2014"]
    ),
    max_size=15,
).map("".join)


@given(st.one_of(st.text(max_size=40), date_like_text))
def test_never_invents_a_year(text: str) -> None:
    try:
        parsed = parse_human_date(text)
    except ValueError:
        return
    if parsed.year is not None:
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text), flags=re.ASCII)
        assert f"{parsed.year:04d}" in digits


ZONES = ["GMT", "UTC", "UK", "BST", "KST", "JST", "CET", "EST", "ET", "PT", "local time"]


@given(
    dates,
    st.integers(0, 23),
    st.integers(0, 59),
    st.lists(st.tuples(st.sampled_from(ZONES), st.integers(-12, 12)), min_size=1, max_size=3),
    st.booleans(),
)
def test_one_moment_in_several_zones_keeps_the_first_time(
    day: dt.date, hour: int, minute: int, zones: list[tuple[str, int]], short: bool
) -> None:
    """Broadcaster stamps: weekday, day, month name, year, then a time per zone."""
    month, weekday = MONTH_NAMES[day.month - 1], WEEKDAY_NAMES[day.weekday()]
    stamps = []
    for zone, offset in zones:
        shifted = (hour + (offset if stamps else 0)) % 24
        stamps.append(f"{shifted:02d}:{minute:02d} {zone}")
    if short:
        text = f"{weekday[:3]}, {day.day} {month[:3]} {day.year} {' '.join(stamps)}"
    else:
        text = f"{weekday}, {day.day} {month}, {day.year}, {' '.join(stamps)}"
    parsed = parse_human_date(text)
    assert (parsed.to_date(), parsed.hour, parsed.minute, parsed.second) == (day, hour, minute, None), text
