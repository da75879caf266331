"""Person records: partner lists imported as sealed records, linked into persons, reviewed, exported.

Every person here is FICTIONAL: names, places, dates and record ids are made up
for the tests (the names are common syllables put together, spelled the ways
partners spell Korean names).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from refwatch.config import Settings
from refwatch.errors import Conflict, InvalidInput
from refwatch.services import person_linkage, records
from refwatch.services.estimation import histories_from_db
from refwatch.storage import records as store
from refwatch.storage.database import Database
from refwatch.storage.tables import AuditEvent, LinkageRun, PersonRecord

HEADER = ["Case", "Hangul", "Latin", "sex", "birth_year", "origin", "arrest_date", "arrest_place"]
MAPPING = ["Case=record_id", "Hangul=name_hangul", "Latin=name_romanised"]
# (person, list, row): the same fictional person spelled differently on each list.
ROWS = [
    ("hyeona", "NGO A", ["a1", "지현아", "", "F", "1990", "회령", "2019-03-02", "图们"]),
    ("hyeona", "NGO B", ["b1", "", "Ji Hyeon-a", "F", "1990", "Hoeryong", "2019-03", "Tumen"]),
    ("hyeona", "Press", ["c1", "", "Jee Hyun A", "F", "1991", "Hoeryŏng", "2019", "Tumen"]),
    ("okgum", "NGO A", ["a2", "리옥금", "Ri Ok-gum", "F", "1985", "무산", "2020-07-15", "Yanji"]),
    ("okgum", "NGO B", ["b2", "", "Lee Okgeum", "F", "1985", "Musan", "2020-07-15", "Yanji"]),
    ("dalsun", "NGO A", ["a3", "박달순", "", "M", "1978", "혜산", "2018-11", "Changbai"]),
    ("dalsun", "Press", ["c2", "", "Park Dal Soon", "M", "1978", "Hyesan", "2018-11", "Changbai"]),
    ("yongsu", "NGO A", ["a4", "", "Kim Yong-su", "M", "1982", "Hoeryong", "2021-01", "Tumen"]),
    ("yongil", "NGO B", ["b3", "", "Kim Yong-il", "M", "1960", "Chongjin", "2016-05", "Dandong"]),
    ("myonghwa", "NGO A", ["a5", "최명화", "", "F", "1995", "청진", "2022-02-10", "Shenyang"]),
    ("myonghwa", "NGO A", ["a6", "", "Choe Myong-hwa", "F", "1995", "Chongjin", "2022-02-10", "Shenyang"]),
    ("sunhui", "Press", ["c3", "", "Han Sun-hui", "F", "1970", "Hamhung", "2015", "Dandong"]),
]
NAMES = (
    "지현아",
    "Ji Hyeon-a",
    "Jee Hyun A",
    "리옥금",
    "Lee Okgeum",
    "박달순",
    "Park Dal Soon",
    "Choe Myong-hwa",
)


def write_lists(tmp_path: Path) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    for list_name in dict.fromkeys(name for _, name, _ in ROWS):
        path = tmp_path / f"{list_name.replace(' ', '_')}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(row for _, name, row in ROWS if name == list_name)
        paths[list_name] = path
    return paths


def import_all(db: Database, tmp_path: Path) -> None:
    mapping = records.parse_mapping(MAPPING)
    for list_name, path in write_lists(tmp_path).items():
        records.import_records(db, path, list_name=list_name, mapping=mapping, actor="ana", origin="cli")


def truth() -> dict[tuple[str, str], str]:
    return {(name, row[0]): person for person, name, row in ROWS}


def test_import_seals_records_and_names_the_bad_cell(db: Database, tmp_path: Path) -> None:
    import_all(db, tmp_path)
    with db.session() as session:
        loaded = store.load_records(session)
        raw = session.execute(select(PersonRecord.__table__)).mappings().all()  # the stored bytes
    assert len(loaded) == len(ROWS)
    first = next(r for r in loaded if r.record_id == "b1")
    assert first.names == {"name_romanised": ["Ji Hyeon-a"]} and first.birth == "1990"
    assert first.arrest_date == "2019-03" and first.list_name == "NGO B"
    stored = repr([dict(r) for r in raw])
    assert not [n for n in NAMES if n in stored or n.encode() in stored.encode()]

    bad = tmp_path / "bad.csv"
    bad.write_text("Case,Latin,birth_year\nz1,Kim Gasang,1990\nz2,Ri Heogu,nineteen\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        records.import_records(
            db, bad, list_name="NGO Z", mapping=records.parse_mapping(MAPPING[::2]), actor="ana", origin="cli"
        )
    message = str(caught.value)
    assert (
        "bad.csv, line 3, column 3 (birth_year)" in message and "nothing from the file was stored" in message
    )
    assert "nineteen" not in message and "Ri Heogu" not in message
    with db.session() as session:
        assert len(store.load_records(session)) == len(ROWS)  # z1 was rolled back with z2


def test_spelling_variants_across_lists_link_into_the_intended_persons(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    import_all(db, tmp_path)
    report = person_linkage.link_persons(db, settings, actor="ana", origin="cli")
    assert report.records == len(ROWS)
    out = tmp_path / "clusters.csv"
    assert person_linkage.export_clusters(db, out, actor="ana", origin="cli") == len(ROWS)
    text = out.read_text(encoding="utf-8")
    assert not [n for n in NAMES if n in text]
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == ["list", "record_id", "person_id", "match_probability"]
    got: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        got.setdefault(row["person_id"], set()).add((row["list"], row["record_id"]))
    intended: dict[str, set[tuple[str, str]]] = {}
    for key, person in truth().items():
        intended.setdefault(person, set()).add(key)
    assert sorted(map(sorted, got.values())) == sorted(map(sorted, intended.values()))
    assert report.within_list == 1 and report.across_lists >= 4

    with db.session() as session:
        run = session.scalars(select(LinkageRun)).one()
        model = json.loads(run.model)
        runs = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "linkage.run")))
    assert model["link_type"] == "dedupe_only" and len(model["comparisons"]) == 6
    assert [e.entity_id for e in runs] == [str(run.id)]
    assert not [n for n in NAMES if n in run.model or n in json.dumps(runs[0].detail)]


def test_reviewers_decisions_override_the_model_in_later_runs(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    import_all(db, tmp_path)
    # Everything the model is unsure of, and more, goes to the queue.
    strict = settings.model_copy(update={"linkage_match_threshold": 1.0, "linkage_review_threshold": 0.0})
    report = person_linkage.link_persons(db, strict, actor="ana", origin="cli")
    queue = person_linkage.review_queue(db)
    assert report.review_open == len(queue) > 0 and report.links == 0
    ref = {("NGO A", "a5"), ("NGO A", "a6")}
    pair = next(p for p in queue if {p.left_ref, p.right_ref} == ref)
    shown = person_linkage.show_pair(db, pair.id, actor="rev", origin="cli")
    assert {r["record_id"] for r in shown["records"]} == {"a5", "a6"}
    person_linkage.decide(db, pair.id, "confirmed", actor="rev", origin="cli")
    with pytest.raises(Conflict):
        person_linkage.decide(db, pair.id, "split", actor="rev", origin="cli")
    # Splits beat the model: the fictional 지현아's three records, which the model links (see above).
    hyeona = {("NGO A", "a1"), ("NGO B", "b1"), ("Press", "c1")}
    splits = [p for p in queue if {p.left_ref, p.right_ref} <= hyeona]
    assert len(splits) == 3
    for split in splits:
        person_linkage.decide(db, split.id, "split", actor="rev", origin="cli")
    person_linkage.link_persons(db, strict, actor="ana", origin="cli")
    with db.session() as session:
        run = store.latest_run(session)
        assert run is not None
        person = {(lst, rid): key for lst, rid, _, key, _ in store.run_clusters(session, run.id)}
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert person[("NGO A", "a5")] == person[("NGO A", "a6")]  # confirmed; a threshold of 1.0 links nothing
    assert len(person_linkage.review_queue(db)) == len(queue) - 4  # decided pairs leave the queue
    person_linkage.link_persons(db, settings, actor="ana", origin="cli")
    with db.session() as session:
        run = store.latest_run(session)
        assert run is not None
        person = {(lst, rid): key for lst, rid, _, key, _ in store.run_clusters(session, run.id)}
    assert len({person[ref] for ref in hyeona}) == 3  # split though the model would link them
    assert person[("NGO B", "b2")] == person[("NGO A", "a2")]  # the model still links the others
    assert {"record.read", "linkage.confirm", "linkage.split"} <= set(actions)


def test_estimate_counts_each_linked_person_once(db: Database, settings: Settings, tmp_path: Path) -> None:
    import_all(db, tmp_path)
    person_linkage.link_persons(db, settings, actor="ana", origin="cli")
    (table,) = histories_from_db(db, unit="persons", lists_from="source_lists")
    assert table.lists == ("NGO A", "NGO B", "Press")
    assert sum(table.counts.values()) == len(set(truth().values()))  # 7 persons, not 12 records
    assert table.counts[(1, 1, 1)] == 1  # 지현아 is on all three lists
    by_sex = {
        t.stratum: sum(t.counts.values())
        for t in histories_from_db(db, unit="persons", lists_from="source_lists", stratum="sex")
    }
    assert by_sex == {"F": 4, "M": 3}
    by_province = {
        t.stratum: sum(t.counts.values())
        for t in histories_from_db(db, unit="persons", lists_from="source_lists", stratum="province")
    }
    # 회령/Hoeryong (2 people), 무산/Musan, 청진/Chongjin (2 people); 혜산 is Ryanggang
    assert by_province["North Hamgyong"] == 5 and by_province["Ryanggang"] == 1


def test_backup_keeps_records_sealed_and_restores_them(sqlite_settings: Settings, tmp_path: Path) -> None:
    from refwatch.config import load_settings
    from refwatch.services.backup import create_backup, restore_backup
    from refwatch.services.setup import open_database

    db = open_database(sqlite_settings)
    try:
        import_all(db, tmp_path)
        person_linkage.link_persons(db, sqlite_settings, actor="ana", origin="cli")
        with db.session() as session:
            run = store.latest_run(session)
            assert run is not None
            before = store.run_clusters(session, run.id)
        out = tmp_path / "snapshot.rwbk"
        create_backup(db, sqlite_settings, out, actor="ana")
    finally:
        db.dispose()
    raw = out.read_bytes()
    assert not [n for n in NAMES if n.encode() in raw]
    target = load_settings(home=tmp_path / "restored", key_file=sqlite_settings.key_file)
    summary = restore_backup(target, out, actor="ana")
    assert summary.rows["person_records"] == len(ROWS) and summary.rows["linkage_runs"] == 1
    restored = open_database(target)
    try:
        with restored.session() as session:
            run = store.latest_run(session)
            assert run is not None and store.run_clusters(session, run.id) == before
            names = {r.record_id: r.names for r in store.load_records(session)}
    finally:
        restored.dispose()
    assert names["b1"] == {"name_romanised": ["Ji Hyeon-a"]}


def test_a_record_tied_to_a_restricted_incident_is_not_counted_for_outsiders(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    from refwatch.storage.tables import Incident

    with db.transaction() as session:
        hidden = Incident(review_state="confirmed", event_types=["arrest"], restricted_to="partner-x")
        session.add(hidden)
        session.flush()
        hidden_id = hidden.id
    rows = [
        ["x1", "", "Han Sun-hui", "F", "1970", "Hamhung", "2015", "Dandong", str(hidden_id)],
        ["x2", "", "Kim Yong-il", "M", "1960", "Chongjin", "2016-05", "Dandong", ""],
    ]
    for name, row in (("NGO X", rows[0]), ("NGO Y", rows[1])):
        path = tmp_path / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([*HEADER, "incident"])
            writer.writerow(row)
        records.import_records(
            db, path, list_name=name, mapping=records.parse_mapping(MAPPING), actor="ana", origin="cli"
        )
    person_linkage.link_persons(db, settings, actor="ana", origin="cli")
    (everyone,) = histories_from_db(db, unit="persons", lists_from="source_lists")
    assert sum(everyone.counts.values()) == 2
    with pytest.raises(InvalidInput, match="at least two lists"):
        histories_from_db(db, unit="persons", lists_from="source_lists", visible_groups=())
    (partner,) = histories_from_db(
        db, unit="persons", lists_from="source_lists", visible_groups=("partner-x",)
    )
    assert sum(partner.counts.values()) == 2


def test_a_pair_with_a_record_tied_to_a_restricted_incident_is_hidden_from_outsiders(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    from refwatch.errors import NotFound
    from refwatch.storage.tables import Incident

    with db.transaction() as session:
        hidden = Incident(review_state="confirmed", event_types=["arrest"], restricted_to="partner-x")
        session.add(hidden)
        session.flush()
        hidden_id = hidden.id
    rows = [
        ["x1", "", "Han Sun-hui", "F", "1970", "Hamhung", "2015", "Dandong", str(hidden_id)],
        ["y1", "", "Han Sunhui", "F", "1970", "Hamhung", "2015", "Dandong", ""],
    ]
    for name, row in (("NGO X", rows[0]), ("NGO Y", rows[1])):
        path = tmp_path / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([*HEADER, "incident"])
            writer.writerow(row)
        records.import_records(
            db, path, list_name=name, mapping=records.parse_mapping(MAPPING), actor="ana", origin="cli"
        )
    everything = settings.model_copy(update={"linkage_match_threshold": 1.0, "linkage_review_threshold": 0.0})
    person_linkage.link_persons(db, everything, actor="ana", origin="cli")
    (pair,) = person_linkage.review_queue(db)
    assert person_linkage.review_queue(db, visible_groups=("partner-x",)) == [pair]
    assert person_linkage.review_queue(db, visible_groups=()) == []
    with pytest.raises(NotFound):
        person_linkage.show_pair(db, pair.id, actor="ed", origin="web", visible_groups=())
    with pytest.raises(NotFound):
        person_linkage.decide(db, pair.id, "confirmed", actor="ed", origin="web", visible_groups=())
    shown = person_linkage.show_pair(db, pair.id, actor="ed", origin="web", visible_groups=("partner-x",))
    assert len(shown["records"]) == 2
