"""Fast whole-text scanning with exactly the matches of ``pattern.finditer``.

Most finder patterns start with a word boundary, a case-insensitive group or a
look-behind. The regex engine can then not skip ahead to the characters a match
may begin with; it starts the whole pattern at every position of the text, and a
report of half a megabyte costs each of the several dozen patterns tens of
milliseconds although it matches a handful of times.

:class:`Scanner` works out, from the parsed pattern, the set of characters a
match can begin with (all case variants included when the pattern ignores case)
and compiles a scout pattern that starts with exactly that character class. The
engine skips to those characters with a tight set look-up and only there checks,
in a look-ahead, whether the real pattern matches. The scout reports every
position where a match starts; :meth:`Scanner.finditer` keeps the leftmost one
after the previous match and re-runs the pattern there, which is precisely what
``finditer`` does. Patterns whose first character cannot be worked out (or that
can match the empty string) fall back to plain ``finditer``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any, Final

from refwatch.extract import patterns

_parser: Any = importlib.import_module("re._parser")  # the stdlib's own regex parser (no public API)
_constants: Any = importlib.import_module("re._constants")

#: Non-ASCII characters that an ASCII letter matches when case is ignored; every
#: other case variant of an ASCII letter is its ASCII upper or lower case.
#: ``tests/extract/test_scan.py`` checks this against every code point.
ASCII_CASE_EXTRAS: Final[dict[str, str]] = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}

_CATEGORY_CLASS: Final[dict[Any, str]] = {
    _constants.CATEGORY_DIGIT: r"\d",
    _constants.CATEGORY_NOT_DIGIT: r"\D",
    _constants.CATEGORY_SPACE: r"\s",
    _constants.CATEGORY_NOT_SPACE: r"\S",
    _constants.CATEGORY_WORD: r"\w",
    _constants.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH: Final = frozenset({_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT})
_REPEATS: Final = frozenset(
    {_constants.MAX_REPEAT, _constants.MIN_REPEAT, getattr(_constants, "POSSESSIVE_REPEAT", None)} - {None}
)
#: Global flags the scout cannot carry over (it must match its first class case-sensitively).
_UNSUPPORTED_FLAGS: Final = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.LOCALE | re.ASCII


class _Unknown(Exception):
    """The first character of a match cannot be worked out from this part of the pattern."""


def _variants(char: str, ignore_case: bool) -> set[str]:
    """The characters that match ``char`` as a literal, with or without case."""
    if not ignore_case or char.lower() == char.upper():
        return {char}
    if not char.isascii():
        raise _Unknown(char)
    low = char.lower()
    return {low, low.upper(), *ASCII_CASE_EXTRAS.get(low, "")}


def _class_items(items: list[tuple[Any, Any]], ignore_case: bool) -> set[str]:
    """Regex class source for the members of a parsed ``[...]`` (not negated)."""
    out: set[str] = set()
    for op, av in items:
        if op is _constants.LITERAL:
            out |= {re.escape(c) for c in _variants(chr(av), ignore_case)}
        elif op is _constants.RANGE:
            low, high = av
            if ignore_case and high - low <= 256:
                for code in range(low, high + 1):
                    out |= {re.escape(c) for c in _variants(chr(code), ignore_case)}
            elif ignore_case and any(chr(c).lower() != chr(c).upper() for c in range(low, high + 1)):
                raise _Unknown(op)
            else:
                out.add(f"{re.escape(chr(low))}-{re.escape(chr(high))}")
        elif op is _constants.CATEGORY and av in _CATEGORY_CLASS:
            out.add(_CATEGORY_CLASS[av])
        else:  # NEGATE and the rarer categories
            raise _Unknown(op)
    return out


def _first(items: Any, ignore_case: bool) -> tuple[set[str], bool]:
    """Class items for the characters a match of ``items`` can begin with, and whether it can be empty."""
    out: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _constants.LITERAL:
            return out | {re.escape(c) for c in _variants(chr(av), ignore_case)}, False
        if op is _constants.IN:
            return out | _class_items(av, ignore_case), False
        if op is _constants.BRANCH:
            nullable = False
            for alternative in av[1]:
                chars, empty = _first(alternative, ignore_case)
                out |= chars
                nullable = nullable or empty
        elif op is _constants.SUBPATTERN:
            _, add_flags, del_flags, sub = av
            case = (ignore_case or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
            chars, nullable = _first(sub, case)
            out |= chars
        elif op is _constants.ATOMIC_GROUP:
            chars, nullable = _first(av, ignore_case)
            out |= chars
        elif op in _REPEATS:
            low, _, sub = av
            chars, empty = _first(sub, ignore_case)
            out |= chars
            nullable = low == 0 or empty
        else:  # back-references, conditionals, "." and negated literals
            raise _Unknown(op)
        if not nullable:
            return out, False
    return out, True


#: In an opening, a run of one or more characters that ``\\d`` matches (lower-casing leaves
#: digits in place): a pattern's ``\\d``, ``\\d+``, ``\\d{1,3}`` and literal digits all become it,
#: so that an opening may go on past a number of any length ("5 of them", "1,000 people").
DIGIT: Final = "\x00"
#: In an opening, a run of one or more characters that ``\\s`` matches: a pattern's ``\\s``,
#: ``\\s+`` and literal white space all become it (a single space is a run too), so that an
#: opening may go on past ``\\s+`` ("in the past", not just "in ").
SPACE: Final = "\x01"
_SPACE_CLASS: Final = [(_constants.CATEGORY, _constants.CATEGORY_SPACE)]
_DIGIT_CLASS: Final = [(_constants.CATEGORY, _constants.CATEGORY_DIGIT)]
_TOKEN_CLASSES: Final = (
    (DIGIT, _DIGIT_CLASS),
    (SPACE, _SPACE_CLASS),
)
_TOKEN_SOURCE: Final = {DIGIT: r"\d+", SPACE: r"\s+"}
#: More literal openings than this make a gate that costs more than it saves.
_MAX_OPENINGS: Final = 64
#: Openings spelt out where one part follows another, before they are cut short: the shared
#: index holds up to :data:`_MAX_INDEX_OPENINGS` per pattern ("a day ago" ... "ten years ago"),
#: and a gate cuts its own to :data:`_MAX_OPENINGS`.
_MAX_FOLLOWED: Final = 256


def _openings(items: Any) -> tuple[set[str], bool]:
    """Lower-cased literal strings that every match of ``items`` begins with.

    Letters are lower-cased whether or not the pattern ignores case, so that the
    strings can be looked for in the lower-cased text either way. The second
    value says whether the strings are the whole matches (the items are all
    literal), so that what follows may be appended. An empty string among them
    means nothing is known.
    """
    whole, prefixes = _opening_sets(items)
    return {_SPACE_RUN.sub(SPACE, _DIGIT_RUN.sub(DIGIT, o)) for o in whole | prefixes}, not prefixes


#: What :func:`_opening_sets` gives when nothing is known about a part of a pattern.
_UNKNOWN_SETS: Final[tuple[frozenset[str], frozenset[str]]] = (frozenset(), frozenset({""}))


def _opening_sets(items: Any) -> tuple[frozenset[str], frozenset[str]]:
    """``(whole, prefixes)``: every match of ``items`` is one of ``whole`` or begins with one of ``prefixes``.

    Keeping the whole matches apart lets an alternation of literals be followed
    further even when another of its alternatives cannot be: in
    ``(?:\\d+|an?)\\s+days`` the openings are a digit, ``a `` and ``an `` (not
    ``a``, which begins every word starting with an "a"). Strings as in
    :func:`_openings`.
    """
    if not items:
        return frozenset({""}), frozenset()
    first = _element_sets(items[0])
    if not first[0]:
        return first
    return _followed(first, _opening_sets(items[1:]))


def _followed(
    head: tuple[frozenset[str], frozenset[str]], tail: tuple[frozenset[str], frozenset[str]]
) -> tuple[frozenset[str], frozenset[str]]:
    """The sets of ``head`` then ``tail``: each whole match of the head continues with the tail's."""
    whole, prefixes = head
    tail_whole, tail_prefixes = tail
    if len(whole) * (len(tail_whole) + len(tail_prefixes)) > _MAX_FOLLOWED:
        # Too many to spell out: each head with the tail's openings cut short (or the heads alone),
        # and the tail's openings where the head may be empty.
        tails = tail_whole | tail_prefixes
        heads = prefixes | (whole - {""})
        for size in range(max(map(len, tails), default=0) - 1, 0, -1):
            cut = {t[:size] for t in tails}
            if len(whole) * len(cut) <= _MAX_FOLLOWED:
                heads = prefixes | {w + t for w in whole - {""} for t in cut}
                break
        return frozenset(), heads | tails if "" in whole else heads
    return (
        frozenset(w + t for w in whole for t in tail_whole),
        prefixes | {w + t for w in whole for t in tail_prefixes},
    )


