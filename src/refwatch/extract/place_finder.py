"""Place and actor mentions, read from the gazetteer.

The gazetteer (:mod:`refwatch.extract.gazetteer`) knows the names; this module
only turns its matches into mentions and drops the ones that do not locate an
incident: a country named inside an agency's name ("중국 공안"), an embassy, a
capital standing for its government ("Beijing said"), or South Korea as the
destination people were heading for.
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
#: National capitals, which reports name for their governments ("Beijing said", "handed over to
#: Pyongyang", "베이징은 ... 주장했다") far more often than as where something happened.
CAPITALS: Final = frozenset(
    {("CN", "Beijing"), ("KP", "Pyongyang"), ("KR", "Seoul"), ("LA", "Vientiane"), ("VN", "Hanoi"),
     ("TH", "Bangkok"), ("MN", "Ulaanbaatar"), ("RU", "Moscow"), ("KH", "Phnom Penh")}
)  # fmt: skip
#: Words that make a capital the place of an event: "arrested in Beijing", "베이징에서 체포".
_LOCATIVE_BEFORE = re.compile(r"(?i:\b(?:in|at|near|outside|around|inside)\s+(?:central\s+|downtown\s+)?)$")
_LOCATIVE_AFTER = re.compile(r"^(?:시)?\s?(?:에서|에\s?있는|인근|근처|외곽|시내)")


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
        if (e.country, e.place) in CAPITALS and e.kind == "city" and not _locative(text, m.start, m.end):
            continue
        out.append(PlaceMention(m.start, m.end, m.surface, e.country, e.admin1, e.place, e.facility, e.kind))
    out.sort(key=lambda p: (p.start, -p.end))
    return out


def _locative(text: str, start: int, end: int) -> bool:
    """Whether a place is named as where something is or happened, not as its government."""
    return bool(
        _LOCATIVE_BEFORE.search(text, max(0, start - 30), start) or _LOCATIVE_AFTER.match(text[end : end + 6])
    )


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
