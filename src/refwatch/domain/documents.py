"""Documents as the rest of the code sees them (no ORM rows outside storage)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """A document in lists: everything but its text and bytes."""

    id: int
    key: str
    sha256: str
    filename: str
    media_type: str
    size_bytes: int
    title: str | None
    outlet: str | None
    url: str | None
    publication_date: str | None
    language: str
    ingested_by: str
    ingested_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings)."""
        # Field by field: dataclasses.asdict deep-copies every value, and these are all plain scalars.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["ingested_at"] = self.ingested_at.isoformat()
        return data


@dataclass(frozen=True, slots=True)
class DocumentDetail:
    """One document with its working text and provenance."""

    summary: DocumentSummary
    text: str
    charset: str | None
    language_source: str
    publication_date_text: str | None
    incident_ids: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = self.summary.to_dict()
        data.update(
            text=self.text,
            charset=self.charset,
            language_source=self.language_source,
            publication_date_text=self.publication_date_text,
            incident_ids=list(self.incident_ids),
        )
        return data
