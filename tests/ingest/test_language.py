"""Language detection on fictional sentences."""

from __future__ import annotations

import pytest

from refwatch.ingest import language
from refwatch.ingest.language import detect_language, normalise_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fictional: five people were detained near the border last week, a rights group said.", "en"),
        ("가상의 예시: 탈북민 5명이 지난주 선양에서 中 공안에 체포됐다고 한 단체가 밝혔다.", "ko"),
        ("虚构示例：五名朝鲜人上周在沈阳被公安逮捕，一个人权组织说。", "zh"),
        (
            "Exemple fictif : cinq personnes ont été arrêtées près de la frontière la semaine dernière.",
            "other",
        ),
        ("12345 --- !!!", "other"),
    ],
)
def test_detect(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("value", "code"), [("EN", "en"), ("ko-KR", "ko"), ("Korean", "ko"), ("zh_TW", "zh"), ("fr", "other")]
)
def test_normalise(value: str, code: str) -> None:
    assert normalise_language(value) == code


_ENGLISH_REPORT = (
    "Fictional example. Five people from North Korea were detained last week near the border in the "
    "city of Yanji, according to a rights group that has followed their case. They had left their "
    "country in the spring and were hiding with relatives. Police took them to a detention centre, and "
    "their families fear that they will be sent back within days. The group asked the authorities to "
    "respect the principle of non-refoulement and to let the High Commissioner meet the detainees, "
    "which has not happened so far."
)

# The same made-up report in the other Latin-script languages the detector tells apart.
_OTHER_REPORTS = {
    "fr": "Exemple fictif. Selon une organisation de défense des droits humains, cinq personnes originaires "
    "de Corée du Nord ont été arrêtées la semaine dernière près de la frontière, dans la ville de Yanji. "
    "Elles avaient quitté leur pays au printemps et se cachaient chez des proches. La police les a "
    "transférées dans un centre de détention, et leurs familles craignent qu'elles soient renvoyées dans "
    "les prochains jours. L'organisation demande aux autorités de respecter le principe de non-refoulement.",
    "de": "Erfundenes Beispiel. Nach Angaben einer Menschenrechtsgruppe wurden in der vergangenen Woche fünf "
    "Menschen aus Nordkorea in der Grenzstadt Yanji festgenommen. Sie hatten ihr Land im Frühjahr verlassen "
    "und sich bei Verwandten versteckt. Die Polizei brachte sie in ein Haftzentrum, und ihre Familien "
    "befürchten, dass sie in den nächsten Tagen zurückgeschickt werden. Was mit ihnen geschieht, ist unklar.",
    "nl": "Verzonnen voorbeeld. Volgens een mensenrechtenorganisatie zijn vorige week vijf mensen uit "
    "Noord-Korea bij de grens in de stad Yanji opgepakt. Ze hadden hun land in het voorjaar verlaten en "
    "zaten ondergedoken bij familie. De politie bracht hen naar een detentiecentrum en hun families vrezen "
    "dat ze de komende dagen worden teruggestuurd. Of dat gebeurt is niet bekend, zegt de organisatie.",
    "id": "Contoh fiktif. Menurut sebuah organisasi hak asasi manusia, lima orang dari Korea Utara ditangkap "
    "pekan lalu di dekat perbatasan, di kota Yanji. Mereka meninggalkan negara mereka pada musim semi dan "
    "bersembunyi di rumah kerabat. Polisi membawa mereka ke pusat penahanan, dan keluarga mereka khawatir "
    "mereka akan dipulangkan dalam beberapa hari ke depan, kata organisasi itu kepada wartawan.",
    "vi": "Ví dụ hư cấu. Theo một tổ chức nhân quyền, năm người từ Triều Tiên đã bị bắt vào tuần trước gần "
    "biên giới, tại thành phố Diên Cát. Họ đã rời khỏi đất nước vào mùa xuân và trốn tại nhà người thân. "
    "Cảnh sát đã đưa họ đến một trung tâm giam giữ, và gia đình họ lo sợ rằng họ sẽ bị trả về.",
}


def test_plain_english_is_told_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_model() -> None:
        raise AssertionError("lingua was asked")

    monkeypatch.setattr(language, "_detector", no_model)
    assert detect_language(_ENGLISH_REPORT) == "en"


@pytest.mark.parametrize("code", sorted(_OTHER_REPORTS))
def test_other_latin_languages_are_not_taken_for_english(code: str) -> None:
    assert not language._plainly_english(_OTHER_REPORTS[code])
    assert detect_language(_OTHER_REPORTS[code]) == "other"


def test_an_english_title_quoted_in_another_language_leaves_it_that_language() -> None:
    text = _OTHER_REPORTS["fr"] + " Le rapport s'intitule « The Fate of Those Sent Back and Their Families »."
    assert not language._plainly_english(text)
    assert detect_language(text) == "other"


def test_a_short_english_text_still_goes_to_the_model() -> None:
    short = "Five were held in Yanji, and they fear that the police will send them back."
    assert not language._plainly_english(short)  # too few words to judge by share
    assert detect_language(short) == "en"
