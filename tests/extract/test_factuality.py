"""Whether an event mention reports something that happened to a group (made-up sentences).

Each case stands for a class of expression: habitual present tense, gerunds naming a
kind of act, conditionals, "about to", Korean verbal nouns used as nouns, Korean
conditionals. None is taken from a real report.
"""

from __future__ import annotations

import datetime as dt

import pytest

from refwatch.extract import extract_document
from refwatch.extract.segment import split_sentences
from refwatch.extract.triggers import find_triggers


def _realis(text: str) -> list[tuple[str, bool]]:
    return [(t.text, t.realis and not t.nominal) for t in find_triggers(text, split_sentences(text))]


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: Country X, which arrests migrants and sends them back, was criticised.",
        "Fictional: the state routinely deports those it catches.",
        "Fictional: it repatriates anyone found without papers.",
    ],
)
def test_present_tense_tells_what_happens_as_a_rule(text: str) -> None:
    assert not any(realis for _, realis in _realis(text))


@pytest.mark.parametrize(
    "text",
    [
        "“Sending them back would be a crime,” the fictional envoy said.",
        "Fictional: by deporting them, the state breaks its word.",
        "Fictional: the agency was blamed for repatriating refugees.",
    ],
)
def test_a_gerund_names_a_kind_of_act(text: str) -> None:
    found = dict(_realis(text))
    assert not any(found.values()), found


def test_a_conditional_clause_is_not_a_report_of_an_event() -> None:
    text = "Fictional: the ministry will act if the group is found to have been repatriated."
    assert _realis(text) == [("repatriated", False)]


@pytest.mark.parametrize(
    ("text", "realis"),
    [
        ("Fictional: about 10 people were arrested in Tumen on 3 May 2019.", True),
        ("Fictional: the group is about to be repatriated.", False),
    ],
)
def test_about_qualifies_a_figure_unless_it_is_about_to(text: str, realis: bool) -> None:
    triggers = find_triggers(text, split_sentences(text))
    assert triggers[0].realis is realis
    if not realis:
        assert triggers[0].intent


def test_past_tense_events_still_happen() -> None:
    text = "Fictional: police arrested five people in Yanji and sent them back to North Korea."
    assert all(realis for _, realis in _realis(text))


@pytest.mark.parametrize(
    "text",
    [
        "가상: 탈북민 강제 북송이 국경 전역으로 확대됐다.",  # 북송 + subject particle
        "가상: 이들은 체포를 피해 산으로 숨었다.",  # 체포 + object particle
        "가상: 단체는 송환에 항의했다.",  # 송환 + locative particle
        "가상: 북한으로 송환되면 처벌을 받는다.",  # conditional
        "가상: 체포될 경우 북송된다는 두려움이 크다.",  # conditional, reported speech
    ],
)
def test_korean_verbal_nouns_as_nouns_and_conditionals_report_nothing(text: str) -> None:
    found = _realis(text)
    assert found and not any(realis for _, realis in found), found


@pytest.mark.parametrize(
    "text",
    [
        "가상: 탈북민 5명이 지난 3일 체포됐다.",
        "가상: 탈북자 7명이 강제북송된 것으로 알려졌다.",
        "가상: 이들은 지난달 북송을 당했다.",  # passive with 당하다
        "가상 제목: 탈북민 8명 中서 체포",  # headline noun
    ],
)
def test_korean_verb_endings_and_headline_nouns_report_an_event(text: str) -> None:
    found = _realis(text)
    assert found and all(realis for _, realis in found), found


def test_a_general_sentence_does_not_make_a_group_returned() -> None:
    text = (
        "Fictional: police detained 6 North Koreans in Dandong on 2 March 2016. "
        "The country, which arrests defectors and sends them back, denies any wrongdoing."
    )
    (incident,) = extract_document(text, document="demo")
    assert incident.status == "at_risk"
    assert "repatriation" not in incident.event_types


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: those caught are in some cases executed.",
        "Fictional: returnees are often tortured.",
    ],
)
def test_frequency_adverbs_describe_what_tends_to_happen(text: str) -> None:
    assert _realis(text)[-1][1] is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fictional: they will be tortured and publicly executed.", [False, False]),
        ("Fictional: they could be sent to prison, or a labour camp.", [False, False]),
        ("Fictional: police arrested them and sent them back.", [True, True]),
        ("Fictional: no one could confirm the arrests, and said they detained two.", [False, True]),
    ],
)
def test_coordinated_events_share_their_modality(text: str, expected: list[bool]) -> None:
    triggers = find_triggers(text, split_sentences(text))
    assert [t.realis for t in triggers] == expected


