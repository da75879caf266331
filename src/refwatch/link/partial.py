"""Clustering again only the stored incidents new reports can change, with a full relink's result.

A full relink (:func:`refwatch.link.clustering.cluster`) takes every scored pair in one
order (weight, then keys) and decides each from the two groups it would join, as they
stand at that moment. Let the stored incidents be what a full relink of the stored
reports gave, under the reviewers' pins of now, and let a *part* be the new reports
with some whole stored incidents (always those the new reports stand in). Run the full
order on the part alone, and beside it replay every stored incident that has a scored
pair with the part (a *neighbour*) from its own scored pairs. If no scored pair
between the part and a neighbour would join them at its turn, a full relink of all
reports gives the part's groups and leaves every other incident as it is. By induction
over the full order, as long as nothing crossed between the part and the rest:

* a pair inside the part meets the same two groups as in the part's run;
* a pair inside one stored incident meets the same groups as in the relink that made it,
  which joined its reports through its own pairs only (a neighbour's replay is that);
* a pair between two stored incidents was refused by that relink, and meets the same
  groups now;
* a pair between the part and a neighbour is refused: that is what was checked.

So :func:`relink_part` starts from the new reports' incidents, and while some pair at
the edge would join, takes the first such neighbour in and runs again (a pair after it
may meet groups a full relink never forms, so only the first is known to belong). It gives up (None: relink
everything) when the part grows past ``most`` reports, or when a neighbour's replay does
not come out as the stored incident (then the stored incidents are not a full relink's).
Its cost is the candidates of the part's reports and the pairs inside its neighbours,
however large the connected graph of scored pairs is: on dense data (soak, issue #20)
that graph is nearly everything, and walking it, as this module's predecessor did,
ended in a full relink for every few new reports.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import Protocol

from refwatch.link.clustering import (
    Clustering,
    Link,
    _Groups,
    _JoinRule,
    _logit2,
    _scored,
    _written_before,
)
from refwatch.link.features import Features
from refwatch.link.model import LinkModel
from refwatch.link.scoring import compare_features


class Stored(Protocol):
    """The stored reports and incidents, as much as :func:`relink_part` asks of them."""

    def incident(self, key: str) -> Hashable:
        """The stored incident report ``key`` is in (new reports too: the one ingest gave it)."""

    def members(self, incident: Hashable) -> Sequence[str]:
        """The keys of every report of ``incident``."""

    def pinned(self, incident: Hashable) -> bool:
        """Whether a reviewer fixed ``incident``'s reports together (merged, split, confirmed...)."""

    def candidates(self, key: str) -> Iterable[str]:
        """Every report :func:`~refwatch.link.clustering.candidate_pairs` pairs with ``key``."""

    def paired(self, a: str, b: str) -> bool:
        """Whether :func:`~refwatch.link.clustering.candidate_pairs` pairs ``a`` and ``b``."""

    def read(self, keys: Collection[str]) -> Mapping[str, Features]:
        """The linking features of ``keys``."""


# Where a pair lies: inside the part, inside one neighbour, or between the part and a neighbour.
_PART, _NEIGHBOUR, _EDGE = 0, 1, 2


