"""Exports of linked incidents: JSON Lines, CSV and GeoJSON.

JSON Lines is the complete form (the linked-incident shape of INCIDENTS.md,
with sources and claims). CSV is one flat row per incident for spreadsheets,
optionally with a byte-order mark so that Excel reads Korean text correctly.
GeoJSON has one point per located place of an incident, coordinates from the
gazetteer. Tallies (running totals, head-counts) are written beside a JSON Lines
or CSV export, to ``NAME.tallies.jsonl`` / ``NAME.tallies.csv`` (:func:`export_tallies`),
never into the incidents file: no script that adds up incidents can add them in.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from refwatch.errors import InvalidInput
from refwatch.report.datapackage import PackageSummary, write_datapackage
from refwatch.report.redaction import RedactionPolicy, redact, redact_tallies
from refwatch.services.legal import with_legal
from refwatch.services.tallies import tally_records
from refwatch.storage import audit
from refwatch.storage.database import Database
from refwatch.storage.incidents import IncidentFilter, load_incidents, to_record
from refwatch.storage.tallies import TallyFilter

ExportFormat = Literal["jsonl", "csv", "geojson"]
#: Formats that write a folder rather than a file.
PACKAGE_FORMATS = ("datapackage",)

CSV_COLUMNS = (
    "id",
    "review_state",
    "status",
    "event_types",
    "date_start",
    "date_end",
    "date_precision",
    "count",
    "count_min",
    "count_max",
    "count_qualifier",
    "women",
    "men",
    "children",
    "places",
    "perpetrators",
    "salience",
    "disagreements",
    "n_sources",
    "documents",
    "urls",
    "legal",
)


def incident_records(db: Database, filters: IncidentFilter) -> list[dict[str, Any]]:
    """Linked incidents matching ``filters`` as plain records."""
    with db.session() as session:
        return [with_legal(to_record(row)) for row in load_incidents(session, filters)]


def export_incidents(
    db: Database,
    out: Path,
    *,
    fmt: ExportFormat,
    filters: IncidentFilter,
    bom: bool = False,
    public: RedactionPolicy | None = None,
) -> int:
    """Write incidents to ``out`` (written whole, then moved into place); returns how many.

    With ``public``, only the redacted public form of open incidents is written
    (see :mod:`refwatch.report.redaction`): nothing restricted, whatever ``filters`` says.
    """
    body, n = incident_export_body(db, fmt=fmt, filters=filters, public=public)
    _write(out, body, bom=bom)
    return n


def incident_export_body(
    db: Database, *, fmt: ExportFormat, filters: IncidentFilter, public: RedactionPolicy | None = None
) -> tuple[str, int]:
    """The text of an incidents export and how many incidents it holds (see :func:`export_incidents`)."""
    if public is not None:
        # Published data never holds anything drawn from restricted evidence, whoever exports it.
        filters = dataclasses.replace(filters, unrestricted_only=True)
    records = incident_records(db, filters)
    if public is not None:
        if fmt == "geojson":
            raise InvalidInput("public exports are jsonl or csv; exact coordinates are not published")
        redacted = redact(records, public)
        if fmt == "jsonl":
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in redacted), len(redacted)
        return to_public_csv(redacted), len(redacted)
    if fmt == "jsonl":
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    elif fmt == "csv":
        body = to_csv(records)
    elif fmt == "geojson":
        body = json.dumps(to_geojson(records), ensure_ascii=False, indent=1)
    else:
        raise InvalidInput(f"unknown export format {fmt!r}; use jsonl, csv or geojson")
    return body, len(records)


def download_incidents(
    db: Database,
    *,
    fmt: ExportFormat,
    public: bool,
    visible_groups: tuple[str, ...] | None,
    actor: str,
    origin: str | None = None,
) -> tuple[str, int]:
    """An incidents export for a reader to download: what they may see, the public form on request; audited.

    Data that leaves the system is recorded (who, which form, how many), as reads of persons are:
    a full export carries the evidence quotes, which may name people.
    """
    filters = IncidentFilter(visible_groups=visible_groups)
    policy = RedactionPolicy() if public else None
    body, n = incident_export_body(db, fmt=fmt, filters=filters, public=policy)
    _audit_download(
        db, "incidents.export", "incident", {"format": fmt, "public": public, "incidents": n}, actor, origin
    )
    return body, n


def _audit_download(
    db: Database, action: str, entity: str, detail: dict[str, Any], actor: str, origin: str | None
) -> None:
    """Record a download in its own transaction: who took which form of how many records."""
    with db.transaction() as session:
        audit.record(
            session, actor=actor, action=action, entity=entity, entity_id=None, detail=detail, origin=origin
        )


def _write(out: Path, body: str, *, bom: bool) -> None:
    encoding = "utf-8-sig" if bom else "utf-8"
    tmp = out.with_name(out.name + ".part")
    try:
        tmp.write_text(body, encoding=encoding, newline="")
        tmp.replace(out)
    except OSError as exc:
        raise InvalidInput(f"cannot write {out}: {exc.strerror}") from None


def to_public_csv(records: Iterable[dict[str, Any]]) -> str:
    """The redacted records as CSV."""
    buffer = io.StringIO()
    columns = (
        "id",
        "event_types",
        "status",
        "date_start",
        "date_end",
        "people",
        "places",
        "perpetrators",
        "sources",
    )
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for r in records:
        writer.writerow(
            {
                "id": r["id"],
                "event_types": "; ".join(r["event_types"]),
                "status": r["status"],
                "date_start": r["date"]["start"] or "",
                "date_end": r["date"]["end"] or "",
                "people": r["victims"]["text"],
                "places": "; ".join(r["places"]),
                "perpetrators": "; ".join(f"{p['state'] or '?'} {p['agency']}" for p in r["perpetrators"]),
                "sources": r["sources"],
            }
        )
    return buffer.getvalue()


def _place_text(loc: dict[str, Any]) -> str:
    parts = [loc.get("facility"), loc.get("place"), loc.get("admin1"), loc.get("country")]
    return ", ".join(p for p in parts if p) + f" ({loc.get('role')})"


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    """One row per incident; lists joined with "; "."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for r in records:
        writer.writerow(
            {
                "id": r["id"],
                "review_state": r["review_state"],
                "status": r["status"],
                "event_types": "; ".join(r["event_types"]),
                "date_start": r["date"]["start"] or "",
                "date_end": r["date"]["end"] or "",
                "date_precision": r["date"]["precision"],
                "count": _blank(r["victims"]["count"]),
                "count_min": _blank(r["victims"]["count_min"]),
                "count_max": _blank(r["victims"]["count_max"]),
                "count_qualifier": r["victims"]["qualifier"],
                "women": _blank(r["victims"]["women"]),
                "men": _blank(r["victims"]["men"]),
                "children": _blank(r["victims"]["children"]),
                "places": "; ".join(_place_text(loc) for loc in r["locations"]),
                "perpetrators": "; ".join(f"{p['state'] or '?'} {p['agency']}" for p in r["perpetrators"]),
                "salience": r["salience"],
                "disagreements": "; ".join(r["disagreements"]),
                "n_sources": len(r["sources"]),
                "documents": "; ".join(s["document"] for s in r["sources"]),
                "urls": "; ".join(s["url"] for s in r["sources"] if s["url"]),
                "legal": "; ".join(
                    f"{o['instrument']} art. {o['article']} ({o['state']}, "
                    f"{ {True: 'in force', False: 'not in force', None: 'unknown'}[o['in_force']] })"
                    for o in r.get("legal") or []
                ),
            }
        )
    return buffer.getvalue()


