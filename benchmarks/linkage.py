"""Person linkage (``refwatch persons link``): speed and pairwise precision/recall against known truth.

    .venv/bin/python benchmarks/linkage.py [--records 10000 [100000 ...]] [--backend duckdb|spark|both]
        [--end-to-end] [--no-names] [--shared ../shared] [--seed 7]

1. Synthetic fictional people (random surnames and given-name syllables; seeded)
   on three partner lists: each person is on one to three lists, a few twice on
   one list; every record spells the name its own way (Hangul, RR, MR with and
   without breves, DPRK style, surname last, ad-hoc vowels), and the other fields
   carry realistic noise: birth year off by one or missing, origin in Hangul or
   Latin or missing, the arrest date to the day, month or year, the place in
   Chinese or English. Look-alikes (same name, other person) come from the draw
   itself: common surnames and a small syllable pool make them frequent.
2. Names only, at the default thresholds: ../shared/data/names/persons.csv (real
   attested spellings, one record per spelling; skipped when absent); the same with
   the name's m, u and the prior rule's recall refitted on half of its persons and
   scored on the other half; fictional look-alike people spelled by an independent
   romaniser (``look_alikes``).

Each set is linked by ``link.persons`` exactly as the service does it (features,
Splink on in-memory DuckDB or local Spark, thresholds, clusters); pairwise figures
count pairs of records in one cluster. Prints records/s and peak memory (this
process's ru_maxrss, plus the JVM's resident memory sampled from /proc for Spark).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import resource
import threading
import time
from collections import defaultdict
from pathlib import Path

from refwatch.config import Settings
from refwatch.link.names import romanise
from refwatch.link.names.tables import surnames
from refwatch.link.persons import LinkRecord, cluster_records, feature_row, score_pairs
from refwatch.link.persons.evidence import NameEvidence, derive
from refwatch.services.person_linkage import gazetteer_place

GIVEN = list("영철수민희순옥성일남혁광진경호련향금춘선정현미은숙화룡길복만국학명애란")
ORIGINS = [
    ("회령", "Hoeryong"),
    ("무산", "Musan"),
    ("혜산", "Hyesan"),
    ("청진", "Chongjin"),
    ("온성", "Onsong"),
]
PLACES = [
    ("图们", "Tumen"),
    ("延吉", "Yanji"),
    ("丹东", "Dandong"),
    ("长白", "Changbai"),
    ("沈阳", "Shenyang"),
]


def _spelling(row: object, given: list[str], rng: random.Random) -> str:
    latin = rng.choice(row.spellings)  # type: ignore[attr-defined]
    style = rng.randrange(6)
    if style == 0:
        return row.hangul + "".join(given)  # type: ignore[attr-defined]
    if style == 1:
        return f"{latin} {'-'.join(romanise([s]) for s in given).capitalize()}"
    if style == 2:
        return f"{latin} {romanise(given, system='mr').capitalize()}"
    if style == 3:
        dprk = " ".join(romanise([s], system="mr", breves=False).capitalize() for s in given)
        return f"{latin} {dprk}"
    if style == 4:
        return f"{'-'.join(romanise([s]) for s in given).capitalize()} {latin}"
    # ad-hoc vowels, as many partners write them
    plain = "".join(romanise([s]) for s in given).capitalize()
    return f"{latin} {plain.replace('eo', 'u').replace('eu', 'u')}"


def synthetic(records: int, seed: int = 7) -> tuple[list[LinkRecord], dict[int, int]]:
    """Fictional records and each record's true person."""
    rng = random.Random(seed)
    rows = [row for row in surnames() if len(row.hangul) == 1][:25]
    weights = [30 if row.hangul in "김이박최정" else 3 for row in rows]  # common surnames dominate
    out: list[LinkRecord] = []
    truth: dict[int, int] = {}
    person = 0
    while len(out) < records:
        person += 1
        row = rng.choices(rows, weights)[0]
        given = rng.sample(GIVEN, 2)
        sex = rng.choice("FM")
        born = rng.randrange(1950, 2005)
        origin = rng.choice(ORIGINS)
        year = rng.randrange(2010, 2024)
        date = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        place = rng.choice(PLACES)
        lists = rng.sample(["NGO A", "NGO B", "Press"], rng.choice([1, 1, 1, 2, 2, 3]))
        if rng.random() < 0.05:
            lists.append(lists[0])  # twice on one list
        for list_name in lists:
            if len(out) >= records:
                break
            rid = len(out) + 1
            truth[rid] = person
            out.append(
                LinkRecord(
                    id=rid,
                    list_name=list_name,
                    spellings=(_spelling(row, given, rng),),
                    sex=sex if rng.random() > 0.1 else None,
                    birth_year=None if rng.random() < 0.2 else born + rng.choice([0, 0, 0, 0, 1, -1]),
                    origin=None if rng.random() < 0.3 else rng.choice(origin),
                    event_date=None if rng.random() < 0.2 else date[: rng.choice([4, 7, 10, 10])],
                    event_place=None if rng.random() < 0.3 else rng.choice(place),
                )
            )
    return out, truth


