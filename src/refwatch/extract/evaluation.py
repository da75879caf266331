"""Scoring extraction and linking against hand annotations, as INCIDENTS.md defines it.

**Matching.** A predicted incident matches a gold incident of the same document when
(a) they share one of arrest/detention/deportation/repatriation — or, when either
has none of those, any event type; (b) their date intervals overlap where both are
known; and (c) they agree on at least one specific thing the gold incident states:
the count (bounds overlap), the date (same month, or overlap when either is a
range) or a place (a shared province or city; a shared country when the gold
location names only a country). Pairs are taken best first (most agreements,
then event-type overlap; ties by position), one to one.

**Fields** on matched pairs: count (bounds overlap; "strict": same stated count),
date, place (pairs whose gold incident names no location at all are left out),
status (equal), event types (mean Jaccard). An unknown gold count or date is
matched only by an unknown prediction.

**Tallies** (running totals and head-counts, ``tallies.jsonl``): a gold tally is found
when a predicted tally of the same document has overlapping figure bounds; pairs are
taken one to one, closest bounds first. Precision and recall over all tallies.

**Linking**: pairwise precision and recall of "same incident" over documents:
gold pairs are pairs of distinct documents sharing a ``cluster``; predicted pairs
are pairs of distinct documents that are sources of one linked incident.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from refwatch.domain.incidents import figure_bounds
from refwatch.domain.vocabulary import CORE_EVENT_TYPES
from refwatch.errors import InvalidInput

Record = Mapping[str, Any]


# --- comparisons -------------------------------------------------------------------------------


def _bounds(victims: Record) -> tuple[float, float] | None:
    return figure_bounds(
        victims.get("count"), victims.get("count_min"), victims.get("count_max"), victims.get("qualifier")
    )


def count_agrees(pred: Record, gold: Record) -> bool:
    """Bounds overlap (an unknown gold count is matched only by an unknown prediction)."""
    g, p = _bounds(gold["victims"]), _bounds(pred["victims"])
    if g is None or p is None:
        return g is None and p is None
    return p[0] <= g[1] and g[0] <= p[1]


def _interval(record: Record) -> tuple[dt.date, dt.date] | None:
    date = record.get("date") or {}
    if date.get("start") and date.get("end"):
        return dt.date.fromisoformat(date["start"]), dt.date.fromisoformat(date["end"])
    return None


def _is_range(record: Record, span: tuple[dt.date, dt.date]) -> bool:
    return (record.get("date") or {}).get("precision") == "range" or (span[1] - span[0]).days > 31


def date_agrees(pred: Record, gold: Record) -> bool:
    """Same month, or overlapping intervals when either is a range."""
    g, p = _interval(gold), _interval(pred)
    if g is None or p is None:
        return g is None and p is None
    if _is_range(gold, g) or _is_range(pred, p):
        return p[0] <= g[1] and g[0] <= p[1]
    return (p[0].year, p[0].month) == (g[0].year, g[0].month)


def date_counted(pred: Record, gold: Record) -> bool:
    """Whether the pair counts towards date accuracy.

    INCIDENTS.md: where the gold date is unknown (the page gave no anchor), "a date
    you infer is never counted against you". Such a pair is left out; an unknown
    predicted against an unknown gold date still counts as agreeing.
    """
    return not (_interval(gold) is None and _interval(pred) is not None)


def dates_compatible(pred: Record, gold: Record) -> bool:
    """Matching rule (b): intervals overlap where both are known."""
    g, p = _interval(gold), _interval(pred)
    return g is None or p is None or (p[0] <= g[1] and g[0] <= p[1])


def _specific_places(locations: Iterable[Record]) -> set[str]:
    return {v for loc in locations for v in (loc.get("admin1"), loc.get("place")) if v}


def place_agrees(pred: Record, gold: Record) -> bool | None:
    """Shared province or city; shared country when gold names only countries; None if gold has no place."""
    gold_locs = gold.get("locations") or []
    if not gold_locs:
        return None
    specific = _specific_places(gold_locs)
    if specific:
        return bool(specific & _specific_places(pred.get("locations") or []))
    countries = {loc.get("country") for loc in gold_locs if loc.get("country")}
    return bool(countries & {loc.get("country") for loc in pred.get("locations") or []})


def types_jaccard(pred: Record, gold: Record) -> float:
    """Overlap of the event-type sets."""
    a, b = set(pred.get("event_types") or []), set(gold.get("event_types") or [])
    return len(a & b) / len(a | b) if a | b else 1.0


def _types_compatible(pred: Record, gold: Record) -> bool:
    a, b = set(pred.get("event_types") or []), set(gold.get("event_types") or [])
    core_a, core_b = a & CORE_EVENT_TYPES, b & CORE_EVENT_TYPES
    if core_a and core_b:
        return bool(core_a & core_b)
    return bool(a & b)


def _agreements(pred: Record, gold: Record) -> int | None:
    """How many specific things agree; None when the pair cannot match."""
    if not _types_compatible(pred, gold) or not dates_compatible(pred, gold):
        return None
    n = 0
    if _bounds(gold["victims"]) is not None and count_agrees(pred, gold):
        n += 1
    if _interval(gold) is not None and date_agrees(pred, gold):
        n += 1
    if _specific_places(gold.get("locations") or []) and place_agrees(pred, gold):
        n += 1
    return n or None


def match_incidents(preds: Sequence[Record], golds: Sequence[Record]) -> list[tuple[int, int]]:
    """One-to-one matching, best pairs first; returns (prediction index, gold index) pairs."""
    candidates = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            agreements = _agreements(p, g)
            if agreements:
                candidates.append((-agreements, -types_jaccard(p, g), j, i))
    candidates.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _a, _t, j, i in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return sorted(pairs)


# --- scores ------------------------------------------------------------------------------------


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


@dataclass(slots=True)
class _Tally:
    n_gold: int = 0
    n_pred: int = 0
    n_matched: int = 0
    n_main: int = 0
    n_main_matched: int = 0
    count: list[bool] = field(default_factory=list)
    count_strict: list[bool] = field(default_factory=list)
    date: list[bool] = field(default_factory=list)
    place: list[bool] = field(default_factory=list)
    status: list[bool] = field(default_factory=list)
    types: list[float] = field(default_factory=list)

    def add(self, preds: Sequence[Record], golds: Sequence[Record]) -> list[tuple[int, int]]:
        pairs = match_incidents(preds, golds)
        self.n_gold += len(golds)
        self.n_pred += len(preds)
        self.n_matched += len(pairs)
        self.n_main += sum(1 for g in golds if g.get("salience") == "main")
        matched_gold = {j for _, j in pairs}
        self.n_main_matched += sum(
            1 for j, g in enumerate(golds) if g.get("salience") == "main" and j in matched_gold
        )
        for i, j in pairs:
            p, g = preds[i], golds[j]
            self.count.append(count_agrees(p, g))
            self.count_strict.append(p["victims"].get("count") == g["victims"].get("count"))
            if date_counted(p, g):
                self.date.append(date_agrees(p, g))
            place = place_agrees(p, g)
            if place is not None:
                self.place.append(place)
            self.status.append(p.get("status") == g.get("status"))
            self.types.append(types_jaccard(p, g))
        return pairs

    def summary(self) -> dict[str, Any]:
        precision = _ratio(self.n_matched, self.n_pred)
        recall = _ratio(self.n_matched, self.n_gold)
        f1 = (
            round(2 * precision * recall / (precision + recall), 4)
            if precision is not None and recall is not None and precision + recall
            else 0.0
        )
        return {
            "incidents": {
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "main_recall": _ratio(self.n_main_matched, self.n_main),
                "n_gold": self.n_gold,
                "n_predicted": self.n_pred,
                "n_matched": self.n_matched,
            },
            "fields": {
                name: _ratio(sum(values), len(values))
                for name, values in (
                    ("count", self.count),
                    ("count_strict", self.count_strict),
                    ("date", self.date),
                    ("place", self.place),
                    ("status", self.status),
                    ("event_types", self.types),
                )
            },
        }


def score_extraction(predictions: Mapping[str, Sequence[Record]], gold: Sequence[Record]) -> dict[str, Any]:
    """Scores over all documents, plus a per-document breakdown under ``documents``."""
    by_doc: dict[str, list[Record]] = {}
    for g in gold:
        by_doc.setdefault(str(g["document"]), []).append(g)
    total = _Tally()
    documents = []
    for doc in sorted(set(by_doc) | set(predictions)):
        preds, golds = list(predictions.get(doc, [])), by_doc.get(doc, [])
        pairs = total.add(preds, golds)
        documents.append(
            {"document": doc, "gold": len(golds), "predicted": len(preds), "matched": len(pairs)}
        )
    result = total.summary()
    result["documents"] = documents
    return result


@dataclass(frozen=True, slots=True)
class LinkingScore:
    """Pairwise precision/recall/F1 of "same incident" over documents."""

    precision: float | None
    recall: float | None
    f1: float | None
    gold_pairs: int
    predicted_pairs: int
    true_pairs: int
    missed: list[tuple[str, str]]
    wrong: list[tuple[str, str]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for group in groups:
        found |= set(itertools.combinations(sorted(set(group)), 2))
    return found


def pairwise_scores(gold_pairs: set[Any], predicted: set[Any]) -> tuple[float | None, float | None, float]:
    """Precision, recall and F1 of predicted "same incident" pairs against the gold ones.

    No prediction scores precision 1 only when there is nothing to find; no gold pair, recall 1.
    """
    true = gold_pairs & predicted
    precision = _ratio(len(true), len(predicted)) if predicted else (1.0 if not gold_pairs else 0.0)
    recall = _ratio(len(true), len(gold_pairs)) if gold_pairs else 1.0
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision and recall else 0.0
    return precision, recall, f1


def score_linking(gold: Sequence[Record], linked: Sequence[Record]) -> LinkingScore:
    """Compare gold clusters with linked incidents' source documents."""
    clusters: dict[str, set[str]] = {}
    for g in gold:
        if g.get("cluster"):
            clusters.setdefault(str(g["cluster"]), set()).add(str(g["document"]))
    gold_pairs = _pairs(clusters.values())
    predicted = _pairs([str(s["document"]) for s in r.get("sources", [])] for r in linked)
    true = gold_pairs & predicted
    precision, recall, f1 = pairwise_scores(gold_pairs, predicted)
    return LinkingScore(
        precision=precision,
        recall=recall,
        f1=f1,
        gold_pairs=len(gold_pairs),
        predicted_pairs=len(predicted),
        true_pairs=len(true),
        missed=sorted(gold_pairs - predicted),
        wrong=sorted(predicted - gold_pairs),
    )


