"""Tally repository: a document's tallies in, plain records (INCIDENTS.md shape) out.

Every read joins the tally's document and filters on its restriction
(:func:`refwatch.storage.visibility.tally_clause`): a tally is exactly as visible
as the report that states it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from refwatch.domain.tallies import Tally as DomainTally
from refwatch.storage import quotes, visibility
from refwatch.storage.document_names import open_names
from refwatch.storage.tables import Document, Tally


@dataclass(frozen=True, slots=True)
class TallyFilter:
    """Which tallies to list."""

    kinds: Sequence[str] = ()
    #: Groups whose restricted documents' tallies may be shown; None shows all (admins, the CLI).
    visible_groups: tuple[str, ...] | None = None
    #: Only tallies of open documents, whoever asks (public exports).
    unrestricted_only: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", tuple(self.kinds))
        if self.visible_groups is not None:
            object.__setattr__(self, "visible_groups", tuple(self.visible_groups))


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def add_tallies(
    session: Session, doc: Document, tallies: Sequence[DomainTally], *, extractor: str, seal: bool = False
) -> int:
    """Store a document's tallies (in the caller's transaction, with its incidents); returns how many.

    ``seal``: their quotes are sealed (:mod:`refwatch.storage.quotes`), as the document's text is.
    """
    for ordinal, tally in enumerate(tallies):
        data = tally.to_dict() | {"document": doc.key}
        if seal:
            data = quotes.seal_tally(data, sha256=doc.sha256, ordinal=ordinal)
        session.add(
            Tally(
                document=doc,
                ordinal=ordinal,
                kind=tally.kind,
                count=tally.figure.count,
                count_min=tally.figure.count_min,
                count_max=tally.figure.count_max,
                qualifier=tally.figure.qualifier,
                period_start=_day(tally.period.start),
                period_end=_day(tally.period.end),
                rate=tally.rate,
                extracted=data,
                extractor=extractor,
            )
        )
    return len(tallies)


def load_tallies(
    session: Session, filters: TallyFilter = TallyFilter(), *, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Tallies as records: the extracted shape with ``id``, ``document`` (the document's key),
    ``url`` and ``restricted_to``; ordered by document publication date, then key and position."""
    query = select(
        Tally, Document.key, Document.url, Document.restricted_to, Document.sha256, Document._sealed_meta
    ).join(Document, Document.id == Tally.document_id)
    if filters.kinds:
        query = query.where(Tally.kind.in_(list(filters.kinds)))
    if filters.unrestricted_only:
        query = query.where(visibility.tally_clause(()))
    if filters.visible_groups is not None:
        query = query.where(visibility.tally_clause(filters.visible_groups))
    query = query.order_by(
        Document.publication_date.is_(None), Document.publication_date, Document.key, Tally.ordinal
    )
    query = query.order_by(Tally.id).offset(offset).limit(limit)
    return [
        to_record(row, key, url if sealed is None else open_names(sealed, sha256=sha).url, group, sha256=sha)
        for row, key, url, group, sha, sealed in session.execute(query)
    ]


def to_record(
    row: Tally, document_key: str, url: str | None, restricted_to: str | None, *, sha256: str
) -> dict[str, Any]:
    """One stored tally in the INCIDENTS.md shape, with its id, its document's key and URL, and the
    restriction it takes from that document (so that redaction can refuse it whoever forgot to filter).

    ``sha256``: its document's hash, which its sealed quotes are bound to."""
    extracted = quotes.open_tally(row.extracted, sha256=sha256, ordinal=row.ordinal)
    record = DomainTally.from_dict(extracted | {"document": document_key}).to_dict()
    return {"id": row.id, **record, "url": url, "restricted_to": restricted_to}