def _with_provinces(records: list[LinkRecord]) -> list[LinkRecord]:
    """Places resolved through the gazetteer (id and province), as the service does, cached per text."""
    places: dict[tuple[str | None, str | None], tuple[str | None, str | None]] = {}

    def place(text: str | None, country: str | None = None) -> tuple[str | None, str | None]:
        if (text, country) not in places:
            places[(text, country)] = gazetteer_place(text, country=country)
        return places[(text, country)]

    return [
        LinkRecord(
            **{
                **{f: getattr(r, f) for f in r.__slots__},  # type: ignore[attr-defined]
                "origin_place": place(r.origin, "KP")[0],
                "origin_province": place(r.origin, "KP")[1],
                "event_place_id": place(r.event_place)[0],
                "event_province": place(r.event_place)[1],
            }
        )
        for r in records
    ]


class _ChildMemory:
    """Peak resident memory of this process's descendants (Spark's JVM), sampled from /proc."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> _ChildMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _descendants_rss(os.getpid()))


def _descendants_rss(root: int) -> int:
    """Sum of VmRSS (KiB) of every process below ``root``."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        pid = int(status.parent.name)
        parent[pid] = int(fields.get("PPid", "0").strip())
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total = 0
    for pid in rss:
        up = parent.get(pid, 0)
        while up and up != root:
            up = parent.get(up, 0)
        total += rss[pid] if up == root else 0
    return total


def run(
    title: str,
    records: list[LinkRecord],
    truth: dict[int | str, int | str] | dict[int, int] | dict[int, str],
    backend: str = "duckdb",
    evidence: NameEvidence | None = None,
) -> None:
    settings = Settings()
    start = time.perf_counter()
    records = _with_provinces(records)
    rows = [feature_row(r) for r in records]
    with _ChildMemory() as children:
        model = score_pairs(
            rows,
            review_threshold=settings.linkage_review_threshold,
            frequency_min_records=settings.linkage_frequency_min_records,
            backend="spark" if backend == "spark" else "duckdb",
            evidence=evidence,
        )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    jvm = f" + JVM {children.peak / 1024:,.0f} MiB" if children.peak else ""
    print(
        f"\n{title} [{backend}]: {len(records)} records, "
        f"{len(model.pairs)} pairs over the review threshold, "
        f"{seconds:.1f} s ({len(records) / seconds:,.0f} records/s), peak {peak:,.0f} MiB{jvm}; "
        f"trained: {', '.join(model.trained)}"
    )
    by_person: dict[object, list[int]] = defaultdict(list)
    for rid, person in truth.items():
        by_person[person].append(int(rid))
    true_pairs = {frozenset(p) for ids in by_person.values() for p in itertools.combinations(ids, 2)}
    print(f"{'match at':>9} {'precision':>9} {'recall':>7} {'to review':>9}")
    for threshold in sorted({0.5, 0.8, settings.linkage_match_threshold, 0.95}):
        outcome = cluster_records(
            [int(r) for r in truth],
            model.pairs,
            match_threshold=threshold,
            review_threshold=min(threshold, settings.linkage_review_threshold),
        )
        clusters: dict[int, list[int]] = defaultdict(list)
        for rid, key in outcome.person_of.items():
            clusters[key].append(rid)
        found = {frozenset(p) for ids in clusters.values() for p in itertools.combinations(ids, 2)}
        tp = len(found & true_pairs)
        precision = tp / len(found) if found else 1.0
        recall = tp / len(true_pairs) if true_pairs else 1.0
        mark = " (default)" if threshold == settings.linkage_match_threshold else ""
        print(f"{threshold:>9.2f} {precision:>9.3f} {recall:>7.3f} {len(outcome.review):>9}{mark}")


