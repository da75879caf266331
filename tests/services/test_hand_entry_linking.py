"""#19: an incident entered by hand is linked at once, as an ingest links what it stores.

It used to stay a separate candidate until the next ``refwatch link``. Now the
entry services, given the settings, run the incremental linker
(:mod:`refwatch.services.link_increment`) in their own transaction, so a
testimony telling an event a stored report tells joins that report's incident,
and one telling another event stays apart. On SQLite and PostgreSQL; the
reports and the testimony are fictional.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from sqlalchemy import select

from refwatch.config import Settings
from refwatch.services import browse, entry, ingest
from refwatch.services.ingest import ingest_uploads
from refwatch.storage.database import Database
from refwatch.storage.tables import AuditEvent

EN = (
    b"FICTIONAL REPORT. Seoul, March 20, 2024 - Chinese police arrested 12 North Korean defectors "
    b"in Shenyang on March 3, 2024, a rights group said."
)
SAME = "가상 증언. 2024년 3월 3일 선양에서 공안이 탈북민 12명을 체포했습니다."
OTHER = "가상 증언. 2024년 9월 20일 투먼에서 국경경비대가 두 명을 붙잡았습니다."


def _span(text: str, quote: str) -> entry.Span:
    start = text.index(quote)
    return entry.Span(start, start + len(quote), quote)


def _fields(text: str, *, day: str, count: str, place: str, quotes: tuple[str, str, str, str]) -> list[Any]:
    event, when, people, where = quotes
    return [
        entry.Assignment("event_types", "event_types", {"event_types": "arrest"}, _span(text, event)),
        entry.Assignment("date", "date", {"start": day, "precision": "day"}, _span(text, when)),
        entry.Assignment("victims", "victims", {"count": count}, _span(text, people)),
        entry.Assignment("location-1", "location", {"place": place, "role": "arrest"}, _span(text, where)),
    ]


def _testimony(text: str) -> entry.Testimony:
    return entry.Testimony(text=text, taken_by="field worker (fictional)", taken_on=dt.date(2025, 6, 1))


def _stored_incident(db: Database, settings: Settings) -> int:
    report = ingest_uploads(db, [("alpha.txt", io.BytesIO(EN))], actor="ed", settings=settings)
    assert report.results[0].incidents == 1
    found = browse.incident_page(db, browse.IncidentFilter(), limit=10, offset=0).items
    assert len(found) == 1
    return int(found[0]["id"])


def _same(text: str) -> list[Any]:
    return _fields(
        text,
        day="2024-03-03",
        count="12",
        place="cn.liaoning.shenyang",
        quotes=("체포했습니다", "2024년 3월 3일", "탈북민 12명", "선양"),
    )


def _no_full_relink(*args: object, **kwargs: object) -> None:
    raise AssertionError("a hand-made report should be linked incrementally, not by a full relink")


def _relinks(db: Database) -> int:
    with db.session() as session:
        return len(
            list(session.scalars(select(AuditEvent.id).where(AuditEvent.action == "incidents.relink")))
        )


def test_a_testimony_of_a_stored_event_joins_its_incident_at_once(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = _stored_incident(db, settings)
    before = _relinks(db)

    monkeypatch.setattr(ingest, "relink", _no_full_relink)
    joined, document_id = entry.create_from_testimony(
        db, _testimony(SAME), _same(SAME), actor="ed", origin="test", settings=settings
    )
    assert joined == stored  # the older incident keeps its number; the testimony is one of its sources
    record = browse.incident_detail(db, stored, visible_groups=None)
    assert sorted(s["document"].split("-")[0] for s in record["sources"]) == ["alpha", "testimony"]
    assert document_id > 1
    assert _relinks(db) == before + 1  # recorded as every link run is

    other, _ = entry.create_from_testimony(
        db,
        _testimony(OTHER),
        _fields(
            OTHER,
            day="2024-09-20",
            count="2",
            place="cn.jilin.tumen",
            quotes=("붙잡았습니다", "2024년 9월 20일", "두 명", "투먼"),
        ),
        actor="ed",
        origin="test",
        settings=settings,
    )
    assert other != stored  # another event stays an incident of its own
    assert len(browse.incident_detail(db, other, visible_groups=None)["sources"]) == 1


def test_without_the_settings_the_next_ingest_links_it_incrementally(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = _stored_incident(db, settings)
    apart, _ = entry.create_from_testimony(db, _testimony(SAME), _same(SAME), actor="ed", origin="test")
    assert apart != stored
    # The hand-made report counts as a new one (it used to force a relink of everything).
    monkeypatch.setattr(ingest, "relink", _no_full_relink)
    ingest_uploads(
        db, [("beta.txt", io.BytesIO(EN.replace(b"Seoul", b"Busan")))], actor="ed", settings=settings
    )
    assert len(browse.incident_detail(db, stored, visible_groups=None)["sources"]) == 3
