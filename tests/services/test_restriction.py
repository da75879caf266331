"""Restriction belongs to the evidence: no path shows a non-member anything drawn from a restricted source.

Issue #15, points 1-4. Each test here failed before documents carried the
restriction (an incident row's ``restricted_to`` was lost on split, relink,
merge and public export, and figures, maps and document details ignored it).
The extractor is replaced by a table of fictional incidents per document
(pseudonymous, invented events in 2030), so the tests exercise storage,
linking, review and the read paths on their own, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.cli.app import app  # noqa: E402
from refwatch.config import Settings  # noqa: E402
from refwatch.domain.incidents import Incident as Extracted  # noqa: E402
from refwatch.errors import InvalidInput  # noqa: E402
from refwatch.services import accounts, browse, review  # noqa: E402
from refwatch.services import documents as documents_service  # noqa: E402
from refwatch.services.export import incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths, relink_all  # noqa: E402
from refwatch.services.setup import open_database  # noqa: E402
from refwatch.storage import visibility  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402
from refwatch.storage.tables import Incident  # noqa: E402
from refwatch.web.app import create_app  # noqa: E402

#: Three fictional reports of one event (they link), and one of another.
FICTIONAL: dict[str, list[Extracted]] = {
    "alpha": [make("alpha", start="2030-10-09", count=40, place=("CN", "Jilin", "Tumen"))],
    "beta": [make("beta", start="2030-10-09", count=40, place=("CN", "Jilin", "Tumen"))],
    "gamma": [make("gamma", start="2030-10-09", count=41, place=("CN", "Jilin", "Tumen"))],
    "delta": [make("delta", start="2030-03-11", count=8, place=("CN", "Liaoning", "Shenyang"))],
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, FICTIONAL)


def write_report(folder: Path, key: str) -> Path:
    path = folder / f"{key}.txt"
    path.write_text(f"FICTIONAL report {key}: pseudonymous people, invented event.", encoding="utf-8")
    return path


@pytest.fixture
def world(db: Database, tmp_path: Path) -> Database:
    """alpha, beta and gamma linked into one incident; delta alone; delta's source shared by a partner."""
    ingest_paths(db, [write_report(tmp_path, k) for k in ("alpha", "beta", "gamma")])
    ingest_paths(db, [write_report(tmp_path, "delta")], restricted_to="partners")
    return db


def incident_of(db: Database, *docs: str) -> dict[str, Any]:
    for record in incident_records(db, IncidentFilter()):
        if sorted(s["document"] for s in record["sources"]) == sorted(docs):
            return record
    raise AssertionError(f"no incident with sources {docs}")


def visible_ids(db: Database, groups: tuple[str, ...]) -> set[int]:
    page = browse.incident_page(db, IncidentFilter(visible_groups=groups, include_merged=True), limit=200)
    return {item["id"] for item in page.items}


def test_ingest_with_a_group_restricts_the_documents_and_their_incidents(world: Database) -> None:
    delta = incident_of(world, "delta")
    assert delta["restricted_to"] == "partners"
    assert delta["id"] not in visible_ids(world, ())
    assert delta["id"] in visible_ids(world, ("partners",))
    with pytest.raises(Exception, match="no document"):
        documents_service.show_document(world, "delta", visible_groups=())


def test_split_of_a_restricted_incident_stays_restricted(world: Database) -> None:
    mass = incident_of(world, "alpha", "beta", "gamma")
    review.restrict(world, mass["id"], "partners", actor="admin", reason="fictional test")
    gamma = next(s["source_id"] for s in mass["sources"] if s["document"] == "gamma")
    new_id = review.split(world, mass["id"], [gamma], actor="admin", reason="fictional test")
    assert {mass["id"], new_id} & visible_ids(world, ()) == set()
    assert {mass["id"], new_id} <= visible_ids(world, ("partners",))
    review.set_state(world, new_id, "confirmed", actor="admin")
    assert new_id not in {r["id"] for r in public_records(world)}


def test_merge_of_a_restricted_incident_into_an_open_one_restricts_the_result(world: Database) -> None:
    mass, delta = incident_of(world, "alpha", "beta", "gamma"), incident_of(world, "delta")
    assert mass["id"] in visible_ids(world, ())
    review.merge(world, mass["id"], delta["id"], actor="admin", reason="fictional test")
    assert mass["id"] not in visible_ids(world, ())
    with pytest.raises(Exception, match="no incident"):
        browse.incident_detail(world, mass["id"], visible_groups=())
    review.undo(world, mass["id"], actor="admin")
    assert mass["id"] in visible_ids(world, ())  # the partner's source went back: open again
    assert delta["id"] not in visible_ids(world, ())


