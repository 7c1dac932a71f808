"""Expected answer types: a "how many" question wants a number, "when" a date, "who" a name.

A sentence that holds the kind of thing the question asks for is a better answer than one that
merely shares its words; the answerer gives it a small bonus.
"""

from __future__ import annotations

import re

_NUMBER_Q = re.compile(
    r"^\s*(how (much|many|large|big|far|long|tall|old)|what (share|percentage|percent|"
    r"proportion|value|amount|number)|what (was|is|were) the (value|amount|number|size))\b",
    re.IGNORECASE,
)
_DATE_Q = re.compile(
    r"^\s*(when\b|(in |by |until |on )?(what|which) (year|date|day|month|decade)\b|until when\b)",
    re.IGNORECASE,
)
_NAME_Q = re.compile(r"^\s*(who|whom|whose)\b", re.IGNORECASE)

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"dozens?|hundreds?|thousands?|millions?|billions?|trillions?"
)
_HAS_NUMBER = re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.IGNORECASE)
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_HAS_DATE = re.compile(rf"\b(1[5-9]\d\d|20\d\d)s?\b|\b({_MONTHS})\b", re.IGNORECASE)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")


def answer_type(question: str) -> str | None:
    """'number', 'date', 'name' or None when the question's form says nothing."""
    if _DATE_Q.search(question):
        return "date"
    if _NUMBER_Q.search(question):
        return "number"
    if _NAME_Q.search(question):
        return "name"
    return None


def matches(kind: str | None, sentence: str, question: str) -> bool:
    """Whether ``sentence`` holds something of the expected kind, not copied from the question."""
    if kind == "number":
        return bool(_HAS_NUMBER.search(sentence))
    if kind == "date":
        return bool(_HAS_DATE.search(sentence))
    if kind == "name":
        asked = question.lower()
        return any(m.group(0).lower() not in asked for m in _NAME.finditer(sentence))
    return False
