"""Korean: event words, irrealis and reporting endings, people nouns, numerals, time words.

Korean attaches tense and modality to the verb after the event noun, so whether an
event happened is read from what follows the trigger ("체포됐다" happened,
"북송될 위기" is feared, "북송하려" is planned).
"""

from __future__ import annotations

from typing import Final

from refwatch.languages import numbers

#: (pattern, event types, nominal); patterns are matched as they are (no word boundaries).
TRIGGERS: Final[tuple[tuple[str, tuple[str, ...], bool], ...]] = (
    (
        r"(?:북한|北|북)(?:으로|에|에게)?\s?(?:강제\s?)?(?:송환|보냈|보내|넘겼|넘겨|인계|돌려\s?보|되돌려\s?보|압송)",
        ("repatriation",),
        False,
    ),
    (r"강제\s?북송|북송|강제\s?송환|송환", ("repatriation",), False),
    (r"강제\s?추방|추방|강제\s?출국", ("deportation",), False),
    (r"체포|검거|붙잡|붙들|잡혀|잡혔|잡힌|적발|연행|나포|검문에\s?걸", ("arrest", "detention"), False),
    (r"단속", ("arrest",), True),
    (r"구금|억류|수감|구류|감금|갇혀|구속|갇힌", ("detention",), False),
    (r"이송|이감|호송|압송", ("transfer",), False),
    (
        r"탈북(?:했|해|한\s?뒤|한\s?후|하다|하여)|강을\s?건너|국경을\s?넘|두만강을\s?건너|압록강을\s?건너",
        ("crossing",),
        False,
    ),
    (r"목숨을\s?끊|극단적\s?선택|자살|숨졌|숨진|음독", ("death",), False),
    (r"처형|총살", ("execution",), False),
    (r"고문(?:을\s?받|당)", ("torture",), False),
    (r"심문|취조|조사를\s?받", ("interrogation",), False),
    (r"강제\s?낙태", ("forced_abortion",), False),
    (r"인신매매|팔려|팔린|강제\s?결혼", ("trafficking",), False),
    (r"교화소|관리소|로동단련대|노동단련대|정치범\s?수용소", ("imprisonment",), False),
)

#: What may follow a trigger (before the next punctuation) to make it feared, planned or generic.
IRREALIS_AFTER: Final = (
    r"^[^.,…!?·\n]{0,6}?(?:\s?될|\s?할|하려|위기|우려|가능성|앞두|말고|해선|해서는|돼선|되선|되어선|"
    r"되지\s?않|하지\s?않|않도록|예정|방침|위험|처할|을\s?막|를\s?막|한다는|된다는|한다고|하는\s?것을|"
    r"중단|반대|금지|않을|말라|말아|시키지|해야|예고|전망|계획|준비)"
)
INTENT_AFTER: Final = r"^[^.,…!?\n]{0,4}?(?:하려|하기로|할\s?예정|할\s?방침|하려고)"
#: Adverbs of habit before an event ("주로 ... 체포된 탈북자를 수용하는 곳"): what happens as a rule.
HABITUAL_BEFORE: Final = r"(?:주로|보통|흔히|대개|대체로|일반적으로|통상|으레|매번|늘|항상)\s"
#: Conditional endings: "송환되면", "체포될 경우" speak of what would happen, not of what did.
CONDITIONAL_AFTER: Final = r"^\s?(?:되면|하면|당하면|될\s?경우|할\s?경우|되더라도|된다면|한다면)"
#: Sino-Korean verbal nouns among the triggers. Followed by a case particle ("북송이 확대",
#: "체포를 피해", "송환에 반대") they name the kind of event, not something that happened to a group;
#: a verb ending ("북송됐다", "체포된", "억류 중") or a headline's bare noun reports one.
VERBAL_NOUN: Final = (
    r"(?:북송|송환|추방|출국|체포|검거|적발|연행|나포|구금|억류|수감|구류|감금|구속|이송|이감|호송|압송|"
    r"처형|총살|심문|취조|자살|인신매매|낙태|결혼)$"
)
#: A noun right after a verbal noun makes a compound that names a thing, not an event:
#: a facility (구류소, 수감시설), a squad (체포조), a measure or policy (북송조치, 송환정책).
COMPOUND_AFTER: Final = r"^(?:소|시설|장|센터|자|조(?!사)|조치|정책|문제|명령|절차|대상|기록|협정|기준)"
#: A case particle right after a verbal noun; "북송을 당했다" (passive with 당하다) still happened.
NOMINAL_AFTER: Final = r"^(?:이(?!후|전|래)|가|은|는|을|를|의|에|도|과|와|으로|로|만|조차)(?!\s?당[하했한해])"

