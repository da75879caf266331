"""Linking only what new reports can change, with the result a full relink would give (issue #20).

The part of the stored incidents new reports can change is found and clustered by
:func:`refwatch.link.partial.relink_part` (why that gives a full relink's incidents is
in its module docstring), from the block index of every stored report (each report
compared only with the candidates of its date block, as
:func:`~refwatch.link.clustering.candidate_pairs` pairs them) and the features of the
reports it asks for, read here. The part is written back with the same rules as a full
relink (:func:`~refwatch.services.linking.apply_clustering`). Every other incident, its
id and its sources, is left as it is.

That holds only while nothing but new documents changed since the last relink
with the same model, threshold and window. The audit log says so: the last
``incidents.relink`` entry names them, and every later entry must be an ingest
(its documents are the new ones) or an action that cannot change what linking
reads (:data:`UNRELATED`, :data:`UNRELATED_PREFIXES`), or an incident entered by
hand (``incident.create`` with ``by_hand``: its document's reports count as new).
Otherwise (a merge, split, review, import, a new model, no relink yet)
:func:`link_new` answers None and the caller runs a full relink.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from refwatch.link.features import Features, features, written_days
from refwatch.link.levels import interval_gap
from refwatch.link.model import LinkModel
from refwatch.link.partial import relink_part
from refwatch.link.scoring import UNDATED_APART_DAYS
from refwatch.services.linking import (
    WITHOUT_TEXT,
    LinkSummary,
    PartRow,
    _written,
    apply_clustering,
    relate_parts,
    report_key,
    report_of,
)
from refwatch.storage import quotes
from refwatch.storage.tables import AuditEvent, Document, Incident, IncidentSource

logger = logging.getLogger(__name__)

#: Audit actions that change nothing linking reads (reports, their documents' keys and dates,
#: reviewers' pins and states): after any other, only a full relink is known to be right.
#: Every action recorded anywhere in src/ must be listed here, under :data:`UNRELATED_PREFIXES`
#: or in :data:`RELINKS` (tests/services/test_link_increment_actions.py reads the source and
#: fails on one that is not), so a new action cannot slip by unclassified.
UNRELATED = frozenset(
    {
        "document.ingest",  # its documents are the new reports
        "document.testimony",  # a testimony's document, new with the report entered by hand from it
        "document.restrict",  # restriction follows the evidence, linking does not read it
        "incidents.export",
        "tallies.export",  # a download, like incidents.export: reads only
        "linkage.export",
        "linkage.run",
        "login",
        "login_failed",  # was missing from the hand-written list: each one forced a full relink
        "logout",
        "person.list",
        "person.read",
        "record.read",
        "backup.create",
    }
)

#: Actions whose entity is a document new since the last relink (its reports are new).
NEW_DOCUMENT = frozenset({"document.ingest", "document.testimony"})

#: Prefixes of more such actions: accounts, their sessions and tokens.
UNRELATED_PREFIXES = ("user.", "token.")

#: Actions after which only a full relink is known to be right: they change reports, documents'
#: dates, incidents or reviewers' decisions, or nobody has yet shown that they do not (an action
#: moves to :data:`UNRELATED` only with that reasoning written beside it). Any action in neither
#: list also forces a full relink; this list exists so that the test above can tell a considered
#: action from a forgotten one.
RELINKS = frozenset(
    {
        "appeal.export",
        "backup.restore",
        "documents.reference_dates",
        "incident.confirm",
        "incident.create",  # by hand (``by_hand`` in its detail): its document's reports are new instead
        "incident.edit",
        "incident.merge",
        "incident.reject",
        "incident.split",
        "incident.merged_into",
        "incident.restrict",
        "incident.split_from",
        "incident.undo",
        "incidents.import",
        "incidents.relink",  # the anchor: an earlier one never follows the last
        "intervention.add",
        "intervention.update",
        "keys.rotate",
        "linkage.confirm",
        "linkage.split",
        "person.add",
        "person.edit",
        "person.export",
        "person.link",
        "person.refused",
        "record.import",
        "report.export",
        "source_list.add",
    }
)


def forces_relink(action: str) -> bool:
    """Whether an audit entry with ``action`` after the last relink rules out linking only new reports."""
    return action not in UNRELATED and not action.startswith(UNRELATED_PREFIXES)


#: When the part new reports can change grows past this share of all reports (and at least
#: MIN_GIVE_UP), everything is relinked instead: that costs less.
MAX_SHARE = 0.5
MIN_GIVE_UP = 1000

#: Ids per ``IN (...)`` list: well under SQLite's and PostgreSQL's parameter limits.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class _Row:
    """One stored report as the block index reads it: no extracted incident, only its dates."""

    source_id: int
    key: str
    document_id: int
    ordinal: int
    incident_id: int
    pinned: bool
    start: dt.date | None
    end: dt.date | None
    part_of: int | None
    #: Whether the extracted date has an end (linking reads a start alone as no date at all).
    closed: bool = True
    #: The days its document was written in (day numbers), as linking reads them; None: unknown.
    written: tuple[int, int] | None = None


def new_documents(
    session: Session, *, model: LinkModel, threshold: float, window_days: int
) -> set[int] | None:
    """The documents ingested since the last relink, or None when a full relink is needed.

    None when there was no relink yet, the last one used another model, threshold or window,
    or some later audit entry may have changed what linking reads.
    """
    last = session.execute(
        select(AuditEvent.id, AuditEvent.detail)
        .where(AuditEvent.action == "incidents.relink")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return None
    detail = last.detail or {}
    if (
        detail.get("model_sha256") != model.digest
        or detail.get("threshold") != threshold
        or detail.get("window_days") != window_days
    ):
        return None
    documents: set[int] = set()
    for action, entity_id, later in session.execute(
        select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.detail).where(AuditEvent.id > last.id)
    ):
        if action == "incident.create" and (later or {}).get("by_hand"):
            # A report entered by hand (services.entry) is a new report of its document.
            documents.add(int(later["document"]))
            continue
        if forces_relink(action):
            return None
        if action in NEW_DOCUMENT and entity_id is not None:
            documents.add(int(entity_id))
    return documents


def _index(session: Session) -> list[_Row]:
    """Every stored report's key, document, incident, pin and extracted dates; nothing else.

    The dates are read inside the database from the extracted incident (a JSON path), so the
    incidents themselves are parsed only for the reports that are compared.
    """
    date = IncidentSource.extracted["date"]
    query = (
        select(
            IncidentSource.id,
            Document.key,
            IncidentSource.ordinal,
            IncidentSource.document_id,
            IncidentSource.incident_id,
            Incident.review_state,
            Incident.sources_locked,
            date["start"].as_string(),
            date["end"].as_string(),
            IncidentSource.extracted["part_of"].as_string(),
            Document.publication_date,
            Document.reference_start,
            Document.reference_end,
            Document.reference_precision,
            Document.reference_source,
            Document.reference_confidence,
            Document.reference_text,
        )
        .join(Document, Document.id == IncidentSource.document_id)
        .join(Incident, Incident.id == IncidentSource.incident_id)
    )
    rows = []
    for found in session.execute(query):
        sid, doc_key, ordinal, doc_id, inc_id, state, locked, start, end, part_of = found[:10]
        first = _day(start)
        written = written_days(_written(found), found.publication_date)
        rows.append(
            _Row(
                source_id=sid,
                key=f"{doc_key}#{ordinal:03d}",
                document_id=doc_id,
                ordinal=ordinal,
                incident_id=inc_id,
                pinned=bool(locked) or state in ("confirmed", "rejected"),
                start=first,
                end=(_day(end) or first) if first else None,
                part_of=int(part_of) if part_of is not None and part_of.lstrip("-").isdigit() else None,
                closed=bool(start) and bool(end),
                written=written,
            )
        )
    return rows


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class _Blocks:
    """The candidates of any one report, as :func:`candidate_pairs` would pair it, found by bisection.

    Dated reports are kept in order of (start, key): ``a`` before ``b`` in that order is a
    candidate pair when ``b`` starts no later than ``a`` ends plus the window. An undated
    report pairs with every report its date of writing does not rule out (one that began
    more than the window after it was written, an undated one written over a year apart),
    and with everything when that date is unknown.
    """

    def __init__(self, rows: list[_Row], window_days: int) -> None:
        self.window = dt.timedelta(days=window_days)
        self.window_days = window_days
        dated = sorted((r for r in rows if r.start is not None), key=lambda r: (r.start, r.key))
        self.dated = dated
        self.order = {r.key: i for i, r in enumerate(dated)}
        self.starts = [r.start for r in dated if r.start is not None]
        self.longest = max(((r.end - r.start) for r in dated if r.end and r.start), default=dt.timedelta(0))
        self.open_ended = [i for i, r in enumerate(dated) if not r.closed]
        self.undated = [r for r in rows if r.start is None]

    def candidates(self, row: _Row) -> Iterable[_Row]:
        if row.start is None or row.end is None:
            yield from self._of_undated(row)
            return
        yield from (r for r in self.undated if r.document_id != row.document_id and self.pairs(r, row))
        here = self.order[row.key]
        # Earlier in the order: candidates when they end no earlier than this one starts minus the
        # window; none that starts before (start - window - longest interval) can.
        low = bisect.bisect_left(self.starts, row.start - self.window - self.longest)
        for r in self.dated[low:here]:
            assert r.end is not None  # noqa: S101 - dated rows have an end
            if row.start <= r.end + self.window and r.document_id != row.document_id:
                yield r
        horizon = row.end + self.window
        for r in self.dated[here + 1 :]:
            assert r.start is not None  # noqa: S101 - dated rows have a start
            if r.start > horizon:
                break
            if r.document_id != row.document_id:
                yield r

    def _of_undated(self, row: _Row) -> Iterable[_Row]:
        """An undated report's candidates: by bisection up to its date of writing plus the window."""
        yield from (r for r in self.undated if r.document_id != row.document_id and self.pairs(row, r))
        if row.written is None:
            dated: Iterable[_Row] = self.dated
        else:
            cut = bisect.bisect_right(self.starts, dt.date.fromordinal(row.written[1]) + self.window)
            dated = [*self.dated[:cut], *(self.dated[i] for i in self.open_ended if i >= cut)]
        yield from (r for r in dated if r.document_id != row.document_id)

    def pairs(self, undated: _Row, other: _Row) -> bool:
        """Whether no date of writing rules out an undated report with ``other`` (another document)."""
        if undated.written is None:
            return True
        if other.start is None:
            return other.written is None or interval_gap(undated.written, other.written) <= UNDATED_APART_DAYS
        if not other.closed:
            return True
        return other.start.toordinal() <= undated.written[1] + self.window_days


