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
) -> None:
    """Serve the REST API (/api/v1, OpenAPI at /api/v1/openapi.json) on the configured database."""
    import uvicorn

    from refwatch.web.app import create_app

    current = context.settings()
    app = create_app(current)
    err_console.print(f"serving on http://{host}:{port}/api/v1/docs (Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
