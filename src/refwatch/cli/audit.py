"""`refwatch audit verify|head`."""

from __future__ import annotations

import typer

from refwatch.cli import context
from refwatch.cli.output import EXIT_USER_ERROR, console, err_console, handles_errors, print_json
from refwatch.services.auditing import audit_head, audit_holds, verify_audit

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@audit_app.command("verify")
@handles_errors
def verify(
    expected_head: str | None = typer.Option(
        None,
        "--expect-head",
        help="A head hash kept elsewhere earlier: fail if the log no longer contains it.",
    ),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Recompute the hash chain; name every edited, deleted or reordered entry."""
    with context.database() as db:
        problems = verify_audit(db)
        head = audit_head(db)
        known = audit_holds(db, expected_head) if expected_head else True
    if output_format == "json":
        print_json(
            {
                "ok": not problems and known,
                "head": head,
                "problems": [{"entry": p.event_id, "reason": p.reason} for p in problems],
                "expected_head_found": known if expected_head else None,
            }
        )
    else:
        for p in problems:
            err_console.print(f"audit entry {p.event_id}: {p.reason}", highlight=False)
        if expected_head and not known:
            err_console.print(
                "the expected head hash is not in the log: entries were removed", highlight=False
            )
        if not problems and known:
            console.print(f"audit log intact; head {head or '(empty)'}", highlight=False)
    if problems or not known:
        raise typer.Exit(EXIT_USER_ERROR)


@audit_app.command("head")
@handles_errors
def head() -> None:
    """Print the newest entry's hash, to be kept somewhere else."""
    with context.database() as db:
        typer.echo(audit_head(db) or "")


def register(app: typer.Typer) -> None:
    """Add the `audit` group."""
    app.add_typer(audit_app, name="audit")