def _read(session: Session, rows: Iterable[_Row]) -> dict[str, Features]:
    """The linking features of ``rows``, read from their stored extracted incidents and documents."""
    wanted = {r.source_id: r for r in rows}
    out: dict[str, Features] = {}
    ids = sorted(wanted)
    for i in range(0, len(ids), _CHUNK):
        query = (
            select(IncidentSource.id, IncidentSource.ordinal, IncidentSource.extracted, Document)
            .join(Document, Document.id == IncidentSource.document_id)
            .where(IncidentSource.id.in_(ids[i : i + _CHUNK]))
            .options(*WITHOUT_TEXT)
        )
        for sid, ordinal, extracted, document in session.execute(query):
            row = wanted[sid]
            opened = quotes.open_source(extracted, sha256=document.sha256, ordinal=ordinal)
            report = report_of(row.key, document, opened)
            out[row.key] = features(report)
    return out


class _Stored:
    """The stored reports and incidents as :func:`~refwatch.link.partial.relink_part` asks for them:
    the block index of every report, and features read from the database only when asked."""

    def __init__(self, session: Session, rows: list[_Row], window_days: int) -> None:
        self.session = session
        self.rows = {r.key: r for r in rows}
        self.blocks = _Blocks(rows, window_days)
        self.window = dt.timedelta(days=window_days)
        self.by_incident: dict[Hashable, list[str]] = defaultdict(list)
        for r in rows:
            self.by_incident[r.incident_id].append(r.key)

    def incident(self, key: str) -> Hashable:
        return self.rows[key].incident_id

    def members(self, incident: Hashable) -> Sequence[str]:
        return self.by_incident[incident]

    def pinned(self, incident: Hashable) -> bool:
        return any(self.rows[k].pinned for k in self.by_incident[incident])

    def candidates(self, key: str) -> Iterable[str]:
        return (r.key for r in self.blocks.candidates(self.rows[key]))

    def paired(self, a: str, b: str) -> bool:
        x, y = self.rows[a], self.rows[b]
        if x.document_id == y.document_id:
            return False
        if x.start is None or x.end is None:
            return self.blocks.pairs(x, y)
        if y.start is None or y.end is None:
            return self.blocks.pairs(y, x)
        first, second = sorted((x, y), key=lambda r: (r.start, r.key))
        assert first.end is not None and second.start is not None  # noqa: S101 - both dated
        return second.start <= first.end + self.window

    def read(self, keys: Collection[str]) -> Mapping[str, Features]:
        return _read(self.session, [self.rows[k] for k in keys])


