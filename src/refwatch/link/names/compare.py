"""Two names compared as Korean names, on discrete levels (for Splink comparison levels).

========================  ==========================================================
level                     when (the best over both names' readings)
========================  ==========================================================
``EXACT`` (4)             the same letters, case and punctuation aside, surname first
``SAME_READING`` (3)      the same surname (variants and 리/이 count as one) and the same
                          given-name key: one Hangul reading, however romanised
``LOOSE_READING`` (2)     same surname; given-name keys equal once the vowels that
                          ad-hoc spellings confuse are merged ("Hyun"/"Hyon")
``CLOSE`` (1)             same surname; given-name loose keys within
                          ``CLOSE_THRESHOLD`` Jaro-Winkler (one letter or jamo apart),
                          between the primary readings only
``DIFFERENT`` (0)         anything else, and any name that cannot be read
========================  ==========================================================

The surname must agree at every level above ``DIFFERENT``: two people with the
same given name and different surnames are different people far more often than
one surname was misread. Measured on ../shared/data/names/persons.csv (all pairs,
see benchmarks/names.py) with a match at ``CLOSE`` or above: see docs/linkage.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from rapidfuzz.distance import JaroWinkler

from refwatch.link.names.parse import ParsedName, parse_name

#: Jaro-Winkler similarity of the given-name loose keys for the CLOSE level.
CLOSE_THRESHOLD = 0.9


class NameLevel(IntEnum):
    """How alike two names are; higher is more alike."""

    DIFFERENT = 0
    CLOSE = 1
    LOOSE_READING = 2
    SAME_READING = 3
    EXACT = 4


@dataclass(frozen=True, slots=True)
class FrequencyKeys:
    """Keys to count name frequencies by (for Splink's term-frequency adjustment).

    Attributes:
        surname: the canonical surname ("김" for Kim, Gim, 金 and 김).
        full: surname and loose given-name key ("김|coqil" for every spelling of
            Kim Jong-il); the same value as the ``name_tf`` column for Splink.
    """

    surname: str
    full: str


@dataclass(frozen=True, slots=True)
class NameFeatures:
    """What the levels compare, for one record with one or more spellings of its name.

    The same values become the record's columns for Splink (``levels.name_columns``),
    so the Python levels and the SQL levels cannot drift apart.

    Attributes:
        norms: every spelling, normalised (``EXACT`` if one is shared).
        readings: ``surname|given-key`` for every reading and surname candidate
            (``SAME_READING`` if one is shared: same surname and same given key).
        loose: the same with loose given keys, primary readings only (``LOOSE_READING``).
        surnames: the surname candidates of the first readable spelling's primary reading.
        given_loose: that reading's loose given key (``CLOSE`` compares these two).
    """

    norms: frozenset[str]
    readings: frozenset[str]
    loose: frozenset[str]
    surnames: frozenset[str]
    given_loose: str


def features(names: Sequence[ParsedName | None]) -> NameFeatures | None:
    """The features of a record's spellings; ``None`` when none of them can be read."""
    parsed = [name for name in names if name is not None]
    if not parsed:
        return None
    pairs = [(surname, r) for name in parsed for r in name.readings for surname in r.surnames or {""}]
    primary = parsed[0].readings[0]
    return NameFeatures(
        norms=frozenset(name.norm for name in parsed),
        readings=frozenset(f"{surname}|{r.given}" for surname, r in pairs),
        # Alternative (surname-last) readings must match exactly: loosely they would
        # pair "Chŏn Hak Chun" (전학춘) with 전춘학 through the surname 천.
        loose=frozenset(
            f"{surname}|{name.readings[0].loose}"
            for name in parsed
            for surname in name.readings[0].surnames or {""}
        ),
        surnames=primary.surnames,
        given_loose=primary.loose,
    )


def compare_features(left: NameFeatures | None, right: NameFeatures | None) -> NameLevel:
    """The level of two records' name features (the reference for the Splink SQL)."""
    if left is None or right is None:
        return NameLevel.DIFFERENT
    if left.norms & right.norms:
        return NameLevel.EXACT
    if left.readings & right.readings:
        return NameLevel.SAME_READING
    if left.loose & right.loose:
        return NameLevel.LOOSE_READING
    if (
        left.surnames & right.surnames
        and left.given_loose
        and right.given_loose
        and JaroWinkler.similarity(left.given_loose, right.given_loose) >= CLOSE_THRESHOLD
    ):
        return NameLevel.CLOSE
    return NameLevel.DIFFERENT


def compare_parsed(left: ParsedName | None, right: ParsedName | None) -> NameLevel:
    """``compare_names`` for names already parsed (parse each record once)."""
    return compare_features(features([left]), features([right]))


def compare_names(left: str, right: str) -> NameLevel:
    """How alike two names are, whatever script and romanisation each is written in.

    Examples:
        >>> compare_names("Ri Chun-hee", "이춘희").name
        'SAME_READING'
        >>> compare_names("Kim Kyung Hee", "Kim Kyŏng-hŭi").name
        'LOOSE_READING'
        >>> compare_names("Kim Yong-il", "Kim Il-yong").name
        'DIFFERENT'
    """
    return compare_parsed(parse_name(left), parse_name(right))


def frequency_keys(name: str) -> FrequencyKeys | None:
    """The keys under which a name is counted for term frequencies (primary reading).

    "Kim" and "Kim Yong-il" are common, most given names are not: counting by
    these keys makes every spelling of a name count toward one frequency.
    """
    parsed = parse_name(name)
    if parsed is None:
        return None
    reading = parsed.readings[0]
    surname = min(reading.surnames) if reading.surnames else ""
    return FrequencyKeys(surname=surname, full=f"{surname}|{reading.loose}")
