"""Incidents record which instruments they engage in force (``legal_instruments``), for counting.

Set from ``law.classify`` whenever an incident's values are set (extraction,
linking, review); rows stored before this revision are classified here, from
their stored values, places and perpetrators. The full list with reasons is
computed when an incident is read (it is cheap, and reasons would triple the
size of a row).

Revision ID: 0010
Revises: 0008
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from refwatch.law import classify_incident, engaged_instruments

    op.add_column("incidents", sa.Column("legal_instruments", sa.String(length=100), nullable=True))
    conn = op.get_bind()
    places: dict[int, list[dict[str, object]]] = {}
    for incident_id, country in conn.execute(sa.text("SELECT incident_id, country FROM incident_locations")):
        places.setdefault(int(incident_id), []).append({"country": country})
    states: dict[int, list[dict[str, object]]] = {}
    for incident_id, state in conn.execute(sa.text("SELECT incident_id, state FROM incident_perpetrators")):
        states.setdefault(int(incident_id), []).append({"state": state})
    incidents = sa.table("incidents", sa.column("id", sa.Integer), sa.column("legal_instruments", sa.String))
    rows = conn.execute(
        sa.text("SELECT id, event_types, date_start, date_end, women, children FROM incidents")
    ).all()
    for row in rows:
        types = row.event_types if isinstance(row.event_types, list) else json.loads(row.event_types or "[]")
        legal = classify_incident(
            {
                "event_types": types,
                "date": {"start": _iso(row.date_start), "end": _iso(row.date_end)},
                "victims": {"women": row.women, "children": row.children},
                "locations": places.get(int(row.id), []),
                "perpetrators": states.get(int(row.id), []),
            }
        )
        value = engaged_instruments(legal)
        conn.execute(incidents.update().where(incidents.c.id == row.id).values(legal_instruments=value))


def _iso(value: object) -> str | None:
    """A stored date as ISO text (SQLite gives text, PostgreSQL a date)."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def downgrade() -> None:
    op.drop_column("incidents", "legal_instruments")