@pytest.mark.parametrize(
    ("text", "nominal"),
    [
        ("Fictional: deported North Koreans face punishment.", True),
        ("Fictional: the repatriated women were questioned.", True),
        ("Fictional: the nine deported youths were questioned.", False),
        ("Fictional: nine youths were deported to China.", False),
    ],
)
def test_a_participle_before_the_people_qualifies_them(text: str, nominal: bool) -> None:
    first = find_triggers(text, split_sentences(text))[0]
    assert first.nominal is nominal


def test_a_feared_place_of_punishment_is_not_reached() -> None:
    text = "Fictional: returnees face torture, hunger and incarceration in labour camps."
    assert _realis(text) == [("labour camps", False)]


@pytest.mark.parametrize(
    "text",
    ["가상: 북송된 이들은 실종, 고문, 처형 등 위협에 직면한다.", "가상: 구금 및 처형의 위험이 크다."],
)
def test_korean_nouns_in_a_list_name_kinds_of_harm(text: str) -> None:
    found = [(t.text, t.realis and not t.nominal) for t in find_triggers(text, split_sentences(text))]
    assert ("처형", False) in found, found


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("가상: 지난해 탈북했던 청년 4명이 체포됐다.", False),  # retrospective adnominal: background
        ("가상: 탈북민 6명이 국경을 넘어 라오스로 들어갔다.", False),  # between third countries
        ("Fictional: five people who had fled North Korea were arrested.", False),
        ("Fictional: the group crossed the border into Laos on 2 May 2019.", False),
        ("가상: 세 가족이 탈북했지만 체포됐다.", True),
        ("Fictional: the family crossed the Tumen River and was caught.", True),
        ("Fictional: guards arrested two people attempting to cross the Tumen River.", True),
        ("Fictional: defectors continue to attempt to cross the border.", False),
    ],
)
def test_a_crossing_is_a_step_only_when_it_leaves_north_korea_within_the_incident(
    text: str, step: bool
) -> None:
    crossing = next((t for t in find_triggers(text, split_sentences(text)) if t.types == ("crossing",)), None)
    assert (crossing is not None and crossing.realis and not crossing.nominal) is step


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Fictional: more than 20 defectors are currently imprisoned in Dandong.", "detention"),
        ("Fictional: 12 defectors were jailed in China on 3 May 2019.", "detention"),
        ("Fictional: she was imprisoned in Hoeryong after her return.", "imprisonment"),
    ],
)
def test_prison_in_china_is_custody_and_in_north_korea_a_sentence(text: str, kind: str) -> None:
    trigger = next(
        t for t in find_triggers(text, split_sentences(text)) if t.text in ("imprisoned", "jailed")
    )
    assert trigger.types == (kind,)


def test_an_event_noun_with_its_own_figure_and_date_is_one_event() -> None:
    text = "Fictional: the latest repatriation was of 300 refugees in October 2021."
    (incident,) = extract_document(text, document="demo")
    assert (incident.victims.count, incident.date.start) == (300, "2021-10-01")
    assert "repatriation" in incident.event_types


def test_a_state_noun_with_a_figure_and_date_is_no_event() -> None:
    text = "Fictional: on 2 May 2019 an envoy met the 9 refugees in detention."
    assert extract_document(text, document="demo") == []


def test_an_arrest_alone_does_not_say_the_people_were_held() -> None:
    text = "Fictional: police arrested 14 North Koreans in Yanji on 3 March 2015."
    (incident,) = extract_document(text, document="demo")
    assert incident.event_types == ["arrest"]


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: envoys urged the state to act rather than returning them to North Korea.",
        "Fictional: it made efforts to sweep up and forcibly repatriate refugees.",
        "Fictional: such returns were held routinely before the border closed.",
        "Fictional: the report caught the attention of diplomats.",
    ],
)
def test_alternatives_infinitives_routines_and_idioms_report_no_event(text: str) -> None:
    found = _realis(text)
    assert not any(realis for _, realis in found), found


