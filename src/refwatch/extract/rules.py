"""The rule-based extractor: segmentation, mention finders, assembly, resolution.

Deterministic and offline. Each stage is a function of its own module; this one
only runs them in order over one document. Every finder scans the whole text
once with precompiled patterns and mentions are bucketed into sentences by
offset, so the cost grows linearly with the length of the text.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from typing import Final

from refwatch.domain.dates import ReferenceDate
from refwatch.domain.incidents import Evidence, Incident
from refwatch.extract.assemble import assemble, bucket
from refwatch.extract.base import Extraction
from refwatch.extract.counts import find_counts, find_singular
from refwatch.extract.dates import find_dates
from refwatch.extract.mentions import CountMention, DateMention, SentenceMentions, Span, Trigger
from refwatch.extract.place_finder import find_actors, find_places
from refwatch.extract.refdate import reference_date
from refwatch.extract.resolve import build_incident, salience_scores
from refwatch.extract.segment import split_sentences
from refwatch.extract.tallies import mark_tallies, tallies_of
from refwatch.extract.triggers import (
    find_anaphora,
    find_other_group,
    find_separate,
    find_singular_anaphora,
    find_status_cues,
    find_triggers,
    find_victim_refs,
    is_part,
    is_subgroup,
)

NAME = "rules"
#: Texts longer than this (characters) are extracted one segment at a time; every report in the
#: dev corpus is far shorter (the longest is under 10,000), so their results do not depend on it.
SEGMENT_CHARS: Final = 1_000_000


class RuleExtractor:
    """Extracts incidents with hand-written rules over the language data (English, Korean, Chinese)."""

    name = NAME
    #: The language hint changes nothing here (every pack runs on every text), so callers need not
    #: detect it: language detection costs about a third as much as extraction itself.
    uses_language = False

    def extract(
        self,
        text: str,
        *,
        document: str,
        published: dt.date | None = None,
        language: str | None = None,
        reference: ReferenceDate | None = None,
    ) -> list[Incident]:
        """Incidents in ``text``; relative dates resolve against the report's reference date.

        ``reference`` is the document's reference date (see :mod:`.refdate`); without one,
        ``published`` (a day) is used, and without that the evidence in the text itself
        (stamps, datelines). ``language`` is accepted for the interface; all language
        packs run on every text, because reports mix scripts. Tallies are left out:
        :meth:`extract_all` gives both.
        """
        return self.extract_all(
            text, document=document, published=published, language=language, reference=reference
        ).incidents

    def extract_all(
        self,
        text: str,
        *,
        document: str,
        published: dt.date | None = None,
        language: str | None = None,
        reference: ReferenceDate | None = None,
    ) -> Extraction:
        """Incidents and tallies in ``text``, from one pass of the finders (see :meth:`extract`)."""
        anchor = resolution_anchor(text, published=published, reference=reference)
        if len(text) <= SEGMENT_CHARS:
            return _extract_part(text, anchor, document)
        # A very long text (a book-length report, or a hostile file) is read one segment at a time,
        # so that the mentions held at once stay bounded (about 25 bytes per character of text).
        result = Extraction([], [])
        for start, end in segments(text, SEGMENT_CHARS):
            part = _extract_part(text[start:end], anchor, document)
            for incident in part.incidents:
                incident.evidence = [
                    Evidence(e.start + start, e.end + start, e.quote) for e in incident.evidence
                ]
                if incident.salience == "main" and any(i.salience == "main" for i in result.incidents):
                    incident.salience = "background"  # the report is about the first segment's main incident
                result.incidents.append(incident)
            for tally in part.tallies:
                tally.evidence = [Evidence(e.start + start, e.end + start, e.quote) for e in tally.evidence]
                result.tallies.append(tally)
        return result


def resolution_anchor(
    text: str, *, published: dt.date | None = None, reference: ReferenceDate | None = None
) -> ReferenceDate | None:
    """What relative dates resolve against: the reference given, else ``published``, else the text's stamps.

    Only a day, a month or a year helps; the lower bounds of :func:`.refdate.reference_date`
    (latest date mentioned) resolve nothing, so they are not looked for here.
    """
    if reference is not None:
        # A low-confidence reference (a bare date line that may be the crawl day, an "Updated"
        # stamp, a lower bound) is shown and stored, but nothing is resolved against it.
        return reference if reference.confidence != "low" else None
    if published is not None:
        return ReferenceDate.day(published, source="option", confidence="high")
    found = reference_date(text, bounds=False)
    return found if found is not None and found.confidence != "low" else None


def _extract_part(text: str, anchor: ReferenceDate | None, document: str) -> Extraction:
    found = find_mentions(text, anchor)
    clusters = assemble(found)
    saliences = salience_scores(clusters)
    index = {id(cluster): i for i, cluster in enumerate(clusters)}
    incidents = [
        build_incident(
            cluster,
            text,
            document=document,
            salience=salience,
            part_of=index[id(cluster.parent)] if cluster.parent is not None else None,
        )
        for cluster, salience in zip(clusters, saliences, strict=True)
    ]
    return Extraction(incidents, tallies_of(text, found, document=document))


def segments(text: str, size: int) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive parts of ``text`` of at most ``size`` characters.

    Each part ends at a paragraph break (a blank line) where there is one in
    its second half, else at a line break, else at ``size``: sentences do not
    cross paragraphs, so only an incident told across a break is split.

    Examples:
        >>> segments("aaa\\n\\nbbb\\n\\ncc", 7)
        [(0, 5), (5, 12)]
    """
    out = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            floor = start + size // 2
            cut = text.rfind("\n\n", floor, end)
            if cut != -1:
                end = cut + 2
            elif (cut := text.rfind("\n", floor, end)) != -1:
                end = cut + 1
        out.append((start, end))
        start = end
    return out


