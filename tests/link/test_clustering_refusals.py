"""Clustering remembers two groups it found incompatible (issue #20 point 2): same incidents as before.

Between two large groups of reports of one event there are many scored pairs, and each
used to average every pair across the two groups again, though neither group had
changed. The refusal is now kept until one of the groups grows. This checks, on a
generated set of fictional reports (many tellers per event, undated ones, reviewer
pins), that the groups and links are exactly those of the plain algorithm, written out
here as it was before the change.
"""

from __future__ import annotations

import datetime as dt
import random

from factories import make

from refwatch.link.clustering import Clustering, Link, _Groups, _logit2, candidate_pairs, cluster
from refwatch.link.features import features
from refwatch.link.model import LinkModel, default_model
from refwatch.link.scoring import Comparison, Report, compare_features


def _plain(
    reports: list[Report], *, threshold: float, pinned: list[list[str]], model: LinkModel
) -> Clustering:
    """The clustering before the change: every join attempt averages all pairs afresh (and,
    as since, each reviewer's pin grown to its whole group until no pin grows)."""
    limit = _logit2(threshold)
    read = {r.key: features(r) for r in reports}

    def pair(x: str, y: str) -> Comparison:
        a, b = sorted((x, y))
        return compare_features(read[a], read[b], window_days=45, model=model)

    scored = []
    for left, right in candidate_pairs(reports, window_days=45):
        result = pair(left.key, right.key)
        if result.veto is None and result.weight is not None and result.weight >= limit:
            first, second = sorted((left.key, right.key))
            scored.append((result.weight, first, second, result))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    pins = [sorted(members) for members in pinned]
    while True:  # each pin grown to its group until none grows (a pin holds its whole incident)
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
        grown = [sorted(groups.members(p[0])) for p in pins]
        if grown == pins:
            break
        pins = grown
    by_root: dict[str, list[str]] = {}
    for key in groups.parent:
        by_root.setdefault(groups.find(key), []).append(key)
    return Clustering(groups=tuple(sorted(tuple(sorted(m)) for m in by_root.values())), links=tuple(links))


def _generated(seed: int) -> list[Report]:
    """Fictional events, each told by up to eight documents that disagree a little."""
    rng = random.Random(seed)
    places = [
        ("CN", "Jilin", "Tumen"),
        ("CN", "Liaoning", "Dandong"),
        ("CN", "Jilin", None),
        ("CN", None, None),
    ]
    out = []
    for event in range(25):
        day = dt.date(2030, 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
        count = rng.choice([3, 5, 12, 40])
        for teller in range(rng.randint(1, 8)):
            doc = f"e{event:02d}t{teller}"
            start = (
                None
                if rng.random() < 0.15
                else (day + dt.timedelta(days=rng.choice([0, 0, 1, 9]))).isoformat()
            )
            told = count if rng.random() < 0.7 else rng.choice([count + 1, count * 2, 2])
            incident = make(doc, start=start, count=told, place=rng.choice(places))
            out.append(Report(f"{doc}#000", doc, incident, published=day + dt.timedelta(days=3)))
    return out


def test_the_same_groups_and_links_as_the_plain_algorithm() -> None:
    model = default_model()
    threshold = model.threshold or 0.5
    compared = 0
    for seed in range(4):
        reports = _generated(seed)
        pinned = [[reports[0].key, reports[5].key], [reports[1].key]]
        expected = _plain(reports, threshold=threshold, pinned=pinned, model=model)
        got = cluster(reports, threshold=threshold, window_days=45, pinned=pinned, model=model)
        assert got.groups == expected.groups
        assert [(x.a, x.b, x.comparison.score) for x in got.links] == [
            (x.a, x.b, x.comparison.score) for x in expected.links
        ]
        compared += sum(1 for g in got.groups if len(g) > 2)
    assert compared, "some events were told by enough documents to form large groups"
