"""#19, the dashboard map in headless Chromium, in English and Korean: the size legend lies wholly inside the
map's box (it was drawn past the right edge and cut), tooltips carry what happened at each place in the
reader's language, and the page draws its charts with Vega alone from specs compiled on the server (no
Vega-Lite, no vega-embed loaded: #19 speed), the outlines as one picture. A screen reader hears each circle
as a place with its people, incidents and what happened there, in the reader's language: Vega-Lite's
default label read the projected pixels ("x: 78.17; y: -108.13"). Fictional report."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from test_ui import EN, log_in, page, pytestmark, server, shots, upload  # noqa: F401 (fixtures)

from refwatch.web import vendor

BOXES = """() => {
  const box = (el) => el.getBoundingClientRect().toJSON();
  const legend = document.querySelector("#map .role-legend");
  return {map: box(document.getElementById("map")), legend: legend && box(legend)};
}"""
#: What the page loaded and what the map is made of.
LOADED = """() => ({
  scripts: performance.getEntriesByType("resource").map((r) => r.name.split("/").pop())
    .filter((name) => name.endsWith(".js")),
  vegaLite: typeof window.vegaLite, embed: typeof window.vegaEmbed,
  outlines: [...document.querySelectorAll("#map svg image")].map((i) => i.getAttribute("href")),
  circles: [...document.querySelectorAll("#map svg .mark-symbol [role=graphics-symbol]")].map(
    (c) => [c.getAttribute("aria-roledescription"), c.getAttribute("aria-label")]),
  legend: document.querySelector("#map .role-legend").textContent,
})"""
#: Per language: the legend's title, a tooltip's place title and the role of the report's place.
WORDS = {"en": ("People", "Place", "arrest"), "ko": ("인원", "장소", "체포")}
#: Per language: what a screen reader announces for the report's one place (Shenyang, 12 people).
SPOKEN = {
    "en": ("Place", "Shenyang; People: 12; Incidents: 1; What happened there: arrest"),
    "ko": ("장소", "선양; 인원: 12; 사건: 1; 그곳에서 일어난 일: 체포"),
}


@pytest.mark.skipif(not vendor.ready(), reason="!!! web assets missing: run `make web-assets` !!!")
@pytest.mark.parametrize(("width", "lang"), [(1280, "en"), (640, "ko")])  # a laptop; a phone held sideways
def test_map_legend_is_inside_the_map(server: str, page: Page, tmp_path: Path, width: int, lang: str) -> None:  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    report = tmp_path / "alpha.txt"
    report.write_text(EN, encoding="utf-8")
    log_in(page, server)
    upload(page, server, [report])
    page.goto(f"{server}/lang/{lang}?next=/")
    page.wait_for_selector("#map[data-rendered=true] svg .role-legend", timeout=15_000)
    boxes = page.evaluate(BOXES)
    legend, frame = boxes["legend"], boxes["map"]
    assert legend is not None
    assert frame["left"] <= legend["left"] and legend["right"] <= frame["right"] + 0.5, boxes
    assert frame["top"] <= legend["top"] and legend["bottom"] <= frame["bottom"] + 0.5, boxes

    title, place, role = WORDS[lang]
    loaded = page.evaluate(LOADED)
    assert sorted(loaded["scripts"]) == ["app.js", "vega-interpreter.min.js", "vega.min.js"], loaded
    assert loaded["vegaLite"] == loaded["embed"] == "undefined"
    assert len(loaded["outlines"]) == 1 and loaded["outlines"][0].endswith("/countries-region.svg")
    assert loaded["circles"] == [list(SPOKEN[lang])], loaded["circles"]  # no pixel positions
    assert loaded["legend"].endswith(title)  # the title, after its labels
    # The tooltip names the place and what happened there, in the reader's language; text only.
    page.locator("#map").scroll_into_view_if_needed()
    circle = page.locator("#map svg .mark-symbol [role=graphics-symbol]").first.bounding_box()
    assert circle is not None
    page.mouse.move(circle["x"] + circle["width"] / 2, circle["y"] + circle["height"] / 2)
    tip = page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
    assert tip is not None
    shown = tip.inner_text()
    assert place in shown and role in shown, shown
    assert page.locator("#vg-tooltip-element *:not(table, tbody, tr, td)").count() == 0
    page.screenshot(path=str(shots(tmp_path) / f"dashboard-map-{width}-{lang}.png"), full_page=True)
    assert page.problems == []  # type: ignore[attr-defined]
