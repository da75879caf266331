"""The public site: published incidents (redacted), filtered, with a chart and a map; no login.

Everything here is built from the redacted public form (``report.redaction.redact``
with the default policy) of confirmed incidents drawn from open evidence only, the
form the public data package holds: filters choose among those records, the chart
counts them, and the map places them as the package's GeoJSON does (at the
gazetteer's town or province centre, never a facility, and not at all where fewer
than five people were reported in that place and month). People on the map are the
published counts, so a small number hidden in the list is not added back up there.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from refwatch.domain.vocabulary import EVENT_TYPES, STATUSES
from refwatch.errors import InvalidInput
from refwatch.report.datapackage import withheld_incidents
from refwatch.report.redaction import redact
from refwatch.services.caching import current_version
from refwatch.services.export import coordinates
from refwatch.storage.database import Database
from refwatch.storage.incidents import IncidentFilter, ordered_ids, summaries_by_id

#: What is published: confirmed incidents from open evidence (the public API and package too).
PUBLISHED = IncidentFilter(review_states=("confirmed",), unrestricted_only=True)
#: Places withheld below this many people in a place and month (the package's default).
MIN_CELL = 5

Unit = Literal["month", "year"]


@dataclass(frozen=True, slots=True)
class PublicFilter:
    """What a visitor may narrow the published incidents by (each a value the redacted form shows)."""

    year: int | None = None
    province: str | None = None
    status: str | None = None
    event_type: str | None = None


@dataclass(frozen=True, slots=True)
class PublicPlace:
    """A point of the public map: a town or province centre with what was published there."""

    name: str
    lat: float
    lon: float
    people: int
    incidents: int


@dataclass(frozen=True, slots=True)
class PublicView:
    """One page of the filtered published incidents, and the chart and map of all that match."""

    records: list[dict[str, Any]]
    total: int
    timeline: list[dict[str, Any]]
    places: list[PublicPlace]
    #: Matching incidents the map does not show (places withheld, or none the gazetteer locates).
    off_map: int
    choices: dict[str, list[str]] = field(default_factory=dict)


def public_view(
    db: Database, filters: PublicFilter, *, unit: Unit = "month", limit: int = 25, offset: int = 0
) -> PublicView:
    """The published incidents matching ``filters``: a page of them, per-``unit`` counts and the map.

    Raises:
        InvalidInput: a status or event type outside the vocabulary, or an unknown unit.
    """
    if filters.status is not None and filters.status not in STATUSES:
        raise InvalidInput(f"status: {filters.status!r} is not one of {', '.join(STATUSES)}")
    if filters.event_type is not None and filters.event_type not in EVENT_TYPES:
        raise InvalidInput(f"event type: {filters.event_type!r} is not one of {', '.join(EVENT_TYPES)}")
    if unit not in ("month", "year"):
        raise InvalidInput(f"per: {unit!r} is not month or year")
    published = _kept(db)
    matching = [p for p in published if _matches(p, filters)]
    return PublicView(
        records=[p["public"] for p in matching[offset : offset + limit]],
        total=len(matching),
        timeline=_timeline(matching, unit),
        places=_places(matching),
        off_map=sum(1 for p in matching if not p["points"]),
        choices=_choices(published),
    )


_KEPT: weakref.WeakKeyDictionary[Database, tuple[int, list[dict[str, Any]]]] = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def _kept(db: Database) -> list[dict[str, Any]]:
    """:func:`_published` as of the data's current version, built once per version.

    Handed out without a copy (``services.browse.remember`` deep-copies every time): nothing
    here or in the page changes what it is given.
    """
    version = current_version(db)
    found = _KEPT.get(db)
    if found is not None and found[0] == version:
        return found[1]
    published = _published(db)
    with _KEPT_LOCK:
        _KEPT[db] = (version, published)
    return published


def _published(db: Database) -> list[dict[str, Any]]:
    """Each published incident: its public form, its provinces and its map points (none if withheld).

    Read in the list form (no quotes or claims; four queries per batch): redaction and the
    package's withholding need only the reconciled fields and places.
    """
    with db.session() as session:
        ids = ordered_ids(session, PUBLISHED)  # oldest first, undated last
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            found |= summaries_by_id(session, ids[start : start + 500])
    records = [found[i] for i in ids if i in found]
    public = redact(records)
    full = {r["id"]: r for r in records}
    withheld = withheld_incidents(records, public, min_cell=MIN_CELL)
    out = []
    for r in public:
        locations = full[r["id"]].get("locations") or []
        points = []
        if r["id"] not in withheld:
            for loc in locations:
                point = coordinates({k: v for k, v in loc.items() if k != "facility"})  # town level at most
                name = loc.get("place") or loc.get("admin1")
                if point is not None and name:
                    points.append({"name": name, "lon": round(point[0], 2), "lat": round(point[1], 2)})
        provinces = sorted({a for loc in locations if (a := loc.get("admin1"))})
        out.append({"public": r, "provinces": provinces, "points": points})
    return out


def _matches(p: dict[str, Any], filters: PublicFilter) -> bool:
    record = p["public"]
    start = record["date"].get("start") or ""
    return (
        (filters.year is None or start[:4] == f"{filters.year:04d}")
        and (filters.province is None or filters.province in p["provinces"])
        and (filters.status is None or record["status"] == filters.status)
        and (filters.event_type is None or filters.event_type in record["event_types"])
    )


def _timeline(matching: Sequence[dict[str, Any]], unit: Unit) -> list[dict[str, Any]]:
    """Incidents and published people per month (``YYYY-MM``) or year (``YYYY``), dated ones only."""
    width = 7 if unit == "month" else 4
    rows: dict[str, dict[str, int]] = defaultdict(lambda: {"incidents": 0, "people": 0})
    for p in matching:
        start = p["public"]["date"].get("start")
        if not start:
            continue
        row = rows[start[:width]]
        row["incidents"] += 1
        row["people"] += int(p["public"]["victims"]["count"] or 0)
    return [{"period": k, **v} for k, v in sorted(rows.items())]


def _places(matching: Sequence[dict[str, Any]]) -> list[PublicPlace]:
    totals: dict[str, dict[str, Any]] = {}
    for p in matching:
        people = int(p["public"]["victims"]["count"] or 0)
        for point in {pt["name"]: pt for pt in p["points"]}.values():  # a place once per incident
            entry = totals.setdefault(point["name"], {**point, "people": 0, "incidents": 0})
            entry["people"] += people
            entry["incidents"] += 1
    return [
        PublicPlace(e["name"], e["lat"], e["lon"], e["people"], e["incidents"])
        for e in sorted(totals.values(), key=lambda e: e["name"])
    ]


def _choices(published: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """The values the filters offer: those the published incidents have."""
    years = {s[:4] for p in published if (s := p["public"]["date"].get("start"))}
    return {
        "years": sorted(years, reverse=True),
        "provinces": sorted({a for p in published for a in p["provinces"]}),
        "statuses": sorted({p["public"]["status"] for p in published if p["public"]["status"]}),
        "event_types": sorted({t for p in published for t in p["public"]["event_types"]}),
    }
