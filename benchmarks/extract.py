"""Extraction throughput: MB/s of text per core and documents/s, and how time grows with size.

Two inputs, both run in this one process (so the figures are per core):

* the dev corpus (../shared/corpus/dev, real reports; skipped when absent),
  repeated until it reaches the requested size;
* generated fictional reports in English and Korean (templates filled with
  random places, counts, dates and agencies, plus filler sentences and page
  clutter), from 1 MB up to the largest size asked for.

    python benchmarks/extract.py                   # 1, 10 and 100 MB
    python benchmarks/extract.py --sizes 1 5       # quicker
    python benchmarks/extract.py --engine spark --sizes 5   # on Spark, local[1] and local[2]

A second table runs spaCy's NER side by side on the same English text
(``pip install -e '.[bench]'``), and prints how many times faster extraction is.
The pretrained ``en_core_web_sm`` is used when it is installed; it is not
published on PyPI under that name, so without it the table runs the same
architecture (``spacy init config --pipeline ner --optimize efficiency``: the
small pipeline's tok2vec and transition-based NER) with untrained weights,
which does the same arithmetic per token, and says so. Without spaCy the
table is skipped. Both columns are CPU time of this one process.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import time
from pathlib import Path
from typing import Any

from refwatch.extract import extract_document

SHARED = Path(__file__).resolve().parents[2] / "shared"

PLACES_EN = ("Shenyang", "Dandong", "Yanji", "Tumen", "Hunchun", "Changbai", "Kunming", "Qingdao", "Beijing")
PLACES_KO = ("선양", "단둥", "옌지", "투먼", "훈춘", "창바이", "쿤밍", "칭다오", "베이징")
AGENCIES_EN = ("Chinese police", "border guards", "public security officers", "Chinese authorities")
AGENCIES_KO = ("중국 공안", "중국 변방대", "중국 당국")
MONTHS = ("January", "March", "May", "July", "September", "November")
EVENTS_EN = (
    "{agency} arrested {n} North Korean defectors in {place} on {month} {day}, {year}.",
    "About {n} North Koreans were detained in {place} last month and are at risk of repatriation.",
    "{agency} in {place} forcibly repatriated {n} escapees in mid-{month}, a rights group said.",
    "The group of {n} people, including {w} women, was caught near {place} on the {day}th of this month.",
)
EVENTS_KO = (
    "{agency}이 지난 {day}일 {place}에서 탈북민 {n}명을 체포했다고 소식통이 전했다.",
    "{place}에 구금된 탈북자 {n}여 명이 이달 말 북송될 위기에 처했다.",
    "{year}년 {m}월 {place}에서 붙잡힌 탈북민 {n}명이 강제 북송됐다.",
)
FILLER_EN = (
    "Officials did not respond to requests for comment.",
    "The organisation has documented similar cases for several years.",
    "Markets in the border town were busy as the weather turned colder.",
)
FILLER_KO = ("관계자는 구체적인 언급을 피했다.", "이 단체는 수년째 비슷한 사례를 기록해 왔다.")
CLUTTER = ("Share this article", "좋아요 0", "Copyright fictional example, all rights reserved")


def fictional_document(rng: random.Random, *, english: bool = False) -> str:
    """One fictional report of 2-6 KB: events, filler and page clutter, English or Korean."""
    korean = rng.random() < 0.35 and not english
    lines = ["FICTIONAL BENCHMARK REPORT", rng.choice(CLUTTER[::2] if english else CLUTTER)]
    while sum(len(line) for line in lines) < rng.randint(2000, 6000):
        if rng.random() < 0.3:
            template = rng.choice(EVENTS_KO if korean else EVENTS_EN)
            lines.append(
                template.format(
                    agency=rng.choice(AGENCIES_KO if korean else AGENCIES_EN),
                    place=rng.choice(PLACES_KO if korean else PLACES_EN),
                    n=rng.randint(2, 60),
                    w=rng.randint(1, 2),
                    month=rng.choice(MONTHS),
                    m=rng.randint(1, 12),
                    day=rng.randint(1, 28),
                    year=rng.randint(2010, 2029),
                )
            )
        else:
            lines.append(" ".join(rng.choices(FILLER_KO if korean else FILLER_EN, k=rng.randint(1, 4))))
    return "\n".join(lines)


def generated(size_mb: float, seed: int = 11, *, english: bool = False) -> list[str]:
    rng = random.Random(seed)
    docs: list[str] = []
    total = 0
    while total < size_mb * 1_000_000:
        doc = fictional_document(rng, english=english)
        docs.append(doc)
        total += len(doc.encode("utf-8"))
    return docs


def dev_repeated(size_mb: float, *, english: bool = False) -> list[str]:
    folder = SHARED / "corpus" / "dev"
    paths = sorted(folder.glob("*.txt"))
    if english:
        languages = _dev_languages(folder)
        paths = [p for p in paths if languages.get(p.stem) == "en"]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    docs: list[str] = []
    total = 0
    while texts and total < size_mb * 1_000_000:
        for text in texts:
            docs.append(text)
            total += len(text.encode("utf-8"))
    return docs


def _dev_languages(folder: Path) -> dict[str, str]:
    """Each dev report's language, from the corpus index (``id`` and ``language`` columns)."""
    index = folder / "index.tsv"
    if not index.is_file():
        return {}
    with index.open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row["language"] for row in csv.DictReader(handle, delimiter="\t")}


