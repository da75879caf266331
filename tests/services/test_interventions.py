"""Interventions: the advocacy log of an incident, its follow-ups and who may see it (#17 point 3).

Fictional incidents and addressees; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.cli.app import app  # noqa: E402
from refwatch.config import Settings  # noqa: E402
from refwatch.errors import InvalidInput, NotFound  # noqa: E402
from refwatch.services import accounts  # noqa: E402
from refwatch.services import interventions as service  # noqa: E402
from refwatch.services.export import incident_records  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.incidents import IncidentFilter  # noqa: E402
from refwatch.storage.tables import AuditEvent  # noqa: E402
from refwatch.web.app import create_app  # noqa: E402

FICTIONAL = {
    "open": make("open", start="2030-10-09", count=40, types=("arrest", "repatriation")),
    "partner": make("partner", start="2030-03-11", count=8, types=("detention",)),
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, FICTIONAL)


@pytest.fixture
def incidents(db: Database, tmp_path: Path) -> dict[str, int]:
    for key in FICTIONAL:
        (tmp_path / f"{key}.txt").write_text(f"FICTIONAL report {key}.", encoding="utf-8")
    ingest_paths(db, [tmp_path / "open.txt"])
    ingest_paths(db, [tmp_path / "partner.txt"], restricted_to="partners")
    return {r["sources"][0]["document"]: r["id"] for r in incident_records(db, IncidentFilter())}


def test_record_follow_up_and_answer(db: Database, incidents: dict[str, int]) -> None:
    past = dt.date.today() - dt.timedelta(days=3)
    letter = service.add_intervention(
        db,
        incidents["open"],
        kind="urgent_appeal",
        addressee="Special Rapporteur (fictional test)",
        author="Fictional NGO",
        sent_on=(past - dt.timedelta(days=10)).isoformat(),
        follow_up_on=past.isoformat(),
        actor="editor",
        visible_groups=(),
    )
    draft = service.add_intervention(
        db,
        incidents["open"],
        kind="letter",
        addressee="Embassy (fictional)",
        actor="editor",
        visible_groups=(),
    )
    assert (letter.status, draft.status) == ("sent", "draft")
    timeline = service.incident_interventions(db, incidents["open"], visible_groups=())
    assert [r.id for r in timeline] == [letter.id, draft.id]  # sent first; the draft has no date yet
    overdue = service.list_interventions(db, visible_groups=(), overdue_on=dt.date.today())
    assert [r.id for r in overdue] == [letter.id]
    answered = service.update_intervention(
        db,
        letter.id,
        status="answered",
        response="Acknowledged (fictional)",
        actor="editor",
        visible_groups=(),
    )
    assert answered.response == "Acknowledged (fictional)"
    assert service.list_interventions(db, visible_groups=(), overdue_on=dt.date.today()) == []
    with db.session() as session:
        actions = [
            e.action
            for e in session.query(AuditEvent)
            .filter(AuditEvent.entity == "intervention")
            .order_by(AuditEvent.id)
        ]
    assert actions == ["intervention.add", "intervention.add", "intervention.update"]


def test_bad_values_are_refused_naming_the_field(db: Database, incidents: dict[str, int]) -> None:
    with pytest.raises(InvalidInput, match="kind must be one of"):
        service.add_intervention(
            db, incidents["open"], kind="fax", addressee="x", actor="e", visible_groups=()
        )
    with pytest.raises(InvalidInput, match="follow_up_on must be a date"):
        service.add_intervention(
            db,
            incidents["open"],
            kind="letter",
            addressee="x",
            follow_up_on="soon",
            actor="e",
            visible_groups=(),
        )
    with pytest.raises(InvalidInput, match="addressee must be 1 to 300"):
        service.add_intervention(
            db, incidents["open"], kind="letter", addressee=" ", actor="e", visible_groups=()
        )


def test_interventions_of_a_restricted_incident_stay_with_its_group(
    db: Database, incidents: dict[str, int]
) -> None:
    record = service.add_intervention(
        db,
        incidents["partner"],
        kind="letter",
        addressee="Ministry (fictional)",
        actor="a",
        visible_groups=None,
    )
    with pytest.raises(NotFound):
        service.incident_interventions(db, incidents["partner"], visible_groups=())
    with pytest.raises(NotFound):
        service.update_intervention(db, record.id, status="sent", actor="e", visible_groups=("others",))
    assert service.list_interventions(db, visible_groups=()) == []
    assert [r.id for r in service.list_interventions(db, visible_groups=("partners",))] == [record.id]


def test_api_pages_and_cli(
    db: Database, incidents: dict[str, int], settings: Settings, cli_env: Settings
) -> None:
    accounts.add_user(db, "vi", "fictional-password-3", "viewer")
    editor = accounts.add_user(db, "ed", "fictional-password-4", "editor")
    del editor
    write = accounts.issue_token(db, "ed", "write")[1]
    read = accounts.issue_token(db, "vi", "read")[1]
    incident = incidents["open"]
    with TestClient(create_app(settings), follow_redirects=False) as client:
        body = {"kind": "embassy_approach", "addressee": "Embassy (fictional)", "follow_up_on": "2020-01-01"}
        made = client.post(
            f"/api/v1/incidents/{incident}/interventions",
            json=body,
            headers={"Authorization": f"Bearer {write}"},
        )
        assert made.status_code == 201, made.text
        refused = client.post(
            f"/api/v1/incidents/{incident}/interventions",
            json=body,
            headers={"Authorization": f"Bearer {read}"},
        )
        assert refused.status_code == 403
        listed = client.get("/api/v1/interventions?overdue=true", headers={"Authorization": f"Bearer {read}"})
        assert [i["id"] for i in listed.json()] == [made.json()["id"]]
        changed = client.post(
            f"/api/v1/interventions/{made.json()['id']}",
            json={"status": "closed", "outcome": "No reply (fictional)"},
            headers={"Authorization": f"Bearer {write}"},
        )
        assert changed.json()["status"] == "closed"
        bad = client.post(
            f"/api/v1/interventions/{made.json()['id']}",
            json={"status": "lost"},
            headers={"Authorization": f"Bearer {write}"},
        )
        assert bad.status_code in (400, 422) and "status must be one of" in bad.text
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert token
        form = {"username": "vi", "password": "fictional-password-3", "csrf": token.group(1)}
        assert client.post("/login", data=form).status_code == 303
        page = client.get(f"/incidents/{incident}").text
        assert "Embassy (fictional)" in page and "No reply (fictional)" in page
        assert "Embassy (fictional)" in client.get("/interventions").text
    result = CliRunner().invoke(
        app,
        [
            "interventions",
            "add",
            str(incident),
            "--kind",
            "letter",
            "--to",
            "Mandate (fictional)",
            "--sent",
            "2030-11-01",
        ],
    )
    assert result.exit_code == 0, result.output
    listed_cli = CliRunner().invoke(app, ["interventions", "list", str(incident), "--format", "json"])
    assert [i["addressee"] for i in json.loads(listed_cli.output)][-1] == "Mandate (fictional)"
    wrong = CliRunner().invoke(app, ["interventions", "add", str(incident), "--kind", "fax", "--to", "x"])
    assert wrong.exit_code == 1 and "kind must be one of" in wrong.output
