"""Write src/refwatch/link/persons/data/name_m.toml from labelled spellings.

    .venv/bin/python scripts/linkage_name_m.py [../shared/data/names/persons.csv]

The CSV needs ``person_id`` and ``spelling`` columns (one spelling per row); rows of
one ``person_id`` are one person. See ``refwatch.link.persons.evidence`` for why the
name's m probabilities are measured once and kept as data.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from refwatch.link.persons.evidence import derive, to_toml

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    path = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "names" / "persons.csv"
    )
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(r["person_id"], r["spelling"]) for r in csv.DictReader(handle)]
    persons = len({p for p, _ in rows})
    evidence = derive(rows, source=f"shared/data/names/{path.name}: {persons} persons, {len(rows)} spellings")
    out = ROOT / "src" / "refwatch" / "link" / "persons" / "data" / "name_m.toml"
    out.write_text(to_toml(evidence), encoding="utf-8")
    print(to_toml(evidence), end="")  # noqa: T201 (a script: shows what it wrote)


if __name__ == "__main__":
    main()
