"""Value types of the gazetteer: what a place or actor is, and where it was found.

They are frozen dataclasses so that the loaded gazetteer can be shared between
threads and cached for the life of the process without anyone mutating it.
"""

from __future__ import annotations

from dataclasses import dataclass

from refwatch.extract.records import record

#: Kinds of place entry. ``region`` covers informal areas (northeast China, the
#: Golden Triangle) and prefectures that are neither a province nor a city.
PLACE_KINDS: tuple[str, ...] = (
    "country",
    "province",
    "city",
    "county",
    "town",
    "facility",
    "river",
    "crossing",
    "region",
)

#: Confidence of a match whose name is safe on its own.
CONFIDENT = 1.0
#: Confidence of an ambiguous name (a common word elsewhere) seen without a
#: suffix such as 시/현/군 that shows it is a place. ``find`` drops these by default.
AMBIGUOUS = 0.3


@dataclass(frozen=True)
class PlaceEntry:
    """One place, facility, river or crossing with every name it goes by.

    ``country`` is ``None`` only for features shared by several states (border
    rivers, border regions); those list the states in ``borders``.
    """

    id: str
    kind: str
    country: str | None
    admin1: str | None
    place: str | None
    facility: str | None
    lat: float | None
    lon: float | None
    names: tuple[str, ...]
    verified: bool
    borders: tuple[str, ...] = ()


@record
class PlaceMatch:
    """A place name found in a text; ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str
    entry: PlaceEntry
    confidence: float = CONFIDENT


@dataclass(frozen=True)
class ActorEntry:
    """A state agency (or a generic one whose state the context must supply).

    ``state`` is ``None`` for terms that do not say which state they belong to
    ("local police", "현지 경찰", "immigration authorities"); ``agency`` is a value
    of :data:`refwatch.domain.vocabulary.AGENCIES`.
    """

    id: str
    state: str | None
    agency: str
    names: tuple[str, ...]


@record
class ActorMatch:
    """An actor mention found in a text; ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str
    entry: ActorEntry
