"""The rule-based extractor: segmentation, mention finders, assembly, resolution.

Deterministic and offline. Each stage is a function of its own module; this one
only runs them in order over one document. Every finder scans the whole text
once with precompiled patterns and mentions are bucketed into sentences by
offset, so the cost grows linearly with the length of the text.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from refwatch.domain.incidents import Evidence, Incident
from refwatch.extract.assemble import assemble, bucket
from refwatch.extract.base import Extraction
from refwatch.extract.counts import find_counts
from refwatch.extract.dateline import dateline_date
from refwatch.extract.dates import find_dates
from refwatch.extract.mentions import CountMention, SentenceMentions, Span
from refwatch.extract.places import find_actors, find_places
from refwatch.extract.resolve import build_incident, salience_scores
from refwatch.extract.segment import split_sentences
from refwatch.extract.tallies import mark_tallies, tallies_of
from refwatch.extract.triggers import (
    find_anaphora,
    find_other_group,
    find_status_cues,
    find_triggers,
    find_victim_refs,
    is_subgroup,
)

NAME = "rules"
#: Texts longer than this (characters) are extracted one segment at a time; every report in the
#: dev corpus is far shorter (the longest is under 10,000), so their results do not depend on it.
SEGMENT_CHARS: Final = 1_000_000


class RuleExtractor:
    """Extracts incidents with hand-written language packs (English, Korean, Chinese)."""

    name = NAME

    def extract(
        self,
        text: str,
        *,
        document: str,
        published: dt.date | None = None,
        language: str | None = None,
    ) -> list[Incident]:
        """Incidents in ``text``; ``published`` anchors relative dates (else a dateline in the text).

        ``language`` is accepted for the interface; all language packs run on every text,
        because reports mix scripts. Tallies are left out: :meth:`extract_all` gives both.
        """
        return self.extract_all(text, document=document, published=published, language=language).incidents

    def extract_all(
        self,
        text: str,
        *,
        document: str,
        published: dt.date | None = None,
        language: str | None = None,
    ) -> Extraction:
        """Incidents and tallies in ``text``, from one pass of the finders (see :meth:`extract`)."""
        anchor = published if published is not None else dateline_date(text)
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


def _extract_part(text: str, anchor: dt.date | None, document: str) -> Extraction:
    found = find_mentions(text, anchor)
    clusters = assemble(found)
    saliences = salience_scores(clusters)
    incidents = [
        build_incident(cluster, text, document=document, salience=salience)
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


def find_mentions(text: str, anchor: dt.date | None) -> list[SentenceMentions]:
    """Run every finder over ``text`` and bucket the mentions by sentence."""
    sentences = split_sentences(text)
    found = [SentenceMentions(sentence=s) for s in sentences]
    dates = find_dates(text, anchor)
    counts = _drop_overlaps(find_counts(text), [Span(d.start, d.end) for d in dates])
    bucket(sentences, dates, "dates", found)  # type: ignore[arg-type]
    bucket(sentences, counts, "counts", found)  # type: ignore[arg-type]
    bucket(sentences, find_triggers(text, sentences), "triggers", found)  # type: ignore[arg-type]
    bucket(sentences, find_places(text), "places", found)  # type: ignore[arg-type]
    bucket(sentences, find_actors(text), "actors", found)  # type: ignore[arg-type]
    bucket(sentences, find_status_cues(text), "statuses", found)  # type: ignore[arg-type]
    bucket(sentences, find_victim_refs(text), "victim_refs", found)
    bucket(sentences, find_anaphora(text), "anaphora", found)
    for sm in found:
        s = sm.sentence
        sm.counts = [c for c in sm.counts if not is_subgroup(text, c.start, c.end, s.start, s.end)]
    _mark_other_groups(text, found)
    mark_tallies(text, found, anchor)  # running totals and head-counts: never an incident's figure
    return found


def _mark_other_groups(text: str, found: list[SentenceMentions]) -> None:
    spans = find_other_group(text)
    starts = [sm.sentence.start for sm in found]
    import bisect

    for span in spans:
        i = bisect.bisect_right(starts, span.start) - 1
        if i >= 0:
            found[i].other_group = True


def _drop_overlaps(counts: list[CountMention], spans: list[Span]) -> list[CountMention]:
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
