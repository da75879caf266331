"""Regenerate src/refwatch/link/names/data/hanja_readings.tsv from the Unicode Han database.

Source: the ``kHangul`` field of ``Unihan_Readings.txt`` (Unicode Character Database,
Unihan, version 15.0), as shipped by Debian's ``unicode-data`` package
(``/usr/share/unicode/Unihan_Readings.txt.bz2``; ``apt-get install unicode-data``).
Each output line is ``CHARACTER<TAB>READING READING ...`` in the order Unihan gives
them (the first is the one used for a given name). Unicode data is under the
Unicode License v3, which allows redistribution with its notice (kept in the header).

Usage: python scripts/names_hanja_table.py [PATH_TO_Unihan_Readings.txt.bz2]
"""

from __future__ import annotations

import bz2
import sys
from pathlib import Path

DEFAULT = Path("/usr/share/unicode/Unihan_Readings.txt.bz2")
OUT = Path(__file__).resolve().parents[1] / "src/refwatch/link/names/data/hanja_readings.tsv"
HEADER = (
    "# Hanja -> Hangul readings, derived from the kHangul field of Unihan_Readings.txt\n"
    "# (Unicode Character Database 15.0, Unihan; Debian package unicode-data 15.0.0-1).\n"
    "# Copyright (c) Unicode, Inc. Unicode License v3: https://www.unicode.org/license.txt\n"
    "# Regenerate with scripts/names_hanja_table.py. Format: CHAR<TAB>readings, first is preferred.\n"
)


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    lines = []
    with bz2.open(source, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("U+"):
                continue
            code, field, value = line.rstrip("\n").split("\t")
            if field != "kHangul":
                continue
            readings = [item.split(":")[0] for item in value.split()]
            lines.append(f"{chr(int(code[2:], 16))}\t{' '.join(dict.fromkeys(readings))}\n")
    OUT.write_text(HEADER + "".join(lines), encoding="utf-8")
    print(f"{len(lines)} characters -> {OUT}")  # noqa: T201


if __name__ == "__main__":
    main()
