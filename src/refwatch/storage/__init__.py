"""Storage: SQLAlchemy tables, engine set-up, dialect differences, migrations, repositories.

SQL goes in here and domain objects come out. Nothing above this layer builds
SQL by hand; every SQLite/PostgreSQL difference lives in :mod:`.dialects`.
"""
