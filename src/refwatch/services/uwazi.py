"""Exchanging incidents with HURIDOCS Uwazi collections through its CSV import.

Export writes the redacted public form (:mod:`refwatch.report.uwazi`) of
confirmed, open incidents: what the data package publishes, in the columns an
Uwazi template imports. Import reads such a file (ours, or one written by an
Uwazi collection with the same property names) into candidate incidents: each
row is stored as a document of its own (its original bytes, a readable text),
with the row's own values in place of an extractor's, then everything is
linked again so that imported reports join the incidents already known. A file
is one transaction: one bad row and nothing of it is stored.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from refwatch.domain.incidents import Location
from refwatch.errors import InvalidInput
from refwatch.ingest.uwazi import UwaziRow, read_uwazi_csv
from refwatch.link.reconcile import Reconciled
from refwatch.report.datapackage import withheld_incidents
from refwatch.report.redaction import RedactionPolicy, redact
from refwatch.report.uwazi import to_uwazi_csv
from refwatch.services.export import coordinates, incident_records
from refwatch.services.incidents import add_source, apply_values
from refwatch.services.ingest import relink_all
from refwatch.services.placenames import place_name
from refwatch.storage import audit, visibility
from refwatch.storage import documents as repo
from refwatch.storage.database import Database
from refwatch.storage.document_names import seal_names
from refwatch.storage.incidents import IncidentFilter
from refwatch.storage.tables import Document, DocumentBlob, Incident

logger = logging.getLogger(__name__)

#: The extractor name recorded on every report read from an Uwazi row.
EXTRACTOR = "uwazi-csv"


def export_uwazi_csv(
    db: Database, out: Path, *, policy: RedactionPolicy, min_cell: int = 5, bom: bool = False
) -> int:
    """Write the public Uwazi CSV of open incidents to ``out``; returns how many rows.

    Confirmed incidents only unless ``policy.confirmed_only`` is False; never a
    restricted one. Places (and the point) of an incident are left out where the
    data package withholds them (fewer than ``min_cell`` people there that month).
    """
    if min_cell < 1:
        raise InvalidInput("--min-cell must be 1 or more")
    states = ("confirmed",) if policy.confirmed_only else ()
    records = incident_records(db, IncidentFilter(review_states=states, unrestricted_only=True))
    public = redact(records, policy)
    body = to_uwazi_csv(
        records,
        public,
        withheld=withheld_incidents(records, public, min_cell=min_cell),
        coordinates=coordinates,
        precision=policy.date_precision,
        korean_name=lambda name: place_name(name, "ko"),
    )
    tmp = out.with_name(out.name + ".part")
    try:
        tmp.write_text(body, encoding="utf-8-sig" if bom else "utf-8", newline="")
        tmp.replace(out)
    except OSError as exc:
        raise InvalidInput(f"cannot write {out}: {exc.strerror}") from None
    return len(public)


def gazetteer_location(name: str, country: str | None) -> Location | None:
    """The gazetteer's province, town or country called ``name`` (in ``country``), as a location."""
    from refwatch.extract.gazetteer import load_gazetteer

    for entry in load_gazetteer().by_name(name):
        if country not in (None, entry.country):
            continue
        if entry.kind == "country":
            return Location(country=entry.country)
        if entry.kind == "province":
            return Location(country=entry.country, admin1=entry.admin1)
        return Location(country=entry.country, admin1=entry.admin1, place=entry.place or name)
    return None


@dataclass(slots=True)
class UwaziImport:
    """What an import did: the documents stored per row, and rows already stored (same bytes)."""

    rows: int = 0
    stored: list[tuple[int, str]] = field(default_factory=list)
    unchanged: list[tuple[int, str]] = field(default_factory=list)
    incidents: int = 0


