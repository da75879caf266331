"""Korean names compared as Korean names (#18 point 2), on made-up names.

Every name here is fictional: pseudonymous syllables put together, spelled in each
class of romanisation the comparison has to recognise.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from korean_romanizer.romanizer import Romanizer

from refwatch.errors import ConfigError
from refwatch.link.names import NameLevel, compare_names, frequency_keys, hangul, parse_name, romanise, tables
from refwatch.link.names.parse import surname_index

SAME = (NameLevel.EXACT, NameLevel.SAME_READING)


@pytest.mark.parametrize(
    "spelling",
    [
        "지현아",  # Hangul
        "\u110c\u1175\u1112\u1167\u11ab\u110b\u1161",  # conjoining jamo of 지현아 (NFC composes them)
        "Ji Hyeon-a",  # RR
        "Chi Hyŏna",  # MR with breves
        "Chi Hyon-a",  # MR without breves, DPRK
        "Jee Hyun A",  # ad hoc
        "Ji Hyuna",
        "JI, Hyeon-a",  # surname, comma
        "Hyeon-a Ji",  # surname last
        "Джи Хён А",  # Cyrillic
    ],
)
def test_every_spelling_of_one_name_reaches_a_reading_level(spelling: str) -> None:
    assert compare_names("지현아", spelling) >= NameLevel.LOOSE_READING, spelling


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Ch'oe Myŏng-ok", "Choe Myong Ok"),  # MR apostrophe and breves vs DPRK
        ("Ch’oe Myŏngok", "Choi Myeong-ok"),  # typographic apostrophe, RR, ad-hoc surname
        ("최명옥", "Ch'oe Myŏng-ok"),
        ("Pak Tal-sun", "Park Dal Soon"),  # Pak/Park, voicing, "oo"
        ("Bak Dalsun", "박달순"),
        ("Ri Ok-gum", "Lee Okgeum"),  # Ri/Lee
        ("Yi Ok-kŭm", "리옥금"),
        ("I Okkeum", "이옥금"),  # North and South Hangul: initial-sound rule
        ("Rhee Ok Gum", "리옥금"),
        ("Jong Un-bom", "Jeong Eun-beom"),  # Jong/Jeong
        ("Chŏng Ŭnbŏm", "Jung Eun Beom"),
        ("Kim Tal-hwa", "Gim Dalhwa"),  # Kim/Gim
        ("Ryu Song-nam", "Yu Seong-nam"),  # 류/유
        ("류성남", "유성남"),
        ("Ro Chol-ho", "No Cheol-ho"),  # 로/노
        ("Roh Chol Ho", "노철호"),
        ("Ra Kum-sil", "Na Geum-sil"),  # 라/나
        ("Ryom Ho-jin", "염호진"),  # 렴/염, with Ryom in the table
        ("Thae Song-il", "태성일"),
        ("Oh Un Woo", "오은우"),  # silent h, woo
        ("李明花", "Ri Myong-hwa"),  # Hanja, read through Unihan kHangul
        ("金春玉", "Kim Chun-ok"),  # 金 as a surname is 김, not 금
        ("Myong-hwa Ri", "리명화"),  # surname last
        ("Yong Il Kim", "김영일"),  # surname last and the first word a surname too (용)
        ("Kim Yong-il", "Kim Yongil"),  # hyphen or none
        ("Kim Tu-ik", "Kim Doo Ik"),  # a hyphen keeps "u-i" from reading as ㅢ
        ("Namgung Min-su", "남궁민수"),  # two-syllable surnames
        ("Hwangbo Ok", "황보옥"),
        ("Пак Пон Су", "박봉수"),  # Cyrillic final н is ㄴ or ㅇ
        ("Ким Сон Хи", "김선희"),
        ("Chang Hyŏn'gyŏng", "장현경"),  # MR n'g: ㄴ then ㄱ, not ㅇ
        ("Mun Sun'guk", "Mun Sun-guk"),
    ],
)
def test_spellings_of_one_name_share_a_reading(left: str, right: str) -> None:
    assert compare_names(left, right) in SAME, (left, right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Kim Hyun Sook", "Kim Hyon-suk"),  # ad-hoc "u" for ㅓ
        ("Ri Kyung Ae", "Ri Kyong-ae"),
        ("Pak Jang Yup", "Pak Jang-yop"),
    ],
)
def test_ad_hoc_vowels_meet_at_the_loose_level(left: str, right: str) -> None:
    assert compare_names(left, right) == NameLevel.LOOSE_READING


def test_exact_ignores_case_hyphens_and_spaces_only() -> None:
    assert compare_names("KIM Tal-hwa", "Kim Tal Hwa") == NameLevel.EXACT
    assert compare_names("Kim Tal-hwa", "Kim Dal-hwa") == NameLevel.SAME_READING


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Kim Yong-il", "Kim Yong-su"),  # same surname, one shared syllable
        ("Pak Chol-min", "Pak Min-chol"),  # given-name syllables swapped
        ("Ri Son-hui", "Pak Son-hui"),  # same given name, another surname
        ("Choe Myong-ok", "Choe Myong-sil"),
        ("Kim Un-hyang", "Kim Hyang-un"),
        ("Jong Song-nam", "Jong Nam-song"),
        ("Chae Ok-sun", "Choe Ok-sun"),  # 채 and 최 are two surnames
        ("Ri Kum-hui", "Ri Kum-ok"),
        ("지현아", "지현수"),
        ("지현아", "지아현"),
        ("Chŏn Hak Chun", "전춘학"),  # "Chun" is a surname too: the surname-last reading must not pair them
    ],
)
def test_look_alike_names_of_different_people_stay_apart(left: str, right: str) -> None:
    assert compare_names(left, right) <= NameLevel.CLOSE, (left, right)
    assert compare_names(left, right) == NameLevel.DIFFERENT, (left, right)


def test_one_jamo_apart_is_close_not_a_reading() -> None:
    assert compare_names("Kim Kyong-hui", "Kim Kyong-hun") == NameLevel.CLOSE


def test_names_that_cannot_be_read_compare_as_different() -> None:
    assert parse_name("キム・ヒョナ") is None  # kana: not supported
    assert parse_name("   ") is None
    assert compare_names("キム・ヒョナ", "キム・ヒョナ") == NameLevel.DIFFERENT


def test_frequency_keys_count_every_spelling_as_one_name() -> None:
    spellings = ["Kim Tal-hwa", "Gim Dalhwa", "김달화", "KIM, Tal Hwa", "Tal-hwa Kim"]
    keys = {frequency_keys(name) for name in spellings}
    assert len(keys) == 1
    only = keys.pop()
    assert only is not None and only.surname == "김"
    assert frequency_keys("Ri Tal-hwa") != only
    assert frequency_keys("キム") is None


def test_romanise_follows_rr_and_mr() -> None:
    assert romanise(list("경희")) == "gyeonghui"
    assert romanise(list("경희"), system="mr") == "kyŏnghŭi"
    assert romanise(list("정일"), system="mr") == "chŏngil"
    assert romanise(list("봉주"), system="mr") == "pongju"  # voiced after ㅇ
    assert romanise(list("현경"), system="mr") == "hyŏn'gyŏng"  # n'g


def test_romanise_mr_without_breves_drops_marks() -> None:
    assert romanise(list("철순"), system="mr") == "ch'ŏlsun"
    assert romanise(list("철순"), system="mr", breves=False) == "cholsun"


def test_initial_sound_rule() -> None:
    assert [hangul.initial_sound_rule(s) for s in "리류로라녀림김"] == list("이유노나여임김")


def test_tables_keep_to_the_key_alphabet_and_have_sources() -> None:
    table = tables.romanisation()
    for value in [*table.consonants.values(), *table.vowels.values(), *table.initials.key]:
        assert set(value) <= tables.KEY_ALPHABET
    assert all(row.spellings for row in tables.surnames())
    assert surname_index()["rhee"] == frozenset({"이"})
    assert surname_index()["song"] == frozenset({"송", "성"})  # ambiguous spellings keep both
    with pytest.raises(ConfigError):
        tables._check_key("test", "kX")


_SIMPLE_FINALS = (0, 1, 4, 8, 16, 17, 21)  # none ㄱ ㄴ ㄹ ㅁ ㅂ ㅇ: the finals names use
_syllable = st.builds(hangul.compose, st.integers(0, 18), st.integers(0, 20), st.sampled_from(_SIMPLE_FINALS))
_surname = st.sampled_from([row for row in tables.surnames() if len(row.hangul) == 1])


@settings(max_examples=300, deadline=None)
@given(_surname, st.lists(_syllable, min_size=1, max_size=3), st.data())
def test_any_hangul_name_romanised_reads_as_the_hangul(
    surname: tables.Surname, given_name: list[str], data: st.DataObject
) -> None:
    """RR (an independent implementation), MR with and without breves: one reading."""
    hangul_name = surname.hangul + "".join(given_name)
    latin_surname = data.draw(st.sampled_from(surname.spellings))
    rr = "-".join(Romanizer(syllable).romanize() for syllable in given_name)
    mr = "-".join(romanise([syllable], system="mr") for syllable in given_name)
    mr_plain = "-".join(romanise([syllable], system="mr", breves=False) for syllable in given_name)
    for latin in (rr, mr, mr_plain):
        assert compare_names(hangul_name, f"{latin_surname} {latin}") in SAME, (hangul_name, latin)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_read_or_refused_never_raises(text: str) -> None:
    parsed = parse_name(text)
    assert parsed is None or parsed.readings
    assert compare_names(text, text) in (NameLevel.EXACT, NameLevel.DIFFERENT)


_POOL = [
    "Kim Jong-il",
    "김정일",
    "Jong Il Kim",
    "Ri Son-hui",
    "이선희",
    "Lee Sun Hee",
    "CH'OE, Son-hui",
    "金正日",
    "Ким",
]


@given(st.sampled_from(_POOL), st.sampled_from(_POOL))
def test_comparison_is_symmetric(left: str, right: str) -> None:
    assert compare_names(left, right) == compare_names(right, left)


def test_reading_and_comparing_names_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """Names are victim data: the comparison must not put them (or their keys) in any log."""
    parse_name.cache_clear()
    with caplog.at_level("DEBUG"):
        compare_names("Ri Ok-gum", "리옥금")
        compare_names("Пак Пон Су", "金春玉")
        frequency_keys("Kim Tal-hwa")
    assert caplog.records == []
