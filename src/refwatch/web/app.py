"""The ASGI application: ``create_app(settings)`` for ``refwatch serve`` and for tests.

Security headers go on every answer, including a Content-Security-Policy that
allows no inline script and nothing from other origins (the pages are built to
work offline, with their scripts served from here).
"""

from __future__ import annotations

import gc
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from refwatch import __version__
from refwatch.config import Settings, load_settings
from refwatch.security.spool import remove_leftover_uploads
from refwatch.services.setup import open_database
from refwatch.services.warmup import WarmupReport, warm_up
from refwatch.web import (
    api,
    arrival,
    balance,
    bulk,
    entry_api,
    errors,
    fastlane,
    interventions,
    linkage,
    pages,
    persons,
    rendering,
    vendor,
)
from refwatch.web.routes import dashboard
from refwatch.web.sessions import SESSION_SECONDS

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    "Cache-Control": "no-store",
}


class SecurityHeaders:
    """Pure ASGI middleware adding :data:`SECURITY_HEADERS` to every response (HSTS under HTTPS).

    Written against ASGI directly rather than with ``@app.middleware``, which
    wraps every request in extra tasks and costs measurable time per request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                if https:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def operation_id(route: APIRoute) -> str:
    """A route's OpenAPI operation id: its function's name (``get_incident``, ``list_documents``).

    FastAPI's default adds the path and method (``get_incident_api_v1_incidents__incident_id__get``),
    which become the function names of every generated client. Names are unique across the API
    (``tests/web/test_api_models.py`` checks it).
    """
    return route.name


def compile_templates() -> int:
    """Compile every page template now (Jinja compiles each on first use, some 5-30 ms); how many."""
    env = rendering.templates.env
    names = [n for n in env.list_templates() if n.endswith(".html")]
    for name in names:
        env.get_template(name)
    return len(names)


def warm_shared(app: FastAPI) -> WarmupReport | None:
    """Fill the caches and compile the templates: what ``web.workers`` does once, before it forks.

    The caches are then the workers' own from their first instant (copied on
    fork), and the totals that cost most (a count over every incident per
    filter) are counted once instead of once per worker at the same moment.
    The pooled connections are closed afterwards: a database connection must
    not cross a fork, and each worker opens its own.
    """
    settings: Settings = app.state.settings
    db = app.state.db
    report = warm_up(db, seconds=settings.warmup_seconds) if settings.warmup_seconds else None
    if report is not None and report.finished:  # pages come after the API's data
        compile_templates()
    db.dispose()
    app.state.shared_warmup = report
    return report


def before_listening(app: FastAPI) -> WarmupReport | None:
    """A process's own warm-up, run by the start-up hook before its socket accepts anything.

    After :func:`warm_shared` (a forked worker) the caches are full and this
    only opens the process's connections and runs the hot statements on them
    (psycopg prepares a statement on its second run), which costs a fraction of
    a second; otherwise it fills the caches itself. The dashboard's chart
    compiler and map outlines are readied here too, not in a thread beside the
    first requests: that thread held the interpreter for about a second while
    fifty clients waited (#20). Then every object made so far is frozen out of
    the garbage collector's passes.
    """
    settings: Settings = app.state.settings
    report = warm_up(app.state.db, seconds=settings.warmup_seconds) if settings.warmup_seconds else None
    if report is not None and report.finished and getattr(app.state, "shared_warmup", None) is None:
        compile_templates()
    if settings.warmup_seconds:
        dashboard.warm_charts()
    # Everything loaded so far (libraries, routes, the mapped tables, what the warm-up compiled: some
    # 160,000 objects) lives as long as the process. Left to the garbage collector, each of its full
    # passes walked them all, a pause of 60-90 ms in which no request moved; frozen, a full pass takes
    # about 1 ms. Collected first, so that no garbage of the start-up is kept forever.
    gc.collect()
    gc.freeze()
    return report


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application on ``settings`` (read from the environment when not given).

    The database is opened here, so that a wrong key or a missing ``init``
    stops the server before it listens, and so that the session cookies can be
    signed with a key derived from the master key: every worker process of
    ``refwatch serve --workers N`` derives the same one, and sessions survive a
    restart. ``REFWATCH_SESSION_SECRET``, when set, is used instead.
    Upload folders a crashed earlier version left in the temporary directory are removed.
    """
    settings = settings or load_settings()
    db = open_database(settings)
    remove_leftover_uploads()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Before the server listens (uvicorn runs this hook first): connections opened, caches filled,
        # templates compiled, the chart compiler started, so that the first requests are served as
        # fast as the hundredth (#20).
        app.state.warmup = before_listening(app)
        ready = getattr(app.state, "ready", None)
        if ready is not None:  # ``web.workers``: wait until every worker is as warm, then all listen at once
            ready()
        try:
            yield
        finally:
            db.dispose()

    app = FastAPI(
        title="Refoulement Watch",
        version=__version__,
        description="Incidents of forced return of North Koreans, with their sources and evidence.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served by web.vendor from local assets (FastAPI's page loads Swagger UI from a CDN)
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.db = db
    errors.install(app)
    app.include_router(api.router)
    app.include_router(persons.api_router)
    app.include_router(entry_api.api_router)
    app.include_router(interventions.api_router)
    app.include_router(pages.router)
    app.include_router(bulk.router)
    app.include_router(persons.page_router)
    app.include_router(linkage.page_router)
    app.include_router(interventions.page_router)
    app.include_router(vendor.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    if settings.session_secret:
        secret = settings.session_secret.get_secret_value()
    elif db.keyring is not None:
        secret = db.keyring.session_secret
    else:
        secret = secrets.token_urlsafe(32)
    app.add_middleware(fastlane.FastReads, db=db)  # innermost: every other middleware applies to its answers
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="refwatch_session",
        max_age=SESSION_SECONDS,
        same_site="lax",
        https_only=settings.secure_cookies,
    )

    app.add_middleware(SecurityHeaders)
    app.add_middleware(balance.Rebalance, balance=balance.ACTIVE)  # a no-op in a single process
    app.add_middleware(arrival.ArrivalOrder)  # outermost: a request waits its turn before anything runs
    return app
