"""#19, the dashboard map in headless Chromium: the size legend lies wholly inside the map's box (it was
drawn past the right edge and cut), and tooltips carry what happened at each place. Fictional report."""

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


@pytest.mark.skipif(not vendor.ready(), reason="!!! web assets missing: run `make web-assets` !!!")
@pytest.mark.parametrize("width", [1280, 640])  # a laptop, a phone held sideways
def test_map_legend_is_inside_the_map(server: str, page: Page, tmp_path: Path, width: int) -> None:  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    report = tmp_path / "alpha.txt"
    report.write_text(EN, encoding="utf-8")
    log_in(page, server)
    upload(page, server, [report])
    page.goto(server + "/")
    page.wait_for_selector("#map[data-rendered=true] svg .role-legend", timeout=15_000)
    boxes = page.evaluate(BOXES)
    legend, frame = boxes["legend"], boxes["map"]
    assert legend is not None
    assert frame["left"] <= legend["left"] and legend["right"] <= frame["right"] + 0.5, boxes
    assert frame["top"] <= legend["top"] and legend["bottom"] <= frame["bottom"] + 0.5, boxes
    page.screenshot(path=str(shots(tmp_path) / f"dashboard-map-{width}.png"), full_page=True)
    assert page.problems == []  # type: ignore[attr-defined]
