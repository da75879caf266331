"""English: event words, irrealis and reporting cues, people nouns, number and time words.

Entries are regular-expression fragments matched case-insensitively at word
boundaries unless a comment says otherwise.
"""

from __future__ import annotations

from typing import Final

from refwatch.languages import calendar, numbers

#: (pattern, event types, nominal). Nominal forms name an event type without
#: asserting that a particular group went through it ("forced repatriation").
TRIGGERS: Final[tuple[tuple[str, tuple[str, ...], bool], ...]] = (
    (r"s(?:ent|end|ends|ending)(?:\s+[\w'-]+){0,6}?\s+back", ("repatriation",), False),
    (r"(?:forcibly|forcefully)\s+(?:returned|returning|repatriated|sent)", ("repatriation",), False),
    (r"forced\s+back", ("repatriation",), False),
    (
        r"return(?:ed|ing)?(?:\s+[\w'-]+){0,4}?\s+to\s+(?:north\s+korea|the\s+north|pyongyang)",
        ("repatriation",),
        False,
    ),
    (
        r"(?:(?:hand|turn)(?:ed|ing)\s+(?:\w+\s+){0,4}?(?:over|back)|transferr(?:ed|ing)|deliver(?:ed|ing))"
        r"\s+(?:\w+\s+){0,2}?to\s+(?:north\s+korea|the\s+north|north\s+korean|pyongyang|the\s+dprk)",
        ("repatriation",),
        False,
    ),
    (r"repatriat(?:ed|ing|e|es)", ("repatriation",), False),
    (
        r"(?:returned|(?:hand|turn)ed\s+(?:\w+\s+){0,2}?over)(?:\s+[\w'-]+){0,3}?\s+to\s+"
        r"(?:china|chinese\s+(?:authorities|police))",
        ("deportation",),
        False,
    ),
    (r"repatriations?|refoulement", ("repatriation",), True),
    (r"deport(?:ed|ing|s)?|expel(?:led|ling|s)?", ("deportation",), False),
    (r"deportations?|expulsions?", ("deportation",), True),
    (
        r"arrest(?:ed|ing)|apprehend(?:ed|ing)?|caught(?!\s+(?:the\s+|their\s+|his\s+|her\s+)?(?:eye|attention|"
        r"up|fire|sight|off\s+guard))|captur(?:ed|ing)|seized|nabbed|rounded\s+up",
        ("arrest",),
        False,
    ),
    (r"arrests?|crackdowns?|manhunts?", ("arrest",), True),
    (r"detain(?:ed|ing|s)?", ("arrest", "detention"), False),
    (
        r"(?:being|been|were|was|are|is|remain|remains|remained)\s+held|holds|holding\s+(?:them|the\s+group)"
        # "is holding 7 North Koreans": the figure follows (kept out of the trigger).
        r"|holding(?=\s+(?:at\s+least\s+|about\s+|some\s+|more\s+than\s+|up\s+to\s+)?\d)",
        ("detention",),
        False,
    ),
    (r"in\s+(?:police\s+)?custody|locked\s+up|detainees?", ("detention",), False),
    (r"detention", ("detention",), True),
    (
        # "sent to" moves people only towards a place of custody; "letters sent to the president" do not.
        r"transferred|(?:moved|taken|escorted)(?:\s+forcibly)?\s+to|sent\s+(?:forcibly\s+)?to\s+(?!north\s+korea|the\s+north)"
        r"(?:an?\s+|the\s+)?(?:[\w'’-]+\s+){0,2}?(?:detention|cent(?:re|er)s?|facilit(?:y|ies)|jails?|prisons?|"
        r"stations?|camps?|border|city|province)\b",
        ("transfer",),
        False,
    ),
    (
        r"crossed\s+(?:the\s+)?(?:border|river|tumen|yalu|mekong)|fled\s+(?:north\s+korea|the\s+north|their\s+(?:country|homeland))|defected"
        # Caught in the attempt: the crossing is part of the incident.
        r"|(?:trying|attempting|tried|attempted)\s+to\s+cross\s+(?:the\s+)?(?:border|river|tumen|yalu)",
        ("crossing",),
        False,
    ),
    (
        r"committed\s+suicide|killed\s+themselves|took\s+their\s+(?:own\s+)?lives|died\s+in\s+(?:custody|detention|prison)|shot\s+dead"
        r"|died\s+(?:in|at)\s+(?:an?\s+|the\s+)?(?:north\s+korean\s+)?(?:labou?r\s+camp|prison\s+camp|prison|camp)"
        r"|died\s+(?:under|during)\s+interrogation|beaten\s+to\s+death",
        ("death",),
        False,
    ),
    (r"(?:publicly\s+)?executed", ("execution",), False),
    (r"tortured", ("torture",), False),
    (r"interrogat(?:ed|ion)|questioning|questioned", ("interrogation",), False),
    (r"forced\s+abortions?", ("forced_abortion",), False),
    (r"trafficked|sold\s+(?:into|as|to)", ("trafficking",), False),
    (r"raped|sexually\s+(?:abused|assaulted)", ("sexual_violence",), False),
    (r"labou?r\s+camps?|prison\s+camps?", ("imprisonment",), False),
    # Held in a prison: in North Korea a sentence (imprisonment), in China custody (detention);
    # see triggers._imprison_types.
    (r"imprisoned|jailed", ("imprisonment",), False),
)

