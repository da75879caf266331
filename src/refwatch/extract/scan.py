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


_NO_GATE: Final[tuple[set[str], bool]] = ({""}, False)
#: More literal openings than this make a gate that costs more than it saves.
_MAX_OPENINGS: Final = 64


def _openings(items: Any) -> tuple[set[str], bool]:
    """Lower-cased literal strings that every match of ``items`` begins with.

    Letters are lower-cased whether or not the pattern ignores case, so that the
    strings can be looked for in the lower-cased text either way. The second
    value says whether the strings are the whole matches (the items are all
    literal), so that what follows may be appended. An empty string among them
    means nothing is known.
    """
    if not items:
        return {""}, True
    (op, av), rest = items[0], items[1:]
    if op in _ZERO_WIDTH:
        return _openings(rest)
    if op is _constants.LITERAL:
        char = chr(av)
        if char.lower() != char.upper():
            if not char.isascii():  # lower() of other letters may depend on their neighbours
                return _NO_GATE
            char = char.lower()
        tails, complete = _openings(rest)
        return {char + tail for tail in tails}, complete
    if op is _constants.SUBPATTERN:
        heads, complete = _openings(av[3])
    elif op is _constants.ATOMIC_GROUP:
        heads, complete = _openings(av)
    elif op is _constants.BRANCH:
        heads, complete = set(), True
        for alternative in av[1]:
            found, whole = _openings(alternative)
            heads |= found
            complete = complete and whole
    elif op in _REPEATS and av[0] == 0:
        inner, inner_complete = _openings(av[2])
        tails, tails_complete = _openings(rest)
        if inner_complete and av[1] == 1:  # an optional literal: with it or without it
            return _joined(inner | {""}, tails), tails_complete
        return inner | tails, False
    elif op in _REPEATS:
        return _openings(av[2])[0], False
    else:
        return _NO_GATE
    if not complete:
        return heads, False
    tails, complete = _openings(rest)
    return _joined(heads, tails), complete


def _joined(heads: set[str], tails: set[str]) -> set[str]:
    if len(heads) * len(tails) > _MAX_OPENINGS:
        return heads
    return {head + tail for head in heads for tail in tails}


def _gate(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Shortest literal openings of every match of ``pattern``, or None when there are none to test."""
    if pattern.flags & _UNSUPPORTED_FLAGS:
        return None
    openings, _ = _openings(_parser.parse(pattern.pattern, pattern.flags))
    if "" in openings or len(openings) > _MAX_OPENINGS:
        return None
    # "sent" already covers "sending": keep only openings that no shorter one begins.
    kept = sorted(openings, key=lambda o: (len(o), o))
    return tuple(o for i, o in enumerate(kept) if not any(o.startswith(k) for k in kept[:i]))


#: Characters whose ``lower()`` is not what an ASCII letter in a case-ignoring pattern
#: matches them as (ı, ſ stay as they are; İ becomes two characters).
_UNGATEABLE: Final = ("\u0130", "\u0131", "\u017f")
_last_lowered: list[tuple[str, str | None]] = [("", "")]


def lowered(text: str) -> str | None:
    """``text.lower()`` for literal gates, or None when it cannot serve as one.

    The finders run one after another over the same text, so the last result is kept.
    """
    last, low = _last_lowered[0]
    if last is text:
        return low
    low = None if any(c in text for c in _UNGATEABLE) else text.lower()
    _last_lowered[0] = (text, low)
    return low


def _scout(pattern: re.Pattern[str], screen: re.Pattern[str]) -> re.Pattern[str] | None:
    """The scout: a match at every position where ``screen`` (and so ``pattern``) matches, or None."""
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
    try:
        return re.compile(f"{first}(?<=(?=(?:{screen.pattern})){first})", pattern.flags)
    except re.error:  # e.g. a conditional on a group, which a look-behind may not hold
        return None


class Scanner:
    """A pattern whose :meth:`finditer` skips quickly to where matches can begin.

    Examples:
        >>> scanner = Scanner(re.compile(r"(?i:\\b(?:arrest(?:ed)?|held)\\b)"))
        >>> [m.group() for m in scanner.finditer("Held, then ARRESTED; unheld.")]
        ['Held', 'ARRESTED']
    """

    __slots__ = ("pattern", "_scout", "_gate")

    def __init__(self, pattern: re.Pattern[str], *, screen: re.Pattern[str] | None = None) -> None:
        """Args:
        pattern: the pattern whose matches are wanted.
        screen: a pattern that matches wherever ``pattern`` does (and maybe elsewhere),
            for patterns that cannot sit in a look-behind themselves (a conditional
            group does not compile there); by default ``pattern`` itself.
        """
        self.pattern = pattern
        self._scout = _scout(pattern, screen or pattern)
        self._gate = _gate(pattern)

    def may_match(self, text: str) -> bool:
        """False when ``text`` lacks every literal a match must begin with (then there is none)."""
        if self._gate is None:
            return True
        low = lowered(text)
        return low is None or any(opening in low for opening in self._gate)

    @property
    def fast(self) -> bool:
        """Whether a scout could be built (else :meth:`finditer` is plain ``finditer``)."""
        return self._scout is not None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of ``self.pattern.finditer(text)``, identical in every respect."""
        if not self.may_match(text):
            return
        if self._scout is None:
            yield from self.pattern.finditer(text)
            return
        match = self.pattern.match
        last = 0
        for hit in self._scout.finditer(text):
            start = hit.start()
            if start < last:
                continue
            found = match(text, start)
            if found is None:  # only where a screen is wider than the pattern
                continue
            last = found.end()
            yield found
