"""The linking model checked against annotated clusters: EM's m and u beside those gold implies.

    .venv/bin/python benchmarks/linking_check.py [--corpus ../shared/corpus/dev]

Ingests the corpus into a throwaway database (as `refwatch eval` does), trains a model on
its reports with EM (no annotation read), then maps each report to the gold incident of its
document (the extraction matching rules) and prints, per comparison level, m and u as EM
estimated them and as the gold clusters imply them. A check only: nothing here sets the
model. Skipped when the corpus is absent.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from refwatch.extract.evaluation import load_corpus, match_incidents
from refwatch.link.training import gold_check, train, weight_of
from refwatch.services.evaluation import ingested
from refwatch.services.linking import stored_reports


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus/dev"))
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"{args.corpus} not found: nothing to check")  # noqa: T201
        return
    corpus = load_corpus(args.corpus)
    with ingested([corpus.folder / f"{d}.txt" for d in corpus.texts], metadata=corpus.index) as db:
        with db.session() as session:
            reports = stored_reports(session)
    trained = train(reports)
    gold_by_doc: dict[str, list[dict[str, object]]] = {}
    for g in corpus.gold:
        gold_by_doc.setdefault(str(g["document"]), []).append(g)
    by_doc: dict[str, list[int]] = {}
    for n, r in enumerate(reports):
        by_doc.setdefault(r.document, []).append(n)
    clusters: dict[str, str] = {}
    for doc, indexes in by_doc.items():
        golds = gold_by_doc.get(doc, [])
        preds = [reports[i].incident.to_dict() for i in indexes]
        for p, g in match_incidents(preds, golds):  # type: ignore[arg-type]
            clusters[reports[indexes[p]].key] = str(golds[g].get("cluster") or f"{doc}#{g}")
    check = gold_check(reports, clusters)
    print(  # noqa: T201
        f"{len(reports)} reports; EM prior {trained.settings['probability_two_random_records_match']}; "
        f"threshold it expects best {trained.threshold} (expected pairwise F1 {trained.expected_f1})"
    )
    for comparison in trained.settings["comparisons"]:
        name = comparison["output_column_name"]
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            label = level["label_for_charts"]
            m, u = level.get("m_probability"), level.get("u_probability")
            g = check[name].get(label, {})
            em_w, gold_w = weight_of(m, u), weight_of(g.get("m"), g.get("u"))
            em_text = "-" if em_w is None else f"{em_w:+.2f}"
            gold_text = "-" if gold_w is None else f"{gold_w:+.2f}"
            print(  # noqa: T201
                f"{name:8} {label:45} EM m={m or 0:.3f} u={u or 0:.4f} w={em_text}"
                f" | gold m={g.get('m')} u={g.get('u')} w={gold_text}"
            )


if __name__ == "__main__":
    main()
