"""Incident assembly: group sentence mentions into incidents and keep separate ones apart.

A sentence *seeds* an incident when something happened to people in it (a realis
arrest, detention, deportation, return or death, or an authority's decided
return) and it says something specific: a count, a date or a place below
country level. Seeds join an existing incident when they speak of the same
group: the same stated figure, or no figure and no clash of dates; a different
figure, or words for another group ("41 others", "다른 탈북자들은"), start a new
incident. Sentences without a seed that point back to the group ("the group",
"이들") add places, demographics and event types to the latest incident.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

from refwatch.domain.vocabulary import CORE_EVENT_TYPES
from refwatch.extract.mentions import CountMention, DateMention, PlaceMention, Sentence, SentenceMentions

#: Dates further apart than this are different incidents unless the figures agree.
DATE_GAP_DAYS: Final = 60
#: How many sentences after an incident's last sentence a back-reference may attach.
ATTACH_WINDOW: Final = 3
_SEED_TYPES: Final = CORE_EVENT_TYPES | {"death"}
#: Nouns of acts done at one time; "detention" names a state that lasts and dates nothing.
NOMINAL_SEED_TYPES: Final = frozenset({"arrest", "deportation", "repatriation"})
#: How far (characters) an event noun's own figure may stand from it.
NOMINAL_REACH: Final = 30


@dataclass(slots=True)
class Cluster:
    """The sentences and mentions gathered for one incident."""

    seeds: list[SentenceMentions] = field(default_factory=list)
    attached: list[SentenceMentions] = field(default_factory=list)
    counts: list[CountMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    last_index: int = 0
    # Kept up to date by add(), so that choosing a cluster for each seed does not walk every mention
    # gathered so far: in a long report that walk made assembly quadratic.
    people_values: set[int] = field(default_factory=set)
    date_spans: set[tuple[dt.date, dt.date]] = field(default_factory=set)
    #: For a seed sentence split into several groups: sentence index -> the stretch of text that
    #: speaks of this cluster's group, so that places named for another group stay there.
    stretches: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: The group this one is a part of ("이들 중 9명은 ..."), and for a group, the sentences
    #: that tell of its parts: they add their places (and dates, when the group has none).
    parent: Cluster | None = None
    part_sentences: list[SentenceMentions] = field(default_factory=list)
    part_dates: list[DateMention] = field(default_factory=list)

    def places(self, sm: SentenceMentions) -> list[PlaceMention]:
        """The places of ``sm`` that speak of this cluster's group."""
        stretch = self.stretches.get(sm.sentence.index)
        if stretch is None or any(s is sm for s in self.part_sentences):
            return sm.places
        return [p for p in sm.places if stretch[0] <= p.start < stretch[1]]

    def add(self, counts: list[CountMention], dates: list[DateMention]) -> None:
        """Gather a seed's counts and dates."""
        self.counts.extend(counts)
        self.dates.extend(dates)
        self.people_values.update(c.count for c in counts if c.count is not None and c.group == "people")
        self.date_spans.update((d.lo, d.hi) for d in dates if d.lo is not None and d.hi is not None)

    def count_values(self) -> set[int]:
        """The figures of people stated for this incident (do not modify)."""
        return self.people_values

    def known_dates(self) -> list[DateMention]:
        return [d for d in self.dates if d.lo is not None]

    @property
    def first_index(self) -> int:
        return self.seeds[0].sentence.index


