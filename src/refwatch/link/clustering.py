"""Grouping reports into incidents, independent of the order they arrived in.

Every candidate pair is scored, pairs at or above the threshold are taken in
order of descending score (ties broken by the reports' stable keys), and two
groups are joined only if every report of one is compatible with every report
of the other (no veto between any two, and an average score across the groups
still at or above the threshold: average linkage, so that one vague report
cannot chain unrelated events together), no document would then have two
reports in one incident, and no reviewer has kept the two apart. Because the input is
a set and every choice is made by score and key, ingesting the same documents
in any order gives the same incidents.

Human decisions enter as constraints: ``pinned`` groups (merged or split by a
reviewer) are joined from the start and never joined with each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from refwatch.link.scoring import Comparison, Report, compare


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
        root = self.find(key)
        return sorted(k for k in self.parent if self.find(k) == root)

    def join(self, a: str, b: str) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        self.parent[rb] = ra
        self.documents[ra] |= self.documents.pop(rb)
        self.pins[ra] |= self.pins.pop(rb)


def cluster(
    reports: Sequence[Report],
    *,
    threshold: float,
    window_days: int,
    pinned: Sequence[Sequence[str]] = (),
) -> Clustering:
    """Group reports into incidents (see the module docstring)."""
    groups = _Groups(reports)
    known = set(groups.parent)
    for pin_id, members in enumerate(pinned):
        present = sorted(m for m in members if m in known)
        for key in present:
            groups.pins[groups.find(key)].add(pin_id)
        for key in present[1:]:
            ra, rb = sorted((groups.find(present[0]), groups.find(key)))
            if ra != rb:
                groups.parent[rb] = ra
                groups.documents[ra] |= groups.documents.pop(rb)
                groups.pins[ra] |= groups.pins.pop(rb)
    scored: list[tuple[float, str, str, Comparison]] = []
    for left, right in candidate_pairs(reports, window_days=window_days):
        result = compare(left, right, window_days=window_days)
        if result.veto is None and result.score >= threshold:
            first, second = sorted((left.key, right.key))
            scored.append((result.score, first, second, result))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    by_key = {r.key: r for r in reports}
    cache: dict[tuple[str, str], Comparison] = {}

    def pair(x: str, y: str) -> Comparison:
        k = (x, y) if x < y else (y, x)
        if k not in cache:
            cache[k] = compare(by_key[k[0]], by_key[k[1]], window_days=window_days)
        return cache[k]

    def compatible(a: str, b: str) -> bool:
        left, right = groups.members(a), groups.members(b)
        if len(left) == 1 and len(right) == 1:
            return True
        results = [pair(x, y) for x in left for y in right]
        if any(r.veto for r in results):
            return False
        return sum(r.score for r in results) / len(results) >= threshold

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
