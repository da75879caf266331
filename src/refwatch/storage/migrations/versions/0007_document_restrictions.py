"""Restriction belongs to the evidence: documents carry it, incidents derive it.

Before, only an incident row could be restricted, so splitting it, merging it
or linking again moved its sources into open incidents. Documents now carry
``restricted_to`` (one group), and an incident's ``restricted_to`` becomes the
sorted, comma-separated groups of its sources (see ``storage.visibility``).
Several groups can exceed 200 characters, so PostgreSQL gets ``text`` (SQLite
never enforced the length).

Existing restrictions move to the evidence: each restricted incident's
documents take its group, then every incident holding one of those documents
is derived again, so nothing that was hidden becomes visible.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("restricted_to", sa.String(length=200), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("incidents", "restricted_to", type_=sa.Text(), existing_type=sa.String(length=200))
    conn = op.get_bind()
    restricted = conn.execute(
        sa.text("SELECT id, restricted_to FROM incidents WHERE restricted_to IS NOT NULL ORDER BY id")
    ).all()
    for incident_id, group in restricted:
        first = str(group).split(",")[0]
        conn.execute(
            sa.text(
                "UPDATE documents SET restricted_to = :group WHERE restricted_to IS NULL AND id IN "
                "(SELECT document_id FROM incident_sources WHERE incident_id = :incident)"
            ),
            {"group": first, "incident": incident_id},
        )
    rows = conn.execute(
        sa.text(
            "SELECT s.incident_id, d.restricted_to FROM incident_sources s "
            "JOIN documents d ON d.id = s.document_id WHERE d.restricted_to IS NOT NULL"
        )
    ).all()
    groups: dict[int, set[str]] = {}
    for incident_id, group in rows:
        groups.setdefault(int(incident_id), set()).add(str(group))
    for incident_id, names in groups.items():
        conn.execute(
            sa.text("UPDATE incidents SET restricted_to = :groups WHERE id = :incident"),
            {"groups": ",".join(sorted(names)), "incident": incident_id},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("incidents", "restricted_to", type_=sa.String(length=200), existing_type=sa.Text())
    op.drop_column("documents", "restricted_to")
