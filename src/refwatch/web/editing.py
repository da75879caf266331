"""The incident page's editing by hand: one form per group of fields, and how edits read in the history.

Pure helpers for :mod:`refwatch.web.pages` (no routes): which fields each form
holds and their labels (English source text, translated by the pages), the
values a form shows (now, or as submitted when refused), which fields a form
changes, who set each hand-set value, and how a value reads in the history.
"""

from __future__ import annotations

import json
from typing import Any

from refwatch.domain.vocabulary import (
    AGENCIES,
    EVENT_TYPES,
    LOCATION_ROLES,
    PRECISIONS,
    QUALIFIERS,
    SALIENCES,
    STATUSES,
)
from refwatch.errors import InvalidInput
from refwatch.services import review
from refwatch.services.incidents import LIST_FIELDS
from refwatch.services.place_search import perpetrator_states, place_id_of
from refwatch.services.placenames import place_name
from refwatch.web.labels import term_text

#: Blank rows each list form offers for adding a place or a perpetrator.
BLANK_ROWS = 2

#: The edit forms: one per group of fields, in the order the page shows them.
EDIT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("status", ("status",)),
    ("event_types", ("event_types",)),
    ("date", ("date_start", "date_end", "date_precision")),
    ("count", ("count", "count_qualifier", "count_min", "count_max")),
    ("people", ("women", "men", "children")),
    ("salience", ("salience",)),
    ("places", ("locations",)),
    ("perpetrators", ("perpetrators",)),
)
EDIT_LEGENDS = {
    "status": "Status",
    "event_types": "Events",
    "date": "Date",
    "count": "People",
    "people": "Women, men and children",
    "salience": "Salience",
    "places": "Places",
    "perpetrators": "Perpetrators",
}
#: Each editable field's label (English source text; pages translate it).
FIELD_LABELS = {
    "status": "Status",
    "event_types": "Events",
    "date_start": "Start date",
    "date_end": "End date",
    "date_precision": "Date precision",
    "count": "Count",
    "count_qualifier": "Count qualifier",
    "count_min": "Lowest count",
    "count_max": "Highest count",
    "women": "Women",
    "men": "Men",
    "children": "Children",
    "salience": "Salience",
    "locations": "Places",
    "perpetrators": "Perpetrators",
}
#: What each review action is called in the history and after it is done.
ACTION_LABELS = {
    "incident.confirm": "confirmed",
    "incident.reject": "rejected",
    "incident.edit": "edited",
    "incident.merge": "merged another incident into this one",
    "incident.merged_into": "merged into another incident",
    "incident.split": "split sources off",
    "incident.split_from": "split off another incident",
    "incident.undo": "undid a change",
    "incident.restrict": "restricted",
    "incident.create": "entered by hand",
}


def edit_context(
    record: dict[str, Any],
    *,
    submitted: dict[str, Any] | None = None,
    group: str = "",
    error: str = "",
    reason: str = "",
) -> dict[str, Any]:
    """What the edit forms show: each field's value now (or as submitted, when it was refused)."""
    values = {f: review.field_value(record, f) for f in FIELD_LABELS}
    values["locations"] = [
        (place_id_of(loc) or loc.get("place") or loc.get("admin1") or loc.get("country") or "", loc["role"])
        for loc in values["locations"] or []
    ]
    values["perpetrators"] = [(p.get("state") or "", p["agency"]) for p in values["perpetrators"] or []]
    values.update(submitted or {})
    for name in LIST_FIELDS:
        values[name] = list(values[name]) + [("", "")] * BLANK_ROWS
    return {
        "groups": EDIT_GROUPS,
        "legends": EDIT_LEGENDS,
        "labels": FIELD_LABELS,
        "values": values,
        "vocab": {
            "status": STATUSES,
            "event_types": EVENT_TYPES,
            "date_precision": PRECISIONS,
            "count_qualifier": QUALIFIERS,
            "salience": SALIENCES,
            "role": LOCATION_ROLES,
            "agency": AGENCIES,
            "state": perpetrator_states(),
        },
        "group": group,
        "error": error,
        "reason": reason,
    }


