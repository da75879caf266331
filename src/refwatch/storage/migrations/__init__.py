"""Alembic migrations; run through :func:`refwatch.storage.schema.upgrade`."""
