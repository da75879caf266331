"""Linking on the real dev corpus (../shared): the score issue 4 asks for, and order independence."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from refwatch.config import load_settings
from refwatch.extract.evaluation import load_corpus, score_linking
from refwatch.ingest.metadata import load_metadata
from refwatch.security.keys import write_key_file
from refwatch.services.export import incident_records
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import init_database
from refwatch.storage.incidents import IncidentFilter

#: Issue 4's target, met by the first 20 dev reports (ids not starting with e or q) ingested alone.
MIN_LINKING_F1 = 0.85
ORIGINAL_DOCS = ("0*", "k*", "s*")
#: All 50 dev reports (30 added for issue 16). Cold, before any rule was changed for the new reports
#: (2026-12-06): pairwise F1 0.487 (precision 0.431, recall 0.560); after issue 16's work (same day):
#: 0.674. A floor a little under the latter: a guard against regressions, not a target.
MIN_LINKING_F1_ALL = 0.62


def ingest_one_by_one(home: Path, files: Sequence[Path], index: Path) -> list[dict[str, Any]]:
    """Ingest each file in its own call (as documents arrive over time) and return the incidents."""
    home.mkdir(parents=True)
    write_key_file(home / "t.key")
    db, _ = init_database(load_settings(home=home, key_file=home / "t.key", database_url=None))
    table = load_metadata(index)
    try:
        for path in files:
            ingest_paths(db, [path], metadata=table, actor="test")
        return incident_records(db, IncidentFilter())
    finally:
        db.dispose()


def signature(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            (
                tuple(sorted(s["document"] for s in r["sources"])),
                r["date"]["start"],
                r["date"]["end"],
                r["victims"]["count_min"],
                r["victims"]["count_max"],
                tuple(r["event_types"]),
                r["status"],
            )
            for r in records
        ),
        key=repr,
    )


@pytest.mark.parametrize(
    ("documents", "floor"),
    [(ORIGINAL_DOCS, MIN_LINKING_F1), (None, MIN_LINKING_F1_ALL)],
    ids=["original-20", "all-50"],
)
def test_dev_linking_score_and_order_independence(
    shared_dir: Path, tmp_path: Path, documents: Sequence[str] | None, floor: float
) -> None:
    corpus = load_corpus(shared_dir / "corpus" / "dev")
    if documents is not None:
        corpus = corpus.subset(documents)
        assert len(corpus.texts) == 20
    assert corpus.index is not None
    files = [corpus.folder / f"{d}.txt" for d in sorted(corpus.texts)]
    forward = ingest_one_by_one(tmp_path / "forward", files, corpus.index)
    backward = ingest_one_by_one(tmp_path / "backward", files[::-1], corpus.index)
    score = score_linking(corpus.gold, forward)
    assert score.f1 is not None and score.f1 >= floor, score
    assert signature(forward) == signature(backward)
    assert score_linking(corpus.gold, backward) == score
