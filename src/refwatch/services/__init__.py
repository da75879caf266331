"""Use-cases: the one API that the CLI and the web application call.

Each function takes a :class:`refwatch.storage.database.Database` (or a session
for composition) plus keyword arguments, does one job in its own transaction,
and returns domain objects or small result records.
"""
