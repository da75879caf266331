"""Linking on ingest and the review workflow, on SQLite and PostgreSQL.

The extractor is replaced by a table of fictional incidents per document, so
these tests exercise storage, linking and review on their own.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make  # noqa: E402

from refwatch.domain.incidents import Incident as Extracted  # noqa: E402
from refwatch.errors import Conflict, InvalidInput, NotFound  # noqa: E402
from refwatch.services import incidents as incidents_service  # noqa: E402
from refwatch.services import review  # noqa: E402
from refwatch.services.export import export_incidents, incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402
from refwatch.storage.tables import Document  # noqa: E402

FICTIONAL: dict[str, list[Extracted]] = {
    "alpha": [
        make("alpha", start="2030-10-09", count=500, qualifier="at_least", place=("CN", "Jilin", "Tumen"))
    ],
    "beta": [
        make("beta", start="2030-10-09", count=600, qualifier="about", place=("CN", "Jilin", "Tumen")),
        make(
            "beta",
            start="2030-06-01",
            end="2030-06-30",
            count=3,
            place=("LA", None, None),
            salience="background",
        ),
    ],
    "gamma": [make("gamma", start="2030-10-08", end="2030-10-10", count=550, qualifier="about")],
    "delta": [
        make("delta", start="2030-03-11", end="2030-03-20", count=8, place=("CN", "Liaoning", "Shenyang"))
    ],
    "epsilon": [make("epsilon", start="2030-06-10", count=3, place=("LA", None, "Vientiane"))],
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    def run(doc: Document) -> tuple[str, list[Extracted]]:
        return "fictional", [
            Extracted.from_dict(i.to_dict() | {"document": doc.key}) for i in FICTIONAL[doc.key]
        ]

    monkeypatch.setattr(incidents_service, "run_extractor", run)


@pytest.fixture
def reports(tmp_path: Path) -> list[Path]:
    paths = []
    for key in FICTIONAL:
        path = tmp_path / f"{key}.txt"
        path.write_text(f"FICTIONAL report {key}: pseudonymous people, no real event.", encoding="utf-8")
        paths.append(path)
    return paths


def records(db: Database) -> list[dict[str, Any]]:
    return incident_records(db, IncidentFilter())


def signature(db: Database) -> set[tuple[Any, ...]]:
    """What an incident is, independent of ids: its sources and its reconciled values."""
    return {
        (
            tuple(sorted(s["document"] for s in r["sources"])),
            r["date"]["start"],
            r["date"]["end"],
            r["victims"]["count_min"],
            r["victims"]["count_max"],
            tuple(r["event_types"]),
            r["status"],
        )
        for r in records(db)
    }


def by_docs(db: Database, *docs: str) -> dict[str, Any]:
    for r in records(db):
        if sorted(s["document"] for s in r["sources"]) == sorted(docs):
            return r
    raise AssertionError(f"no incident with sources {docs}: {[r['sources'] for r in records(db)]}")


def test_linking_on_ingest(db: Database, reports: list[Path]) -> None:
    ingest_paths(db, reports)
    sets = {tuple(sorted(s["document"] for s in r["sources"])) for r in records(db)}
    assert sets == {("alpha", "beta", "gamma"), ("beta", "epsilon"), ("delta",)}
    mass = by_docs(db, "alpha", "beta", "gamma")
    assert (mass["victims"]["count_min"], mass["victims"]["count_max"]) == (500, 600)
    # The reason is the match weight with each field's part (it was a list of agreements).
    assert any("place same city or county (Tumen) +" in (s["link_reason"] or "") for s in mass["sources"])
    assert all((s["link_reason"] or "").startswith("match weight ") for s in mass["sources"])
    assert {c["document"] for c in mass["claims"] if c["field"] == "victims"} == {"alpha", "beta", "gamma"}


def test_reverse_order_gives_the_same_incidents(db: Database, reports: list[Path]) -> None:
    for path in reversed(reports):
        ingest_paths(db, [path])
    reversed_signature = signature(db)
    with db.transaction() as session:
        for doc in session.scalars(select(Document)):
            session.delete(doc)
        from refwatch.storage.tables import Incident

        for incident in session.scalars(select(Incident)):
            session.delete(incident)
    ingest_paths(db, reports)
    assert signature(db) == reversed_signature


def test_reingest_changes_nothing(db: Database, reports: list[Path]) -> None:
    ingest_paths(db, reports)
    before = records(db)
    report = ingest_paths(db, reports)
    assert report.count("unchanged") == len(reports)
    assert records(db) == before


def test_merge_then_split_restores_the_original_incidents(db: Database, reports: list[Path]) -> None:
    ingest_paths(db, reports)
    original = signature(db)
    delta = by_docs(db, "delta")
    mass = by_docs(db, "alpha", "beta", "gamma")
    review.merge(db, mass["id"], delta["id"], actor="tester", reason="fictional test")
    merged = by_docs(db, "alpha", "beta", "delta", "gamma")
    assert merged["id"] == mass["id"]
    delta_source = [s["source_id"] for s in merged["sources"] if s["document"] == "delta"]
    review.split(db, mass["id"], delta_source, actor="tester", reason="not the same event")
    assert signature(db) == original
    actions = [e.action for e in review.history(db, mass["id"], visible_groups=None)]
    assert actions[-2:] == ["incident.merge", "incident.split"]


def test_review_actions_are_in_history_and_undoable(db: Database, reports: list[Path]) -> None:
    ingest_paths(db, reports)
    target = by_docs(db, "delta")["id"]
    review.set_state(db, target, "confirmed", actor="editor-1", reason="checked sources")
    review.edit_field(db, target, "count", "9", actor="editor-1", reason="a later report says nine")
    assert by_docs(db, "delta")["victims"]["count"] == 9
    assert by_docs(db, "delta")["review_state"] == "confirmed"
    history = review.history(db, target, visible_groups=None)
    assert [(e.actor, e.action) for e in history][-2:] == [
        ("editor-1", "incident.confirm"),
        ("editor-1", "incident.edit"),
    ]
    assert history[-1].detail["reason"] == "a later report says nine"
    assert history[-1].detail["before"]["victims"]["count"] == 8
    assert review.undo(db, target, actor="editor-1") == "incident.edit"
    assert by_docs(db, "delta")["victims"]["count"] == 8
    assert review.undo(db, target, actor="editor-1") == "incident.confirm"
    assert by_docs(db, "delta")["review_state"] == "candidate"
    with pytest.raises(NotFound):
        review.undo(db, target, actor="editor-1")


def test_undo_merge(db: Database, reports: list[Path]) -> None:
    ingest_paths(db, reports)
    original = signature(db)
    a, b = by_docs(db, "delta")["id"], by_docs(db, "beta", "epsilon")["id"]
    review.merge(db, a, b, actor="tester")
    review.undo(db, a, actor="tester")
    assert signature(db) == original


def test_undoing_a_split_keeps_what_was_merged_into_the_split_off_incident(
    db: Database, reports: list[Path]
) -> None:
    # Found by the restriction property test: the split-off incident was deleted while another
    # incident still named it as where it had been merged (a foreign-key failure, nothing undone).
    ingest_paths(db, reports)
    mass = by_docs(db, "alpha", "beta", "gamma")
    gamma = [s["source_id"] for s in mass["sources"] if s["document"] == "gamma"]
    review.split(db, mass["id"], gamma, actor="tester", reason="fictional")
    split_off = by_docs(db, "gamma")["id"]
    delta = by_docs(db, "delta")["id"]
    review.merge(db, split_off, delta, actor="tester", reason="fictional")
    moved = [s["source_id"] for s in by_docs(db, "delta", "gamma")["sources"] if s["document"] == "delta"]
    review.split(db, split_off, moved, actor="tester", reason="fictional")
    assert review.undo(db, mass["id"], actor="tester") == "incident.split"
    assert by_docs(db, "alpha", "beta", "gamma")["id"] == mass["id"]
    from refwatch.storage.tables import Incident

    with db.session() as session:
        assert session.get(Incident, split_off) is None
        assert session.get(Incident, delta).merged_into_id == mass["id"]


def test_review_errors(db: Database, reports: list[Path]) -> None:
    ingest_paths(db, reports)
    target = by_docs(db, "delta")["id"]
    with pytest.raises(InvalidInput, match="reason"):
        review.edit_field(db, target, "count", "3", actor="x", reason=" ")
    with pytest.raises(InvalidInput, match="whole number"):
        review.edit_field(db, target, "count", "many", actor="x", reason="r")
    with pytest.raises(InvalidInput, match="cannot be edited"):
        review.edit_field(db, target, "document", "x", actor="x", reason="r")
    with pytest.raises(InvalidInput, match="itself"):
        review.merge(db, target, target, actor="x")
    with pytest.raises(NotFound):
        review.set_state(db, 999_999, "confirmed", actor="x")
    other = by_docs(db, "beta", "epsilon")["id"]
    review.merge(db, target, other, actor="x")
    with pytest.raises(Conflict):
        review.set_state(db, other, "confirmed", actor="x")


def test_confirmed_incidents_keep_their_sources_on_relink(db: Database, reports: list[Path]) -> None:
    ingest_paths(db, reports[:1])
    alpha = by_docs(db, "alpha")["id"]
    review.set_state(db, alpha, "confirmed", actor="x")
    ingest_paths(db, reports[1:])
    assert by_docs(db, "alpha", "beta", "gamma")["id"] == alpha


def test_exports(db: Database, reports: list[Path], tmp_path: Path) -> None:
    import csv
    import json

    ingest_paths(db, reports)
    out = tmp_path / "incidents.jsonl"
    assert export_incidents(db, out, fmt="jsonl", filters=IncidentFilter()) == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {len(r["sources"]) for r in rows} == {1, 2, 3}
    assert all("claims" in r and "document" not in r for r in rows)
    csv_out = tmp_path / "incidents.csv"
    export_incidents(db, csv_out, fmt="csv", filters=IncidentFilter(), bom=True)
    raw = csv_out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(table) == 3 and "documents" in table[0]
    geo = tmp_path / "incidents.geojson"
    export_incidents(db, geo, fmt="geojson", filters=IncidentFilter())
    collection = json.loads(geo.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"


def test_relink_audit_entry_names_the_model_and_thresholds(db: Database, reports: list[Path]) -> None:
    from refwatch.link.model import default_model
    from refwatch.storage.tables import AuditEvent

    ingest_paths(db, reports, link_threshold=0.3, link_window_days=40)
    with db.session() as session:
        entries = [e for e in session.scalars(select(AuditEvent)) if e.action == "incidents.relink"]
        detail = entries[-1].detail
    model = default_model()
    assert detail["model_sha256"] == model.digest and len(model.digest) == 64
    assert detail["model"] == model.name
    assert (detail["threshold"], detail["window_days"]) == (0.3, 40)


def test_without_a_threshold_the_models_own_is_used(db: Database, reports: list[Path]) -> None:
    from refwatch.link.model import default_model
    from refwatch.storage.tables import AuditEvent

    ingest_paths(db, reports)
    with db.session() as session:
        detail = [e for e in session.scalars(select(AuditEvent)) if e.action == "incidents.relink"][-1].detail
    assert detail["threshold"] == default_model().threshold


def test_each_model_a_relink_used_is_kept_once(db: Database, reports: list[Path]) -> None:
    """The audit entry names the digest; the model itself is stored with the runs (table 0015)."""
    from refwatch.link.model import default_model
    from refwatch.services.ingest import relink_all
    from refwatch.storage.tables import LinkModelRecord

    ingest_paths(db, reports)
    relink_all(db, actor="t", threshold=None, window_days=45)
    model = default_model()
    with db.session() as session:
        rows = list(session.scalars(select(LinkModelRecord)))
    assert [r.digest for r in rows] == [model.digest]
    assert rows[0].settings["probability_two_random_records_match"] == model.prior
    assert rows[0].companion["threshold"] == model.threshold
