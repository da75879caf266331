"""Place and actor mentions, read from the gazetteer.

The gazetteer (:mod:`refwatch.extract.gazetteer`) knows the names; this module
only turns its matches into mentions and drops the ones that do not locate an
incident: a country named inside an agency's name ("중국 공안"), an embassy, or
South Korea as the destination people were heading for.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Final

from refwatch.extract.mentions import ActorMention, PlaceMention

logger = logging.getLogger(__name__)

_EMBASSY_AFTER = re.compile(
    r"(?i:^[\s'’s]*(?:embassy|consulate|government|foreign\s+ministry|ministry|대사관|영사관|정부|외교부))"
)
_NOT_PERPETRATOR_STATES: Final = frozenset({"KR"})


@cache
def _gazetteer() -> object | None:
    try:
        from refwatch.extract.gazetteer import load_gazetteer

        return load_gazetteer()
    except (ImportError, OSError, ValueError) as exc:  # pragma: no cover - only when the data is missing
        logger.warning("gazetteer unavailable (%s); places and actors will not be found", type(exc).__name__)
        return None


def find_places(text: str) -> list[PlaceMention]:
    """Gazetteer places in text order, without those that name an embassy or government."""
    gazetteer = _gazetteer()
    if gazetteer is None:
        return []
    out: list[PlaceMention] = []
    for m in gazetteer.find(text):  # type: ignore[attr-defined]
        e = m.entry
        if _EMBASSY_AFTER.search(text, m.end, min(len(text), m.end + 30)):
            continue
        out.append(PlaceMention(m.start, m.end, m.surface, e.country, e.admin1, e.place, e.facility, e.kind))
    out.sort(key=lambda p: (p.start, -p.end))
    return out


def find_actors(text: str) -> list[ActorMention]:
    """Gazetteer agencies in text order; South Korean bodies are never perpetrators here."""
    gazetteer = _gazetteer()
    if gazetteer is None:
        return []
    out = [
        ActorMention(m.start, m.end, m.surface, m.entry.state, m.entry.agency)
        for m in gazetteer.find_actors(text)  # type: ignore[attr-defined]
        if m.entry.state not in _NOT_PERPETRATOR_STATES
    ]
    out.sort(key=lambda a: (a.start, -a.end))
    return out
