"""The whole rule-based pipeline: schema, evidence spans, and the dev-corpus thresholds.

The dev corpus lives in ../shared (real reports, not ours to publish), so these
tests read it there and skip when it is absent. The fictional sample reports in
the repo are run through the same checks so that something is always tested.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from refwatch.cli.evaluate import evaluate_corpus
from refwatch.extract import extract_document
from refwatch.extract.evaluation import evidence_errors
from refwatch.ingest.metadata import load_metadata
from refwatch.ingest.readers import read_document

SAMPLES = Path(__file__).parents[2] / "samples" / "reports"

#: The first 20 dev reports (ids not starting with e or q): issue 3's acceptance thresholds,
#: which the rules were written against. They must keep holding.
ORIGINAL_DOCS = ["0*", "k*", "s*"]
THRESHOLDS = {"f1": 0.80, "main_recall": 0.90}
FIELD_THRESHOLDS = {"count": 0.85, "date": 0.80, "place": 0.85, "status": 0.75}

#: All 50 dev reports (30 added for issue 16, ids e* and q*). Cold, before any rule was looked at
#: or changed for the new reports (2026-12-06): incident F1 0.795, main recall 0.891; count 0.883,
#: date 0.833, place 0.981, status 0.783, event types 0.708. After issue 16's work (same day):
#: F1 0.904, main recall 0.978, count 0.970, date 0.934, place 0.982, status 0.939, event types
#: 0.793. The floors sit a little under the latter: a guard against regressions, not a target.
ALL_THRESHOLDS = {"f1": 0.88, "main_recall": 0.95}
ALL_FIELD_THRESHOLDS = {"count": 0.93, "date": 0.90, "place": 0.95, "status": 0.90, "event_types": 0.77}


def _sample_texts() -> dict[str, tuple[str, dt.date | None]]:
    table = load_metadata(SAMPLES / "metadata.tsv")
    out: dict[str, tuple[str, dt.date | None]] = {}
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix not in {".txt", ".md", ".html", ".pdf"}:
            continue
        meta = table.for_file(path)
        published = meta.publication_date.to_date() if meta and meta.publication_date else None
        out[path.stem] = (read_document(path, path.read_bytes()).text, published)
    return out


def _dev_texts(shared: Path) -> dict[str, tuple[str, dt.date | None]]:
    corpus = shared / "corpus" / "dev"
    table = load_metadata(corpus / "index.tsv")
    out: dict[str, tuple[str, dt.date | None]] = {}
    for path in sorted(corpus.glob("*.txt")):
        meta = table.for_file(path)
        published = meta.publication_date.to_date() if meta and meta.publication_date else None
        out[path.stem] = (path.read_text(encoding="utf-8"), published)
    return out


def _all_incidents(texts: dict[str, tuple[str, dt.date | None]]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for doc, (text, published) in texts.items():
        for incident in extract_document(text, document=doc, published=published):
            found.append((text, incident.to_dict()))
    return found


def test_sample_incidents_have_exact_evidence_spans() -> None:
    found = _all_incidents(_sample_texts())
    assert len(found) >= 10
    for text, incident in found:
        assert evidence_errors(text, incident) == []
        for ev in incident["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["quote"]


def test_every_incident_validates_against_the_schema(shared_dir: Path) -> None:
    schema = json.loads((shared_dir / "schema" / "incident.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    found = _all_incidents(_sample_texts()) + _all_incidents(_dev_texts(shared_dir))
    assert len(found) > 30
    for _, incident in found:
        errors = sorted(validator.iter_errors(incident), key=str)
        assert not errors, f"{incident['document']}: {errors[0].message} at {list(errors[0].path)}"


def test_every_dev_evidence_span_matches_the_text(shared_dir: Path) -> None:
    for text, incident in _all_incidents(_dev_texts(shared_dir)):
        assert evidence_errors(text, incident) == [], incident["document"]


@pytest.mark.parametrize(
    ("documents", "thresholds", "field_thresholds"),
    [
        (ORIGINAL_DOCS, THRESHOLDS, FIELD_THRESHOLDS),
        (None, ALL_THRESHOLDS, ALL_FIELD_THRESHOLDS),
    ],
    ids=["original-20", "all-50"],
)
def test_dev_corpus_scores_meet_the_thresholds(
    shared_dir: Path,
    documents: list[str] | None,
    thresholds: dict[str, float],
    field_thresholds: dict[str, float],
) -> None:
    result = evaluate_corpus(shared_dir / "corpus" / "dev", linking=False, documents=documents)
    if documents is not None:
        assert len(result["documents"]) == 20
    for name, floor in thresholds.items():
        assert result["incidents"][name] >= floor, (name, result["incidents"])
    for name, floor in field_thresholds.items():
        assert result["fields"][name] >= floor, (name, result["fields"])
    assert result["evidence_errors"] == []


def test_extraction_is_deterministic() -> None:
    texts = _sample_texts()
    first = [i for _, i in _all_incidents(texts)]
    second = [i for _, i in _all_incidents(texts)]
    assert first == second


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n   \n",
        "The weather in Seoul was mild on Tuesday and markets were calm.",
        "Fictional. 12345678901234567890 " * 50,
    ],
)
def test_text_without_incidents_gives_none(text: str) -> None:
    assert extract_document(text, document="x", published=dt.date(2030, 1, 1)) == []


def test_eval_scores_each_language_apart(tmp_path: Path) -> None:
    texts = {
        "a": "Fictional. Chinese police arrested 15 North Korean defectors in Shenyang on May 3, 2030.",
        "b": "가상 보도. 중국 공안이 2030년 5월 3일 선양에서 탈북민 15명을 체포했다.",
    }
    gold = []
    for doc, text in texts.items():
        (tmp_path / f"{doc}.txt").write_text(text, encoding="utf-8")
        gold += [i.to_dict() for i in extract_document(text, document=doc, published=dt.date(2030, 5, 20))]
    assert {g["document"] for g in gold} == {"a", "b"}
    # A second gold incident in the Korean report that nothing predicts: its recall halves.
    gold.append({**next(g for g in gold if g["document"] == "b"), "date": {"start": "2029-01-05"}})
    gold[-1]["victims"] = {"count": 3, "count_min": 3, "count_max": 3, "qualifier": "exact"}
    gold[-1]["locations"] = []
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    (tmp_path / "index.tsv").write_text(
        "id\tpublication_date\tlanguage\na\t2030-05-20\ten\nb\t2030-05-20\tko\n", encoding="utf-8"
    )
    result = evaluate_corpus(tmp_path, linking=False)
    by_language = result["by_language"]
    assert set(by_language) == {"en", "ko"}
    assert by_language["en"]["incidents"]["recall"] == 1.0
    assert by_language["ko"]["incidents"]["recall"] == 0.5
    assert by_language["ko"]["documents"] == 1
