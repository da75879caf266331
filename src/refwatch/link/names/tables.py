"""The name tables, read once from ``data/`` and checked as they load.

Why data and not code: each table has a published source (named in the file's
header), can be corrected by someone who reads Korean without reading Python, and
is checked here (lengths, key alphabet) so that a bad edit fails loudly at the
first comparison rather than quietly matching the wrong people.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from refwatch.errors import ConfigError

#: Every letter a phonetic key may contain (see data/romanisation.toml).
KEY_ALPHABET = frozenset("ktpcshmnlqaeiouyw")
_COUNTS = {"initials": 19, "medials": 21, "finals": 28}


@dataclass(frozen=True, slots=True)
class JamoTable:
    """One of the three jamo series in Unicode index order, with RR, MR and key forms."""

    jamo: tuple[str, ...]
    rr: tuple[str, ...]
    mr: tuple[str, ...]
    key: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Romanisation:
    """Jamo series plus the spelling-to-key rules for Latin and Cyrillic names."""

    initials: JamoTable
    medials: JamoTable
    finals: JamoTable
    mr_voiced: dict[str, str]
    consonants: dict[str, str]
    vowels: dict[str, str]
    onsets: dict[str, str]
    cyrillic: dict[str, str]


@dataclass(frozen=True, slots=True)
class Surname:
    """A surname: its Hangul (South form), Hanja and the spellings it is written in."""

    hangul: str
    hanja: str
    spellings: tuple[str, ...]


def _text(name: str) -> str:
    return resources.files("refwatch.link.names").joinpath("data", name).read_text("utf-8")


def _check_key(where: str, value: str) -> str:
    if not set(value) <= KEY_ALPHABET:
        raise ConfigError(f"name table {where}: key {value!r} uses letters outside the key alphabet")
    return value


def _series(raw: dict[str, Any], name: str) -> JamoTable:
    part = raw[name]
    columns = [tuple(str(item) for item in part[column]) for column in ("jamo", "rr", "mr", "key")]
    if any(len(column) != _COUNTS[name] for column in columns):
        raise ConfigError(f"name table romanisation.toml: [{name}] needs {_COUNTS[name]} entries per column")
    for value in columns[3]:
        _check_key(name, value)
    return JamoTable(*columns)


def _spellings(raw: dict[str, Any], name: str) -> dict[str, str]:
    table = {str(k): _check_key(name, str(v)) for k, v in raw["spellings"][name].items()}
    # Longest spelling first, so that "yeo" wins over "y" + "eo".
    return dict(sorted(table.items(), key=lambda item: -len(item[0])))


@cache
def romanisation() -> Romanisation:
    """The romanisation tables (data/romanisation.toml), loaded once."""
    raw = tomllib.loads(_text("romanisation.toml"))
    cyrillic = dict(sorted(raw["cyrillic"].items(), key=lambda item: -len(item[0])))
    return Romanisation(
        initials=_series(raw, "initials"),
        medials=_series(raw, "medials"),
        finals=_series(raw, "finals"),
        mr_voiced=dict(raw["initials"]["mr_voiced"]),
        consonants=_spellings(raw, "consonants"),
        vowels=_spellings(raw, "vowels"),
        onsets=_spellings(raw, "onsets"),
        cyrillic=cyrillic,
    )


@cache
def surnames() -> tuple[Surname, ...]:
    """The surname table (data/surnames.csv), loaded once."""
    lines = [line for line in _text("surnames.csv").splitlines() if not line.startswith("#")]
    rows = []
    for row in csv.DictReader(lines):
        spellings = tuple(item.strip() for item in row["spellings"].split(";") if item.strip())
        if not row["hangul"] or not spellings or not row["source"].strip():
            raise ConfigError("name table surnames.csv: every row needs hangul, spellings and a source")
        rows.append(Surname(hangul=row["hangul"], hanja=row["hanja"], spellings=spellings))
    return tuple(rows)


@cache
def hanja_readings() -> dict[str, tuple[str, ...]]:
    """Hanja to Hangul readings (data/hanja_readings.tsv, from Unihan kHangul), loaded once."""
    table: dict[str, tuple[str, ...]] = {}
    for line in _text("hanja_readings.tsv").splitlines():
        if line and not line.startswith("#"):
            char, readings = line.split("\t")
            table[char] = tuple(readings.split())
    return table