def _blank(value: object) -> object:
    return "" if value is None else value


def coordinates(loc: dict[str, Any]) -> tuple[float, float] | None:
    """(lon, lat) of the most specific gazetteer entry for a location, if known."""
    import importlib

    try:
        gazetteer = importlib.import_module("refwatch.extract.gazetteer").load_gazetteer()
    except ImportError:
        return None
    for name in (loc.get("facility"), loc.get("place"), loc.get("admin1")):
        if not name:
            continue
        for entry in gazetteer.by_name(name):
            if (
                entry.lat is not None
                and entry.lon is not None
                and entry.country in (loc.get("country"), None)
            ):
                return float(entry.lon), float(entry.lat)
    return None


def to_geojson(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection with a point per located place of each incident."""
    features = []
    for r in records:
        for loc in r["locations"]:
            point = coordinates(loc)
            if point is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [point[0], point[1]]},
                    "properties": {
                        "incident": r["id"],
                        "role": loc["role"],
                        "place": loc.get("place") or loc.get("admin1") or loc.get("country"),
                        "status": r["status"],
                        "event_types": r["event_types"],
                        "date_start": r["date"]["start"],
                        "date_end": r["date"]["end"],
                        "count": r["victims"]["count"],
                        "count_max": r["victims"]["count_max"],
                        "review_state": r["review_state"],
                        "sources": len(r["sources"]),
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def export_datapackage(
    db: Database, out_dir: Path, *, policy: RedactionPolicy, min_cell: int = 5, tallies: bool = False
) -> PackageSummary:
    """The public data package (see :mod:`refwatch.report.datapackage`) of confirmed, open incidents.

    Nothing restricted is read, whatever the policy says; ``policy`` decides
    counts and dates as for every public output. The ``tallies`` resource holds the
    open documents' tallies only when ``tallies`` is set (``--include-unconfirmed``):
    nobody reviews them, so they are not published by default.
    """
    if min_cell < 1:
        raise InvalidInput("--min-cell must be 1 or more")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InvalidInput(f"{out_dir} exists and is not an empty folder; name a new folder for the package")
    records = incident_records(db, IncidentFilter(review_states=("confirmed",), unrestricted_only=True))
    public_tallies = (
        redact_tallies(
            tally_records(db, TallyFilter(unrestricted_only=True)),
            dataclasses.replace(policy, confirmed_only=False),
        )
        if tallies
        else []
    )
    try:
        return write_datapackage(
            records,
            redact(records, policy),
            out_dir,
            coordinates=coordinates,
            min_cell=min_cell,
            tallies=public_tallies,
        )
    except OSError as exc:
        raise InvalidInput(f"cannot write {out_dir}: {exc.strerror}") from None


#: Columns of a tallies CSV (the full form; the public one has fewer).
TALLY_CSV_COLUMNS = (
    "id",
    "document",
    "kind",
    "count",
    "count_min",
    "count_max",
    "qualifier",
    "figure_text",
    "period_start",
    "period_end",
    "period_precision",
    "rate",
    "country",
    "admin1",
    "place",
    "source_org",
    "url",
)
PUBLIC_TALLY_CSV_COLUMNS = (
    "id",
    "kind",
    "people",
    "period_start",
    "period_end",
    "rate",
    "place",
    "source_org",
    "url",
)


def tallies_path(out: Path) -> Path:
    """Where the tallies of an export to ``out`` go: beside it, ``NAME.tallies.EXT``.

    Examples:
        >>> tallies_path(Path("out/incidents.jsonl")).as_posix()
        'out/incidents.tallies.jsonl'
    """
    return out.with_name(f"{out.stem}.tallies{out.suffix}")


def export_tallies(
    db: Database,
    out: Path,
    *,
    fmt: ExportFormat,
    bom: bool = False,
    public: RedactionPolicy | None = None,
) -> tuple[Path, int] | None:
    """Write the tallies beside an incident export to ``out``; returns the file and how many.

    None when nothing is written: GeoJSON (a tally has no point), or a public export
    that allows only reviewed records (tallies are never reviewed; see
    :func:`refwatch.report.redaction.redact_tallies`). A public export reads open
    documents' tallies only, whatever else is asked.
    """
    if fmt not in ("jsonl", "csv") or (public is not None and public.confirmed_only):
        return None
    path = tallies_path(out)
    body, n = tallies_export_body(db, fmt=fmt, public=public, filters=TallyFilter())
    _write(path, body, bom=bom)
    return path, n


def tallies_export_body(
    db: Database, *, fmt: ExportFormat, public: RedactionPolicy | None, filters: TallyFilter
) -> tuple[str, int]:
    """The text of a tallies export (JSON Lines or CSV) and how many tallies it holds.

    With ``public``, the redacted form of open documents' tallies (``filters`` is then
    narrowed to those, whoever asks); the CLI's file and the browser's download are both this.
    """
    if fmt not in ("jsonl", "csv"):
        raise InvalidInput(f"tallies are exported as jsonl or csv, not {fmt!r}")
    if public is not None:
        open_only = dataclasses.replace(filters, unrestricted_only=True)
        redacted = redact_tallies(tally_records(db, open_only), public)
        if fmt == "jsonl":
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in redacted), len(redacted)
        return _public_tallies_csv(redacted), len(redacted)
    records = tally_records(db, filters)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), len(records)
    return tallies_csv(records), len(records)


def download_tallies(
    db: Database,
    *,
    fmt: ExportFormat,
    public: bool,
    visible_groups: tuple[str, ...] | None,
    actor: str,
    origin: str | None = None,
) -> tuple[str, int]:
    """The tallies a reader may see, to download; audited as ``tallies.export`` (see ``download_incidents``).

    The public form is that of ``refwatch export --public --include-unconfirmed``: tallies are
    never reviewed, so the default public policy (confirmed only) would publish none of them.
    """
    policy = RedactionPolicy(confirmed_only=False) if public else None
    body, n = tallies_export_body(
        db, fmt=fmt, public=policy, filters=TallyFilter(visible_groups=visible_groups)
    )
    _audit_download(
        db, "tallies.export", "tally", {"format": fmt, "public": public, "tallies": n}, actor, origin
    )
    return body, n


def tallies_csv(records: Iterable[dict[str, Any]]) -> str:
    """One row per tally, the full form."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=TALLY_CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for r in records:
        figure, period, place = r["figure"], r["period"], r.get("place") or {}
        writer.writerow(
            {
                "id": r["id"],
                "document": r["document"],
                "kind": r["kind"],
                "count": _blank(figure.get("count")),
                "count_min": _blank(figure.get("count_min")),
                "count_max": _blank(figure.get("count_max")),
                "qualifier": figure.get("qualifier"),
                "figure_text": figure.get("text") or "",
                "period_start": period.get("start") or "",
                "period_end": period.get("end") or "",
                "period_precision": period.get("precision"),
                "rate": r.get("rate") or "",
                "country": place.get("country") or "",
                "admin1": place.get("admin1") or "",
                "place": place.get("place") or "",
                "source_org": r.get("source_org") or "",
                "url": r.get("url") or "",
            }
        )
    return buffer.getvalue()


def _public_tallies_csv(redacted: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PUBLIC_TALLY_CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for r in redacted:
        writer.writerow(
            {
                "id": r["id"],
                "kind": r["kind"],
                "people": r["figure"]["text"],
                "period_start": r["period"]["start"] or "",
                "period_end": r["period"]["end"] or "",
                "rate": r["rate"] or "",
                "place": r["place"],
                "source_org": r["source_org"] or "",
                "url": r["url"] or "",
            }
        )
    return buffer.getvalue()


def public_datapackage_zip(db: Database) -> bytes:
    """The public data package, with the default redaction (``RedactionPolicy()``, cells under 5
    withheld), zipped in memory for the public site's download.

    Built in a private temporary folder that is removed at once: it holds only what the
    package publishes (confirmed, open incidents in their redacted form), nothing sealed.
    """
    import io
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory(prefix="refwatch-public-") as tmp:
        folder = Path(tmp) / "package"
        export_datapackage(db, folder, policy=RedactionPolicy())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, Path("refwatch-public") / path.relative_to(folder))
        return buffer.getvalue()
