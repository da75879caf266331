"""The :class:`Gazetteer`: look-ups by id and name, and mention finding in text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from refwatch.errors import NotFound
from refwatch.extract.gazetteer.actors import ActorLexicon, Term
from refwatch.extract.gazetteer.matcher import (
    LatinPass,
    NameScanner,
    fold,
    is_han,
    is_hangul,
    name_key,
    name_parts,
)
from refwatch.extract.gazetteer.model import (
    AMBIGUOUS,
    CONFIDENT,
    ActorEntry,
    ActorMatch,
    PlaceEntry,
    PlaceMatch,
)
from refwatch.extract.gazetteer.places import NamedPlace

#: Which entry a shared name means when nothing else decides: "Jilin" alone is
#: the province, "Jilin City" the city.
_KIND_ORDER = ("country", "province", "region", "city", "county", "town", "river", "crossing", "facility")

#: What may follow an ambiguous Korean name to show that it is a place.
_KO_SUFFIX = re.compile(
    r"(?:시|군|현|구|읍|역|항)(?![가-힣])"
    r"|(?:시|군|현|구|읍)(?:에서|에|의|으로|로|은|는|이|가|과|와|을|를|내|까지|부터|쪽|일대|지역)"
    r"|\s?(?:세관|지역|일대|인근|근처|부근|노동자구|시내|국경|변방|자치구|자치주|자치현|특별시|다리|대교"
    r"|교화소|집결소|수용소|구류장|보위부|보안서|안전부|공안|쪽|방면)"
)
_ZH_SUFFIX = re.compile(r"市|县|縣|镇|鎮|区|區|州|口岸|海关|海關|边防|邊防|看守所|收容所|站")
_LATIN_SUFFIX = re.compile(r"[\s\-]+(?:city|county|province|prefecture|town|district)\b", re.IGNORECASE)


def _suffix_confirms(text: str, end: int, surface: str) -> bool:
    """Whether the text after an ambiguous name shows that it is a place."""
    tail = text[end : end + 12]
    if is_hangul(surface[0]):
        return _KO_SUFFIX.match(tail) is not None
    if is_han(surface[0]):
        return _ZH_SUFFIX.match(tail) is not None
    return _LATIN_SUFFIX.match(tail) is not None


def _isolated(text: str, start: int, end: int) -> bool:
    """A one-character Chinese name (中, 北) counts only between non-Chinese characters."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not is_han(before) and not is_han(after)


