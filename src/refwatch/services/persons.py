"""Persons: entered from partner lists (CSV), listed without identities, read under audit.

A person's names, birth year, origin, family links, contact details and notes can
get their family in North Korea punished, so every path here is written with a
leak in mind:

* names come in only through a file, never through command-line options (which
  land in shell history) or URLs (which land in server logs);
* a whole file is one transaction, so a bad row leaves nothing half-imported,
  and error messages name the file, row and column but never repeat a cell's
  value (a shifted column could put a name where a year was expected);
* lists show the pseudonym and flags only; :func:`show_person` is the one way to
  the identifying fields, and it writes ``person.read`` to the audit log in the
  same transaction as the read, so a read that cannot be audited does not happen;
* audit details hold pseudonyms, ids and list names, never identifying fields.

The same person on several partner lists is entered once per list under the same
pseudonym: the second row adds its list memberships and incidents, nothing else,
which is what multiple systems estimation (``--unit persons``) counts.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

from refwatch.domain.records import SEXES
from refwatch.errors import InvalidInput, NotFound
from refwatch.services.browse import MAX_PAGE
from refwatch.storage import audit
from refwatch.storage import persons as repo
from refwatch.storage.database import Database
from refwatch.storage.persons import PersonSummary
from refwatch.storage.sensitive import SENSITIVE_FIELDS
from refwatch.storage.tables import Incident, Person, SourceList

logger = logging.getLogger(__name__)

#: Columns a person file may have, in the order the documentation lists them.
COLUMNS: Final = (
    "pseudonym",
    "name_hangul",
    "name_romanised",
    "sex",
    "birth_year",
    "origin",
    "family_links",
    "contact",
    "notes",
    "incident",
    "lists",
)
#: Identifying fields, stored sealed (see ``storage.sensitive``), in display order.
IDENTIFYING: Final = tuple(c for c in COLUMNS if c in SENSITIVE_FIELDS["persons"])
#: A row needs one of these to stand for somebody.
IDENTITY: Final = ("pseudonym", "name_hangul", "name_romanised")
#: ``Act.act_type`` for "this person was a victim in this incident" (the vocabulary has no act types yet).
VICTIM: Final = "victim"
MAX_PSEUDONYM = 40  # the column's width
MAX_LIST_NAME = 100
BIRTH_YEARS: Final = range(1900, 2101)
SEPARATOR = ";"


@dataclass(slots=True)
class ImportReport:
    """What an import did; pseudonyms and row numbers only, never names.

    ``generated`` pairs each row that had no pseudonym with the one made up for it;
    ``identities_ignored`` lists rows whose pseudonym was known already and whose
    identifying cells were therefore not used (a second list names nobody new).
    """

    rows: int = 0
    added: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    generated: list[tuple[int, str]] = field(default_factory=list)
    memberships: int = 0
    acts: int = 0
    lists_created: list[str] = field(default_factory=list)
    identities_ignored: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "rows": self.rows,
            "added": self.added,
            "linked": self.linked,
            "generated": [{"row": row, "pseudonym": name} for row, name in self.generated],
            "memberships": self.memberships,
            "acts": self.acts,
            "lists_created": self.lists_created,
            "identities_ignored": self.identities_ignored,
        }


@dataclass(frozen=True, slots=True)
class PersonPage:
    """One page of persons and how many there are in all."""

    items: list[PersonSummary]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class _Row:
    """One checked line of a person file (``number`` counts the header as row 1)."""

    number: int
    values: dict[str, str]
    incidents: tuple[int, ...]
    lists: tuple[str, ...]

    def get(self, column: str) -> str | None:
        return self.values.get(column) or None


# --- import ---------------------------------------------------------------------------------------


def import_persons(
    db: Database, path: Path, *, actor: str, origin: str | None, default_list: str | None = None
) -> ImportReport:
    """Add the persons of a CSV file, all or nothing.

    Args:
        db: The database.
        path: UTF-8 CSV with a header row; columns from :data:`COLUMNS`.
        actor: Who is recorded in the audit log.
        origin: Where from (``cli``, an address).
        default_list: A source list every row is put on (the partner list the file is).

    Returns:
        Counts, the pseudonyms added or linked, and the pseudonyms made up for rows without one.

    Raises:
        InvalidInput: naming the file, row and column of the first problem; nothing is stored.
    """
    where = str(path)
    extra = _list_names(default_list or "", f"{where}: the default list")
    try:
        with db.transaction() as session:
            importer = _Importer(session, actor=actor, origin=origin)
            for number, values in _read_rows(path):
                importer.store(_check_row(session, number, values, where, extra))
    except InvalidInput as exc:
        raise InvalidInput(f"{exc}; nothing from the file was stored") from None
    report = importer.report
    logger.info(
        "person import: %d rows, %d added, %d linked", report.rows, len(report.added), len(report.linked)
    )
    return report


def _read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, non-blank cells) for each line of the file that has something in it.

    The CSV is read strictly and every row must have as many cells as the header
    has columns: a forgiving reader turns an unclosed quote into one cell holding
    the rest of the file, which would be stored as somebody's pseudonym. NUL
    bytes are refused too (no spreadsheet writes them; a binary file does).
    Messages name the row, never a cell.
    """
    where = str(path)
    number = 1  # the row being read; the header is row 1
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                raise InvalidInput(f"{where}: the file is empty; the first row must name the columns")
            _refuse_nul(header, where, number)
            names = _check_header(header, where)
            number = 2
            for cells in reader:
                _refuse_nul(cells, where, number)
                if cells and len(cells) != len(names):
                    more_or_fewer = "more" if len(cells) > len(names) else "fewer"
                    raise InvalidInput(
                        f"{where}, row {number}: {len(cells)} cells, {more_or_fewer} than the "
                        f"{len(names)} columns of the header; put cells that contain commas in double quotes"
                    )
                values = {n: c.strip() for n, c in zip(names, cells, strict=False) if c.strip()}
                if values:
                    yield number, values
                number += 1  # kept by hand: a csv.Error raised by the next read names this row
    except UnicodeDecodeError:
        raise InvalidInput(f"{where}: not UTF-8 text; save it as 'CSV UTF-8' and try again") from None
    except csv.Error as exc:
        raise InvalidInput(
            f"{where}, row {number}: malformed CSV ({exc}); check that every opening double quote is closed"
        ) from None
    except OSError as exc:
        raise InvalidInput(f"{where}: cannot read it ({exc.strerror})") from None


