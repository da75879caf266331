"""The public site (#19 "public site"): published incidents with filters, a chart, a map and the download.

Anyone may open it, so nothing unconfirmed, restricted or unredacted may reach it:
each case below would show on the page if a filter, the chart or the map read
anything but the redacted public form. Fictional incidents (invented events);
the extractor is replaced by a table.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.config import Settings  # noqa: E402
from refwatch.services import review  # noqa: E402
from refwatch.services.export import incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.services.setup import open_database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402
from refwatch.web.app import create_app  # noqa: E402

SECRET = "Fictional Kim Sunhui, 34"
FICTIONAL = {
    # Two people: published as "fewer than 5", and its place withheld from the map (a cell under 5).
    "small": make("small", start="2030-03-14", count=2, place=("CN", "Liaoning", "Shenyang")),
    "big": make(
        "big",
        start="2030-06-02",
        count=40,
        status="returned",
        types=("arrest", "repatriation"),
        place=("CN", "Jilin", "Tumen"),
    ),
    # Confirmed but drawn from restricted evidence: never public.
    "hidden": make("hidden", start="2031-01-05", count=12, place=("CN", "Jilin", "Yanji")),
    # Not confirmed: never public.
    "candidate": make("candidate", start="2031-02-01", count=9, place=("CN", "Liaoning", "Dandong")),
}


@pytest.fixture
def public(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    use_table_extractor(monkeypatch, FICTIONAL)
    db = open_database(settings)
    try:
        for key in FICTIONAL:
            (tmp_path / f"{key}.txt").write_text(f"{SECRET} FICTIONAL report {key}.", encoding="utf-8")
        ingest_paths(db, [tmp_path / f"{k}.txt" for k in FICTIONAL if k != "hidden"])
        ingest_paths(db, [tmp_path / "hidden.txt"], restricted_to="north")
        for record in incident_records(db, IncidentFilter()):
            if record["sources"][0]["document"] != "candidate":
                review.set_state(db, record["id"], "confirmed", actor="t")
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client


def spec(page: str, name: str) -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" id="{name}-spec">(.*?)</script>', page, re.S)
    assert found, name
    parsed: dict[str, Any] = json.loads(found.group(1))
    return parsed


def rows_of(value: Any, key: str) -> list[dict[str, Any]]:
    """Every data row (a dict with ``key``) anywhere in a Vega-Lite spec."""
    if isinstance(value, dict):
        own = [value] if key in value and not isinstance(value[key], dict) else []
        return own + [r for v in value.values() for r in rows_of(v, key)]
    if isinstance(value, list):
        return [r for v in value for r in rows_of(v, key)]
    return []


def shown_ids(page: str) -> list[int]:
    table = page[page.index('id="public-incidents"') :]
    return [int(i) for i in re.findall(r"<tr><td>(\d+)</td>", table)]


def test_the_public_page_shows_only_published_incidents_redacted(public: TestClient) -> None:
    page = public.get("/public")  # no account
    assert page.status_code == 200
    text = page.text
    assert len(shown_ids(text)) == 2
    assert SECRET not in text and "Kim Sunhui" not in text  # no quoted or document text
    assert "2030-03-14" not in text and "2030-06-02" not in text  # dates to the month only
    assert "Yanji" not in text and "Dandong" not in text  # restricted and unconfirmed places
    people = re.findall(r'<td class="people">([^<]*)</td>', text)
    assert people == ["fewer than 5", "40"]  # the small count read as an empty cell before
    assert 'href="/public/refwatch-public.zip"' in text


def test_filters_choose_among_published_incidents(public: TestClient) -> None:
    everything = public.get("/public").text
    # The filters offer only what is published (not the restricted 2031 incident's year).
    years = re.findall(r'<option value="(\d{4})"', everything)
    assert years == ["2030"]
    assert len(shown_ids(public.get("/public?year=2030").text)) == 2
    none = public.get("/public?year=2031").text
    assert shown_ids(none) == [] and "No published incident matches these filters." in none
    jilin = public.get("/public?province=Jilin").text
    assert len(shown_ids(jilin)) == 1 and "Tumen" in jilin and "Yanji" not in jilin
    assert len(shown_ids(public.get("/public?status=returned").text)) == 1
    assert len(shown_ids(public.get("/public?event_type=repatriation").text)) == 1
    assert len(shown_ids(public.get("/public?province=Liaoning&status=at_risk").text)) == 1
    assert public.get("/public?status=bogus").status_code == 422
    assert public.get("/public?event_type=bogus").status_code == 422
    assert public.get("/public?per=week").status_code == 422
    assert public.get("/public?province=Jilin").text.count('id="public-clear"') == 1


def test_the_chart_counts_published_incidents_per_month_or_year(public: TestClient) -> None:
    monthly = rows_of(spec(public.get("/public").text, "timeline"), "period")
    assert sorted((r["period"], r["incidents"], r["people"]) for r in monthly) == [
        ("2030-03", 1, 0),  # two people are "fewer than 5": not added back up in the chart
        ("2030-06", 1, 40),
    ]
    yearly = rows_of(spec(public.get("/public?per=year").text, "timeline"), "period")
    assert [(r["period"], r["incidents"], r["people"]) for r in yearly] == [("2030", 2, 40)]
    filtered = rows_of(spec(public.get("/public?province=Jilin").text, "timeline"), "period")
    assert [r["period"] for r in filtered] == ["2030-06"]


def test_the_map_shows_towns_with_enough_people_and_says_what_it_leaves_out(public: TestClient) -> None:
    page = public.get("/public").text
    points = rows_of(spec(page, "map"), "lat")
    assert [(p["name"], p["people"], p["incidents"]) for p in points] == [("Tumen", 40, 1)]
    assert all(p["lat"] == round(p["lat"], 2) for p in points)  # the package's precision, no finer
    note = re.search(r'id="public-off-map">([^<]+)<', page)
    assert note and "1 incidents" in note.group(1)


def test_the_public_page_in_korean(public: TestClient) -> None:
    public.cookies.set("lang", "ko")
    page = public.get("/public?province=Jilin").text
    assert "공개된 사건" in page and "연도" in page and "사건 유형" in page and "필터 모두 지우기" in page
    assert "Year" not in page and "Event type" not in page
    assert re.findall(r'<td class="people">([^<]*)</td>', public.get("/public").text) == ["5명 미만", "40"]
    assert "투먼" in page or "도문" in page  # the place in Korean (gazetteer names)
