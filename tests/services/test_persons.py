"""Persons: CSV import in one transaction, lists without identities, audited reads.

Every person here is FICTIONAL: the pseudonyms, the names (김가상 / Kim Gasang and
the rest) and the details are made up for the tests.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from refwatch.errors import InvalidInput, NotFound
from refwatch.services import persons
from refwatch.services.auditing import verify_audit
from refwatch.services.estimation import histories_from_db
from refwatch.storage import audit
from refwatch.storage.database import Database
from refwatch.storage.tables import Act, AuditEvent, Incident, Person, SourceList, SourceListMember

# Fictional people.
KIM = {"pseudonym": "Person A-017", "name_hangul": "김가상", "name_romanised": "Kim Gasang", "sex": "F"}
PARK = {"pseudonym": "Person A-018", "name_hangul": "박허구", "name_romanised": "Park Heogu", "sex": "남"}
NAMES = ("김가상", "Kim Gasang", "박허구", "Park Heogu", "이지어", "Lee Jieo")


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(dict.fromkeys(c for row in rows for c in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def new_incident(db: Database, **fields: object) -> int:
    with db.transaction() as session:
        incident = Incident(**fields)
        session.add(incident)
        session.flush()
        return incident.id


def audit_events(db: Database, action: str | None = None) -> list[AuditEvent]:
    with db.session() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(session.scalars(query))


def count(db: Database, table: type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def assert_no_names_in_audit(db: Database) -> None:
    text = json.dumps([[e.actor, e.action, e.entity_id, e.detail, e.origin] for e in audit_events(db)])
    assert not [name for name in NAMES if name in text]


def test_import_stores_sealed_persons_with_incidents_lists_and_audit(db: Database, tmp_path: Path) -> None:
    incident_id = new_incident(db)
    rows = [
        KIM | {"birth_year": "1988", "origin": "Hoeryong (fictional)", "incident": str(incident_id)},
        PARK | {"lists": "NGO A;NGO B", "notes": "met in 2031 (fictional)"},
    ]
    report = persons.import_persons(db, write_csv(tmp_path / "people.csv", rows), actor="ana", origin="cli")

    assert (report.rows, report.added, report.acts, report.memberships) == (
        2,
        ["Person A-017", "Person A-018"],
        1,
        2,
    )
    assert report.lists_created == ["NGO A", "NGO B"]
    with db.session() as session:
        kim = session.scalars(select(Person).where(Person.pseudonym == "Person A-017")).one()
        assert (kim.name_hangul, kim.name_romanised, kim.birth_year, kim.sex) == (
            "김가상",
            "Kim Gasang",
            "1988",
            "F",
        )
        assert kim._name_hangul is not None and "김가상".encode() not in kim._name_hangul
        act = session.scalars(select(Act)).one()
        assert (act.incident_id, act.person_id, act.act_type) == (incident_id, kim.id, "victim")
        park = session.scalars(select(Person).where(Person.pseudonym == "Person A-018")).one()
        assert park.sex == "M" and park.family_in_north_korea and not park.consent_to_publish
    added = audit_events(db, "person.add")
    assert [(e.actor, e.origin, e.entity, e.detail["pseudonym"]) for e in added] == [
        ("ana", "cli", "person", "Person A-017"),
        ("ana", "cli", "person", "Person A-018"),
    ]
    assert added[0].detail["incidents"] == [incident_id] and added[1].detail["lists"] == ["NGO A", "NGO B"]
    assert [e.detail["name"] for e in audit_events(db, "source_list.add")] == ["NGO A", "NGO B"]
    assert_no_names_in_audit(db)
    assert verify_audit(db) == []


BAD_ROWS = [
    # (cells of row 3, the column the message must name)
    ({"pseudonym": "Person A-019", "nickname": "x"}, "column 6"),  # an unknown column (header)
    ({"pseudonym": "Person A-019", "incident": "999"}, "column incident"),
    ({"pseudonym": "Person A-019", "incident": "이지어"}, "column incident"),
    ({"pseudonym": "Person A-019", "sex": "이지어"}, "column sex"),  # a shifted column: a name in "sex"
    ({"pseudonym": "Person A-019", "birth_year": "Lee Jieo"}, "column birth_year"),
    ({"pseudonym": "Person A-019", "birth_year": "1880"}, "column birth_year"),
    ({"sex": "F", "notes": "no one named"}, "pseudonym, name_hangul, name_romanised"),
]


@pytest.mark.parametrize(("bad", "column"), BAD_ROWS)
def test_a_bad_row_stores_nothing_and_says_where(
    db: Database, tmp_path: Path, bad: dict[str, str], column: str
) -> None:
    new_incident(db)
    columns = list(dict.fromkeys([*KIM, "lists", *bad]))
    good = [KIM | {"lists": "NGO A"}]
    path = write_csv(tmp_path / "partner-list.csv", [*good, bad], columns)
    before = len(audit_events(db))

    with pytest.raises(InvalidInput) as caught:
        persons.import_persons(db, path, actor="ana", origin="cli", default_list="Partner")

    message = str(caught.value)
    expected_row = "row 1" if column == "column 6" else "row 3"
    assert str(path) in message and expected_row in message and column in message
    assert not [name for name in NAMES if name in message]  # never the cell's value
    assert (count(db, Person), count(db, SourceList), count(db, SourceListMember)) == (0, 0, 0)
    assert len(audit_events(db)) == before


MALFORMED = [
    # (the file after its header and one good row, the row the message must name)
    ('Person A-019,"이지어,Lee Jieo,F\nPerson A-020,박허구,Park Heogu,M\n', "row 3"),  # unclosed quote
    ('Person A-019,"이지어"Lee Jieo,Lee Jieo,F\n', "row 3"),  # text after a closing quote
    ("Person A-019,이지어,Lee Jieo,F,1990\n", "row 3"),  # a cell too many
    ("Person A-019,이지어\n", "row 3"),  # cells missing
    ("Person A-019,이지어\0,Lee Jieo,F\n", "row 3"),  # a NUL byte
    ("Person A-019,이지어,Lee Jieo,F\n\nPerson A-020,박허구\n", "row 5"),  # rows after a blank line count
]


@pytest.mark.parametrize(("tail", "row"), MALFORMED)
def test_malformed_csv_is_refused_naming_the_row_and_stores_nothing(
    db: Database, tmp_path: Path, tail: str, row: str
) -> None:
    path = tmp_path / "partner-list.csv"
    path.write_text("pseudonym,name_hangul,name_romanised,sex\nPerson A-017,김가상,Kim Gasang,F\n" + tail)
    before = len(audit_events(db))

    with pytest.raises(InvalidInput) as caught:
        persons.import_persons(db, path, actor="ana", origin="cli")

    message = str(caught.value)
    assert f"{path}, {row}:" in message and "nothing from the file was stored" in message
    assert not [name for name in NAMES if name in message]
    assert (count(db, Person), count(db, SourceList)) == (0, 0)
    assert len(audit_events(db)) == before


def test_a_nul_byte_in_the_header_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"pseudonym\x00,sex\nPerson A-017,F\n")
    with pytest.raises(InvalidInput, match=r"binary\.csv, row 1: contains a NUL byte"):
        persons.import_persons(db, path, actor="ana", origin="cli")
    assert count(db, Person) == 0


def test_unreadable_files_are_named(db: Database, tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("pseudonym,name_romanised\nPerson A-017,Kim Gas\xe1ng\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match=r"latin1\.csv: not UTF-8"):
        persons.import_persons(db, latin, actor="ana", origin="cli")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InvalidInput, match="the first row must name the columns"):
        persons.import_persons(db, empty, actor="ana", origin="cli")
    with pytest.raises(InvalidInput, match="no such file|cannot read"):
        persons.import_persons(db, tmp_path / "missing.csv", actor="ana", origin="cli")


def test_one_pseudonym_on_two_lists_is_one_person_counted_by_estimation(db: Database, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", [KIM, PARK])
    # The second partner list names Kim differently: the pseudonym decides, the names are not used.
    second = write_csv(
        tmp_path / "b.csv",
        [KIM | {"name_romanised": "Kim Ga-sang"}, {"pseudonym": "Person A-020", "name_hangul": "이지어"}],
    )
    persons.import_persons(db, first, actor="ana", origin="cli", default_list="NGO A")
    report = persons.import_persons(db, second, actor="ana", origin="cli", default_list="NGO B")
    again = persons.import_persons(db, second, actor="ana", origin="cli", default_list="NGO B")

    assert report.added == ["Person A-020"] and report.linked == ["Person A-017"]
    assert report.identities_ignored == [2]
    assert (again.added, again.linked, again.memberships) == ([], [], 0)  # importing twice changes nothing
    assert count(db, Person) == 3 and count(db, SourceListMember) == 4
    with db.session() as session:
        kim = session.scalars(select(Person).where(Person.pseudonym == "Person A-017")).one()
        assert kim.name_romanised == "Kim Gasang"
    (table,) = histories_from_db(db, unit="persons", lists_from="source_lists")
    assert table.lists == ("NGO A", "NGO B")
    assert table.counts == {(1, 1): 1, (1, 0): 1, (0, 1): 1}
    assert [e.detail["lists"] for e in audit_events(db, "person.link")] == [["NGO B"]]


def test_a_row_without_pseudonym_gets_a_random_one(db: Database, tmp_path: Path) -> None:
    rows = [{"name_hangul": "이지어", "name_romanised": "Lee Jieo"}, {"name_hangul": "박허구"}]
    report = persons.import_persons(db, write_csv(tmp_path / "p.csv", rows), actor="ana", origin="cli")
    assert [row for row, _ in report.generated] == [2, 3]
    made = [pseudonym for _, pseudonym in report.generated]
    assert all(re.fullmatch(r"Person P-\d{6}", p) for p in made) and len(set(made)) == 2
    assert report.added == made


def test_list_shows_no_identifying_field_and_is_audited(db: Database, tmp_path: Path) -> None:
    incident_id = new_incident(db)
    rows = [KIM | {"incident": str(incident_id), "lists": "NGO A"}, PARK]
    persons.import_persons(db, write_csv(tmp_path / "p.csv", rows), actor="ana", origin="cli")

    page = persons.list_persons(db, actor="ben", origin="10.0.0.7", limit=1, offset=1)
    assert page.total == 2 and [p.pseudonym for p in page.items] == ["Person A-018"]
    everyone = persons.list_persons(db, actor="ben", origin="10.0.0.7", limit=50)
    first = everyone.items[0].to_dict()
    assert first == {
        "id": first["id"],
        "pseudonym": "Person A-017",
        "incidents": [incident_id],
        "lists": ["NGO A"],
        "family_in_north_korea": True,
        "consent_to_publish": False,
    }
    of_incident = persons.list_persons(db, actor="ben", origin=None, incident_id=incident_id)
    assert [p.pseudonym for p in of_incident.items] == ["Person A-017"]
    listed = audit_events(db, "person.list")
    assert [(e.actor, e.origin, e.detail) for e in listed] == [
        ("ben", "10.0.0.7", {"shown": 1, "offset": 1}),
        ("ben", "10.0.0.7", {"shown": 2, "offset": 0}),
        ("ben", None, {"shown": 1, "offset": 0, "incident": incident_id}),
    ]
    with pytest.raises(InvalidInput, match="limit"):
        persons.list_persons(db, actor="ben", origin=None, limit=0)


def test_show_returns_everything_and_audits_the_read(db: Database, tmp_path: Path) -> None:
    rows = [KIM | {"birth_year": "1988", "contact": "fictional@example.org"}]
    persons.import_persons(db, write_csv(tmp_path / "p.csv", rows), actor="ana", origin="cli")
    person_id = persons.list_persons(db, actor="ben", origin=None).items[0].id

    record = persons.show_person(db, person_id, actor="ben", origin="10.0.0.7")

    assert (record["name_hangul"], record["name_romanised"], record["birth_year"]) == (
        "김가상",
        "Kim Gasang",
        1988,
    )
    assert record["contact"] == "fictional@example.org" and record["notes"] is None
    (read,) = audit_events(db, "person.read")
    assert (read.actor, read.entity, read.entity_id, read.origin) == (
        "ben",
        "person",
        str(person_id),
        "10.0.0.7",
    )
    assert read.detail == {"pseudonym": "Person A-017"}
    with pytest.raises(NotFound, match="no person 9999"):
        persons.show_person(db, 9999, actor="ben", origin=None)
    assert len(audit_events(db, "person.read")) == 1
    assert_no_names_in_audit(db)
    assert verify_audit(db) == []


def test_a_read_that_cannot_be_audited_does_not_happen(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    persons.import_persons(db, write_csv(tmp_path / "p.csv", [KIM]), actor="ana", origin="cli")
    person_id = persons.list_persons(db, actor="ben", origin=None).items[0].id

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        persons.show_person(db, person_id, actor="ben", origin=None)


def test_persons_of_a_restricted_incident_are_hidden_from_other_groups(db: Database, tmp_path: Path) -> None:
    secret = new_incident(db, restricted_to="team-north")
    rows = [KIM | {"incident": str(secret)}, PARK]
    persons.import_persons(db, write_csv(tmp_path / "p.csv", rows), actor="ana", origin="cli")
    kim_id = persons.list_persons(db, actor="adm", origin=None).items[0].id

    outside = persons.list_persons(db, actor="ben", origin=None, visible_groups=("team-south",))
    assert [p.pseudonym for p in outside.items] == ["Person A-018"] and outside.total == 1
    with pytest.raises(NotFound):
        persons.show_person(db, kim_id, actor="ben", origin=None, visible_groups=())
    inside = persons.show_person(db, kim_id, actor="cho", origin=None, visible_groups=("team-north",))
    assert inside["name_hangul"] == "김가상"