#: Words before a trigger (same clause) that make it feared, planned, demanded or generic.
IRREALIS_BEFORE: Final = (
    r"risks?|danger|threat|fears?|feared|face|faces|facing|could|would|will|may|might|must|should|shall|can|"
    r"cannot|won't|wouldn't|plans?|planned|planning|decision|decided|decides|intends?|intended|stop|"
    r"halt|against|refuses?|refusal|policy|urged?|urging|demand(?:ed|s)?|if|whether|avoid|prevent|possible|"
    r"possibility|likely|expected|ready|prepared|preparing|imminent|threatened|ban|bans|banned|"
    r"criticized\s+for|accused\s+of|routinely|often|usually|generally|typically"
)
#: The subset of irrealis cues that says an authority has already decided: the people are held.
INTENT_BEFORE: Final = (
    r"plans?|planned|planning|decision|decided|decides|intends?|intended|preparing|prepared|ready"
)
#: "about to be sent back": imminent, so decided and the people held. Plain "about" before a
#: figure ("about 10 were caught") qualifies the count and says nothing about the event.
ABOUT_TO: Final = r"about\s+to\s+(?:be\s+)?$"
#: Present-tense forms of event verbs: "China arrests defectors and sends them back" tells what
#: happens as a rule, not what happened to a group.
HABITUAL_FORM: Final = r"(?:sends|deports|repatriates|returns|arrests|detains|expels|catches|hands)\b"
#: Words before a gerund that make it name a kind of act ("by deporting them", "for sending
#: refugees back"), not report one.
GERUND_BEFORE: Final = (
    r"by|of|for|from|without|against|about|on|in|than|stop|stops|keep|keeps|continue|continues"
)
#: Base forms of event verbs: an infinitive, an imperative or a plural present ("efforts to
#: sweep up and forcibly repatriate", "police arrest defectors") never report a past event.
BASE_FORM: Final = r"(?:repatriate|deport|arrest|detain|expel|send|return|catch|hand|capture|apprehend)\b"
#: A frequency adverb right after the verb: "were held routinely".
FREQUENCY_AFTER: Final = r"\s+(?:routinely|regularly|often|usually|frequently|typically|generally)\b"
#: Frequency adverbs: "in some cases executed", "often tortured" describe what tends to happen.
FREQUENCY: Final = (
    r"sometimes|often|usually|routinely|regularly|frequently|commonly|typically|generally|always|"
    r"in\s+(?:some|many|most)\s+cases"
)
#: Joins a trigger to the one before it, so that it shares its modality: "will be tortured and
#: publicly executed", "are arrested, interrogated, tortured", "sent to prison, or a labour camp".
COORDINATION: Final = (
    r"^\s*(?:by\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+)?\s*)?"  # an agent: "caught by police and sent back"
    r"(?:,\s*)?(?:(?:and|or)\s+)?(?:(?:\w+ly|a|an|the)\s+)?$"
)
#: A participle before the people it describes ("deported North Koreans", "the repatriated
#: women") qualifies them; it reports no event unless a figure names the group.
ATTRIBUTIVE_AFTER: Final = r"\s+(?:north\s+korean\s+)?(?:{nouns})\b"
#: Trigger words that name a place of punishment rather than an act ("labour camps").
PLACE_TRIGGER: Final = r"(?:labou?r|prison)\s+camps?"
#: Cues anywhere earlier in the clause that make a place of punishment feared, not reached.
FEARED_IN_CLAUSE: Final = r"\b(?:face[sd]?|facing|risks?|danger|could|would|may|might|fear(?:s|ed)?|threat)\b"
#: A pluperfect before a crossing ("who had fled North Korea years ago"): background about who
#: the people are, not a step of the incident.
BACKGROUND_BEFORE: Final = r"\bhad\s+(?:\w+ly\s+)?$"
#: "the horrors of being caught", "punished for being sent back": a passive gerund after a
#: preposition names a kind of experience, as the plain gerund does.
PASSIVE_GERUND_BEFORE: Final = r"\b(?:of|for|by|from|without|against|about)\s+being\s+$"
#: Conditional clause openers: whatever follows in the clause may not have happened.
CONDITIONAL: Final = r"if|unless|whether|once"
#: Present passive ("who are caught") reads as a general statement, not an incident.
GENERIC_AUX: Final = r"are|is|get|gets|be"
#: Clause boundaries that stop the look-back for irrealis cues.
CLAUSE_BREAK: Final = r"after|before|when|while|and|but|then|who|which|that|until|since|because"
#: Reporting verbs that open the clause they report ("Ban Ki-moon said China repatriated ..."):
#: words before them belong to the speaker, not to the reported event.
REPORTING_BREAK: Final = (
    r"said|says|told|reported|reports|announced|stated|confirmed|revealed|added|according"
)

