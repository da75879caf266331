"""A language's extraction vocabulary: event words, cues, people nouns, as one schema for all.

Why: the finders of :mod:`refwatch.extract` used to import word lists from one Python
module per language, each with its own names, and branched on the language to read
them. Now every language file carries an ``extraction`` section with the same keys
(``schema.json`` describes each); a language fills a key or marks it
``{"empty": "<why>"}``, and a finder asks :func:`vocabulary` for the key in every
language that fills it (:func:`extraction_languages`). Regular-expression fragments
stay regular expressions, with the comment that explains each class of expression
in its ``why``. How a language's entries are matched in running text (case, word
boundaries) and where the finder reads whether an event happened (``realis``) are
data too (``matching``).

Examples:
    >>> from refwatch.languages import extraction_languages, vocabulary
    >>> en = vocabulary("en")
    >>> en.wrap(en.pattern("route_countries")).startswith(r"(?i:\\b(?:laos|")
    True
    >>> vocabulary("ko").realis, vocabulary("ko").has("irrealis_before")
    ('ending_after', False)
    >>> extraction_languages()
    ('en', 'ko', 'zh')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from refwatch.errors import InvalidInput

#: Keys whose entries are tables (word -> kind) rather than patterns.
TABLES: Final = frozenset({"group_nouns", "qualifiers_before", "qualifiers_after"})
#: Keys whose entries are lists of whole words, compared as written.
#: Keys whose entries are tally cues: a pattern and the words every match of it holds.
CUES: Final = frozenset(
    {
        "tally_rate",
        "tally_cumulative",
        "tally_held",
        "tally_resident",
        "tally_estimate",
        "tally_members",
        "tally_returned",
    }
)
WORD_LISTS: Final = frozenset(
    {
        "future_relative_before",
        "speaker_days",
        "infinitive_before",
        "ongoing_before",
        "progressive_custody",
        "negation_before",
        "negation_subject",
        "negation_subject_quantity",
        "verb_group",
    }
)
#: What a template's placeholders are filled with when the validator compiles it.
_PLACEHOLDER: Final = "(?:x)"
_PLACEHOLDER_NAME: Final = re.compile(r"(?<!\{)\{[a-z_]+\}(?!\})")


@dataclass(frozen=True, slots=True)
class TriggerWord:
    """One event word: its pattern, the event types it names, and whether it is a nominal form.

    ``custody_by_place``: a word for being held in a prison, imprisonment (a sentence served in
    North Korea) or detention (custody in China) by the place named after it. ``undecided``: a
    deportation word's types when its sentence names no destination (None: its own types).
    """

    pattern: str
    types: tuple[str, ...]
    nominal: bool
    custody_by_place: bool = False
    undecided: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class StatusWord:
    """A phrase that says where people stand now, and the status it says."""

    pattern: str
    status: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The ``extraction`` section of one language file, read (see ``schema.json`` for the keys)."""

    code: str
    case_insensitive: bool
    word_boundaries: bool
    realis: str
    triggers: tuple[TriggerWord, ...]
    status_cues: tuple[StatusWord, ...]
    patterns: Mapping[str, str]
    tables: Mapping[str, Mapping[str, str]]
    word_lists: Mapping[str, tuple[str, ...]]
    #: A cue's key -> groups of words, one of each group in every match of its pattern.
    needs: Mapping[str, tuple[tuple[str, ...], ...]]
    #: key -> why the language leaves it empty.
    empty: Mapping[str, str]

    def has(self, key: str) -> bool:
        """Whether the language fills ``key``."""
        return (
            key in self.patterns
            or key in self.tables
            or key in self.word_lists
            or (key in _LISTS and key not in self.empty)
        )

    def pattern(self, key: str, **fill: str) -> str:
        """The fragment under ``key``, a template's placeholders filled from ``fill``.

        Raises:
            InvalidInput: the language leaves the key empty, or has no such key.
        """
        try:
            source = self.patterns[key]
        except KeyError:
            raise self._missing(key) from None
        return source.format(**fill) if fill else source

    def wrap(self, fragment: str, *, bounded: bool = True, cased: bool = True) -> str:
        """``fragment`` as the language's words are matched in running text, as ``matching`` says:
        ``(?i:\\b(?:...)\\b)`` for English, ``(?:...)`` for Korean and Chinese; ``bounded=False`` for
        a fragment that places its own word boundaries, ``cased=False`` for one matched in text
        already lower-cased (a case-sensitive pattern runs several times faster)."""
        if self.word_boundaries and bounded:
            fragment = rf"\b(?:{fragment})\b"
        else:
            fragment = f"(?:{fragment})"
        return f"(?i:{fragment})" if self.case_insensitive and cased else fragment

    def table(self, key: str) -> Mapping[str, str]:
        """The table under ``key`` (word -> kind), in the file's order."""
        try:
            return self.tables[key]
        except KeyError:
            raise self._missing(key) from None

    def word_list(self, key: str) -> tuple[str, ...]:
        """The words under ``key``, in the file's order."""
        try:
            return self.word_lists[key]
        except KeyError:
            raise self._missing(key) from None

    def _missing(self, key: str) -> InvalidInput:
        reason = self.empty.get(key)
        if reason is not None:
            return InvalidInput(f"{self.code}.json: extraction/{key}: empty ({reason})")
        return InvalidInput(f"{self.code}.json: extraction/{key}: no such key")


