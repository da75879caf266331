"""Server-rendered pages: every page router, gathered in the order the application serves them.

The pages live one resource per module in :mod:`refwatch.web.routes`; what they
share is in :mod:`refwatch.web.rendering` (templates, ``render``, error pages)
and :mod:`refwatch.web.deps` (who is calling). Pages call the same services as
the API and the CLI. Every form posts a CSRF token; changes need an editor or admin.
The names below stay importable from here for the modules and tests that used them.
"""

from __future__ import annotations

import importlib

from fastapi import APIRouter

from refwatch.web.deps import Db, Editor, User, editor, logged_in, optional_user, user
from refwatch.web.rendering import (
    ERROR_TEXTS,
    PAGE,
    back,
    document_url,
    error_page,
    readable,
    render,
    templates,
)
from refwatch.web.uploads import SealedFormRoute

#: One router module per resource (``web/routes/<name>.py``), in the order their routes are tried.
_RESOURCES = (
    "accounts",
    "admin",
    "dashboard",
    "documents",
    "entry",
    "estimates",
    "exports",
    "incidents",
    "letters",
    "person_entry",
    "places",
    "public",
    "review",
)

__all__ = [
    "ERROR_TEXTS",
    "PAGE",
    "Db",
    "Editor",
    "User",
    "back",
    "document_url",
    "editor",
    "error_page",
    "logged_in",
    "optional_user",
    "readable",
    "render",
    "router",
    "templates",
    "user",
]

# The routes themselves, not the routers (FastAPI would wrap an included router): the application
# and the permission matrix's test see every page route here, as before the split.
router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)  # uploads stay sealed
for _name in _RESOURCES:
    router.routes.extend(importlib.import_module(f"refwatch.web.routes.{_name}").router.routes)
