"""Streaming clustering gives exactly the incidents of the plain algorithm (issue #20 point 4).

:func:`refwatch.link.clustering.cluster` no longer keeps every candidate pair's comparison:
it weighs pairs without their reasons, drops those below the threshold, skips pairs a
date of writing rules out, and weighs again the few an average needs. Each of those
steps could change which incidents come out. Here small random sets of fictional
reports (shared documents, vetoes by date and by date of writing, undated and
yearless reports, identical reports whose pairs tie, reviewer pins) are clustered by
it and by the algorithm as it was, written out plainly below: every candidate pair
weighed with its reasons and kept, every join attempt averaging all pairs across the
two groups afresh. Groups and links, with their comparisons, must be the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import replace

from factories import make
from hypothesis import event, given, settings
from hypothesis import strategies as st

from refwatch.domain.incidents import DateInterval
from refwatch.link.clustering import (
    Clustering,
    Link,
    _Groups,
    _logit2,
    _written_before,
    candidate_pairs,
    cluster,
    is_candidate,
)
from refwatch.link.features import Features, features
from refwatch.link.model import LinkModel, default_model
from refwatch.link.partial import relink_part
from refwatch.link.scoring import Comparison, Report, compare_features

WINDOW = 45
MODEL = default_model()
BASE = dt.date(2030, 3, 1)


def swept_before(reports: Sequence[Report]) -> list[tuple[Report, Report]]:
    """The blocking before undated reports were blocked by their date of writing: a sweep of
    the dated reports, and every undated report with every report of another document."""
    dated = sorted(
        (r for r in reports if r.incident.date.start), key=lambda r: (r.incident.date.start, r.key)
    )
    undated = sorted((r for r in reports if not r.incident.date.start), key=lambda r: r.key)
    pairs = []
    for i, a in enumerate(dated):
        end = dt.date.fromisoformat(a.incident.date.end or a.incident.date.start or "")
        for b in dated[i + 1 :]:
            if dt.date.fromisoformat(b.incident.date.start or "") > end + dt.timedelta(days=WINDOW):
                break
            pairs.append((a, b))
    for i, a in enumerate(undated):
        pairs.extend((a, b) for b in [*undated[i + 1 :], *dated])
    return [(a, b) for a, b in pairs if a.document != b.document]


def plain(
    reports: list[Report], *, threshold: float, pinned: list[list[str]], model: LinkModel
) -> Clustering:
    """The clustering as it was: all comparisons kept, every average taken over all pairs,
    every undated report compared with everything (:func:`swept_before`)."""
    limit = _logit2(threshold)
    read = {r.key: features(r) for r in reports}
    every: dict[tuple[str, str], Comparison] = {}

    def pair(x: str, y: str) -> Comparison:
        k = (x, y) if x < y else (y, x)
        if k not in every:
            every[k] = compare_features(read[k[0]], read[k[1]], window_days=WINDOW, model=model)
        return every[k]

    scored = []
    for left, right in swept_before(reports):
        result = pair(left.key, right.key)
        if (
            result.veto is None
            and result.enough_alone
            and result.weight is not None
            and result.weight >= limit
        ):
            first, second = sorted((left.key, right.key))
            scored.append((result.weight, first, second, result))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    # A pin holds its whole incident: the joins run again with each pin grown to its group
    # until none grows, as a relink run right after would start from them.
    pins = [sorted(m for m in members if m in read) for members in pinned]
    while True:
        groups = _Groups(reports)
        for pin_id, present in enumerate(pins):
            for key in present:
                groups.pins[groups.find(key)].add(pin_id)
            for key in present[1:]:
                if groups.find(present[0]) != groups.find(key):
                    groups.join(present[0], key)
        links = []
        for _w, a, b, result in scored:
            if not groups.can_join(a, b):
                continue
            left, right = groups.members(a), groups.members(b)
            if len(left) > 1 or len(right) > 1:
                results = [pair(x, y) for x in left for y in right]
                if any(r.veto or r.weight is None for r in results):
                    continue
                if not sum(r.weight or 0.0 for r in results) / len(results) >= limit:
                    continue
            groups.join(a, b)
            links.append(Link(a, b, result))
        grown = [sorted(groups.members(p[0])) if p else p for p in pins]
        if grown == pins:
            break
        pins = grown
    by_root: dict[str, list[str]] = {}
    for key in groups.parent:
        by_root.setdefault(groups.find(key), []).append(key)
    return Clustering(groups=tuple(sorted(tuple(sorted(m)) for m in by_root.values())), links=tuple(links))


# A few values of each field, so that reports often agree (ties, large groups) and sometimes
# cannot be one incident (dates or dates of writing more than the window apart).
_DAYS = st.sampled_from([0, 0, 1, 9, 40, 120, 400])
_PLACES = st.sampled_from(
    [("CN", "Jilin", "Tumen"), ("CN", "Jilin", None), ("CN", "Liaoning", "Dandong"), ("CN", None, None), None]
)


@st.composite
def report_sets(draw: st.DrawFn) -> tuple[list[Report], list[list[str]]]:
    documents = draw(st.integers(min_value=2, max_value=6))
    specs = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=documents - 1),  # which document tells it
                st.one_of(st.none(), _DAYS),  # the incident's first day, or undated
                st.sampled_from([0, 0, 2, 60]),  # how long it lasted
                st.sampled_from([None, 3, 5, 5, 12, 40]),  # the figure
                _PLACES,
                # published this many days after the base day (800: over a year after the others)
                st.sampled_from([None, 3, 10, 200, 800]),
                st.booleans(),  # an undated report names a day without its year
                st.booleans(),  # a date with a start and no end
            ),
            min_size=2,
            max_size=14,
        )
    )
    reports: list[Report] = []
    ordinals: dict[int, int] = {}
    for document, start, length, count, place, published, yearless, open_end in specs:
        doc = f"d{document}"
        ordinal = ordinals.get(document, 0)
        ordinals[document] = ordinal + 1
        first = BASE + dt.timedelta(days=start) if start is not None else None
        incident = make(
            doc,
            start=first.isoformat() if first else None,
            end=(first + dt.timedelta(days=length)).isoformat() if first else None,
            count=count,
            place=place,
        )
        if first is None and yearless:
            incident.date = DateInterval(text="on March 3", precision="unknown")
        elif first is not None and open_end:
            incident.date = replace(incident.date, end=None)
        reports.append(
            Report(
                f"{doc}#{ordinal:03d}",
                doc,
                incident,
                published=BASE + dt.timedelta(days=published) if published is not None else None,
                placed_in_time=published is not None,
            )
        )
    keys = [r.key for r in reports]
    pinned = draw(st.lists(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True), max_size=2))
    return reports, pinned


@settings(max_examples=200, deadline=None)
@given(report_sets(), st.sampled_from([MODEL.threshold or 0.5, 0.02, 0.5]))
def test_streaming_clustering_is_the_plain_algorithm(
    drawn: tuple[list[Report], list[list[str]]], threshold: float
) -> None:
    reports, pinned = drawn
    expected = plain(reports, threshold=threshold, pinned=pinned, model=MODEL)
    got = cluster(reports, threshold=threshold, window_days=WINDOW, pinned=pinned, model=MODEL)
    assert got.groups == expected.groups
    assert got.links == expected.links  # the same pairs in the same order, with the same reasons


@settings(max_examples=400, deadline=None)
@given(report_sets(), st.sampled_from([MODEL.threshold or 0.5, 0.02, 0.5]))
def test_a_relink_right_after_a_relink_changes_nothing(
    drawn: tuple[list[Report], list[list[str]]], threshold: float
) -> None:
    """A relink reads the pins from the incidents the last one left: each pinned incident holds,
    as a pin, every report linking put with it. Run again, nothing may move or be linked anew.
    (Before the fix, a report that joined a pinned group was pinned from the start the second
    time, and the group then admitted a third report it had refused, or the other way round.)"""
    reports, pins = drawn
    first = cluster(reports, threshold=threshold, window_days=WINDOW, pinned=pins, model=MODEL)
    stored = [list(g) for g in first.groups if any(set(g) & set(p) for p in pins)]
    reviewed = [set().union(*(set(p) for p in pins if set(p) & set(g))) for g in stored]
    grew = sum(len(g) > len(r) for g, r in zip(stored, reviewed, strict=True))
    event(f"pinned incidents grown by linking: {grew}")
    again = cluster(reports, threshold=threshold, window_days=WINDOW, pinned=stored, model=MODEL)
    assert again == first
    shuffled = cluster(
        list(reversed(reports)), threshold=threshold, window_days=WINDOW, pinned=pins[::-1], model=MODEL
    )
    assert shuffled == first  # and the order reports and pins come in changes nothing


@settings(max_examples=200, deadline=None)
@given(report_sets(), st.sampled_from([0, 30, 300]))
def test_blocking_leaves_out_only_pairs_a_date_of_writing_rules_out(
    drawn: tuple[list[Report], list[list[str]]], written_for: int
) -> None:
    """The pairs of an undated report that blocking no longer makes were all vetoed."""
    reports, _pinned = drawn
    # Some documents known only by a date of writing that spans days (a stamp, an address).
    reports = [
        replace(r, reference=(r.published, r.published + dt.timedelta(days=written_for)))
        if r.published is not None and r.document in ("d1", "d3")
        else r
        for r in reports
    ]
    before = {tuple(sorted((a.key, b.key))) for a, b in swept_before(reports)}
    now = {tuple(sorted((a.key, b.key))) for a, b in candidate_pairs(reports, window_days=WINDOW)}
    assert now <= before
    read = {r.key: features(r) for r in reports}
    for x, y in before - now:
        assert compare_features(read[x], read[y], window_days=WINDOW, model=MODEL).veto
        event("an undated report's pair left out")


@settings(max_examples=100, deadline=None)
@given(report_sets())
def test_pairs_skipped_unweighed_are_vetoed(drawn: tuple[list[Report], list[list[str]]]) -> None:
    """What clustering skips before placing and weighing, comparing would have ruled out."""
    reports, _pinned = drawn
    read = {r.key: features(r) for r in reports}
    for left, right in candidate_pairs(reports, window_days=WINDOW):
        a, b = read[left.key], read[right.key]
        if _written_before(a, b, window_days=WINDOW) or _written_before(b, a, window_days=WINDOW):
            assert compare_features(a, b, window_days=WINDOW, model=MODEL).veto


@settings(max_examples=60, deadline=None)
@given(report_sets())
def test_weighing_without_reasons_is_the_same_float(drawn: tuple[list[Report], list[list[str]]]) -> None:
    """The weight clustering ranks and averages by is, to the last bit, the one reviewers see."""
    reports, _pinned = drawn
    read = [features(r) for r in reports]
    for a in read:
        for b in read:
            full = compare_features(a, b, window_days=WINDOW, model=MODEL)
            bare = compare_features(a, b, window_days=WINDOW, model=MODEL, explain=False)
            assert bare == replace(full, weighing=None)
            if full.veto is None:
                assert MODEL.match_weight(a, b) == MODEL.weigh(a, b).weight


# --- clustering again only the part new reports can change (refwatch.link.partial) ------------------


class InMemory:
    """Stored reports and incidents for :func:`relink_part`, from a list of reports and groups."""

    def __init__(self, reports: list[Report], groups: list[tuple[str, ...]], pinned: set[int]) -> None:
        self.reports = {r.key: r for r in reports}
        self.groups = groups
        self.of = {k: i for i, g in enumerate(groups) for k in g}
        self.fixed = pinned
        self.pairs: dict[str, list[str]] = {r.key: [] for r in reports}
        for a, b in candidate_pairs(reports, window_days=WINDOW):
            self.pairs[a.key].append(b.key)
            self.pairs[b.key].append(a.key)

    def incident(self, key: str) -> int:
        return self.of[key]

    def members(self, incident: Hashable) -> Sequence[str]:
        return self.groups[int(str(incident))]

    def pinned(self, incident: Hashable) -> bool:
        return incident in self.fixed

    def candidates(self, key: str) -> Iterable[str]:
        return self.pairs[key]

    def paired(self, a: str, b: str) -> bool:
        return is_candidate(self.reports[a], self.reports[b], window_days=WINDOW)

    def read(self, keys: Collection[str]) -> Mapping[str, Features]:
        return {k: features(self.reports[k]) for k in keys}


@settings(max_examples=300, deadline=None)
@given(report_sets(), st.integers(min_value=1, max_value=3), st.sampled_from([MODEL.threshold or 0.5, 0.02]))
def test_clustering_the_part_new_reports_reach_gives_the_full_relink(
    drawn: tuple[list[Report], list[list[str]]], newest: int, threshold: float
) -> None:
    """Stored incidents from a full relink, new documents' reports each in an incident of its own:
    the part :func:`relink_part` clusters, with every other stored incident, is the full relink."""
    reports, pins = drawn
    documents = sorted({r.document for r in reports})
    fresh = set(documents[-newest:])
    old = [r for r in reports if r.document not in fresh]
    new = [r for r in reports if r.document in fresh]
    first = cluster(old, threshold=threshold, window_days=WINDOW, pinned=pins, model=MODEL)
    # A reviewer's pin holds the whole stored incident from then on; the stored incidents are
    # what a full relink gives under the pins of now (link_increment's audit check keeps it so).
    pinned = {i for i, g in enumerate(first.groups) if any(set(g) & set(p) for p in pins)}
    now = [list(first.groups[i]) for i in sorted(pinned)]
    assert cluster(old, threshold=threshold, window_days=WINDOW, pinned=now, model=MODEL) == first
    groups = [*first.groups, *((r.key,) for r in new)]
    part = relink_part(
        InMemory(reports, groups, pinned),
        [r.key for r in new],
        threshold=threshold,
        window_days=WINDOW,
        model=MODEL,
        most=len(reports),
    )
    full = cluster(reports, threshold=threshold, window_days=WINDOW, pinned=now, model=MODEL)
    assert part is not None
    inside = {k for g in part.groups for k in g}
    assert {r.key for r in new} <= inside
    rest = [g for g in first.groups if not set(g) & inside]
    event(
        f"stored incidents taken in: {min(len(first.groups) - len(rest), 3)}; left alone: {min(len(rest), 3)}"
    )
    event(f"pinned incidents: {min(len(pinned), 1)}")
    assert tuple(sorted([*part.groups, *rest])) == full.groups
    assert part.links == tuple(link for link in full.links if link.a in inside)


@settings(max_examples=100, deadline=None)
@given(report_sets())
def test_one_pair_is_a_candidate_as_the_sweep_pairs_it(drawn: tuple[list[Report], list[list[str]]]) -> None:
    reports, _pins = drawn
    swept = {tuple(sorted((a.key, b.key))) for a, b in candidate_pairs(reports, window_days=WINDOW)}
    asked = {
        (a.key, b.key)
        for a in reports
        for b in reports
        if a.key < b.key and is_candidate(a, b, window_days=WINDOW)
    }
    assert asked == swept
