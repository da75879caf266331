"""Pure domain types and rules: incidents, documents, vocabularies.

Nothing in this package does I/O or imports from ``storage``, ``web``, ``cli`` or
``services``; those layers depend on it, never the reverse.
"""
