"""Chinese (simplified and traditional): event words, people nouns and counters.

Chinese mostly appears inside English or Korean reports as place or agency
names; full Chinese reports get the same event and count words as the others.
"""

from __future__ import annotations

from typing import Final

TRIGGERS: Final[tuple[tuple[str, tuple[str, ...], bool], ...]] = (
    (r"强制遣返|強制遣返|遣返|遣送|送回朝鲜|送回朝鮮", ("repatriation",), False),
    (r"驱逐出境|驅逐出境|驱逐|驅逐", ("deportation",), False),
    (r"逮捕|抓捕|抓获|抓獲|拘捕|被抓", ("arrest", "detention"), False),
    (r"拘留|拘押|羁押|羈押|关押|關押|扣押", ("detention",), False),
    (r"移送|押送|转移|轉移", ("transfer",), False),
    (r"自杀|自殺", ("death",), False),
)
IRREALIS_AFTER: Final = r"^(?:的?(?:危险|危險|风险|風險|可能)|计划|計劃)"
VICTIM_NOUNS: Final = r"脱北者|脫北者|朝鲜人|朝鮮人|难民|難民|朝鲜难民|居民"
COUNTERS: Final = r"名|人"
#: Third countries on the road south (see ``en.ROUTE_COUNTRIES``).
ROUTE_COUNTRIES: Final = r"老挝|越南|泰国|蒙古|缅甸|柬埔寨"