def import_uwazi_csv(
    db: Database,
    path: Path,
    *,
    actor: str,
    max_file_bytes: int,
    restricted_to: str | None = None,
    seal_text: bool = False,
    link_threshold: float | None = None,
    link_window_days: int = 45,
    link_model: Path | None = None,
) -> UwaziImport:
    """Store each row of an Uwazi CSV file as a candidate incident with one source, then relink.

    Args:
        db: the database.
        path: the CSV file (UTF-8, comma or semicolon separated).
        actor: who is recorded as having imported it.
        max_file_bytes: larger files are refused.
        restricted_to: a group that alone (with admins) may see what the file brings.
        seal_text: store each row's text sealed (``REFWATCH_SEAL_DOCUMENT_TEXT``).
        link_threshold: as for ingest.
        link_window_days: as for ingest.
        link_model: as for ingest.

    Raises:
        InvalidInput: naming the file, row and column of the first problem; nothing is stored.
    """
    where = str(path)
    try:
        if path.stat().st_size > max_file_bytes:
            raise InvalidInput(
                f"{where}: over the limit of {max_file_bytes:,} bytes (REFWATCH_MAX_FILE_BYTES)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{where}: cannot read it ({exc.strerror})") from None
    rows = read_uwazi_csv(data, where, place_of=gazetteer_location)  # all checked before anything is stored
    result = UwaziImport(rows=len(rows))
    with db.transaction() as session:
        for row in rows:
            _store_row(
                session, row, path, result, actor=actor, restricted_to=restricted_to, seal_text=seal_text
            )
        audit.record(
            session,
            actor=actor,
            action="incidents.import",
            entity="document",
            entity_id=None,
            detail={"format": EXTRACTOR, "rows": result.rows, "stored": len(result.stored)},
        )
    if result.stored:
        relink_all(
            db, actor=actor, threshold=link_threshold, window_days=link_window_days, model_dir=link_model
        )
    logger.info("uwazi import: %d rows, %d stored", result.rows, len(result.stored))
    return result


def _store_row(
    session: Session,
    row: UwaziRow,
    path: Path,
    result: UwaziImport,
    *,
    actor: str,
    restricted_to: str | None,
    seal_text: bool,
) -> None:
    sha256 = hashlib.sha256(row.original).hexdigest()
    existing = repo.find_by_sha256(session, sha256)
    if existing is not None:
        result.unchanged.append((row.number, existing.key))
        return
    wanted = f"uwazi-{path.stem[:150]}-{row.number}"  # documents.key holds 200 characters
    key = wanted if not repo.key_exists(session, wanted) else f"{wanted}-{sha256[:8]}"
    doc = Document(
        key=key,
        sha256=sha256,
        filename=f"{path.stem}-row-{row.number}.csv",
        media_type="text/plain",
        size_bytes=len(row.original),
        charset="utf-8",
        text="" if seal_text else row.text,
        title=row.title,
        language="en",
        language_source="option",
        restricted_to=restricted_to,
        ingested_by=actor,
    )
    if seal_text:
        doc.sealed_text = row.text
        seal_names(doc)  # the title and the file's name can name the person, as the text does
    blob = DocumentBlob(sha256=sha256)
    blob.data = row.original
    doc.blob = blob
    session.add(doc)
    session.flush()
    incident = Incident(review_state="candidate", event_types=[], disagreements=[], overrides={})
    session.add(incident)
    extracted = row.incident
    extracted.document = key
    add_source(session, incident, doc, extracted, ordinal=0, extractor=EXTRACTOR)
    apply_values(incident, Reconciled(extracted))
    incident.restricted_to = visibility.join([restricted_to])
    audit.record(
        session,
        actor=actor,
        action="document.ingest",
        entity="document",
        entity_id=doc.id,
        detail={
            "sha256": sha256,
            "key": key,
            "incidents": 1,
            "restricted_to": restricted_to,
            "format": EXTRACTOR,
        },
    )
    result.stored.append((row.number, key))
    result.incidents += 1
