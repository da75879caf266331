"""Vega-Lite specs compiled to Vega once, on the server, so a page need not load Vega-Lite (#19 speed).

A browser drawing a Vega-Lite spec first loads and runs Vega-Lite (250 kB of
script) and vega-embed (60 kB) on every page view, then compiles the spec,
before Vega can start; on the dashboard that fixed cost was most of what kept
the map over 300 ms on a warm cache. The compiled Vega spec is what the browser
would have made itself: vl-convert (already the reports' SVG maker) runs the
same Vega-Lite release as the npm package pages used (:data:`VEGA_LITE`).

Compiling costs a few milliseconds once vl-convert is started (about half a
second, the first time in a process), so results are kept per content: the
key is the spec's canonical JSON, so equal specs share one entry whatever
their key order, and a changed spec is a new entry. Pure: no I/O.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

#: The Vega-Lite release vl-convert compiles with: vl-convert (a Python wheel) carries its own copy, for
#: these specs and the reports' SVG alike, so ``web/frontend`` installs no Vega-Lite (only the reports'
#: map outlines, world-atlas, come from npm).
VEGA_LITE = "6.4"
#: How many compiled specs are kept (a few kB each: the map's outlines are fetched, not inlined).
KEPT = 256


def to_vega(spec: dict[str, Any]) -> dict[str, Any]:
    """The Vega spec a browser would compile from the Vega-Lite ``spec`` (a fresh copy each call)."""
    compiled: dict[str, Any] = json.loads(_compiled(json.dumps(spec, sort_keys=True, ensure_ascii=False)))
    return compiled


@lru_cache(maxsize=KEPT)
def _compiled(canonical: str) -> str:
    import vl_convert  # a native extension: loaded when a chart is first compiled

    vega: dict[str, Any] = vl_convert.vegalite_to_vega(json.loads(canonical), vl_version=VEGA_LITE)
    return json.dumps(vega, ensure_ascii=False)
