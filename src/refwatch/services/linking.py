"""Linking stored reports into incidents, and recomputing what each incident shows.

:func:`relink` looks at every report (incident source) in the database,
clusters them with :mod:`refwatch.link.clustering` (order-independent), moves
sources whose group changed, removes candidate incidents left empty, and
reconciles each incident from its sources. Incidents a reviewer merged or split
keep their sources together (``sources_locked``); rejected and confirmed ones
are kept as they are. Each source keeps the match weight that put it in its
incident, with each field's part (``link_reason``), and the summary names the
model and threshold used, for the run's audit entry.

The evidence quotes the model compares are read from each source's extracted
incident in memory, during the run; nothing derived from them is stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload

from refwatch.domain.incidents import Incident as ExtractedIncident
from refwatch.errors import InvalidInput
from refwatch.link.clustering import Clustering, cluster
from refwatch.link.model import LinkModel, default_model
from refwatch.link.reconcile import SourceView, reconcile
from refwatch.link.scoring import Report
from refwatch.services.incidents import apply_values
from refwatch.storage import visibility
from refwatch.storage.documents import reference_of
from refwatch.storage.incidents import opened_extracted
from refwatch.storage.link_reasons import set_reason
from refwatch.storage.tables import Document, Incident, IncidentSource

if TYPE_CHECKING:
    from refwatch.link.training import Trained
    from refwatch.storage.database import Database

logger = logging.getLogger(__name__)

#: Linking reads a report's document for its key, dates and restriction, never its text: a
#: document's text (and sealed text) is as large as the file, so it is not loaded with it.
WITHOUT_TEXT = (defer(Document.text), defer(Document._sealed_text))

#: Fewer documents than this give EM too few pairs to estimate anything.
MIN_TRAINING_DOCUMENTS = 10


@dataclass(frozen=True, slots=True)
class LinkSummary:
    """What a relink changed."""

    reports: int
    incidents: int
    moved: int
    removed: int
    model: str = ""
    model_sha256: str = ""
    threshold: float = 0.0
    window_days: int = 0

    def audit_detail(self) -> dict[str, object]:
        """What the run's audit entry records: counts, and the model and thresholds it ran with."""
        return {
            "reports": self.reports,
            "incidents": self.incidents,
            "moved": self.moved,
            "model": self.model,
            "model_sha256": self.model_sha256,
            "threshold": self.threshold,
            "window_days": self.window_days,
        }


def report_key(source: IncidentSource) -> str:
    """A key that does not depend on ingestion order: document key and position in it."""
    return f"{source.document.key}#{source.ordinal:03d}"


def _sources(session: Session) -> list[IncidentSource]:
    return list(
        session.scalars(
            select(IncidentSource).options(
                selectinload(IncidentSource.document).options(*WITHOUT_TEXT),
                # with what reconciling compares, so an incident's rows are not loaded one by one
                selectinload(IncidentSource.incident).selectinload(Incident.locations),
                selectinload(IncidentSource.incident).selectinload(Incident.perpetrators),
            )
        )
    )


def _written(document: Any) -> tuple[dt.date, dt.date] | None:
    """The days a document may have been written in, from its stored reference date: only a
    closed interval that is not a guess (a lower bound or a low-confidence stamp places nothing).
    ``document`` is a row of the documents table or any row with its reference columns."""
    ref = reference_of(document)
    if ref is None or ref.end is None or ref.confidence == "low":
        return None
    return ref.start, ref.end


def report_of(key: str, document: Document, extracted: dict[str, Any]) -> Report:
    """One stored report as linking reads it: the extracted incident (its quotes opened) and
    what its document says of when it was written. A full relink and the incremental one
    both read reports here, so that they cannot read a document's dates differently."""
    ref = reference_of(document)
    # only a lower bound (the latest date the text mentions) is known: a hard bound, as a
    # text cannot mention a day after it was written
    bound_only = ref is not None and ref.end is None and document.publication_date is None
    return Report(
        key=key,
        document=document.key,
        incident=ExtractedIncident.from_dict(extracted),
        published=document.publication_date,
        reference=_written(document),
        placed_in_time=document.publication_date is not None or ref is not None,
        written_after=ref.start if bound_only and ref is not None else None,
    )


def _reports(by_key: dict[str, IncidentSource]) -> list[Report]:
    return [report_of(key, s.document, opened_extracted(s)) for key, s in sorted(by_key.items())]


