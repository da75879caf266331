"""Ingest with worker processes (``REFWATCH_INGEST_WORKERS``, issue #20 point 2): same as one by one.

Files are read and extracted in a process pool outside any transaction, then stored in
the ingesting process one transaction each: the documents, incidents, claims, tallies,
links and audit entries must be the same as with ``workers=1``, including a file that
fails, a duplicate, two files wanting one key, sealed text and a restriction. The
reports are fictional (invented events in 2031-2032, no real people).
Before this change ``ingest_paths`` had no ``workers`` and did everything in one process.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from refwatch.config import Settings, load_settings
from refwatch.ingest.discovery import expand_paths
from refwatch.services import ingest as ingest_service
from refwatch.services.ingest import FileResult, _Job, _pool_size, _prepared_in_order, _Ready, ingest_paths
from refwatch.services.setup import open_database
from refwatch.storage import audit, quotes
from refwatch.storage.database import Database
from refwatch.storage.incidents import opened_extracted
from refwatch.storage.tables import AuditEvent, Claim, Document, Incident, IncidentSource, Tally

_counter = itertools.count()

EVENTS = (
    ("Tumen", "Jilin", "March 3, 2031", 12),
    ("Dandong", "Liaoning", "June 14, 2031", 5),
    ("Kunming", "Yunnan", "January 9, 2032", 30),
)
OUTLETS = ("Daily Fiction", "Northern Wire", "Border Monitor")


def _write_corpus(folder: Path) -> None:
    """Nine reports of three fictional events, and the awkward cases around them."""
    folder.mkdir()
    for (city, province, day, count), event in zip(EVENTS, range(3), strict=True):
        for teller, outlet in enumerate(OUTLETS):
            place = f"{city}, {province} province" if teller != 1 else f"{province} province"
            (folder / f"e{event}-{teller}.txt").write_text(
                f"FICTIONAL REPORT. Seoul ({outlet}) - Chinese police detained {count} North Korean "
                f"defectors in {place} on {day}, {outlet} said. They face forced repatriation. "
                f"A month later {count - 1} of them were handed over to North Korean border guards.\n",
                encoding="utf-8",
            )
    (folder / "k0.txt").write_text(
        "가상 보도. 2031년 8월 2일 중국 공안이 옌지에서 탈북민 7명을 체포했다고 한 단체가 밝혔다. "
        "이들은 강제북송될 위기에 놓였다.\n",
        encoding="utf-8",
    )
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\nnot a real pdf at all")
    (folder / "copy").mkdir()
    shutil.copy(folder / "e0-0.txt", folder / "copy" / "same-bytes.txt")  # unchanged
    (folder / "other").mkdir()
    (folder / "other" / "e1-0.txt").write_text(  # wants the key e1-0, which is taken
        "FICTIONAL REPORT. Chinese police detained 5 North Korean defectors in Dandong on "
        "June 15, 2031, a church network said.\n",
        encoding="utf-8",
    )


def _second_settings(settings: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """A second fresh database on the same backend as ``settings``."""
    home = tmp_path / "home-2"
    if settings.database_url is None:
        shutil.copytree(request.getfixturevalue("sqlite_template"), home)
        return load_settings(home=home, key_file=settings.key_file)
    from pg import create_database

    template_name, template_home = request.getfixturevalue("postgres_template")
    shutil.copytree(template_home, home)
    url = create_database(
        request.getfixturevalue("postgres"), f"w_{os.getpid()}_{next(_counter)}", template=template_name
    )
    return load_settings(home=home, database_url=url, key_file=settings.key_file)


def _stored(settings: Settings) -> dict[str, Any]:
    """Everything ingest wrote, without the row ids and times that may differ between databases."""
    db = open_database(settings)
    try:
        with db.session() as session:
            docs = {d.id: d.key for d in session.scalars(select(Document))}
            documents = sorted(
                (
                    d.key,
                    d.sha256,
                    d.filename,
                    d.language,
                    d.language_source,
                    d.text,
                    d.working_text,
                    d.restricted_to,
                    d.reference_start,
                    d.reference_end,
                    d.reference_precision,
                )
                for d in session.scalars(select(Document))
            )
            sources = list(session.scalars(select(IncidentSource)))
            members: dict[int, list[str]] = {}
            for s in sources:
                members.setdefault(s.incident_id, []).append(f"{docs[s.document_id]}#{s.ordinal}")
            reports = sorted(
                (
                    f"{docs[s.document_id]}#{s.ordinal}",
                    repr(opened_extracted(s)),  # sealed quotes differ by their nonces: compare them opened
                    s.extractor,
                    s.link_score,
                    s.link_reason,
                    tuple(sorted(members[s.incident_id])),
                )
                for s in sources
            )
            claims = sorted(
                (
                    f"{docs[c.source.document_id]}#{c.source.ordinal}",
                    c.field,
                    *(
                        repr(
                            quotes.open_claim(
                                getattr(c, column),
                                column=column,
                                sha256=c.source.document.sha256,
                                ordinal=c.source.ordinal,
                                field=c.field,
                            )
                        )
                        for column in ("value", "evidence")
                    ),
                )
                for c in session.scalars(select(Claim))
            )
            incidents = sorted(
                (
                    tuple(sorted(members.get(i.id, []))),
                    i.review_state,
                    repr(i.event_types),
                    i.date_start,
                    i.date_end,
                    i.count,
                    i.restricted_to,
                )
                for i in session.scalars(select(Incident))
            )
            tallies = sorted(
                (
                    docs[t.document_id],
                    t.ordinal,
                    repr(quotes.open_tally(t.extracted, sha256=t.document.sha256, ordinal=t.ordinal)),
                )
                for t in session.scalars(select(Tally))
            )
            audit = [
                (e.actor, e.action, e.entity, e.entity_id, repr(e.detail))
                for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
            ]
        return {
            "documents": documents,
            "reports": reports,
            "claims": claims,
            "incidents": incidents,
            "tallies": tallies,
            "audit": audit,
        }
    finally:
        db.dispose()


def _ingest(settings: Settings, folder: Path, workers: int) -> list[tuple[Any, ...]]:
    db = open_database(settings)
    try:
        report = ingest_paths(
            db, [folder], actor="tester", restricted_to="team-a", seal_text=True, workers=workers
        )
    finally:
        db.dispose()
    return [_result(r, folder) for r in report.results]


def _result(r: FileResult, folder: Path) -> tuple[Any, ...]:
    return (
        Path(r.path).relative_to(folder).as_posix(),
        r.outcome,
        r.key,
        r.document_id,
        r.reason,
        r.incidents,
    )


def test_workers_store_exactly_what_one_by_one_ingest_stores(
    settings: Settings, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    _write_corpus(folder)
    monkeypatch.setattr(ingest_service, "FILES_PER_WORKER", 4)
    assert _pool_size(2, 14) == 2  # the pool is really used for this batch
    one = _ingest(settings, folder, workers=1)
    other = _second_settings(settings, tmp_path, request)
    two = _ingest(other, folder, workers=2)

    assert two == one
    outcomes = {path: outcome for path, outcome, *_ in one}
    assert outcomes["broken.pdf"] == "failed"
    assert sorted([outcomes["copy/same-bytes.txt"], outcomes["e0-0.txt"]]) == ["stored", "unchanged"]
    assert [key for path, _, key, *_ in one if path == "other/e1-0.txt"][0].startswith("e1-0-")
    stored_one, stored_two = _stored(settings), _stored(other)
    assert stored_one["incidents"], "the fictional reports gave incidents"
    assert any(len(members) > 1 for members, *_ in stored_one["incidents"]), "and some were linked"
    for part in stored_one:
        assert stored_two[part] == stored_one[part], part


def test_small_batches_use_fewer_workers() -> None:
    per = ingest_service.FILES_PER_WORKER
    assert _pool_size(4, 1) == 1
    assert _pool_size(4, 2 * per - 1) == 1
    assert _pool_size(4, 2 * per) == 2
    assert _pool_size(4, 1000 * per) == 4
    assert _pool_size(1, 1000 * per) == 1


class _KillsTheWorker(bytes):
    """File content whose unpickling ends the worker process at once (as a kill for memory would)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (os._exit, (3,))


