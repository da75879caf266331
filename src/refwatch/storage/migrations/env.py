"""Alembic environment: runs against the connection handed over in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from refwatch.storage.search import include_object
from refwatch.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on the connection given by :func:`refwatch.storage.schema.upgrade`."""
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("refwatch migrations run through refwatch.storage.schema.upgrade()")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported; run `refwatch init`")
run_migrations_online()