#: Reporting verbs: a date right after them dates the report, not the event.
REPORT_BEFORE: Final = (
    r"said|says|say|told|tells|reported|reports|announced|stated|claimed|claims|added|issued|published|"
    r"confirmed|revealed|wrote|according\s+to"
)
REPORT_AFTER: Final = r"statement|report|briefing|press\s+conference|interview|announcement"
SINCE_BEFORE: Final = r"since|from|until|till|through|before|after|by"
#: Words between two dates that make one period of them ("March to May", "2019 through 2021");
#: "and" only after RANGE_OPEN ("between March and May").
RANGE_GAP: Final = r"to|until|till|through|and"
RANGE_OPEN: Final = r"between|from"
#: A relative clause telling someone's own earlier move ("the son of a man who escaped to the
#: South in 2015", "whose mother defected in 2010"): a date in it dates that person's life, not
#: the event of the group the sentence is about.
LIFE_CLAUSE_BEFORE: Final = r"who|whose\s+\w+(?:\s+\w+)?"
LIFE_VERBS: Final = (
    r"escaped|defected|fled|arrived|settled|resettled|came|moved|left|crossed|was\s+born|were\s+born|"
    r"had\s+(?:escaped|defected|fled|arrived|settled|come|moved|left|crossed)"
)

#: Third countries on the road south through China, and the one other neighbour of North Korea:
#: a return from one of them is a deportation; a crossing into a route country is not leaving
#: North Korea (Russia borders it, so a crossing there may be).
ROUTE_COUNTRIES: Final = (
    r"laos|laotian|vietnam|vietnamese|thailand|thai|mongolia|mongolian|myanmar|burma|cambodia"
)
NEIGHBOUR_COUNTRIES: Final = r"russia|russian"
#: Nouns for the people an incident happens to.
VICTIM_NOUNS: Final = (
    r"north\s+koreans?|koreans|defectors?|refugees?|escapees?|asylum[-\s]seekers?|people|persons|individuals|"
    r"youths?|teen(?:ager)?s|children|kids|women|men|males|females|girls|boys|orphans|detainees|migrants|"
    r"family\s+members|members|adults|minors|soldiers|citizens|nationals|crossers|returnees|prisoners|"
    r"labou?rers|"
    r"captives|believers|christians|sons?|daughters?|sisters|brothers|siblings|couples|mothers|fathers|"
    r"grandmothers|grandfathers|students|workers|farmers|traders"
)
#: Group nouns for demographic counts.
GROUP_NOUNS: Final[dict[str, str]] = {
    "women": "women",
    "woman": "women",
    "females": "women",
    "female": "women",
    "girls": "children",
    "girl": "children",
    "men": "men",
    "man": "men",
    "males": "men",
    "male": "men",
    "children": "children",
    "child": "children",
    "kids": "children",
    "boys": "children",
    "boy": "children",
    "teenagers": "children",
    "teenager": "children",
    "teens": "children",
    "minors": "children",
    "sons": "children",
    "son": "children",
    "daughters": "children",
    "daughter": "children",
}

