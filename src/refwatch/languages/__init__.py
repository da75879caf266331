"""Language data in one schema: one file per language, every file with every key.

Why: the words for months and days were written out three times (metadata dates in
:mod:`refwatch.ingest.dates`, the English pack of :mod:`refwatch.extract.lang`, and a
pattern in :mod:`refwatch.extract.dates`), each with its own spelling of the keys. As
dateparser keeps its languages, each language is now a JSON file under this package
(``en.json``, ``ko.json``, ``ja.json``, ``zh.json``) in the shape ``schema.json``
gives, checked on load (:func:`load`) and by ``tests/languages``, and the finders
read the words from here. The extractor's vocabulary (event words, cues, people
nouns, custody, death and third-country words) is the ``extraction`` section of the
same files, read by :func:`vocabulary` (see :mod:`.extraction`). ``python -m
refwatch.languages`` checks every file and names the file and key of each fault.

Examples:
    >>> en = calendar("en")
    >>> en.months["sept"], en.weekday_names["thursday"], en.weekdays["thurs"]
    (9, 3, 3)
    >>> calendar("ko").weekdays["금"]
    4
    >>> numbers("en").words["a dozen"], numbers("ko").units["십"]
    (12, 10)
    >>> vocabulary("zh").triggers[0].types
    ('repatriation',)
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Final

import jsonschema

from refwatch.errors import InvalidInput
from refwatch.languages import extraction
from refwatch.languages.extraction import StatusWord, TriggerWord, Vocabulary

__all__ = [
    "LANGUAGES",
    "Calendar",
    "Numbers",
    "StatusWord",
    "TriggerWord",
    "Vocabulary",
    "alternation",
    "calendar",
    "check",
    "cue_words",
    "data_digest",
    "digest_of",
    "extraction_languages",
    "load",
    "numbers",
    "vocabulary",
    "word_set",
]

#: Every language with a data file.
LANGUAGES: Final = ("en", "ja", "ko", "zh")


@dataclass(frozen=True, slots=True)
class Calendar:
    """A language's words for months and days, each mapped to its number.

    ``months``: every name and abbreviation -> 1..12; ``month_names``: full names only.
    ``weekdays``: every name and abbreviation -> 0 (Monday)..6; ``weekday_names``: full names
    only (an abbreviation such as "sat" or "sun" is a word of its own in running text).
    """

    months: dict[str, int]
    month_names: dict[str, int]
    weekdays: dict[str, int]
    weekday_names: dict[str, int]


@dataclass(frozen=True, slots=True)
class Numbers:
    """A language's numbers written in words (see ``numbers`` in ``schema.json``).

    ``words``: read whole ("twelve", "두"); ``digits`` and ``units``: composed place by
    place ("이십" is 2 x 10); ``multipliers``: words that multiply the number before them
    ("two dozen", "three hundred"). Empty where the language has no such form.
    """

    words: dict[str, int]
    digits: dict[str, int]
    units: dict[str, int]
    multipliers: dict[str, int]


@functools.cache
def load(code: str) -> dict[str, Any]:
    """A language's data file, checked against the schema.

    Raises:
        InvalidInput: no such language, or its file does not fit the schema (naming the key).
    """
    if code not in LANGUAGES:
        raise InvalidInput(f"no language data for {code!r}; known: {', '.join(LANGUAGES)}")
    text = resources.files(__package__).joinpath(f"{code}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    check(data, name=f"{code}.json")
    return data


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    """The schema's validator. The schema itself is checked against its meta-schema by
    ``tests/languages``, not on every start: ``jsonschema.validate`` does that on every call,
    which cost more than checking the files (about a second of CPU at import)."""
    schema = json.loads(resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8"))
    validator: jsonschema.protocols.Validator = jsonschema.validators.validator_for(schema)(schema)
    return validator


def check(data: dict[str, Any], *, name: str) -> None:
    """Raise :class:`InvalidInput` naming the file and key where ``data`` breaks the schema.

    Beyond the JSON Schema: the file names its own language, no word stands for two
    months (or two days) of it, digits are 1 to 9 and units powers of ten.
    """
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise InvalidInput(f"{name}: {where}: {error.message}")
    if name != f"{data['code']}.json":
        raise InvalidInput(f"{name}: code: says {data['code']!r}, which is not the file's name")
    for key in ("months", "weekdays"):
        seen: dict[str, int] = {}
        for number, entry in enumerate(data[key]):
            for word in entry["names"] + entry["abbreviations"]:
                if seen.setdefault(word, number) != number:
                    raise InvalidInput(f"{name}: {key}: {word!r} stands for two of them")
    table = data["numbers"]
    for word, value in table["digits"].items():
        if not 1 <= value <= 9:
            raise InvalidInput(f"{name}: numbers/digits: {word!r} is {value}; a digit is 1 to 9")
    for word, value in table["units"].items():
        if value < 10 or str(value).rstrip("0") != "1":
            raise InvalidInput(f"{name}: numbers/units: {word!r} is {value}; a unit is 10, 100, 1000 ...")
    for word, value in table["multipliers"].items():
        if value < 2:
            raise InvalidInput(f"{name}: numbers/multipliers: {word!r} is {value}; a multiplier is 2 or more")
    if table["units"] and not table["digits"]:
        raise InvalidInput(f"{name}: numbers: units without digits compose nothing")
    extraction.check(data["extraction"], name=name)


@functools.cache
def calendar(code: str) -> Calendar:
    """The month and day words of one language (see :class:`Calendar`)."""
    data = load(code)

    def table(key: str, start: int, *, short: bool) -> dict[str, int]:
        return {
            word: number
            for number, entry in enumerate(data[key], start=start)
            for word in entry["names"] + (entry["abbreviations"] if short else [])
        }

    return Calendar(
        months=table("months", 1, short=True),
        month_names=table("months", 1, short=False),
        weekdays=table("weekdays", 0, short=True),
        weekday_names=table("weekdays", 0, short=False),
    )


@functools.cache
def numbers(code: str) -> Numbers:
    """The number words of one language (see :class:`Numbers`), in the file's order."""
    table = load(code)["numbers"]
    return Numbers(
        words=dict(table["words"]),
        digits=dict(table["digits"]),
        units=dict(table["units"]),
        multipliers=dict(table["multipliers"]),
    )


