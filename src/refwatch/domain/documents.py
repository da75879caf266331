"""Documents as the rest of the code sees them (no ORM rows outside storage)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from refwatch.domain.dates import ReferenceDate
from refwatch.errors import InvalidInput

MAX_ID = 2**31 - 1  # row ids are 32-bit integers on PostgreSQL: a larger one cannot exist


def parse_document_ref(ref: str | int) -> int | str:
    """The one rule for naming a document: ASCII digits are its id, anything else its key.

    A reference is never tried both ways: when ``1`` could be the id 1 or the key
    of an uploaded ``1.txt``, the reader got whichever the lookup tried first.
    A key made of digits alone (a corpus of ``005.txt`` files has them) is read
    through the routes and options that take a key and nothing else
    (``/documents/by-key/{key}``, ``--key``). Only ASCII digits count: ``²`` or
    ``١`` are keys, not numbers.

    Raises:
        InvalidInput: an id beyond :data:`MAX_ID`, which no database could hold.

    Examples:
        >>> parse_document_ref("17"), parse_document_ref("dailynk-0417"), parse_document_ref("²")
        (17, 'dailynk-0417', '²')
    """
    if isinstance(ref, int):
        number = ref
    elif ref.isascii() and ref.isdigit():
        number = int(ref)
    else:
        return ref
    if not 0 <= number <= MAX_ID:
        raise InvalidInput(f"a document id is a number from 1 to {MAX_ID}")
    return number


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
    #: When it was written, with where that came from (:mod:`refwatch.domain.dates`); None: nothing says.
    reference_date: ReferenceDate | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings)."""
        # Field by field: dataclasses.asdict deep-copies every value, and these are all plain scalars.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["ingested_at"] = self.ingested_at.isoformat()
        data["reference_date"] = self.reference_date.to_dict() if self.reference_date else None
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
