"""The reference date of a document, and dates resolved with only the precision it has.

Addresses, stamps and sentences are made up (example.org, fictional outlets, Person A-017).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from refwatch.domain.dates import ReferenceDate
from refwatch.extract import extract_document
from refwatch.extract.dates import find_dates
from refwatch.extract.refdate import reference_date, text_evidence, url_evidence

TODAY = dt.date(2026, 12, 6)


def _ymd(url: str) -> list[tuple[int | None, int | None, int | None, str]]:
    return [(e.year, e.month, e.day, e.confidence) for e in url_evidence(url, today=TODAY)]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/news/2021/06/04/some-story", [(2021, 6, 4, "high")]),
        ("https://example.org/ko/news/2021/11/30/771204", [(2021, 11, 30, "high")]),
        ("https://example.org/blog/2021/02/some-story.html", [(2021, 2, None, "high")]),
        ("https://example.org/news/world/2021-03/5512", [(2021, 3, None, "high")]),
        ("https://example.org/story?id=7&date=2021-05-03", [(2021, 5, 3, "high")]),
        ("https://example.org/view?date=20210503", [(2021, 5, 3, "high")]),
        # digit runs: medium confidence (ids can look like dates)
        ("https://example.org/news/all/20210917/554433221/1", [(2021, 9, 17, "medium")]),
        ("https://example.org/english/story-raid-20210321.html", [(2021, 3, 21, "medium")]),
        ("https://example.org/english/news/story-11222021093015.html", [(2021, 11, 22, "medium")]),
        ("https://example.org/view/XYZ20210523111100022", [(2021, 5, 23, "medium")]),
    ],
)
def test_dates_in_addresses(url: str, expected: list[tuple[int, int, int | None, str]]) -> None:
    assert _ymd(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/article/view.asp?artid=0012345678",  # an id, no date
        "https://example.org/article/812345670/story.html",
        "https://example.org/news/view.do?item=9123456",
        "https://www.2024-report.example.org/about",  # the host names no day
        "https://example.org/archive/99991231/x",  # not a year a report can have
        "https://example.org/a/20251340/x",  # no 40th day, no 13th month
    ],
)
def test_numbers_that_are_not_dates_in_addresses(url: str) -> None:
    assert _ymd(url) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fictional Ilbo\n입력 2031년 3월 4일 10시 02분\n본문", ("stamp", 2031, 3, 4, "high")),
        ("Fictional Wire\nPosted Aug. 11, 2031 06:40\nText", ("stamp", 2031, 8, 11, "high")),
        ("Fictional Times\nMarch 2, 2031 / 9:15 PM\nText", ("stamp", 2031, 3, 2, "high")),
        ("Fictional Times\nUpdated: March 9, 2031\nText", ("stamp", 2031, 3, 9, "low")),
        ("Fictional Wire\nThursday, 8 May, 2031, 17:03 GMT 18:03 UK\nText", ("stamp", 2031, 5, 8, "high")),
        ("가상일보\n송고시간 2031-05-03 10:02\n본문", ("stamp", 2031, 5, 3, "high")),
        ("가상일보\n2031.05.03 10:02\n본문", ("stamp", 2031, 5, 3, "high")),
        ("TUMEN, March 8 (Fictional Wire) -- Police said", ("dateline", None, 3, 8, "medium")),
        ("June 09, 2031\nHeadline of a story", ("banner", 2031, 6, 9, "low")),
        ("Fictional Commission 2031 Annual Report\nChapter 4", ("banner", 2031, None, None, "low")),
    ],
)
def test_stamps_datelines_and_banners(
    text: str, expected: tuple[str, int | None, int, int | None, str]
) -> None:
    found = text_evidence(text)
    assert [(e.source, e.year, e.month, e.day, e.confidence) for e in found] == [expected]


def test_yearless_metadata_takes_the_year_of_the_address() -> None:
    ref = reference_date("Fictional text.", metadata="June 4", url="https://example.org/2021/06/04/x")
    assert ref is not None and (ref.label(), ref.precision, ref.source) == ("2021-06-04", "day", "url")
    ref = reference_date("Fictional text.", metadata="June 4", url="https://example.org/2021/06/x")
    assert ref is not None and (ref.label(), ref.confidence) == ("2021-06-04", "high")


def test_a_month_address_and_a_dateline_of_that_month_make_a_day() -> None:
    text = "TUMEN, March 8 (Fictional Wire) -- Police detained 5 people."
    ref = reference_date(text, url="https://example.org/2021/03/story.html")
    assert ref is not None and (ref.label(), ref.confidence) == ("2021-03-08", "medium")


def test_metadata_wins_over_the_address_and_a_crawl_date_line() -> None:
    text = "June 09, 2023\nFictional headline\nPolice detained 5 people."
    ref = reference_date(text, metadata="2021-05-03", url="https://example.org/2020/01/01/x")
    assert ref is not None and (ref.label(), ref.source) == ("2021-05-03", "metadata")
    # A bare date line that disagrees with the address about the year is the display day: ignored.
    ref = reference_date(text, url="https://example.org/2021/08/story")
    assert ref is not None and (ref.label(), ref.source, ref.precision) == ("2021-08", "url", "month")


def test_only_a_lower_bound_gives_an_open_interval() -> None:
    text = "Fictional. Police detained 5 people on May 3, 2031. A hearing will be held by June 30, 2032."
    ref = reference_date(text, today=dt.date(2033, 6, 1))
    assert ref is not None
    assert (ref.precision, ref.source, ref.start, ref.end) == (
        "interval",
        "latest-mention",
        dt.date(2031, 5, 3),
        None,
    )
    assert ref.label() == "not before 2031-05-03"
    cited = reference_date(
        text + "\n1. Fictional Monitor, accessed 9 January 2033.", today=dt.date(2033, 6, 1)
    )
    assert cited is not None and (cited.source, cited.start, cited.confidence) == (
        "citation",
        dt.date(2033, 1, 9),
        "medium",
    )


def test_a_date_after_today_is_no_lower_bound() -> None:
    text = "Fictional. Police detained 5 people on May 3, 2021 and on May 3, 2091 (a typo)."
    ref = reference_date(text, today=dt.date(2026, 1, 1))
    assert ref is not None and ref.start == dt.date(2021, 5, 3)


def test_nothing_gives_none() -> None:
    assert reference_date("Fictional. Police detained Person A-017 last week.") is None


def test_reference_dates_check_their_fields() -> None:
    with pytest.raises(ValueError, match="open-ended"):
        ReferenceDate(dt.date(2031, 1, 1), None, "day", "url", "high")
    with pytest.raises(ValueError, match="before it starts"):
        ReferenceDate(dt.date(2031, 1, 2), dt.date(2031, 1, 1), "interval", "url", "high")
    with pytest.raises(ValueError, match="source"):
        ReferenceDate.day(dt.date(2031, 1, 2), source="guess", confidence="high")  # type: ignore[arg-type]


# --- resolving against a reference of less than a day -------------------------------------

FEB = ReferenceDate.month(2031, 2, source="url", confidence="high")
YEAR = ReferenceDate.year(2031, source="banner", confidence="medium")
OPEN = ReferenceDate(dt.date(2031, 5, 3), None, "interval", "latest-mention", "low")


def _resolved(text: str, anchor: ReferenceDate | dt.date | None) -> tuple[str | None, str | None]:
    (found,) = find_dates(text, anchor)
    return (found.lo.isoformat() if found.lo else None, found.hi.isoformat() if found.hi else None)


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        # a month is known: whatever reads the same on its first and last day resolves
        ("in March", FEB, ("2030-03-01", "2030-03-31")),
        ("in January", FEB, ("2031-01-01", "2031-01-31")),
        ("last month", FEB, ("2031-01-01", "2031-01-31")),
        ("two years ago", FEB, ("2029-01-01", "2029-12-31")),
        ("지난달", FEB, ("2031-01-01", "2031-01-31")),
        ("yesterday", FEB, (None, None)),
        ("on Tuesday", FEB, (None, None)),
        ("on February 14", FEB, (None, None)),  # before or after the day of writing?
        ("지난 21일", FEB, (None, None)),
        # only a year: "last October" and "in March" depend on the month of writing
        ("last October", YEAR, (None, None)),
        ("in March", YEAR, (None, None)),
        ("last month", YEAR, (None, None)),
        ("last year", YEAR, ("2030-01-01", "2030-12-31")),
        ("지난해", YEAR, ("2030-01-01", "2030-12-31")),
        # a lower bound resolves nothing relative, and never invents a day
        ("last month", OPEN, (None, None)),
        ("on May 10", OPEN, (None, None)),
        ("in October 2029", OPEN, ("2029-10-01", "2029-10-31")),
    ],
)
def test_relative_dates_resolve_only_as_far_as_the_reference_allows(
    text: str, anchor: ReferenceDate, expected: tuple[str | None, str | None]
) -> None:
    assert _resolved(text, anchor) == expected


def test_a_day_reference_resolves_as_the_publication_day_did() -> None:
    day = dt.date(2031, 2, 18)
    ref = ReferenceDate.day(day, source="metadata", confidence="high")
    for text in ("yesterday", "on Tuesday", "last month", "지난 9일", "on February 14"):
        assert _resolved(text, ref) == _resolved(text, day)


def test_a_written_year_carries_within_a_year_reference() -> None:
    found = find_dates("Fictional: caught on May 10, 2031 and deported on May 27.", YEAR)
    assert [(d.text, d.lo) for d in found] == [
        ("May 10, 2031", dt.date(2031, 5, 10)),
        ("May 27", dt.date(2031, 5, 27)),
    ]


def test_the_extractor_takes_a_reference_and_keeps_published_working() -> None:
    text = "Fictional: police detained 12 North Korean refugees in Tumen last month."
    by_month = extract_document(text, document="f", reference=FEB)
    assert [(i.date.start, i.date.end) for i in by_month] == [("2031-01-01", "2031-01-31")]
    by_year = extract_document(text, document="f", reference=YEAR)
    assert [(i.date.start, i.date.precision) for i in by_year] == [(None, "unknown")]
    by_day = extract_document(text, document="f", published=dt.date(2031, 2, 18))
    assert [(i.date.start, i.date.end) for i in by_day] == [("2031-01-01", "2031-01-31")]


def test_a_low_confidence_reference_resolves_nothing() -> None:
    # A bare date line at the head is often the day the page was displayed, not written.
    text = "June 09, 2033\nFictional: police detained 12 North Korean refugees in Tumen last month."
    (incident,) = extract_document(text, document="f")
    assert incident.date.start is None


def test_eval_derives_the_reference_date_as_ingest_does(tmp_path: Path) -> None:
    from refwatch.cli.evaluate import evaluate_corpus

    text = "Fictional. Chinese police arrested 15 North Korean defectors in Shenyang last month."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    # The index gives no publication date, only an address with the month in it.
    (tmp_path / "index.tsv").write_text(
        "id\turl\tpublication_date\tlanguage\na\thttps://example.org/2021/03/story.html\t\ten\n",
        encoding="utf-8",
    )
    (gold,) = [
        i.to_dict()
        for i in extract_document(
            text, document="a", reference=ReferenceDate.month(2021, 3, source="url", confidence="high")
        )
    ]
    assert gold["date"]["start"] == "2021-02-01"
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    result = evaluate_corpus(tmp_path, linking=False)
    assert result["fields"]["date"] == 1.0


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # an article number that starts with its day, in a query value as in a path
        ("https://news.example.kr/view.php?no=20240503001", [(2024, 5, 3, "medium")]),
        ("https://news.example.kr/a/20240503000123", [(2024, 5, 3, "medium")]),
        # a number that makes no day gives none
        ("https://news.example.kr/read?oid=001&aid=0014650000", []),
    ],
)
def test_a_run_of_digits_in_a_query_value_may_give_the_day(
    url: str, expected: list[tuple[int, int, int, str]]
) -> None:
    assert _ymd(url) == expected


@pytest.mark.parametrize(
    "text",
    [
        "By Fictional Reporter | May 3, 2024\nText.",
        "By A. Writer - 3 May 2024\nText.",
        "By Person A-017 · 2024.05.03\n본문",
    ],
)
def test_a_byline_with_its_day_is_a_stamp(text: str) -> None:
    (found,) = text_evidence(text)
    assert (found.source, found.year, found.month, found.day) == ("stamp", 2024, 5, 3)


def test_a_byline_without_a_day_is_no_stamp() -> None:
    assert text_evidence("By the way | nothing here\nText.") == []
