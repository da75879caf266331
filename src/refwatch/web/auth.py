"""Who is calling: bearer tokens for the API (sessions for the pages come with the login page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from refwatch.errors import NotAuthenticated, PermissionDenied
from refwatch.services.accounts import Principal, authenticate_token
from refwatch.storage.database import Database

bearer = HTTPBearer(auto_error=False, description="An API token from `refwatch tokens new`.")


async def database(request: Request) -> Database:
    """The application's database (opened once, at start-up).

    ``async`` only so that FastAPI calls it in place instead of handing it to
    a worker thread: it does no I/O, and the hop cost more than the call.
    """
    db: Database = request.app.state.db
    return db


def client_address(request: Request) -> str | None:
    """Where a request came from, for the audit log (the proxy's address behind one without forwarding)."""
    return request.client.host if request.client else None


async def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller behind the bearer token; 401 without a valid one.

    Runs on the event loop rather than in a worker thread: it is one indexed
    lookup, far cheaper than the thread hand-off FastAPI would add around it.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("send an API token as 'Authorization: Bearer <token>'")
    return authenticate_token(request.app.state.db, credentials.credentials)


async def writer(caller: Annotated[Principal, Depends(principal)]) -> Principal:
    """A caller allowed to change data (editor or admin, with a write or admin token)."""
    if not caller.can_write():
        raise PermissionDenied("this needs an editor or admin account and a token with write scope")
    return caller
