"""The web layer's shape (#19): pages by resource under ``web/routes``, dependencies defined once.

Before #19 one ``pages.py`` held every page (login, dashboard, documents,
incidents, review), and the ``Annotated`` dependencies were written out again in
``pages``, ``api``, ``persons`` and ``interventions``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi.routing import APIRoute

import refwatch.web
from refwatch.web import pages

WEB = Path(refwatch.web.__file__).parent
#: The aliases every route names; :mod:`refwatch.web.deps` alone defines them.
SHARED = {"Db", "Reader", "Writer", "User", "Editor", "LoggedIn", "IncidentId"}


def test_shared_dependencies_are_defined_once_in_deps() -> None:
    defined: dict[str, list[str]] = {}
    for module in sorted(WEB.rglob("*.py")):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in SHARED:
                        defined.setdefault(target.id, []).append(str(module.relative_to(WEB)))
    assert defined == {name: ["deps.py"] for name in SHARED}


def test_each_page_lives_in_the_router_module_of_its_resource() -> None:
    homes = {
        route.path: route.endpoint.__module__ for route in pages.router.routes if isinstance(route, APIRoute)
    }
    expected = {
        "/login": "accounts",
        "/account/2fa": "accounts",
        "/logout": "accounts",
        "/lang/{code}": "accounts",
        "/": "dashboard",
        "/public": "public",
        "/documents": "documents",
        "/documents/{ref}": "documents",
        "/documents/by-key/{key}/original": "documents",
        "/incidents": "incidents",
        "/incidents/{incident_id}/{action}": "incidents",
        "/review": "review",
    }
    for path, module in expected.items():
        assert homes[path] == f"refwatch.web.routes.{module}", path
    assert all(home.startswith("refwatch.web.routes.") for home in homes.values())
