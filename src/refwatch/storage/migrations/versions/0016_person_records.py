"""Person records from partner lists, linkage runs, clusters and the clerical review queue.

Records are the rows of partners' lists as they came in; ``refwatch persons link``
decides which records are one person and stores each run's Splink model with
the clusters it made. Identifying fields are sealed (LargeBinary).

Revision ID: 0016
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

SEALED = (
    "names",
    "sex",
    "birth",
    "origin",
    "arrest_date",
    "arrest_place",
    "return_date",
    "return_place",
    "notes",
)


def upgrade() -> None:
    op.create_table(
        "person_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        *(sa.Column(name, sa.LargeBinary(), nullable=True) for name in SEALED),
        sa.Column("incidents", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["source_lists.id"],
            name=op.f("fk_person_records_list_id_source_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_records")),
        sa.UniqueConstraint("list_id", "record_id", name="record_once"),
        sa.UniqueConstraint("uid", name=op.f("uq_person_records_uid")),
    )
    op.create_index(op.f("ix_person_records_list_id"), "person_records", ["list_id"])
    op.create_table(
        "linkage_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("backend", sa.String(length=20), nullable=False),
        sa.Column("match_threshold", sa.Float(), nullable=False),
        sa.Column("review_threshold", sa.Float(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_runs")),
    )
    op.create_table(
        "linkage_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.Integer(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["linkage_runs.id"],
            name=op.f("fk_linkage_clusters_run_id_linkage_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["person_records.id"],
            name=op.f("fk_linkage_clusters_record_id_person_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_clusters")),
        sa.UniqueConstraint("run_id", "record_id", name="cluster_record_once"),
    )
    op.create_index(op.f("ix_linkage_clusters_run_id"), "linkage_clusters", ["run_id"])
    op.create_table(
        "linkage_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("left_id", sa.Integer(), nullable=False),
        sa.Column("right_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("left_id < right_id", name=op.f("ck_linkage_reviews_review_pair_ordered")),
        sa.CheckConstraint(
            "status IN ('open', 'confirmed', 'split')", name=op.f("ck_linkage_reviews_review_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["left_id"],
            ["person_records.id"],
            name=op.f("fk_linkage_reviews_left_id_person_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["right_id"],
            ["person_records.id"],
            name=op.f("fk_linkage_reviews_right_id_person_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["linkage_runs.id"],
            name=op.f("fk_linkage_reviews_run_id_linkage_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_reviews")),
        sa.UniqueConstraint("left_id", "right_id", name="review_pair_once"),
    )
    op.create_index("ix_linkage_reviews_status", "linkage_reviews", ["status"])


def downgrade() -> None:
    op.drop_index("ix_linkage_reviews_status", table_name="linkage_reviews")
    op.drop_table("linkage_reviews")
    op.drop_index(op.f("ix_linkage_clusters_run_id"), table_name="linkage_clusters")
    op.drop_table("linkage_clusters")
    op.drop_table("linkage_runs")
    op.drop_index(op.f("ix_person_records_list_id"), table_name="person_records")
    op.drop_table("person_records")