def stored_reports(session: Session) -> list[Report]:
    """Every stored report (incident source) as linking reads it, ordered by key."""
    return _reports({report_key(s): s for s in _sources(session)})


def train_model(
    session: Session, out: Path, *, threshold: float | None = None, window_days: int = 45
) -> Trained:
    """Train the linking model on every stored report and write it to ``out``.

    Args:
        session: where the reports are read from (nothing is written).
        out: the folder to write the model's two files to.
        threshold: the threshold to store with the model; None: the one the model itself
            expects to give the best pairwise F1.
        window_days: as for linking (pairs further apart are not weighed).

    Raises:
        InvalidInput: when there are too few reports from different documents to train on.
    """
    from refwatch.link.training import train  # loads Splink and DuckDB: only when training

    reports = stored_reports(session)
    if len({r.document for r in reports}) < MIN_TRAINING_DOCUMENTS:
        raise InvalidInput(
            f"training needs reports from at least {MIN_TRAINING_DOCUMENTS} documents; "
            f"this database has {len({r.document for r in reports})}"
        )
    trained = train(reports, window_days=window_days)
    if threshold is not None:
        trained = dataclasses.replace(trained, threshold=threshold, threshold_source="given when training")
    trained.save(out)
    logger.info("trained a linking model on %d reports", len(reports))
    return trained


def train_stored_model(
    db: Database, out: Path, *, threshold: float | None = None, window_days: int = 45
) -> Trained:
    """:func:`train_model` in a session of its own, for `refwatch link-train` (faces hold no sessions)."""
    with db.session() as session:
        return train_model(session, out, threshold=threshold, window_days=window_days)


def relink(
    session: Session, *, threshold: float | None, window_days: int, model: LinkModel | None = None
) -> LinkSummary:
    """Re-cluster every report and bring incidents in line (in the caller's transaction).

    Args:
        session: the caller's transaction.
        threshold: match probability at or above which reports join; None: the model's own.
        window_days: reports whose dates lie further apart are never one incident.
        model: the linking model; the packaged one by default.
    """
    model = model or default_model()
    if threshold is None:
        threshold = model.threshold if model.threshold is not None else 0.5
    sources = _sources(session)
    # The session holds rows weakly: an incident whose last source moves away would be dropped
    # and read again, one query at a time, when it is looked at below. Held here until the end.
    held = {s.incident_id: s.incident for s in sources}
    by_key = {report_key(s): s for s in sources}
    reports = _reports(by_key)
    frozen = {s.incident_id for s in sources if s.incident.review_state in ("confirmed", "rejected")}
    pinned_groups: dict[int, list[str]] = defaultdict(list)
    for key, s in by_key.items():
        if s.incident.sources_locked or s.incident_id in frozen:
            pinned_groups[s.incident_id].append(key)
    result = cluster(
        reports,
        threshold=threshold,
        window_days=window_days,
        pinned=[pinned_groups[i] for i in sorted(pinned_groups)],
        model=model,
    )
    moved, removed = apply_clustering(session, by_key, result, pinned=set(pinned_groups))
    relate_parts(session, _part_rows(sources))
    held.clear()
    logger.info("relinked %d reports into %d incidents (%d moved)", len(reports), len(result.groups), moved)
    return LinkSummary(
        reports=len(reports),
        incidents=len(result.groups),
        moved=moved,
        removed=removed,
        model=model.name,
        model_sha256=model.digest,
        threshold=threshold,
        window_days=window_days,
    )


