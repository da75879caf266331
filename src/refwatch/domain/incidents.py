"""The extracted incident: one thing that happened to one group at one time.

The shape is the contract in ``shared/schema/incident.schema.json`` (see
``shared/docs/INCIDENTS.md``). These dataclasses are what extractors produce and
what storage, linking and export consume; :meth:`Incident.to_dict` gives the
schema's JSON form and :meth:`Incident.from_dict` reads it back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from refwatch.domain.vocabulary import Agency, EventType, LocationRole, Precision, Qualifier, Salience, Status


@dataclass(frozen=True, slots=True)
class Evidence:
    """An exact span of the document text: ``text[start:end] == quote``."""

    start: int
    end: int
    quote: str


@dataclass(slots=True)
class DateInterval:
    """Earliest and latest ISO day the incident may have happened."""

    start: str | None = None
    end: str | None = None
    precision: Precision = "unknown"
    text: str | None = None


@dataclass(slots=True)
class Victims:
    """How many people, with the qualifier the source used and any demographics."""

    count: int | None = None
    count_min: int | None = None
    count_max: int | None = None
    qualifier: Qualifier = "unknown"
    women: int | None = None
    men: int | None = None
    children: int | None = None
    text: str | None = None


@dataclass(slots=True)
class Location:
    """A place involved in the incident and the role it played."""

    country: str | None
    admin1: str | None = None
    place: str | None = None
    facility: str | None = None
    role: LocationRole = "other"
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Perpetrator:
    """A state and the kind of agency that acted."""

    state: str | None
    agency: Agency = "unknown"


@dataclass(slots=True)
class Incident:
    """One extracted incident from one document."""

    document: str
    event_types: list[EventType]
    status: Status = "unknown"
    date: DateInterval = field(default_factory=DateInterval)
    victims: Victims = field(default_factory=Victims)
    locations: list[Location] = field(default_factory=list)
    perpetrators: list[Perpetrator] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    salience: Salience = "main"
    #: Position, in its document's list, of the incident this one is a part of ("Of them, 5
    #: were executed"; "이들 중 9명은 칭다오에서"): a part is its own incident, and its people are
    #: already counted in the group's.
    part_of: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The schema's JSON form (plain dicts and lists)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Incident:
        """Read the schema's JSON form; unknown keys (``cluster``, ``notes``) are ignored."""
        return cls(
            document=str(data["document"]),
            event_types=list(data.get("event_types") or []),
            status=data.get("status", "unknown"),
            date=DateInterval(**_known(data.get("date") or {}, DateInterval)),
            victims=Victims(**_known(data.get("victims") or {}, Victims)),
            locations=[Location(**_known(loc, Location)) for loc in data.get("locations") or []],
            perpetrators=[Perpetrator(**_known(p, Perpetrator)) for p in data.get("perpetrators") or []],
            evidence=[Evidence(**_known(e, Evidence)) for e in data.get("evidence") or []],
            salience=data.get("salience", "main"),
            part_of=data.get("part_of"),
        )


def _known(data: dict[str, Any], cls: type) -> dict[str, Any]:
    names = set(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    return {k: v for k, v in data.items() if k in names}


def figure_bounds(
    count: int | None, low: int | None, high: int | None, qualifier: str | None
) -> tuple[float, float] | None:
    """The bounds INCIDENTS.md gives a count: ``at_least`` is open above, ``at_most`` starts at 0."""
    if count is None and low is None and high is None:
        return None
    lo = float(low) if low is not None else (0.0 if qualifier == "at_most" else float(count or 0))
    if high is not None:
        hi = float(high)
    else:
        hi = float("inf") if qualifier == "at_least" else float(count if count is not None else lo)
    return lo, hi
