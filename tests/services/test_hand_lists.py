"""#19: places and perpetrators set by hand (CLI and web `edit`), undone; spans mapped to the stored text.

On SQLite and PostgreSQL; the report is fictional.
"""

from __future__ import annotations

import io

import pytest

from refwatch.config import Settings
from refwatch.errors import InvalidInput
from refwatch.services import browse, entry, review
from refwatch.services.ingest import ingest_uploads
from refwatch.storage.database import Database

EN = (
    b"FICTIONAL REPORT. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors "
    b"in Shenyang on March 3, 2031, a rights group said."
)


def _incident(db: Database, settings: Settings) -> int:
    report = ingest_uploads(db, [("alpha.txt", io.BytesIO(EN))], actor="ed", settings=settings)
    assert report.results[0].incidents >= 1
    return browse.incident_page(db, browse.IncidentFilter(), limit=1, offset=0).items[0]["id"]


def test_places_and_perpetrators_set_by_hand_win_over_the_sources_and_undo(
    db: Database, settings: Settings
) -> None:
    incident = _incident(db, settings)
    places = '[{"place": "옌지", "role": "detention"}, {"place": "cn.liaoning.shenyang", "role": "arrest"}]'
    review.edit_field(db, incident, "locations", places, actor="ed", reason="fictional correction")
    review.edit_field(
        db,
        incident,
        "perpetrators",
        '[{"state": "CN", "agency": "border_police"}]',
        actor="ed",
        reason="fictional correction",
    )
    record = browse.incident_detail(db, incident, visible_groups=None)
    assert [(loc["place"], loc["role"]) for loc in record["locations"]] == [
        ("Yanji", "detention"),
        ("Shenyang", "arrest"),
    ]
    assert record["perpetrators"] == [{"state": "CN", "agency": "border_police"}]
    history = review.history(db, incident, visible_groups=None)
    assert history[-1].detail["value_before"] == [{"state": "CN", "agency": "police"}]

    review.undo(db, incident, actor="ed")
    review.undo(db, incident, actor="ed")
    record = browse.incident_detail(db, incident, visible_groups=None)
    assert [loc["place"] for loc in record["locations"]] == ["Shenyang"]  # the sources' value again
    assert record["perpetrators"] == [{"state": "CN", "agency": "police"}]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("locations", '[{"place": "Atlantis"}]', "not in the gazetteer"),
        ("locations", '[{"place": "Yanji", "role": "holiday"}]', "the role must be one of"),
        ("locations", "Yanji", "must be a JSON list"),
        ("perpetrators", '[{"state": "XX"}]', "the state must be one of"),
        ("perpetrators", '[{"agency": "army"}]', "the agency must be one of"),
    ],
)
def test_refused_lists_name_what_is_wrong(field: str, value: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        review.parse_field_value(field, value)


def test_a_span_is_mapped_back_to_a_text_with_crlf_line_ends() -> None:
    stored = "first line\r\nsecond line\r\nthird"
    shown = stored.replace("\r\n", "\n")
    start = shown.index("second line\nthird")
    found = entry.check_span(stored, entry.Span(start, len(shown), "second line\nthird"), "x")
    assert stored[found.start : found.end] == found.quote == "second line\r\nthird"
    with pytest.raises(entry.FieldInvalid, match="not at that place"):
        entry.check_span(stored, entry.Span(start + 1, len(shown), "second line\nthird"), "x")
