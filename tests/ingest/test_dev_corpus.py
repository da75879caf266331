"""Ingesting the real development corpus from ../shared (skipped when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from refwatch.ingest.metadata import load_metadata
from refwatch.services import documents as docs_service
from refwatch.services.ingest import ingest_paths
from refwatch.storage.database import Database


@pytest.mark.slow
def test_dev_corpus_with_metadata(db: Database, shared_dir: Path) -> None:
    corpus = shared_dir / "corpus" / "dev"
    n_files = len(list(corpus.glob("*.txt")))
    table = load_metadata(corpus / "index.tsv")
    assert table.warnings == ()  # every date in the index is read
    report = ingest_paths(db, [corpus], metadata=table, extract=False)
    assert report.count("stored") == n_files >= 50 and not report.failed
    docs = docs_service.list_documents(db)
    dated = {d.key: d.publication_date for d in docs if d.publication_date}
    # Every row of the index with a publication_date gets one, at the precision written.
    assert len(dated) == sum(1 for row in table.by_id.values() if row.publication_date_text)
    assert dated["k13"] == "2021-07-19T07:27"
    assert dated["k02"] == "2013-05-28T21:12"
    assert dated["k05"] == "2014-10-17T16:28"
    assert dated["012"] == "2012-03-08"
    assert dated["e01"] == "2002-05-08T17:03"  # a weekday, a time and two zones in the index
    assert {d.language for d in docs} == {"en", "ko"}
    again = ingest_paths(db, [corpus], metadata=load_metadata(corpus / "index.tsv"), extract=False)
    assert again.count("unchanged") == n_files
