"""Capture histories from the database, for multiple systems estimation.

Two ways a record comes to be "on a list":

* ``lists_from="source_lists"``: explicit source-list memberships (an NGO list, a
  partner database), for persons or incidents, entered by analysts;
* ``lists_from="outlet"``: each incident's linked sources, one list per outlet
  (the document's outlet, or its key when no outlet is known). This only makes
  sense after linking, and only when outlets report independently of each other,
  which docs/estimation.md asks the analyst to judge.

For persons, once ``refwatch persons link`` has run, the latest run's clusters
are the persons: each counts once, on every list one of its records is on, and
strata (sex, birth cohort, province of origin, year of arrest or return) are read
from its records, decrypted in memory (the most frequent value among them).
Before any run, persons are the pseudonymous persons and their memberships.

Rejected and merged-away incidents never count; by default only confirmed ones
do, because an unreviewed machine extraction is not yet a fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.orm import Session

from refwatch.domain.records import birth_year
from refwatch.errors import EstimationError, InvalidInput
from refwatch.storage import captures, visibility
from refwatch.storage import records as records_store
from refwatch.storage.database import Database

if TYPE_CHECKING:  # numpy and scipy load only when an estimate is run
    from refwatch.estimate.run import Options
    from refwatch.estimate.tables import CaptureTable
    from refwatch.report.charts import StratumEstimate

Unit = captures.Unit
ListsFrom = Literal["outlet", "source_lists"]
Stratum = Literal["none", "year", "province", "sex", "cohort"]

#: Review states counted by default: only what a person has confirmed.
DEFAULT_STATES: tuple[str, ...] = ("confirmed",)


@dataclass(frozen=True, slots=True)
class HistoryTable:
    """Counts of capture histories (one 0/1 per list) for one stratum."""

    stratum: str
    lists: tuple[str, ...]
    counts: dict[tuple[int, ...], int]


def histories_from_db(
    db: Database,
    *,
    unit: Unit = "incidents",
    lists_from: ListsFrom = "outlet",
    stratum: Stratum = "none",
    review_states: Sequence[str] = DEFAULT_STATES,
    visible_groups: visibility.Groups = None,
) -> list[HistoryTable]:
    """One table per stratum (a single ``all`` table without strata), lists in name order.

    ``visible_groups`` leaves out incidents a reader in those groups may not see
    (``()``: open ones only, as a published report needs); None counts all.
    """
    if unit == "persons" and lists_from != "source_lists":
        raise InvalidInput(
            "persons are on lists only through source-list memberships: use --lists source_lists"
        )
    if stratum in ("sex", "cohort") and unit != "persons":
        raise InvalidInput(f"--strata {stratum} needs --unit persons")
    with db.session() as session:
        seen = visibility.incident_clause(visible_groups)
        linked = _linked_persons(session, stratum, visible_groups) if unit == "persons" else None
        if linked is not None:
            members, labels = linked
        elif unit == "persons" and stratum in ("year", "province", "cohort"):
            raise InvalidInput(
                f"--strata {stratum} with --unit persons needs linked records: run `refwatch persons link`"
            )
        elif lists_from == "outlet":
            members = captures.incident_outlets(session, review_states, seen)
        else:
            members = captures.list_memberships(session, unit, review_states, seen)
        if linked is None:
            labels = _strata(session, unit, stratum, set(members))
    lists = tuple(sorted({name for names in members.values() for name in names}))
    if len(lists) < 2:
        raise InvalidInput(
            f"estimation needs at least two lists; the database has {len(lists)} for {unit} "
            f"(from {lists_from}, review states {', '.join(review_states)})"
        )
    tables: dict[str, dict[tuple[int, ...], int]] = defaultdict(lambda: defaultdict(int))
    for record, names in members.items():
        history = tuple(int(name in names) for name in lists)
        tables[labels.get(record, "all")][history] += 1
    return [HistoryTable(label, lists, dict(counts)) for label, counts in sorted(tables.items())]


def _linked_persons(
    session: Session, stratum: Stratum, groups: visibility.Groups
) -> tuple[dict[int, set[str]], dict[int, str]] | None:
    """Persons of the latest linkage run with their lists and stratum labels (None: no run yet).

    A record tied to an incident hidden from ``groups`` is left out, like the incident.
    """
    run = records_store.latest_run(session)
    if run is None:
        return None
    rows = records_store.run_clusters(session, run.id)
    hidden = records_store.hidden_records(session, groups, [record for _, _, record, _, _ in rows])
    members: dict[int, set[str]] = defaultdict(set)
    of_person: dict[int, list[int]] = defaultdict(list)
    for list_name, _, record, person, _ in rows:
        if record not in hidden:
            members[person].add(list_name)
            of_person[person].append(record)
    if stratum == "none":
        return dict(members), {}
    opened = {
        r.id: r for r in records_store.load_records(session, [i for ids in of_person.values() for i in ids])
    }
    labels = {
        person: _most_common([_record_label(opened[i], stratum) for i in ids])
        for person, ids in of_person.items()
    }
    return dict(members), labels


def _record_label(record: records_store.StoredRecord, stratum: Stratum) -> str | None:
    from refwatch.services.person_linkage import province

    if stratum == "sex":
        return record.sex
    if stratum == "cohort":
        year = birth_year(record.birth)
        return f"{year // 10 * 10}s" if year else None
    if stratum == "province":
        return province(record.origin, country="KP")
    event = record.arrest_date or record.return_date
    return event[:4] if event else None


def _most_common(values: list[str | None]) -> str:
    """The label most of a person's records give (ties: the first in order); ``unknown`` if none."""
    known = sorted(v for v in values if v)
    if not known:
        return "unknown"
    return max(dict.fromkeys(known), key=known.count)


