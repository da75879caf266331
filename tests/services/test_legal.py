"""Stored incidents carry the law they engage: in details, lists, exports and the dashboard's counts (#17).

Fictional incidents (invented events in 2030); the extractor is replaced by a table.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.services import browse, review  # noqa: E402
from refwatch.services.export import incident_records, to_csv  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402

FICTIONAL = {
    "returned": make(
        "returned",
        start="2030-10-09",
        count=40,
        types=("arrest", "repatriation"),
        place=("CN", "Jilin", "Tumen"),
    ),
    "held": make(
        "held", start="2030-03-11", count=8, types=("detention",), place=("CN", "Liaoning", "Shenyang")
    ),
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, FICTIONAL)


def test_incidents_carry_their_legal_list_and_the_dashboard_counts_them(db: Database, tmp_path: Path) -> None:
    for key in FICTIONAL:
        (tmp_path / f"{key}.txt").write_text(f"FICTIONAL report {key}.", encoding="utf-8")
    ingest_paths(db, [tmp_path / f"{key}.txt" for key in FICTIONAL])
    records = {r["sources"][0]["document"]: r for r in incident_records(db, IncidentFilter())}
    returned = records["returned"]
    assert {(o["instrument"], o["article"], o["in_force"]) for o in returned["legal"]} >= {
        ("RC1951", "33", True),
        ("CAT", "3", True),
    }
    detail = browse.incident_detail(db, returned["id"], visible_groups=None)
    assert detail["legal"] == returned["legal"]
    card = browse.incident_page(db, IncidentFilter(), limit=10).items
    assert all("legal" in c for c in card)
    figures = browse.summary(db, visible_groups=None)
    assert figures["per_instrument"] == {"CAT": 1, "CUSTOMARY": 1, "RC1951": 1}  # China's ICCPR: signed only
    row = next(csv.DictReader(io.StringIO(to_csv([returned]))))
    assert "RC1951 art. 33 (CN, in force)" in row["legal"]

    # Recomputed when the incident changes: the reviewer corrects the date to before China was bound.
    review.edit_field(db, returned["id"], "date_start", "1982-01-05", actor="t", reason="fictional")
    review.edit_field(db, returned["id"], "date_end", "1982-01-05", actor="t", reason="fictional")
    changed = browse.incident_detail(db, returned["id"], visible_groups=None)
    assert {(o["instrument"], o["in_force"]) for o in changed["legal"] if o["article"] in ("33", "3")} == {
        ("RC1951", False),
        ("CAT", False),
    }
    assert browse.summary(db, visible_groups=None)["per_instrument"] == {"CUSTOMARY": 1}
