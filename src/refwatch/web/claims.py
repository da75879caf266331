"""What each source of an incident claims, one column per source, and where they differ.

Shared by the review queue and the incident page, which showed the same table
two ways (the incident page keyed it by document and lost a column after a merge).
"""

from __future__ import annotations

import json
from typing import Any


def source_claims(record: dict[str, Any]) -> dict[str, dict[int, Any]]:
    """Field -> source -> what that source claims, one column per source (not per document).

    Two sources can come from one document (a report telling of two arrests, merged later):
    keyed by document, one column showed twice and the other's figure was lost (#19).
    """
    claims: dict[str, dict[int, Any]] = {}
    for claim in record["claims"]:
        claims.setdefault(claim["field"], {})[claim["source_id"]] = claim["value"]
    return claims


def differing_fields(record: dict[str, Any]) -> set[str]:
    """Fields on which two sources' claims differ (a source silent on a field does not count).

    Linking reconciles some of them (3 and 6 people become the range 3–6) and lists
    only the rest in ``disagreements``; the reviewer sees every one marked.
    """
    found: set[str] = set(record.get("disagreements") or ())
    for field, values in source_claims(record).items():
        said = {
            json.dumps(v, sort_keys=True, default=str) for v in values.values() if v not in (None, [], {})
        }
        if len(said) > 1:
            found.add(field)
    return found
