"""`refwatch eval --corpus DIR`: extraction and linking scores against hand annotations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from refwatch.cli.output import console, handles_errors, print_json
from refwatch.domain.dates import ReferenceDate
from refwatch.extract.evaluation import (
    evidence_errors,
    load_corpus,
    score_extraction,
    score_linking,
    score_tallies,
)
from refwatch.extract.linkeval import headline_check, score_mention_linking
from refwatch.extract.refdate import reference_date
from refwatch.ingest.metadata import DocumentMetadata, MetadataTable, load_metadata


def evaluate_corpus(
    corpus_dir: Path,
    *,
    extractor: str = "rules",
    linking: bool = True,
    documents: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Extract every document of the corpus (or those ``documents`` patterns name), score it, and
    (optionally) score linking over the same documents."""
    from refwatch.extract.base import extract_all, get_extractor

    corpus = load_corpus(corpus_dir)
    if documents:
        corpus = corpus.subset(documents)
    table = load_metadata(corpus.index) if corpus.index else None
    engine = get_extractor(extractor)
    predictions: dict[str, list[dict[str, Any]]] = {}
    tallies: dict[str, list[dict[str, Any]]] = {}
    span_errors: list[str] = []
    for doc, text in corpus.texts.items():
        meta = table.by_id.get(doc) if table else None
        found = extract_all(
            engine,
            text,
            document=doc,
            reference=_reference_for(meta, text),
            language=meta.language if meta else None,
        )
        predictions[doc] = [i.to_dict() for i in found.incidents]
        tallies[doc] = [t.to_dict() for t in found.tallies]
        span_errors += [
            f"{doc}: {e}" for i in predictions[doc] + tallies[doc] for e in evidence_errors(text, i)
        ]
    result = score_extraction(predictions, corpus.gold)
    result["tallies"] = score_tallies(tallies, corpus.tallies)
    result["by_language"] = _by_language(predictions, corpus.gold, table)
    result["extractor"] = extractor
    result["evidence_errors"] = span_errors
    result["linking"] = None
    result["linking_mentions"] = None
    result["headline"] = None
    if linking:
        from refwatch.services.evaluation import linked_incidents

        linked = linked_incidents([corpus.folder / f"{d}.txt" for d in corpus.texts], metadata=corpus.index)
        result["linking"] = score_linking(corpus.gold, linked).to_dict()
        result["linking_mentions"] = score_mention_linking(corpus.gold, linked).to_dict()
        result["headline"] = headline_check(corpus.gold, linked).to_dict()
    return result


def _reference_for(meta: DocumentMetadata | None, text: str) -> ReferenceDate | None:
    """The reference date exactly as ingest derives it: metadata date, address, text."""
    return reference_date(
        text, metadata=meta.publication_date if meta else None, url=meta.url if meta else None
    )


def _by_language(
    predictions: dict[str, list[dict[str, Any]]], gold: list[dict[str, Any]], table: MetadataTable | None
) -> dict[str, dict[str, Any]]:
    """Scores per language of the index (``unknown`` without one): a rule that helps English
    reports can hurt Korean ones, and the whole-corpus figure hides it."""
    language = {
        doc: (row.language if table and (row := table.by_id.get(doc)) and row.language else "unknown")
        for doc in predictions
    }
    out: dict[str, dict[str, Any]] = {}
    for lang in sorted(set(language.values())):
        docs = {d for d, lang_of in language.items() if lang_of == lang}
        part = score_extraction(
            {d: p for d, p in predictions.items() if d in docs},
            [g for g in gold if str(g["document"]) in docs],
        )
        out[lang] = {"documents": len(docs), "incidents": part["incidents"], "fields": part["fields"]}
    return out


@handles_errors
def evaluate(
    corpus: Path = typer.Option(..., "--corpus", help="Folder with *.txt, index.tsv and gold.jsonl."),
    extractor: str = typer.Option("rules", "--extractor", help="Which extractor to score."),
    no_linking: bool = typer.Option(False, "--no-linking", help="Skip the linking score (faster)."),
    per_document: bool = typer.Option(False, "--per-document", help="Show counts per document."),
    doc_ids: str | None = typer.Option(
        None, "--docs", help="Score only these document ids: comma-separated, wildcards allowed ('e*,q*')."
    ),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Score extraction (and linking) against a hand-annotated corpus (its files and scores: docs/cli.md)."""
    patterns = [p.strip() for p in doc_ids.split(",") if p.strip()] if doc_ids else None
    result = evaluate_corpus(corpus, extractor=extractor, linking=not no_linking, documents=patterns)
    if output_format == "json":
        print_json(result)
        return
    inc, fields = result["incidents"], result["fields"]
    table = Table("measure", "score", title=f"extraction ({result['extractor']}) on {corpus}")
    for name in ("precision", "recall", "f1", "main_recall"):
        table.add_row(f"incident {name}", _fmt(inc[name]))
    table.add_row(
        "gold / predicted / matched", f"{inc['n_gold']} / {inc['n_predicted']} / {inc['n_matched']}"
    )
    for name, value in fields.items():
        table.add_row(f"{name} accuracy", _fmt(value))
    tallies = result["tallies"]
    table.add_row("tally precision", _fmt(tallies["precision"]))
    table.add_row("tally recall", _fmt(tallies["recall"]))
    table.add_row(
        "tallies gold / predicted / matched",
        f"{tallies['n_gold']} / {tallies['n_predicted']} / {tallies['n_matched']}",
    )
    if result["linking"] is not None:
        link = result["linking"]
        table.add_row("linking precision", _fmt(link["precision"]))
        table.add_row("linking recall", _fmt(link["recall"]))
        table.add_row("linking F1", _fmt(link["f1"]))
        _linking_rows(table, result["linking_mentions"], result["headline"])
    table.add_row("evidence span errors", str(len(result["evidence_errors"])))
    console.print(table)
    langs = Table(
        "language", "documents", "incident F1", "date", "status", "event types", title="by language"
    )
    for lang, part in result["by_language"].items():
        f = part["fields"]
        langs.add_row(
            lang,
            str(part["documents"]),
            _fmt(part["incidents"]["f1"]),
            _fmt(f["date"]),
            _fmt(f["status"]),
            _fmt(f["event_types"]),
        )
    console.print(langs)
    if per_document:
        docs = Table("document", "gold", "predicted", "matched")
        for d in result["documents"]:
            docs.add_row(d["document"], str(d["gold"]), str(d["predicted"]), str(d["matched"]))
        console.print(docs)


def _linking_rows(table: Table, mentions: dict[str, Any], headline: dict[str, Any]) -> None:
    """The mention-level linking score and the headline check, beside the document-level score."""
    for name in ("precision", "recall", "f1"):
        table.add_row(f"linking (mentions) {name}", _fmt(mentions[name]))
    table.add_row(
        "people returned: linked / gold events",
        f"{headline['returned_people']} / {headline['gold_returned_people']}"
        f" ({_fmt(headline['returned_ratio'])}x)",
    )
    table.add_row("incidents / real events", f"{headline['incidents']} / {headline['gold_events']}")
    table.add_row(
        "returned incidents / returned events",
        f"{headline['returned_incidents']} / {headline['gold_returned_events']}",
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def register(app: typer.Typer) -> None:
    """Add `eval`."""
    app.command("eval")(evaluate)
