"""The estimation page: how many were never recorded, from the lists in the database (`refwatch estimate
--from-db` in the browser).

The reader chooses the unit (incidents or linked persons), where the lists come from,
the strata, the criterion that selects the model and the kind of interval; the page
shows per stratum the documented count, the estimate, its interval, the model and every
warning, and the chart of documented against estimated. Only what the reader may see is
counted (restricted incidents of other groups are left out, as everywhere). A request the
data cannot answer (fewer than two lists, a stratum without linked persons) is explained
on the page beside the form, not as an error page, so the reader can change the choice.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from refwatch.errors import EstimationError, InvalidInput
from refwatch.services.setup import Database
from refwatch.web import i18n
from refwatch.web.api import one_of
from refwatch.web.deps import Db, User
from refwatch.web.rendering import language, render, script_json
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)

UNITS = ("incidents", "persons")
LISTS = ("outlet", "source_lists")
STRATA = ("none", "year", "province", "sex", "cohort")
CRITERIA = ("bic", "aic")
INTERVALS = ("bca", "percentile")
#: Fewer replicates than the command line's 1,000: a page must answer while the reader waits.
#: The interval's ends move a little from run to run at this size; the page says so.
WEB_BOOTSTRAP = 200


@router.get("/estimates", response_class=HTMLResponse)
def estimates(
    request: Request,
    db: Db,
    caller: User,
    unit: Annotated[str, Query(max_length=10)] = "incidents",
    lists: Annotated[str, Query(max_length=15)] = "outlet",
    strata: Annotated[str, Query(max_length=10)] = "none",
    select: Annotated[str, Query(max_length=5)] = "bic",
    interval: Annotated[str, Query(max_length=12)] = "bca",
    seed: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
    run: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    """The form, and with ``run`` the estimate for each stratum."""
    for name, value, allowed in (
        ("unit", unit, UNITS),
        ("lists", lists, LISTS),
        ("strata", strata, STRATA),
        ("select", select, CRITERIA),
        ("interval", interval, INTERVALS),
    ):
        one_of(name, [value], allowed)
    choice = {"unit": unit, "lists": lists, "strata": strata, "select": select, "interval": interval}
    results: list[dict[str, Any]] = []
    problem: str | None = None
    chart: str | None = None
    if run:
        try:
            results = _run(db, caller.visible_groups(), choice, seed)
        except (InvalidInput, EstimationError) as exc:
            problem = str(exc)
        if results:
            chart = _chart(results, language(request))
    return render(
        request,
        "estimates.html",
        caller,
        choice=choice,
        seed="" if seed is None else seed,
        options={"unit": UNITS, "lists": LISTS, "strata": STRATA, "select": CRITERIA, "interval": INTERVALS},
        results=results,
        problem=problem,
        chart=chart,
        replicates=WEB_BOOTSTRAP,
        ran=run,
    )


def _run(
    db: Database, visible_groups: tuple[str, ...] | None, choice: dict[str, str], seed: int | None
) -> list[dict[str, Any]]:
    from refwatch.estimate.run import Options
    from refwatch.services.estimation import estimate_tables, histories_from_db, labelled_tables

    found = histories_from_db(
        db,
        unit=choice["unit"],  # type: ignore[arg-type]
        lists_from=choice["lists"],  # type: ignore[arg-type]
        stratum=choice["strata"],  # type: ignore[arg-type]
        visible_groups=visible_groups,
    )
    options = Options(
        select=choice["select"], interval=choice["interval"], bootstrap=WEB_BOOTSTRAP, seed=seed
    )
    return estimate_tables(labelled_tables(found), lambda _capture: options)


def _chart(results: list[dict[str, Any]], lang: str) -> str | None:
    from refwatch.report.charts import estimation_chart
    from refwatch.report.vega import to_vega
    from refwatch.services.estimation import chart_rows

    rows = chart_rows(results)
    if not rows:
        return None
    title = i18n.translations(lang).gettext("Documented and estimated")
    # Compiled to Vega here (report.vega): the page loads Vega alone, as the dashboard does (#19 speed).
    return script_json(to_vega(estimation_chart(rows, title=title, ci_level=results[0]["ci_level"])))
