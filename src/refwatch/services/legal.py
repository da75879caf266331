"""The obligations each incident engages, added to every form of it that leaves the services.

Classified from what the record says now (``law.classify``), so a corrected
field, a merge or a relink shows the law for the incident as it stands; the
stored ``legal_instruments`` (set with the values) is only for counting.
"""

from __future__ import annotations

from typing import Any

from refwatch.law import classify_incident


def with_legal(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` (a linked incident or its list form) with its ``legal`` list; returns it."""
    record["legal"] = classify_incident(record)
    return record