NUMBER_WORDS: Final[dict[str, int]] = numbers("en").words
#: Amounts without a figure: a group, count unknown.
VAGUE_AMOUNTS: Final = (
    r"dozens|scores|hundreds|thousands|several|a\s+few|a\s+number|a\s+large\s+number|a\s+group|a\s+handful|"
    r"numerous"
)
#: One person named as such: "a defector", "a North Korean woman", "his wife". A personal
#: history in testimony is an incident of one person, and must not merge with a group's.
SINGULAR_PERSON: Final = (
    r"\b(?:an?|one)\s+(?:(?:young|elderly|pregnant|north\s+korean|\d+-year-old|christian)\s+)*"
    r"(?:defector|refugee|escapee|asylum[-\s]seeker|woman|man|girl|boy|teenager|north\s+korean)\b"
    r"|\b(?:his|her|my)\s+(?:wife|husband|sister|brother|niece|nephew)\b"
)
#: What follows the singular person when it is one of several ("his wife and son").
SINGULAR_THEN_MORE: Final = r"[\s,]+(?:and|with)\b"
#: Nationalities of counted people who are not the North Koreans an incident happens to
#: ("two South Koreans and one Chinese were also arrested": helpers, guides, journalists).
OTHER_NATIONALS: Final = r"\b(?:south\s+koreans?|chinese|japanese|americans?)\b"
#: A relative clause after the people counted that makes them helpers, not the people the
#: incident happened to ("three people who had been helping the group were also arrested").
HELPER_AFTER: Final = r"\s+who\s+(?:had\s+)?(?:been\s+)?(?:help|assist|aid|guid|shelter|smuggl|escort)\w*"
#: Qualifier words before a figure.
QUALIFIERS: Final[dict[str, str]] = {
    "about": "about", "around": "about", "approximately": "about", "roughly": "about", "some": "about",
    "nearly": "about", "almost": "about", "close to": "about", "an estimated": "about", "estimated": "about",
    "up to": "at_most", "as many as": "at_most", "at most": "at_most", "no more than": "at_most",
    "fewer than": "at_most", "less than": "at_most", "more than": "at_least", "over": "at_least",
    "at least": "at_least", "upwards of": "at_least", "in excess of": "at_least", "a minimum of": "at_least",
}  # fmt: skip
#: A figure with no noun for people, standing for a group by its verb or its frame: "12 were
#: arrested", "detained 9 in Yanji", "a group of 12", "18 others".
GROUP_FRAMES: Final = (
    r"\b(?P<n>{num})(?=\s+(?:were|have\s+been|had\s+been)\s+(?:\w+ly\s+)?"
    r"(?:arrested|detained|caught|repatriated|deported|sent|returned|held|apprehended|rounded|executed|"
    r"killed|sentenced|released|freed|imprisoned|jailed|tortured|interrogated|questioned|transferred)\b)"
    r"|\b(?:arrested|detained|caught|repatriated|deported|held|apprehended)\s+(?P<n2>{num})"
    r"(?=\s+(?:in|at|from|near|on)\s+[A-Z])"
    r"|\ba\s+group\s+of\s+(?P<n3>{num})\b"
    r"|\b(?P<n4>{num})\s+others\b"
    r"|\band\s+(?P<n5>{num})(?=\s+(?:more\s+)?(?:in|at|from|near)\s+[A-Z])"
)
#: The figure a sum of people comes to, the noun before it: "brought the total of detainees to as
#: many as 33", "the number of defectors held rose to 40", "the number of North Koreans arrested
#: reached 12". The figure and its qualifier follow the verb.
TOTAL_OF_PEOPLE: Final = (
    r"\b(?:total|number|count)\s+of\s+(?:[A-Za-z][\w'’-]*\s+){{0,2}}?(?:{nouns})"
    r"(?:\s+(?:[a-z]+ed|held|caught))?(?:\s+(?:in|at)\s+[A-Z][\w'’-]*)?"
    r"\s+(?:(?:has|have|had)\s+)?(?:to|at|reached|rose\s+to|risen\s+to|climbed\s+to|grew\s+to|"
    r"stands?\s+at|stood\s+at|is|was)\s+(?:(?P<qual>{qual})\s+)?(?P<n>{num})\b(?!\s*(?:%|percent))"
)
#: "the couple": two people.
COUPLE: Final = r"\b(?:the|a|an?\s+\w+)\s+couple\b(?!\s+of\b)"
#: "the nine were ...", "among the ten deported": a figure standing for the group.
BARE_NUMBER_FOLLOW: Final = (
    r"were|was|had|have|are|include|includes|included|who|deported|repatriated|detained|arrested|returned"
)