class _Positioned(Protocol):
    """Anything with offsets into the text: a span or any mention."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def bucket(
    sentences: list[Sentence],
    spans: Sequence[_Positioned],
    attr: str,
    found: list[SentenceMentions],
    starts: list[int] | None = None,
) -> None:
    """Append each mention to the sentence that contains it (mentions crossing a boundary are dropped).

    ``starts`` (the sentences' starts, in order) may be passed by a caller that buckets several
    kinds of mention into the same sentences, so that it is built once.
    """
    if not spans:
        return
    if starts is None:
        starts = [s.start for s in sentences]
    locate = bisect.bisect_right
    for span in spans:
        i = locate(starts, span.start) - 1
        if i >= 0 and span.end <= sentences[i].end:
            getattr(found[i], attr).append(span)


def _realis_core(sm: SentenceMentions) -> bool:
    return any(t.realis and not t.nominal and set(t.types) & _SEED_TYPES for t in sm.triggers)


def _specific(sm: SentenceMentions, counts: list[CountMention], dates: list[DateMention]) -> bool:
    if counts or dates:
        return True
    return any(p.kind not in ("country", "region") and p.country not in ("KR",) for p in sm.places)


def people_counts(sm: SentenceMentions) -> list[CountMention]:
    """Counts that may stand for the whole group (not a part, not overlapping a date)."""
    return [c for c in sm.counts if c.group == "people" and not c.part]


def _part_counts(sm: SentenceMentions) -> list[CountMention]:
    return [c for c in sm.counts if c.group == "people" and c.part and c.count is not None]


def _event_dates(sm: SentenceMentions) -> list[DateMention]:
    return [d for d in sm.dates if d.role == "event"]


def dated_nominal(sm: SentenceMentions) -> bool:
    """A noun for an event with its own figure and date ("the repatriation of 600 people in
    October 2023"): the noun names one event, not a kind of event."""
    nouns = [t for t in sm.triggers if t.realis and t.nominal and set(t.types) & NOMINAL_SEED_TYPES]
    figures = [c for c in people_counts(sm) if not c.vague]
    # The figure must be the noun's own: right after it ("the repatriation of 600 refugees") or
    # right before it ("탈북자 60여 명 강제 북송"), not people elsewhere in the sentence.
    own = any(
        0 <= c.start - t.end <= NOMINAL_REACH or 0 <= t.start - c.end <= NOMINAL_REACH
        for t in nouns
        for c in figures
    )
    return own and any(d.lo is not None for d in _event_dates(sm))


def is_seed(sm: SentenceMentions) -> bool:
    """Whether this sentence reports a specific event that happened (or was decided) to people."""
    if sm.sentence.clutter:
        return False
    happened = _realis_core(sm) or any(t.intent for t in sm.triggers) or dated_nominal(sm)
    if not happened:
        return False
    return _specific(sm, sm.counts, _event_dates(sm))


def is_tally(sm: SentenceMentions) -> bool:
    """Whether the sentence's figures of people are all tallies ("more than 600 returned since 2020").

    :func:`refwatch.extract.tallies.mark_tallies` decides which figures are tallies
    (a yearly rate, a total over a long period, a head-count now, cases, a sum of
    groups dated apart) and moves them out of ``counts``; the same findings become
    the document's tally records. Such a figure adds up many incidents, so counted
    as an incident it would stand beside the incidents it sums and count their
    people twice: a sentence left with nothing but tallies seeds none. A sentence
    that also tells of one group ("41 arrested in March, and at least 33 are held";
    "hundreds are sent back every year; last month 9 were arrested in Hunchun")
    still seeds that group's incident with the words of its own clause.
    """
    return bool(sm.tallies) and not people_counts(sm) and not _realis_core(sm)


def _dates_clash(a: list[DateMention], spans_b: Collection[tuple[dt.date, dt.date]]) -> bool:
    """True when ``a`` and a cluster's distinct date spans are all more than the gap apart."""
    spans_a = [(x.lo, x.hi) for x in a if x.lo is not None and x.hi is not None]
    if not spans_a or not spans_b:
        return False
    gap = dt.timedelta(days=DATE_GAP_DAYS)
    return not any(
        a_lo - gap <= b_hi and b_lo - gap <= a_hi for a_lo, a_hi in spans_a for b_lo, b_hi in spans_b
    )


def _split_pairs(
    sm: SentenceMentions, figures: list[CountMention] | None = None
) -> list[tuple[list[CountMention], list[DateMention], tuple[int, int] | None]]:
    """One sentence listing several dated groups ("10월(600여 명), 4월(200여 명)") gives one seed
    each, with the stretch of the sentence that speaks of it (cut halfway between the items)."""
    counts = [c for c in (people_counts(sm) if figures is None else figures) if not c.vague]
    # Dates that cannot be placed in time still mark where one group's item ends and the next
    # begins ("지난해 9월 18일 40명, 같은 해 8월 29일 80명" in a report without a date).
    dates = _event_dates(sm)
    values = {c.count for c in counts}
    # Distinct date texts: the same words twice name one time, not two groups' times.
    if (
        len(counts) >= 2
        and len(values) == len(counts)
        and len({d.text for d in dates}) == len(counts) == len(dates)
    ):
        items = list(zip(counts, dates, strict=True))
        stretches = _stretches(sm, [(min(c.start, d.start) + max(c.end, d.end)) // 2 for c, d in items])
        return [([c], [d], stretch) for (c, d), stretch in zip(items, stretches, strict=True)]
    if figures is not None and len(figures) > 1:
        stretches = _stretches(sm, [(c.start + c.end) // 2 for c in figures])
        return [([c], [], stretch) for c, stretch in zip(figures, stretches, strict=True)]
    if (
        figures is None
        and len(counts) >= 2
        and len(values) == len(counts)
        and any(counts[0].end <= at for at in sm.separate_at)
    ):
        # "12 were detained in Yunnan, and seven others were arrested separately in Kunming":
        # groups caught apart, each with the dates of its own stretch of the sentence.
        stretches = _stretches(sm, [(c.start + c.end) // 2 for c in counts])
        return [
            ([c], [d for d in dates if lo <= d.start < hi], (lo, hi))
            for c, (lo, hi) in zip(counts, stretches, strict=True)
        ]
    return [(people_counts(sm) if figures is None else figures, _event_dates(sm), None)]


def _stretches(sm: SentenceMentions, centres: list[int]) -> list[tuple[int, int]]:
    """The sentence cut between consecutive items (at ``centres``): one stretch per item.

    The cut is the clause break between two items where there is one ("In March, 12 were
    arrested in Yanji; in April, 7 in Tumen": Yanji is the first item's), else halfway.
    """
    cuts = [sm.sentence.start]
    for a, b in itertools.pairwise(centres):
        breaks = [at for at in sm.clause_breaks if a < at < b]
        cuts.append(breaks[0] + 1 if len(breaks) == 1 else (a + b) // 2)
    cuts.append(sm.sentence.end)
    return list(itertools.pairwise(cuts))


def _is_part_seed(sm: SentenceMentions) -> bool:
    """A sentence telling what happened to part of a group: any event, aftermath included
    ("Of them, 5 were executed", "이들 중 3명은 석방됐다")."""
    if sm.sentence.clutter or people_counts(sm) or not _part_counts(sm):
        return False
    return any(t.realis and not t.nominal for t in sm.triggers) or bool(sm.statuses)


def _parent_of(parts: list[CountMention], current: Cluster | None) -> Cluster | None:
    """The group a part belongs to: the current one, when it states a larger figure."""
    if current is None or not current.count_values() or not parts:
        return None
    largest = max(current.count_values())
    return current if all(c.count is not None and c.count < largest for c in parts) else None


def _add_part(parent: Cluster, sm: SentenceMentions, dates: list[DateMention]) -> Cluster:
    """A new cluster for a part of ``parent``; the parent learns the part's places and dates
    (its dates are used only when the parent states none of its own)."""
    if not parent.part_sentences or parent.part_sentences[-1] is not sm:
        parent.part_sentences.append(sm)
    parent.part_dates.extend(d for d in dates if d.lo is not None)
    return Cluster(parent=parent, last_index=sm.sentence.index)


def _other_time(dates: list[DateMention], cluster: Cluster) -> bool:
    """A seed dated with a year it states ("In 2003, ...") beside a group dated only by words
    that could not be placed ("last month", "on Monday"): the report tells of its recent news in
    relative words and writes the year out for another time, so the two are not one group unless
    the sentence points back to it."""
    own = [d for d in dates if d.lo is not None and not d.year_inferred]
    return (
        bool(own)
        and bool(cluster.dates)
        and all(d.lo is None for d in cluster.dates)
        and not cluster.part_dates
    )


def _choose(
    clusters: list[Cluster],
    counts: list[CountMention],
    dates: list[DateMention],
    other: bool,
    current: Cluster | None,
    by_value: dict[int, set[int]],
    back_reference: bool = False,
) -> Cluster | None:
    """The cluster a seed joins, or None for a new one; ``by_value`` maps figures to cluster positions."""
    if other:
        return None
    values = {c.count for c in counts if c.count is not None}
    if values:
        # The latest cluster sharing a figure, as a walk back over all clusters would find it.
        sharing = set().union(*(by_value.get(v, set()) for v in values))
        for position in sorted(sharing, reverse=True):
            if not _dates_clash(dates, clusters[position].date_spans):
                return clusters[position]
        if current is not None and not current.count_values() and not _dates_clash(dates, current.date_spans):
            return current
        return None
    if current is not None and not back_reference and _other_time(dates, current):
        return None  # no figure to share, and a time of its own
    if current is not None and not _dates_clash(dates, current.date_spans):
        return current
    for cluster in reversed(clusters):
        if not _dates_clash(dates, cluster.date_spans):
            return cluster
    return None


def assemble(found: list[SentenceMentions]) -> list[Cluster]:
    """Group the sentences of one document into incident clusters, in order of first mention."""
    clusters: list[Cluster] = []
    position: dict[int, int] = {}  # id(cluster) -> its place in clusters
    by_value: dict[int, set[int]] = {}  # figure of people -> positions of the clusters stating it
    current: Cluster | None = None
    for sm in found:
        if sm.sentence.clutter or is_tally(sm):
            continue
        if _is_part_seed(sm) and (parent := _parent_of(_part_counts(sm), current)):
            for counts, dates, stretch in _split_pairs(sm, _part_counts(sm)):
                part = _add_part(parent, sm, dates or _event_dates(sm))
                part.seeds.append(sm)
                part.add(counts, dates or _event_dates(sm))
                if stretch is not None:
                    part.stretches[sm.sentence.index] = stretch
                clusters.append(part)
            parent.last_index = sm.sentence.index
            continue
        if is_seed(sm):
            for counts, dates, stretch in _split_pairs(sm):
                target = _choose(
                    clusters, counts, dates, sm.other_group, current, by_value, bool(sm.anaphora)
                )
                if target is None:
                    target = Cluster()
                    position[id(target)] = len(clusters)
                    clusters.append(target)
                if not target.seeds or target.seeds[-1] is not sm:
                    target.seeds.append(sm)
                if stretch is not None:
                    target.stretches[sm.sentence.index] = stretch
                target.add(counts, dates)
                for c in counts:
                    if c.count is not None and c.group == "people":
                        by_value.setdefault(c.count, set()).add(position[id(target)])
                target.last_index = sm.sentence.index
                current = target
            continue
        if (
            current is not None
            and not sm.other_group
            and sm.sentence.index - current.last_index <= ATTACH_WINDOW
            and (sm.anaphora or sm.victim_refs or (sm.singular_anaphora and current.count_values() == {1}))
        ):
            current.attached.append(sm)
            current.last_index = sm.sentence.index
    return clusters
