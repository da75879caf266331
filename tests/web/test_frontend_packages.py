"""#19: every npm package the set-up installs (``make web-assets``) is one that something uses.

Once the charts came compiled to Vega on the server (``report.vega``, vl-convert carrying its own
Vega-Lite), no page loaded Vega-Lite or vega-embed, yet ``package.json`` kept installing both and
their twenty-odd dependencies. A package counts as used when a file the pages serve comes from it
(``vendor.FILES``), the bundled interpreter imports it, or code or tests read a file under its
``node_modules`` folder (the report's outlines, the axe-core check).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from refwatch.web import vendor

ROOT = Path(__file__).resolve().parents[2]


def used_packages() -> set[str]:
    paths = [str(path) for path in vendor.FILES.values()]
    for folder in (ROOT / "src", ROOT / "tests"):
        paths += [path.read_text(encoding="utf-8") for path in folder.rglob("*.py")]
    found = {m for text in paths for m in re.findall(r"node_modules/((?:@[\w.-]+/)?[\w.-]+)/", text)}
    bundled = (vendor.FRONTEND / "interpreter.js").read_text(encoding="utf-8")
    return found | set(re.findall(r'from "((?:@[\w.-]+/)?[\w.-]+)"', bundled))


def test_every_installed_front_end_package_is_used() -> None:
    manifest = json.loads((vendor.FRONTEND / "package.json").read_text(encoding="utf-8"))
    installed = set(manifest["dependencies"])
    assert installed - used_packages() == set()
    assert {"vega-lite", "vega-embed"}.isdisjoint(installed)  # the charts are compiled on the server
    lock = json.loads((vendor.FRONTEND / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]  # `npm ci` would refuse
    assert "node_modules/vega-lite" not in lock["packages"]
