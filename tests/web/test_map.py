"""#19, the dashboard's map: it says how many people it leaves out and why, its legend sits inside it,
and its tooltips name what happened at each place. Fictional incidents; the extractor is a table."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.config import Settings  # noqa: E402
from refwatch.domain.incidents import Location  # noqa: E402
from refwatch.report.charts import MapPoint, places_map  # noqa: E402
from refwatch.services import accounts, browse  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.services.setup import open_database  # noqa: E402
from refwatch.web.app import create_app  # noqa: E402

TUMEN = make("tumen", start="2030-01-05", count=4, place=("CN", "Jilin", "Tumen"))
FICTIONAL = {
    "tumen": dataclasses.replace(TUMEN, locations=[Location("CN", "Jilin", "Tumen", role="arrest")]),
    "nowhere": make("nowhere", start="2024-06-01", count=5, place=("CN", None, None)),
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, FICTIONAL)


def places_data(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The map's places as the page's compiled Vega spec carries them (the data set with ``roles``)."""
    return next(d["values"] for d in spec["data"] if d.get("values") and "roles" in d["values"][0])


def tooltip_titles(spec: dict[str, Any]) -> list[str]:
    """The titles of the circles' tooltip, in order: the keys of the object its signal builds."""
    circles = next(m for m in spec["marks"] if m["type"] == "symbol")
    signal = circles["encode"]["update"]["tooltip"]["signal"]
    return re.findall(r'(?:^\{|, )"([^"]+)": ', signal)


def test_map_counts_what_it_leaves_out_and_names_roles(settings: Settings, tmp_path: Path) -> None:
    db = open_database(settings)
    try:
        for key in FICTIONAL:
            (tmp_path / f"{key}.txt").write_text(f"FICTIONAL report {key}.", encoding="utf-8")
        ingest_paths(db, [tmp_path / f"{k}.txt" for k in FICTIONAL])
        overview = browse.places_overview(db, visible_groups=None)
        accounts.add_user(db, "vi", "fictional-password-5", "viewer")
    finally:
        db.dispose()
    assert [(p["name"], p["people"], p["roles"]) for p in overview["places"]] == [("Tumen", 4, ["arrest"])]
    assert overview["country_only"] == {"incidents": 1, "people": 5}  # silently left out before
    with TestClient(create_app(settings), follow_redirects=False) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert token
        form = {"username": "vi", "password": "fictional-password-5", "csrf": token.group(1)}
        assert client.post("/login", data=form).status_code == 303
        page = client.get("/").text
        note = re.search(r'id="map-country-only">([^<]*)<', page)
        assert note and "5 people in 1 incidents whose place is known only by country" in note.group(1)
        spec = json.loads(page.split('id="map-spec">', 1)[1].split("</script>", 1)[0])  # compiled Vega
        assert tooltip_titles(spec) == ["Place", "What happened there", "People", "Incidents"]
        assert places_data(spec)[0]["roles"] == "arrest"
        client.cookies.set("lang", "ko")
        korean = client.get("/").text
        assert "지도에 없음: 국가만 알려진 사건 1건의 5명" in korean
        spec = json.loads(korean.split('id="map-spec">', 1)[1].split("</script>", 1)[0])
        assert places_data(spec)[0]["roles"] == "체포"
        assert tooltip_titles(spec) == ["장소", "그곳에서 일어난 일", "인원", "사건"]


def test_map_legend_is_drawn_inside_the_map() -> None:
    spec = places_map([MapPoint("Tumen", 42.96, 129.84, 4, 1, "arrest")], title="", countries_url="x.json")
    legend = spec["layer"][1]["encoding"]["size"]["legend"]
    assert legend["orient"] == "top-left"  # beside a container-wide map it was cut off at the edge
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
