"""How a letter writes where an incident happened (made-up incidents, no person).

Letters left out the facility (the detention centre a partner named) and wrote Korean addresses in
English order with commas ("투먼, 지린성, 중국"): Korean writes an address from the country down.
Instrument and state names come from the law's one table (``law/data/names.toml``), shared with the
pages and the period report.
"""

from __future__ import annotations

from typing import Any

import pytest

from refwatch.law.names import instrument_name, names, state_name
from refwatch.report.letters.compose import compose_letter
from refwatch.services.placenames import place_name


def _record(**location: str) -> dict[str, Any]:
    return {
        "id": 1,
        "date": {"start": "2031-03-02", "precision": "day"},
        "victims": {"count": 7},
        "status": "returned",
        "event_types": ["repatriation"],
        "locations": [location],
        "perpetrators": [{"state": "CN", "agency": "police"}],
        "sources": [{"document": "fictional", "outlet": "Fictional Wire"}],
        "legal": [
            {"instrument": "CAT", "article": "3", "state": "CN", "in_force": True, "reason": "fictional"}
        ],
    }


def _facts(lang: str, **location: str) -> str:
    letter = compose_letter([_record(**location)], to="unhcr", lang=lang, author="F", place_name=place_name)
    return "\n".join("\n".join(section.items) for section in letter.sections)


def test_an_english_letter_names_the_facility_then_the_place_up_to_the_country() -> None:
    text = _facts("en", facility="Fictional Detention Centre", place="Tumen", admin1="Jilin", country="CN")
    assert "Fictional Detention Centre, Tumen, Jilin, China" in text
    assert "Convention against Torture, art. 3 (China)" in text


def test_a_korean_letter_writes_the_address_from_the_country_down() -> None:
    text = _facts("ko", facility="Fictional Detention Centre", place="Tumen", admin1="Jilin", country="CN")
    assert "중국 지린성 투먼 Fictional Detention Centre" in text  # no Korean name known: the stored one
    assert "고문방지협약 제3조 (중국)" in text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_instrument_of_the_classification_and_every_state_it_names_has_a_name(lang: str) -> None:
    from refwatch.law.framework import CODES, load_framework

    framework = load_framework()
    assert set(CODES) <= set(names("instruments", lang))
    for code in CODES:
        assert instrument_name(code, lang) != code
    for state in {state for _, state in framework.participations}:
        assert state_name(state, lang) != state, state
