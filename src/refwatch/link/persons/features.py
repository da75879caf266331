"""A record's comparison columns: names read as Korean names, years, places as keys.

The columns are derived from identifying fields and are as sensitive: they exist
only in memory and in the in-memory DuckDB of a run.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from refwatch.link.names.levels import name_columns


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One record, decrypted, with places already resolved by the caller.

    Attributes:
        id: the record's row id (``unique_id`` in Splink).
        list_name: the source list it is on.
        spellings: every spelling of the name, any script.
        origin_province, event_province: provinces from the gazetteer (None: not known).
        origin_place, event_place_id: the gazetteer's id of the place (None: not found); two
            records name the same place when these agree, whatever script each is written in.
        event_date: the arrest date, else the return date (``YYYY[-MM[-DD]]``).
    """

    id: int
    list_name: str
    spellings: tuple[str, ...]
    sex: str | None = None
    birth_year: int | None = None
    origin: str | None = None
    origin_province: str | None = None
    event_date: str | None = None
    event_place: str | None = None
    event_province: str | None = None
    origin_place: str | None = None
    event_place_id: str | None = None


def place_key(text: str | None) -> str | None:
    """A place as written, folded for an exact comparison (case, accents, spaces, punctuation).

    Examples:
        >>> place_key("Hoeryŏng,  North Hamgyong")
        'hoeryong north hamgyong'
    """
    if not text:
        return None
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split()) or None


def feature_row(record: LinkRecord) -> dict[str, Any]:
    """The row Splink compares; ``surname`` is the blocking key of the primary reading."""
    names = name_columns(list(record.spellings))
    surnames = names["name_surnames"]
    return {
        "unique_id": record.id,
        "list_name": record.list_name,
        **names,
        "surname": min(surnames) if surnames else None,
        "sex": record.sex,
        "birth_year": record.birth_year,
        # The gazetteer's place where it knows it (any script), else the text folded.
        "origin": record.origin_place or place_key(record.origin),
        "origin_province": record.origin_province,
        "event_date": record.event_date,
        "event_year": int(record.event_date[:4]) if record.event_date else None,
        "event_place": record.event_place_id or place_key(record.event_place),
        "event_province": record.event_province,
    }
