"""A person's sex is sealed like their other identifying fields (PRODUCT.md: "sensitive and encrypted").

The column changes from text to a sealed binary value. Any values already
stored are sealed in place, under the active data key, bound to the person's
uid like the other fields; ``refwatch init`` loads the data keys before it
runs the migrations so that this is possible.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from refwatch.storage import sealing

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

persons = sa.table("persons", sa.column("id", sa.Integer), sa.column("sex_sealed", sa.LargeBinary))


def upgrade() -> None:
    bind = op.get_bind()
    plain = bind.execute(sa.text("SELECT id, uid, sex FROM persons WHERE sex IS NOT NULL")).all()
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("sex_sealed", sa.LargeBinary(), nullable=True))
    for person_id, uid, sex in plain:
        sealed = sealing.seal_bytes(str(sex).encode("utf-8"), table="persons", uid=uid, column="sex")
        bind.execute(persons.update().where(persons.c.id == person_id).values(sex_sealed=sealed))
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("sex")
        batch.alter_column("sex_sealed", new_column_name="sex")


def downgrade() -> None:
    raise NotImplementedError("sealed values are not turned back into plain text")