def _strata(session: Session, unit: Unit, stratum: Stratum, records: set[int]) -> dict[int, str]:
    if stratum == "none" or not records:
        return {}
    if stratum == "sex":
        return captures.sexes(session, records)
    if stratum == "year":
        return captures.years(session, records)
    return captures.provinces(session, records)


def estimate_tables(
    labelled: Sequence[tuple[str, CaptureTable]], options_for: Callable[[CaptureTable], Options]
) -> list[dict[str, Any]]:
    """The estimate for each labelled table (one per stratum), as :func:`refwatch.estimate.run.estimate`
    gives it, with ``stratum`` and ``lists`` added.

    One sparse stratum must not hide the others: where there are several, a stratum that
    cannot be estimated is reported without figures and with the reason as its warning;
    a single table's failure is raised as it is.
    """
    from refwatch.estimate.run import estimate

    results: list[dict[str, Any]] = []
    for label, capture in labelled:
        options = options_for(capture)
        head = {"stratum": label, "lists": list(capture.lists)}
        try:
            results.append(head | estimate(capture, options))
        except (EstimationError, InvalidInput) as exc:  # a table this sparse has no estimate
            if len(labelled) == 1:
                raise
            results.append(head | _failed(capture.n_observed, options.level, options.method, str(exc)))
    return results


def _failed(n_observed: int, level: float, method: str, reason: str) -> dict[str, Any]:
    empty = dict.fromkeys(("estimate", "se", "ci_low", "ci_high", "deviance", "df", "aic", "bic"))
    return {
        "n_observed": n_observed,
        **empty,
        "ci_level": level,
        "method": method,
        "model": None,
        "warnings": [f"no estimate for this stratum: {reason}"],
        "models": [],
    }


def labelled_tables(found: Sequence[HistoryTable]) -> list[tuple[str, CaptureTable]]:
    """The capture tables of :func:`histories_from_db`'s strata, labelled."""
    from refwatch.estimate.tables import from_counts

    return [(h.stratum, from_counts(h.lists, h.counts)) for h in found]


def chart_rows(results: Sequence[dict[str, Any]]) -> list[StratumEstimate]:
    """The strata with an estimate and an interval, for :func:`refwatch.report.charts.estimation_chart`."""
    from refwatch.report.charts import StratumEstimate

    return [
        StratumEstimate(r["stratum"], r["n_observed"], r["estimate"], r["ci_low"], r["ci_high"])
        for r in results
        if r["estimate"] is not None and r["ci_low"] is not None and r["ci_high"] is not None
    ]