def evidence_errors(text: str, incident: Record) -> list[str]:
    """Every evidence span whose offsets do not give back its quote."""
    errors = []
    for n, e in enumerate(incident.get("evidence") or []):
        start, end, quote = e.get("start"), e.get("end"), e.get("quote")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
            errors.append(f"evidence {n}: offsets {start}:{end} outside the text")
        elif text[start:end] != quote:
            errors.append(
                f"evidence {n}: text[{start}:{end}] is {text[start:end]!r}, not the quote {quote!r}"
            )
    return errors


def _tally_bounds(record: Record) -> tuple[float, float] | None:
    figure = record.get("figure") or {}
    return _bounds({**figure, "qualifier": figure.get("qualifier")})


def match_tallies(preds: Sequence[Record], golds: Sequence[Record]) -> list[tuple[int, int]]:
    """One-to-one pairs (prediction index, gold index) of tallies whose figure bounds overlap.

    Closest lower bounds first, so that "at least 33" pairs with 33 and not with a 100 beside it.
    """
    candidates = []
    for i, p in enumerate(preds):
        pb = _tally_bounds(p)
        for j, g in enumerate(golds):
            gb = _tally_bounds(g)
            if pb is not None and gb is not None and pb[0] <= gb[1] and gb[0] <= pb[1]:
                candidates.append((abs(pb[0] - gb[0]), j, i))
    candidates.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _d, j, i in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def score_tallies(predictions: Mapping[str, Sequence[Record]], gold: Sequence[Record]) -> dict[str, Any]:
    """Tally precision and recall over all documents (INCIDENTS.md: same document, overlapping bounds)."""
    by_doc: dict[str, list[Record]] = {}
    for g in gold:
        by_doc.setdefault(str(g["document"]), []).append(g)
    n_pred = n_gold = n_matched = 0
    documents = []
    for doc in sorted(set(by_doc) | set(predictions)):
        preds, golds = list(predictions.get(doc, [])), by_doc.get(doc, [])
        pairs = match_tallies(preds, golds)
        n_pred, n_gold, n_matched = n_pred + len(preds), n_gold + len(golds), n_matched + len(pairs)
        if preds or golds:
            documents.append(
                {"document": doc, "gold": len(golds), "predicted": len(preds), "matched": len(pairs)}
            )
    precision = _ratio(n_matched, n_pred)
    recall = _ratio(n_matched, n_gold)
    f1 = (
        round(2 * precision * recall / (precision + recall), 4)
        if precision is not None and recall is not None and precision + recall
        else 0.0
    )
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "n_gold": n_gold,
        "n_predicted": n_pred,
        "n_matched": n_matched,
        "documents": documents,
    }