def test_caught_somewhere_is_still_an_arrest() -> None:
    assert _realis("Fictional: 31 refugees caught on its soil this month.") == [("caught", True)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Fictional: Laos sent the nine back to China on 27 May.", "deportation"),
        ("Fictional: the group was returned to China.", "deportation"),
        ("가상: 라오스는 이들을 중국으로 송환했다.", "deportation"),
        ("가상: 라오스 경찰은 이들을 중국으로 넘겼다.", "deportation"),
        ("가상: 베트남 당국은 이들을 중국 측에 인계했다.", "deportation"),
        ("Fictional: China sent them back to North Korea.", "repatriation"),
        ("가상: 중국은 이들을 북한으로 송환했다.", "repatriation"),
    ],
)
def test_a_return_to_china_is_a_deportation_and_to_north_korea_a_repatriation(text: str, kind: str) -> None:
    (trigger,) = find_triggers(text, split_sentences(text))
    assert trigger.types == (kind,)


def test_a_sentence_about_people_in_general_adds_nothing_to_a_group() -> None:
    text = (
        "Fictional: police arrested 12 North Koreans in Yanji on 3 May 2019. "
        "Defectors were released by the thousands last decade and tortured on return."
    )
    (incident,) = extract_document(text, document="demo")
    assert incident.status == "at_risk"
    assert incident.event_types == ["arrest"]


def test_a_sentence_about_the_group_adds_to_it() -> None:
    text = (
        "Fictional: police arrested 12 North Koreans in Yanji on 3 May 2019. They were released a week later."
    )
    (incident,) = extract_document(text, document="demo")
    assert incident.status == "released"


@pytest.mark.parametrize(
    ("text", "held"),
    [
        (
            "Fictional: police arrested 14 North Koreans in Yanji on 3 March 2015; they face repatriation.",
            True,
        ),
        ("가상: 탈북민 14명이 지난 3일 옌지에서 체포돼 강제북송 위기에 처했다.", True),
        ("Fictional: police arrested 14 North Koreans in Yanji on 3 March 2015.", False),
    ],
)
def test_caught_and_facing_return_means_held(text: str, held: bool) -> None:
    (incident,) = extract_document(text, document="demo")
    assert ("detention" in incident.event_types) is held


@pytest.mark.parametrize(
    ("text", "moved"),
    [
        ("Fictional: the nine were sent to a detention centre near the border.", True),
        ("Fictional: the group was transferred to Tumen.", True),
        ("Fictional: letters sent to President A-017 asked for their release.", False),
    ],
)
def test_sent_to_moves_people_only_towards_custody(text: str, moved: bool) -> None:
    found = [t for t in find_triggers(text, split_sentences(text)) if t.types == ("transfer",)]
    assert bool(found) is moved


@pytest.mark.parametrize(
    "text",
    [
        "가상: 투먼구류소 증축 확인, 대량북송 예고",  # a facility's name, a forecast
        "가상: 탈북자 북송조치가 강화될 것이라는 우려가 나온다.",  # a measure
        "가상: 체포조가 국경에 파견됐다.",  # a squad
    ],
)
def test_korean_compounds_and_forecasts_report_no_event(text: str) -> None:
    found = _realis(text)
    assert found and not any(realis for _, realis in found), found


def test_a_capacity_is_not_a_group_of_people() -> None:
    text = "가상: 이 수용소의 최대 수용인원은 약 천여 명으로 알려졌다. 탈북자 5명이 지난 3일 체포됐다."
    (incident,) = extract_document(text, document="demo")
    assert incident.victims.count == 5


def test_an_event_nouns_figure_is_its_own_not_people_elsewhere_in_the_sentence() -> None:
    text = (
        "Fictional: on 14 May 2030, more than 100 people gathered outside the embassy with banners "
        "against repatriation."
    )
    assert extract_document(text, document="demo") == []


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: four escapees describe the horrors of being caught by police and sent back.",
        "Fictional: some were punished for being sent back.",
        "가상: 이 수용소는 주로 국경에서 체포된 탈북자를 가두는 곳이다.",
        "가상: 당국은 보통 적발된 탈북자를 한 달 안에 북송한다.",
    ],
)
def test_passive_gerunds_and_korean_adverbs_of_habit_report_no_event(text: str) -> None:
    found = _realis(text)
    assert found and not any(realis for _, realis in found), found


