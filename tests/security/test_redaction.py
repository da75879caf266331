"""Public outputs: whitelisted fields only, small counts suppressed, dates coarsened (fictional data)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make  # noqa: E402

from refwatch.domain.incidents import Incident as Extracted  # noqa: E402
from refwatch.report.redaction import PUBLIC_FIELDS, RedactionPolicy, redact  # noqa: E402
from refwatch.services import incidents as incidents_service  # noqa: E402
from refwatch.services import review  # noqa: E402
from refwatch.services.export import export_incidents, incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402
from refwatch.storage.tables import Document  # noqa: E402

SECRET_QUOTE = "Fictional Kim Sunhui, 34, from Hoeryong"


@pytest.fixture
def stored(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    def run(doc: Document) -> tuple[str, list[Extracted]]:
        small = make(doc.key, start="2030-03-14", count=2, place=("CN", "Liaoning", "Shenyang"))
        small.evidence[0] = small.evidence[0].__class__(0, len(SECRET_QUOTE), SECRET_QUOTE)
        big = make(doc.key, start="2030-06-02", count=40, qualifier="about", place=("CN", "Jilin", "Tumen"))
        return "fictional", [small, big]

    monkeypatch.setattr(incidents_service, "run_extractor", run)
    (tmp_path / "r.txt").write_text(SECRET_QUOTE + " FICTIONAL.", encoding="utf-8")
    ingest_paths(db, [tmp_path / "r.txt"])
    for record in incident_records(db, IncidentFilter()):
        review.set_state(db, record["id"], "confirmed", actor="tester")
    return db


def test_public_export_has_only_whitelisted_fields(stored: Database, tmp_path: Path) -> None:
    out = tmp_path / "public.jsonl"
    n = export_incidents(stored, out, fmt="jsonl", filters=IncidentFilter(), public=RedactionPolicy())
    text = out.read_text(encoding="utf-8")
    assert n == 2
    assert "Sunhui" not in text and "Hoeryong" not in text and "r.txt" not in text
    rows = [json.loads(line) for line in text.splitlines()]
    assert all(set(r) <= set(PUBLIC_FIELDS) for r in rows)
    by_place = {r["places"][0]: r for r in rows}
    assert by_place["Shenyang, Liaoning, CN"]["victims"] == {"count": None, "text": "fewer than 5"}
    assert by_place["Tumen, Jilin, CN"]["victims"] == {"count": 40, "text": "about 40"}
    assert by_place["Shenyang, Liaoning, CN"]["date"] == {"start": "2030-03-01", "end": "2030-03-31"}


def test_unconfirmed_incidents_are_not_published_by_default() -> None:
    record = {
        "id": 1,
        "review_state": "candidate",
        "event_types": ["arrest"],
        "status": "at_risk",
        "date": {"start": None, "end": None},
        "victims": {"count": 9},
        "locations": [],
        "perpetrators": [],
        "sources": [],
    }
    assert redact([record]) == []
    assert len(redact([record], RedactionPolicy(confirmed_only=False))) == 1


def test_public_geojson_is_refused(stored: Database, tmp_path: Path) -> None:
    from refwatch.errors import InvalidInput

    with pytest.raises(InvalidInput, match="coordinates"):
        export_incidents(
            stored, tmp_path / "x.geojson", fmt="geojson", filters=IncidentFilter(), public=RedactionPolicy()
        )


def test_the_public_site_holds_only_the_redacted_form(stored: Database) -> None:
    """#19 public site: its list, filters, chart and map are all built from the redacted form."""
    from refwatch.services.public_site import PublicFilter, public_view

    view = public_view(stored, PublicFilter())
    assert view.total == 2 and all(set(r) <= set(PUBLIC_FIELDS) for r in view.records)
    text = json.dumps([view.records, view.timeline, [(p.name, p.lat, p.lon) for p in view.places]])
    assert "Sunhui" not in text and "Hoeryong" not in text and "2030-03-14" not in text
    # The small count stays hidden in the chart, and its place (a cell under 5 people) off the map.
    assert [(r["period"], r["people"]) for r in view.timeline] == [("2030-03", 0), ("2030-06", 40)]
    assert [(p.name, p.people) for p in view.places] == [("Tumen", 40)] and view.off_map == 1
    # Filters choose among published records only; a year is the redacted date's.
    assert public_view(stored, PublicFilter(province="Liaoning")).total == 1
    assert public_view(stored, PublicFilter(year=2030, event_type="arrest")).total == 2
    assert public_view(stored, PublicFilter(year=2029)).total == 0


def test_the_public_site_never_shows_unconfirmed_incidents(stored: Database) -> None:
    from refwatch.services.public_site import PublicFilter, public_view

    first = incident_records(stored, IncidentFilter())[0]["id"]
    public_view(stored, PublicFilter())  # kept in the cache until the data change
    review.set_state(stored, first, "rejected", actor="tester", reason="fictional: a duplicate")
    view = public_view(stored, PublicFilter())
    assert first not in [r["id"] for r in view.records] and view.total == 1
