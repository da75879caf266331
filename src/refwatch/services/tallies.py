"""Tallies: running totals, estimates and head-counts that reports state, listed beside incidents.

A tally is stored at ingest with its document's incidents (``services.incidents``)
and is never linked, merged or counted as an incident. Reads go through one
visibility filter: a reader sees a tally exactly when they may see its document.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from refwatch.domain.tallies import TALLY_KINDS
from refwatch.errors import InvalidInput
from refwatch.storage.database import Database
from refwatch.storage.tallies import TallyFilter, load_tallies


def list_tallies(
    db: Database,
    *,
    kinds: Sequence[str] = (),
    visible_groups: tuple[str, ...] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Tallies a reader in ``visible_groups`` may see (None: everything), as INCIDENTS.md records.

    Raises:
        InvalidInput: for a kind outside ``returned, arrested, held, escaped, other``.
    """
    unknown = sorted(set(kinds) - set(TALLY_KINDS))
    if unknown:
        raise InvalidInput(f"unknown tally kind {unknown[0]!r}; use one of {', '.join(TALLY_KINDS)}")
    return tally_records(
        db, TallyFilter(kinds=kinds, visible_groups=visible_groups), limit=limit, offset=offset
    )


def tally_records(
    db: Database, filters: TallyFilter, *, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Stored tallies matching ``filters`` as plain records (a page of them with ``limit``)."""
    with db.session() as session:
        return load_tallies(session, filters, limit=limit, offset=offset)
