"""The incident page's editing by hand: one form per group of fields, and how edits read in the history.

Pure helpers for :mod:`refwatch.web.pages` (no routes): which fields each form
holds and their labels (English source text, translated by the pages), the
values a form shows (now, or as submitted when refused), which fields a form
changes, who set each hand-set value, and how a value reads in the history.
"""

from __future__ import annotations

from typing import Any

from refwatch.domain.vocabulary import EVENT_TYPES, PRECISIONS, QUALIFIERS, SALIENCES, STATUSES
from refwatch.errors import InvalidInput
from refwatch.services import review

#: The edit forms: one per group of fields, in the order the page shows them.
EDIT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("status", ("status",)),
    ("event_types", ("event_types",)),
    ("date", ("date_start", "date_end", "date_precision")),
    ("count", ("count", "count_qualifier", "count_min", "count_max")),
    ("people", ("women", "men", "children")),
    ("salience", ("salience",)),
)
EDIT_LEGENDS = {
    "status": "Status",
    "event_types": "Events",
    "date": "Date",
    "count": "People",
    "people": "Women, men and children",
    "salience": "Salience",
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
    values.update(submitted or {})
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
    record: dict[str, Any], fields: list[str], values: list[str], event_types: list[str]
) -> tuple[dict[str, str], dict[str, Any]]:
    """The fields a form changes, as text for :func:`review.edit_field`, and everything it sent.

    A form sends each of its fields with a value (event types as checkboxes); a
    field whose value is what the incident shows already is left alone, so that
    saving the date form with a new start does not also write its precision.
    """
    sent: dict[str, Any] = {}
    scalar = [f for f in fields if f != "event_types"]
    if len(scalar) != len(values) or any(f not in FIELD_LABELS for f in fields):
        raise InvalidInput("the form sent fields and values that do not match; reload the page")
    sent.update(zip(scalar, (v.strip() for v in values), strict=True))
    if "event_types" in fields:
        sent["event_types"] = sorted(set(event_types))
    changed: dict[str, str] = {}
    for field, value in sent.items():
        text = ",".join(value) if isinstance(value, list) else value
        now = review.field_value(record, field)
        now_text = ",".join(now) if isinstance(now, list) else ("" if now is None else str(now))
        if text != now_text:
            changed[field] = text
    return changed, sent


def shown_value(value: Any, gettext: Any) -> str:
    """A field's value for the history, vocabulary codes in the reader's language ("not set" for none)."""
    if value is None or value == [] or value == "":
        return str(gettext("not set"))
    if isinstance(value, list):
        return ", ".join(str(gettext(str(v))) for v in value)
    return str(gettext(value)) if isinstance(value, str) else str(value)
