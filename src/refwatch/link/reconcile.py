"""An incident's shown values, derived from its sources' claims by documented rules.

Nothing a source said is discarded (the claims stay); these rules only choose
what the incident shows and flag where sources disagree:

- **count**: the range over sources: the lowest lower bound to the highest
  upper bound ("more than 500" and "about 600" show as 500–600); a single
  source, or sources that agree, keep their own figure and qualifier.
- **date**: the most specific interval (the shortest; ties: the earliest), as
  long as it overlaps the others; disagreement is flagged when intervals do not
  overlap.
- **status**: from the most recently published source, since a group's fate
  changes over time (at risk, then returned); differing statuses are flagged.
- **event types, places, perpetrators**: the union over sources.
- **salience**: main if any source is mainly about it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from refwatch.domain.incidents import DateInterval, Incident, Location, Perpetrator, Victims
from refwatch.domain.vocabulary import EVENT_TYPES


@dataclass(frozen=True, slots=True)
class SourceView:
    """One source of an incident as reconciliation sees it."""

    incident: Incident
    published: dt.date | None


@dataclass(slots=True)
class Reconciled:
    """What the incident shows, and the fields whose sources disagree."""

    incident: Incident
    disagreements: list[str] = field(default_factory=list)


def reconcile(sources: Sequence[SourceView], *, document: str = "") -> Reconciled:
    """Apply the module's rules to the sources of one incident."""
    if not sources:
        raise ValueError("an incident needs at least one source")
    incidents = [s.incident for s in sources]
    disagreements: list[str] = []
    victims, count_disagrees = _victims(incidents)
    if count_disagrees:
        disagreements.append("count")
    date, date_disagrees = _date(incidents)
    if date_disagrees:
        disagreements.append("date")
    statuses = {i.status for i in incidents if i.status != "unknown"}
    if len(statuses) > 1:
        disagreements.append("status")
    latest = max(
        sources,
        key=lambda s: (s.published or dt.date.min, s.incident.status != "unknown"),
    )
    status = (
        latest.incident.status
        if latest.incident.status != "unknown"
        else next(iter(sorted(statuses)), "unknown")
    )
    types = sorted({t for i in incidents for t in i.event_types}, key=EVENT_TYPES.index)
    locations = _unique_locations(incidents)
    perpetrators = sorted({(p.state or "", p.agency) for i in incidents for p in i.perpetrators})
    result = Incident(
        document=document,
        event_types=types,
        status=status,  # type: ignore[arg-type]
        date=date,
        victims=victims,
        locations=locations,
        perpetrators=[Perpetrator(state=s or None, agency=a) for s, a in perpetrators],
        evidence=[e for i in incidents for e in i.evidence],
        salience="main" if any(i.salience == "main" for i in incidents) else "background",
    )
    return Reconciled(result, disagreements)


def _victims(incidents: Sequence[Incident]) -> tuple[Victims, bool]:
    known = [i.victims for i in incidents if i.victims.count is not None or i.victims.count_min is not None]
    if not known:
        return Victims(), False
    first = known[0]
    same = all(
        (v.count, v.count_min, v.count_max, v.qualifier)
        == (first.count, first.count_min, first.count_max, first.qualifier)
        for v in known
    )
    if same:
        return Victims(**{k: getattr(first, k) for k in Victims.__dataclass_fields__}), False
    lows = [v.count_min if v.count_min is not None else v.count for v in known]
    low = min(x for x in lows if x is not None) if any(x is not None for x in lows) else None
    highs = [
        v.count_max if v.count_max is not None else (v.count_min if v.count_min is not None else v.count)
        for v in known
    ]
    high = max(x for x in highs if x is not None) if any(x is not None for x in highs) else None
    overlaps = _all_overlap(known)
    return (
        Victims(
            count=low,
            count_min=low,
            count_max=high,
            qualifier="range" if high != low else "exact",
            women=_agreed([v.women for v in known]),
            men=_agreed([v.men for v in known]),
            children=_agreed([v.children for v in known]),
        ),
        not overlaps,
    )


def _all_overlap(victims: Sequence[Victims]) -> bool:
    bounds = []
    for v in victims:
        low = v.count_min if v.count_min is not None else (v.count or 0)
        high = (
            v.count_max if v.count_max is not None else (float("inf") if v.qualifier == "at_least" else low)
        )
        bounds.append((low, high))
    return max(b[0] for b in bounds) <= min(b[1] for b in bounds)


def _agreed(values: Sequence[int | None]) -> int | None:
    present = {v for v in values if v is not None}
    return present.pop() if len(present) == 1 else None


def _date(incidents: Sequence[Incident]) -> tuple[DateInterval, bool]:
    dated = [i.date for i in incidents if i.date.start and i.date.end]
    if not dated:
        return DateInterval(), False
    spans = [(dt.date.fromisoformat(d.start or ""), dt.date.fromisoformat(d.end or ""), d) for d in dated]
    best = min(spans, key=lambda s: ((s[1] - s[0]).days, s[0]))
    disagree = max(s[0] for s in spans) > min(s[1] for s in spans)
    chosen = best[2]
    return DateInterval(
        start=chosen.start, end=chosen.end, precision=chosen.precision, text=chosen.text
    ), disagree


def _unique_locations(incidents: Sequence[Incident]) -> list[Location]:
    seen: dict[tuple[str | None, ...], Location] = {}
    for incident in incidents:
        for loc in incident.locations:
            key = (loc.country, loc.admin1, loc.place, loc.facility, loc.role)
            seen.setdefault(key, loc)
    return [seen[k] for k in sorted(seen, key=lambda k: tuple(x or "" for x in k))]
