"""SQL lives in storage/ (STYLE.md): services compose repositories and build no statement of their own.

A service may still name SQLAlchemy's types (a ``Session`` it opens, a
``Select`` a repository hands it to page or count), but none of what builds
a statement. import-linter cannot tell those apart (both come from the
``sqlalchemy`` package), so this reads the imports. Until the sqlstore
change, ``services/browse.py`` alone built some fifteen statements, and
keys, entry, backup, caching and public_site a few each.
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[1] / "src" / "refwatch" / "services"

#: What builds or runs SQL by hand, from ``sqlalchemy`` or its ``sql``/``orm`` modules.
BUILDERS = frozenset(
    {
        "select",
        "insert",
        "update",
        "delete",
        "text",
        "func",
        "literal",
        "literal_column",
        "column",
        "table",
        "and_",
        "or_",
        "not_",
        "exists",
        "bindparam",
        "cast",
        "union",
        "union_all",
        "defer",
        "selectinload",
        "joinedload",
        "aliased",
    }
)

#: Not moved yet, on purpose: linking is delicate and was just changed (say so in the notes).
NOT_YET = frozenset({"linking.py", "link_increment.py"})


def _builders_imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            found.update(alias.name for alias in node.names if alias.name in BUILDERS)
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "sqlalchemy" for a in node.names):
            found.add("sqlalchemy")  # a whole-package import could build anything
    return found


def test_services_build_no_statement() -> None:
    offenders = {
        path.name: sorted(names)
        for path in sorted(SERVICES.glob("*.py"))
        if path.name not in NOT_YET and (names := _builders_imported(path))
    }
    assert offenders == {}, "move these statements to a repository in storage/"


def test_the_check_sees_a_builder() -> None:
    """The check itself: the services left alone do build statements, and it finds them."""
    assert all(_builders_imported(SERVICES / name) for name in NOT_YET)
