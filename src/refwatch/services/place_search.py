"""Choosing a place from the gazetteer by hand: a search over every name it knows, Korean included.

Incidents store a place as the gazetteer's English labels and an ISO country
code (see :mod:`refwatch.services.placenames`). An editor entering an incident
by hand must not invent spellings that filters, maps and linking would then
treat as another place, so the forms offer only gazetteer entries: the search
box finds them by any of their names (옌지, 延吉, Yanji) and the form sends the
entry's id, which :func:`place_location` turns back into the stored labels.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from refwatch.errors import InvalidInput
from refwatch.extract.gazetteer.actors import load_actors
from refwatch.extract.gazetteer.model import PlaceEntry
from refwatch.extract.gazetteer.places import load_places
from refwatch.services.placenames import place_name

#: Kinds of entry a person can be at (rivers and regions are not places an incident is stored at).
CHOOSABLE = ("country", "province", "city", "county", "town", "facility", "crossing")
MAX_RESULTS = 20


@dataclass(frozen=True, slots=True)
class PlaceChoice:
    """One gazetteer entry as the search box offers it."""

    id: str
    label: str
    kind: str
    country: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the search endpoint's items)."""
        return {"id": self.id, "label": self.label, "kind": self.kind, "country": self.country}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


@cache
def _entries() -> dict[str, PlaceEntry]:
    return {n.entry.id: n.entry for n in load_places() if n.entry.kind in CHOOSABLE}


def _label(entry: PlaceEntry, language: str) -> str:
    """The entry as a reader of ``language`` knows it, with the province and country that place it."""
    own = {
        "country": ("country", entry.country),
        "province": ("admin1", entry.admin1),
        "facility": ("facility", entry.facility),
    }.get(entry.kind, ("place", entry.place or entry.names[0]))
    parts = [place_name(own[1] or entry.names[0], language, own[0])]
    if entry.kind != "province" and entry.admin1:
        parts.append(place_name(entry.admin1, language, "admin1"))
    if entry.kind != "country" and entry.country:
        parts.append(place_name(entry.country, language, "country"))
    label = ", ".join(parts)
    if language == "ko":  # the stored English label too, so that entries can be told apart
        label += f" ({own[1] or entry.names[0]})"
    return label


def search_places(query: str, *, language: str = "en", limit: int = MAX_RESULTS) -> list[PlaceChoice]:
    """Gazetteer entries one of whose names contains ``query``; names that start with it first.

    Examples:
        >>> [c.id for c in search_places("옌지")][:1] == [c.id for c in search_places("Yanji")][:1]
        True
    """
    wanted = _fold(query)
    if not wanted:
        return []
    ranked: list[tuple[int, int, str, PlaceEntry]] = []
    for entry in _entries().values():
        folded = [_fold(n) for n in entry.names]
        if any(n == wanted for n in folded):
            rank = 0
        elif any(n.startswith(wanted) for n in folded):
            rank = 1
        elif any(wanted in n for n in folded):
            rank = 2
        else:
            continue
        ranked.append((rank, CHOOSABLE.index(entry.kind), entry.id, entry))
    ranked.sort(key=lambda r: r[:3])
    return [
        PlaceChoice(e.id, _label(e, language), e.kind, e.country)
        for *_, e in ranked[: max(1, min(limit, 50))]
    ]


def place_location(choice: str) -> dict[str, str | None]:
    """The stored location fields of a gazetteer entry, chosen by id or by one of its exact names.

    Raises:
        InvalidInput: when no entry has that id or name (the message does not repeat the text).
    """
    text = choice.strip()
    entries = _entries()
    entry = entries.get(text)
    if entry is None:
        wanted = _fold(text)
        entry = next((e for e in entries.values() if any(_fold(n) == wanted for n in e.names)), None)
    if entry is None:
        raise InvalidInput("that place is not in the gazetteer; choose one of the places the search offers")
    return {
        "country": entry.country,
        "admin1": entry.admin1,
        "place": entry.place,
        "facility": entry.facility,
    }


def place_id_of(location: dict[str, Any]) -> str:
    """The gazetteer id of a stored location (to show it chosen again in a form); "" when none fits."""
    fields = ("country", "admin1", "place", "facility")
    wanted = tuple(location.get(f) or None for f in fields)
    for entry in _entries().values():
        if (entry.country, entry.admin1, entry.place, entry.facility) == wanted:
            return entry.id
    return ""


def place_label(place_id: str, language: str) -> str:
    """How the search box shows an entry chosen before ("" for an unknown id)."""
    entry = _entries().get(place_id)
    return _label(entry, language) if entry else ""


@cache
def perpetrator_states() -> tuple[str, ...]:
    """The states the actor lexicon knows (ISO codes), for the perpetrator forms."""
    return tuple(sorted({a.state for a in load_actors().entries if a.state}))