def apply_clustering(
    session: Session, by_key: dict[str, IncidentSource], result: Clustering, *, pinned: set[int]
) -> tuple[int, int]:
    """Move the sources in ``by_key`` into the incidents ``result`` groups them in; returns (moved, removed).

    Each group keeps the incident that already holds its oldest member (a reviewer's pinned one
    first), so an incident that survives a relink keeps its id; only a group with no incident of
    its own gets a new one, and a candidate incident left empty is deleted. Every incident that
    changed is reconciled again (:func:`refresh_incident`). ``by_key`` must hold every source of
    every incident it touches (all of them, or a closed part as :mod:`.link_increment` loads).
    """
    best_link: dict[str, tuple[float, str]] = {}
    for link in result.links:
        for key in (link.a, link.b):
            if key not in best_link or link.comparison.score > best_link[key][0]:
                best_link[key] = (link.comparison.score, link.comparison.reason)

    moved = 0
    touched: set[int] = set()
    taken: set[int] = set()
    for group in result.groups:
        members = [by_key[k] for k in group]
        current = sorted({m.incident_id for m in members})
        locked = [i for i in current if i in pinned]
        choices = [i for i in (locked or current) if i not in taken] or [i for i in current if i not in taken]
        if choices:
            target = session.get(Incident, choices[0])
        else:
            target = Incident(review_state="candidate", event_types=[], disagreements=[], overrides={})
            session.add(target)
            session.flush()
        assert target is not None  # noqa: S101 - ids come from the rows loaded above
        taken.add(target.id)
        for member in members:
            score, reason = best_link.get(report_key(member), (None, None))
            if member.incident_id != target.id:
                touched.add(member.incident_id)
                member.incident = target
                moved += 1
            member.link_score = score
            set_reason(member, reason)  # sealed for a report of a sealed document
        touched.add(target.id)
    session.flush()

    removed = 0
    for incident in _with_sources(session, touched):
        if not incident.sources:
            if incident.review_state == "candidate" and not incident.sources_locked:
                session.delete(incident)
                removed += 1
            continue
        refresh_incident(incident)
    session.flush()
    return moved, removed


def _with_sources(session: Session, ids: set[int]) -> list[Incident]:
    """The incidents ``ids`` (those still there) with their sources and what reconciling reads, as
    stored now: a few queries for all of them (read again one by one, they cost a query each)."""
    found: list[Incident] = []
    ordered = sorted(ids)
    for i in range(0, len(ordered), 500):
        found.extend(
            session.scalars(
                select(Incident)
                .where(Incident.id.in_(ordered[i : i + 500]))
                .order_by(Incident.id)
                .options(
                    selectinload(Incident.sources)
                    .selectinload(IncidentSource.document)
                    .options(*WITHOUT_TEXT),
                    selectinload(Incident.locations),
                    selectinload(Incident.perpetrators),
                )
                .execution_options(populate_existing=True)
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class PartRow:
    """Where one report sits, for :func:`relate_parts`: its document, position, incident, and
    the position of the report it is a part of (``part_of`` of its extracted incident)."""

    document_id: int
    ordinal: int
    incident_id: int
    part_of: int | None


def _part_rows(sources: list[IncidentSource]) -> list[PartRow]:
    rows = []
    for s in sources:
        position = s.extracted.get("part_of")
        rows.append(
            PartRow(s.document_id, s.ordinal, s.incident_id, position if isinstance(position, int) else None)
        )
    return rows


def relate_parts(session: Session, rows: list[PartRow], *, only: set[int] | None = None) -> None:
    """Mark each incident that is, in every report of it, a part of another incident.

    A report's extracted ``part_of`` names the position of its group within the same document;
    the group's report may have been linked into any incident, so the relation is read again
    after every relink. An incident with one report that is not a part stands on its own.
    ``rows`` must hold every report of each incident looked at; ``only`` limits the incidents
    looked at (an incremental relink: those its reports' documents reach).
    """
    where = {(r.document_id, r.ordinal): r.incident_id for r in rows}
    parents: dict[int, set[int | None]] = defaultdict(set)
    for r in rows:
        if only is not None and r.incident_id not in only:
            continue
        parent = where.get((r.document_id, r.part_of)) if r.part_of is not None else None
        parents[r.incident_id].add(parent if parent != r.incident_id else None)
    for incident_id, found in parents.items():
        incident = session.get(Incident, incident_id)
        if incident is not None:
            value = next(iter(found)) if len(found) == 1 else None
            if incident.part_of_id != value:
                incident.part_of_id = value
    session.flush()


def refresh_incident(incident: Incident) -> None:
    """Recompute an incident's values from its sources' claims, and its restriction from their documents.

    Every path that changes an incident's sources (linking, merge, split, undo)
    ends here, so the restriction of the evidence follows it wherever it goes.
    """
    visibility.derive(incident)
    views = [
        SourceView(ExtractedIncident.from_dict(opened_extracted(s)), s.document.publication_date)
        for s in sorted(incident.sources, key=report_key)
    ]
    if views:
        apply_values(incident, reconcile(views))
