"""Expected answer types: "how many" wants a number, "how much ... invest" an amount of money,
"what share" a percentage, "when" a date, "who" a person's name, "which city" a place.

A sentence that holds the kind of thing the question asks for is a better answer than one that
merely shares its words; the answerer gives it a small bonus.
"""

from __future__ import annotations

import re
from functools import lru_cache

from base.lexicon import (
    BODY_WORDS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NUMBER_WORDS,
    ORDINALS,
    ORGANISATION_WORDS,
    PLACE_WORDS,
    QUESTION_STARTERS,
    SEPARATOR_WORDS,
)

YEAR = r"(?:1[5-9]\d\d|20\d\d)"  # a year as questions and news name them
YEARS = re.compile(rf"\b{YEAR}\b")  # each year a text names, as a word

_NUMBER_Q = re.compile(
    r"^\s*(how (much|many|large|big|far|long|tall|old)|what (share|percentage|percent|"
    r"proportion|value|amount|number)|what (was|is|were) the (value|amount|number|size))\b|"
    r"\b(worth|cost)\?*\s*$",
    re.IGNORECASE,
)
_DATE_Q = re.compile(
    r"^\s*(when\b|(in |by |until |on )?(what|which) (year|date|day|month|decade)\b|until when\b)",
    re.IGNORECASE,
)
# "What is the release date of ...", "What was the premiere date?"
_DATE_NOUN_Q = re.compile(r"^\s*(what|which)\b.*\bdates?\b", re.IGNORECASE)
# "What was Tesla's revenue?", "What is the population of ...": a quantity named by its noun.
_QUANTITY_NOUNS = r"population|height|length|weight|age|distance|speed|score|size"
_MONEY_NOUNS = r"revenue|price|cost|budget|salary|worth|income|profit|valuation"
_QUANTITY_Q = re.compile(
    rf"^\s*what\s+(is|was|were|are)\s+(the\s+)?([\w.&-]+'s?\s+)*"
    rf"(\w+\s+)?((?P<number>{_QUANTITY_NOUNS})|(?P<money>{_MONEY_NOUNS}))\b",
    re.IGNORECASE,
)
_NAME_Q = re.compile(r"^\s*(who|whom|whose)\b", re.IGNORECASE)
# "Which actor won ...?", "What director made ...?": a person named by their role.
_PERSON_NOUN_Q = re.compile(
    r"^\s*(which|what)\s+(actor|actress|person|player|singer|director|author|writer|"
    r"president|ceo|founder|artist|musician|scientist|politician|man|woman|coach|driver|"
    r"captain|leader|king|queen|composer|inventor|poet|novelist|athlete|chairman|minister)s?\b",
    re.IGNORECASE,
)
# "Which city hosted ...?", "In what country ...?": a place named by its kind. "Where" is left
# out: its answers are as often phrases ("between P and PSPACE") as names.
_PLACE_Q = re.compile(
    r"^\s*((in|at|from|to)\s+)?(which|what)\s+(city|cities|country|countries|state|states|"
    r"nation|town|capital|continent|island|county|province|region|venue|stadium|arena)\b",
    re.IGNORECASE,
)
_MONEY_Q = re.compile(
    r"\b(invest\w*|cost\w*|worth|price[sd]?|fund\w*|spen[dt]\w*|paid|pay\w*|dollars?|"
    r"money|budget|loan\w*|revenue|earn\w*|valued?)\b",
    re.IGNORECASE,
)
_PERCENT_Q = re.compile(r"\b(share|percent\w*|proportion|rate)\b", re.IGNORECASE)
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\d\s*(dollars?|euros?|rupees?|yuan)\b|\b(US|USD|Rs\.?|PKR)\s?\d", re.IGNORECASE
)
# "How many employees ...?" asks for a count, which a sum of money or a share is not.
_COUNT_Q = re.compile(r"^\s*how many\b|^\s*what (is |was )?the number of\b", re.IGNORECASE)
_SCALE = r"(\s*(thousand|million|billion|trillion|bn|mn|m|k)\b)?"
_MONEY_OR_SHARE = re.compile(
    rf"[$€£¥]\s?\d[\d,.]*{_SCALE}|\b(US|USD|Rs\.?|PKR)\s?\d[\d,.]*{_SCALE}|"
    rf"\d[\d,.]*{_SCALE}\s*(dollars?|euros?|rupees?|yuan|%|percent\b|per cent\b)"
    r"|\b(worth|valued at|priced at|costs?|costing)\s+(about |around |nearly |almost |over |"
    r"more than |some |up to )?[\w$€£¥.,]+" + _SCALE,
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\d\s*(%|percent\b|per cent\b)", re.IGNORECASE)
_SEPARATORS = set(SEPARATOR_WORDS.split()) | set(MONTHS)
_ORGANISATIONS = set(ORGANISATION_WORDS.split())
_BODIES = set(BODY_WORDS.split())

_HAS_NUMBER = re.compile(rf"\d|\b({NUMBER_WORDS})\b", re.IGNORECASE)
_MONTHS = "|".join((*MONTHS, *MONTH_ABBREVIATIONS))  # full names first: "march", not "mar"
# Other answers to "when": days, seasons, times of day, recurring and relative times.
_TIMES = (
    r"(mon|tues|wednes|thurs|fri|satur|sun)days?|weekdays?|weekends?|spring|summer|autumn|"
    r"winter|today|yesterday|tomorrow|tonight|mornings?|afternoons?|evenings?|nights?|noon|"
    r"midnight|dawn|daily|weekly|monthly|annually|yearly|centur(y|ies)|decades?|ago|"
    r"\d{1,2}(:\d\d)?\s*(am|pm|a\.m\.|p\.m\.)"
)
_HAS_DATE = re.compile(rf"\b{YEAR}s?\b|\b({_MONTHS})\b|\b({_TIMES})(?!\w)", re.IGNORECASE)
# Runs of capitalized words; a sentence's first word is capitalized anyway, so function words,
# months and titles are set aside by _has_person rather than excluding sentence starts.
_UP = "A-ZÀ-ÖØ-Þ"  # letters of names beyond ASCII: "Renée Zellweger", "Tadej Pogačar"
_LOW = "a-zß-öø-ÿā-ž"
_NAME = re.compile(rf"\b[{_UP}][{_LOW}]+(?:\s+[{_UP}][{_LOW}]+)+")
# One surname after "by" names the one who did it ("It was shown by Ladner that ...").
_AGENT = re.compile(rf"\bby\s+([{_UP}][{_LOW}]+)\b(?!\s+[{_UP}])")


# Each kind ``answer_type`` returns, as a reader would name what the answer lacks.
KIND_WORDS = {
    "name": "person",
    "date": "date or time",
    "count": "count",
    "number": "figure",
    "money": "sum of money",
    "percent": "percentage",
    "place": "place",
}


@lru_cache(maxsize=1024)  # asked by scoring, completion and abstention for each question
def answer_type(question: str) -> str | None:
    """'money', 'percent', 'count' (how many), 'number', 'date', 'name' (a person), 'place'
    (which city, country ...) or None when the question's form says nothing."""
    if _DATE_Q.search(question) or _DATE_NOUN_Q.search(question):
        return "date"
    if _NUMBER_Q.search(question):
        if _PERCENT_Q.search(question):
            return "percent"
        if _MONEY_Q.search(question):
            return "money"
        return "count" if _COUNT_Q.search(question) else "number"
    quantity = _QUANTITY_Q.search(question)
    if quantity:
        return "money" if quantity.group("money") else "number"
    if _NAME_Q.search(question) or _PERSON_NOUN_Q.search(question):
        return "name"
    if _PLACE_Q.search(question):
        return "place"
    return None


def matches(kind: str | None, sentence: str, question: str, bodies: bool = False) -> bool:
    """Whether ``sentence`` holds something of the expected kind, not copied from the question."""
    if kind == "money":
        return bool(_MONEY.search(sentence))
    if kind == "percent":
        return bool(_PERCENT.search(sentence))
    if kind == "number":
        return bool(_HAS_NUMBER.search(sentence))
    if kind == "count":
        return bool(_HAS_NUMBER.search(_MONEY_OR_SHARE.sub(" ", sentence)))
    if kind == "date":
        return bool(_HAS_DATE.search(sentence))
    if kind == "place":
        return _has_place(sentence, question)
    if kind == "name":
        asked = question.lower()
        return any(
            m.group(0).lower() not in asked and _has_person(m.group(0), bodies)
            for m in _NAME.finditer(sentence)
        ) or any(
            m.group(1).lower() not in asked and m.group(1).lower() not in _SEPARATORS
            for m in _AGENT.finditer(sentence)
        )
    return False


def _has_person(phrase: str, bodies: bool = False) -> bool:
    """A capitalized phrase holds a person's name if, split at separators (titles, months,
    sentence-starting words), a part of two or more words names no organisation or place.
    With ``bodies``, a part naming a company, team or other body that acts also counts."""
    parts: list[list[str]] = [[]]
    for word in phrase.lower().split():
        if word in _SEPARATORS:
            parts.append([])
        else:
            parts[-1].append(word)
    return any(
        len(part) >= 2 and (not _ORGANISATIONS & set(part) or (bodies and _BODIES & set(part)))
        for part in parts
    )


_NOT_PLACES = _ORGANISATIONS - set(PLACE_WORDS.split())
_NOT_NAMES = _SEPARATORS | set(QUESTION_STARTERS.split())
_RUN = re.compile(rf"\b[{_UP}][{_LOW}]+(?:\s+[{_UP}][{_LOW}]+)*")


def _has_place(sentence: str, question: str) -> bool:
    """Whether ``sentence`` names a place the question does not: a run of capitalized words,
    less words that start sentences, that names no body, prize, event or work."""
    asked = set(re.findall(r"\w+", question.lower()))
    for m in _RUN.finditer(sentence):
        words = [w for w in m.group(0).lower().split() if w not in _NOT_NAMES]
        if words and not _NOT_PLACES & set(words) and not set(words) <= asked:
            return True
    return False


_ORDINAL_WORDS = {w: str(i + 1) for i, w in enumerate(ORDINALS.split())}
_PINNED_NUMBER = re.compile(
    rf"(?<![\w.,])(\d+)(?:st|nd|rd|th)?(?![\w.,]?\d)|\b({'|'.join(_ORDINAL_WORDS)})\b",
    re.IGNORECASE,
)


# Numbers that pin nothing: a day of the month ("2" in "2 August 2023", "August 2") and an
# ordinal after "a", which means "another" ("a second album" is not album number 2).
_MONTH_NAMES = "|".join(m.capitalize() for m in _MONTHS.split("|"))
_MONTH_AFTER = re.compile(rf"\s*(of\s+)?({_MONTH_NAMES})\b")
_MONTH_BEFORE = re.compile(rf"\b({_MONTH_NAMES})\.?\s*$")
_ANOTHER = re.compile(r"\b(a|an)\s+$", re.IGNORECASE)


def _pins_nothing(text: str, m: re.Match[str]) -> bool:
    if m.group(1):
        before = text[max(0, m.start() - 12) : m.start()]
        return bool(_MONTH_AFTER.match(text, m.end()) or _MONTH_BEFORE.search(before))
    return bool(_ANOTHER.search(text[max(0, m.start() - 4) : m.start()]))


def pinned_numbers(text: str) -> set[str]:
    """Whole numbers and ordinals in ``text``, as digits ("4th", "fourth" and "4" are all "4");
    years are left to the year check. Decimals and grouped figures ("1.5", "3,000"), days of
    the month and "a second" are not identifiers, so they are skipped."""
    out = set()
    for m in _PINNED_NUMBER.finditer(text):
        if _pins_nothing(text, m):
            continue
        if m.group(1):
            if not re.fullmatch(YEAR, m.group(1)):
                out.add(m.group(1).lstrip("0") or "0")
        else:
            out.add(_ORDINAL_WORDS[m.group(2).lower()])
    return out
