"""Training the linking model with Splink (EM) on made-up reports of made-up events."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from factories import make

from refwatch.link.model import read_model
from refwatch.link.report import Report
from refwatch.link.training import THRESHOLDS, train

CITIES = [
    ("CN", "Jilin", "Tumen"),
    ("CN", "Liaoning", "Dandong"),
    ("CN", "Yunnan", "Kunming"),
    ("LA", None, None),
]


def fictional_reports(seed: int = 7) -> list[Report]:
    """40 events, each told by one to three documents with the usual disagreements."""
    rng = random.Random(seed)
    reports = []
    for event in range(40):
        day = dt.date(2030, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000))
        count = rng.choice([3, 5, 8, 12, 20, 41, 50, 150, 600])
        place = rng.choice(CITIES)
        for teller in range(rng.choice([1, 2, 2, 3])):
            doc = f"e{event:02d}t{teller}"
            shown = day + dt.timedelta(days=rng.choice([0, 0, 1, 3]))
            reports.append(
                Report(
                    key=f"{doc}#000",
                    document=doc,
                    incident=make(
                        doc,
                        start=None if rng.random() < 0.2 else shown.isoformat(),
                        count=count if rng.random() < 0.85 else rng.choice([4, 30]),
                        place=place if rng.random() < 0.8 else ("CN", None, None),
                    ),
                    published=shown + dt.timedelta(days=5),
                )
            )
    return reports


@pytest.fixture(scope="module")
def trained_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("model")
    train(fictional_reports()).save(folder)
    return folder


def test_em_learns_that_agreement_is_evidence_for_a_match(trained_folder: Path) -> None:
    model = read_model(trained_folder)
    date = model.levels["date"]
    assert date["overlap, both precise"].weight > 2 > date["further apart"].weight
    count = model.levels["count"]
    assert count["same figure, 10 or more"].weight > 0 > count["further apart"].weight
    assert 0 < model.prior < 0.2
    assert model.threshold in THRESHOLDS


def test_saved_model_is_splink_settings_with_m_and_u(trained_folder: Path) -> None:
    settings = json.loads((trained_folder / "incident_model.json").read_text(encoding="utf-8"))
    assert settings["link_type"] == "dedupe_only"
    levels = [
        lvl for c in settings["comparisons"] for lvl in c["comparison_levels"] if not lvl.get("is_null_level")
    ]
    assert all(0 <= lvl["m_probability"] <= 1 and 0 < lvl["u_probability"] <= 1 for lvl in levels)
    assert (trained_folder / "incident_model.json").stat().st_mode & 0o077 == 0
