"""Forty fictional people on three source lists, for estimation tests (pseudonyms only)."""

from __future__ import annotations

from refwatch.storage.database import Database
from refwatch.storage.tables import Person, SourceList, SourceListMember

#: (sex, lists the person is on); 40 fictional people on three lists.
PEOPLE = (
    [("F", {"A"})] * 9
    + [("F", {"B"})] * 7
    + [("F", {"C"})] * 6
    + [("F", {"A", "B"})] * 3
    + [("F", {"A", "C"})] * 2
    + [("F", {"B", "C"})] * 2
    + [("F", {"A", "B", "C"})]
    + [("M", {"A"})] * 4
    + [("M", {"B"})] * 3
    + [("M", {"A", "B"})] * 2
    + [(None, {"C"})]
)


def seed_people(db: Database) -> None:
    with db.session() as session:
        lists = {name: SourceList(name=name, description="fictional list") for name in "ABC"}
        session.add_all(lists.values())
        for i, (sex, names) in enumerate(PEOPLE):
            person = Person(pseudonym=f"Person E-{i:03d}", sex=sex)
            session.add(person)
            session.flush()
            for name in names:
                session.add(SourceListMember(list_id=lists[name].id, person_id=person.id))
        session.commit()
