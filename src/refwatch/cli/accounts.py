"""`refwatch users …` (add, groups, password, revoke-sessions) and `refwatch tokens new|revoke`."""

from __future__ import annotations

import os
import sys

import typer

from refwatch.cli import context
from refwatch.cli.output import console, err_console, handles_errors
from refwatch.services import accounts, sessions

users_app = typer.Typer(help="Accounts (admin, editor, viewer).", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens (stored hashed; shown once).", no_args_is_help=True)
PASSWORD_ENV = "REFWATCH_NEW_PASSWORD"  # noqa: S105 (the name of a variable, not a secret)


def register(app: typer.Typer) -> None:
    """Add ``users`` and ``tokens`` to the root application."""
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")


@users_app.command("add")
@handles_errors
def add(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option("viewer", "--role", help="admin, editor or viewer."),
) -> None:
    """Create an account. The password is asked for (or read from REFWATCH_NEW_PASSWORD)."""
    password = _new_password()
    with context.database() as db:
        accounts.add_user(db, username, password, role, actor=context.settings().user)
    console.print(f"user {username} added with role {role}")


def _new_password() -> str:
    """The new password: from REFWATCH_NEW_PASSWORD, or asked twice on the terminal."""
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            err_console.print(f"error: no terminal to ask for the password; set {PASSWORD_ENV}")
            raise typer.Exit(1)
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("password")
@handles_errors
def password(username: str = typer.Argument(..., help="The account.")) -> None:
    """Set a new password (asked for, or read from REFWATCH_NEW_PASSWORD); the account's sessions end."""
    new_password = _new_password()
    with context.database() as db:
        ended = accounts.set_password(db, username, new_password, actor=context.settings().user)
    console.print(f"user {username}: password changed, {ended} browser session(s) ended")


@users_app.command("revoke-sessions")
@handles_errors
def revoke_sessions(username: str = typer.Argument(..., help="The account.")) -> None:
    """Log an account out everywhere: every browser session it has ends at once, in every server process."""
    with context.database() as db:
        ended = sessions.revoke_sessions(db, username, actor=context.settings().user)
    console.print(f"user {username}: {ended} browser session(s) ended")


@users_app.command("groups")
@handles_errors
def groups(
    username: str = typer.Argument(..., help="The account."),
    names: list[str] = typer.Argument(None, help="Its groups (none: belongs to no group)."),
) -> None:
    """Set the groups an account belongs to: it sees incidents restricted to them."""
    with context.database() as db:
        stored = accounts.set_groups(db, username, names or [], actor=context.settings().user)
    console.print(f"user {username}: groups {', '.join(stored) or '(none)'}")


@tokens_app.command("new")
@handles_errors
def new(
    username: str = typer.Argument(..., help="The account the token acts for."),
    scope: str = typer.Option("read", "--scope", help="read, write or admin."),
) -> None:
    """Make an API token; it is printed once and stored only as a hash."""
    with context.database() as db:
        token_id, token = accounts.issue_token(db, username, scope, actor=context.settings().user)
    err_console.print(f"token {token_id} for {username} ({scope}); it will not be shown again:")
    typer.echo(token)


@tokens_app.command("revoke")
@handles_errors
def revoke(
    token_id: int = typer.Argument(..., help="The token's number, as printed by `tokens new`."),
) -> None:
    """Stop a token from working."""
    with context.database() as db:
        accounts.revoke_token(db, token_id, actor=context.settings().user)
    console.print(f"token {token_id} revoked")
