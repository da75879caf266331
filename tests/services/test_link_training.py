"""`refwatch link-train`: training the linking model on a database's reports, and linking with it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "link"))
from factories import make, use_table_extractor  # noqa: E402

from refwatch.cli.app import app  # noqa: E402
from refwatch.config import Settings  # noqa: E402
from refwatch.errors import InvalidInput  # noqa: E402
from refwatch.link.model import read_model  # noqa: E402
from refwatch.services.ingest import ingest_paths  # noqa: E402
from refwatch.services.linking import train_model  # noqa: E402
from refwatch.storage.database import Database  # noqa: E402
from refwatch.storage.tables import AuditEvent  # noqa: E402

PLACES = [("CN", "Jilin", "Tumen"), ("CN", "Liaoning", "Dandong"), ("LA", None, "Vientiane")]
# Twelve fictional events, each told by two documents ("eNNa", "eNNb").
EVENTS = {
    f"e{n:02d}": make(
        "x", start=f"20{30 + n}-0{1 + n % 9}-1{n % 9}", count=[4, 12, 40, 300][n % 4], place=PLACES[n % 3]
    )
    for n in range(12)
}


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    use_table_extractor(monkeypatch, EVENTS)


def _files(tmp_path: Path, keys: list[str]) -> list[Path]:
    paths = []
    for key in keys:
        for teller in "ab":
            path = tmp_path / f"{key}-{teller}.txt"
            path.write_text(f"FICTIONAL report {key} by teller {teller}: invented event.", encoding="utf-8")
            paths.append(path)
    return paths


def test_training_needs_reports_from_enough_documents(db: Database, tmp_path: Path) -> None:
    ingest_paths(db, _files(tmp_path, ["e00", "e01"]))
    with db.session() as session, pytest.raises(InvalidInput, match="at least 10 documents"):
        train_model(session, tmp_path / "model")


def test_train_then_link_with_the_trained_model(db: Database, tmp_path: Path) -> None:
    ingest_paths(db, _files(tmp_path, sorted(EVENTS)))
    with db.session() as session:
        trained = train_model(session, tmp_path / "model", threshold=0.4)
    assert trained.records == 24 and trained.threshold == 0.4
    model = read_model(tmp_path / "model")
    ingest_paths(db, _files(tmp_path, ["e00"]), link_model=tmp_path / "model")  # unchanged: no relink
    from refwatch.services.ingest import relink_all

    summary = relink_all(db, actor="t", threshold=None, window_days=45, model_dir=tmp_path / "model")
    assert summary.model_sha256 == model.digest and summary.threshold == 0.4
    with db.session() as session:
        detail = [e for e in session.scalars(select(AuditEvent)) if e.action == "incidents.relink"][-1].detail
    assert detail["model"] == str(tmp_path / "model")
    assert summary.incidents == len(EVENTS)  # each pair of tellers is one incident


def test_link_train_command_is_documented_and_runs(cli_env: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["link-train", "--out", str(tmp_path / "m")])
    assert result.exit_code != 0 and "at least 10 documents" in result.output
