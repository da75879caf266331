"""Account management pages for admins (#19 "every command in the UI"), through the in-process client.

Admins list accounts, change roles and groups, deactivate and reactivate,
reset two-factor login and revoke API tokens; each form checks its CSRF
token, the destructive ones want a reason, and the last active admin is kept.
A deactivated account's login and tokens stop working. Fictional accounts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pyotp
import pytest
from fastapi.testclient import TestClient

from refwatch.config import Settings
from refwatch.services import accounts
from refwatch.services.setup import open_database
from refwatch.web.app import create_app
from refwatch.web.routes import admin

PASSWORD = "fictional-password-7"
SECRET = pyotp.random_base32()


@pytest.fixture
def tokens(settings: Settings) -> dict[str, str]:
    db = open_database(settings)
    try:
        made = {}
        for role in ("viewer", "editor", "admin"):
            accounts.add_user(db, role, PASSWORD, role)
            if role != "viewer":
                accounts.enable_totp(db, role, SECRET, pyotp.TOTP(SECRET).now())
            made[role] = accounts.issue_token(db, role, {"viewer": "read"}.get(role, "write"))[1]
        return made
    finally:
        db.dispose()


@pytest.fixture
def client(settings: Settings, tokens: dict[str, str]) -> Iterator[Callable[[str], TestClient]]:
    """A fresh client (not logged in); every client's application is shut down at the end."""
    app = create_app(settings)
    with ExitStack() as clients:
        yield lambda _: clients.enter_context(TestClient(app, follow_redirects=False))


def log_in(client: TestClient, role: str) -> str:
    """Log in; answers where the login sends the browser ("/" when it worked)."""
    form = {"username": role, "password": PASSWORD, "csrf": csrf(client, "/login")}
    if role != "viewer":
        form["code"] = pyotp.TOTP(SECRET).now()
    return str(client.post("/login", data=form).headers.get("location"))


def csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def user_ids(admin_client: TestClient) -> dict[str, int]:
    page = admin_client.get("/admin/users").text
    return {name: int(n) for n, name in re.findall(r'<a href="/admin/users/(\d+)">([^<]+)</a>', page)}


def test_the_list_shows_each_account_to_admins_only(
    client: Callable[[str], TestClient], tokens: dict[str, str]
) -> None:
    boss = client("admin")
    assert log_in(boss, "admin") == "/"
    page = boss.get("/admin/users")
    assert page.status_code == 200
    row = re.search(r'<tr data-username="viewer">(.*?)</tr>', page.text, re.S)
    assert row is not None
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
    assert cells[1:] == ["viewer", "–", "off", "yes", "never", "1"]
    assert 'href="/admin/users"' in boss.get("/").text  # in the menu, for admins
    editor = client("editor")
    assert log_in(editor, "editor") == "/"
    assert editor.get("/admin/users").status_code == 403
    assert 'href="/admin/users"' not in editor.get("/").text


def test_deactivating_stops_login_and_tokens_and_reactivating_restores_them(
    client: Callable[[str], TestClient], tokens: dict[str, str]
) -> None:
    boss = client("admin")
    log_in(boss, "admin")
    viewer_id = user_ids(boss)["viewer"]
    reader = client("viewer")
    assert log_in(reader, "viewer") == "/"
    headers = {"Authorization": f"Bearer {tokens['viewer']}"}
    assert reader.get("/api/v1/incidents", headers=headers).status_code == 200

    token = csrf(boss, "/admin/users")
    no_reason = boss.post(f"/admin/users/{viewer_id}/deactivate", data={"csrf": token, "reason": " "})
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    forged = boss.post(f"/admin/users/{viewer_id}/deactivate", data={"csrf": "x", "reason": "stolen"})
    assert forged.status_code == 403
    assert reader.get("/").status_code == 200  # nothing changed yet

    done = boss.post(f"/admin/users/{viewer_id}/deactivate", data={"csrf": token, "reason": "laptop stolen"})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=deactivated")
    assert "cannot log in" in boss.get(done.headers["location"]).text
    assert reader.get("/").headers["location"].startswith("/login")  # the session ended
    assert reader.get("/api/v1/incidents", headers=headers).status_code == 401
    assert log_in(client("again"), "viewer").startswith("/login?failed=1")

    assert boss.post(f"/admin/users/{viewer_id}/reactivate", data={"csrf": token}).status_code == 303
    assert log_in(client("back"), "viewer") == "/"
    assert reader.get("/api/v1/incidents", headers=headers).status_code == 200


def test_the_last_admin_is_kept_with_a_clear_message(client: Callable[[str], TestClient]) -> None:
    boss = client("admin")
    log_in(boss, "admin")
    ids = user_ids(boss)
    token = csrf(boss, "/admin/users")
    refused = boss.post(f"/admin/users/{ids['admin']}/role", data={"csrf": token, "role": "editor"})
    assert refused.status_code == 409
    assert "last active admin" in refused.text and 'id="problem"' in refused.text
    refused = boss.post(f"/admin/users/{ids['admin']}/deactivate", data={"csrf": token, "reason": "leaving"})
    assert refused.status_code == 409
    assert boss.get("/admin/users").status_code == 200  # still an admin

    promoted = boss.post(f"/admin/users/{ids['editor']}/role", data={"csrf": token, "role": "admin"})
    assert promoted.status_code == 303
    assert (
        boss.post(f"/admin/users/{ids['admin']}/role", data={"csrf": token, "role": "editor"}).status_code
        == 303
    )
    assert boss.get("/admin/users").status_code == 403  # demoted themself, now that another admin is left


def test_groups_reset_2fa_and_token_revocation(
    client: Callable[[str], TestClient], tokens: dict[str, str]
) -> None:
    boss = client("admin")
    log_in(boss, "admin")
    editor_id = user_ids(boss)["editor"]
    token = csrf(boss, "/admin/users")
    page = f"/admin/users/{editor_id}"

    assert (
        boss.post(page + "/groups", data={"csrf": token, "groups": "partners, field-team"}).status_code == 303
    )
    assert "field-team, partners" in boss.get(page).text
    bad = boss.post(page + "/groups", data={"csrf": token, "groups": "a\tb"})
    assert bad.status_code == 422

    ed = client("editor")
    assert log_in(ed, "editor") == "/"
    assert boss.post(page + "/reset-2fa", data={"csrf": token, "reason": ""}).status_code == 422
    assert boss.post(page + "/reset-2fa", data={"csrf": token, "reason": "phone lost"}).status_code == 303
    assert ed.get("/").headers["location"].startswith("/login")  # its sessions ended
    fresh = client("fresh")
    form = {"username": "editor", "password": PASSWORD, "csrf": csrf(fresh, "/login")}
    assert fresh.post("/login", data=form).headers["location"] == "/account/2fa"  # must enrol again
    assert fresh.get("/").headers["location"] == "/account/2fa"

    listed = boss.get(page).text
    token_id = re.search(r'action="/admin/users/\d+/tokens/(\d+)/revoke"', listed)
    assert token_id
    headers = {"Authorization": f"Bearer {tokens['editor']}"}
    assert ed.get("/api/v1/incidents", headers=headers).status_code == 200
    revoke = f"{page}/tokens/{token_id.group(1)}/revoke"
    assert boss.post(revoke, data={"csrf": token, "reason": ""}).status_code == 422
    viewer_page = f"/admin/users/{user_ids(boss)['viewer']}/tokens/{token_id.group(1)}/revoke"
    assert boss.post(viewer_page, data={"csrf": token, "reason": "x"}).status_code == 404  # not the viewer's
    assert boss.post(revoke, data={"csrf": token, "reason": "left the project"}).status_code == 303
    assert ed.get("/api/v1/incidents", headers=headers).status_code == 401


def test_the_pages_and_their_messages_are_in_korean(client: Callable[[str], TestClient]) -> None:
    boss = client("admin")
    log_in(boss, "admin")
    boss.cookies.set("lang", "ko")
    ids = user_ids(boss)
    listing = boss.get("/admin/users").text
    assert "<h1>계정</h1>" in listing and "마지막 로그인" in listing and "Last login" not in listing
    token = csrf(boss, "/admin/users")
    refused = boss.post(f"/admin/users/{ids['admin']}/role", data={"csrf": token, "role": "viewer"}).text
    assert "마지막 활성 관리자입니다" in refused
    done = boss.post(f"/admin/users/{ids['viewer']}/role", data={"csrf": token, "role": "editor"})
    assert "역할을 변경했습니다." in boss.get(done.headers["location"]).text


def test_every_message_of_the_pages_is_translated() -> None:
    from refwatch.web.i18n import translations

    korean = translations("ko")
    texts = [*admin.DONE.values(), accounts.LAST_ADMIN]
    texts += ["deactivating an account needs a reason (kept in the audit log)"]
    texts += ["resetting two-factor login needs a reason (kept in the audit log)"]
    texts += ["revoking a token needs a reason (kept in the audit log)"]
    assert [t for t in texts if korean.gettext(t) == t] == []