def end_to_end(records: list[LinkRecord]) -> None:
    """Import the records as CSV lists into a fresh encrypted SQLite database, then time ``link_persons``."""
    import tempfile

    from refwatch.config import load_settings
    from refwatch.security.keys import write_key_file
    from refwatch.services import person_linkage
    from refwatch.services.records import import_records
    from refwatch.services.setup import init_database

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        key = Path(tmp) / "refwatch.key"
        write_key_file(key)
        settings = load_settings(home=home, key_file=key)
        db, _ = init_database(settings)
        by_list: dict[str, list[LinkRecord]] = defaultdict(list)
        for r in records:
            by_list[r.list_name].append(r)
        start = time.perf_counter()
        for list_name, rows in by_list.items():
            path = Path(tmp) / "list.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(
                    ["record_id", "name_other", "sex", "birth_year", "origin", "arrest_date", "arrest_place"]
                )
                for r in rows:
                    writer.writerow(
                        [
                            r.id,
                            r.spellings[0],
                            r.sex or "",
                            r.birth_year or "",
                            r.origin or "",
                            r.event_date or "",
                            r.event_place or "",
                        ]
                    )
            import_records(db, path, list_name=list_name, actor="bench", origin="bench")
        imported = time.perf_counter() - start
        start = time.perf_counter()
        report = person_linkage.link_persons(db, settings, actor="bench", origin="bench")
        linked = time.perf_counter() - start
        db.dispose()
    print(
        f"\nend to end (encrypted SQLite): import {imported:.1f} s, `persons link` {linked:.1f} s "
        f"for {report.records} records ({report.persons} persons, {report.review_open} pairs to review)"
    )


def _names_only(title: str, rows: list[tuple[str, str]], evidence: NameEvidence | None = None) -> None:
    records = [LinkRecord(id=i + 1, list_name="names", spellings=(name,)) for i, (_, name) in enumerate(rows)]
    run(title, records, {i + 1: person for i, (person, _) in enumerate(rows)}, evidence=evidence)


def look_alikes(people: int = 150, seed: int = 11) -> list[tuple[str, str]]:
    """FICTIONAL people and as many look-alikes (one syllable changed, syllables swapped, another
    surname), four spellings each, RR from an independent romaniser (korean-romanizer)."""
    from korean_romanizer.romanizer import Romanizer

    rng = random.Random(seed)
    rows = [row for row in surnames() if len(row.hangul) == 1][:30]
    out: list[tuple[str, str]] = []
    used: set[str] = set()
    for person in range(people):
        row, given = rng.choice(rows), rng.sample(GIVEN, 2)
        kind = person % 3
        if kind == 0:
            look = (row, [given[0], rng.choice([s for s in GIVEN if s not in given])])
        elif kind == 1:
            look = (row, [given[1], given[0]])
        else:
            look = (rng.choice([r for r in rows if r.hangul != row.hangul]), given)
        names = {row.hangul + "".join(given), look[0].hangul + "".join(look[1])}
        if names & used or len(names) < 2:
            continue
        used |= names
        for who, (surname, syllables) in (("", (row, given)), ("-look", look)):
            rr = Romanizer("".join(syllables)).romanize().capitalize()
            latin = rng.choice(surname.spellings)
            mr = romanise(syllables, system="mr", breves=False).capitalize()
            out += [
                (f"p{person}{who}", surname.hangul + "".join(syllables)),
                (f"p{person}{who}", f"{latin} {rr}"),
                (
                    f"p{person}{who}",
                    f"{rr.replace('eo', 'u').replace('eu', 'u')} {rng.choice(surname.spellings)}",
                ),
                (f"p{person}{who}", f"{latin} {mr}"),
            ]
    return out


def held_out(shared: Path) -> None:
    """Names only at the default thresholds: persons.csv; refitted on half its persons, the other
    half; fictional look-alikes."""
    names = shared / "data" / "names" / "persons.csv"
    if not names.is_file():
        print(f"{names} not found: skipped")
    else:
        with names.open(encoding="utf-8", newline="") as handle:
            rows = [(r["person_id"], r["spelling"]) for r in csv.DictReader(handle)]
        _names_only("persons.csv, names only", rows)
        persons = sorted({p for p, _ in rows})
        for half in (0, 1):
            fit = {p for i, p in enumerate(persons) if i % 2 == half}
            evidence = derive([r for r in rows if r[0] in fit], source="half")
            _names_only(
                f"persons.csv, names only, the half not fitted (m, u, recall refitted on {len(fit)} others)",
                [r for r in rows if r[0] not in fit],
                evidence,
            )
    _names_only("fictional look-alikes, names only", look_alikes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000])
    parser.add_argument(
        "--end-to-end", action="store_true", help="Also import into SQLite and run the service."
    )
    parser.add_argument("--backend", choices=("duckdb", "spark", "both"), default="duckdb")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-names", action="store_true", help="Skip the names-only sets.")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    args = parser.parse_args()
    for size in args.records:
        records, truth = synthetic(size, args.seed)
        for backend in ("duckdb", "spark") if args.backend == "both" else (args.backend,):
            run("synthetic (fictional)", records, truth, backend)
        if args.end_to_end:
            end_to_end(records)
    if not args.no_names:
        held_out(args.shared)


if __name__ == "__main__":
    main()