#: A retrospective adnominal ending ("탈북했던 청소년"): the crossing describes who the people are,
#: told as background, not a step of the incident.
BACKGROUND_AFTER: Final = r"던"

#: A crossing inside a clause that describes who the people are ("국경을 넘은 뒤 쿤밍에서 이동하던
#: 탈북자 15명"): it tells their past, ending in a retrospective "-던" before the noun for them.
BACKGROUND_CLAUSE_AFTER: Final = (
    r"^[^.,!?\n“”\"]{0,40}?던\s(?:[가-힣]{1,6}\s)?"
    r"(?:탈북자|탈북민|탈북\s?여성|주민|북한\s?주민|여성|가족|일가족|일행|청소년)"
)
#: A third country's border right before the crossing ("몽골 국경을 넘", "라오스 국경을 넘어"): a
#: crossing on the way south, not leaving North Korea.
THIRD_BORDER_BEFORE: Final = r"(?:라오스|베트남|태국|몽골|미얀마|캄보디아|러시아)\s?(?:와의\s|과의\s)?$"

#: A noun in a list ("실종, 고문, 처형 등 위협") names kinds of harm, not an event that happened.
LIST_AFTER: Final = r"^\s?(?:,|·|및\s|등(?![가-힣]))"

#: Endings right after a date that make it the date of a report ("18일 알려졌다").
REPORT_AFTER: Final = (
    r"^\)?\s?(?:\((?:현지시간|\d{1,2}일)\)\s?)?(?:[가-힣]{0,2}\s)?(?:알려졌|알려왔|보도|밝혔|전했|전해졌|전해진|전해왔|말했|발표|주장|설명|통화|"
    r"공개|확인|제기|입력|자\s)"
)
SINCE_AFTER: Final = r"^\s?(?:부터|이후|이래|이전|까지|전후)"
#: Particles between two dates that make one period of them ("1월부터 3월까지", "7월에서 12월 사이").
RANGE_GAP: Final = r"에서|부터"
#: A date in an adnominal clause of someone's own earlier move that names a relative of the
#: group ("2015년 탈북한 남성의 아내와 아들"): it dates that person's life, not the group's event.
LIFE_AFTER: Final = (
    r"^\s?(?:에\s?)?(?:[가-힣]{1,6}(?:으로|로|에)\s)?(?:탈북|입국|정착|귀순|망명)(?:한|했던)\s"
    r"(?:[가-힣]{1,4}\s)?(?:남성|여성|남편|아내|부인|남자|여자|탈북자|탈북민|아버지|어머니|오빠|언니|형|누나|동생|가족)의\s"
)

#: Third countries on the road south, and North Korea's other neighbour (see ``en.ROUTE_COUNTRIES``).
ROUTE_COUNTRIES: Final = r"라오스|베트남|태국|몽골|미얀마|캄보디아"
NEIGHBOUR_COUNTRIES: Final = r"러시아"
#: Nouns for the people counted or described (the noun right before a count, or after "N명의").
VICTIM_NOUNS: Final = (
    r"탈북자|탈북민|탈북\s?청소년|탈북\s?여성|청소년|북한\s?주민|주민|북한인|가족|일가족|일행|여성|남성|여자|남자|"
    r"어린이|아동|아이|자녀|미성년자|난민|사람|이들|탈북\s?난민|북한\s?사람|청년|소년|소녀"
)
#: A participle before a plural of people with no figure ("북송된 탈북민들은 …"): it says what kind
#: of people a general statement is about, not that it happened to a group (see en.ATTRIBUTIVE_AFTER).
ATTRIBUTIVE_AFTER: Final = (
    rf"^(?:된|당한|됐던|되었던|당했던)\s(?:[가-힣]{{1,6}}\s)?(?:{VICTIM_NOUNS})들(?![가-힣]*\s?\d)"
)
#: Counted nouns that are not the people the incident happened to.
NON_VICTIM_NOUNS: Final = (
    r"공안|경찰|조선족|중국인|브로커|기자|관계자|요원|병력|화교|외교관|직원|선교사|군인|경비|당국자|"
    r"대표|의원|국경수비대|체포조|목사|안내인|중개인|활동가|한국인|한국\s?국적자?|조력자|국민|수용인원|인원|정원"
)
GROUP_NOUNS: Final[dict[str, str]] = {
    "여성": "women", "여자": "women", "소녀": "children", "딸": "children",
    "남성": "men", "남자": "men", "소년": "children", "아들": "children",
    "어린이": "children", "아동": "children", "아이": "children", "자녀": "children", "미성년자": "children",
}  # fmt: skip