def test_an_agent_phrase_does_not_break_a_coordination() -> None:
    text = "Fictional: the group could be caught by police and sent back."
    assert [t.realis for t in find_triggers(text, split_sentences(text))] == [False, False]


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Fictional: the Lao government turned them over to Pyongyang.", ("repatriation",)),
        ("Fictional: police handed the nine over to North Korean agents.", ("repatriation",)),
        ("Fictional: they were transferred to North Korean authorities.", ("repatriation",)),
        ("Fictional: the ministry turned to Pyongyang for help.", None),
    ],
)
def test_a_handover_to_the_north_is_a_return(text: str, types: tuple[str, ...] | None) -> None:
    found = find_triggers(text, split_sentences(text))
    assert (found[0].types if found else None) == types


@pytest.mark.parametrize(
    ("text", "crossing"),
    [
        # a crossing inside the clause that says who the people are ("...이동하던 탈북자")
        ("가상: 북중 국경을 넘은 뒤 쿤밍에서 동남아로 이동하던 탈북자 15명이 지난 3일 체포됐다.", False),
        # a third country's border: on the way south, not leaving North Korea
        ("가상: 중국에서 몽골 국경을 넘어간 뒤 한국으로 가려던 탈북자 18명이 지난 3일 체포됐다.", False),
        # the group's own crossing, told as a step of the story
        ("가상: 탈북자 5명이 지난 3일 두만강을 건너 중국으로 갔다가 체포됐다.", True),
    ],
)
def test_a_korean_crossing_that_describes_the_people_or_a_third_border_is_not_leaving(
    text: str, crossing: bool
) -> None:
    (incident,) = extract_document(text, document="demo")
    assert ("crossing" in incident.event_types) is crossing


@pytest.mark.parametrize(
    "text",
    [
        "In May 2029, fictional police arrested 5 people in Town X.",
        "Last May, fictional police arrested 5 people in Town X.",
        "On 3 May, fictional police arrested 5 people in Town X.",
        "May 10, 2029: fictional police arrested 5 people in Town X.",
    ],
)
def test_the_month_may_is_not_the_modal(text: str) -> None:
    assert _realis(text) == [("arrested", True)]


def test_the_modal_may_still_makes_a_return_feared() -> None:
    assert _realis("Fictional: the 5 people may be repatriated.") == [("repatriated", False)]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # Released by North Korea after the return: where the people stand now.
        ("North Korea released 2 fictional women who had been repatriated from China in 2029.", "released"),
        (
            "2 fictional women repatriated by China in 2029 were released from a North Korean prison camp.",
            "released",
        ),
        ("북한이 지난해 중국에서 강제북송된 가상의 탈북 여성 2명을 석방했다.", "released"),
        # A return alone stays a return, and a release by China without a return is a release.
        ("China repatriated 2 fictional women in 2029.", "returned"),
        ("Police in Town X released 2 fictional women they had arrested in 2029.", "released"),
    ],
)
def test_a_release_by_north_korea_comes_after_the_return(text: str, status: str) -> None:
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert incident.status == status


@pytest.mark.parametrize(
    "text",
    [
        # A name that is also a modal or a cue word belongs to the speaker, not to what is reported.
        "Fictional envoy Ban Ki-jun said China repatriated 9 people in 2029.",
        "Activist Will Park told reporters China repatriated 9 people in 2029.",
        "According to Person A-017, China repatriated 9 people in 2029.",
    ],
)
def test_words_before_a_reporting_verb_do_not_make_the_report_irrealis(text: str) -> None:
    assert _realis(text) == [("repatriated", True)]


def test_a_handover_may_name_the_people_between_the_verb_and_over() -> None:
    (incident,) = extract_document(
        "Chinese police handed nine fictional North Koreans over to the North in 2029.",
        document="fictional",
        published=dt.date(2030, 1, 5),
    )
    assert (incident.status, incident.victims.count) == ("returned", 9)


