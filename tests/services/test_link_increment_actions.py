"""Every audit action recorded in src/ is classified for incremental linking (issue #20).

:mod:`refwatch.services.link_increment` links only new reports when every audit entry since the
last relink is an action known not to change what linking reads. Its list of such actions was
written by hand and went stale silently; this test reads the source (no import, no database),
finds every action passed to ``audit.record`` / ``audit.Entry``, directly or through a helper that
passes its own parameter on, and requires each to be classified one way or the other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from refwatch.services.link_increment import RELINKS, UNRELATED, UNRELATED_PREFIXES, forces_relink

SRC = Path(__file__).resolve().parents[2] / "src" / "refwatch"
ROOTS = {"record": "action", "Entry": "action"}  # storage/audit.py: the two ways an entry is made


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _strings(node: ast.expr) -> Iterator[str] | None:
    """The strings ``node`` can evaluate to, when the source spells them out; None when it does not."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return iter([node.value])
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else iter([*body, *orelse])
    if isinstance(node, ast.JoinedStr):
        options = [""]
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                found = _strings(part.value)
                if found is None:
                    return None
                choices = list(found)
            else:
                found = _strings(part)
                if found is None:
                    return None
                choices = list(found)
            options = [a + b for a in options for b in choices]
        return iter(options)
    return None


def _argument(call: ast.Call, keyword: str, position: int | None) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None and position < len(call.args):
        return call.args[position]
    return None


def _parameters(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    names = [a.arg for a in func.args.posonlyargs + func.args.args]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def _assigned(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> list[str] | None:
    """The strings a local variable is set to in ``func``, when every assignment spells them out."""
    values: list[str] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found = _strings(node.value)
            if found is None:
                return None
            values.extend(found)
    return values or None


def recorded_actions() -> tuple[set[str], list[str]]:
    """Actions recorded in src/, and the places whose action the source does not spell out."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(SRC.rglob("*.py"))}
    # functions that pass their parameter on as an entry's action: name (a private one with its
    # module, since several modules have a ``_log``) -> (keyword, position)
    recorders: dict[tuple[Path | None, str], tuple[str, int | None]] = {
        (None, name): (kw, None) for name, kw in ROOTS.items()
    }
    actions: set[str] = set()
    unresolved: list[str] = []
    changed = True
    while changed:
        changed = False
        actions.clear()
        unresolved.clear()
        for path, tree in trees.items():
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                params = _parameters(func)
                for call in ast.walk(func):
                    if not isinstance(call, ast.Call):
                        continue
                    name = _called_name(call)
                    if name is None:
                        continue
                    spec = recorders.get((path if name.startswith("_") else None, name))
                    if spec is None:
                        continue
                    arg = _argument(call, *spec)
                    if arg is None:
                        continue
                    found = _strings(arg)
                    if found is None and isinstance(arg, ast.Name) and arg.id not in params:
                        found = _assigned(func, arg.id)
                    if found is not None:
                        actions.update(found)
                    elif isinstance(arg, ast.Name) and arg.id in params:
                        key = (path if func.name.startswith("_") else None, func.name)
                        if key not in recorders:
                            recorders[key] = (arg.id, params.index(arg.id))
                            changed = True
                    elif isinstance(arg, ast.Attribute) and arg.attr == "action":
                        continue  # an entry copied from another (audit.record_many's own loop)
                    else:
                        unresolved.append(f"{path.relative_to(SRC)}:{call.lineno}")
    return actions, unresolved


def test_every_recorded_action_is_classified() -> None:
    actions, unresolved = recorded_actions()
    assert not unresolved, f"audit actions the source does not spell out: {unresolved}"
    assert {"document.ingest", "incident.merge", "incidents.relink", "user.add"} <= actions
    unclassified = sorted(
        a for a in actions if a not in UNRELATED and a not in RELINKS and not a.startswith(UNRELATED_PREFIXES)
    )
    assert not unclassified, (
        f"add these audit actions to UNRELATED or RELINKS in services/link_increment.py: {unclassified}"
    )


def test_no_action_is_classified_both_ways_or_forgotten() -> None:
    actions, _ = recorded_actions()
    assert not UNRELATED & RELINKS
    stale = sorted((UNRELATED | RELINKS) - actions)
    assert not stale, f"classified but recorded nowhere in src/ (renamed or removed?): {stale}"


def test_forces_relink_follows_the_lists() -> None:
    assert not forces_relink("document.ingest")
    assert not forces_relink("user.add")
    assert not forces_relink("login_failed")  # forgotten by the hand-written list: a full relink each time
    assert forces_relink("incident.merge")
    assert forces_relink("an.action.nobody.declared")
