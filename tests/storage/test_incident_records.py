"""The fast readers of incidents (plain rows) give exactly what the object-based record gives."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from refwatch.services.ingest import ingest_paths
from refwatch.storage import incidents as repo
from refwatch.storage.database import Database
from refwatch.storage.tables import Incident

# Fictional reports: two outlets on the same arrests, one on a different event.
REPORTS = {
    "one.txt": "FICTIONAL. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors in "
    "Shenyang on March 3, 2031, a rights group said. They face forced repatriation.",
    "two.txt": "FICTIONAL. March 22, 2031 - Twelve North Korean defectors were detained by police in "
    "Shenyang on March 3, 2031 and are at risk of being sent back, activists said.",
    "three.txt": "FICTIONAL. April 2, 2031 - Border guards in Yanji arrested 7 North Koreans on April 1, "
    "2031; five women among them were repatriated a week later.",
}


def test_plain_row_readers_match_the_object_record(db: Database, tmp_path: Path) -> None:
    for name, text in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingest_paths(db, [tmp_path])
    with db.session() as session:
        incidents = session.scalars(select(Incident).order_by(Incident.id)).all()
        assert incidents, "the fictional reports should give incidents"
        full = [repo.to_record(i) for i in incidents]
        assert [repo.record_of(session, i.id) for i in incidents] == full
        cards = repo.summaries_by_id(session, [i.id for i in incidents])
    listed = [cards[i] for i in sorted(cards)]
    assert any(len(r["sources"]) > 1 for r in full), "one incident should have two sources"
    for summary, record in zip(listed, full, strict=True):
        assert summary["sources"] == [
            {k: v for k, v in s.items() if k in summary["sources"][0]} for s in record["sources"]
        ]
        assert {k: v for k, v in summary.items() if k != "sources"} == {
            k: v for k, v in record.items() if k in summary and k not in ("sources", "date", "victims")
        } | {"date": {k: v for k, v in record["date"].items() if k != "text"}} | {
            "victims": {k: v for k, v in record["victims"].items() if k != "text"}
        }


def test_review_queue_order_is_main_then_most_sources_then_newest(db: Database, tmp_path: Path) -> None:
    import datetime as dt

    from refwatch.services import review
    from refwatch.storage.incidents import IncidentFilter, load_incidents

    for name, text in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingest_paths(db, [tmp_path])
    with db.session() as session:
        rows = load_incidents(session, IncidentFilter(review_states=("candidate",)))
        rows.sort(
            key=lambda r: (r.salience != "main", -len(r.sources), -(r.date_start or dt.date.min).toordinal())
        )
        expected = [repo.to_record(r) for r in rows]
    assert len(expected) >= 2
    assert [
        {k: v for k, v in r.items() if k != "legal"} for r in review.review_queue(db, limit=50)
    ] == expected
    assert review.review_queue(db, limit=1)[0]["id"] == expected[0]["id"]
    assert all("legal" in r for r in review.review_queue(db, limit=50))
    with db.transaction() as session:
        session.get(Incident, expected[0]["id"]).restricted_to = "partner-x"  # type: ignore[union-attr]
    assert [r["id"] for r in review.review_queue(db, visible_groups=())] == [r["id"] for r in expected[1:]]
    assert len(review.review_queue(db, visible_groups=("partner-x",))) == len(expected)
