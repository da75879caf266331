"""Controlled vocabularies shared by extraction, storage, review and export.

They mirror ``shared/schema/incident.schema.json``; changing one is a contract change.
"""

from __future__ import annotations

from typing import Final, Literal

EventType = Literal[
    "crossing",
    "arrest",
    "detention",
    "transfer",
    "deportation",
    "repatriation",
    "trafficking",
    "interrogation",
    "torture",
    "sexual_violence",
    "forced_abortion",
    "forced_labour",
    "imprisonment",
    "execution",
    "death",
]
EVENT_TYPES: Final[tuple[str, ...]] = EventType.__args__  # type: ignore[attr-defined]

Status = Literal["at_risk", "returned", "released", "reached_safety", "died", "unknown"]
STATUSES: Final[tuple[str, ...]] = Status.__args__  # type: ignore[attr-defined]

Precision = Literal["day", "month", "year", "range", "unknown"]
PRECISIONS: Final[tuple[str, ...]] = Precision.__args__  # type: ignore[attr-defined]

Qualifier = Literal["exact", "about", "at_least", "at_most", "range", "unknown"]
QUALIFIERS: Final[tuple[str, ...]] = Qualifier.__args__  # type: ignore[attr-defined]

LocationRole = Literal["arrest", "detention", "crossing", "handover", "other"]
LOCATION_ROLES: Final[tuple[str, ...]] = LocationRole.__args__  # type: ignore[attr-defined]

Agency = Literal[
    "police", "border_police", "state_security", "military", "immigration", "court", "other", "unknown"
]
AGENCIES: Final[tuple[str, ...]] = Agency.__args__  # type: ignore[attr-defined]

Salience = Literal["main", "background"]
SALIENCES: Final[tuple[str, ...]] = Salience.__args__  # type: ignore[attr-defined]

ReviewState = Literal["candidate", "confirmed", "rejected", "merged"]
REVIEW_STATES: Final[tuple[str, ...]] = ReviewState.__args__  # type: ignore[attr-defined]

#: Event types that make an incident count as "caught" for matching and linking.
CORE_EVENT_TYPES: Final[frozenset[str]] = frozenset({"arrest", "detention", "deportation", "repatriation"})

#: What an intervention is (issue #17): the advocacy actions organisations track.
InterventionKind = Literal[
    "letter", "un_communication", "urgent_appeal", "embassy_approach", "protest", "press_statement", "other"
]
INTERVENTION_KINDS: Final[tuple[str, ...]] = InterventionKind.__args__  # type: ignore[attr-defined]

#: Where an intervention stands: written, sent, answered, closed (no more follow-up).
InterventionStatus = Literal["draft", "sent", "answered", "closed"]
INTERVENTION_STATUSES: Final[tuple[str, ...]] = InterventionStatus.__args__  # type: ignore[attr-defined]
