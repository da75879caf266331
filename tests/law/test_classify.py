"""The legal classification over a table of cases (states x dates x acts x victims), issue #17.

Every example the issue names is here. Incidents are fictional; the law and
the dates are real (src/refwatch/law/data/treaties.toml, with their sources).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from refwatch.cli.app import app
from refwatch.law import classify_incident
from refwatch.law.classify import load_rules
from refwatch.law.framework import CODES, load_framework, parse_framework


def incident(
    types: list[str],
    date: str | None,
    *,
    state: str | None = None,
    places: tuple[str, ...] = (),
    children: int | None = None,
    women: int | None = None,
) -> dict[str, Any]:
    return {
        "document": "fictional",
        "event_types": types,
        "date": {"start": date, "end": date, "precision": "day" if date else "unknown"},
        "victims": {"count": 5, "children": children, "women": women},
        "perpetrators": [{"state": state, "agency": "police"}] if state else [],
        "locations": [{"country": c, "role": "other"} for c in places],
    }


def engaged(record: dict[str, Any]) -> dict[tuple[str, str, str], bool | None]:
    return {(o["instrument"], o["article"], o["state"]): o["in_force"] for o in classify_incident(record)}


def test_deportation_by_laos_in_may_2013_engages_cat_art_3() -> None:
    found = engaged(incident(["deportation"], "2013-05-14", state="LA"))
    assert found[("CAT", "3", "LA")] is True  # ratified 26 Sep 2012, in force 26 Oct 2012


def test_the_same_act_in_july_2012_does_not_but_customary_law_still_applies() -> None:
    found = engaged(incident(["deportation"], "2012-07-14", state="LA"))
    assert found[("CAT", "3", "LA")] is False
    assert found[("CUSTOMARY", "non-refoulement", "LA")] is True


@pytest.mark.parametrize("state", ["LA", "VN"])
def test_laos_and_vietnam_are_not_parties_to_the_refugee_convention(state: str) -> None:
    found = engaged(incident(["deportation"], "2020-01-10", state=state))
    assert not [k for k in found if k[0] == "RC1951"]


def test_repatriation_by_china_in_2023_engages_rc_art_33_and_cat_art_3_and_crc_with_children() -> None:
    adults = engaged(incident(["arrest", "repatriation"], "2023-10-09", state="CN"))
    assert adults[("RC1951", "33", "CN")] is True
    assert adults[("CAT", "3", "CN")] is True
    assert ("CRC", "22", "CN") not in adults
    with_children = engaged(incident(["repatriation"], "2023-10-09", state="CN", children=3))
    assert with_children[("CRC", "22", "CN")] is True


def test_china_signed_but_never_ratified_the_iccpr() -> None:
    found = classify_incident(incident(["detention"], "2015-03-01", state="CN"))
    iccpr = next(o for o in found if o["instrument"] == "ICCPR")
    assert (iccpr["article"], iccpr["in_force"]) == ("9", False)
    assert "signed on 1998-10-05" in iccpr["reason"]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("1988-11-02", False),
        ("1988-11-03", True),
        (None, None),
    ],  # CAT for China: deposit 4 Oct 1988 + 30 days
)
def test_entry_into_force_is_the_thirtieth_day_after_deposit(date: str | None, expected: bool | None) -> None:
    found = engaged(incident(["repatriation"], date, state="CN"))
    assert found[("CAT", "3", "CN")] is expected


def test_a_date_range_across_entry_into_force_is_unknown() -> None:
    record = incident(["deportation"], "2012-10-01", state="LA")
    record["date"]["end"] = "2012-11-30"
    assert engaged(record)[("CAT", "3", "LA")] is None


def test_acts_in_the_dprk_engage_its_own_obligations() -> None:
    found = engaged(incident(["imprisonment", "torture", "execution"], "2019-06-01", state="KP", children=2))
    assert found[("ICCPR", "7", "KP")] is True
    assert found[("ICCPR", "6", "KP")] is True
    assert found[("ICCPR", "12(2)", "KP")] is True
    assert found[("CRC", "37", "KP")] is True
    assert ("CAT", "16", "KP") not in found  # never a party
    assert not [k for k in found if k[0] == "RC1951"]  # the DPRK returns no one


def test_trafficking_of_women_engages_cedaw_art_6_where_it_happened() -> None:
    found = engaged(incident(["trafficking"], "2010-02-01", places=("CN",), women=4))
    assert found[("CEDAW", "6", "CN")] is True
    assert ("CEDAW", "6", "CN") not in engaged(incident(["trafficking"], "2010-02-01", places=("CN",)))


def test_a_return_with_no_state_named_is_attributed_to_china_and_says_so() -> None:
    found = classify_incident(incident(["repatriation"], "2021-04-01"))
    rc = next(o for o in found if o["instrument"] == "RC1951")
    assert rc["state"] == "CN" and "no other state is named" in rc["reason"]


def test_output_is_the_contract_shape_in_a_stable_order() -> None:
    found = classify_incident(incident(["arrest", "repatriation", "torture"], "2023-10-09", state="CN"))
    assert all(set(o) == {"instrument", "article", "state", "in_force", "reason"} for o in found)
    assert all(o["instrument"] in CODES for o in found)
    order = [CODES.index(o["instrument"]) for o in found]
    assert order == sorted(order)
    assert all(o["reason"].endswith(".") and len(o["reason"]) < 600 for o in found)


def test_every_participation_has_a_source_and_dates_in_order() -> None:
    framework = load_framework()
    assert load_rules()
    for (code, state), record in framework.participations.items():
        assert record.source.startswith("https://"), (code, state)
        if record.signature and record.consent:
            assert record.signature <= record.consent, (code, state)
        since = framework.in_force_for(code, state)
        if since is not None:
            assert since >= (framework.instruments[code].entry_into_force or dt.date.min)


def test_a_broken_data_file_names_its_entry() -> None:
    raw = {
        "instruments": {
            code: {"name": code, "articles": {"1": "x"}, "source": "https://example.org"} for code in CODES
        },
        "participation": [{"instrument": "CAT", "state": "LA", "ratification": "26-09-2012", "source": "x"}],
    }
    with pytest.raises(ValueError, match="CAT/LA.*not a date"):
        parse_framework(raw)


def test_cli_adds_the_legal_list_to_each_line(tmp_path: Path) -> None:
    source = tmp_path / "incidents.jsonl"
    rows = [incident(["deportation"], "2013-05-14", state="LA"), incident(["repatriation"], "2023-10-09")]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "classified.jsonl"
    result = CliRunner().invoke(app, ["law", "classify", str(source), "--output", str(out)])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["document"] for r in written] == ["fictional", "fictional"]
    assert ("CAT", "3", "LA", True) in {
        (o["instrument"], o["article"], o["state"], o["in_force"]) for o in written[0]["legal"]
    }
    source.write_text('{"event_types": ["deportation"]}\nnot json\n', encoding="utf-8")
    bad = CliRunner().invoke(app, ["law", "classify", str(source)])
    assert bad.exit_code == 1 and "line 2" in bad.output