def test_a_korean_participle_before_a_plural_of_people_is_no_event() -> None:
    # "Repatriated defectors are likely to be imprisoned": what kind of people, not a group it happened to.
    assert not extract_document(
        "북송된 가상의 탈북민들은 교화소에 수감될 가능성이 크다.", document="fictional"
    )
    (incident,) = extract_document(
        "2029년 12월 북송된 가상의 탈북민 7명은 교화소에 수감됐다.", document="fictional"
    )
    assert (incident.status, incident.victims.count) == ("returned", 7)


@pytest.mark.parametrize(
    ("text", "status", "count"),
    [
        # Custody going on now is a fact about a group ...
        ("Fictional police in Town X are holding 7 North Koreans, a source said.", "at_risk", 7),
        # ... and a death in a camp after the return is where the person stands.
        (
            "A fictional woman sent back from China in 2029 died in a labour camp, her brother said.",
            "died",
            1,
        ),
        ("2 fictional men repatriated in 2029 were beaten to death in custody.", "died", 2),
    ],
)
def test_custody_now_and_deaths_after_return(text: str, status: str, count: int) -> None:
    (incident,) = extract_document(text, document="fictional", published=dt.date(2030, 1, 5))
    assert (incident.status, incident.victims.count) == (status, count)


def test_an_ongoing_campaign_without_a_group_is_no_incident() -> None:
    assert not extract_document(
        "Fictional police are arresting North Koreans in Town X.", document="fictional"
    )


@pytest.mark.parametrize(
    ("text", "status", "types"),
    [
        # an event noun owned by its group names the group's own event
        (
            "Fictional: 12 North Koreans arrested in Town X on 3 May were sent to a labour camp "
            "after their repatriation.",
            "returned",
            ["arrest", "transfer", "repatriation", "imprisonment"],
        ),
        # ... and is still read for modality before it
        (
            "Fictional: they tried to prevent their repatriation after 12 were arrested in Town X on 3 May.",
            "at_risk",
            ["arrest", "detention"],
        ),
        # modality after the event noun: feared, expected, stopped
        (
            "Fictional: the forced repatriation of 12 North Koreans arrested in Town X on 3 May is feared.",
            "at_risk",
            ["arrest", "detention"],
        ),
        (
            "Fictional: the repatriation of 12 North Koreans arrested in Town X on 3 May was halted.",
            "at_risk",
            ["arrest", "detention"],
        ),
        (
            "Fictional: the repatriation of 12 defectors arrested in Town X on 3 May took place on 10 May.",
            "returned",
            ["arrest", "detention", "repatriation"],
        ),
    ],
)
def test_an_event_noun_is_read_with_its_owner_and_the_predicate_after_it(
    text: str, status: str, types: list[str]
) -> None:
    (incident,) = extract_document(text, document="fictional", published=dt.date(2031, 5, 20))
    assert (incident.status, incident.event_types) == (status, types)


def test_a_deportation_back_to_north_korea_is_a_return_even_beside_a_third_country() -> None:
    """The destination after the word decides (it was never read: its pattern began with ^, which
    does not match where a search starts); a third country elsewhere in the sentence does not."""
    text = (
        "Fictional: police who caught them near the border with Laos deported 12 North Koreans back on 3 May."
    )
    (incident,) = extract_document(text, document="fictional", published=dt.date(2031, 5, 20))
    assert (incident.status, incident.event_types) == ("returned", ["arrest", "repatriation"])
    # a "back" of the next clause is not this word's destination
    text = "Fictional: 9 were caught in Laos on 10 May, deported to China, before being sent back on 27 May."
    (incident,) = extract_document(text, document="fictional", published=dt.date(2031, 5, 20))
    assert "deportation" in incident.event_types


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # the arrest happened; the return is feared or planned (modality scoped to its own predicate)
        ("가상: 탈북민 5명이 지난 3일 중국 공안에 체포돼 북송 위기에 놓였다.", True),
        ("가상: 탈북민 5명이 지난 3일 공안에 붙잡혀 북송 위기에 처했다.", True),
        ("가상: 중국은 탈북민 5명을 지난 3일 체포해 북송할 계획이다.", True),
        # the arrest itself is feared
        ("가상: 탈북민 5명이 지난 3일 체포될 위기에 놓였다.", False),
    ],
)
def test_a_korean_cue_of_danger_stays_with_its_own_predicate(text: str, found: bool) -> None:
    incidents = extract_document(text, document="fictional", published=dt.date(2031, 5, 20))
    assert bool(incidents) is found
    if found:
        (incident,) = incidents
        assert (incident.victims.count, incident.status, incident.date.start) == (5, "at_risk", "2031-05-03")


