"""`refwatch persons import|list|show` through Typer's CliRunner.

Every person here is FICTIONAL: pseudonyms, names (김가상 / Kim Gasang and the
rest) and details are made up for the tests.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from typer.main import get_command
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.config import Settings
from refwatch.services.persons import IDENTIFYING
from refwatch.services.setup import open_database
from refwatch.storage.tables import AuditEvent

runner = CliRunner()
PEOPLE_CSV = (
    "pseudonym,name_hangul,name_romanised,sex,birth_year\n"
    "Person A-017,김가상,Kim Gasang,F,1988\n"
    "Person A-018,박허구,Park Heogu,M,1990\n"
)
NAMES = ("김가상", "Kim Gasang", "박허구", "Park Heogu")


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def audit_events(settings: Settings, action: str) -> list[AuditEvent]:
    db = open_database(settings)
    try:
        with db.session() as session:
            return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
    finally:
        db.dispose()


def test_import_list_and_show_with_every_read_audited(cli_env: Settings, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE_CSV, encoding="utf-8")
    code, out, _ = invoke("persons", "import", str(people), "--list", "NGO A")
    assert code == 0 and "2 persons added" in out and "2 list memberships" in out
    assert not [name for name in NAMES if name in out]

    code, out, _ = invoke("persons", "list", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    assert listed["total"] == 2 and [p["lists"] for p in listed["items"]] == [["NGO A"], ["NGO A"]]
    assert not [name for name in NAMES if name in out]
    code, out, _ = invoke("persons", "list")
    assert code == 0 and "Person A-017" in out and not [name for name in NAMES if name in out]

    kim = listed["items"][0]["id"]
    code, out, err = invoke("persons", "show", str(kim), "--format", "json")
    assert code == 0
    assert json.loads(out)["name_hangul"] == "김가상" and json.loads(out)["birth_year"] == 1988
    code, out, err = invoke("persons", "show", str(kim))
    assert code == 0 and "김가상" in out and "audit log" in err

    reads = audit_events(cli_env, "person.read")
    assert [(e.actor, e.entity_id, e.origin) for e in reads] == [("cli", str(kim), "cli")] * 2
    assert all(e.origin == "cli" for e in audit_events(cli_env, "person.add"))
    code, out, _ = invoke("audit", "verify")
    assert code == 0 and "intact" in out
    code, _, err = invoke("persons", "show", "9999")
    assert code == 1 and "no person 9999" in err


def test_a_bad_row_is_named_and_nothing_is_stored(cli_env: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "partner.csv"
    bad.write_text(PEOPLE_CSV + "Person A-019,이지어,Lee Jieo,F,nineteen-ninety\n", encoding="utf-8")
    code, _, err = invoke("persons", "import", str(bad))
    message = " ".join(err.split())
    compact = "".join(err.split())  # rich wraps long lines, even inside the file's path
    assert code == 1
    assert "partner.csv,row4,columnbirth_year" in compact and "nothingfromthefilewasstored" in compact
    assert "nineteen" not in message and "Lee Jieo" not in message
    code, out, _ = invoke("persons", "list", "--format", "json")
    assert json.loads(out)["total"] == 0


def test_an_unclosed_quote_is_refused_naming_the_row(cli_env: Settings, tmp_path: Path) -> None:
    # A forgiving reader took the rest of the file (Park's row included) as row 3's pseudonym.
    bad = tmp_path / "partner.csv"
    bad.write_text(
        "pseudonym,name_hangul,name_romanised,sex,birth_year\n"
        "Person A-017,김가상,Kim Gasang,F,1988\n"
        '"Person A-019,이지어,Lee Jieo,F,1990\n'
        "Person A-018,박허구,Park Heogu,M,1990\n",
        encoding="utf-8",
    )
    code, _, err = invoke("persons", "import", str(bad))
    compact = "".join(err.split())
    assert code == 1
    assert "partner.csv,row3:malformedCSV" in compact and "nothingfromthefilewasstored" in compact
    assert not [name for name in (*NAMES, "이지어", "Lee Jieo") if name in err]
    code, out, _ = invoke("persons", "list", "--format", "json")
    assert json.loads(out)["total"] == 0


def test_estimation_counts_people_on_two_partner_lists(cli_env: Settings, tmp_path: Path) -> None:
    header = "pseudonym\n"
    (tmp_path / "a.csv").write_text(header + "".join(f"Person E-{i:03d}\n" for i in range(0, 10)), "utf-8")
    (tmp_path / "b.csv").write_text(header + "".join(f"Person E-{i:03d}\n" for i in range(5, 15)), "utf-8")
    assert invoke("persons", "import", str(tmp_path / "a.csv"), "--list", "NGO A")[0] == 0
    code, out, _ = invoke("persons", "import", str(tmp_path / "b.csv"), "--list", "NGO B")
    assert code == 0 and "5 persons added, 5 linked" in out

    args = ["estimate", "--from-db", "--unit", "persons", "--lists", "source_lists", "--format", "json"]
    code, out, err = invoke(*args)
    assert code == 0, err
    result = json.loads(out)  # one stratum: one object
    assert result["n_observed"] == 15
    assert result["estimate"] >= 15


def test_no_command_takes_an_identifying_field_as_an_option() -> None:
    """Names typed as options would stay in the shell's history; they come only in files."""
    commands = get_command(app).commands["persons"].commands  # type: ignore[attr-defined]
    options = {
        name.lstrip("-").replace("-", "_")
        for command in commands.values()
        for param in command.params
        for name in param.opts
    }
    assert {"list", "format"} <= options
    assert not options & (set(IDENTIFYING) | {"name"})
