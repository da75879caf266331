"""The dashboard's figures people quote (#19): confirmed apart from candidates, by status; latest first.

Fictional incidents (invented events); the extractor is replaced by a table.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.config import Settings  # noqa: E402
from refwatch.services import accounts, review  # noqa: E402
from refwatch.services.export import incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.services.setup import open_database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402
from refwatch.web.app import create_app  # noqa: E402

FICTIONAL = {
    "old": make("old", start="2020-01-05", count=40, status="returned", place=("CN", "Jilin", "Tumen")),
    "mid": make("mid", start="2024-06-01", count=7, status="at_risk", place=("CN", "Jilin", "Yanji")),
    "new": make("new", start="2030-03-11", count=3, status="released", place=("CN", "Liaoning", "Dandong")),
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, FICTIONAL)


def test_headline_counts_confirmed_apart_and_latest_come_first(settings: Settings, tmp_path: Path) -> None:
    db = open_database(settings)
    try:
        for key in FICTIONAL:
            (tmp_path / f"{key}.txt").write_text(f"FICTIONAL report {key}.", encoding="utf-8")
        ingest_paths(db, [tmp_path / f"{k}.txt" for k in FICTIONAL])
        ids = {r["sources"][0]["document"]: r["id"] for r in incident_records(db, IncidentFilter())}
        review.set_state(db, ids["old"], "confirmed", actor="t")
        accounts.add_user(db, "vi", "fictional-password-5", "viewer")
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert token
        form = {"username": "vi", "password": "fictional-password-5", "csrf": token.group(1)}
        assert client.post("/login", data=form).status_code == 303
        page = client.get("/").text
        assert re.search(r'id="fig-people">40<', page)  # confirmed only; it read 50 (40 + 7 + 3) before
        assert re.search(r'id="fig-incidents">1<', page)
        assert re.search(r'id="fig-candidate-people">10<', page)
        # By status, confirmed and candidates in columns of their own (statuses were mixed in one sum).
        table = page[
            page.index('class="by-status"') : page.index("</table>", page.index('class="by-status"'))
        ]
        rows = re.findall(
            r'<tr><td>([^<]+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td></tr>', table
        )
        assert sorted(rows) == [("at risk", "0", "7"), ("released", "0", "3"), ("returned", "40", "0")], rows
        assert "the count the sources agree on, else the lowest" in page  # the figure's definition
        latest = page[page.index('id="latest-title"') :]
        order = [latest.index(f"/incidents/{ids[k]}") for k in ("new", "mid", "old")]
        assert order == sorted(order)  # newest first (it listed the oldest first)
        stats = client.get("/api/v1/stats", headers={"Authorization": "Bearer x"})
        assert stats.status_code == 401


def test_a_merge_shows_every_figure_as_a_range_and_the_merged_away_incident_points_on(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = {
        "three": make("three", start="2030-05-02", count=3, place=("CN", "Jilin", "Tumen")),
        "six": make("six", start="2030-09-20", count=6, place=("LA", None, "Vientiane")),
    }
    use_table_extractor(monkeypatch, table)
    db = open_database(settings)
    try:
        for key in table:
            (tmp_path / f"{key}.txt").write_text(f"FICTIONAL report {key}.", encoding="utf-8")
        ingest_paths(db, [tmp_path / f"{k}.txt" for k in table])
        ids = {r["sources"][0]["document"]: r["id"] for r in incident_records(db, IncidentFilter())}
        review.merge(db, ids["three"], ids["six"], actor="t", reason="fictional test")
        accounts.add_user(db, "ed", "fictional-password-6", "editor")
    finally:
        db.dispose()
    settings_2fa_off = settings.model_copy(update={"require_2fa": False})
    with TestClient(create_app(settings_2fa_off), follow_redirects=False) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert token
        form = {"username": "ed", "password": "fictional-password-6", "csrf": token.group(1)}
        assert client.post("/login", data=form).status_code == 303
        kept = client.get(f"/incidents/{ids['three']}").text
        assert re.search(r'id="people">3–6<', kept)  # it read "3 (range)"
        gone = client.get(f"/incidents/{ids['six']}").text
        assert f'href="/incidents/{ids["three"]}"' in gone and 'id="merged-into"' in gone
        assert 'id="confirm"' not in gone and 'action="/incidents/' not in gone  # no review forms left