_LISTS: Final = frozenset({"triggers", "status_cues"})


def _source(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def read(code: str, section: Mapping[str, Any]) -> Vocabulary | None:
    """The :class:`Vocabulary` of a checked ``extraction`` section; None for a language without one."""
    if "empty" in section:
        return None
    matching = section["matching"]
    patterns: dict[str, str] = {}
    tables: dict[str, Mapping[str, str]] = {}
    word_lists: dict[str, tuple[str, ...]] = {}
    needs: dict[str, tuple[tuple[str, ...], ...]] = {}
    empty: dict[str, str] = {}
    for key, entry in section.items():
        if key == "matching" or key in _LISTS:
            continue
        if "empty" in entry:
            empty[key] = entry["empty"]
        elif key in TABLES:
            tables[key] = dict(entry["table"])
        elif key in WORD_LISTS:
            word_lists[key] = tuple(entry["words"])
        else:
            if key in CUES:
                needs[key] = tuple(tuple(group) for group in entry["needs"])
            patterns[key] = _source(entry["pattern"])
    for key in _LISTS:
        if "empty" in section[key]:
            empty[key] = section[key]["empty"]
    return Vocabulary(
        code=code,
        case_insensitive=matching["case_insensitive"],
        word_boundaries=matching["word_boundaries"],
        realis=matching["realis"],
        triggers=tuple(
            TriggerWord(
                _source(e["pattern"]),
                tuple(e["types"]),
                e["nominal"],
                e.get("custody_by_place", False),
                tuple(e["undecided"]) if "undecided" in e else None,
            )
            for e in section["triggers"].get("entries", ())
        ),
        status_cues=tuple(
            StatusWord(_source(e["pattern"]), e["status"]) for e in section["status_cues"].get("entries", ())
        ),
        patterns=patterns,
        tables=tables,
        word_lists=word_lists,
        needs=needs,
        empty=empty,
    )


def check(section: Mapping[str, Any], *, name: str) -> None:
    """Beyond the JSON Schema: every fragment compiles, a template's placeholders are declared.

    Raises:
        InvalidInput: naming the file and the key (and the entry of a list).
    """
    if "empty" in section:
        return
    for key, entry in section.items():
        if key == "matching" or "empty" in entry:
            continue
        if key in _LISTS:
            for number, item in enumerate(entry["entries"]):
                _compiles(_source(item["pattern"]), (), f"{name}: extraction/{key}/{number}")
        elif key not in TABLES and key not in WORD_LISTS:
            _compiles(
                _source(entry["pattern"]), tuple(entry.get("template", ())), f"{name}: extraction/{key}"
            )
        if key in CUES:
            for group in entry["needs"]:
                upper = [word for word in group if word != word.lower()]
                if upper:
                    # the cue words are looked for in lower-cased text: this one would never be found
                    raise InvalidInput(f"{name}: extraction/{key}/needs: {upper[0]!r} is not lower case")


def _compiles(source: str, template: tuple[str, ...], where: str) -> None:
    stray = _PLACEHOLDER_NAME.search(source)
    if stray is not None and not template:
        # Python's re reads "{num}" as two literal braces: without its template the pattern
        # would compile and silently never match.
        raise InvalidInput(f"{where}: placeholder {stray.group()} without a template naming it")
    if template:
        try:
            source = source.format(**dict.fromkeys(template, _PLACEHOLDER))
        except (KeyError, IndexError, ValueError) as exc:
            raise InvalidInput(f"{where}: template does not fill ({type(exc).__name__}: {exc})") from None
        if source.count(_PLACEHOLDER) < len(template):
            raise InvalidInput(f"{where}: template declares a placeholder it does not use")
    try:
        re.compile(source)
    except re.error as exc:
        raise InvalidInput(f"{where}: not a regular expression ({exc})") from None
