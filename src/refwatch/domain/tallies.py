"""The tally: a figure that adds up many incidents, or counts people held at a moment.

"More than 670 returned since 2020", "about 2,000 are held now", "3,000 a year
through Tumen", "nine cases, about 60 people": each is true and worth keeping,
but none is one thing that happened to one group. Counted as an incident, a
tally would stand beside the incidents it adds up and count their people twice
(INCIDENTS.md, "Incidents and tallies"). So it is a record of its own, in the
shape INCIDENTS.md defines, that lists and exports show beside incidents and
that no figure of people returned ever adds in.

:meth:`Tally.to_dict` gives that JSON shape and :meth:`Tally.from_dict` reads it
back (the gold ``tallies.jsonl`` too: unknown keys such as ``notes`` are ignored).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Final, Literal

from refwatch.domain.incidents import DateInterval, Evidence, figure_bounds
from refwatch.domain.vocabulary import Qualifier

TallyKind = Literal["returned", "arrested", "held", "escaped", "other"]
TALLY_KINDS: Final[tuple[str, ...]] = TallyKind.__args__  # type: ignore[attr-defined]

Rate = Literal["per_year"]
RATES: Final[tuple[str, ...]] = Rate.__args__  # type: ignore[attr-defined]


@dataclass(slots=True)
class Figure:
    """The stated figure, with the qualifier and bounds of an incident's count (INCIDENTS.md)."""

    count: int | None = None
    count_min: int | None = None
    count_max: int | None = None
    qualifier: Qualifier = "unknown"
    text: str | None = None


@dataclass(slots=True)
class TallyPlace:
    """Where the figure applies: a country, and a province or city when the source narrows it."""

    country: str | None = None
    admin1: str | None = None
    place: str | None = None


@dataclass(slots=True)
class Tally:
    """One running total, estimate, yearly rate or head-count stated by one document.

    ``period`` is the span the figure covers (``start`` with no ``end`` for "since
    2020"; one day for a head-count); ``rate`` is ``per_year`` for "3,000 a year".
    """

    document: str
    kind: TallyKind
    figure: Figure
    period: DateInterval = field(default_factory=DateInterval)
    rate: Rate | None = None
    place: TallyPlace | None = None
    source_org: str | None = None
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of INCIDENTS.md (plain dicts and lists)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tally:
        """Read the JSON shape; unknown keys are ignored, missing ones take their defaults."""
        place = data.get("place")
        kind = data.get("kind")
        return cls(
            document=str(data["document"]),
            kind=kind if kind in TALLY_KINDS else "other",
            figure=Figure(**_known(data.get("figure") or {}, Figure)),
            period=DateInterval(**_known(data.get("period") or {}, DateInterval)),
            rate=data.get("rate") if data.get("rate") in RATES else None,
            place=TallyPlace(**_known(place, TallyPlace)) if isinstance(place, dict) else None,
            source_org=data.get("source_org"),
            evidence=[Evidence(**_known(e, Evidence)) for e in data.get("evidence") or []],
        )

    def bounds(self) -> tuple[float, float] | None:
        """The figure as ``(low, high)``, ``high`` infinite for "at least"; None when there is no figure.

        Examples:
            >>> Tally("d", "returned", Figure(670, 670, None, "at_least")).bounds()
            (670.0, inf)
            >>> Tally("d", "held", Figure(2000, 2000, 2000, "about")).bounds()
            (2000.0, 2000.0)
        """
        return figure_bounds(
            self.figure.count, self.figure.count_min, self.figure.count_max, self.figure.qualifier
        )


def _known(data: dict[str, Any], cls: type) -> dict[str, Any]:
    names = set(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    return {k: v for k, v in data.items() if k in names}
