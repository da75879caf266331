"""Who is calling: bearer tokens for the API (sessions for the pages come with the login page)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from refwatch.errors import NotAuthenticated, PermissionDenied
from refwatch.services.accounts import Principal, authenticate_token
from refwatch.storage.database import Database

T = TypeVar("T")
bearer = HTTPBearer(auto_error=False, description="An API token from `refwatch tokens new`.")


async def database(request: Request) -> Database:
    """The application's database (opened once, at start-up).

    ``async`` only so that FastAPI calls it in place instead of handing it to
    a worker thread: it does no I/O, and the hop cost more than the call.
    """
    db: Database = request.app.state.db
    return db


async def run_read(db: Database, call: Callable[[], T]) -> T:
    """Run a quick read where it costs least: in place on SQLite, in a worker thread on PostgreSQL.

    On SQLite a read is CPU work in this process; handing it to a thread only
    adds a wait for the interpreter, which the busy event loop holds. On
    PostgreSQL a read mostly waits on the network, and in a thread the loop
    serves other requests meanwhile (in place it served 313 requests/s at the
    benchmark's load, as measured before this split).
    """
    if db.engine.dialect.name == "sqlite":
        return call()
    return await run_in_threadpool(call)


def client_address(request: Request) -> str | None:
    """Where a request came from, for the audit log (the proxy's address behind one without forwarding)."""
    return request.client.host if request.client else None


async def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller behind the bearer token; 401 without a valid one.

    On SQLite it runs on the event loop rather than in a worker thread: it is
    one indexed lookup (usually only a version check: see ``services.caching``),
    far cheaper than the thread hand-off (see :func:`run_read`).
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("send an API token as 'Authorization: Bearer <token>'")
    db: Database = request.app.state.db
    return await run_read(db, functools.partial(authenticate_token, db, credentials.credentials))


async def writer(caller: Annotated[Principal, Depends(principal)]) -> Principal:
    """A caller allowed to change data (editor or admin, with a write or admin token)."""
    if not caller.can_write():
        raise PermissionDenied("this needs an editor or admin account and a token with write scope")
    return caller
