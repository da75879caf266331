"""The public data package: a Frictionless Data Package of redacted incidents, their sources and places.

What leaves the organisation is the redacted public form only (the same
policy as the public view, :mod:`refwatch.report.redaction`): confirmed,
unrestricted incidents, no persons, no quotes, small counts as "fewer than
k", dates to the month. On top of that, a place is published only where the
people reported there in that month reach ``min_cell`` (default 5): a place
and month with fewer might single out a family, so those incidents keep
only their country and stay off the map.

Files: ``incidents.csv``, ``sources.csv``, ``tallies.csv``, ``incidents.geojson``,
``README.md``, ``SHA256SUMS`` and ``datapackage.json`` (Table Schemas, each
resource with its SHA-256 and size), written with the ``frictionless``
library so that ``frictionless validate datapackage.json`` checks it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frictionless import Package, Resource, Schema, fields

INCIDENT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("id", "integer", "Incident number in the publishing database."),
    ("event_types", "string", "What happened, from the incident vocabulary, separated by '; '."),
    (
        "status",
        "string",
        "What became of the people: at_risk, returned, released, reached_safety, died, unknown.",
    ),
    ("date_start", "date", "First day of the month (or year) in which the incident began."),
    ("date_end", "date", "Last day of the month (or year) in which it ended."),
    ("people", "integer", "People reported (lower bound); empty where fewer than the threshold."),
    ("people_text", "string", "The count as published: 'about 40', '40 to 60', 'fewer than 5'."),
    ("country", "string", "Countries involved (ISO 3166 codes), separated by '; '."),
    ("places", "string", "Places (city, province, country), separated by '; '; withheld in small cells."),
    ("perpetrators", "string", "State and agency of the perpetrators, separated by '; '."),
    ("sources", "integer", "How many reports the incident is drawn from."),
    ("instruments", "string", "Instruments with an obligation in force for the acting state (law.classify)."),
)
SOURCE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("incident_id", "integer", "The incident the report describes."),
    ("outlet", "string", "Who published the report."),
    ("published", "string", "Publication date as known (ISO 8601, possibly reduced precision)."),
    ("url", "string", "Where the report was published (web addresses only)."),
)


TALLY_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("id", "integer", "Tally number in the publishing database."),
    ("kind", "string", "What the figure counts: returned, arrested, held, escaped or other."),
    ("people", "integer", "The figure (lower bound); empty where fewer than the threshold."),
    ("people_text", "string", "The figure as published: 'at least 670', 'about 3000', 'fewer than 5'."),
    ("period_start", "date", "First day of the month (or year) the figure counts from, if stated."),
    ("period_end", "date", "Last day of the month (or year) it counts to, if stated."),
    ("rate", "string", "per_year for a yearly rate; empty for a total or a head-count."),
    ("place", "string", "Where the figure applies (city, province, country)."),
    ("source_org", "string", "The organisation the report gives as the source of the figure."),
    ("url", "string", "The report that states it (web addresses only)."),
)


@dataclass(frozen=True, slots=True)
class PackageSummary:
    """What was written."""

    incidents: int
    sources: int
    places_withheld: int
    files: tuple[str, ...]
    tallies: int = 0


def write_datapackage(
    records: Sequence[dict[str, Any]],
    redacted: Sequence[dict[str, Any]],
    out_dir: Path,
    *,
    coordinates: Callable[[dict[str, Any]], tuple[float, float] | None],
    min_cell: int = 5,
    title: str = "Forced returns of North Koreans: incidents (redacted public data)",
    tallies: Sequence[dict[str, Any]] = (),
) -> PackageSummary:
    """Write the package for ``redacted`` (public forms of ``records``, matched by id) into ``out_dir``.

    ``records`` are the full linked records the redacted ones came from (for
    places, sources and legal lists); only what the public form allows, plus
    published source addresses, is written. ``tallies`` are public tally forms
    (:func:`refwatch.report.redaction.redact_tallies`), written to ``tallies.csv``:
    running totals and head-counts that reports state, never added into incidents.
    """
    full = {r["id"]: r for r in records}
    public = [r for r in redacted if r["id"] in full]
    withheld = withheld_incidents(records, redacted, min_cell=min_cell)
    out_dir.mkdir(parents=True, exist_ok=True)
    incident_rows = [_incident_row(r, full[r["id"]], r["id"] in withheld) for r in public]
    source_rows = [row for r in public for row in _source_rows(full[r["id"]])]
    geo = _geojson(public, full, withheld, coordinates)
    texts = {
        "incidents.csv": _csv([f[0] for f in INCIDENT_FIELDS], incident_rows),
        "sources.csv": _csv([f[0] for f in SOURCE_FIELDS], source_rows),
        "tallies.csv": _csv([f[0] for f in TALLY_FIELDS], [_tally_row(t) for t in tallies]),
        "incidents.geojson": json.dumps(geo, ensure_ascii=False, indent=1) + "\n",
        "README.md": _readme(title, len(incident_rows), len(source_rows), len(withheld), min_cell),
    }
    for name, text in texts.items():
        (out_dir / name).write_text(text, encoding="utf-8", newline="")
    sums = {name: hashlib.sha256((out_dir / name).read_bytes()).hexdigest() for name in texts}
    (out_dir / "SHA256SUMS").write_text(
        "".join(f"{h}  {n}\n" for n, h in sorted(sums.items())), encoding="utf-8"
    )
    package = Package(
        name="refoulement-watch-incidents",
        title=title,
        description="Redacted public data: no persons, no quotes, no restricted incidents; see README.md.",
        created=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        resources=[
            _table("incidents", "incidents.csv", INCIDENT_FIELDS, out_dir, sums),
            _table("sources", "sources.csv", SOURCE_FIELDS, out_dir, sums),
            _table("tallies", "tallies.csv", TALLY_FIELDS, out_dir, sums),
            _file("incidents-map", "incidents.geojson", "application/geo+json", out_dir, sums),
            _file("readme", "README.md", "text/markdown", out_dir, sums),
        ],
    )
    package.to_json(str(out_dir / "datapackage.json"))
    return PackageSummary(
        len(incident_rows),
        len(source_rows),
        len(withheld),
        (*sorted(texts), "SHA256SUMS", "datapackage.json"),
        tallies=len(tallies),
    )


def _tally_row(public: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": public["id"],
        "kind": public["kind"],
        "people": public["figure"]["count"],
        "people_text": public["figure"]["text"],
        "period_start": public["period"]["start"],
        "period_end": public["period"]["end"],
        "rate": public["rate"],
        "place": public["place"],
        "source_org": public["source_org"],
        "url": public["url"],
    }


def withheld_incidents(
    records: Sequence[dict[str, Any]], redacted: Sequence[dict[str, Any]], *, min_cell: int
) -> set[int]:
    """Ids of the public records whose places are withheld: fewer than ``min_cell`` people there that month.

    Every public output that names places (the package, the Uwazi CSV) withholds the same ones.
    """
    full = {r["id"]: r for r in records}
    public = [r for r in redacted if r["id"] in full]
    cells = _people_per_place_month(public, full)
    return {r["id"] for r in public if any(cells[k] < min_cell for k in _cell_keys(r, full[r["id"]]))}


def _table(
    name: str, path: str, spec: tuple[tuple[str, str, str], ...], out_dir: Path, sums: dict[str, str]
) -> Resource:
    kinds = {"integer": fields.IntegerField, "string": fields.StringField, "date": fields.DateField}
    schema = Schema(fields=[kinds[kind](name=field, description=text) for field, kind, text in spec])
    return Resource(
        name=name,
        path=path,
        format="csv",
        mediatype="text/csv",
        encoding="utf-8",
        schema=schema,
        hash=f"sha256:{sums[path]}",
        bytes=(out_dir / path).stat().st_size,
    )


def _file(name: str, path: str, mediatype: str, out_dir: Path, sums: dict[str, str]) -> Resource:
    return Resource(
        name=name,
        path=path,
        mediatype=mediatype,
        hash=f"sha256:{sums[path]}",
        bytes=(out_dir / path).stat().st_size,
    )


def _place_names(record: dict[str, Any]) -> list[str]:
    names = []
    for loc in record.get("locations") or []:
        name = loc.get("place") or loc.get("admin1")
        if name and name not in names:
            names.append(name)
    return names


def _cell_keys(public: dict[str, Any], record: dict[str, Any]) -> list[tuple[str, str]]:
    month = (public["date"].get("start") or "unknown")[:7]
    return [(name, month) for name in _place_names(record)]


def _people_per_place_month(
    public: Sequence[dict[str, Any]], full: dict[int, dict[str, Any]]
) -> dict[tuple[str, str], int]:
    """People reported per place and month, over the published incidents (lower bounds)."""
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for r in public:
        victims = full[r["id"]]["victims"]
        people = victims.get("count_min") if victims.get("count_min") is not None else victims.get("count")
        for key in _cell_keys(r, full[r["id"]]):
            cells[key] += int(people or 0)
    return cells


def _incident_row(public: dict[str, Any], record: dict[str, Any], withheld: bool) -> dict[str, Any]:
    countries = sorted({c for loc in record.get("locations") or [] if (c := loc.get("country"))})
    instruments = sorted({o["instrument"] for o in record.get("legal") or [] if o.get("in_force")})
    return {
        "id": public["id"],
        "event_types": "; ".join(public["event_types"]),
        "status": public["status"],
        "date_start": public["date"].get("start") or "",
        "date_end": public["date"].get("end") or "",
        "people": "" if public["victims"]["count"] is None else public["victims"]["count"],
        "people_text": public["victims"]["text"],
        "country": "; ".join(countries),
        "places": "" if withheld else "; ".join(public["places"]),
        "perpetrators": "; ".join(f"{p['state'] or '?'} {p['agency']}" for p in public["perpetrators"]),
        "sources": public["sources"],
        "instruments": "; ".join(instruments),
    }


def _source_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for source in record.get("sources") or []:
        url = source.get("url") or ""
        rows.append(
            {
                "incident_id": record["id"],
                "outlet": source.get("outlet") or "",
                "published": source.get("published") or "",
                "url": url if url.startswith(("https://", "http://")) else "",
            }
        )
    return rows


def _geojson(
    public: Sequence[dict[str, Any]],
    full: dict[int, dict[str, Any]],
    withheld: set[int],
    coordinates: Callable[[dict[str, Any]], tuple[float, float] | None],
) -> dict[str, Any]:
    """One point per place of each published incident, at the gazetteer's town or province centre."""
    features = []
    for r in public:
        if r["id"] in withheld:
            continue
        for loc in full[r["id"]].get("locations") or []:
            point = coordinates({k: v for k, v in loc.items() if k != "facility"})  # no facility: town level
            if point is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(point[0], 2), round(point[1], 2)]},
                    "properties": {
                        "incident": r["id"],
                        "place": loc.get("place") or loc.get("admin1") or loc.get("country"),
                        "status": r["status"],
                        "month": (r["date"].get("start") or "")[:7] or None,
                        "people_text": r["victims"]["text"],
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _readme(title: str, incidents: int, sources: int, withheld: int, min_cell: int) -> str:
    today = dt.date.today().isoformat()
    return f"""# {title}

Written by Refoulement Watch on {today}: {incidents} incidents, {sources} source reports.

## What is in it
- `incidents.csv`: one row per confirmed incident (schema in `datapackage.json`).
- `sources.csv`: the published reports each incident is drawn from (outlet, date, web address).
- `tallies.csv`: running totals, yearly rates and head-counts that open reports state ("at least 670
  returned since 2020"), as their sources give them. They are not incidents and are not added into any
  figure; nobody reviews them, so the file is empty unless the package was written with them asked for.
- `incidents.geojson`: one point per place of each incident, at the centre of the town or province
  (never a facility or an exact location).
- `SHA256SUMS`: the SHA-256 of every file; `datapackage.json` repeats them per resource.

## What was left out, and why
Families of the people in these incidents may still live in North Korea. So this package holds no
persons, no names and no quotes; counts under the threshold read "fewer than N"; dates are given to the
month; incidents drawn from evidence shared in confidence (restricted) and unreviewed machine candidates
are not included. Where the people reported at one place in one month number fewer than {min_cell}, the
place is withheld (the country stays) and the incident is not on the map: {withheld} incidents here.

## How to check it
`frictionless validate datapackage.json`; `sha256sum -c SHA256SUMS`.
"""
