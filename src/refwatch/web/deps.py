"""The ``Annotated`` dependencies every route names, so that signatures read like prose.

One place for them: the API (bearer tokens: :data:`Reader`, :data:`Writer`) and
the pages (browser sessions: :data:`User`, :data:`Editor`) share the database
handle (:data:`Db`) and the path parameters. Before #19 the pages and the API
each defined their own copies.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi import Path as PathParam

from refwatch.domain.documents import MAX_ID
from refwatch.errors import PermissionDenied
from refwatch.services.accounts import Principal
from refwatch.services.setup import Database
from refwatch.web.auth import database, principal, writer
from refwatch.web.sessions import LoginRequired, TwoFactorSetupRequired, current_session, needs_totp_setup

Db = Annotated[Database, Depends(database)]
"""The application's database, opened once at start-up."""

Reader = Annotated[Principal, Depends(principal)]
"""An API caller with any valid token (401 without one)."""

Writer = Annotated[Principal, Depends(writer)]
"""An API caller who may change data (an editor or admin, with a write or admin token)."""

IncidentId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="Incident number.")]


def logged_in(request: Request, db: Db) -> Principal:
    """The logged-in user (even before their second factor is set up), or a redirect to log in."""
    found = current_session(request, db)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return found.principal


LoggedIn = Annotated[Principal, Depends(logged_in)]
"""A page user, possibly still without the second factor they must set up (only that page takes them)."""


def optional_user(request: Request, db: Database) -> Principal | None:
    """The logged-in user on a page anyone may see, or None."""
    found = current_session(request, db)
    return None if found is None else found.principal


def user(request: Request, db: Db, caller: LoggedIn) -> Principal:
    """A fully logged-in user; one who still has to set up two-factor login is sent there."""
    found = current_session(request, db)
    if found is not None and needs_totp_setup(request, found):
        raise TwoFactorSetupRequired()
    return caller


User = Annotated[Principal, Depends(user)]
"""A fully logged-in page user (any role)."""


def editor(caller: User) -> Principal:
    """A user who may change data."""
    if caller.role not in ("admin", "editor"):
        raise PermissionDenied("only editors and admins can do this")
    return caller


Editor = Annotated[Principal, Depends(editor)]
"""A page user who may change data (editor or admin)."""


def admin(caller: User) -> Principal:
    """A user who may decide who sees what (restrictions)."""
    if caller.role != "admin":
        raise PermissionDenied("only admins can do this")
    return caller


Admin = Annotated[Principal, Depends(admin)]
"""A page user who may restrict documents and manage accounts (admin)."""
