"""The linking model as data: weights, missing values, term frequencies, the reason, loading."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import pytest
from factories import make

from refwatch.errors import InvalidInput
from refwatch.link.features import features
from refwatch.link.levels import COMPARISONS
from refwatch.link.model import COMPANION_FILE, MODEL_FILE, default_model, from_settings, read_model
from refwatch.link.report import Report


def settings(prior: float = 0.01, **m_u: tuple[list[float], list[float]]) -> dict[str, Any]:
    """Splink-shaped settings; levels not given get m = u (weight 0)."""
    comparisons = []
    for name, (labels, _function) in COMPARISONS.items():
        m, u = m_u.get(name, ([1 / len(labels)] * len(labels), [1 / len(labels)] * len(labels)))
        levels: list[dict[str, Any]] = [{"is_null_level": True, "label_for_charts": "null"}]
        levels += [
            {"label_for_charts": label, "m_probability": mv, "u_probability": uv}
            for label, mv, uv in zip(labels, m, u, strict=True)
        ]
        if name == "place":  # the city and the province-or-country levels
            levels[1]["tf_adjustment_weight"] = levels[2]["tf_adjustment_weight"] = 1.0
        comparisons.append({"output_column_name": name, "comparison_levels": levels})
    return {"probability_two_random_records_match": prior, "comparisons": comparisons}


def rep(key: str, **kw: object) -> Report:
    return Report(key=f"{key}#000", document=key, incident=make(key, **kw))  # type: ignore[arg-type]


PLACE = ([0.6, 0.3, 0.04, 0.03, 0.03], [0.1, 0.3, 0.1, 0.2, 0.3])


def test_a_missing_value_adds_no_evidence() -> None:
    """Bayes factor 1: an unknown place weighs nothing (the old score gave it 0.3 of the place part)."""
    model = from_settings(settings(place=PLACE), {}, name="test")
    a = features(rep("a", start="2031-04-02", count=12, place=None))
    b = features(rep("b", start="2031-04-02", count=12, place=("CN", "Jilin", "Tumen")))
    place = next(c for c in model.weigh(a, b).contributions if c.comparison == "place")
    assert place.level is None and place.weight == 0.0


def test_weight_is_prior_plus_log_bayes_factors() -> None:
    model = from_settings(settings(prior=0.2, place=PLACE), {}, name="test")
    a = features(rep("a", place=("CN", "Jilin", "Tumen"), count=None, types=()))
    b = features(rep("b", place=("CN", "Jilin", "Tumen"), count=None, types=()))
    weighing = model.weigh(a, b)
    assert weighing.weight == pytest.approx(math.log2(0.2 / 0.8) + math.log2(0.6 / 0.1), abs=1e-3)
    assert weighing.probability == pytest.approx(1 / (1 + 2**-weighing.weight), abs=1e-4)


def test_a_common_city_weighs_less_than_a_rare_one() -> None:
    model = from_settings(
        settings(place=PLACE),
        {"term_frequencies": {"place": {"Commonville": 0.4, "Rareton": 0.01}}},
        name="t",
    )

    def place_weight(city: str) -> float:
        a = features(rep("a", place=("CN", None, city)))
        b = features(rep("b", place=("CN", None, city)))
        return next(c.weight for c in model.weigh(a, b).contributions if c.comparison == "place")

    assert place_weight("Commonville") < place_weight("Rareton")
    assert place_weight("Unheardof") == pytest.approx(math.log2(0.6 / 0.1), abs=1e-3)


def test_a_shared_third_country_weighs_more_than_china_which_nearly_every_report_names() -> None:
    """Reports naming only countries agree on the rarest one they share, not the first by name."""
    model = from_settings(
        settings(place=PLACE),
        {"term_frequencies": {"place": {"country:CN": 0.9, "country:LA": 0.03, "country:VN": 0.05}}},
        name="t",
    )

    def place_part(*countries: str) -> tuple[str | None, float]:
        a = dataclasses.replace(features(rep("a")), countries=frozenset(countries))
        b = dataclasses.replace(features(rep("b")), countries=frozenset({"CN", "LA"}))
        part = next(c for c in model.weigh(a, b).contributions if c.comparison == "place")
        return part.value, part.weight

    china, china_weight = place_part("CN")
    laos, laos_weight = place_part("CN", "LA")
    assert (china, laos) == ("country:CN", "country:LA")
    assert china_weight < 0 < laos_weight


def test_a_level_em_never_saw_matching_is_floored_not_a_veto() -> None:
    model = from_settings(settings(place=([0.7, 0.3, 0.0, 0.0, 0.0], PLACE[1])), {}, name="t")
    a = features(rep("a", place=("CN", "Jilin", "Tumen")))
    b = features(rep("b", place=("CN", "Jilin", "Yanji")))
    place = next(c for c in model.weigh(a, b).contributions if c.comparison == "place")
    assert -8.0 <= place.weight < -2.0


def test_reason_lists_each_fields_part() -> None:
    model = from_settings(settings(place=PLACE), {}, name="t")
    a = features(rep("a", start="2031-04-02", place=("CN", "Jilin", "Tumen")))
    b = features(rep("b", start="2031-04-02", place=("CN", "Jilin", "Tumen")))
    reason = model.weigh(a, b).explain()
    assert reason.startswith("match weight ")
    assert "place same city or county (Tumen) +2.6" in reason


def test_packaged_model_loads_with_every_level(tmp_path: Path) -> None:
    model = default_model()
    assert 0 < model.prior < 0.5 and model.threshold is not None
    assert set(model.levels) == set(COMPARISONS)
    assert len(model.digest) == 64
    copy = tmp_path / "model"
    copy.mkdir()
    data = Path(__file__).resolve().parents[2] / "src" / "refwatch" / "link" / "data"
    for name in (MODEL_FILE, COMPANION_FILE):
        (copy / name).write_bytes((data / name).read_bytes())
    assert read_model(copy).digest == model.digest


def test_a_model_missing_a_comparison_is_refused(tmp_path: Path) -> None:
    broken = settings()
    broken["comparisons"] = broken["comparisons"][1:]
    (tmp_path / MODEL_FILE).write_text(json.dumps(broken), encoding="utf-8")
    (tmp_path / COMPANION_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(InvalidInput, match="no comparison 'date'"):
        read_model(tmp_path)
    with pytest.raises(InvalidInput, match="cannot read"):
        read_model(tmp_path / "missing")
