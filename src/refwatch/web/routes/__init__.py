"""The server-rendered pages, one router module per resource.

Each module holds the pages of one thing a user works on (accounts, the
dashboard, documents, incidents, the review queue); what they share — the
templates, ``render`` and the redirect after a form — is in
:mod:`refwatch.web.rendering`, and who may call them in :mod:`refwatch.web.deps`.
:data:`refwatch.web.pages.router` gathers them in the order the application serves them.
"""
