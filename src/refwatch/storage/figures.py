"""Figures over the incidents a reader may see: list facets, dashboard rows, map rows.

Each function is the SQL of one overview in ``services.browse``, which adds
them up and keeps the result until the data changes. Rejected and
merged-away incidents are never counted here (the facets follow their
filter, which leaves out merged ones unless asked).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from refwatch.storage import visibility
from refwatch.storage.incidents import IncidentFilter, count_by_state, filtered_query
from refwatch.storage.tables import Incident, IncidentLocation

#: The review states whose incidents the dashboard and the map count.
COUNTED = ("candidate", "confirmed")


def facets(session: Session, filters: IncidentFilter, *, places: int) -> dict[str, dict[str, int]]:
    """How many of the filtered incidents are in each review state, status, event type and place.

    Places are the ``places`` with most incidents (a city or facility, else the province).
    """
    base = filtered_query(filters).subquery()
    found: dict[str, dict[str, int]] = {}
    for name in ("review_state", "status"):
        column = base.c[name]
        rows = session.execute(select(column, func.count()).group_by(column)).all()
        found[name] = {str(value): int(n) for value, n in sorted(rows, key=lambda r: str(r[0]))}
    types: Counter[str] = Counter()
    for (listed,) in session.execute(select(base.c.event_types)):
        types.update(set(listed or []))
    found["event_type"] = dict(sorted(types.items()))
    place = func.coalesce(IncidentLocation.place, IncidentLocation.admin1)
    n = func.count(IncidentLocation.incident_id.distinct())
    rows = session.execute(
        select(place, n)
        .where(IncidentLocation.incident_id.in_(select(base.c.id)), place.is_not(None))
        .group_by(place)
        .order_by(n.desc(), place)
        .limit(places)
    ).all()
    found["place"] = {str(name): int(count) for name, count in rows}
    return found


def review_states(session: Session, visible_groups: visibility.Groups) -> dict[str, int]:
    """How many incidents a reader in ``visible_groups`` may see are in each review state."""
    return count_by_state(session, visibility.incident_clause(visible_groups))


def dashboard_rows(session: Session, visible_groups: visibility.Groups) -> Sequence[Any]:
    """``(date_start, count, count_min, legal_instruments, review_state, status, part_of_id)`` of
    every counted incident a reader in ``visible_groups`` may see, in no order."""
    return session.execute(
        select(
            Incident.date_start,
            Incident.count,
            Incident.count_min,
            Incident.legal_instruments,
            Incident.review_state,
            Incident.status,
            Incident.part_of_id,
        ).where(Incident.review_state.in_(COUNTED), visibility.incident_clause(visible_groups))
    ).all()


def place_rows(session: Session, visible_groups: visibility.Groups) -> Sequence[Any]:
    """``(incident id, count, count_min, place, admin1, role)`` of every place of every counted
    incident a reader in ``visible_groups`` may see, in no order (an incident without one has none)."""
    return session.execute(
        select(
            Incident.id,
            Incident.count,
            Incident.count_min,
            IncidentLocation.place,
            IncidentLocation.admin1,
            IncidentLocation.role,
        )
        .join(IncidentLocation, IncidentLocation.incident_id == Incident.id)
        .where(Incident.review_state.in_(COUNTED))
        .where(visibility.incident_clause(visible_groups))
    ).all()