def test_relinking_keeps_the_sources_of_a_restricted_incident_restricted(world: Database) -> None:
    mass = incident_of(world, "alpha", "beta", "gamma")
    review.restrict(world, mass["id"], "partners", actor="admin", reason="fictional test")
    # A strict threshold pulls the three reports apart: two of them land in new incidents.
    relink_all(world, actor="admin", threshold=0.999, window_days=45)
    records = incident_records(world, IncidentFilter())
    assert len(records) >= 3  # at least gamma (41 people) stood apart, in a new incident
    assert visible_ids(world, ()) == set()
    assert {r["restricted_to"] for r in records} == {"partners"}


def test_an_incident_holding_sources_of_two_groups_needs_both(world: Database, tmp_path: Path) -> None:
    ingest_paths(world, [write_report(tmp_path, "alpha-2")], restricted_to="north")
    mass = incident_of(world, "alpha", "alpha-2", "beta", "gamma")
    review.merge(world, mass["id"], incident_of(world, "delta")["id"], actor="admin", reason="fictional")
    assert browse.incident_detail(world, mass["id"], visible_groups=None)["restricted_to"] == "north,partners"
    assert mass["id"] not in visible_ids(world, ("north",)) | visible_ids(world, ("partners",))
    assert mass["id"] in visible_ids(world, ("north", "partners"))


def test_history_of_an_open_incident_split_off_a_restricted_one_hides_the_parent(world: Database) -> None:
    mass = incident_of(world, "alpha", "beta", "gamma")
    delta = incident_of(world, "delta")
    review.merge(world, mass["id"], delta["id"], actor="admin", reason="fictional test")
    merged = browse.incident_detail(world, mass["id"], visible_groups=None)
    open_sources = [s["source_id"] for s in merged["sources"] if s["document"] != "delta"]
    child = review.split(world, mass["id"], open_sources, actor="admin", reason="fictional test")
    assert child in visible_ids(world, ())  # drawn only from open reports
    seen = review.history(world, child, visible_groups=())
    full = review.history(world, child, visible_groups=None)
    assert [e.action for e in full] == ["incident.split_from"]
    assert seen == []  # its parent's snapshot held the partner's figures


def test_figures_map_and_document_details_leave_out_what_the_reader_may_not_see(world: Database) -> None:
    figures = browse.summary(world, visible_groups=())
    everything = browse.summary(world, visible_groups=None)
    assert everything["people"] - figures["people"] == 8  # delta's people
    assert everything["incidents"] - figures["incidents"] == 1
    assert [p["name"] for p in browse.places(world, visible_groups=())] == ["Tumen"]
    assert {p["name"] for p in browse.places(world, visible_groups=("partners",))} == {"Tumen", "Shenyang"}
    mass, delta = incident_of(world, "alpha", "beta", "gamma"), incident_of(world, "delta")
    review.merge(world, mass["id"], delta["id"], actor="admin", reason="fictional test")
    alpha = documents_service.show_document(world, "alpha", visible_groups=())
    assert alpha.incident_ids == ()  # its incident now holds the partner's report
    assert documents_service.show_document(world, "alpha", visible_groups=("partners",)).incident_ids
    found = browse.document_page(world, query="FICTIONAL", visible_groups=())
    assert sorted(d["key"] for d in found.items) == ["alpha", "beta", "gamma"]
    with pytest.raises(Exception, match="no document"):
        documents_service.original_bytes(world, "delta", visible_groups=("other",))


def public_records(db: Database) -> list[dict[str, Any]]:
    from refwatch.report.redaction import redact

    return redact(incident_records(db, IncidentFilter()))


def test_public_export_leaves_out_restricted_incidents(
    world: Database, cli_env: Settings, tmp_path: Path
) -> None:
    for record in incident_records(world, IncidentFilter()):
        review.set_state(world, record["id"], "confirmed", actor="admin")
    out = tmp_path / "public.jsonl"
    result = CliRunner().invoke(app, ["export", str(out), "--public"])
    assert result.exit_code == 0, result.output
    published = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in published] == [incident_of(world, "alpha", "beta", "gamma")["id"]]


def test_group_names_cannot_hold_the_separator(db: Database) -> None:
    with pytest.raises(InvalidInput, match="cannot contain"):
        review.group_name("north,south")
    accounts.add_user(db, "vi", "fictional-password-1", "viewer")
    with pytest.raises(InvalidInput, match="cannot contain"):
        accounts.set_groups(db, "vi", ["a,b"])


