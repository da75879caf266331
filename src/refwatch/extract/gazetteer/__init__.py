"""Gazetteer of places, facilities and state agencies named in refoulement reports.

Places in China, North Korea and the third countries of the escape routes, with
their names in English (and romanisation variants), Korean and Chinese
(simplified and traditional); each city carries its province, so a report that
names only "Tumen" still yields Jilin. Actors are the agencies that arrest,
hold and hand people over, with the state they belong to when the words say it.

The data lives in ``data/`` (TSV and JSON, our own); see :mod:`.places` and
:mod:`.actors` for the formats and :mod:`.matcher` for how names are matched.

Examples:
    >>> gazetteer = load_gazetteer()
    >>> [(m.surface, m.entry.admin1) for m in gazetteer.find("held in Tumen, then 단둥에서")]
    [('Tumen', 'Jilin'), ('단둥', 'Liaoning')]
"""

from __future__ import annotations

from functools import cache

from refwatch.extract.gazetteer.actors import load_actors
from refwatch.extract.gazetteer.index import Gazetteer
from refwatch.extract.gazetteer.model import (
    AMBIGUOUS,
    CONFIDENT,
    PLACE_KINDS,
    ActorEntry,
    ActorMatch,
    PlaceEntry,
    PlaceMatch,
)
from refwatch.extract.gazetteer.places import load_places, load_stopwords

__all__ = [
    "AMBIGUOUS",
    "CONFIDENT",
    "PLACE_KINDS",
    "ActorEntry",
    "ActorMatch",
    "Gazetteer",
    "PlaceEntry",
    "PlaceMatch",
    "load_gazetteer",
    "province_of",
]


@cache
def load_gazetteer() -> Gazetteer:
    """The packaged gazetteer, built once per process."""
    return Gazetteer(load_places(), load_actors(), load_stopwords())


def province_of(name: str, country: str | None = None) -> str | None:
    """The province of the city, county or town called ``name`` in any script ("훈춘" -> "Jilin").

    Args:
        name: a place name as written in a report or as stored in ``place``.
        country: ISO code to restrict the search to, when known.
    """
    return load_gazetteer().province_of(name, country)
