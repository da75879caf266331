"""Reading Uwazi CSV rows into reports (#17 point 6); fictional values only."""

from __future__ import annotations

import re

import pytest

from refwatch.errors import InvalidInput
from refwatch.ingest.uwazi import read_uwazi_csv
from refwatch.services.uwazi import gazetteer_location


def test_each_row_keeps_its_own_bytes_under_the_header_even_across_lines() -> None:
    data = (
        "title__ko;title__en;places;perpetrators;date_start;date_end;people_text\r\n"
        '가;"Fictional\r\nreturn";Yanji|Hyesan, Ryanggang, KP;CN police|? border_police;'
        "2030/01/01;2030/12/31;about 40\r\n"
        "나;Second;;;2030-02;;\r\n"
    ).encode()
    first, second = read_uwazi_csv(data, "f.csv", place_of=gazetteer_location)
    header = b"title__ko;title__en;places;perpetrators;date_start;date_end;people_text\r\n"
    assert first.original == header + data.split(header)[1].split(b"\xeb\x82\x98")[0]  # up to the next row
    assert second.original == header + "나;Second;;;2030-02;;\r\n".encode()
    assert (first.number, second.number) == (2, 3)
    assert first.title == "Fictional\r\nreturn"  # English before other languages
    report = first.incident
    assert (report.date.start, report.date.end, report.date.precision) == ("2030-01-01", "2030-12-31", "year")
    assert (report.victims.count, report.victims.qualifier) == (40, "about")
    places = [(loc.country, loc.admin1, loc.place) for loc in report.locations]
    assert places == [
        ("CN", "Jilin", "Yanji"),
        ("KP", "Ryanggang", "Hyesan"),
    ]  # a bare name via the gazetteer
    assert [(p.state, p.agency) for p in report.perpetrators] == [("CN", "police"), (None, "border_police")]
    assert report.evidence[0].quote == first.text and first.text.startswith("title__ko: 가\n")
    assert (second.incident.date.precision, second.incident.date.end) == ("month", "2030-02-28")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"event_types\narrest\n", "no title column"),
        (b"title,people\nA,1\n,2\n", "row 3: no title"),
        (b"title,title\nA,B\n", "row 1, column 2: title appears twice"),
        (b"title,perpetrators\nA,Chinese police\n", "row 2, column 2 (perpetrators)"),
        (b"title,country\nA,China\n", "row 2, column 2 (country)"),
        (b"title,people\nA,1,2\n", "row 2: 3 cells"),
        (
            b'title,places\nA,"=HYPERLINK(1), Jilin, CN"\n',
            "row 2, column 2 (places): a place name starts with =",
        ),
        (
            b'title,places\nA,"' + b"x" * 201 + b', Jilin, CN"\n',
            "row 2, column 2 (places): a place name is longer",
        ),
        (b"title\n", "no rows"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_files_are_refused_naming_the_place(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        read_uwazi_csv(data, "f.csv")