# --- corpus ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Corpus:
    """An annotated corpus: texts by document id, the index file, the gold incidents."""

    folder: Path
    texts: dict[str, str]
    index: Path | None
    gold: list[dict[str, Any]]
    #: Gold tallies (``tallies.jsonl``); empty when the corpus has none.
    tallies: list[dict[str, Any]] = field(default_factory=list)

    def subset(self, patterns: Iterable[str]) -> Corpus:
        """The documents whose id matches one of ``patterns`` (shell wildcards: ``e*``, ``k0?``).

        Scores on a part of a corpus (one language, the reports added last) tell where a
        change helps or hurts; the whole-corpus figure hides it.

        Raises:
            InvalidInput: when a pattern matches no document, so that a typo is not
                scored as an empty corpus.
        """
        chosen: set[str] = set()
        for pattern in patterns:
            matched = {d for d in self.texts if fnmatch.fnmatchcase(d, pattern)}
            if not matched:
                raise InvalidInput(f"{self.folder}: no document id matches {pattern!r}")
            chosen |= matched
        return Corpus(
            folder=self.folder,
            texts={d: t for d, t in self.texts.items() if d in chosen},
            index=self.index,
            gold=[g for g in self.gold if str(g["document"]) in chosen],
            tallies=[t for t in self.tallies if str(t["document"]) in chosen],
        )