#: Native Korean numerals as used before a counter (두 명, 다섯 명).
NATIVE_NUMBERS: Final[dict[str, int]] = numbers("ko").words
#: Sino-Korean numerals written in Hangul (십여 명, 이십 명).
SINO_DIGITS: Final[dict[str, int]] = numbers("ko").digits
SINO_UNITS: Final[dict[str, int]] = numbers("ko").units
#: Amounts without a figure ("수십 명": dozens).
VAGUE_AMOUNTS: Final = r"수십|수백|수천|수만|십수|수"
#: One person named as such (see ``en.SINGULAR_PERSON``): a name withheld in the press's way
#: ("김모 씨", "이모(45)씨", "A씨"), or "한 탈북자" / "탈북 여성 한 명" said of one person.
SINGULAR_PERSON: Final = (
    r"(?<![가-힣])[가-힣]모\s?(?:\(\d{1,3}\)\s?)?씨(?=[가는이의와과도를에께\s,.)]|$)"
    r"|(?<![A-Za-z])[A-Z]\s?(?:\(\d{1,3}\)\s?)?씨(?=[가는이의와과도를에께\s,.)]|$)"
    r"|(?<![가-힣])한\s(?:탈북\s?(?:자|민|여성|남성|청소년)|북한\s?(?:여성|남성|주민))(?=[가는이의와과도를에께\s,.)]|$)"
)
#: Companions named right before the person ("아들과 함께 ... 김모 씨"): the person is one of
#: several; one relative ("kin") makes two.
SINGULAR_WITH_BEFORE: Final = (
    r"(?:(?<![가-힣])(?P<kin>아들|딸|남편|아내|부인|어머니|아버지|엄마|아빠|동생|언니|누나|오빠|형|손자|손녀)"
    r"|[가-힣]+)(?:과|와|이랑|랑)\s?함께[^.,]{0,60}$"
)
#: Before a figure: 약 50명 (about), 최소 10명 (at least), 최대 (at most).
QUALIFIERS_BEFORE: Final[dict[str, str]] = {
    "약": "about",
    "대략": "about",
    "최소": "at_least",
    "적어도": "at_least",
    "최대": "at_most",
}
#: After a figure: 50여 명, 50명가량, 10명 이상.
QUALIFIERS_AFTER: Final[dict[str, str]] = {
    "가량": "about", "정도": "about", "안팎": "about", "내외": "about", "쯤": "about", "남짓": "at_least",
    "이상": "at_least", "이하": "at_most", "미만": "at_most", "넘는": "at_least", "넘게": "at_least",
}  # fmt: skip

STATUS_CUES: Final[tuple[tuple[str, str], ...]] = (
    (r"석방|풀려났|풀려나", "released"),
    # 북한이 (강제북송된 …을) 석방: released by North Korea, after the return.
    (
        r"(?:북한|북한\s?당국|北)(?:이|은|당국이)\s[^.?!\n]{0,60}?(?:석방|풀어\s?줬|풀어\s?주었)",
        "released_after_return",
    ),
    (r"한국에\s?(?:도착|입국)했|한국행에\s?성공|무사히\s?(?:한국|태국)", "reached_safety"),
)
#: A different group: "다른 탈북자들은", "또 다른 일행".
OTHER_GROUP: Final = r"(?:다른|또\s?다른)\s?(?:탈북자|탈북민|일행|사람)들?(?:은|는|이|가|도)\s"
#: Before a figure: a part of the group already described ("이들 중 9명은", "그중 3명은").
PART_BEFORE: Final = r"(?:이들|이|그|그들|일행)\s?(?:중|가운데)(?:에서|에는|엔)?\s*,?\s*$"
SUBGROUP: Final = r"포함|가운데|중에는|중\s|제외한"
ANAPHORA: Final = r"이들|이\s?가족|일행|탈북자들|탈북민들|이\s?탈북자|당시"
