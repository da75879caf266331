"""Thresholds, reviewers' decisions and connected components: records grouped into persons.

A pair at or above the match threshold is a link, a pair between the review
threshold and the match threshold goes to the clerical review queue; a
reviewer's ``confirmed`` adds a link whatever the model says and ``split``
removes one. Persons are the connected components of the links (single linkage:
Splink's own clustering does the same), each named by its smallest record id, so
the same links give the same person ids in any order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from refwatch.link.persons.model import Pair


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's decision on a pair (``left < right``)."""

    left: int
    right: int
    status: Literal["confirmed", "split"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """Persons and what went into them.

    Attributes:
        person_of: record id -> person id (the cluster's smallest record id).
        probability: record id -> the strongest link that joined it (absent: alone).
        links: the pairs taken as one person.
        review: the pairs for a reviewer (between the thresholds, not yet decided).
    """

    person_of: dict[int, int]
    probability: dict[int, float]
    links: list[Pair]
    review: list[Pair]


def cluster_records(
    records: Iterable[int],
    pairs: Sequence[Pair],
    *,
    match_threshold: float,
    review_threshold: float,
    decisions: Sequence[Decision] = (),
) -> Outcome:
    """Group ``records`` by the links the model and the reviewers make."""
    decided = {(d.left, d.right): d.status for d in decisions}
    links: list[Pair] = []
    review: list[Pair] = []
    for pair in pairs:
        key = (min(pair.left, pair.right), max(pair.left, pair.right))
        status = decided.get(key)
        if status == "split":
            continue
        if status == "confirmed" or pair.probability >= match_threshold:
            links.append(pair)
        elif pair.probability >= review_threshold:
            review.append(pair)
    scored = {(min(p.left, p.right), max(p.left, p.right)) for p in pairs}
    links += [
        Pair(left, right, 1.0)
        for (left, right), s in decided.items()
        if s == "confirmed" and (left, right) not in scored
    ]
    parent = {r: r for r in records}

    def find(r: int) -> int:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    probability: dict[int, float] = {}
    for link in links:
        if link.left not in parent or link.right not in parent:
            continue  # a decision about a record that is gone
        a, b = find(link.left), find(link.right)
        if a != b:
            parent[max(a, b)] = min(a, b)
        for r in (link.left, link.right):
            probability[r] = max(probability.get(r, 0.0), link.probability)
    person_of = {r: find(r) for r in parent}
    return Outcome(person_of, probability, links, review)
