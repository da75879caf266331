"""#19 accessibility: the period report's "People by what became of them" table has column headings.

It had a body only: three unlabelled columns (a status, then two bare numbers), so neither a reader
of the PDF nor a screen reader could tell people from incidents. Made-up figures, no person.
"""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import html as lxml_html

from refwatch.report.period import PeriodData, render_html


def _record(status: str, count: int) -> dict[str, object]:
    return {"status": status, "victims": {"count": count}, "date": {}, "locations": [], "sources": []}


HEADINGS = {"en": ["Status", "People", "Incidents"], "ko": ["상태", "인원", "사건 수"]}


@pytest.mark.parametrize("lang", sorted(HEADINGS))
def test_people_by_status_table_has_column_headings(lang: str) -> None:
    data = PeriodData(
        date_from=dt.date(2031, 1, 1),
        date_to=dt.date(2031, 12, 31),
        confirmed=[_record("returned", 12), _record("returned", 5), _record("at_risk", 3)],
        candidates=[],
        estimate=None,
        estimate_note="",
        places=[],
    )
    page = lxml_html.fromstring(render_html(data, lang=lang, place_name=_stored))
    (title,) = page.xpath("//h3")
    table = title.getnext()
    assert table.tag == "table"
    headings = table.xpath("./thead/tr/th")
    assert [th.text_content() for th in headings] == HEADINGS[lang]
    assert {th.get("scope") for th in headings} == {"col"}
    rows = [[td.text_content() for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")]
    assert len(rows) == 2 and all(len(row) == len(headings) for row in rows)
    assert [row[1:] for row in rows] == [["3", "1"], ["17", "2"]]  # at risk, returned: people, incidents


def _stored(name: str | None, lang: str, field: str) -> str:
    """Places as stored (these tests name none)."""
    return name or ""


def test_a_korean_report_names_places_as_the_korean_pages_do() -> None:
    """#19 Korean throughout: the incident table and the map of a Korean report use the gazetteer's
    Korean names (투먼, 지린성); an English report keeps the stored ones. Made-up incident."""
    from refwatch.services.placenames import place_name

    record = _record("returned", 4) | {
        "locations": [
            {"place": "Tumen", "admin1": "Jilin", "country": "CN"},
            {"admin1": "Jilin", "country": "CN"},
        ]
    }
    data = PeriodData(
        date_from=dt.date(2031, 1, 1),
        date_to=dt.date(2031, 12, 31),
        confirmed=[record],
        candidates=[],
        estimate=None,
        estimate_note="",
        places=[],
    )
    korean = render_html(data, lang="ko", place_name=place_name)
    english = render_html(data, lang="en", place_name=place_name)
    assert "투먼" in korean and "지린" in korean and "Tumen" not in korean
    assert "Tumen" in english and "투먼" not in english


LAW_HEADINGS = {"en": ["Instrument", "Incidents"], "ko": ["국제 규범", "사건 수"]}
INSTRUMENT = {"en": "Convention against Torture (CAT)", "ko": "고문방지협약 (CAT)"}
ESTIMATE_HEADINGS = {"en": ["Measure", "People"], "ko": ["항목", "인원"]}


@pytest.mark.parametrize("lang", sorted(LAW_HEADINGS))
def test_the_law_and_estimate_tables_have_headings_and_name_the_instrument(lang: str) -> None:
    """The law table was two bare columns ("CAT", "1") and the estimate table had no heading row:
    each now says what its columns hold, and an instrument is named in the report's language with
    its code. Made-up incident and figures."""
    record = _record("returned", 4) | {
        "legal": [
            {"instrument": "CAT", "article": "3", "state": "CN", "in_force": True, "reason": "fictional"},
            {"instrument": "CRC", "article": "22", "state": "CN", "in_force": False, "reason": "fictional"},
        ]
    }
    estimate = {"n_observed": 40, "estimate": 55.2, "ci_low": 44.0, "ci_high": 90.0, "warnings": []}
    data = PeriodData(
        date_from=dt.date(2031, 1, 1),
        date_to=dt.date(2031, 12, 31),
        confirmed=[record],
        candidates=[],
        estimate=estimate,
        estimate_note="",
        places=[],
    )
    page = lxml_html.fromstring(render_html(data, lang=lang, place_name=_stored))
    (law,) = page.xpath("//table[@id='law']")
    assert [th.text_content() for th in law.xpath("./thead/tr/th")] == LAW_HEADINGS[lang]
    rows = [[td.text_content() for td in tr.xpath("./td")] for tr in law.xpath("./tbody/tr")]
    assert rows == [[INSTRUMENT[lang], "1"]]  # the obligation not in force is not counted
    (table,) = page.xpath("//table[@id='estimate']")
    assert [th.text_content() for th in table.xpath("./thead/tr/th")] == ESTIMATE_HEADINGS[lang]
    assert {th.get("scope") for th in table.xpath("./thead/tr/th")} == {"col"}
    assert [tr.xpath("./td")[1].text_content() for tr in table.xpath("./tbody/tr")] == ["40", "55", "44 – 90"]
