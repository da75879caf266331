"""A part of a group is its own incident, related to the group; its people are not counted twice.

Made-up Korean report (the real extractor runs): 27 people caught, of whom 9 in one city on one
day and 18 in another on the next.
"""

from __future__ import annotations

from pathlib import Path

from refwatch.config import Settings
from refwatch.services import browse
from refwatch.services.export import incident_records
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import open_database
from refwatch.storage.incidents import IncidentFilter

REPORT = (
    "가상 보도 (2030년 7월 24일)\n\n"
    "탈북자 27명이 체포됐다고 한 단체가 밝혔다. "
    "이들 중 9명은 칭다오에서 지난 18일, 18명은 쿤밍에서 19일에 체포된 것으로 전해졌다.\n"
)


def test_parts_are_related_to_their_group_and_counted_once(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "parts.txt").write_text(REPORT, encoding="utf-8")
    db = open_database(settings)
    try:
        ingest_paths(db, [tmp_path / "parts.txt"])
        records = {r["victims"]["count"]: r for r in incident_records(db, IncidentFilter())}
        assert set(records) == {27, 9, 18}
        group = records[27]["id"]
        assert records[27]["part_of"] is None
        assert (records[9]["part_of"], records[18]["part_of"]) == (group, group)
        figures = browse.summary(db, visible_groups=())
        assert figures["candidates"]["people"] == 27  # not 54: the parts' people are the group's
        assert figures["candidates"]["incidents"] == 3
    finally:
        db.dispose()
