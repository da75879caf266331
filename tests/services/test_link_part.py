"""Incremental linking clusters only the part new reports can change (issue #20 point 3).

The incremental linker used to walk every scored pair out from the new reports and
cluster all it reached, giving up for a full relink past half of the stored reports:
on dense data (the soak's generated years of reports in a few cities) that was every
ingest. Now it takes in a stored incident only when a new report's group would join
it (:mod:`refwatch.link.partial`), so a report that merely scores with an incident it
does not join leaves that incident out. Its reports are also read as a full relink
reads them. On SQLite and PostgreSQL; the incidents are fictional (events in 2030).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.link.clustering import candidate_pairs  # noqa: E402
from refwatch.link.features import features  # noqa: E402
from refwatch.services import ingest as ingest_service  # noqa: E402
from refwatch.services import link_increment  # noqa: E402
from refwatch.services.ingest import ingest_paths, relink_all  # noqa: E402
from refwatch.services.linking import LinkSummary, report_key, stored_reports  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.tables import Document, IncidentSource  # noqa: E402

# "five" scores with both (same city, dates within a month, no figure) and, at a tie, joins
# "one" (keys decide); "two" then stays apart: its figure and date rule out the average.
TABLE = {
    "one": make("one", start="2030-10-09", count=12, place=("CN", "Jilin", "Tumen")),
    "two": make("two", start="2030-11-15", count=3, place=("CN", "Jilin", "Tumen")),
    "five": make("five", start="2030-10-20", place=("CN", "Jilin", "Tumen")),
    "undated": make("undated", start=None, count=12, place=("CN", "Jilin", "Tumen")),
}


def _incidents(db: Database) -> list[tuple[str, ...]]:
    with db.session() as session:
        by_incident: dict[int, list[str]] = {}
        for source in session.scalars(select(IncidentSource)):
            by_incident.setdefault(source.incident_id, []).append(report_key(source).split("-")[0])
        return sorted(tuple(sorted(keys)) for keys in by_incident.values())


def test_a_report_that_only_scores_with_an_incident_leaves_it_out(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_table_extractor(monkeypatch, TABLE)
    for name in ("one", "two", "five"):
        (tmp_path / f"{name}.txt").write_text(f"FICTIONAL {name}", encoding="utf-8")
    ingest_paths(db, [tmp_path / "one.txt", tmp_path / "two.txt"], actor="tester")  # the first: relinks all

    summaries: list[LinkSummary | None] = []
    link_new = ingest_service.link_new

    def kept(*args: Any, **kwargs: Any) -> LinkSummary | None:
        summaries.append(link_new(*args, **kwargs))
        return summaries[-1]

    monkeypatch.setattr(ingest_service, "link_new", kept)
    ingest_paths(db, [tmp_path / "five.txt"], actor="tester")
    [summary] = summaries
    assert summary is not None, "linked incrementally"
    # The walk reached "two" as well (a scored pair) and clustered all three reports.
    assert summary.reports == 2, "the new report and the incident it joins"
    linked = _incidents(db)
    assert len(linked) == 2
    assert sum(len(g) for g in linked) == 3

    again = relink_all(db, actor="tester", threshold=None, window_days=45)
    assert (again.moved, again.removed) == (0, 0), "the incremental link was the full relink's"
    assert _incidents(db) == linked


def test_incremental_linking_reads_reports_as_a_full_relink(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report that nothing places in time (no date, no date of writing) may join another on
    its own only on strong evidence; the incremental reader took every report as placed."""
    use_table_extractor(monkeypatch, TABLE)
    for name in ("one", "undated"):
        (tmp_path / f"{name}.txt").write_text(f"FICTIONAL {name}", encoding="utf-8")
    ingest_paths(db, [tmp_path], actor="tester")
    with db.session() as session:
        full = {r.key: features(r) for r in stored_reports(session)}
        rows = link_increment._index(session)
        read = link_increment._read(session, rows)
    assert any(f.timeless for f in full.values()), "the undated report is placed by nothing"
    assert read == full


def test_the_block_index_pairs_reports_as_a_full_relink_blocks_them(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Incremental linking finds each report's candidates by bisection over the stored reports'
    dates (``_Blocks``); they must be the pairs a full relink's blocking makes, now that an
    undated report is paired only with what its date of writing does not rule out (it was
    paired with every report, and every stored report's features were read for it)."""
    table = {
        "march": make("march", start="2030-03-11", count=8, place=("CN", "Jilin", "Tumen")),
        "october": make("october", start="2030-10-09", end="2030-10-12", count=8),
        "later": make("later", start="2031-06-01", count=8),
        "early": make("early", start=None, count=8),
        "years": make("years", start=None, count=8),
        "unknown": make("unknown", start=None, count=8),
    }
    use_table_extractor(monkeypatch, table)
    for name in table:
        (tmp_path / f"{name}.txt").write_text(f"FICTIONAL {name}", encoding="utf-8")
    ingest_paths(db, [tmp_path], actor="tester")
    written = {"early": dt.date(2030, 3, 20), "years": dt.date(2033, 2, 1), "march": dt.date(2030, 3, 25)}
    with db.transaction() as session:
        for document in session.scalars(select(Document)):
            day = written.get(document.key.split("-")[0])
            document.publication_date = day
            document.reference_start = document.reference_end = None
            document.reference_precision = None
    with db.session() as session:
        rows = link_increment._index(session)
        stored = link_increment._Stored(session, rows, 45)
        reports = stored_reports(session)
    blocked = {frozenset((r.key, c)) for r in rows for c in stored.candidates(r.key)}
    swept = {frozenset((a.key, b.key)) for a, b in candidate_pairs(reports, window_days=45)}
    assert blocked == swept
    keys = [r.key for r in rows]
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            assert stored.paired(a, b) == (frozenset((a, b)) in swept)
    names = {frozenset(k.split("#")[0] for k in pair) for pair in swept}
    # written in March 2030: not with October's incident, nor with the report written in 2033
    assert frozenset(("early", "october")) not in names
    assert frozenset(("early", "years")) not in names
    assert frozenset(("unknown", "october")) in names  # no date of writing: paired with everything
