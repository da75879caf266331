"""Grouping reports into incidents, independent of the order they arrived in.

Every candidate pair is scored by the linking model, pairs whose match
probability is at or above the threshold are taken in order of descending
weight (ties broken by the reports' stable keys), and two groups are joined only
if the whole new group holds together: no veto between any two of its reports
(incompatible dates cannot share an incident, however each relates to a third),
and the mean match weight over every pair across the two groups still clears the
threshold (average linkage on weights: one strong pair cannot chain an undated
report and two events years apart). No document may have two reports in one
incident, and no reviewer decision is overridden. Because the input is a set and
every choice is made by weight and key, ingesting the same documents in any order
gives the same incidents.

Human decisions enter as constraints: ``pinned`` groups (merged or split by a
reviewer) are joined from the start and never joined with each other. A pin holds
its whole incident, and a relink reads the pins from the incidents the last one
left, so a report linked to a pinned group is pinned with it from then on; the
joins are therefore run again with each pin grown to its group until none grows,
and a relink right after a relink changes nothing (it did, before: the report,
pinned from the start, could let the group admit a third report it had refused,
or lose the link that had put it there).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from refwatch.link.features import Features, features, reference_interval
from refwatch.link.levels import interval_gap
from refwatch.link.model import LinkModel, default_model
from refwatch.link.scoring import UNDATED_APART_DAYS, Comparison, Report, compare_features


@dataclass(frozen=True, slots=True)
class Link:
    """An accepted pair: why ``b`` was put with ``a``."""

    a: str
    b: str
    comparison: Comparison


@dataclass(frozen=True, slots=True)
class Clustering:
    """Groups of report keys, each sorted, with the links that formed them."""

    groups: tuple[tuple[str, ...], ...]
    links: tuple[Link, ...]


def _logit2(probability: float) -> float:
    """The match weight of a probability (bits); 0 and 1 map to the far ends."""
    if probability <= 0.0:
        return -math.inf
    if probability >= 1.0:
        return math.inf
    return math.log2(probability / (1 - probability))


def candidate_pairs(reports: Sequence[Report], *, window_days: int) -> Iterable[tuple[Report, Report]]:
    """Blocking: pairs from different documents whose dates could be within the window.

    Reports are swept in order of start date, so dated reports are compared only with
    neighbours inside the window. An undated report is compared with every report its date
    of writing does not rule out (:func:`~refwatch.link.scoring.veto`): not with a report
    whose incident began more than the window after it was written (a bisection over the
    dated reports), nor with another undated one written more than a year apart (a sweep
    over the undated reports in order of writing). Those pairs were generated, then skipped
    unweighed: 84 % of all candidate pairs on dense generated data held an undated report
    (issue #20). Which pairs are left out is in :func:`is_candidate`, asked of one pair.
    """
    window = dt.timedelta(days=window_days)
    dated = sorted(
        (r for r in reports if r.incident.date.start), key=lambda r: (r.incident.date.start, r.key)
    )
    undated = sorted((r for r in reports if not r.incident.date.start), key=lambda r: r.key)
    ends = [dt.date.fromisoformat(r.incident.date.end or r.incident.date.start or "") for r in dated]
    starts = [dt.date.fromisoformat(r.incident.date.start or "") for r in dated]
    for i, a in enumerate(dated):
        horizon = ends[i] + window
        for j in range(i + 1, len(dated)):
            if starts[j] > horizon:
                break
            if dated[j].document != a.document:
                yield a, dated[j]
    # A date with no end is read as no date at all (features.features): no date of writing
    # rules it out, so every undated report is paired with it.
    open_ended = [j for j, r in enumerate(dated) if not r.incident.date.end]
    written = {r.key: reference_interval(r) for r in undated}
    for i, a in enumerate(undated):
        when = written[a.key]
        if when is None:
            later: Iterable[Report] = undated[i + 1 :]
            among: Iterable[Report] = dated
        else:
            later = (b for b in undated[i + 1 :] if _undated_near(when, written[b.key]))
            cut = bisect.bisect_right(starts, dt.date.fromordinal(when[1]) + window)
            among = [*dated[:cut], *(dated[j] for j in open_ended if j >= cut)]
        for b in later:
            if a.document != b.document:
                yield a, b
        for b in among:
            if a.document != b.document:
                yield a, b


def _undated_near(a: tuple[int, int], b: tuple[int, int] | None) -> bool:
    """Whether two undated reports written in ``a`` and ``b`` (days) may be paired: unless
    both dates of writing are known and lie more than a year apart (a veto)."""
    return b is None or interval_gap(a, b) <= UNDATED_APART_DAYS


class _Keyed(Protocol):
    """What grouping reads of a report (a :class:`Report` or its :class:`Features`)."""

    @property
    def key(self) -> str: ...

    @property
    def document(self) -> str: ...


def is_candidate(a: Report, b: Report, *, window_days: int) -> bool:
    """Whether :func:`candidate_pairs` pairs ``a`` and ``b``, asked of one pair.

    The sweep there pairs a dated report with each later one (by start date, then key)
    that starts no later than the earlier one's end plus the window; an undated report with
    every report its date of writing does not rule out.
    """
    if a.document == b.document:
        return False
    if not a.incident.date.start and not b.incident.date.start:
        when = reference_interval(a)
        return when is None or _undated_near(when, reference_interval(b))
    if not a.incident.date.start or not b.incident.date.start:
        undated, other = (a, b) if not a.incident.date.start else (b, a)
        when = reference_interval(undated)
        if when is None or not other.incident.date.end:
            return True
        start = dt.date.fromisoformat(other.incident.date.start or "")
        return start <= dt.date.fromordinal(when[1]) + dt.timedelta(days=window_days)
    first, second = sorted((a, b), key=lambda r: (r.incident.date.start or "", r.key))
    end = dt.date.fromisoformat(first.incident.date.end or first.incident.date.start or "")
    start = dt.date.fromisoformat(second.incident.date.start or "")
    return start <= end + dt.timedelta(days=window_days)


class _Groups:
    """Union–find over report keys that also tracks documents and pins per group."""

    def __init__(self, reports: Iterable[_Keyed]) -> None:
        reports = list(reports)
        self.parent = {r.key: r.key for r in reports}
        # Members per root, kept up to date by every join: scanning every key for each
        # candidate pair made clustering quadratic in the number of reports.
        self.groups = {r.key: [r.key] for r in reports}
        self.documents = {r.key: {r.document} for r in reports}
        self.pins: dict[str, set[Hashable]] = {r.key: set() for r in reports}

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def can_join(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.documents[ra] & self.documents[rb]:
            return False
        return not (self.pins[ra] and self.pins[rb] and self.pins[ra] != self.pins[rb])

    def members(self, key: str) -> list[str]:
        return self.groups[self.find(key)]

    def join(self, a: str, b: str) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        self.parent[rb] = ra
        self.groups[ra] = sorted(self.groups[ra] + self.groups.pop(rb))
        self.documents[ra] |= self.documents.pop(rb)
        self.pins[ra] |= self.pins.pop(rb)

    def pin(self, pinned: Iterable[tuple[Hashable, Sequence[str]]]) -> None:
        """Join each reviewer's group from the start, marked so that no two are ever joined."""
        for pin_id, members in pinned:
            present = sorted(m for m in members if m in self.parent)
            for key in present:
                self.pins[self.find(key)].add(pin_id)
            for key in present[1:]:
                if self.find(present[0]) != self.find(key):
                    self.join(present[0], key)


class _JoinRule:
    """Whether two groups may join now: different documents and pins, no veto between any two
    of their reports, and the mean weight over every pair across them at the threshold.

    Two groups found incompatible stay so until one of them grows: a group is named by its
    root and size (a root absorbed into another never becomes a root again), so the many
    scored pairs between the same two large groups are averaged once, not once each.
    """

    def __init__(self, groups: _Groups, weight: Callable[[str, str], float | None], limit: float) -> None:
        self.groups = groups
        self.weight = weight  # of any two reports; None: a veto
        self.limit = limit
        self.refused: set[tuple[str, int, str, int]] = set()

    def allows(self, a: str, b: str) -> bool:
        """Whether the groups of ``a`` and ``b`` (a scored pair) may join."""
        groups = self.groups
        if not groups.can_join(a, b):
            return False
        left, right = groups.members(a), groups.members(b)
        if len(left) == 1 and len(right) == 1:
            return True
        ra, rb = sorted((groups.find(a), groups.find(b)))
        state = (ra, len(groups.groups[ra]), rb, len(groups.groups[rb]))
        if state in self.refused:
            return False
        weights: list[float] = []
        for x in left:
            for y in right:
                w = self.weight(x, y)
                if w is None:  # a veto: no average can make up for it
                    self.refused.add(state)
                    return False
                weights.append(w)
        # summed in the order the members are listed, as always, so the mean is the same float
        if not sum(w or 0.0 for w in weights) / len(weights) >= self.limit:
            self.refused.add(state)
            return False
        return True


def _scored(result: Comparison, limit: float) -> bool:
    """Whether a pair may join two reports on its own: no veto, enough alone, at the threshold."""
    return (
        result.veto is None and result.enough_alone and result.weight is not None and result.weight >= limit
    )


def _written_before(report: Features, other: Features, *, window_days: int) -> bool:
    """Whether ``report`` was written more than the window before ``other`` began: a veto
    (:func:`~refwatch.link.scoring.veto`) read off the two reports alone, before any placing
    by year (which moves only an undated side's dates, never a date of writing)."""
    return (
        report.reference is not None
        and other.start is not None
        and report.reference[1] < other.start - window_days
    )


def cluster(
    reports: Sequence[Report],
    *,
    threshold: float,
    window_days: int,
    pinned: Sequence[Sequence[str]] = (),
    model: LinkModel | None = None,
) -> Clustering:
    """Group reports into incidents (see the module docstring).

    Memory follows the reports and the scored pairs, not the candidate pairs (issue #20):
    candidate pairs are streamed from the blocking and weighed without their reasons, a
    pair below the threshold is dropped as soon as it is weighed, and only the pairs that
    become links are weighed again with their reasons (``Link.comparison``). The average
    over two groups weighs again the few pairs it needs that were dropped, and keeps each
    as one number.

    Args:
        reports: every report to group.
        threshold: match probability at or above which two reports (or groups, on average) join.
        window_days: reports whose dates lie further apart are never in one incident.
        pinned: groups of report keys a reviewer merged or split.
        model: the linking model; the packaged one by default.
    """
    model = model or default_model()
    limit = _logit2(threshold)
    read: dict[str, Features] = {r.key: features(r) for r in reports}

    def pair(x: str, y: str, *, explain: bool) -> Comparison:
        """The comparison of ``x < y``; with its reasons when ``explain``."""
        return compare_features(read[x], read[y], window_days=window_days, model=model, explain=explain)

    scored: list[tuple[float, str, str]] = []
    for left, right in candidate_pairs(reports, window_days=window_days):
        first, second = (left.key, right.key) if left.key < right.key else (right.key, left.key)
        a, b = read[first], read[second]
        if _written_before(a, b, window_days=window_days) or _written_before(b, a, window_days=window_days):
            continue  # vetoed whatever else they say: not worth placing and weighing
        result = pair(first, second, explain=False)
        if result.weight is not None and _scored(result, limit):
            scored.append((result.weight, first, second))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))

    # The weights averaged across two groups (None: a veto), one float per pair: most were
    # weighed while streaming and dropped, and only the few inside groups that meet come back.
    across: dict[tuple[str, str], float | None] = {}

    def weight(x: str, y: str) -> float | None:
        k = (x, y) if x < y else (y, x)
        if k not in across:
            across[k] = pair(k[0], k[1], explain=False).weight
        return across[k]

    # Reviewers' pins hold whole incidents: a report this run puts with a pinned group is
    # pinned with it on the next relink (``sources_locked`` is the incident's). Joined from
    # the start, it can change what the group meets (a third report that the larger group's
    # average admits, or a document it now holds), so a relink run again right after would
    # differ. The joins are run again with each pin grown to its group until no pin grows:
    # pins only grow, so this ends, and the next relink starts from where it ended.
    pins = [sorted(m for m in members if m in read) for members in pinned]
    while True:
        groups = _Groups(read.values())
        groups.pin(enumerate(pins))
        joined = _join(groups, scored, _JoinRule(groups, weight, limit))
        grown = [list(groups.members(p[0])) if p else p for p in pins]
        if grown == pins:
            break
        pins = grown
    links = [Link(x, y, pair(x, y, explain=True)) for x, y in joined]
    by_root: dict[str, list[str]] = {}
    for key in groups.parent:
        by_root.setdefault(groups.find(key), []).append(key)
    ordered = sorted(tuple(sorted(m)) for m in by_root.values())
    return Clustering(groups=tuple(ordered), links=tuple(links))


def _join(
    groups: _Groups, scored: Sequence[tuple[float, str, str]], rule: _JoinRule
) -> list[tuple[str, str]]:
    """Take the scored pairs in order and join those the rule allows; returns the joined pairs."""
    joined: list[tuple[str, str]] = []
    for _score, x, y in scored:
        if rule.allows(x, y):
            groups.join(x, y)
            joined.append((x, y))
    return joined
