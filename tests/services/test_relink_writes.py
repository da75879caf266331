"""A relink that changes nothing rewrites nothing (issue #20 point 2, ingest speed).

Every ingest relinks every stored report and reconciles every incident; before this
change each incident's place and perpetrator rows were deleted and inserted again
each time, even when they were the same, which was most of a relink's writes. Now
rows are replaced only when they differ, so the row ids survive a relink that
changes nothing, and a change still shows. Fictional incidents (events in 2030).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.services.ingest import ingest_paths, relink_all  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.tables import IncidentLocation  # noqa: E402

TABLE = {
    "one": make("one", start="2030-10-09", count=12, place=("CN", "Jilin", "Tumen")),
    "two": make("two", start="2030-10-09", count=12, place=("CN", "Jilin", "Tumen")),
    "three": make("three", start="2030-03-11", count=4, place=("CN", "Liaoning", "Dandong")),
}


def _locations(db: Database) -> list[tuple[int, int, str | None]]:
    with db.session() as session:
        return sorted(
            (row.id, row.incident_id, row.place) for row in session.scalars(select(IncidentLocation))
        )


def test_a_relink_that_changes_nothing_keeps_the_rows(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_table_extractor(monkeypatch, TABLE)
    for name in TABLE:
        (tmp_path / f"{name}.txt").write_text(f"FICTIONAL {name}", encoding="utf-8")
    ingest_paths(db, [tmp_path], actor="tester")
    before = _locations(db)
    assert {place for _, _, place in before} == {"Tumen", "Dandong"}
    assert len({incident for _, incident, _ in before}) == 2  # one and two were linked

    relink_all(db, actor="tester", threshold=None, window_days=45)
    assert _locations(db) == before

    # A new report that changes an incident's places still changes its rows.
    use_table_extractor(
        monkeypatch,
        TABLE | {"four": make("four", start="2030-03-12", count=4, place=("CN", "Liaoning", None))},
    )
    (tmp_path / "four.txt").write_text("FICTIONAL four", encoding="utf-8")
    ingest_paths(db, [tmp_path / "four.txt"], actor="tester")
    after = _locations(db)
    tumen = [row for row in before if row[2] == "Tumen"]
    assert [row for row in after if row[2] == "Tumen"] == tumen
    assert len(after) >= len(before)