def _sources(session: Session, ids: list[int]) -> list[IncidentSource]:
    out: list[IncidentSource] = []
    for i in range(0, len(ids), _CHUNK):
        out.extend(
            session.scalars(
                select(IncidentSource)
                .where(IncidentSource.id.in_(ids[i : i + _CHUNK]))
                .options(
                    selectinload(IncidentSource.document).options(*WITHOUT_TEXT),
                    selectinload(IncidentSource.incident).selectinload(Incident.locations),
                    selectinload(IncidentSource.incident).selectinload(Incident.perpetrators),
                )
            )
        )
    return out


def link_new(session: Session, *, threshold: float, window_days: int, model: LinkModel) -> LinkSummary | None:
    """Link the reports of documents ingested since the last relink into the stored incidents.

    In the caller's transaction (the ingest's own, so that no reader ever sees a new report's
    incident before it is linked). None, having changed nothing, when only a full relink is
    right (see the module docstring).

    Args:
        session: the caller's transaction.
        threshold: the match probability the summary records.
        window_days: reports whose dates lie further apart are never one incident.
        model: the linking model.
    """
    documents = new_documents(session, model=model, threshold=threshold, window_days=window_days)
    if documents is None:
        return None
    rows = _index(session)
    new = [r.key for r in rows if r.document_id in documents]
    result = relink_part(
        _Stored(session, rows, window_days),
        new,
        threshold=threshold,
        window_days=window_days,
        model=model,
        most=max(MIN_GIVE_UP, int(len(rows) * MAX_SHARE)),
    )
    if result is None:
        logger.info("the new reports may change most incidents: relinking them all")
        return None
    reached = {k for group in result.groups for k in group}
    part = [r for r in rows if r.key in reached]
    sources = _sources(session, [r.source_id for r in part])
    held = {s.incident_id: s.incident for s in sources}  # see linking.relink: rows are held weakly
    by_key = {report_key(s): s for s in sources}
    pinned_groups = {r.incident_id for r in part if r.pinned}
    moved, removed = apply_clustering(session, by_key, result, pinned=pinned_groups)
    now = {s.id: s.incident_id for s in sources}
    documents_reached = {r.document_id for r in part}
    parts = [PartRow(r.document_id, r.ordinal, now.get(r.source_id, r.incident_id), r.part_of) for r in rows]
    relate_parts(
        session,
        parts,
        only={p.incident_id for p in parts if p.document_id in documents_reached},
    )
    held.clear()
    logger.info(
        "linked %d new reports: %d reports reached, %d incidents, %d moved",
        len(new),
        len(part),
        len(result.groups),
        moved,
    )
    return LinkSummary(
        reports=len(part),
        incidents=len(result.groups),
        moved=moved,
        removed=removed,
        model=model.name,
        model_sha256=model.digest,
        threshold=threshold,
        window_days=window_days,
    )