def _refuse_nul(cells: list[str], where: str, number: int) -> None:
    """Refuse a row holding a NUL byte (a binary file, or a broken export), naming the row."""
    if any("\0" in cell for cell in cells):
        raise InvalidInput(f"{where}, row {number}: contains a NUL byte; this is not a CSV text file")


def _check_header(header: list[str], where: str) -> list[str]:
    """Column names, refusing unknown and repeated ones.

    An unknown column is named by its position, not its text: in a file whose
    header row is missing, the "header" is a person's row.
    """
    names = [h.strip().lower() for h in header]
    for position, name in enumerate(names, start=1):
        if name not in COLUMNS:
            raise InvalidInput(
                f"{where}, row 1, column {position}: not a known column (is the header row missing?); "
                f"the columns are {', '.join(COLUMNS)}"
            )
        if names.index(name) != position - 1:
            raise InvalidInput(f"{where}, row 1, column {position}: {name} appears twice; keep one")
    return names


def _check_row(
    session: Session, number: int, values: dict[str, str], where: str, extra: tuple[str, ...]
) -> _Row:
    """Every check of one row, before anything of it is stored; messages never quote a cell."""
    at = f"{where}, row {number}"
    if not any(values.get(c) for c in IDENTITY):
        raise InvalidInput(f"{at}: give at least one of {', '.join(IDENTITY)}")
    if len(values.get("pseudonym", "")) > MAX_PSEUDONYM:
        raise InvalidInput(f"{at}, column pseudonym: at most {MAX_PSEUDONYM} characters")
    if "sex" in values and values["sex"].lower() not in SEXES:
        raise InvalidInput(f"{at}, column sex: write F or M (or 여/남), or leave it blank")
    if "birth_year" in values:
        year = values["birth_year"]
        if not (year.isascii() and year.isdigit()) or int(year) not in BIRTH_YEARS:
            raise InvalidInput(f"{at}, column birth_year: write a year such as 1985, or leave it blank")
    incidents = _incident_ids(session, values.get("incident", ""), f"{at}, column incident")
    lists = _list_names(values.get("lists", ""), f"{at}, column lists")
    return _Row(number, values, incidents, tuple(dict.fromkeys(lists + extra)))


