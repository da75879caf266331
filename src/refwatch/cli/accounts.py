"""`refwatch users …` (add, list, role, groups, password, deactivate, reactivate, reset-2fa,
revoke-sessions) and `refwatch tokens new|list|revoke`."""

from __future__ import annotations

import datetime as dt
import os
import sys

import typer
from rich.table import Table

from refwatch.cli import context
from refwatch.cli.output import console, err_console, handles_errors, print_json
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
    token_id: int = typer.Argument(
        ..., help="The token's number, as printed by `tokens new` or `tokens list`."
    ),
    reason: str = typer.Option("", "--reason", help="Why (kept in the audit log)."),
) -> None:
    """Stop a token from working."""
    with context.database() as db:
        accounts.revoke_token(db, token_id, actor=context.settings().user, reason=reason)
    console.print(f"token {token_id} revoked")


@tokens_app.command("list")
@handles_errors
def list_tokens(
    username: str | None = typer.Option(None, "--user", help="Only this account's tokens."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List API tokens, newest first, revoked ones included (the tokens themselves are never shown)."""
    with context.database() as db:
        found = accounts.list_tokens(db, username=username)
    if output_format == "json":
        print_json(
            [
                {
                    "id": t.id,
                    "user": t.username,
                    "scope": t.scope,
                    "created": _when(t.created_at),
                    "revoked": _when(t.revoked_at) or None,
                }
                for t in found
            ]
        )
        return
    table = Table("id", "user", "scope", "created", "revoked")
    for t in found:
        table.add_row(str(t.id), t.username, t.scope, _when(t.created_at), _when(t.revoked_at) or "-")
    console.print(table)
    console.print(f"{len(found)} tokens", highlight=False)


@users_app.command("list")
@handles_errors
def list_users(output_format: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """List accounts: role, groups, two-factor login set up, active, last login, live API tokens."""
    with context.database() as db:
        found = accounts.list_accounts(db)
    if output_format == "json":
        print_json(
            [
                {
                    "username": a.username,
                    "role": a.role,
                    "groups": list(a.groups),
                    "two_factor": a.has_totp,
                    "active": a.active,
                    "last_login": _when(a.last_login) or None,
                    "tokens": a.live_tokens,
                }
                for a in found
            ]
        )
        return
    table = Table("username", "role", "groups", "2FA", "active", "last login", "tokens")
    for a in found:
        table.add_row(
            a.username,
            a.role,
            ", ".join(a.groups) or "-",
            "on" if a.has_totp else "off",
            "yes" if a.active else "no",
            _when(a.last_login) or "never",
            str(a.live_tokens),
        )
    console.print(table, highlight=False)
    console.print(f"{len(found)} accounts", highlight=False)


@users_app.command("role")
@handles_errors
def role(
    username: str = typer.Argument(..., help="The account."),
    new_role: str = typer.Argument(..., metavar="ROLE", help="admin, editor or viewer."),
) -> None:
    """Change an account's role (the last active admin cannot be demoted)."""
    with context.database() as db:
        before = accounts.set_role(db, username, new_role, actor=context.settings().user)
    console.print(f"user {username}: role {before} -> {new_role}", highlight=False)


@users_app.command("deactivate")
@handles_errors
def deactivate(
    username: str = typer.Argument(..., help="The account."),
    reason: str = typer.Option(..., "--reason", help="Why (required; kept in the audit log)."),
) -> None:
    """Stop an account: it cannot log in, its API tokens are refused and its browser sessions end."""
    with context.database() as db:
        ended = accounts.set_active(db, username, False, reason=reason, actor=context.settings().user)
    console.print(f"user {username} deactivated, {ended} browser session(s) ended")


@users_app.command("reactivate")
@handles_errors
def reactivate(username: str = typer.Argument(..., help="The account.")) -> None:
    """Let a deactivated account log in again (its unrevoked API tokens work again too)."""
    with context.database() as db:
        accounts.set_active(db, username, True, actor=context.settings().user)
    console.print(f"user {username} reactivated")


@users_app.command("reset-2fa")
@handles_errors
def reset_2fa(
    username: str = typer.Argument(..., help="The account."),
    reason: str = typer.Option(..., "--reason", help="Why (required; kept in the audit log)."),
) -> None:
    """Remove an account's second factor (a lost phone): it sets up a new one at its next login."""
    with context.database() as db:
        ended = accounts.reset_totp(db, username, reason=reason, actor=context.settings().user)
    console.print(f"user {username}: two-factor login reset, {ended} browser session(s) ended")


def _when(at: dt.datetime | None) -> str:
    """A timestamp to the minute, in UTC ("" for none)."""
    return "" if at is None else at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