@pytest.mark.parametrize(
    ("text", "died"),
    [
        (
            "Fictional: two North Korean women died after jumping from a truck while being transferred.",
            True,
        ),
        ("Fictional: two North Korean defectors died while in custody in Town X on 3 May.", True),
        # a death outside custody is no incident of this kind
        ("Fictional: two North Korean women died of illness in Town Y on 3 May.", False),
    ],
)
def test_a_death_while_held_or_moved_in_custody_is_a_death_in_custody(text: str, died: bool) -> None:
    incidents = extract_document(text, document="fictional", published=dt.date(2031, 5, 20))
    assert [(i.victims.count, i.status) for i in incidents] == ([(2, "died")] if died else [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Fictional: it is unclear whether the seven North Koreans arrested in Town X were repatriated.",
            [("arrested", True), ("repatriated", False)],
        ),
        (
            "Fictional: Town X may repatriate the 12 defectors caught near the river.",
            [("repatriate", False), ("caught", True)],
        ),
        # Without a figure the people are people in general, and the condition governs them too.
        (
            "Fictional: if North Koreans caught in Town X are sent back, they face torture.",
            [("caught", False)],
        ),
    ],
)
def test_a_participle_after_a_counted_group_says_what_happened_to_it(
    text: str, expected: list[tuple[str, bool]]
) -> None:
    """A reduced relative clause ("the seven North Koreans arrested in ...") is not governed by the
    condition or modal that governs the group."""
    found = _realis(text)
    for pair in expected:
        assert pair in found, found