@functools.cache
def vocabulary(code: str) -> Vocabulary:
    """The extraction vocabulary of one language (see :mod:`.extraction`).

    Raises:
        InvalidInput: no such language, or it has no extraction section (its reason given).
    """
    section = load(code)["extraction"]
    found = extraction.read(code, section)
    if found is None:
        raise InvalidInput(f"{code}.json: extraction: empty ({section['empty']})")
    return found


@functools.cache
def extraction_languages() -> tuple[str, ...]:
    """The languages with an extraction vocabulary, in :data:`LANGUAGES` order: every finder
    runs them all on every text, because reports mix scripts."""
    return tuple(code for code in LANGUAGES if "empty" not in load(code)["extraction"])


def alternation(key: str, *, bounded: bool = True, cased: bool = True, **fill: str) -> str:
    r"""``key`` of every extraction language that fills it, each matched as its language is
    (:meth:`Vocabulary.wrap`), as one alternation: the form a finder compiles when it runs every
    language on every text.

    A template's placeholders are filled from ``fill``, each value the key of the same language
    to put there (``countries="route_countries"``).

    Examples:
        >>> alternation("as_of_before", bounded=False)
        '(?i:(?:\\bas\\s+(?:of|at)\\s+$))'
    """
    words = [vocabulary(code) for code in extraction_languages()]
    return "|".join(
        v.wrap(
            v.pattern(key, **{name: v.pattern(source) for name, source in fill.items()}),
            bounded=bounded,
            cased=cased,
        )
        for v in words
        if v.has(key)
    )


def cue_words(key: str) -> tuple[tuple[str, ...], ...]:
    """The word groups of a tally cue over every extraction language that fills it: group ``i``
    holds every language's words of its group ``i`` (the languages give a cue the same groups)."""
    groups: list[list[str]] = []
    for code in extraction_languages():
        words = vocabulary(code)
        if not words.has(key):
            continue
        for i, group in enumerate(words.needs[key]):
            if i == len(groups):
                groups.append([])
            groups[i].extend(group)
    return tuple(tuple(group) for group in groups)


def word_set(key: str) -> frozenset[str]:
    """The words under ``key`` in every extraction language that fills it."""
    return frozenset(
        word
        for code in extraction_languages()
        if vocabulary(code).has(key)
        for word in vocabulary(code).word_list(key)
    )


@functools.cache
def data_digest() -> str:
    """A digest of every language file and the schema: part of the key of the compiled-pattern
    cache (:mod:`refwatch.extract.patterns`), so that an edited word list is never served the
    programs and facts computed for the old one."""
    return digest_of(resources.files(__package__))


def digest_of(folder: Traversable) -> str:
    """The digest :func:`data_digest` gives, of the language files in ``folder``."""
    digest = hashlib.sha256()
    for name in ("schema.json", *(f"{code}.json" for code in LANGUAGES)):
        digest.update(name.encode())
        digest.update(folder.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]
