"""Who may see what: restriction belongs to the evidence, and one filter decides every read.

A document (a source) may be restricted to one group: a partner who shared a
testimony on condition that only their team sees it. Everything drawn from it
is restricted with it. An incident holding restricted sources is restricted to
*all* of their groups (``restricted_to`` is their sorted names joined by
commas): a reader must belong to every one of them, because each group's
evidence shaped what the incident shows (its count, its dates, its places).
Admins see everything; everyone else sees open records and those whose every
group they belong to.

``restricted_to`` on an incident is never set by hand: :func:`derive` computes
it from the incident's sources whenever they change (linking, merge, split,
undo, a document's restriction changing), so no path can move restricted
evidence into an open incident. An incident left without sources (merged
away) keeps the restriction it had, because its history still describes that
evidence.

The same rule is written twice, once as SQL (:func:`incident_clause`,
:func:`document_clause`, for lists, counts and figures) and once in Python
(:func:`can_see`, for single records); a test holds them to the same answers.
Tallies (running totals, head-counts) are drawn from one document each and are
read through its restriction (:func:`tally_clause`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, String, func, literal, or_, select, true
from sqlalchemy.orm import Session

from refwatch.domain.text import has_control_characters
from refwatch.storage.tables import AuditEvent, Document, Incident, IncidentSource

#: Between group names in an incident's ``restricted_to``; refused inside a group name.
SEPARATOR = ","

#: Groups a reader belongs to; None for a reader who sees everything (admins, the command line).
Groups = tuple[str, ...] | None


def join(groups: Iterable[str | None]) -> str | None:
    """The ``restricted_to`` of a record drawn from sources with these restrictions (None: open)."""
    names = sorted({g for g in groups if g})
    return SEPARATOR.join(names) if names else None


def split(restricted_to: str | None) -> frozenset[str]:
    """The groups a ``restricted_to`` value names (empty for an open record)."""
    return frozenset(g for g in (restricted_to or "").split(SEPARATOR) if g)


def can_see(restricted_to: str | None, visible: Groups) -> bool:
    """Whether a reader in ``visible`` may see a record restricted to ``restricted_to``."""
    if restricted_to is None or visible is None:
        return True
    return bool(split(restricted_to)) and split(restricted_to) <= set(visible)


def _column_clause(column: ColumnElement[str | None], visible: Groups) -> ColumnElement[bool]:
    """SQL for :func:`can_see` on a column holding ``restricted_to`` values."""
    if visible is None:
        return true()
    if not visible:
        # No groups (most accounts): a plain IS NULL, which the list indexes answer by themselves.
        return column.is_(None)
    # ",a,b," with ",a," and then ",b," replaced by "," leaves "," exactly when every group named is
    # one of the reader's. REPLACE is literal on both databases (no wildcards), and an unexpected
    # value (a name the reader lacks, an empty name) leaves something else: closed, not open.
    wrapped: ColumnElement[str] = literal(SEPARATOR, String) + column + literal(SEPARATOR, String)
    for group in sorted(set(visible)):
        wrapped = func.replace(wrapped, SEPARATOR + group + SEPARATOR, SEPARATOR, type_=String)
    return or_(column.is_(None), column.in_(sorted(set(visible))), wrapped == SEPARATOR)


def incident_clause(visible: Groups) -> ColumnElement[bool]:
    """The incidents a reader in ``visible`` may see, as a WHERE clause."""
    return _column_clause(Incident.__table__.c.restricted_to, visible)


def document_clause(visible: Groups) -> ColumnElement[bool]:
    """The documents a reader in ``visible`` may see, as a WHERE clause."""
    return _column_clause(Document.__table__.c.restricted_to, visible)


def tally_clause(visible: Groups) -> ColumnElement[bool]:
    """The tallies a reader in ``visible`` may see, as a WHERE clause on a query joined to ``documents``.

    A tally is drawn from one document and has no restriction of its own: it is
    visible exactly when its document is, so restricting the document (``refwatch
    documents restrict``) hides its tallies at once, with nothing to re-derive.
    """
    return document_clause(visible)


def derive(incident: Incident) -> None:
    """Set an incident's ``restricted_to`` from its sources' documents (kept when it has none left)."""
    if incident.sources:
        incident.restricted_to = join(s.document.restricted_to for s in incident.sources)


def rederive_documents(session: Session, document_ids: Iterable[int]) -> list[int]:
    """:func:`derive` every incident with a source in these documents; returns their ids.

    Called after a document's restriction changed, in the same transaction.
    """
    ids = sorted(
        set(
            session.scalars(
                select(IncidentSource.incident_id).where(IncidentSource.document_id.in_(list(document_ids)))
            )
        )
    )
    for incident in session.scalars(select(Incident).where(Incident.id.in_(ids))):
        session.refresh(incident, attribute_names=["sources"])
        derive(incident)
    _widen_merged(session, document_ids)
    session.flush()
    return ids


def _widen_merged(session: Session, document_ids: Iterable[int]) -> None:
    """Incidents merged away keep the values their sources gave them: their restriction only ever grows.

    A merged incident has no sources left, so :func:`derive` leaves it alone;
    but its shown values were drawn from the sources the merge moved (named in
    its ``incident.merged_into`` audit entry, by source ids, which never
    change). When one of those sources' documents is restricted to a new
    group, the merged incident takes that group as well.
    """
    rows = session.execute(
        select(IncidentSource.id, Document.restricted_to)
        .join(Document, Document.id == IncidentSource.document_id)
        .where(IncidentSource.document_id.in_(list(document_ids)))
    ).all()
    group_of = {int(source_id): group for source_id, group in rows}
    if not group_of:
        return
    merges = session.scalars(select(AuditEvent).where(AuditEvent.action == "incident.merged_into"))
    for event in merges:
        moved = {int(i) for i in event.detail.get("moved_sources") or () if isinstance(i, int)}
        groups = {group_of[i] for i in moved & group_of.keys()}
        if not groups - {None} or event.entity_id is None:
            continue
        incident = session.get(Incident, int(event.entity_id))
        if incident is not None and not incident.sources:
            incident.restricted_to = join([*split(incident.restricted_to), *groups])


def check_group_name(name: str, *, limit: int) -> str:
    """A group name as stored (stripped), or ValueError saying what is wrong with it."""
    stripped = name.strip()
    if not 1 <= len(stripped) <= limit:
        raise ValueError(f"a group name must be 1 to {limit} characters")
    if SEPARATOR in stripped:
        raise ValueError(f"a group name cannot contain {SEPARATOR!r}")
    if has_control_characters(stripped, allow_line_breaks=False):
        raise ValueError("a group name cannot contain control characters")
    return stripped