@pytest.mark.parametrize(
    "text",
    [
        "가상: 탈북민 9명이 체포됐지만 아직 북송 여부는 확인되지 않았다.",
        "가상: 이들의 강제송환 여부는 알려지지 않았다.",
    ],
)
def test_korean_whether_it_happened_is_no_report_that_it_did(text: str) -> None:
    """ "북송 여부" is "whether they were returned": a question, not an event."""
    found = dict(_realis(text))
    assert found.get("북송", found.get("강제송환")) is False, found


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # A guess about what happened is not a report of it: the people are held, the return feared ...
        ("Fictional: five people arrested in Town X on 3 May 2029 may have been repatriated.", "at_risk"),
        (
            "Fictional: five people arrested in Town X on 3 May 2029 are believed to have been sent back.",
            "at_risk",
        ),
        ("Fictional: five people arrested in Town X on 3 May 2029 were probably repatriated.", "at_risk"),
        ("Fictional: five people arrested in Town X on 3 May 2029 have likely been sent back.", "at_risk"),
        ("가상: 2029년 5월 3일 체포된 탈북민 5명은 북송된 것으로 보인다.", "at_risk"),
        ("가상: 2029년 5월 3일 체포된 탈북민 5명은 북송된 것으로 추정된다.", "at_risk"),
        # ... while naming the source reports it
        ("Fictional: five people arrested in Town X on 3 May 2029 were reportedly repatriated.", "returned"),
        ("가상: 2029년 5월 3일 체포된 탈북민 5명이 북송된 것으로 알려졌다.", "returned"),
        # a guess about who the people are says nothing of whether the event happened
        (
            "Fictional: the group, believed to include two children, was repatriated on 3 May 2029.",
            "returned",
        ),
    ],
)
def test_a_guess_is_not_a_report_in_either_language(text: str, status: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.status == status
    assert incident.date.start == "2029-05-03"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("가상: 2029년 5월 3일 옌지에서 체포된 탈북민 5명이 최근 풀려난 것으로 전해졌다.", "released"),
        (
            "가상: 2029년 5월 3일 라오스에서 체포된 탈북민 5명은 이후 한국에 무사히 입국했다.",
            "reached_safety",
        ),
        (
            "가상: 2029년 5월 3일 라오스에서 체포된 탈북민 5명은 한국에 입국한 것으로 알려졌다.",
            "reached_safety",
        ),
        # a release still to come is not one
        ("가상: 2029년 5월 3일 옌지에서 체포된 탈북민 5명이 곧 풀려날 전망이다.", "at_risk"),
    ],
)
def test_korean_fates_with_endings_and_adverbs_between(text: str, status: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.status == status


@pytest.mark.parametrize(
    ("text", "status", "kind"),
    [
        (
            "Fictional: five people detained in Country X on 3 May 2029 later made it to Thailand.",
            "reached_safety",
            None,
        ),
        (
            "Fictional: five people held in Country X on 3 May 2029 were allowed to leave for Seoul.",
            "reached_safety",
            None,
        ),
        ("가상: 2029년 5월 3일 체포된 탈북민 5명은 태국에 도착했다.", "reached_safety", None),
        ("Fictional: a woman arrested in Town X on 3 May 2029 killed herself in detention.", "died", "death"),
        (
            "Fictional: five people repatriated on 3 May 2029 were sentenced to 10 years.",
            "returned",
            "imprisonment",
        ),
    ],
)
def test_fates_said_in_other_words(text: str, status: str, kind: str | None) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.status == status
    assert kind is None or kind in incident.event_types


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a denied event or fate is not one
        ("Fictional: the five people caught in Town X on 3 May 2029 have not been repatriated.", "at_risk"),
        ("Fictional: the five people caught in Town X on 3 May 2029 haven't been sent back.", "at_risk"),
        ("Fictional: the five caught in Town X on 3 May 2029 were never sent back.", "at_risk"),
        ("Fictional: five people were arrested in Town X on 3 May 2029 and no one was released.", "at_risk"),
        ("Fictional: five people arrested in Town X on 3 May 2029 have not been released.", "at_risk"),
        ("가상: 2029년 5월 3일 옌지에서 체포된 탈북민 5명은 석방되지 않았다.", "at_risk"),
        ("가상: 2029년 5월 3일 옌지에서 체포된 탈북민 5명은 아직 풀려나지 못했다.", "at_risk"),
        # the month May is no modal
        ("Fictional: five people arrested in Town X on 3 May 2029 were released on 9 May.", "released"),
    ],
)
def test_a_denied_event_or_fate_is_not_reported(text: str, status: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.status == status
    assert incident.victims.count == 5


def test_no_people_means_no_incident() -> None:
    assert (
        extract_document("Fictional: no people were repatriated from Town X on 3 May 2029.", document="d")
        == []
    )


@pytest.mark.parametrize(
    "text",
    [
        # a negation elsewhere in the clause does not deny the event
        "Fictional: it is not known how the five people were caught in Town X on 3 May 2029.",
        "Fictional: not long after they were caught in Town X on 3 May 2029, the five were repatriated.",
    ],
)
def test_a_negation_off_the_verb_denies_nothing(text: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert "arrest" in incident.event_types


@pytest.mark.parametrize(
    "text",
    [
        "가상: 2029년 5월 3일 체포된 탈북민 5명이 북한 보위부에 넘겨졌다.",
        "가상: 2029년 5월 3일 체포된 탈북민 5명이 북측에 인계됐다.",
        "가상: 2029년 5월 3일 중국 공안은 탈북민 5명을 북한으로 추방했다.",
        "가상: 2029년 5월 3일 탈북민 5명이 신의주로 압송됐다.",
    ],
)
def test_korean_handovers_to_the_north_or_its_agencies_are_returns(text: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert "repatriation" in incident.event_types
    assert incident.status == "returned"


@pytest.mark.parametrize(
    ("text", "returned"),
    [
        ("Fictional: five people arrested on 3 May 2029 were handed over to the Bowibu.", True),
        ("Fictional: five people arrested on 3 May 2029 were taken across the bridge to Sinuiju.", True),
        ("Fictional: five caught on 3 May 2029 were handed to North Korea's state security.", True),
        # China has state security too
        ("Fictional: five caught on 3 May 2029 were handed over to the state security police.", False),
    ],
)
def test_english_handovers_to_the_norths_agencies_are_returns(text: str, returned: bool) -> None:
    (incident,) = extract_document(text, document="demo")
    assert ("repatriation" in incident.event_types) is returned


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: police took five North Koreans into custody in Yanji on 3 May 2029.",
        "Fictional: police in Yanji picked up five North Koreans on 3 May 2029.",
        "Fictional: five North Koreans were picked up by police in Yanji on 3 May 2029.",
        "Fictional: five North Koreans were taken away by Chinese police in Yanji on 3 May 2029.",
        "Fictional: five North Koreans were hauled off to a police station in Yanji on 3 May 2029.",
        "가상: 탈북민 5명이 2029년 5월 3일 옌지에서 공안에 끌려갔다.",
    ],
)
def test_arrests_told_with_a_phrasal_verb_are_arrests(text: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert "arrest" in incident.event_types
    assert incident.victims.count == 5


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: a broker picked up five North Koreans at the river on 3 May 2029.",
        "Fictional: five North Koreans were taken away by a broker on 3 May 2029.",
        "가상: 탈북민 5명이 2029년 5월 3일 브로커에게 끌려갔다.",
    ],
)
def test_picked_up_or_taken_away_by_someone_else_is_no_arrest(text: str) -> None:
    assert extract_document(text, document="demo") == []


