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
reviewer) are joined from the start and never joined with each other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from refwatch.link.features import Features, features
from refwatch.link.model import LinkModel, default_model
from refwatch.link.scoring import Comparison, Report, compare_features


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
    neighbours inside the window; undated reports are compared with everything.
    """
    dated = sorted(
        (r for r in reports if r.incident.date.start), key=lambda r: (r.incident.date.start, r.key)
    )
    undated = sorted((r for r in reports if not r.incident.date.start), key=lambda r: r.key)
    ends = [dt.date.fromisoformat(r.incident.date.end or r.incident.date.start or "") for r in dated]
    starts = [dt.date.fromisoformat(r.incident.date.start or "") for r in dated]
    for i, a in enumerate(dated):
        horizon = ends[i] + dt.timedelta(days=window_days)
        for j in range(i + 1, len(dated)):
            if starts[j] > horizon:
                break
            if dated[j].document != a.document:
                yield a, dated[j]
    for i, a in enumerate(undated):
        for b in undated[i + 1 :]:
            if a.document != b.document:
                yield a, b
        for b in dated:
            if a.document != b.document:
                yield a, b


class _Groups:
    """Union–find over report keys that also tracks documents and pins per group."""

    def __init__(self, reports: Sequence[Report]) -> None:
        self.parent = {r.key: r.key for r in reports}
        # Members per root, kept up to date by every join: scanning every key for each
        # candidate pair made clustering quadratic in the number of reports.
        self.groups = {r.key: [r.key] for r in reports}
        self.documents = {r.key: {r.document} for r in reports}
        self.pins: dict[str, set[int]] = {r.key: set() for r in reports}

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


def cluster(
    reports: Sequence[Report],
    *,
    threshold: float,
    window_days: int,
    pinned: Sequence[Sequence[str]] = (),
    model: LinkModel | None = None,
    compared: dict[tuple[str, str], Comparison] | None = None,
) -> Clustering:
    """Group reports into incidents (see the module docstring).

    Args:
        reports: every report to group.
        threshold: match probability at or above which two reports (or groups, on average) join.
        window_days: reports whose dates lie further apart are never in one incident.
        pinned: groups of report keys a reviewer merged or split.
        model: the linking model; the packaged one by default.
        compared: comparisons already made with the same model and window, by the pair of keys in
            order (an incremental link's walk made them); pairs compared here are added to it.
    """
    model = model or default_model()
    limit = _logit2(threshold)
    read: dict[str, Features] = {r.key: features(r) for r in reports}
    groups = _Groups(reports)
    known = set(groups.parent)
    for pin_id, members in enumerate(pinned):
        present = sorted(m for m in members if m in known)
        for key in present:
            groups.pins[groups.find(key)].add(pin_id)
        for key in present[1:]:
            if groups.find(present[0]) != groups.find(key):
                groups.join(present[0], key)
    cache: dict[tuple[str, str], Comparison] = compared if compared is not None else {}

    def pair(x: str, y: str) -> Comparison:
        k = (x, y) if x < y else (y, x)
        if k not in cache:
            cache[k] = compare_features(read[k[0]], read[k[1]], window_days=window_days, model=model)
        return cache[k]

    scored: list[tuple[float, str, str, Comparison]] = []
    for left, right in candidate_pairs(reports, window_days=window_days):
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

    # Two groups found incompatible stay so until one of them grows: a group is named by its
    # root and size (a root absorbed into another never becomes a root again), so the many
    # scored pairs between the same two large groups are averaged once, not once each.
    refused: set[tuple[str, int, str, int]] = set()

    def compatible(a: str, b: str) -> bool:
        left, right = groups.members(a), groups.members(b)
        if len(left) == 1 and len(right) == 1:
            return True
        ra, rb = sorted((groups.find(a), groups.find(b)))
        state = (ra, len(groups.groups[ra]), rb, len(groups.groups[rb]))
        if state in refused:
            return False
        results = [pair(x, y) for x in left for y in right]
        if any(r.veto or r.weight is None for r in results) or not (
            sum(r.weight or 0.0 for r in results) / len(results) >= limit
        ):
            refused.add(state)
            return False
        return True

    links: list[Link] = []
    for _score, a, b, result in scored:
        if groups.can_join(a, b) and compatible(a, b):
            groups.join(a, b)
            links.append(Link(a, b, result))
    by_root: dict[str, list[str]] = {}
    for key in groups.parent:
        by_root.setdefault(groups.find(key), []).append(key)
    ordered = sorted(tuple(sorted(m)) for m in by_root.values())
    return Clustering(groups=tuple(ordered), links=tuple(links))
