"""Account management for admins (#19 "every command in the UI"): the pages behind `refwatch users …`.

Admins list the accounts and, on one account's page, change its role and
groups, deactivate or reactivate it, reset its second factor and revoke its
API tokens. Each form carries the CSRF token; the actions that take something
away (deactivating, resetting two-factor login, revoking a token) ask for a
reason, kept in the audit log. The services refuse to demote or deactivate
the last active admin; the page then shows why, with nothing changed.
Addresses name accounts by number, not by name: a name may hold any character.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from refwatch.errors import Conflict, InvalidInput
from refwatch.services import accounts
from refwatch.services.accounts import Principal
from refwatch.services.setup import Database
from refwatch.web.auth import client_address
from refwatch.web.deps import Admin, Db
from refwatch.web.errors import status_for, web_detail
from refwatch.web.rendering import render
from refwatch.web.sessions import check_csrf
from refwatch.web.uploads import SealedFormRoute

router = APIRouter(include_in_schema=False, route_class=SealedFormRoute)  # forms parsed as everywhere

UserId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="Account number.")]
TokenId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="API token number.")]
Csrf = Annotated[str, Form()]
Reason = Annotated[str, Form(max_length=1000)]

#: What the page says after each action (translated in the template).
DONE = {
    "role": "The role was changed.",
    "groups": "The groups were changed.",
    "deactivated": "The account was deactivated: it cannot log in and its API tokens are refused.",
    "reactivated": "The account was reactivated.",
    "2fa": "Two-factor login was reset: the account sets up a new one at its next login.",
    "revoked": "The API token was revoked.",
}


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, db: Db, caller: Admin) -> HTMLResponse:
    """Every account: role, groups, second factor, active, last login, live API tokens."""
    return render(request, "admin_users.html", caller, accounts=accounts.list_accounts(db))


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, db: Db, caller: Admin, user_id: UserId, done: str = "") -> HTMLResponse:
    """One account, with a form for each thing an admin may change."""
    return _account_page(request, db, caller, user_id, done=DONE.get(done))


@router.post("/admin/users/{user_id}/role")
def change_role(
    request: Request,
    db: Db,
    caller: Admin,
    user_id: UserId,
    csrf: Csrf = "",
    role: Annotated[str, Form()] = "",
) -> Response:
    """Give the account another role (never taking the last active admin away)."""
    check_csrf(request, csrf)
    account = accounts.find_account(db, user_id)
    return _act(
        request,
        db,
        caller,
        user_id,
        "role",
        lambda: accounts.set_role(
            db, account.username, role, actor=caller.username, origin=client_address(request)
        ),
    )


@router.post("/admin/users/{user_id}/groups")
def change_groups(
    request: Request,
    db: Db,
    caller: Admin,
    user_id: UserId,
    csrf: Csrf = "",
    groups: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Replace the account's groups (comma-separated; blank: none)."""
    check_csrf(request, csrf)
    account = accounts.find_account(db, user_id)
    names = [g for g in groups.split(",") if g.strip()]
    return _act(
        request,
        db,
        caller,
        user_id,
        "groups",
        lambda: accounts.set_groups(
            db, account.username, names, actor=caller.username, origin=client_address(request)
        ),
    )


@router.post("/admin/users/{user_id}/deactivate")
def deactivate(
    request: Request, db: Db, caller: Admin, user_id: UserId, csrf: Csrf = "", reason: Reason = ""
) -> Response:
    """Stop the account: no login, its tokens refused, its sessions ended (a reason is required)."""
    check_csrf(request, csrf)
    account = accounts.find_account(db, user_id)
    return _act(
        request,
        db,
        caller,
        user_id,
        "deactivated",
        lambda: accounts.set_active(
            db, account.username, False, reason=reason, actor=caller.username, origin=client_address(request)
        ),
    )


@router.post("/admin/users/{user_id}/reactivate")
def reactivate(request: Request, db: Db, caller: Admin, user_id: UserId, csrf: Csrf = "") -> Response:
    """Let a deactivated account log in again."""
    check_csrf(request, csrf)
    account = accounts.find_account(db, user_id)
    return _act(
        request,
        db,
        caller,
        user_id,
        "reactivated",
        lambda: accounts.set_active(
            db, account.username, True, actor=caller.username, origin=client_address(request)
        ),
    )


@router.post("/admin/users/{user_id}/reset-2fa")
def reset_2fa(
    request: Request, db: Db, caller: Admin, user_id: UserId, csrf: Csrf = "", reason: Reason = ""
) -> Response:
    """Remove the account's second factor: it sets up a new one at its next login (a reason is required)."""
    check_csrf(request, csrf)
    account = accounts.find_account(db, user_id)
    return _act(
        request,
        db,
        caller,
        user_id,
        "2fa",
        lambda: accounts.reset_totp(
            db, account.username, reason=reason, actor=caller.username, origin=client_address(request)
        ),
    )


@router.post("/admin/users/{user_id}/tokens/{token_id}/revoke")
def revoke_token(
    request: Request,
    db: Db,
    caller: Admin,
    user_id: UserId,
    token_id: TokenId,
    csrf: Csrf = "",
    reason: Reason = "",
) -> Response:
    """Stop one of the account's API tokens from working (a reason is required)."""
    check_csrf(request, csrf)
    account = accounts.find_account(db, user_id)

    def revoke() -> None:
        if not reason.strip():
            raise InvalidInput("revoking a token needs a reason (kept in the audit log)")
        accounts.revoke_token(
            db,
            token_id,
            actor=caller.username,
            origin=client_address(request),
            reason=reason,
            owner=account.username,
        )

    return _act(request, db, caller, user_id, "revoked", revoke)


def _act(
    request: Request, db: Database, caller: Principal, user_id: int, done: str, action: Callable[[], object]
) -> Response:
    """Run ``action``; back to the account's page saying what was done, or showing why nothing was.

    A refusal the admin can act on (a missing reason, the last admin, a bad
    group name) is shown on the account's page, with its HTTP status.
    """
    try:
        action()
    except (InvalidInput, Conflict) as exc:
        page = _account_page(request, db, caller, user_id, error=web_detail(str(exc)))
        page.status_code = status_for(exc)
        return page
    return RedirectResponse(f"/admin/users/{user_id}?done={done}", status_code=303)


def _account_page(
    request: Request,
    db: Database,
    caller: Principal,
    user_id: int,
    *,
    done: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    account = accounts.find_account(db, user_id)
    return render(
        request,
        "admin_user.html",
        caller,
        account=account,
        tokens=accounts.list_tokens(db, username=account.username),
        roles=accounts.ROLES,
        done=done,
        error=error,
    )
