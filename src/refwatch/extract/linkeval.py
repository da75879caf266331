"""Linking judged over mentions, and the headline check, as INCIDENTS.md and issue #16 define them.

**Mention-level linking.** Pairwise "same incident" over documents rewards linking
two reports even when the wrong incidents of them were linked. Here each source of
a linked incident is first mapped to the gold incident of its document that it
matches (the extraction matching rules of :func:`refwatch.extract.evaluation.match_incidents`,
one to one within the document), and pairs of *mentions* — (document, gold
incident) — are counted: gold pairs are mentions of distinct documents sharing a
``cluster``; predicted pairs are mapped mentions of distinct documents that are
sources of one linked incident. A source that matches no gold incident adds no pair.

**Headline check.** The figure people quote is the number of people in incidents
whose status is ``returned``. After linking it is the sum of those incidents'
counts; the gold figure takes each real event (``cluster``) once, with the largest
count any of its ``returned`` lines gives. Incidents are set against real events
(clusters) the same way, so that an event split over several incidents shows.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from refwatch.extract.evaluation import match_incidents, pairwise_scores

Record = Mapping[str, Any]
Mention = tuple[str, int]  # (document, index of the gold incident among that document's gold lines)


@dataclass(frozen=True, slots=True)
class MentionLinkingScore:
    """Pairwise precision/recall/F1 of "same incident" over (document, gold incident) mentions."""

    precision: float | None
    recall: float | None
    f1: float | None
    gold_pairs: int
    predicted_pairs: int
    true_pairs: int
    unmapped_sources: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class HeadlineCheck:
    """People in ``returned`` incidents and incidents, after linking against the gold events."""

    returned_people: int
    gold_returned_people: int
    returned_ratio: float | None
    incidents: int
    gold_events: int
    returned_incidents: int
    gold_returned_events: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _gold_by_document(gold: Sequence[Record]) -> dict[str, list[Record]]:
    by_doc: dict[str, list[Record]] = {}
    for g in gold:
        by_doc.setdefault(str(g["document"]), []).append(g)
    return by_doc


def _cluster_of(mention: Mention, by_doc: Mapping[str, Sequence[Record]]) -> str:
    record = by_doc[mention[0]][mention[1]]
    # A gold incident without a cluster is an event of its own.
    return str(record.get("cluster") or f"{mention[0]}#{mention[1]}")


def map_sources(gold: Sequence[Record], linked: Sequence[Record]) -> list[list[Mention | None]]:
    """For each linked incident, the gold mention each of its sources matches (None: none).

    Every source needs its extracted incident under ``extracted``; the sources of one
    document are matched to that document's gold incidents together, one to one.
    """
    by_doc = _gold_by_document(gold)
    places: dict[str, list[tuple[int, int]]] = {}  # document -> (incident index, source index)
    extracted: dict[str, list[Record]] = {}
    for i, record in enumerate(linked):
        for j, source in enumerate(record.get("sources", [])):
            doc = str(source["document"])
            places.setdefault(doc, []).append((i, j))
            extracted.setdefault(doc, []).append(source.get("extracted") or {"victims": {}})
    out: list[list[Mention | None]] = [[None] * len(r.get("sources", [])) for r in linked]
    for doc, preds in extracted.items():
        for p, g in match_incidents(preds, by_doc.get(doc, [])):
            i, j = places[doc][p]
            out[i][j] = (doc, g)
    return out


def _mention_pairs(groups: Sequence[Sequence[Mention]]) -> set[tuple[Mention, Mention]]:
    found: set[tuple[Mention, Mention]] = set()
    for group in groups:
        for a, b in itertools.combinations(sorted(set(group)), 2):
            if a[0] != b[0]:
                found.add((a, b))
    return found


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def score_mention_linking(gold: Sequence[Record], linked: Sequence[Record]) -> MentionLinkingScore:
    """Compare gold clusters with linked incidents, mention by mention (see the module docstring)."""
    by_doc = _gold_by_document(gold)
    clusters: dict[str, list[Mention]] = {}
    for doc, records in by_doc.items():
        for n in range(len(records)):
            clusters.setdefault(_cluster_of((doc, n), by_doc), []).append((doc, n))
    gold_pairs = _mention_pairs(list(clusters.values()))
    mapped = map_sources(gold, linked)
    predicted = _mention_pairs([[m for m in group if m is not None] for group in mapped])
    unmapped = sum(1 for group in mapped for m in group if m is None)
    true = gold_pairs & predicted
    precision, recall, f1 = pairwise_scores(gold_pairs, predicted)
    return MentionLinkingScore(
        precision=precision,
        recall=recall,
        f1=f1,
        gold_pairs=len(gold_pairs),
        predicted_pairs=len(predicted),
        true_pairs=len(true),
        unmapped_sources=unmapped,
    )


def _count(victims: Record | None) -> int:
    if not victims:
        return 0
    value = victims.get("count")
    if value is None:
        value = victims.get("count_min")
    return int(value or 0)


def headline_check(gold: Sequence[Record], linked: Sequence[Record]) -> HeadlineCheck:
    """People returned and incidents after linking against the gold events (see the module docstring)."""
    by_doc = _gold_by_document(gold)
    events: dict[str, int | None] = {}
    for doc, records in by_doc.items():
        for n, record in enumerate(records):
            cluster = _cluster_of((doc, n), by_doc)
            best = events.setdefault(cluster, None)
            if record.get("status") == "returned":
                events[cluster] = max(best or 0, _count(record.get("victims")))
    returned = [r for r in linked if r.get("status") == "returned"]
    # A part's people are counted in the incident it is a part of, as the dashboard counts them.
    people = sum(_count(r.get("victims")) for r in returned if r.get("part_of") is None)
    gold_people = sum(v for v in events.values() if v is not None)
    return HeadlineCheck(
        returned_people=people,
        gold_returned_people=gold_people,
        returned_ratio=_ratio(people, gold_people),
        incidents=len(linked),
        gold_events=len(events),
        returned_incidents=len(returned),
        gold_returned_events=sum(1 for v in events.values() if v is not None),
    )
