"""Person records: partner lists (CSV or XLSX) stored row by row, sealed, for linkage.

``refwatch persons import FILE --list NAME`` stores each row of a partner's list as
a *record* of that list (``storage.tables.PersonRecord``); ``refwatch persons link``
then decides which records are one person (``services.person_linkage``). What a
row may hold is ``domain.records.FIELDS``; a partner's own column names are mapped
onto them with ``--map COLUMN=FIELD``.

Written with a leak in mind, like ``services.persons``: names come only in files,
a file is one transaction, errors name the file, line and column but never a
cell's value, identifying fields are sealed before they reach the database, and
the audit log gets one ``record.import`` entry with the list and the counts.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from refwatch.domain.records import FIELDS, NAME_FIELDS, CellError, RecordFields, read_fields
from refwatch.errors import InvalidInput
from refwatch.ingest.sheets import header_of, read_sheet
from refwatch.storage import audit
from refwatch.storage import records as store
from refwatch.storage.database import Database
from refwatch.storage.tables import PersonRecord, SourceList

logger = logging.getLogger(__name__)

MAX_LIST_NAME = 100
#: ``--map COLUMN=`` (nothing after ``=``) leaves a column out.
SKIP = ""


@dataclass(slots=True)
class RecordImportReport:
    """What a record import did: counts and record ids only, never names."""

    list_name: str
    rows: int = 0
    generated: list[tuple[int, str]] = field(default_factory=list)
    list_created: bool = False
    skipped_columns: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "list": self.list_name,
            "records": self.rows,
            "generated": [{"line": line, "record_id": rid} for line, rid in self.generated],
            "list_created": self.list_created,
            "skipped_columns": self.skipped_columns,
        }


def is_person_file(path: Path) -> bool:
    """True for the older person file (a ``pseudonym`` column): one row per person, not per record.

    Such a file names persons by pseudonym and goes to ``services.persons.import_persons``;
    any other file is a partner's list of records.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return False
    try:
        return "pseudonym" in {h.strip().lower() for h in header_of(path)}
    except InvalidInput:
        return True  # let the person importer name the problem, as it always has


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``["Case no=record_id", "Phone="]`` as ``{"case no": "record_id", "phone": ""}``.

    Column names are compared without case and surrounding spaces; a field left
    empty leaves the column out.
    """
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        column, target = column.strip().lower(), target.strip().lower()
        if not sep or not column:
            raise InvalidInput("--map takes COLUMN=FIELD (or COLUMN= to leave a column out)")
        if target != SKIP and target not in FIELDS:
            raise InvalidInput(f"--map: {target!r} is not a field; the fields are {', '.join(FIELDS)}")
        if column in mapping:
            raise InvalidInput("--map names one column twice")
        mapping[column] = target
    return mapping


def import_records(
    db: Database,
    path: Path,
    *,
    list_name: str,
    mapping: dict[str, str] | None = None,
    actor: str,
    origin: str | None,
) -> RecordImportReport:
    """Store every row of a partner's list as a record of ``list_name``, all or nothing.

    Args:
        db: The database.
        path: CSV (UTF-8) or XLSX (first worksheet) with a header row.
        list_name: The source list the rows are records of (made when new).
        mapping: The partner's column names (lower case) to fields (``parse_mapping``).
        actor: Who is recorded in the audit log.
        origin: Where from (``cli``, an address).

    Raises:
        InvalidInput: naming the file, line and column of the first problem; nothing is stored.
    """
    list_name = list_name.strip()
    if not list_name or len(list_name) > MAX_LIST_NAME:
        raise InvalidInput(f"--list: give a list name of 1 to {MAX_LIST_NAME} characters")
    where = str(path)
    report = RecordImportReport(list_name)
    try:
        with read_sheet(path) as (header, rows), db.transaction() as session:
            columns = _columns(header, mapping or {}, where, report)
            source = _source_list(session, list_name, report, actor=actor, origin=origin)
            taken = set(store.record_ids(session, source.id))
            seen_here: dict[str, int] = {}
            for line, cells in rows:
                values = {columns[i]: c for i, c in enumerate(cells) if columns[i] and c}
                fields = _check(session, values, where, line, columns)
                record_id = fields.record_id or _fresh_id(taken)
                if fields.record_id is None:
                    report.generated.append((line, record_id))
                elif record_id in seen_here:
                    raise InvalidInput(
                        f"{where}, line {line}, column {_position(columns, 'record_id')}: "
                        f"record_id repeats line {seen_here[record_id]}"
                    )
                elif record_id in taken:
                    raise InvalidInput(
                        f"{where}, line {line}, column {_position(columns, 'record_id')}: this record_id "
                        f"is already on the list; import new rows only"
                    )
                seen_here[record_id] = line
                taken.add(record_id)
                session.add(_record(source, record_id, fields, actor))
                report.rows += 1
            audit.record(
                session,
                actor=actor,
                action="record.import",
                entity="source_list",
                entity_id=source.id,
                detail={"list": list_name, "records": report.rows, "generated": len(report.generated)},
                origin=origin,
            )
    except InvalidInput as exc:
        raise InvalidInput(f"{exc}; nothing from the file was stored") from None
    logger.info("record import: list %d, %d records", source.id, report.rows)
    return report


def _columns(header: list[str], mapping: dict[str, str], where: str, report: RecordImportReport) -> list[str]:
    """The field each column holds (``SKIP`` for left-out columns), refusing unknown and repeated ones.

    An unknown column is named by its position, not its text: in a file without a
    header row the "header" is somebody's record.
    """
    fields: list[str] = []
    for position, raw in enumerate(header, start=1):
        name = raw.strip().lower()
        target = mapping.get(name, name if name in FIELDS else None)
        if target is None:
            raise InvalidInput(
                f"{where}, line 1, column {position}: not a known field (is the header row missing?); "
                f"map it with --map 'COLUMN=FIELD' (or 'COLUMN=' to leave it out); "
                f"the fields are {', '.join(FIELDS)}"
            )
        if target == SKIP:
            report.skipped_columns.append(position)
        elif target in fields:
            raise InvalidInput(f"{where}, line 1, column {position}: a second column for {target}; keep one")
        fields.append(target)
    unused = set(mapping) - {h.strip().lower() for h in header}
    if unused:
        raise InvalidInput(f"{where}: --map names {len(unused)} column(s) the header does not have")
    if not set(fields) & set(NAME_FIELDS):
        raise InvalidInput(f"{where}, line 1: no name column; give one of {', '.join(NAME_FIELDS)}")
    return fields


def _check(
    session: Session, values: dict[str, str], where: str, line: int, columns: list[str]
) -> RecordFields:
    try:
        fields = read_fields(values)
    except CellError as exc:
        name, _, message = str(exc).partition(": ")
        raise InvalidInput(
            f"{where}, line {line}, column {_position(columns, name)} ({name}): {message}"
        ) from None
    for incident_id in fields.incidents:
        if not store.incident_usable(session, incident_id):
            raise InvalidInput(
                f"{where}, line {line}, column {_position(columns, 'incident')}: no incident {incident_id} "
                "(or it was merged); `refwatch incidents list` shows them"
            )
    return fields


def _position(columns: list[str], name: str) -> int | str:
    return columns.index(name) + 1 if name in columns else name


def _fresh_id(taken: set[str]) -> str:
    """A made-up record id, random so that it says nothing about the row or the person."""
    while True:
        candidate = f"auto-{secrets.token_hex(4)}"
        if candidate not in taken:
            return candidate


def _source_list(
    session: Session, name: str, report: RecordImportReport, *, actor: str, origin: str | None
) -> SourceList:
    found, created = store.source_list(session, name)
    if created:
        report.list_created = True
        audit.record(
            session,
            actor=actor,
            action="source_list.add",
            entity="source_list",
            entity_id=found.id,
            detail={"name": name},
            origin=origin,
        )
    return found


def _record(source: SourceList, record_id: str, fields: RecordFields, actor: str) -> PersonRecord:
    record = PersonRecord(list_id=source.id, record_id=record_id, created_by=actor)
    record.names = json.dumps(fields.names, ensure_ascii=False)
    record.sex = fields.sex
    record.birth = fields.birth
    record.origin = fields.origin
    record.arrest_date = fields.arrest_date
    record.arrest_place = fields.arrest_place
    record.return_date = fields.return_date
    record.return_place = fields.return_place
    record.notes = fields.notes
    record.incidents = list(fields.incidents)
    return record