def relink_part(
    stored: Stored,
    new: Collection[str],
    *,
    threshold: float,
    window_days: int,
    model: LinkModel,
    most: int,
) -> Clustering | None:
    """The groups and links a full relink gives the part new reports can change (module docstring).

    Args:
        stored: the stored reports and incidents, the new reports among them.
        new: the keys of the new reports.
        threshold: as for :func:`~refwatch.link.clustering.cluster`.
        window_days: as for :func:`~refwatch.link.clustering.cluster`.
        model: the linking model of the last full relink.
        most: the largest part worth clustering alone; past it, None.

    Returns:
        The groups of every report in the part (each new report and each stored incident it
        takes in) and the links that formed them; None when only a full relink is known to be right.
    """
    limit = _logit2(threshold)
    read: dict[str, Features] = {}
    # Each pair weighed once, compactly: its weight (None: a veto) and whether it may join alone.
    weighed: dict[tuple[str, str], tuple[float | None, bool]] = {}

    def load(keys: Iterable[str]) -> None:
        missing = {k for k in keys if k not in read}
        if missing:
            read.update(stored.read(missing))

    def weigh(x: str, y: str) -> tuple[float | None, bool]:
        k = (x, y) if x < y else (y, x)
        if k not in weighed:
            a, b = read[k[0]], read[k[1]]
            if _written_before(a, b, window_days=window_days) or _written_before(
                b, a, window_days=window_days
            ):
                weighed[k] = (None, False)
            else:
                result = compare_features(a, b, window_days=window_days, model=model, explain=False)
                weighed[k] = (result.weight, _scored(result, limit))
        return weighed[k]

    incidents = {stored.incident(k) for k in new}
    # A pinned incident of the part as a full relink pins it in its latest round: with every
    # report linking put with it (see ``cluster``); run again until none grows, as there.
    grown: dict[Hashable, list[str]] = {}
    touching: dict[str, list[str]] = {}  # a report of the part: the reports of its scored pairs
    while True:
        part = {k for i in incidents for k in stored.members(i)}
        if len(part) > most:
            return None
        fresh = sorted(part - touching.keys())
        partners = {x: list(stored.candidates(x)) for x in fresh}
        load([*fresh, *(y for ys in partners.values() for y in ys)])
        for x in fresh:
            touching[x] = [y for y in partners[x] if weigh(x, y)[1]]
        neighbours = {stored.incident(y) for x in part for y in touching[x] if y not in part}
        pairs: list[tuple[float, str, str, int]] = []
        for x in part:
            for y in touching[x]:
                if y not in part or x < y:
                    first, second = (x, y) if x < y else (y, x)
                    pairs.append(
                        (_weight(weighed[(first, second)]), first, second, _PART if y in part else _EDGE)
                    )
        outside = [k for i in neighbours for k in stored.members(i)]
        load(outside)
        for i in neighbours:
            members = sorted(stored.members(i))
            for n, x in enumerate(members):
                for y in members[n + 1 :]:
                    if stored.paired(x, y) and weigh(x, y)[1]:
                        pairs.append((_weight(weighed[(x, y)]), x, y, _NEIGHBOUR))
        pairs.sort(key=lambda item: (-item[0], item[1], item[2]))

        def weight(x: str, y: str) -> float | None:
            return weigh(x, y)[0]

        groups = _Groups(read[k] for k in sorted(part | set(outside)))
        groups.pin((i, grown.get(i) or stored.members(i)) for i in incidents | neighbours if stored.pinned(i))
        rule = _JoinRule(groups, weight, limit)
        links: list[Link] = []
        crossing: set[Hashable] = set()
        for _w, a, b, where in pairs:
            if not rule.allows(a, b):
                continue
            if where == _EDGE:
                # It would join: the neighbour belongs in the part. What follows in this run
                # no longer is what a full relink does, so the part is run again with it.
                crossing.add(stored.incident(b if a in part else a))
                break
            groups.join(a, b)
            if where == _PART:
                comparison = compare_features(read[a], read[b], window_days=window_days, model=model)
                links.append(Link(a, b, comparison))
        if crossing:
            incidents |= crossing
            continue
        if any(len({groups.find(k) for k in stored.members(i)}) != 1 for i in neighbours):
            return None  # a stored incident its own pairs do not form: not a full relink's result
        pins = {i: grown.get(i) or sorted(stored.members(i)) for i in incidents if stored.pinned(i)}
        now = {i: list(groups.members(members[0])) for i, members in pins.items()}
        if now != pins:
            grown.update(now)
            continue
        by_root: dict[str, list[str]] = {}
        for key in part:
            by_root.setdefault(groups.find(key), []).append(key)
        return Clustering(
            groups=tuple(sorted(tuple(sorted(m)) for m in by_root.values())), links=tuple(links)
        )


def _weight(found: tuple[float | None, bool]) -> float:
    """The weight of a scored pair (a scored pair always has one)."""
    assert found[0] is not None  # noqa: S101 - only scored pairs are ranked
    return found[0]