def test_a_worker_that_dies_costs_no_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    texts = [f"FICTIONAL REPORT {n}. Nothing happened in 2031." for n in range(10)]
    jobs = [
        _Job(
            path=tmp_path / f"r{n}.txt",
            meta=None,
            language="en",
            max_file_bytes=1 << 20,
            parse_limits=None,
            extract=False,
            data=(_KillsTheWorker if n == 3 else bytes)(text.encode()),
        )
        for n, text in enumerate(texts)
    ]
    got = list(_prepared_in_order(jobs, workers=2))
    assert [r.prepared.read.text if isinstance(r, _Ready) else r for r in got] == texts
    assert "an ingest worker process died" in caplog.text  # the pool really broke


# --- batches and incremental linking (issue #20 point 2) -------------------------------------------


def _ingest_each(settings: Settings, folder: Path) -> list[tuple[Any, ...]]:
    """Each file in a run of its own, in the order a whole-folder ingest finds them."""
    db = open_database(settings)
    try:
        results = []
        for path in expand_paths([folder]):
            report = ingest_paths(db, [path], actor="tester", restricted_to="team-a", seal_text=True)
            results.extend(_result(r, folder) for r in report.results)
    finally:
        db.dispose()
    return results


def test_batches_and_incremental_links_store_what_one_by_one_ingest_stores(
    settings: Settings, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder stored four files per transaction gives the incidents of one file per run, where
    every run after the first links only what its new reports reach; a full relink then moves nothing.
    Before batches and incremental linking every run relinked every stored report."""
    folder = tmp_path / "reports"
    _write_corpus(folder)
    monkeypatch.setattr(ingest_service, "BATCH_FILES", 4, raising=False)  # raising: the old code had none
    batched = _ingest(settings, folder, workers=1)

    full_relinks = []
    relink = ingest_service.relink

    def counted(*args: Any, **kwargs: Any) -> Any:
        full_relinks.append(1)
        return relink(*args, **kwargs)

    monkeypatch.setattr(ingest_service, "relink", counted)
    other = _second_settings(settings, tmp_path, request)
    each = _ingest_each(other, folder)
    assert len(full_relinks) == 1, "only the first run (no relink yet) relinks everything"

    assert each == batched
    stored_batched, stored_each = _stored(settings), _stored(other)
    assert any(len(members) > 1 for members, *_ in stored_each["incidents"]), "reports were linked"
    for part in ("documents", "reports", "claims", "incidents", "tallies"):
        assert stored_each[part] == stored_batched[part], part
    db = open_database(other)
    try:
        summary = ingest_service.relink_all(db, actor="tester", threshold=None, window_days=45)
        with db.session() as session:
            assert audit.verify_chain(session) == []
    finally:
        db.dispose()
    assert (summary.moved, summary.removed) == (0, 0), "the incremental links were the full relink's"
    assert _stored(other)["incidents"] == stored_each["incidents"]


def test_incident_ids_a_reader_sees_during_ingest_stay(settings: Settings, tmp_path: Path) -> None:
    """A reader listing incidents while ingest runs never sees one that linking then deletes.

    Before, each file was committed with a new incident per report and the relink after the last
    file moved the reports of known events into their incidents and deleted the new ones: a client
    that had listed them got 404s (the soak's errors). Now the link is in the file's transaction.
    """
    folder = tmp_path / "reports"
    _write_corpus(folder)
    db = open_database(settings)
    seen: set[int] = set()

    def look(_result: FileResult) -> None:
        with db.session() as session:
            seen.update(session.scalars(select(Incident.id)))

    try:
        ingest_paths(db, [folder], actor="tester", progress=look)
        with db.session() as session:
            now = set(session.scalars(select(Incident.id)))
            linked = [i for i in session.scalars(select(Incident)) if len(i.sources) > 1]
    finally:
        db.dispose()
    assert linked, "reports of one event were linked"
    assert seen and seen <= now, f"incidents listed during the ingest and then deleted: {sorted(seen - now)}"


def test_a_file_that_fails_in_a_batch_fails_alone(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose writes fail inside a batch takes nothing of the batch with it: the batch is
    rolled back and stored again one file per transaction; only that file fails, named, and
    nothing of it is stored; the audit chain still verifies."""
    folder = tmp_path / "reports"
    _write_corpus(folder)
    from refwatch.services import incidents

    store = incidents.store_extraction

    def fails_for_one(session: Any, doc: Document, *args: Any, **kwargs: Any) -> int:
        if doc.key == "e1-1":
            raise RuntimeError("a storage fault")
        return store(session, doc, *args, **kwargs)

    monkeypatch.setattr(incidents, "store_extraction", fails_for_one)
    results = {path: (outcome, reason) for path, outcome, _k, _d, reason, _n in _ingest(settings, folder, 1)}
    assert results["e1-1.txt"] == ("failed", "internal error (RuntimeError)")
    assert results["broken.pdf"][0] == "failed"
    assert sorted(p for p, (outcome, _) in results.items() if outcome == "failed") == [
        "broken.pdf",
        "e1-1.txt",
    ]
    stored = _stored(settings)
    assert "e1-1" not in {key for key, *_ in stored["documents"]}
    assert len(stored["documents"]) == len(results) - 3  # the failed two and the unchanged copy
    assert not any(r[0].startswith("e1-1#") for r in stored["reports"])
    db = open_database(settings)
    try:
        with db.session() as session:
            assert audit.verify_chain(session) == []
    finally:
        db.dispose()


def test_only_new_documents_are_linked_while_nothing_else_changed(db: Database, tmp_path: Path) -> None:
    """Linking only what new reports reach is right only while the stored incidents are a full
    relink's: same model, threshold and window, and nothing but ingests (and actions that change
    nothing linking reads) since. Any reviewer decision, or other settings, mean a full relink."""
    from refwatch.link.model import default_model
    from refwatch.services.link_increment import new_documents

    folder = tmp_path / "reports"
    _write_corpus(folder)
    model = default_model()
    threshold = model.threshold if model.threshold is not None else 0.5

    def new(**changes: Any) -> set[int] | None:
        with db.session() as session:
            return new_documents(
                session,
                model=changes.get("model", model),
                threshold=changes.get("threshold", threshold),
                window_days=changes.get("window_days", 45),
            )

    assert new() is None, "no relink yet: everything must be linked"
    ingest_paths(db, [folder / "e0-0.txt"], actor="tester")
    assert new() == set()
    with db.transaction() as session:
        audit.record(session, actor="tester", action="login", entity="user", entity_id="tester")
        audit.record(session, actor="tester", action="document.ingest", entity="document", entity_id=42)
    assert new() == {42}
    assert new(threshold=threshold / 2) is None
    assert new(window_days=10) is None
    with db.transaction() as session:
        audit.record(session, actor="tester", action="incident.merge", entity="incident", entity_id=1)
    assert new() is None, "a reviewer's merge: only a full relink is known to be right"
