"""`refwatch estimate`: multiple systems estimation from a table file or from the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from refwatch.cli import context
from refwatch.cli.output import console, err_console, handles_errors, print_json
from refwatch.errors import InvalidInput

FORMATS = ("table", "json")
STRATA = ("none", "year", "province", "sex", "cohort")


def register(app: typer.Typer) -> None:
    """Add ``estimate`` to the root application."""
    app.command("estimate")(estimate)


@handles_errors
def estimate(
    table_file: Path | None = typer.Argument(
        None, metavar="TABLE", help="CSV: one 0/1 column per list and 'count' (or one row per person)."
    ),
    method: str = typer.Option("loglinear", "--method", help="loglinear or lcmcr."),
    interactions: str | None = typer.Option(
        None, "--interactions", help="List dependences to model, e.g. c1:c2,c2:c3."
    ),
    heterogeneity: str = typer.Option(
        "none", "--heterogeneity", help="none, chao, darroch, poisson or gamma."
    ),
    select: str | None = typer.Option(
        None, "--select", help="Choose among all hierarchical two-way models by aic or bic."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (bootstrap, lcmcr)."),
    level: float = typer.Option(0.95, "--level", help="Interval level."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
    from_db: bool = typer.Option(False, "--from-db", help="Build the table(s) from the database."),
    unit: str = typer.Option("incidents", "--unit", help="With --from-db: incidents or persons."),
    lists: str = typer.Option(
        "outlet", "--lists", help="With --from-db: outlet (linked sources) or source_lists (memberships)."
    ),
    strata: str = typer.Option(
        "none",
        "--strata",
        help="With --from-db: none, year, province, sex or cohort (sex and cohort: --unit persons).",
    ),
    plot: Path | None = typer.Option(
        None, "--plot", help="Also write a Vega-Lite chart (JSON) of observed vs estimated."
    ),
    bootstrap: int = typer.Option(
        1000, "--bootstrap", min=20, help="With --select: bootstrap replicates for the interval."
    ),
    interval: str = typer.Option(
        "bca",
        "--interval",
        help="With --select: bca (bias-corrected and accelerated, the default) or percentile.",
    ),
    burn_in: int = typer.Option(10_000, "--burn-in", min=0, help="With lcmcr: sweeps discarded first."),
    samples: int = typer.Option(1_000, "--samples", min=10, help="With lcmcr: posterior draws kept."),
    thinning: int = typer.Option(10, "--thinning", min=1, help="With lcmcr: sweeps between kept draws."),
) -> None:
    """Estimate how many were never recorded, with an interval and warnings (see docs/estimation.md)."""
    from refwatch.estimate.run import Options, parse_interactions

    if output_format not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}")
    if method not in ("loglinear", "lcmcr"):
        raise InvalidInput("--method must be loglinear or lcmcr")
    if select and interactions:
        raise InvalidInput("--select chooses the interactions itself; leave out --interactions")
    from refwatch.services.estimation import estimate_tables

    labelled = _tables(table_file, from_db=from_db, unit=unit, lists=lists, strata=strata)
    results = estimate_tables(
        labelled,
        lambda capture: Options(
            method=method,  # type: ignore[arg-type]
            interactions=parse_interactions(interactions, capture.lists),
            heterogeneity=heterogeneity,
            select=select,
            seed=seed,
            level=level,
            bootstrap=bootstrap,
            interval=interval,
            lcmcr_burn_in=burn_in,
            lcmcr_samples=samples,
            lcmcr_thinning=thinning,
        ),
    )
    if plot is not None:
        _write_plot(plot, results, level)
    if output_format == "json":
        print_json(results[0] if table_file is not None or len(results) == 1 else results)
        return
    for result in results:
        console.print(_table(result))
        for warning in result["warnings"]:
            err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)


def _tables(
    table_file: Path | None, *, from_db: bool, unit: str, lists: str, strata: str
) -> list[tuple[str, Any]]:
    from refwatch.estimate.tables import read_table

    if (table_file is None) == (not from_db):
        raise InvalidInput("give either a TABLE file or --from-db (not both)")
    if table_file is not None:
        return [("all", read_table(table_file))]
    if (
        unit not in ("incidents", "persons")
        or lists not in ("outlet", "source_lists")
        or strata not in STRATA
    ):
        raise InvalidInput(
            "--unit must be incidents or persons, --lists outlet or source_lists, "
            f"--strata one of {', '.join(STRATA)}"
        )
    from refwatch.services.estimation import histories_from_db, labelled_tables

    with context.database() as db:
        found = histories_from_db(
            db,
            unit=unit,  # type: ignore[arg-type]
            lists_from=lists,  # type: ignore[arg-type]
            stratum=strata,  # type: ignore[arg-type]
        )
    return labelled_tables(found)


def _write_plot(path: Path, results: list[dict[str, Any]], level: float) -> None:
    from refwatch.report.charts import estimation_chart
    from refwatch.services.estimation import chart_rows

    spec = estimation_chart(chart_rows(results), title="Documented and estimated", ci_level=level)
    try:
        path.write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot write the chart ({exc.strerror})") from None


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3f}"
    return str(value)


def _table(result: dict[str, Any]) -> Table:
    title = f"{result['method']}: {result['model'] or 'no estimate'}"
    if result["stratum"] != "all":
        title += f" (stratum {result['stratum']})"
    table = Table("measure", "value", title=title)
    level = f"{result['ci_level']:.0%}"
    table.add_row("observed (on any list)", _fmt(result["n_observed"]))
    table.add_row("estimated total", _count(result["estimate"]))
    table.add_row(f"{level} interval", f"{_count(result['ci_low'])} – {_count(result['ci_high'])}")
    if result.get("ci_type"):
        table.add_row("interval from", str(result["ci_type"]))
    for name in ("se", "deviance", "df", "aic", "bic"):
        if result.get(name) is not None:
            table.add_row(name, _fmt(result[name]))
    diagnostics = result.get("diagnostics") or {}
    for name in ("effective_sample_size", "geweke_z", "iterations", "seed"):
        if diagnostics.get(name) is not None:
            table.add_row(name.replace("_", " "), _fmt(diagnostics[name]))
    selection = result.get("selection") or {}
    if selection:
        table.add_row("models fitted", f"{selection['fitted']} of {selection['candidates']}")
        table.add_row(
            "bootstrap",
            f"{selection['interval']}, {selection['bootstrap_replicates']} replicates, "
            f"seed {selection['seed']}",
        )
    return table


def _count(value: Any) -> str:
    return "-" if value is None else f"{value:,.1f}"