def _element_sets(element: tuple[Any, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """:func:`_opening_sets` of one parsed element."""
    op, av = element
    if op is _constants.ASSERT and av[0] == 1:
        # A look-ahead: what follows begins with one of its openings (if they are known).
        ahead = _opening_sets(av[1])
        if "" in ahead[0] or "" in ahead[1]:
            return frozenset({""}), frozenset()
        return frozenset(), ahead[0] | ahead[1]
    if op in _ZERO_WIDTH:
        return frozenset({""}), frozenset()
    if op is _constants.LITERAL:
        char = chr(av)
        if char.lower() != char.upper():
            if not char.isascii():  # lower() of other letters may depend on their neighbours
                return _UNKNOWN_SETS
            char = char.lower()
        return frozenset({char}), frozenset()
    if op is _constants.IN:
        for token, members in _TOKEN_CLASSES:
            if av == members:
                return frozenset({token}), frozenset()
        return _UNKNOWN_SETS
    if op is _constants.SUBPATTERN:
        return _opening_sets(av[3])
    if op is _constants.ATOMIC_GROUP:
        return _opening_sets(av)
    if op is _constants.BRANCH:
        whole: set[str] = set()
        prefixes: set[str] = set()
        for alternative in av[1]:
            found = _opening_sets(alternative)
            whole |= found[0]
            prefixes |= found[1]
        return frozenset(whole), frozenset(prefixes)
    if op in _REPEATS:
        low, high, body = av
        if len(body) == 1 and body[0] == (_constants.IN, _SPACE_CLASS):  # \s+, \s*, \s{1,3}: a run
            return (frozenset({SPACE}) if low else frozenset({"", SPACE})), frozenset()
        if len(body) == 1 and body[0] == (_constants.IN, _DIGIT_CLASS):  # \d+, \d{1,3}: a run too
            return (frozenset({DIGIT}) if low else frozenset({"", DIGIT})), frozenset()
        inner_whole, inner_prefixes = _opening_sets(body)
        if low == 0 and high == 1:  # optional: without it, or once
            return inner_whole | {""}, inner_prefixes
        if low == 0:  # without it, or once and maybe more
            return frozenset({""}), inner_whole | inner_prefixes
        return frozenset(), inner_whole | inner_prefixes
    return _UNKNOWN_SETS


def _gate(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Shortest literal openings of every match of ``pattern``, or None when there are none to test."""
    if pattern.flags & _UNSUPPORTED_FLAGS:
        return None
    # The substring test needs literals: an opening is cut where a ``\\d`` or ``\\s`` begins.
    openings = {_TOKEN.split(o, 1)[0] for o in _openings(_parser.parse(pattern.pattern, pattern.flags))[0]}
    if "" in openings:
        return None
    openings = _shortened(openings, _MAX_OPENINGS)
    if not openings:
        return None
    # "sent" already covers "sending": keep only openings that no shorter one begins.
    kept = sorted(openings, key=lambda o: (len(o), o))
    return tuple(o for i, o in enumerate(kept) if not any(o.startswith(k) for k in kept[:i]))


def _kept_gate(analysed: re.Pattern[str]) -> tuple[str, ...] | None:
    """:func:`_gate` of ``analysed``, kept with the compiled programs (see :func:`.patterns.derived`)."""
    gate = patterns.derived("gate.v8", f"{analysed.flags}:{analysed.pattern}", lambda: _gate(analysed))
    return None if gate is None else tuple(gate)


#: Characters whose ``lower()`` is not what an ASCII letter in a case-ignoring pattern
#: matches them as (ı, ſ stay as they are; İ becomes two characters).
_UNGATEABLE: Final = ("\u0130", "\u0131", "\u017f")
_last_lowered: list[tuple[str, str | None]] = [("", "")]


def window_lowered(window: str) -> str | None:
    """``window.lower()`` for literal gates (:meth:`WindowPattern.search`), or None when it cannot
    serve as one (see :data:`_UNGATEABLE`); :func:`lowered` keeps the last whole text's."""
    if window.isascii() or not any(c in window for c in _UNGATEABLE):
        return window.lower()
    return None


def lowered(text: str) -> str | None:
    """``text.lower()`` for literal gates, or None when it cannot serve as one.

    The finders run one after another over the same text, so the last result is kept.
    """
    last, low = _last_lowered[0]
    if last is text:
        return low
    low = window_lowered(text)
    _last_lowered[0] = (text, low)
    return low


def _scout_source(pattern: re.Pattern[str], screen: re.Pattern[str]) -> str | None:
    """The source of the scout for ``pattern`` and ``screen`` (see :func:`_scout`), or None."""
    if pattern.flags & _UNSUPPORTED_FLAGS or screen.flags != pattern.flags:
        return None
    try:
        chars, nullable = _first(_parser.parse(pattern.pattern, pattern.flags), False)
    except _Unknown:
        return None
    if nullable or not chars:
        return None
    first = "[" + "".join(sorted(chars)) + "]"
    # Consume the first character (so the engine can skip to it), then look back one
    # character and check that the whole pattern matches from there.
    return f"{first}(?<=(?=(?:{screen.pattern})){first})"


def _scout(pattern: re.Pattern[str], screen: re.Pattern[str]) -> re.Pattern[str] | None:
    """The scout: a match at every position where ``screen`` (and so ``pattern``) matches, or None."""
    key = f"{pattern.flags}:{pattern.pattern}\x00{screen.flags}:{screen.pattern}"
    source = patterns.derived("scout", key, lambda: _scout_source(pattern, screen))
    if source is None:
        return None
    try:
        return patterns.compile(source, pattern.flags)
    except re.error:  # e.g. a conditional on a group, which a look-behind may not hold
        return None


#: More openings than this keep a scanner out of the shared index (too loose a pattern).
_MAX_INDEX_OPENINGS: Final = 256
_WORD_CHAR: Final = re.compile(r"\w")
_DECIMAL: Final = re.compile(r"\d+")
_WHITE: Final = re.compile(r"\s+")
_TOKEN: Final = re.compile("[\x00\x01]")
_SPACE_RUN: Final = re.compile("\x01+")
_DIGIT_RUN: Final = re.compile("\x00+")


def _token_form(string: str) -> str:
    """``string`` with each run of digits as one :data:`DIGIT` and of white space as one :data:`SPACE`."""
    return _SPACE_RUN.sub(SPACE, _WHITE.sub(SPACE, _DIGIT_RUN.sub(DIGIT, _DECIMAL.sub(DIGIT, string))))


def _alternatives(items: Any) -> Iterator[Any]:
    """The top-level alternatives of a parsed pattern, groups around them unwrapped."""
    if len(items) == 1 and items[0][0] is _constants.BRANCH:
        for alternative in items[0][1][1]:
            yield from _alternatives(alternative)
    elif len(items) == 1 and items[0][0] is _constants.SUBPATTERN:
        yield from _alternatives(items[0][1][3])
    else:
        yield items


def _at_word_start(items: Any) -> bool:
    """Whether every match of ``items`` begins at a word boundary (a ``\\b`` before any character)."""
    items = list(items)
    for i, (op, av) in enumerate(items):
        rest = items[i + 1 :]
        if op is _constants.AT:
            if av is _constants.AT_BOUNDARY:
                return True
            continue
        if op in (_constants.ASSERT, _constants.ASSERT_NOT):
            continue
        if op is _constants.SUBPATTERN:
            return _at_word_start([*av[3], *rest])
        if op is _constants.ATOMIC_GROUP:
            return _at_word_start([*av, *rest])
        if op is _constants.BRANCH:
            return all(_at_word_start([*alternative, *rest]) for alternative in av[1])
        if op in _REPEATS:
            taken = _at_word_start([*av[2], *rest])
            return taken and (av[0] > 0 or _at_word_start(rest))
        return False
    return False


def _index_openings(pattern: re.Pattern[str]) -> tuple[frozenset[str], frozenset[str]] | None:
    """The openings of ``pattern`` for the shared index: (at word starts only, anywhere), or None.

    An opening goes with the word starts when its alternative begins at a word
    boundary and the opening with a word character: the character before a
    match is then not a word character, in the text as in its lower-cased copy
    (lower-casing never turns a non-word character into a word character;
    ``tests/extract/test_scan.py`` checks every code point). Every digit
    becomes :data:`DIGIT` and every run of white space :data:`SPACE` (the index
    looks for ``\\d`` and ``\\s+`` there). A digit stops the index at every number,
    which pays only at word starts: elsewhere an opening is cut where its first
    digit stands ("여성" of "여성 3명"), and a pattern that may open with a digit
    there stays out, as does one with an alternative whose openings are unknown
    or may begin with white space.
    """
    if pattern.flags & _UNSUPPORTED_FLAGS:
        return None
    word: set[str] = set()
    anywhere: set[str] = set()
    for alternative in _alternatives(_parser.parse(pattern.pattern, pattern.flags)):
        found, _ = _openings(alternative)
        openings = {_token_form(o) for o in found}
        if "" in openings:
            return None
        bounded = _at_word_start(alternative)
        for opening in openings:
            if bounded and (opening[0] == DIGIT or _WORD_CHAR.match(opening[0])):
                word.add(opening)
            elif opening[0] in (DIGIT, SPACE):
                return None
            else:
                # Cut at its first digit ("여성 " of "여성 3명"): still a beginning of every match there.
                anywhere.add(opening.split(DIGIT, 1)[0])
    if not word and not anywhere:
        return None
    if len(word) + len(anywhere) > _MAX_INDEX_OPENINGS:
        # Followed far, the openings may be many ("January " ... "December "); shorter ones still
        # begin every match. The two sides are cut alike; each keeps its first characters.
        for size in range(max(map(len, word | anywhere)) - 1, 0, -1):
            if len({o[:size] for o in word}) + len({o[:size] for o in anywhere}) <= _MAX_INDEX_OPENINGS:
                word, anywhere = {o[:size] for o in word}, {o[:size] for o in anywhere}
                break
        else:
            return None
    return frozenset(word), frozenset(anywhere)


def _shortened(openings: set[str], limit: int) -> set[str]:
    """``openings`` cut to the longest common length at which at most ``limit`` remain (empty if none)."""
    size = max(map(len, openings), default=0)
    while size > 0:
        cut = {o[:size] for o in openings}
        if len(cut) <= limit:
            return cut
        size -= 1
    return set()


def _scoped_ignorecase(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` compiled with re.IGNORECASE as the same source in ``(?i:...)``, else ``pattern``."""
    if pattern.flags & _UNSUPPORTED_FLAGS != re.IGNORECASE:
        return pattern
    try:
        return patterns.compile(f"(?i:{pattern.pattern})", pattern.flags & ~re.IGNORECASE)
    except re.error:  # global flags inside the source, which may not stand in a group
        return pattern


#: A required set larger than this costs more substring tests than it saves.
_MAX_REQUIRED: Final = 8


def _class_chars(items: list[tuple[Any, Any]], ignore_case: bool) -> set[str] | None:
    """The characters a ``[...]`` of literals matches, or None for ranges, categories and negations."""
    out: set[str] = set()
    for op, av in items:
        if op is not _constants.LITERAL:
            return None
        out |= _variants(chr(av), ignore_case)
    return out


def _required(items: Any, ignore_case: bool) -> set[str] | None:
    """Characters one of which every match of ``items`` contains (the fewest found), or None."""
    best: set[str] | None = None
    for op, av in items:
        found: set[str] | None = None
        try:
            if op is _constants.LITERAL:
                found = _variants(chr(av), ignore_case)
            elif op is _constants.IN:
                found = _class_chars(av, ignore_case)
            elif op is _constants.SUBPATTERN:
                _, add_flags, del_flags, sub = av
                case = (ignore_case or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
                found = _required(sub, case)
            elif op is _constants.ATOMIC_GROUP:
                found = _required(av, ignore_case)
            elif op is _constants.BRANCH:
                union: set[str] = set()
                for alternative in av[1]:
                    chars = _required(alternative, ignore_case)
                    if chars is None:
                        break
                    union |= chars
                else:
                    found = union
            elif op in _REPEATS and av[0] >= 1:
                found = _required(av[2], ignore_case)
        except _Unknown:  # a cased non-ASCII letter under ignore-case
            found = None
        if found and (best is None or _commonness(found) < _commonness(best)):
            best = found
    return best


def _commonness(chars: set[str]) -> tuple[bool, int]:
    """Orders required sets: ASCII letters and digits are in almost every text, then fewer is better."""
    return any(c.isascii() and c.isalnum() for c in chars), len(chars)


def _required_chars(pattern: re.Pattern[str]) -> list[str] | None:
    """Characters one of which the text must hold for ``pattern`` to match there at all, or None.

    A scanner outside the shared index otherwise steps through the whole text
    (its scout, or plain ``finditer``) even where it cannot match: a Korean day
    ("N일") in an English report. A substring test per character is far cheaper.
    """
    if pattern.flags & (re.VERBOSE | re.LOCALE):
        return None
    found = _required(_parser.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.IGNORECASE))
    if not found or len(found) > _MAX_REQUIRED:
        return None
    return sorted(found)


def _sorted_openings(found: tuple[frozenset[str], frozenset[str]] | None) -> list[list[str]] | None:
    """:func:`_index_openings` as JSON can keep it."""
    return None if found is None else [sorted(found[0]), sorted(found[1])]


_Trie = dict[str, "_Trie"]


def _trie_source(strings: set[str]) -> str:
    """A regex matching, at a position, the longest of ``strings`` found there.

    The branches of a trie node begin with different characters (:data:`DIGIT`
    and :data:`SPACE`, for ``\\d`` and ``\\s+``, never meet a literal digit or
    space; a run of white space is taken whole) and ending at a node is tried
    last (a greedy ``?``), so the first success is the longest.
    """
    root: _Trie = {}
    for string in strings:
        node = root
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}  # the end of a string: never a real character

    def source(node: _Trie) -> str:
        branches = [
            (_TOKEN_SOURCE.get(char) or re.escape(char)) + source(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return source(root)


#: The index's compiled passes: a name at the text's start, names after a non-word
#: character, names anywhere (each None when no member has such openings).
_Passes = tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None]


class _SharedIndex:
    """Where the openings of all registered scanners occur in a text, found in one or two passes.

    A scanner's own scout costs a pass over the text each (the engine steps
    through every character), and stops at every character that may begin a
    match: with sixty patterns, sixty passes. The index runs over the
    lower-cased text once for openings that may stand anywhere (stopping only
    at their first characters) and once for openings that begin words
    (stopping only after non-word characters). Both find every occurrence,
    overlapping ones included, because each step consumes a single character
    and looks ahead. At each stop the longest opening found there names every
    scanner one of whose openings begins it (any opening found at a position is
    a prefix of the longest one found there), and each scanner then tries its
    pattern only at its own positions.
    """

    def __init__(self) -> None:
        self._members: list[tuple[frozenset[str], frozenset[str]]] = []
        self._built: _Passes | None = None
        #: Whether an opening of the "anywhere" pass begins with an ASCII character: else that pass
        #: finds nothing in an all-ASCII text and is skipped.
        self._anywhere_ascii = True
        self._owners: tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]] = ({}, {})
        self._by_surface: tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]] = ({}, {})
        # The last text and its positions, as one tuple: read and replaced whole, so
        # that threads extracting different texts never mix their positions.
        self._last: tuple[str | None, dict[int, list[int]]] = (None, {})

    def register(self, openings: tuple[frozenset[str], frozenset[str]]) -> int:
        """Add a scanner's openings (word starts, anywhere); returns its number."""
        self._members.append(openings)
        self._built = None
        self._last = (None, {})
        return len(self._members) - 1

    def _build(self) -> _Passes:
        owners: tuple[dict[str, set[int]], dict[str, set[int]]] = ({}, {})
        for member, groups in enumerate(self._members):
            for side, openings in enumerate(groups):
                for opening in openings:
                    owners[side].setdefault(opening, set()).add(member)
        self._owners = (_closure(owners[0]), _closure(owners[1]))
        self._by_surface = ({}, {})
        word, anywhere = (set(side) for side in owners)
        at_start = after_break = scout = None
        if word:
            trie = _trie_source(word)
            at_start = patterns.compile(trie)
            after_break = patterns.compile(rf"\W(?=({trie}))")
        self._anywhere_ascii = any(o[0].isascii() for o in anywhere)
        if anywhere:
            first = "[" + "".join(re.escape(c) for c in sorted({o[0] for o in anywhere})) + "]"
            scout = patterns.compile(f"{first}(?<=(?=({_trie_source(anywhere)})){first})")
        return at_start, after_break, scout

    def positions(self, text: str, low: str, member: int) -> list[int]:
        """Sorted positions in ``text`` where an opening of ``member`` occurs; ``low`` is ``text`` lowered."""
        last_text, found = self._last
        if last_text is not text:
            if self._built is None:
                self._built = self._build()
            at_start, after_break, scout = self._built
            # Group the stops by the opening found (a few hundred kinds), then hand each
            # group to its owners: far fewer steps than handing every stop to every owner.
            stops: tuple[dict[str, list[int]], dict[str, list[int]]] = ({}, {})
            if at_start is not None and after_break is not None:
                first = at_start.match(low)
                if first is not None:
                    stops[0][first.group()] = [0]
                for hit in after_break.finditer(low):
                    stops[0].setdefault(hit.group(1), []).append(hit.end())
            if scout is not None and (self._anywhere_ascii or not low.isascii()):
                for hit in scout.finditer(low):
                    stops[1].setdefault(hit.group(1), []).append(hit.start())
            found = {}
            for side, by_surface in enumerate(stops):
                for surface, starts in by_surface.items():
                    for owner in self._owners_of(side, surface):
                        if owner in found:
                            found[owner].extend(starts)
                        else:
                            found[owner] = starts.copy()
            for starts in found.values():
                starts.sort()  # a few sorted runs, merged
            self._last = (text, found)
        return found.get(member, [])

    def _owners_of(self, side: int, surface: str) -> tuple[int, ...]:
        """The members with an opening that begins the opening found as ``surface``."""
        owners = self._by_surface[side].get(surface)
        if owners is None:
            # The surface has real digits and spaces where the opening has tokens (a surface is
            # text: no token characters to merge, unlike the openings of :func:`_token_form`).
            owners = self._owners[side][_WHITE.sub(SPACE, _DECIMAL.sub(DIGIT, surface))]
            if len(self._by_surface[side]) < 4096:  # surfaces differ only in digits and spaces: few
                self._by_surface[side][surface] = owners
        return owners


def _closure(owners: dict[str, set[int]]) -> dict[str, tuple[int, ...]]:
    """For each opening, the owners of every opening it begins with (itself included).

    Each opening's own prefixes are looked up, rather than every pair of openings
    compared: a few thousand openings made that a few million tests at every start.
    """
    closed: dict[str, tuple[int, ...]] = {}
    for found in owners:
        members: set[int] = set()
        for cut in range(1, len(found) + 1):
            members |= owners.get(found[:cut], set())
        closed[found] = tuple(sorted(members))
    return closed


_SHARED: Final = _SharedIndex()
#: The positions of a member with none in the text at hand (never changed).
_NO_POSITIONS: Final[list[int]] = []


class WindowPattern:
    """A pattern searched in short windows (the words before a trigger or a date), skipped when the
    window holds none of the literals a match must begin with.

    Such patterns mostly end at the window's end (``...$``) and open with a word
    boundary or a case-ignoring group, so ``search`` starts them at every
    position of the window, dozens of times per report; most windows hold none of
    their opening words, which a few substring tests tell for a fraction of the cost.
    The answer is always that of ``pattern.search(window)``.

    Examples:
        >>> about_to = WindowPattern(re.compile("(?i:about +to +$)"))
        >>> window = "Police were About to "
        >>> about_to.search(window, window_lowered(window)) is not None
        True
        >>> about_to.search("Police were", window_lowered("Police were")) is None
        True
    """

    __slots__ = ("pattern", "_openings", "_required")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        analysed = _scoped_ignorecase(pattern)
        self._openings = _kept_gate(analysed)
        #: A word every match holds ("being" of "of being $"), when the openings are common words.
        self._required = None if analysed.flags & _UNSUPPORTED_FLAGS else _required_word(analysed)

    def search(self, window: str, low: str | None) -> re.Match[str] | None:
        """``pattern.search(window)``; ``low`` is :func:`window_lowered` of ``window``, shared by
        the patterns searched in the same window."""
        if low is not None:
            if self._openings is not None and not any(map(low.__contains__, self._openings)):
                return None
            if self._required is not None and self._required not in low:
                return None
        return self.pattern.search(window)


def _required_word(pattern: re.Pattern[str]) -> str | None:
    """The longest run of ASCII literals (lower-cased, three or more) that every match of
    ``pattern`` holds: a run at its top level, which no alternation or repeat can skip."""
    items = _parser.parse(pattern.pattern, pattern.flags)
    while len(items) == 1 and items[0][0] is _constants.SUBPATTERN:
        items = items[0][1][3]
    best = run = ""
    for op, av in items:
        if op is _constants.LITERAL and chr(av).isascii():
            run += chr(av).lower()
        elif op not in _ZERO_WIDTH:  # a look-around consumes nothing: the run goes on past it
            best, run = max(best, run, key=len), ""
    best = max(best, run, key=len)
    return best if len(best) >= 3 else None


class Scanner:
    """A pattern whose :meth:`finditer` skips quickly to where matches can begin.

    Examples:
        >>> scanner = Scanner(re.compile(r"(?i:\\b(?:arrest(?:ed)?|held)\\b)"))
        >>> [m.group() for m in scanner.finditer("Held, then ARRESTED; unheld.")]
        ['Held', 'ARRESTED']
    """

    __slots__ = ("pattern", "_scout", "_gate", "_member", "_required")

    def __init__(self, pattern: re.Pattern[str], *, screen: re.Pattern[str] | None = None) -> None:
        """Args:
        pattern: the pattern whose matches are wanted.
        screen: a pattern that matches wherever ``pattern`` does (and maybe elsewhere),
            for patterns that cannot sit in a look-behind themselves (a conditional
            group does not compile there); by default ``pattern`` itself.
        """
        self.pattern = pattern
        # A pattern compiled with re.IGNORECASE is read as the same pattern inside "(?i:...)", which
        # matches exactly the same strings and which the analyses below understand; it only ever
        # finds where to look, the matches are always those of ``pattern`` itself.
        analysed = _scoped_ignorecase(pattern)
        if analysed is not pattern and screen is None:
            screen = analysed
        self._scout = _scout(analysed, screen or analysed)
        # What parsing the pattern tells (its literal openings) is kept with the compiled programs
        # (under names that change when the analysis does: an older analysis stays valid, only looser).
        key = f"{analysed.flags}:{analysed.pattern}"
        self._gate = _kept_gate(analysed)
        found = patterns.derived("openings.v9", key, lambda: _sorted_openings(_index_openings(analysed)))
        openings = None if found is None else (frozenset(found[0]), frozenset(found[1]))
        self._member = None if openings is None else _SHARED.register(openings)
        required = patterns.derived("required", key, lambda: _required_chars(analysed))
        self._required = None if required is None else tuple(required)

    def may_match(self, text: str) -> bool:
        """False when ``text`` lacks every literal a match must begin with (then there is none)."""
        if self._gate is None:
            return True
        low = lowered(text)
        return low is None or any(map(low.__contains__, self._gate))

    @property
    def fast(self) -> bool:
        """Whether a scout could be built (else :meth:`finditer` is plain ``finditer``)."""
        return self._scout is not None

    def finditer(self, text: str) -> list[re.Match[str]]:
        """The matches of ``self.pattern.finditer(text)``, identical in every respect.

        A list rather than an iterator: every finder reads all of them, and most calls find
        nothing, where building a generator cost more than the answer.
        """
        member = self._member
        starts: list[int] | None = None
        if member is not None:
            # Most scanners find nothing in a text: the index's positions for the text at hand are
            # read here directly, without the calls that look them up for a new text.
            last_text, by_member = _SHARED._last  # noqa: SLF001 - the index is this module's own
            if last_text is text:
                starts = by_member.get(member, _NO_POSITIONS)
            elif (low := lowered(text)) is not None:
                starts = _SHARED.positions(text, low, member)
        if starts is None:
            if not self.may_match(text) or (
                self._required is not None and not any(map(text.__contains__, self._required))
            ):
                return []
            if self._scout is None:
                return list(self.pattern.finditer(text))
            starts = [hit.start() for hit in self._scout.finditer(text)]
        elif not starts:
            return []
        # Every position where a match may start, in order: keep the leftmost match
        # after the previous one, as ``finditer`` does.
        found: list[re.Match[str]] = []
        match = self.pattern.match
        last = 0
        for start in starts:
            if start < last:
                continue
            hit = match(text, start)
            if hit is None:  # an opening without the rest, or a screen wider than the pattern
                continue
            last = hit.end()
            found.append(hit)
        return found
