"""The legal classification is kept per set of facts (#20: every API read of an incident asks for it).

Same answers as working it out afresh, a hit for a second incident with the
same facts, and no caller can change what the next one gets. Incidents are fictional.
"""

from __future__ import annotations

from typing import Any

from refwatch.law import classify_incident
from refwatch.law.classify import _classified

RECORDS: list[dict[str, Any]] = [
    {
        "event_types": types,
        "date": {"start": date, "end": date},
        "victims": {"children": children, "women": women},
        "perpetrators": [{"state": state}] if state else [],
        "locations": [{"country": c} for c in places],
    }
    for types, date, state, places, children, women in [
        (["arrest", "repatriation"], "2031-03-03", "CN", ("CN",), 2, None),
        (["repatriation"], "1995-06-01", None, ("KP",), None, 1),
        (["detention"], None, "KP", (), None, None),
        (["arrest"], "2012-01-09", "CN", ("CN", "KP"), 0, 3),
    ]
]


def test_the_answer_is_kept_and_each_caller_gets_its_own_copy() -> None:
    for record in RECORDS:
        fresh = classify_incident(record)
        before = _classified.cache_info().hits
        again = classify_incident(dict(record, id=99, review_state="candidate"))  # other fields: same facts
        assert again == fresh and _classified.cache_info().hits == before + 1
        assert again is not fresh and all(a is not b for a, b in zip(again, fresh, strict=True))
        if again:
            again[0]["in_force"] = "changed by a caller"
            again.append({"instrument": "none"})
        assert classify_incident(record) == fresh


def test_each_set_of_facts_keeps_its_own_answer() -> None:
    _classified.cache_clear()
    fresh = [classify_incident(record) for record in RECORDS]  # worked out, one by one
    assert len({str(answer) for answer in fresh}) == len(RECORDS)  # the facts differ, and so do the answers
    kept = [classify_incident(record) for record in reversed(RECORDS)][::-1]
    assert kept == fresh and _classified.cache_info().hits == len(RECORDS)
