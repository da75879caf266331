"""A relink right after a relink changes nothing, with reviewers' merges and splits (issue #20).

A relink reads the reviewers' pins from the incidents as the last one left them: a pinned
(merged, split, confirmed or rejected) incident holds together every source it has, those
linking put with it included. Until the fix, the relink that put a report with a pinned
incident ran with the smaller pin, and the next one, pinning the report from the start,
could group differently or drop the report's link. Fictional reports only (invented events
in 2030); the extractor is replaced by a table.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.domain.incidents import Incident as Extracted  # noqa: E402
from refwatch.errors import RefwatchError  # noqa: E402
from refwatch.services import review  # noqa: E402
from refwatch.services.ingest import ingest_paths, relink_all  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.tables import Document, Incident, IncidentSource  # noqa: E402

# Variants of a few invented events: some link alone, some only through a group's average,
# some not at all (another year, another place).
EVENTS: dict[str, Extracted] = {
    "tumen": make("x", start="2030-10-09", count=40, place=("CN", "Jilin", "Tumen")),
    "tumenweek": make("x", start="2030-10-05", end="2030-10-12", count=40, place=("CN", "Jilin", None)),
    "tumenundated": make("x", count=40, place=("CN", "Jilin", "Tumen")),
    "tumenfew": make("x", start="2030-10-10", count=5, place=("CN", "Jilin", "Tumen")),
    "shenyang": make("x", start="2030-03-11", count=8, place=("CN", "Liaoning", "Shenyang")),
    "shenyanglater": make("x", start="2030-04-20", count=8, place=("CN", "Liaoning", None)),
    "laos": make("x", start="2030-06-10", count=3, place=("LA", None, None)),
}
_names = itertools.count()


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, EVENTS)


def ingest(db: Database, folder: Path, event: str) -> None:
    path = folder / f"{event}-{next(_names)}.txt"
    path.write_text(f"FICTIONAL report {path.stem}: invented event.", encoding="utf-8")
    ingest_paths(db, [path])


def stored(db: Database) -> dict[str, tuple[Any, ...]]:
    """Each source (by document key) with its incident, that incident's state and its link."""
    with db.session() as session:
        rows = session.execute(
            select(
                Document.key,
                IncidentSource.ordinal,
                IncidentSource.incident_id,
                Incident.review_state,
                Incident.sources_locked,
                IncidentSource.link_score,
                IncidentSource.link_reason,
            )
            .join(Document, IncidentSource.document_id == Document.id)
            .join(Incident, IncidentSource.incident_id == Incident.id)
        ).all()
    return {f"{key}#{ordinal}": tuple(rest) for key, ordinal, *rest in rows}


def incident_of(db: Database, document: str) -> int:
    with db.session() as session:
        found = session.scalar(
            select(IncidentSource.incident_id).join(Document).where(Document.key == document)
        )
    assert found is not None
    return found


def source_of(db: Database, document: str) -> int:
    with db.session() as session:
        found = session.scalar(select(IncidentSource.id).join(Document).where(Document.key == document))
    assert found is not None
    return found


def test_a_report_linked_to_a_split_incident_stays_as_linked(db: Database, tmp_path: Path) -> None:
    """Three reports of one event, one split off by a reviewer; a fourth joins the pair left.
    The relink that joins it and the next one must store the same (on the old code the
    second relink, pinning the fourth report from the start, dropped its link)."""
    for _ in range(3):
        ingest(db, tmp_path, "tumen")
    documents = sorted(stored(db))
    assert len({v[0] for v in stored(db).values()}) == 1
    review.split(db, incident_of(db, documents[2][:-2]), [source_of(db, documents[2][:-2])], actor="t")
    ingest(db, tmp_path, "tumen")  # after a split, a full relink
    first = stored(db)
    fourth = max(first)
    assert first[fourth][0] == first[documents[0]][0]  # with the pair the reviewer left together
    relink_all(db, actor="t", threshold=None, window_days=45)
    assert stored(db) == first


step = st.one_of(
    st.tuples(st.just("ingest"), st.sampled_from(sorted(EVENTS)), st.none()),
    st.tuples(st.just("split"), st.integers(0, 30), st.integers(0, 7)),
    st.tuples(st.just("merge"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("confirm"), st.integers(0, 30), st.none()),
)


def apply(db: Database, folder: Path, action: tuple[Any, Any, Any]) -> None:
    kind, a, b = action
    if kind == "ingest":
        ingest(db, folder, a)
        return
    with db.session() as session:
        ids = list(
            session.scalars(
                select(Incident.id).where(Incident.review_state != "merged").order_by(Incident.id)
            )
        )
    if not ids:
        return
    try:
        if kind == "split":
            incident = ids[a % len(ids)]
            with db.session() as session:
                sources = list(
                    session.scalars(
                        select(IncidentSource.id)
                        .where(IncidentSource.incident_id == incident)
                        .order_by(IncidentSource.id)
                    )
                )
            if len(sources) > 1:
                review.split(db, incident, [sources[b % len(sources)]], actor="t")
        elif kind == "merge":
            review.merge(db, ids[a % len(ids)], ids[b % len(ids)], actor="t")
        elif kind == "confirm":
            review.set_state(db, ids[a % len(ids)], "confirmed", actor="t")
    except RefwatchError:
        pass  # refused (merging an incident with itself ...): a refusal changes nothing


@given(steps=st.lists(step, min_size=2, max_size=8))
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_relinking_twice_is_relinking_once(
    steps: list[tuple[Any, Any, Any]], db: Database, tmp_path: Path
) -> None:
    # The database lives across examples (a fresh one per example would cost seconds): after any
    # history of ingests, merges, splits and confirmations, the relink an ingest runs (full, or
    # incremental where nothing but new documents came since the last) is what a relink right
    # after it leaves as it is.
    for action in steps:
        apply(db, tmp_path, action)
        if action[0] == "ingest":
            linked = stored(db)
            relink_all(db, actor="t", threshold=None, window_days=45)
            assert stored(db) == linked
    relink_all(db, actor="t", threshold=None, window_days=45)
    once = stored(db)
    relink_all(db, actor="t", threshold=None, window_days=45)
    assert stored(db) == once
