"""The permission matrix: every route and API endpoint, tried as every role.

Roles: anonymous (the public), viewer, editor, admin. Every route the
application has is listed here with who may use it, so a new route without an
entry fails the test until someone decides. "Allowed" means the answer is not
a refusal (401, 403 or a redirect to the login page); "denied" means it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from refwatch.config import Settings
from refwatch.services import accounts, persons
from refwatch.services.setup import open_database
from refwatch.web.app import create_app

PASSWORD = "fictional-password-7"
SECRET = pyotp.random_base32()
REPORT = (
    b"FICTIONAL. Seoul, March 20, 2031 - Chinese police arrested 12 North Korean defectors in Shenyang "
    b"on March 3, 2031."
)
ROLES = ("anonymous", "viewer", "editor", "admin")
EVERYONE, READERS, WRITERS = set(ROLES), {"viewer", "editor", "admin"}, {"editor", "admin"}
#: Persons carry names: editors and admins read them, viewers do not (whatever their token's scope).
PERSON_READERS = {"editor", "admin"}
# A fictional person, so that the person routes answer with a real record.
PEOPLE_CSV = "pseudonym,name_hangul,name_romanised\nPerson A-017,김가상,Kim Gasang\n"

#: (method, path template) → roles allowed. Templates are filled in by :func:`concrete`.
MATRIX: dict[tuple[str, str], set[str]] = {
    ("GET", "/api/v1/documents"): READERS,
    ("GET", "/api/v1/documents/{ref}"): READERS,
    ("GET", "/api/v1/documents/{ref}/original"): READERS,
    ("GET", "/api/v1/documents/by-key/{key}"): READERS,
    ("GET", "/api/v1/documents/by-key/{key}/original"): READERS,
    ("POST", "/api/v1/documents"): WRITERS,
    ("GET", "/api/v1/incidents"): READERS,
    ("GET", "/api/v1/incidents/{incident_id}"): READERS,
    ("GET", "/api/v1/incidents/{incident_id}/history"): READERS,
    ("POST", "/api/v1/incidents/{incident_id}/confirm"): WRITERS,
    ("POST", "/api/v1/incidents/{incident_id}/reject"): WRITERS,
    ("POST", "/api/v1/incidents/{incident_id}/edit"): WRITERS,
    ("POST", "/api/v1/incidents/{incident_id}/merge"): WRITERS,
    ("POST", "/api/v1/incidents/{incident_id}/split"): WRITERS,
    ("POST", "/api/v1/incidents/{incident_id}/undo"): WRITERS,
    ("GET", "/api/v1/incidents/{incident_id}/interventions"): READERS,
    ("POST", "/api/v1/incidents/{incident_id}/interventions"): WRITERS,
    ("GET", "/api/v1/interventions"): READERS,
    ("POST", "/api/v1/interventions/{intervention_id}"): WRITERS,
    ("GET", "/interventions"): READERS,
    ("GET", "/estimates"): READERS,
    ("GET", "/public/refwatch-public.zip"): EVERYONE,
    ("POST", "/documents/{ref}/restrict"): {"admin"},
    ("POST", "/incidents/{incident_id}/restrict"): {"admin"},
    ("GET", "/exports"): WRITERS,
    ("GET", "/exports/incidents"): WRITERS,
    ("GET", "/exports/tallies"): WRITERS,
    ("GET", "/exports/persons"): PERSON_READERS,
    ("GET", "/exports/person-clusters"): PERSON_READERS,
    ("GET", "/letters"): WRITERS,
    ("POST", "/letters/appeal"): WRITERS,
    ("POST", "/letters/selected"): WRITERS,
    ("GET", "/letters/report"): WRITERS,
    ("POST", "/interventions"): WRITERS,
    ("POST", "/appeals"): WRITERS,
    ("POST", "/interventions/{intervention_id}"): WRITERS,
    ("GET", "/api/v1/persons"): PERSON_READERS,
    ("GET", "/api/v1/persons/{person_id}"): PERSON_READERS,
    ("GET", "/api/v1/public/incidents"): EVERYONE,
    ("GET", "/api/v1/stats"): READERS,
    ("GET", "/api/v1/tallies"): READERS,
    ("GET", "/login"): EVERYONE,
    ("POST", "/login"): EVERYONE,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/lang/{code}"): EVERYONE,
    ("GET", "/public"): EVERYONE,
    ("GET", "/account/2fa"): READERS,
    ("POST", "/account/2fa"): READERS,
    ("GET", "/"): READERS,
    ("GET", "/documents"): READERS,
    ("POST", "/documents"): WRITERS,
    ("GET", "/documents/{ref}"): READERS,
    ("GET", "/documents/{ref}/original"): READERS,
    ("GET", "/documents/by-key/{key}"): READERS,
    ("GET", "/documents/by-key/{key}/original"): READERS,
    ("GET", "/incidents"): READERS,
    ("GET", "/incidents/{incident_id}"): READERS,
    ("POST", "/incidents/{incident_id}/{action}"): WRITERS,
    ("POST", "/incidents/bulk"): WRITERS,
    ("GET", "/review"): READERS,
    ("GET", "/persons"): PERSON_READERS,
    ("GET", "/persons/{person_id}"): PERSON_READERS,
    ("GET", "/linkage/review"): PERSON_READERS,
    ("GET", "/linkage/review/{review_id}"): PERSON_READERS,
    ("POST", "/linkage/review/{review_id}"): PERSON_READERS,
    ("GET", "/static/vendor/{name}"): EVERYONE,
    ("GET", "/static/vendor/{version}/{name}"): EVERYONE,
    ("GET", "/api/v1/docs"): EVERYONE,
    ("GET", "/admin/users"): {"admin"},
    ("GET", "/admin/users/{user_id}"): {"admin"},
    ("POST", "/admin/users/{user_id}/role"): {"admin"},
    ("POST", "/admin/users/{user_id}/groups"): {"admin"},
    ("POST", "/admin/users/{user_id}/deactivate"): {"admin"},
    ("POST", "/admin/users/{user_id}/reactivate"): {"admin"},
    ("POST", "/admin/users/{user_id}/reset-2fa"): {"admin"},
    ("POST", "/admin/users/{user_id}/tokens/{token_id}/revoke"): {"admin"},
    ("GET", "/testimony"): WRITERS,
    ("POST", "/testimony"): WRITERS,
    ("POST", "/documents/{ref}/incidents"): WRITERS,
    ("GET", "/places"): READERS,
    ("POST", "/persons"): PERSON_READERS,
    ("POST", "/persons/{person_id}"): PERSON_READERS,
    ("POST", "/api/v1/documents/{ref}/incidents"): WRITERS,
}


def concrete(path: str) -> str:
    return (
        path.replace("{ref}", "alpha")
        .replace("{key}", "alpha")
        .replace("{incident_id}", "1")
        .replace("{action}", "undo")
        .replace("{code}", "ko")
        .replace("{name}", "vega.min.js")
        .replace("{version}", "0")
        .replace("{person_id}", "1")
        .replace("{intervention_id}", "1")
        .replace("{review_id}", "1")
        .replace("{user_id}", "1")
        .replace("{token_id}", "1")
    )


@pytest.fixture
def app_and_tokens(sqlite_settings: Settings, tmp_path: Path) -> Iterator[tuple[object, dict[str, str]]]:
    db = open_database(sqlite_settings)
    tokens: dict[str, str] = {}
    try:
        (tmp_path / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
        persons.import_persons(db, tmp_path / "people.csv", actor="admin", origin="cli")
        for role in ("viewer", "editor", "admin"):
            accounts.add_user(db, role, PASSWORD, role)
            if role != "viewer":
                accounts.enable_totp(db, role, SECRET, pyotp.TOTP(SECRET).now())
            scope = {"viewer": "read", "editor": "write", "admin": "admin"}[role]
            tokens[role] = accounts.issue_token(db, role, scope)[1]
    finally:
        db.dispose()
    yield create_app(sqlite_settings), tokens


def session_for(app: object, role: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    if role != "anonymous":
        page = client.get("/login").text
        token = page.split('name="csrf" value="')[1].split('"')[0]
        form = {"username": role, "password": PASSWORD, "csrf": token}
        if role != "viewer":
            form["code"] = pyotp.TOTP(SECRET).now()
        assert client.post("/login", data=form).headers["location"] == "/"
    return client


def csrf_of(client: TestClient) -> str:
    page = client.get("/login").text
    return page.split('name="csrf" value="')[1].split('"')[0]


def refused(status: int, location: str) -> bool:
    """401/403, or a page sending the browser to log in first (not a failed login's own redirect)."""
    return status in (401, 403) or (status == 303 and location.startswith("/login?next="))


def test_every_route_is_in_the_matrix() -> None:
    from refwatch.web import api, bulk, entry_api, interventions, linkage, pages, vendor
    from refwatch.web import persons as person_routes

    routers = (
        api.router,
        person_routes.api_router,
        entry_api.api_router,
        interventions.api_router,
        pages.router,
        bulk.router,
        person_routes.page_router,
        linkage.page_router,
        interventions.page_router,
        vendor.router,
    )
    routes = {
        (method, route.path)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert routes == set(MATRIX)


def served_routes(routes: list[object]) -> Iterator[APIRoute]:
    """Every API route of an application, through the routers it includes (FastAPI wraps them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI >= 0.13x: an included router
        if included is not None:
            yield from served_routes(included.routes)


def test_every_served_route_is_in_the_matrix(sqlite_settings: Settings) -> None:
    """The application itself, not a list of routers: a router added in ``create_app`` is checked (#19)."""
    app = create_app(sqlite_settings)
    routes = {(method, route.path) for route in served_routes(app.routes) for method in route.methods}
    assert routes == set(MATRIX)


def test_permission_matrix(app_and_tokens: tuple[object, dict[str, str]]) -> None:
    app, tokens = app_and_tokens
    with TestClient(app) as starter:  # run the lifespan (opens the database) and add a document
        files = [("files", ("alpha.txt", REPORT, "text/plain"))]
        headers = {"Authorization": f"Bearer {tokens['editor']}"}
        assert starter.post("/api/v1/documents", files=files, headers=headers).status_code == 201
        problems = []
        for role in ROLES:
            client = session_for(app, role)
            client.__enter__()
            token = csrf_of(client)
            # Logging out last: the routes sorted after it ("/persons", "/testimony") need the session.
            for (method, template), allowed in sorted(
                MATRIX.items(), key=lambda i: (i[0][1] == "/logout", i)
            ):
                path = concrete(template)
                headers = {}
                if path.startswith("/api/") and role != "anonymous":
                    headers["Authorization"] = f"Bearer {tokens[role]}"
                if method == "GET":
                    answer = client.get(path, headers=headers)
                elif path.startswith("/api/"):
                    body = {"field": "count", "value": "3", "reason": "x", "other": 1, "sources": [1]}
                    if path == "/api/v1/documents":
                        answer = client.post(path, headers=headers, files=files)
                    else:
                        answer = client.post(path, headers=headers, json=body)
                else:
                    form = {"csrf": token, "username": role, "password": "wrong", "code": "000000"}
                    answer = client.post(path, data=form, files=files if path == "/documents" else None)
                denied = refused(answer.status_code, answer.headers.get("location", ""))
                if (role in allowed) == denied:
                    problems.append(f"{role:9} {method} {path}: {answer.status_code}")
                if answer.status_code >= 500:
                    problems.append(f"{role:9} {method} {path}: server error {answer.status_code}")
            client.__exit__(None, None, None)
        assert problems == [], "\n".join(problems)
