"""Exports in the browser (#19 "every command in the UI"): editors download the incidents they may see,
full or public, and each download is audited.

Reports are fictional.
"""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import select
from test_pages import client, log_in, upload  # noqa: F401 (the client fixture)

from refwatch.config import Settings
from refwatch.services.setup import open_database
from refwatch.storage.tables import AuditEvent


def export_entries(settings: Settings) -> list[dict[str, object]]:
    db = open_database(settings)
    try:
        with db.session() as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.action == "incidents.export"))
            return [dict(e.detail) | {"actor": e.actor, "origin": e.origin} for e in events]
    finally:
        db.dispose()


def test_an_editor_downloads_full_and_public_forms_each_audited(
    client: TestClient,  # noqa: F811
    settings: Settings,
) -> None:
    log_in(client)
    upload(client)
    assert 'href="/exports/incidents?format=csv"' in client.get("/exports").text
    full = client.get("/exports/incidents?format=csv")
    assert full.status_code == 200 and full.headers["content-type"].startswith("text/csv")
    assert 'filename="incidents.csv"' in full.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(full.text.lstrip("\ufeff"))))
    assert len(rows) >= 2
    assert client.get("/exports/incidents?format=geojson").json()["type"] == "FeatureCollection"
    public = client.get("/exports/incidents?format=jsonl&public=true")
    assert public.status_code == 200 and public.text == ""  # nothing confirmed yet: nothing published
    assert client.get("/exports/incidents?format=geojson&public=true").status_code == 422
    entries = export_entries(settings)
    assert [(e["format"], e["public"], e["actor"], e["origin"]) for e in entries] == [
        ("csv", False, "ed", "web"),
        ("geojson", False, "ed", "web"),
        ("jsonl", True, "ed", "web"),
    ]
    assert entries[0]["incidents"] == len(rows)


def test_a_viewer_may_not_export(client: TestClient) -> None:  # noqa: F811
    log_in(client, "vi")
    assert client.get("/exports/incidents?format=csv").status_code == 403
    assert 'href="/exports"' not in client.get("/").text
