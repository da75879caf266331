"""Who is calling: bearer tokens for the API (sessions for the pages come with the login page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from refwatch.errors import NotAuthenticated, PermissionDenied
from refwatch.services.accounts import Principal, authenticate_token
from refwatch.services.setup import Database


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


class BearerToken(HTTPBearer):
    """The caller behind the ``Authorization: Bearer`` token; 401 without a valid one.

    The header check and the token lookup are one dependency (a subclass of
    FastAPI's ``HTTPBearer``, so the OpenAPI document still declares the
    scheme): each dependency FastAPI resolves costs some 30 microseconds, a
    tenth of a cached page. Runs on the event loop rather than in a worker
    thread: one lookup, kept until the next write, is far cheaper than the
    thread hand-off.
    """

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        # (HTTPBearer's own call answers the credentials; this one answers who they belong to.)
        credentials = await super().__call__(request)
        if credentials is None:
            raise NotAuthenticated("send an API token as 'Authorization: Bearer <token>'")
        return authenticate_token(request.app.state.db, credentials.credentials)


principal = BearerToken(
    auto_error=False,
    scheme_name="HTTPBearer",
    description="An API token from `refwatch tokens new`.",
)


async def writer(caller: Annotated[Principal, Depends(principal)]) -> Principal:
    """A caller allowed to change data (editor or admin, with a write or admin token)."""
    if not caller.can_write():
        raise PermissionDenied("this needs an editor or admin account and a token with write scope")
    return caller
