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
                          ``CLOSE_THRESHOLD`` Jaro-Winkler (one letter or jamo apart)
``DIFFERENT`` (0)         anything else, and any name that cannot be read
========================  ==========================================================

The surname must agree at every level above ``DIFFERENT``: two people with the
same given name and different surnames are different people far more often than
one surname was misread. Measured on ../shared/data/names/persons.csv (all pairs,
see benchmarks/names.py) with a match at ``CLOSE`` or above: see docs/linkage.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from rapidfuzz.distance import JaroWinkler

from refwatch.link.names.parse import ParsedName, Reading, parse_name

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
        full: surname and given-name key ("김|coqil" for every spelling of Kim Jong-il).
    """

    surname: str
    full: str


def _surnames_agree(left: Reading, right: Reading) -> bool:
    return bool(left.surnames & right.surnames)


def _reading_level(left: Reading, right: Reading) -> NameLevel:
    if not _surnames_agree(left, right) or not left.given or not right.given:
        if _surnames_agree(left, right) and left.given == right.given:
            return NameLevel.SAME_READING  # a surname alone on both sides
        return NameLevel.DIFFERENT
    if left.given == right.given:
        return NameLevel.SAME_READING
    if left.loose == right.loose:
        return NameLevel.LOOSE_READING
    if JaroWinkler.similarity(left.loose, right.loose) >= CLOSE_THRESHOLD:
        return NameLevel.CLOSE
    return NameLevel.DIFFERENT


def compare_parsed(left: ParsedName | None, right: ParsedName | None) -> NameLevel:
    """``compare_names`` for names already parsed (parse each record once)."""
    if left is None or right is None:
        return NameLevel.DIFFERENT
    if left.norm == right.norm:
        return NameLevel.EXACT
    return max(_reading_level(a, b) for a in left.readings for b in right.readings)


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
    return FrequencyKeys(surname=surname, full=f"{surname}|{reading.given}")
