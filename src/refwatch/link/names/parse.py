"""A name string in any supported script, split into surname and given name and read into keys.

Supported: Hangul (syllables or loose jamo), Hanja (read through Unihan kHangul),
Latin (RR, MR with or without breves and apostrophes, DPRK official, ad-hoc) and
Cyrillic. Not supported (``parse_name`` returns ``None``): kana, and readings of
Hanja in other languages (Vietnamese "Đức Huấn", Hokkien "Chèng-ji̍t") which use
Latin letters but not as Korean; those fall through to a Latin reading that
matches nothing better than by chance.

Order: Hangul and Hanja names are read surname first (as they are written).
A Latin name is read surname first when its first word is a known surname, after
a comma ("CH'OE, Ryong-hae") or when its last word is not a known surname; when
its last word is a surname too ("Jong Il Kim": 정 is a surname) the surname-last
reading is kept as an alternative and the comparison takes the better of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from refwatch.link.names import hangul, spelling
from refwatch.link.names.tables import hanja_readings, surnames

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TOKEN_SPLIT = re.compile(r"[\s\u00b7\u30fb]+")


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of reading a name: who the surname is and how the given name sounds.

    Attributes:
        surnames: canonical Hangul surnames the surname can be (several for an
            ambiguous spelling such as "Song": 송 or 성); ``~key`` when the
            spelling is not in the table; empty when there is no surname.
        given: phonetic key of the given name.
    """

    surnames: frozenset[str]
    given: str

    @property
    def loose(self) -> str:
        """The given key with the vowels ad-hoc spellings confuse merged (ㅓ ㅗ ㅜ ㅡ; ㅕ ㅛ ㅠ)."""
        return loosen(self.given)


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name read once, for comparing many times.

    Attributes:
        norm: the name as written, case-folded, surname first, letters only
            (the "exact" level compares this).
        readings: the primary reading first, then alternatives (surname last).
        script: ``hangul``, ``hanja`` or ``latin`` (Latin and Cyrillic).
    """

    norm: str
    readings: tuple[Reading, ...]
    script: str


def loosen(key: str) -> str:
    """Merge the vowels that ad-hoc spellings confuse: "Hyun"/"Hyon", "Kyung"/"Kyong", "Sun"/"Son"."""
    return key.replace("u", "o")


@cache
def surname_index() -> dict[str, frozenset[str]]:
    """Folded spelling (and Hanja, and Hangul in both forms) -> canonical Hangul surnames."""
    index: dict[str, set[str]] = {}
    for row in surnames():
        names = [spelling.fold(item) for item in row.spellings] + [row.hanja, row.hangul]
        for name in names:
            index.setdefault(name, set()).add(row.hangul)
    return {name: frozenset(values) for name, values in index.items()}


def _canonical_hangul_surname(part: list[str]) -> str:
    first = hangul.initial_sound_rule(part[0])
    return first + "".join(part[1:])


def _is_compound(two: str) -> bool:
    return two in surname_index() and len(two) == 2


def _hangul_parse(syls: list[str], norm: str, script: str) -> ParsedName:
    split = 2 if len(syls) >= 3 and _is_compound("".join(syls[:2])) else 1
    surname, given = syls[:split], syls[split:]
    reading = Reading(surnames=frozenset({_canonical_hangul_surname(surname)}), given=hangul.key(given))
    return ParsedName(norm=norm, readings=(reading,), script=script)


def _hanja_to_hangul(chars: list[str]) -> list[str] | None:
    table = hanja_readings()
    if not all(char in table for char in chars):
        return None
    index = surname_index()
    split = 2 if len(chars) >= 3 and "".join(chars[:2]) in index else 1
    out = []
    for position, char in enumerate(chars):
        readings = table[char]
        if position < split and split == 1:
            # 金 reads 금 in words but 김 as a surname: prefer the surname reading.
            known = index.get(char, frozenset())
            readings = tuple(r for r in readings if hangul.initial_sound_rule(r) in known) or readings
        out.append(readings[0])
    return out


def _surnames_of(token: str) -> frozenset[str]:
    found = surname_index().get(spelling.fold(token))
    if found:
        return found
    token_key = spelling.key(token)
    return frozenset({"~" + token_key}) if token_key else frozenset()


def _is_surname(token: str) -> bool:
    return "-" not in token and spelling.fold(token) in surname_index()


def _latin_parse(text: str) -> ParsedName | None:
    if "," in text:
        head, _, tail = text.partition(",")
        orders = [(head.split(), tail.split())]
    else:
        tokens = [token for token in _TOKEN_SPLIT.split(text) if token.strip("-")]
        if not tokens:
            return None
        orders = []
        if _is_surname(tokens[0]) or not _is_surname(tokens[-1]) or len(tokens) == 1:
            orders.append(([tokens[0]], tokens[1:]))
        if len(tokens) >= 2 and _is_surname(tokens[-1]):
            orders.append(([tokens[-1]], tokens[:-1]))
    readings = []
    for surname_tokens, given_tokens in orders:
        surname = _surnames_of(" ".join(surname_tokens))
        readings += [Reading(surname, given) for given in spelling.keys(" ".join(given_tokens))]
    surname_tokens, given_tokens = orders[0]
    norm = _letters(" ".join(surname_tokens)) + " " + _letters("".join(given_tokens))
    return ParsedName(norm=norm.strip(), readings=tuple(readings), script="latin")


def _letters(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFC", text.casefold()) if char.isalpha())


@lru_cache(maxsize=65536)  # bounded: a long-running process must not hold every name it saw
def parse_name(text: str) -> ParsedName | None:
    """Read a name in any supported script; ``None`` when nothing in it can be read.

    Examples:
        >>> parse_name("리춘히").readings[0]
        Reading(surnames=frozenset({'이'}), given='cunhi')
        >>> parse_name("Ri Chun-hee").readings[0]
        Reading(surnames=frozenset({'이'}), given='cunhi')
    """
    text = unicodedata.normalize("NFC", text).strip()
    syls = hangul.syllables(text)
    if syls:
        return _hangul_parse(syls, norm="".join(syls), script="hangul")
    chars = _HAN.findall(text)
    if chars:
        readings = _hanja_to_hangul(chars)
        return None if readings is None else _hangul_parse(readings, norm="".join(chars), script="hanja")
    if spelling.is_latin_or_cyrillic(text):
        return _latin_parse(text)
    return None
