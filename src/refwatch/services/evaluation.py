"""Running the whole pipeline on an annotated corpus, for `refwatch eval`'s linking score.

Linking is judged on what ``refwatch ingest`` produces: the corpus is ingested
into a throwaway encrypted SQLite database (in a temporary directory, with a
random key that is discarded), extracted and linked exactly as in production,
and the linked incidents are returned in the export shape, each source with the
incident extracted from its document under ``extracted`` (the mention-level
linking score maps sources to gold incidents by it).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from refwatch.config import load_settings
from refwatch.ingest.metadata import load_metadata
from refwatch.security.keys import write_key_file
from refwatch.services.export import incident_records
from refwatch.services.ingest import ingest_paths
from refwatch.services.setup import init_database
from refwatch.storage.database import Database
from refwatch.storage.incidents import IncidentFilter, load_incidents, opened_extracted


@contextmanager
def ingested(
    paths: Sequence[Path],
    *,
    metadata: Path | None = None,
    link_threshold: float | None = None,
    link_window_days: int = 45,
    link_model: Path | None = None,
) -> Iterator[Database]:
    """``paths`` ingested into a throwaway database (gone, with its key, when the block ends)."""
    with tempfile.TemporaryDirectory(prefix="refwatch-eval-") as tmp:
        home = Path(tmp)
        write_key_file(home / "eval.key")
        db, _ = init_database(load_settings(home=home, key_file=home / "eval.key", database_url=None))
        try:
            ingest_paths(
                db,
                list(paths),
                metadata=load_metadata(metadata) if metadata else None,
                actor="eval",
                link_threshold=link_threshold,
                link_window_days=link_window_days,
                link_model=link_model,
            )
            yield db
        finally:
            db.dispose()


def linked_incidents(
    paths: Sequence[Path],
    *,
    metadata: Path | None = None,
    link_threshold: float | None = None,
    link_window_days: int = 45,
    link_model: Path | None = None,
) -> list[dict[str, Any]]:
    """Ingest ``paths`` into a throwaway database and return the linked incidents."""
    with ingested(
        paths,
        metadata=metadata,
        link_threshold=link_threshold,
        link_window_days=link_window_days,
        link_model=link_model,
    ) as db:
        records = incident_records(db, IncidentFilter())
        with db.session() as session:
            extracted = {s.id: opened_extracted(s) for i in load_incidents(session) for s in i.sources}
        for record in records:
            for source in record["sources"]:
                source["extracted"] = extracted.get(source["source_id"])
        return records