def find_mentions(text: str, anchor: dt.date | ReferenceDate | None) -> list[SentenceMentions]:
    """Run every finder over ``text`` and bucket the mentions by sentence."""
    sentences = split_sentences(text)
    found = [SentenceMentions(sentence=s) for s in sentences]
    starts = [s.start for s in sentences]  # built once for every kind of mention bucketed below
    dates = find_dates(text, anchor)
    date_spans = dates  # only their offsets are read
    counts = _drop_overlaps(find_counts(text), date_spans)
    bucket(sentences, dates, "dates", found, starts)
    bucket(sentences, counts, "counts", found, starts)
    bucket(sentences, find_triggers(text, sentences), "triggers", found, starts)
    bucket(sentences, find_places(text), "places", found, starts)
    bucket(sentences, find_actors(text), "actors", found, starts)
    bucket(sentences, find_status_cues(text), "statuses", found, starts)
    bucket(sentences, find_victim_refs(text), "victim_refs", found, starts)
    bucket(sentences, find_anaphora(text), "anaphora", found, starts)
    bucket(sentences, find_singular_anaphora(text), "singular_anaphora", found, starts)
    # One person's counts, by sentence: only the few sentences that have one are looked at.
    singles: dict[int, CountMention] = {}
    for one in _drop_overlaps(find_singular(text), date_spans):
        i = bisect.bisect_right(starts, one.start) - 1
        if i >= 0 and one.end <= sentences[i].end and i not in singles:
            singles[i] = one
    for i, sm in enumerate(found):
        if sm.counts:
            sm.counts = _mark_parts(text, sm)
        single = singles.get(i)
        if (
            single is not None
            and not sm.counts
            and not _plural_people(text, sm, single)
            # "the group, which included a 10-year-old girl": one member, not the group's number
            and not is_subgroup(text, single.start, single.end, sm.sentence.start, sm.sentence.end)
        ):
            sm.counts = [single]
    _inherit_lead_in(text, found)
    _mark_other_groups(text, found)
    _mark_clause_breaks(text, found)
    # Running totals and head-counts: never an incident's figure. A head-count is dated to the
    # report's day, so only a reference known to the day dates it.
    day = anchor.start if isinstance(anchor, ReferenceDate) and anchor.precision == "day" else None
    mark_tallies(text, found, anchor if isinstance(anchor, dt.date) else day)
    return found