def measure(docs: list[str]) -> tuple[float, float, float, int, float]:
    """Seconds, MB, documents/s, incidents found and CPU seconds for one pass over ``docs``."""
    published = dt.date(2030, 6, 1)
    megabytes = sum(len(d.encode("utf-8")) for d in docs) / 1_000_000
    found = 0
    start, cpu = time.perf_counter(), time.process_time()
    for i, text in enumerate(docs):
        found += len(extract_document(text, document=f"d{i}", published=published))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return seconds, megabytes, len(docs) / seconds, found, cpu


#: The labels of en_core_web_sm's NER (OntoNotes), given to the untrained stand-in.
ONTONOTES = (
    "CARDINAL DATE EVENT FAC GPE LANGUAGE LAW LOC MONEY NORP ORDINAL ORG PERCENT PERSON PRODUCT "
    "QUANTITY TIME WORK_OF_ART"
).split()


def spacy_ner() -> tuple[Any, str] | None:
    """spaCy's NER and what it is, or None without spaCy (see the module doc)."""
    try:
        import spacy
    except ImportError:
        return None
    excluded = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
    try:
        return spacy.load("en_core_web_sm", exclude=excluded), "spaCy en_core_web_sm NER"
    except OSError:
        pass
    from spacy.cli.init_config import init_config

    nlp = spacy.util.load_model_from_config(
        init_config(lang="en", pipeline=["ner"], optimize="efficiency"), auto_fill=True
    )
    ner = nlp.get_pipe("ner")
    for label in ONTONOTES:
        ner.add_label(label)
    nlp.initialize()
    return nlp, "spaCy NER, en_core_web_sm architecture, untrained (model not on PyPI)"


def spacy_seconds(nlp: Any, docs: list[str]) -> tuple[float, int]:
    """CPU seconds for spaCy to find the entities of ``docs``, and how many it found."""
    cpu = time.process_time()
    entities = sum(len(doc.ents) for doc in nlp.pipe(docs, batch_size=16))
    return time.process_time() - cpu, entities


def side_by_side(size_mb: float) -> None:
    """refwatch and spaCy NER on the same English text, CPU MB/s and the ratio."""
    loaded = spacy_ner()
    if loaded is None:
        print("spaCy side-by-side skipped: spaCy is not installed (pip install -e '.[bench]')")
        return
    nlp, what = loaded
    print(f"\nEnglish text, CPU time of one core; spaCy: {what}")
    print(f"{'input':<24}{'MB':>7}{'refwatch MB/s':>15}{'spaCy MB/s':>12}{'ratio':>8}")
    for label, make in (("dev corpus (en) repeated", dev_repeated), ("generated (en)", generated)):
        docs = make(size_mb, english=True)
        if not docs:
            print(f"{label:<24} skipped: {SHARED / 'corpus' / 'dev'} not found")
            continue
        _, mb, _, _, ours = measure(docs)
        theirs, _ = spacy_seconds(nlp, docs)
        print(f"{label:<24}{mb:>7.2f}{mb / ours:>15.2f}{mb / theirs:>12.3f}{theirs / ours:>7.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 100], help="sizes in MB")
    parser.add_argument(
        "--spacy-mb", type=float, default=1.0, help="MB of English text for the spaCy table (0: skip it)"
    )
    parser.add_argument(
        "--engine", choices=("local", "spark"), default="local", help="spark: benchmarks/extract_spark.py"
    )
    args = parser.parse_args()
    if args.engine == "spark":
        from extract_spark import run

        run(args.sizes, [("generated", generated), ("dev corpus repeated", dev_repeated)])
        return
    extract_document("warm-up: 3 defectors held in Yanji.", document="w")  # load the gazetteer once
    print(
        f"{'input':<22}{'MB':>8}{'docs':>9}{'seconds':>10}{'MB/s':>8}{'CPU MB/s':>10}"
        f"{'docs/s':>9}{'incidents':>11}"
    )
    rows: list[tuple[float, float]] = []
    for label, make in (("dev corpus repeated", dev_repeated), ("generated", generated)):
        for size in args.sizes:
            docs = make(size)
            if not docs:
                print(f"{label:<22} skipped: {SHARED / 'corpus' / 'dev'} not found")
                break
            seconds, mb, docs_per_s, found, cpu = measure(docs)
            print(
                f"{label:<22}{mb:>8.1f}{len(docs):>9}{seconds:>10.2f}{mb / seconds:>8.2f}{mb / cpu:>10.2f}"
                f"{docs_per_s:>9.0f}{found:>11}"
            )
            if label == "generated":
                rows.append((mb, seconds))
    if len(rows) >= 2:
        (mb0, s0), (mb1, s1) = rows[0], rows[-1]
        print(
            f"growth (generated): {mb1 / mb0:.0f}x the text took {s1 / s0:.1f}x the time "
            f"(1.0 would be linear per unit of text: {(s1 / s0) / (mb1 / mb0):.2f})"
        )
    if args.spacy_mb > 0:
        side_by_side(args.spacy_mb)


if __name__ == "__main__":
    main()