def _incident_ids(session: Session, text: str, at: str) -> tuple[int, ...]:
    """The existing, unmerged incidents a cell names (echoed only once known to be numbers)."""
    ids: list[int] = []
    for part in (p.strip() for p in text.split(SEPARATOR)):
        if not part:
            continue
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) < 2**31:
            raise InvalidInput(f"{at}: write incident numbers (e.g. 12; several as 12;15)")
        incident = session.get(Incident, int(part))
        if incident is None:
            raise InvalidInput(f"{at}: there is no incident {part}; `refwatch incidents list` shows them")
        if incident.merged_into_id is not None:
            raise InvalidInput(f"{at}: incident {part} was merged into {incident.merged_into_id}; use that")
        ids.append(incident.id)
    return tuple(dict.fromkeys(ids))


def _list_names(text: str, at: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in text.split(SEPARATOR) if n.strip()))
    if any(len(n) > MAX_LIST_NAME for n in names):
        raise InvalidInput(f"{at}: a list name may have at most {MAX_LIST_NAME} characters")
    return names


class _Importer:
    """Stores checked rows in one transaction, auditing each person and list it adds or links."""

    def __init__(self, session: Session, *, actor: str, origin: str | None) -> None:
        self.session = session
        self.actor = actor
        self.origin = origin
        self.report = ImportReport()
        self.lists: dict[str, SourceList] = {}

    def store(self, row: _Row) -> None:
        """Add the row's person, or put an existing pseudonym on the row's lists and incidents."""
        self.report.rows += 1
        pseudonym = row.get("pseudonym")
        person = self._by_pseudonym(pseudonym) if pseudonym else None
        new = person is None
        if person is None:
            person = self._new_person(row, pseudonym)
        elif any(row.get(c) for c in IDENTIFYING):
            self.report.identities_ignored.append(row.number)
        lists = [name for name in row.lists if self._add_membership(self._source_list(name), person)]
        incidents = [i for i in row.incidents if self._add_act(i, person)]
        self.report.memberships += len(lists)
        self.report.acts += len(incidents)
        if not new and not (lists or incidents):
            return
        (self.report.added if new else self.report.linked).append(person.pseudonym)
        detail = {"pseudonym": person.pseudonym, "row": row.number, "lists": lists, "incidents": incidents}
        self._audit("person.add" if new else "person.link", "person", person.id, detail)

    def _audit(self, action: str, entity: str, entity_id: int, detail: dict[str, Any]) -> None:
        audit.record(
            self.session,
            actor=self.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            origin=self.origin,
        )

    def _by_pseudonym(self, pseudonym: str) -> Person | None:
        return repo.by_pseudonym(self.session, pseudonym)

    def _new_person(self, row: _Row, pseudonym: str | None) -> Person:
        if pseudonym is None:
            pseudonym = repo.fresh_pseudonym(self.session)
            self.report.generated.append((row.number, pseudonym))
        person = Person(pseudonym=pseudonym)
        for column in IDENTIFYING:
            setattr(person, column, row.get(column))
        sex = row.get("sex")
        person.sex = SEXES[sex.lower()] if sex else None  # stored in one form, F or M
        self.session.add(person)
        self.session.flush()
        return person

    def _source_list(self, name: str) -> SourceList:
        if name not in self.lists:
            found = repo.source_list(self.session, name)
            if found is None:
                found = repo.add_source_list(self.session, name)
                self.report.lists_created.append(name)
                self._audit("source_list.add", "source_list", found.id, {"name": name})
            self.lists[name] = found
        return self.lists[name]

    def _add_membership(self, source: SourceList, person: Person) -> bool:
        return repo.put_on_list(self.session, source.id, person.id)

    def _add_act(self, incident_id: int, person: Person) -> bool:
        return repo.add_act(self.session, incident_id, person.id, VICTIM)