def hand_set(history: list[dict[str, Any]], overrides: dict[str, Any]) -> dict[str, str]:
    """Who set each hand-set field: the author of its latest edit that was not undone.

    Only fields the incident still overrides count (an undone first edit leaves none).
    """
    edits: dict[int, str] = {}
    by_field: dict[str, list[tuple[int, str]]] = {}
    for entry in history:
        if entry["action"] == "incident.edit" and isinstance(entry.get("field"), str):
            edits[entry["id"]] = entry["field"]
            by_field.setdefault(entry["field"], []).append((entry["id"], entry["actor"]))
        elif entry["action"] == "incident.undo" and entry.get("undoes") in edits:
            field = edits[entry["undoes"]]
            by_field[field] = [e for e in by_field[field] if e[0] != entry["undoes"]]
    return {f: stack[-1][1] for f, stack in by_field.items() if stack and f in overrides}


def changed_fields(
    record: dict[str, Any],
    fields: list[str],
    values: list[str],
    event_types: list[str],
    rows: dict[str, list[tuple[str, str]]] | None = None,
) -> tuple[dict[str, str], dict[str, Any]]:
    """The fields a form changes, as text for :func:`review.edit_field`, and everything it sent.

    A form sends each of its fields with a value (event types as checkboxes,
    places and perpetrators as rows of two controls); a field whose value is
    what the incident shows already is left alone, so that saving the date form
    with a new start does not also write its precision.
    """
    sent: dict[str, Any] = {}
    rows = rows or {}
    scalar = [f for f in fields if f != "event_types" and f not in LIST_FIELDS]
    if len(scalar) != len(values) or any(f not in FIELD_LABELS for f in fields):
        raise InvalidInput("the form sent fields and values that do not match; reload the page")
    sent.update(zip(scalar, (v.strip() for v in values), strict=True))
    if "event_types" in fields:
        sent["event_types"] = sorted(set(event_types))
    changed: dict[str, str] = {}
    for name in LIST_FIELDS:
        if name not in fields:
            continue
        kept = [
            (a.strip(), b.strip())
            for a, b in rows.get(name, [])
            if a.strip() or (name == "perpetrators" and b.strip())
        ]
        sent[name] = kept
        keys = ("place", "role") if name == "locations" else ("state", "agency")
        text = json.dumps([dict(zip(keys, row, strict=True)) for row in kept], ensure_ascii=False)
        if review.parse_field_value(name, text) != (review.field_value(record, name) or []):
            changed[name] = text
    for field, value in sent.items():
        if field in LIST_FIELDS:
            continue
        text = ",".join(value) if isinstance(value, list) else value
        now = review.field_value(record, field)
        now_text = ",".join(now) if isinstance(now, list) else ("" if now is None else str(now))
        if text != now_text:
            changed[field] = text
    return changed, sent


def shown_value(value: Any, gettext: Any, language: str = "en") -> str:
    """A field's value for the history, codes and places in the reader's language ("not set" for none)."""
    if value is None or value == [] or value == "":
        return str(gettext("not set"))
    if isinstance(value, list):
        return "; ".join(_shown_item(v, gettext, language) for v in value)
    return term_text(value, gettext) if isinstance(value, str) else str(value)


def _shown_item(item: Any, gettext: Any, language: str) -> str:
    if not isinstance(item, dict):
        return str(gettext(str(item)))
    if "role" in item:  # a place
        names = [place_name(item.get(f), language, f) for f in ("facility", "place", "admin1", "country")]
        return f"{' '.join(n for n in names if n)} ({term_text(item['role'], gettext)})"
    state = place_name(item.get("state"), language, "country")
    return f"{state} {term_text(item.get('agency') or 'unknown', gettext)}".strip()