#: A list item: a line opening with a bullet or a number ("- 3 May: 5 people in Yanji", "2) ...").
_LIST_ITEM: Final = re.compile(r"\s*(?:[•·*\-–—▪◦]|\d{1,2}[.)])\s")


def _inherit_lead_in(text: str, found: list[SentenceMentions]) -> None:
    """List items under a lead-in that ends with a colon take its event words.

    "Police arrested North Koreans in three raids:" followed by "- 3 May: 5 people in
    Yanji" lines: each item is a group with its own date, figure and place, and the
    lead-in says what happened to all of them. An item with event words of its own, or
    one naming no figure, keeps what it has.
    """
    lead: list[Trigger] = []
    for sm in found:
        s = sm.sentence
        line = text[s.start : s.end]
        if not _LIST_ITEM.match(line):
            # the lead-in's events happened to the items: a participle before a plural there
            # ("police arrested North Koreans in three raids:") is read as the verb it is
            opens_list = line.rstrip().endswith((":", "："))
            lead = [dataclasses.replace(t, nominal=False) for t in sm.triggers if opens_list and t.realis]
            continue
        if lead and not sm.triggers and sm.counts and (sm.dates or sm.places):
            sm.triggers = list(lead)


def _mark_parts(text: str, sm: SentenceMentions) -> list[CountMention]:
    """The sentence's counts, parts of a group flagged (the first after "이들 중" or "of them",
    and every later figure of the same list), other sub-group counts taken out: those of a
    kind of person (women, men, children) are kept as the group's members."""
    s = sm.sentence
    out: list[CountMention] = []
    in_part = False
    for c in sm.counts:
        if c.group == "people" and (in_part or is_part(text, c.start, c.end, s.start)):
            in_part = True
            out.append(dataclasses.replace(c, part=True))
        elif not is_subgroup(text, c.start, c.end, s.start, s.end):
            out.append(c)
        elif c.group != "people":
            sm.members.append(c)
    return out


_PLURAL_PEOPLE: Final = frozenset({"people", "children", "men", "women", "family", "kids", "persons"})


#: How far before a named person their own noun may stand ("탈북자 김모 씨", "defector Person A").
_OWN_NOUN_REACH: Final = 12


def _plural_people(text: str, sm: SentenceMentions, single: CountMention) -> bool:
    """Whether the sentence speaks of several people ("defectors", "his family", "이들"), beside
    the one person ``single`` names (whose own noun, "탈북자 김모 씨", says nothing of number)."""
    for ref in sm.victim_refs:
        if single.start - _OWN_NOUN_REACH <= ref.start and ref.end <= single.end:
            continue
        word = text[ref.start : ref.end].lower()
        if word.endswith("s") or word in _PLURAL_PEOPLE or not word.isascii():
            return True
    return False


def _mark_other_groups(text: str, found: list[SentenceMentions]) -> None:
    """Mark the sentences that bring in another group ("41 others") or say that their groups
    were caught apart ("separately", "별도로")."""
    starts = [sm.sentence.start for sm in found]
    for span in find_other_group(text):
        i = bisect.bisect_right(starts, span.start) - 1
        if i >= 0:
            found[i].other_group = True
    for span in find_separate(text):
        i = bisect.bisect_right(starts, span.start) - 1
        if i >= 0:
            found[i].separate_at.append(span.start)


def _mark_clause_breaks(text: str, found: list[SentenceMentions]) -> None:
    """Semicolons inside sentences with figures: where a list of dated groups is cut."""
    for sm in found:
        s = sm.sentence
        if sm.counts and (";" in text[s.start : s.end] or "；" in text[s.start : s.end]):
            sm.clause_breaks = [i for i in range(s.start, s.end) if text[i] in ";；"]


def _drop_overlaps(counts: list[CountMention], spans: Sequence[Span | DateMention]) -> list[CountMention]:
    out = []
    j = 0
    spans = sorted(spans, key=lambda s: s.start)
    for c in counts:
        while j < len(spans) and spans[j].end <= c.start:
            j += 1
        if j < len(spans) and spans[j].start < c.end:
            continue
        out.append(c)
    return out