class Gazetteer:
    """Places and actors with their names in English, Korean and Chinese.

    Build it with :func:`refwatch.extract.gazetteer.load_gazetteer`, which caches
    one instance per process; the instance is immutable and thread-safe.
    """

    def __init__(
        self, places: Iterable[NamedPlace], actors: ActorLexicon, stopwords: Iterable[str] = ()
    ) -> None:
        rank = {kind: i for i, kind in enumerate(_KIND_ORDER)}
        ordered = sorted(places, key=lambda p: rank.get(p.entry.kind, len(rank)))
        self._by_id: dict[str, PlaceEntry] = {}
        self._by_key: dict[str, list[PlaceEntry]] = {}
        self._ambiguous: set[tuple[str, str]] = set()  # (key, entry id)
        for named in ordered:
            entry = named.entry
            self._by_id[entry.id] = entry
            for name in entry.names:
                key = name_key(name)
                bucket = self._by_key.setdefault(key, [])
                if entry not in bucket:
                    bucket.append(entry)
            for name in named.ambiguous:
                self._ambiguous.add((name_key(name), entry.id))
        # The canonical field values too ("holding centre (jipkyulso)", "Vientiane
        # Capital"), so that a stored location can be looked up again by them.
        self._by_value: dict[str, list[PlaceEntry]] = {}
        for entry in self._by_id.values():
            for value in (entry.facility, entry.place, entry.admin1 if entry.kind == "province" else None):
                if value:
                    bucket = self._by_value.setdefault(name_key(value), [])
                    if entry not in bucket:
                        bucket.append(entry)
        self._stop_keys = {name_key(word) for word in stopwords}
        # Scanners rather than bare patterns: every branch of a name pattern opens with a
        # look-ahead, so the engine alone would start it at every position of the text.
        place_names = [name for named in ordered for name in named.entry.names] + list(stopwords)
        place_parts = name_parts(place_names)
        self._lexicon = actors
        self._prefix_by_key = {name_key(name): state for name, state in actors.prefixes.items()}
        self._term_by_key: dict[str, Term] = {}
        for name, term in actors.terms.items():
            self._term_by_key.setdefault(name_key(name), term)
        # Agency words first: at one position a term ("중국인민해방군") beats a state word ("중국").
        actor_parts = name_parts(actors.terms, hangul_left_boundary=False) + name_parts(actors.prefixes)
        # Places and agencies are looked for in the same texts, one after the other: one pass
        # finds where the Latin names of both may begin.
        # The Latin names of both in one trie: at each position the engine reads the text once.
        latin = LatinPass(name_parts([*place_names, *actors.terms, *actors.prefixes]))
        self._place_scanner = NameScanner(place_parts, latin=latin)
        self._place_pattern = self._place_scanner.pattern
        self._actor_scanner = NameScanner(actor_parts, latin=latin)
        self._actor_pattern = self._actor_scanner.pattern

    @property
    def entries(self) -> tuple[PlaceEntry, ...]:
        """Every place entry."""
        return tuple(self._by_id.values())

    @property
    def actors(self) -> tuple[ActorEntry, ...]:
        """Every actor entry."""
        return self._lexicon.entries

    def get(self, id: str) -> PlaceEntry:  # noqa: A002 - the public API names it ``id``
        """The entry with this id.

        Raises:
            NotFound: no entry has this id.
        """
        try:
            return self._by_id[id]
        except KeyError:
            raise NotFound(f"gazetteer: no place with id {id!r}; see Gazetteer.entries for the ids") from None

    def by_name(self, name: str) -> list[PlaceEntry]:
        """Entries that go by ``name`` (any script, case and accents ignored), most general first.

        Entries whose canonical ``facility``, ``place`` or province is ``name``
        follow those that list it among their names.
        """
        if not name.strip():
            return []
        key = name_key(name)
        found = list(self._by_key.get(key, ()))
        found += [e for e in self._by_value.get(key, ()) if e not in found]
        return found

    def province_of(self, name: str, country: str | None = None) -> str | None:
        """The province (``admin1``) of the first city, county or town called ``name``."""
        for entry in self.by_name(name):
            if entry.admin1 and (country is None or entry.country == country):
                return entry.admin1
        return None

    def find(self, text: str, *, min_confidence: float = 0.5) -> list[PlaceMatch]:
        """Place mentions in ``text``: non-overlapping, longest first, in text order.

        Args:
            text: the document text; offsets index into it unchanged.
            min_confidence: drop matches below this. Ambiguous names without a
                place suffix have confidence :data:`AMBIGUOUS` (0.3), so pass
                0 to see them.
        """
        out: list[PlaceMatch] = []
        for match in self._place_scanner.finditer(_folded(text)):
            start, end = match.span()
            surface = text[start:end]
            key = name_key(surface)
            if key in self._stop_keys:
                continue
            entries = self._by_key.get(key)
            if not entries:  # cannot happen: every pattern name has a key
                continue
            if len(key) == 1 and is_han(key) and not _isolated(text, start, end):
                continue
            entry = entries[0]
            confidence = CONFIDENT
            if (key, entry.id) in self._ambiguous and not _suffix_confirms(text, end, surface):
                confidence = AMBIGUOUS
            if confidence >= min_confidence:
                out.append(PlaceMatch(start, end, surface, entry, confidence))
        return out

    def find_actors(self, text: str) -> list[ActorMatch]:
        """Actor mentions in ``text`` ("Chinese police", "보위부", "中 공안"), in text order.

        A state word right before an agency word ("Lao" + "police", "中" + "공안")
        joins it into one mention whose state is that of the state word; an
        agency word alone keeps its own state (公安: China; "police": none).
        """
        out: list[ActorMatch] = []
        pending: tuple[int, int, str] | None = None  # start, end, state of a prefix just seen
        for match in self._actor_scanner.finditer(_folded(text)):
            start, end = match.span()
            key = name_key(text[start:end])
            if len(key) == 1 and is_han(key) and not _isolated(text, start, end):
                pending = None
                continue
            term = self._term_by_key.get(key)
            if term is None:
                state = self._prefix_by_key.get(key)
                pending = (start, end, state) if state else None
                continue
            entry = term.entry
            if pending is not None and _joinable(text, pending[1], start):
                combined = self._lexicon.entry(pending[2], entry.agency)
                if pending[2] in term.prefix_states and combined is not None:
                    entry, start = combined, pending[0]
            pending = None
            out.append(ActorMatch(start, end, text[start:end], entry))
        return out


_last_folded: list[tuple[str, str]] = [("", "")]


def _folded(text: str) -> str:
    """:func:`fold` of ``text``; places and actors are found in the same text one after the other."""
    last, folded = _last_folded[0]
    if last is not text:
        folded = fold(text)
        _last_folded[0] = (text, folded)
    return folded


def _joinable(text: str, prefix_end: int, term_start: int) -> bool:
    """Whether only a short run of spaces separates a state word from an agency word."""
    gap = text[prefix_end:term_start]
    return len(gap) <= 2 and (gap == "" or gap.isspace())