def load_corpus(folder: Path) -> Corpus:
    """Read ``folder/*.txt``, ``folder/index.tsv`` (optional) and ``folder/gold.jsonl``."""
    if not folder.is_dir():
        raise InvalidInput(f"{folder}: not a folder")
    texts = {p.stem: p.read_bytes().decode("utf-8") for p in sorted(folder.glob("*.txt"))}
    if not texts:
        raise InvalidInput(f"{folder}: no .txt files")
    gold_file = folder / "gold.jsonl"
    if not gold_file.exists():
        raise InvalidInput(f"{gold_file}: missing; the corpus needs hand annotations to score against")
    gold = _records(gold_file, "an incident", "victims")
    index = folder / "index.tsv"
    return Corpus(
        folder=folder,
        texts=texts,
        index=index if index.exists() else None,
        gold=gold,
        tallies=_load_tallies(folder / "tallies.jsonl"),
    )


def _load_tallies(path: Path) -> list[dict[str, Any]]:
    """The gold tallies, or none when the corpus has no ``tallies.jsonl``."""
    return _records(path, "a tally", "figure") if path.exists() else []


def _records(path: Path, kind: str, field: str) -> list[dict[str, Any]]:
    """The JSON objects of a JSON Lines file, each with ``document`` and ``field``; errors name the line."""
    out: list[dict[str, Any]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{path}, line {n}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or "document" not in record or field not in record:
            raise InvalidInput(f"{path}, line {n}: {kind} needs at least 'document' and '{field}'")
        out.append(record)
    return out