@given(
    restricted=st.one_of(st.none(), st.sets(st.sampled_from(["a", "b", "c%", "d_e"]), min_size=1)),
    reader=st.one_of(st.none(), st.sets(st.sampled_from(["a", "b", "c%", "d_e", "x"]), max_size=4)),
)
@settings(max_examples=60, deadline=None)
def test_sql_and_python_agree_on_who_sees_what(
    restricted: set[str] | None, reader: set[str] | None, visibility_db: Database
) -> None:
    value = visibility.join(restricted or ())
    groups = None if reader is None else tuple(sorted(reader))
    with visibility_db.transaction() as session:
        row = session.scalar(select(Incident).where(Incident.id == 1))
        assert row is not None
        row.restricted_to = value
    with visibility_db.session() as session:
        found = session.scalar(
            select(Incident.id).where(Incident.id == 1, visibility.incident_clause(groups))
        )
    expected = reader is None or restricted is None or set(restricted) <= reader
    assert visibility.can_see(value, groups) is expected
    assert (found == 1) is expected


@pytest.fixture(scope="module")
def visibility_db(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path, key_file: Path
) -> Iterator[Database]:
    """One SQLite database with one incident, shared by the examples of the agreement test."""
    import shutil

    from refwatch.config import load_settings

    home = tmp_path_factory.mktemp("visibility") / "home"
    shutil.copytree(sqlite_template, home)
    db = open_database(load_settings(home=home, key_file=key_file))
    with db.transaction() as session:
        session.add(Incident(review_state="candidate", event_types=[], disagreements=[], overrides={}))
    yield db
    db.dispose()


def test_api_paths_for_a_non_member(world: Database, settings: Settings) -> None:
    accounts.add_user(world, "vi", "fictional-password-2", "viewer")
    token = accounts.issue_token(world, "vi", "read")[1]
    headers = {"Authorization": f"Bearer {token}"}
    mass, delta = incident_of(world, "alpha", "beta", "gamma"), incident_of(world, "delta")
    review.set_state(world, delta["id"], "confirmed", actor="admin")
    with TestClient(create_app(settings)) as client:
        stats = client.get("/api/v1/stats", headers=headers).json()
        assert stats["people"] == 40 and stats["incidents"] == 1
        assert client.get(f"/api/v1/incidents/{delta['id']}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/incidents/{delta['id']}/history", headers=headers).status_code == 404
        assert client.get("/api/v1/documents/delta", headers=headers).status_code == 404
        assert client.get("/api/v1/documents/delta/original", headers=headers).status_code == 404
        listed = client.get("/api/v1/documents", headers=headers).json()
        assert sorted(d["key"] for d in listed["items"]) == ["alpha", "beta", "gamma"]
        assert client.get("/api/v1/public/incidents").json()["total"] == 0
        assert client.get("/api/v1/documents/alpha", headers=headers).json()["incident_ids"] == [mass["id"]]


def test_pages_for_a_non_member(world: Database, settings: Settings) -> None:
    import re

    accounts.add_user(world, "vi", "fictional-password-2", "viewer")
    for record in incident_records(world, IncidentFilter()):
        review.set_state(
            world, record["id"], "confirmed", actor="admin"
        )  # the headline counts confirmed only
    with TestClient(create_app(settings), follow_redirects=False) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert token
        form = {"username": "vi", "password": "fictional-password-2", "csrf": token.group(1)}
        assert client.post("/login", data=form).status_code == 303
        dashboard = client.get("/").text
        assert re.search(r'id="fig-people">40<', dashboard)  # not 48: delta's 8 are the partner's
        assert "Shenyang" not in dashboard and "Tumen" in dashboard  # figures table and map data
        assert client.get("/documents/delta").status_code == 404
        assert client.get("/documents/delta/original").status_code == 404
        assert "delta" not in client.get("/documents").text
        delta = incident_of(world, "delta")["id"]
        assert client.get(f"/incidents/{delta}").status_code == 404


def test_estimation_tables_for_a_published_report_leave_out_restricted_incidents(world: Database) -> None:
    from refwatch.services.estimation import histories_from_db

    for record in incident_records(world, IncidentFilter()):
        review.set_state(world, record["id"], "confirmed", actor="admin")
    everything = histories_from_db(world, unit="incidents", lists_from="outlet")
    published = histories_from_db(world, unit="incidents", lists_from="outlet", visible_groups=())
    assert "delta" in everything[0].lists  # the partner's report is a list of its own...
    assert "delta" not in published[0].lists  # ...never counted in what a report publishes
    assert sum(published[0].counts.values()) == sum(everything[0].counts.values()) - 1