@pytest.mark.parametrize(
    "text",
    [
        "가상: 2029년 5월 3일 옌지에서 체포된 탈북민 5명이 북송 대기 중이다.",
        "가상: 2029년 5월 3일 옌지에서 체포된 탈북민 5명이 북송을 기다리고 있다.",
        "가상: 2029년 5월 3일 옌지에서 체포된 탈북민 5명이 강제북송 직전이다.",
        "가상: 2029년 5월 3일 옌지에서 체포된 탈북민 5명의 북송이 임박했다.",
    ],
)
def test_a_return_still_awaited_is_no_return(text: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.status == "at_risk"
    assert "repatriation" not in incident.event_types


@pytest.mark.parametrize(
    "text",
    [
        "가상: 2029년 5월 3일 옌지에서 체포된 탈북민 5명이 교화소에 수감됐다.",
        "Fictional: five people arrested in Yanji on May 3, 2029 are now in a labour camp in North Korea.",
        "Fictional: five people arrested in Yanji on May 3, 2029 were sent to a prison camp in North Korea.",
        "Fictional: five people arrested in Yanji on May 3, 2029 were jailed in Hyesan.",
    ],
)
def test_people_held_in_the_norths_prisons_have_been_returned(text: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.status == "returned"


def test_a_place_of_punishment_after_to_is_where_they_went_not_an_infinitive() -> None:
    sent = _realis("Fictional: five were sent to prison camps.")
    assert sent == [("sent to", True), ("prison camps", True)]
    assert _realis("Fictional: they plan to send them to labour camps.") == [("labour camps", False)]


def test_the_month_may_is_no_modal() -> None:
    text = "Fictional: five arrested in Yanji on May 3, 2029 were sent to a labour camp."
    assert ("labour camp", True) in _realis(text)
    feared = "Fictional: five arrested on 3 May may be sent to a labour camp."
    assert ("labour camp", False) in _realis(feared)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Fictional: no fewer than 80 North Koreans were repatriated from Town X on 3 May 2029.", "at_least"),
        ("Fictional: not less than 80 North Koreans were repatriated from Town X on 3 May 2029.", "at_least"),
        ("Fictional: no more than 80 North Koreans were repatriated from Town X on 3 May 2029.", "at_most"),
    ],
)
def test_no_before_a_comparison_is_a_figure_not_no_one(text: str, qualifier: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.status == "returned"
    assert (incident.victims.count, incident.victims.qualifier) == (80, qualifier)


def test_no_one_is_still_no_one() -> None:
    assert extract_document("Fictional: no North Koreans were repatriated on 3 May 2029.", document="d") == []


@pytest.mark.parametrize(
    "text",
    [
        "Fictional: Laos handed the nine North Koreans over to China on 27 May 2029.",
        "Fictional: the nine were handed over to Chinese police on 27 May 2029 by Lao officials.",
        "가상: 라오스 당국은 2029년 5월 27일 탈북민 9명을 중국 공안에 넘겼다.",
    ],
)
def test_a_handover_to_china_from_a_third_country_is_a_deportation(text: str) -> None:
    (incident,) = extract_document(text, document="demo")
    assert incident.event_types == ["deportation"]
    assert incident.status == "at_risk"