# --- reading --------------------------------------------------------------------------------------


def list_persons(
    db: Database,
    *,
    actor: str,
    origin: str | None,
    limit: int = 50,
    offset: int = 0,
    incident_id: int | None = None,
    visible_groups: tuple[str, ...] | None = None,
) -> PersonPage:
    """Persons by pseudonym, without identifying fields; the listing itself is audited.

    Args:
        incident_id: Only the persons of this incident.
        visible_groups: Groups whose restricted incidents the caller may see (None: all). A person
            in an incident restricted to another group is left out, like the incident itself.
    """
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}, offset 0 or more")
    with db.transaction() as session:
        total = repo.count_visible(session, visible_groups, incident_id=incident_id)
        ids = repo.visible_ids(session, visible_groups, incident_id=incident_id, limit=limit, offset=offset)
        items = repo.summaries(session, ids)
        detail: dict[str, Any] = {"shown": len(items), "offset": offset}
        if incident_id is not None:
            detail["incident"] = incident_id
        audit.record(
            session,
            actor=actor,
            action="person.list",
            entity="person",
            entity_id=None,
            detail=detail,
            origin=origin,
        )
    return PersonPage(items, total, limit, offset)


#: Columns of the persons download: what ``refwatch persons list`` shows, no identifying field.
SUMMARY_COLUMNS: Final = (
    "id",
    "pseudonym",
    "incidents",
    "lists",
    "family_in_north_korea",
    "consent_to_publish",
)


def export_person_summaries(
    db: Database, *, actor: str, origin: str | None, visible_groups: tuple[str, ...] | None = None
) -> tuple[str, int]:
    """Every person a reader may see, as CSV in the no-names form of ``persons list``; audited.

    No sealed column is read (the summaries are built from plain columns), so a download can
    never carry a name; it is still data about persons leaving the system, recorded as
    ``person.export`` with how many rows went, in the transaction that reads them.
    """
    with db.transaction() as session:
        ids = repo.visible_ids(session, visible_groups)
        items = repo.summaries(session, ids)
        audit.record(
            session,
            actor=actor,
            action="person.export",
            entity="person",
            entity_id=None,
            detail={"rows": len(items)},
            origin=origin,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SUMMARY_COLUMNS)
    for p in items:
        writer.writerow(
            [
                p.id,
                p.pseudonym,
                " ".join(map(str, p.incidents)),
                "; ".join(p.lists),
                "yes" if p.family_in_north_korea else "no",
                "yes" if p.consent_to_publish else "no",
            ]
        )
    return buffer.getvalue(), len(items)


def record_refusal(db: Database, *, actor: str, origin: str | None, person_id: int | None) -> None:
    """Write down that someone without the right was refused a person (or the list of persons).

    Refusals are what an insider looking where they should not leaves behind;
    the log keeps who, from where and which person they asked for.
    """
    with db.transaction() as session:
        audit.record(
            session,
            actor=actor,
            action="person.refused",
            entity="person",
            entity_id=person_id,
            origin=origin,
        )


def show_person(
    db: Database,
    person_id: int,
    *,
    actor: str,
    origin: str | None,
    visible_groups: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """Everything about one person, identifying fields included, audited as ``person.read``.

    The audit entry is written in the transaction that reads the person and the
    record is handed back only after that transaction has committed: if the entry
    cannot be stored, the caller gets an error, not the names.

    Raises:
        NotFound: no such person, or one in an incident restricted to a group outside ``visible_groups``.
    """
    with db.transaction() as session:
        person = repo.visible_person(session, person_id, visible_groups)
        if person is None:
            raise NotFound(f"no person {person_id}; `refwatch persons list` shows them")
        record = repo.summaries(session, [person.id])[0].to_dict()
        record.update({column: getattr(person, column) for column in IDENTIFYING})
        if record["birth_year"] is not None:
            record["birth_year"] = int(record["birth_year"])
        record["created_at"] = person.created_at.isoformat()
        audit.record(
            session,
            actor=actor,
            action="person.read",
            entity="person",
            entity_id=person.id,
            detail={"pseudonym": person.pseudonym},
            origin=origin,
        )
    return record
