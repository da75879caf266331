"""`refwatch serve`: run the web application and its API with uvicorn."""

from __future__ import annotations

import typer

from refwatch.cli import context
from refwatch.cli.output import err_console, handles_errors


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the root application."""
    app.command("serve")(serve)


@handles_errors
def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (keep local unless behind HTTPS)."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port."),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Server processes; one per CPU core serves the most requests at once.",
    ),
) -> None:
    """Serve the web interface and the REST API (/api/v1, OpenAPI at /api/v1/openapi.json).

    With several workers each process opens the database itself, from the same
    settings (the environment), so the key must come from a key file or
    ``REFWATCH_PASSPHRASE``, as for one worker.
    """
    import uvicorn

    from refwatch.web import allocator
    from refwatch.web import workers as workers_module
    from refwatch.web.app import create_app

    # First, while this is the only thread: malloc's arenas held to two here and in the forked workers,
    # or the memory SQLite's page caches free and refill under writes strands as free space (#20).
    allocator.limit_arenas()
    current = context.settings()
    err_console.print(f"serving on http://{host}:{port}/ with {workers} worker(s) (Ctrl-C to stop)")
    if workers == 1:
        uvicorn.run(create_app(current), host=host, port=port, log_level="warning", access_log=False)
        return
    if workers_module.supported():
        # A listening socket per worker, so connections spread evenly; the workers are forked from one
        # application built and warmed here (a wrong key or an uninitialised database fails here, once).
        workers_module.run(host, port, workers, current)
        return
    # Fail here, once and clearly, on a wrong key or an uninitialised database.
    create_app(current).state.db.dispose()
    uvicorn.run(
        "refwatch.web.app:create_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )
