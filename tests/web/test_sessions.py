"""Browser sessions live in the database: logout, password changes and revocation end them (issue 15).

Also: re-enrolling two-factor login needs the password and a current code,
and the cookie holds nothing but a random session id (no TOTP secret).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import time
from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from refwatch.cli.app import app as cli
from refwatch.config import Settings
from refwatch.services import accounts, sessions
from refwatch.services.setup import open_database
from refwatch.storage.tables import BrowserSession, User
from refwatch.web.app import create_app

PASSWORD = "fictional-password-1"
SECRET = pyotp.random_base32()
COOKIE = "refwatch_session"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    db = open_database(settings)
    try:
        accounts.add_user(db, "ed", PASSWORD, "editor")
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
        accounts.add_user(db, "vi", PASSWORD, "viewer")
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


def csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(client: TestClient, username: str = "vi", code: str | None = None) -> str:
    """Log in and answer the session cookie, as an attacker who copied it would keep it."""
    form = {"username": username, "password": PASSWORD, "csrf": csrf(client, "/login")}
    if code:
        form["code"] = code
    answer = client.post("/login", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/", answer.headers
    cookie = client.cookies.get(COOKIE)
    assert cookie
    return cookie


def opens(client: TestClient, cookie: str, path: str = "/incidents") -> bool:
    """Whether a browser that only has this cookie gets the page (not sent to log in)."""
    stranger = TestClient(client.app, follow_redirects=False)
    answer = stranger.get(path, headers={"cookie": f"{COOKIE}={cookie}"})
    if answer.status_code == 303:
        assert answer.headers["location"].startswith("/login?next=")
        return False
    assert answer.status_code == 200
    return True


def cookie_contents(cookie: str) -> dict[str, object]:
    """What Starlette's signed cookie carries: base64 JSON before the signature."""
    body = cookie.split(".")[0]
    decoded: dict[str, object] = json.loads(base64.b64decode(body + "=" * (-len(body) % 4)))
    return decoded


def test_logout_ends_the_session_even_for_a_saved_cookie(client: TestClient) -> None:
    saved = log_in(client)
    assert opens(client, saved)
    answer = client.post("/logout", data={"csrf": csrf(client, "/incidents")})
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert not opens(client, saved)
    assert not opens(client, saved, "/persons/1")
    assert client.get("/incidents").status_code == 303  # the browser that logged out, too


def test_password_change_revocation_and_deactivation_end_sessions(
    client: TestClient, cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    first = log_in(client)
    other = log_in(TestClient(client.app, follow_redirects=False))
    assert accounts.set_password(db, "vi", "another fictional password") == 2
    assert not opens(client, first) and not opens(client, other)
    accounts.set_password(db, "vi", PASSWORD)

    kept = log_in(client)
    revoked = CliRunner().invoke(cli, ["users", "revoke-sessions", "vi"])
    assert revoked.exit_code == 0, revoked.output
    assert "1 browser session(s) ended" in revoked.stdout
    assert not opens(client, kept)

    kept = log_in(client)
    monkeypatch.setenv("REFWATCH_NEW_PASSWORD", "a third fictional password")
    changed = CliRunner().invoke(cli, ["users", "password", "vi"])
    assert changed.exit_code == 0, changed.output
    assert not opens(client, kept)

    kept = log_in(client, "ed", pyotp.TOTP(SECRET).now())
    assert opens(client, kept)
    with db.session() as session:
        session.scalars(select(User).where(User.username == "ed")).one().is_active = False
        session.commit()
    assert not opens(client, kept)


def test_sessions_expire_and_unknown_ids_open_nothing(client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    token = sessions.open_session(db, "vi")
    assert sessions.session_of(db, token) is not None
    after = dt.datetime.now(dt.UTC) + sessions.LIFETIME + dt.timedelta(seconds=1)
    assert sessions.session_of(db, token, now=after) is None
    assert sessions.session_of(db, "not-a-session-id") is None


def test_the_cookie_holds_only_a_random_id_and_no_totp_secret(client: TestClient, settings: Settings) -> None:
    db = open_database(settings)
    try:
        accounts.add_user(db, "new", PASSWORD, "editor")  # no second factor yet
    finally:
        db.dispose()
    form = {"username": "new", "password": PASSWORD, "csrf": csrf(client, "/login")}
    assert client.post("/login", data=form).headers["location"] == "/account/2fa"
    page = client.get("/account/2fa").text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    cookie = client.cookies.get(COOKIE)
    assert cookie is not None
    carried = cookie_contents(cookie)
    assert set(carried) == {"sid"}, carried
    assert secret not in json.dumps(carried)
    assert client.get("/account/2fa").text.count(secret) >= 1  # the same key on a reload: kept server-side
    app_db = client.app.state.db  # type: ignore[attr-defined]
    with app_db.session() as session:
        row = session.scalars(select(BrowserSession)).one()
        assert row.pending_totp == secret
        assert secret.encode() not in bytes(row._pending_totp)  # sealed at rest
        assert str(carried["sid"]) != row.token_hash  # only its digest is stored
    confirm = {"csrf": csrf(client, "/account/2fa"), "password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    assert client.post("/account/2fa", data=confirm).headers["location"] == "/"
    with app_db.session() as session:
        assert session.scalars(select(BrowserSession)).one()._pending_totp is None
    assert client.get("/incidents").status_code == 200


def test_reenrolling_two_factor_needs_the_password_and_a_current_code(client: TestClient) -> None:
    log_in(client, "ed", pyotp.TOTP(SECRET).now())
    page = client.get("/account/2fa").text
    replacement = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    token = csrf(client, "/account/2fa")
    new_code = pyotp.TOTP(replacement).now()
    next_step = pyotp.TOTP(SECRET).at(time.time() + 30)  # the login used this step's code up
    attempts = [
        {"code": new_code},  # what the attack run did: no password, no current code
        {"code": new_code, "password": PASSWORD},
        {"code": new_code, "current_code": next_step},
        {"code": new_code, "password": "wrong fictional pass", "current_code": next_step},
    ]
    for attempt in attempts:
        answer = client.post("/account/2fa", data={"csrf": token, **attempt})
        assert answer.headers["location"] == "/account/2fa?failed=auth", attempt
    assert 'name="current_code"' in page and 'name="password"' in page
    db = client.app.state.db  # type: ignore[attr-defined]
    with db.session() as session:
        assert session.scalars(select(User).where(User.username == "ed")).one().totp_secret == SECRET
    good = {"csrf": token, "code": new_code, "password": PASSWORD, "current_code": next_step}
    assert client.post("/account/2fa", data=good).headers["location"] == "/"
    with db.session() as session:
        assert session.scalars(select(User).where(User.username == "ed")).one().totp_secret == replacement
    with pytest.raises(Exception, match="already has two-factor"):
        accounts.enable_totp(db, "ed", SECRET, pyotp.TOTP(SECRET).now())