#: Month names and abbreviations -> 1..12, and full day names -> 0 (Monday)..6: the language
#: data of :mod:`refwatch.languages` (``en.json``), shared with the metadata date parser.
MONTHS: Final[dict[str, int]] = calendar("en").months
WEEKDAYS: Final[dict[str, int]] = calendar("en").weekday_names

#: Phrases that say where people stand now.
STATUS_CUES: Final[tuple[tuple[str, str], ...]] = (
    (r"released|freed|set\s+free", "released"),
    # Released by North Korea, or from its prisons and camps: after the return, so the latest state.
    (
        r"(?:north\s+korea|north\s+korean\s+authorities|pyongyang)\s+(?:has\s+|had\s+)?(?:released|freed)"
        r"|(?:released|freed)\s+from\s+(?:a\s+|the\s+)?north\s+korean\s+(?:prison|labou?r\s+camp|"
        r"detention\s+(?:center|centre)|camp)",
        "released_after_return",
    ),
    (
        r"arrived\s+(?:safely\s+)?in\s+(?:south\s+korea|seoul|thailand)"
        r"|reached\s+(?:south\s+korea|seoul|safety)|granted\s+asylum",
        "reached_safety",
    ),
)
#: A different group from the one already described ("41 others", "other defectors").
OTHER_GROUP: Final = (
    r"\b(?:\d+|the|several|some|many)\s+others\b"
    r"|\bother\s+(?:north\s+koreans|defectors|refugees|escapees|people)\b|\banother\s+(?:group|\d+)"
)
#: Before a figure: a part of the group already described, with its own fate or place
#: ("Of them, 5 were executed", "among whom 3 were sent on to Tumen").
PART_BEFORE: Final = r"\b(?:among|of)\s+(?:them|whom|these|those|the\s+group)\b[\s,]*(?:\w+\s+)?$"
#: A part of a group already counted ("among them", "including").
SUBGROUP: Final = r"\bamong\s+(?:them|the)\b|\bincluding\b|\bof\s+whom\b|\bincludes?\b"
#: Words that point back to one person already introduced.
SINGULAR_ANAPHORA: Final = r"she|her|he|him"
#: Words that point back to a group already introduced.
ANAPHORA: Final = (
    r"the\s+group|the\s+defectors|the\s+refugees|the\s+escapees|the\s+youths?|the\s+family|they|them"
    r"|the\s+(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\b|these\s+north\s+koreans"
    r"|the\s+north\s+koreans|the\s+detainees|the\s+travell?ers"
)
