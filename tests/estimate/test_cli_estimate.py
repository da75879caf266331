"""`refwatch estimate` end to end through CliRunner (table files; no database needed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from tables_data import HIV_COUNTS  # noqa: E402

from refwatch.cli.app import app  # noqa: E402

runner = CliRunner()
KEYS = {"n_observed", "estimate", "se", "ci_low", "ci_high", "ci_level", "method", "model"}
KEYS |= {"deviance", "df", "aic", "bic", "warnings", "models"}


@pytest.fixture
def hiv_file(tmp_path: Path) -> Path:
    path = tmp_path / "hiv.csv"
    rows = [f"{','.join(key)},{count}" for key, count in HIV_COUNTS.items()]
    path.write_text("# Abeni et al. (1994), via Rcapture\nc1,c2,c3,c4,count\n" + "\n".join(rows) + "\n")
    return path


def run_json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["estimate", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_published_hiv_table_from_shared(shared_dir: Path) -> None:
    """The acceptance command of the estimation issue, on the shared file."""
    data = run_json(str(shared_dir / "data/mse/rcapture_hiv_rome_4lists.csv"), "--interactions", "c1:c2")
    assert abs(float(data["estimate"]) - 12318) <= 0.005 * 12318  # type: ignore[arg-type]


def test_fixed_model_json_has_every_field(hiv_file: Path) -> None:
    data = run_json(str(hiv_file), "--interactions", "c1:c2")
    assert KEYS <= set(data)
    assert data["n_observed"] == 1896 and data["df"] == 9
    assert data["ci_low"] < data["estimate"] < data["ci_high"]  # type: ignore[operator]
    assert data["warnings"] == [] and data["models"] == []


def test_selection_lists_models_and_reproduces_with_a_seed(hiv_file: Path) -> None:
    args = (str(hiv_file), "--select", "bic", "--seed", "5", "--bootstrap", "40")
    first, second = run_json(*args), run_json(*args)
    assert first == second
    models = first["models"]
    assert isinstance(models, list) and len(models) == 64
    assert models[0]["model"] == first["model"]
    assert "bootstrap" in str(first["ci_type"])


def test_lcmcr_json_has_diagnostics(hiv_file: Path) -> None:
    args = ("--method", "lcmcr", "--seed", "1", "--burn-in", "200", "--samples", "100", "--thinning", "2")
    data = run_json(str(hiv_file), *args)
    assert data["method"] == "lcmcr"
    diagnostics = data["diagnostics"]
    assert isinstance(diagnostics, dict) and diagnostics["seed"] == 1
    assert "effective_sample_size" in diagnostics and "trace" in diagnostics
    assert data["ci_low"] <= data["estimate"] <= data["ci_high"]  # type: ignore[operator]


def test_table_output_prints_interval_and_warnings(tmp_path: Path) -> None:
    path = tmp_path / "sparse.csv"
    path.write_text("a,b,c,count\n1,0,0,30\n0,1,0,20\n0,0,1,25\n1,0,1,5\n0,1,1,4\n")
    result = runner.invoke(app, ["estimate", str(path)])
    assert result.exit_code == 0, result.output
    assert "95% interval" in result.stdout
    assert "no records in common" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--interactions", "c1:c9"], "c9"),
        (["--heterogeneity", "normal"], "heterogeneity"),
        (["--method", "bayes"], "--method"),
        (["--select", "aic", "--interactions", "c1:c2"], "--select"),
        (["--format", "xml"], "--format"),
    ],
)
def test_bad_options_are_user_errors(hiv_file: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["estimate", str(hiv_file), *args])
    assert result.exit_code == 1, result.output  # a user error (PRODUCT.md)
    assert message in result.stderr


def test_bad_table_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b,count\n1,0,3\n1,7,2\n")
    result = runner.invoke(app, ["estimate", str(path)])
    assert result.exit_code == 1
    assert "bad.csv:3" in result.stderr


def test_interval_choice_is_reported_and_bca_is_the_default(hiv_file: Path) -> None:
    args = (str(hiv_file), "--select", "bic", "--seed", "5", "--bootstrap", "40")
    default, bca, percentile = (
        run_json(*args),
        run_json(*args, "--interval", "bca"),
        run_json(*args, "--interval", "percentile"),
    )
    assert default == bca
    assert "BCa" in str(bca["ci_type"]) and "percentile" in str(percentile["ci_type"])
    selection = bca["selection"]
    assert (
        isinstance(selection, dict) and selection["interval"] == "bca" and selection["jackknife_tables"] == 13
    )
    assert selection["acceleration"] is not None and selection["bias_correction_z0"] is not None
    assert (bca["ci_low"], bca["ci_high"]) != (percentile["ci_low"], percentile["ci_high"])
    assert bca["estimate"] == percentile["estimate"]


def test_unknown_interval_is_refused(hiv_file: Path) -> None:
    result = runner.invoke(app, ["estimate", str(hiv_file), "--select", "bic", "--interval", "student"])
    assert result.exit_code != 0
    assert "--interval must be one of percentile, bca" in result.output
