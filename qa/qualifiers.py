"""What a question qualifies its subject with, and whether an answer says the same.

A sentence that shares a question's words may still answer another question: "What is *not* an
example of ...?" is not answered by the sentence giving the examples, "Who won the *women's*
singles?" not by the men's final, "What is the *least* important ...?" not by "the most
important ...". Three checks a careful reader makes, for any topic:

- **polarity**: a negated question ("not", "never", "no longer") wants a negated statement
  ("not", "lack of", "without", or a question's word negated by a prefix: "unverified" for
  "not verified");
- **opposites**: the answer must not swap a qualifier of the question for its opposite
  ("most" / "least", "men" / "women", "before" / "after"), from a fixed list of general English
  pairs (``_OPPOSITES``);
- **names**: an identifier the question names (a word with an inner capital or with letters
  and digits: "NP-complete", "iPhone", "COVID-19") must be in the documents at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# Negation. A question is negated by an explicit negator; a statement may also say it with
# "lack of", "without", "failed to", "except" and the like. "whether or not", "may or may not",
# "not only", "No. 1" and "yes/no" negate nothing.
_NEGATOR = r"\b(not|never|no|none|nor|neither|nobody|nothing|nowhere|cannot)\b|n[’']t\b"
_NEGATED_QUESTION = re.compile(_NEGATOR, re.IGNORECASE)
_NEGATION = re.compile(
    _NEGATOR + r"|\b(without|lacks?|lacking|lacked|absence|absent|fails?|failed|failure|unable|"
    r"hardly|rarely|seldom|barely|refused?|refuses|denied|denies|except|excluding|excluded|"
    r"excludes|instead)\b",
    re.IGNORECASE,
)
_NOT_A_NEGATION = re.compile(
    r"\bor not\b|\bor (may|might|can|could|does|did|do|is|are|was|were|will|would) not\b|"
    r"\bnot (only|just|merely)\b|\bno (doubt|matter)\b|\bno\.?\s*\d|\byes\s*(/|or)\s*no\b",
    re.IGNORECASE,
)
_NEGATING_PREFIX = re.compile(r"\b(un|in|im|il|ir|non-?|dis)([a-z]{4,})\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+")
_WORD_CASED = re.compile(r"[A-Za-z]+")

# Qualifiers that flip a statement's meaning when swapped: general English opposites (degree,
# order, direction, sex, sign), not words of any one corpus.
_OPPOSITE_PAIRS = """
    most/least more/less more/fewer most/fewest greatest/least maximum/minimum max/min
    best/worst better/worse largest/smallest larger/smaller large/small biggest/smallest
    bigger/smaller big/small highest/lowest higher/lower high/low upper/lower top/bottom
    longest/shortest longer/shorter long/short widest/narrowest wider/narrower wide/narrow
    heaviest/lightest heavier/lighter heavy/light strongest/weakest stronger/weaker strong/weak
    fastest/slowest faster/slower fast/slow hardest/easiest harder/easier hard/easy
    oldest/youngest older/younger oldest/newest older/newer old/new
    earliest/latest earlier/later early/late first/last before/after above/below
    inside/outside inner/outer internal/external increase/decrease increased/decreased
    increases/decreases rise/fall rose/fell gain/loss gained/lost win/lose won/lost wins/losses
    winner/loser winners/losers success/failure successful/unsuccessful accept/reject
    accepted/rejected include/exclude included/excluded import/export imports/exports
    buy/sell bought/sold buyer/seller positive/negative true/false correct/incorrect
    legal/illegal possible/impossible always/never all/none
    men/women man/woman male/female boys/girls boy/girl his/her husband/wife
    north/south east/west northern/southern eastern/western left/right
    public/private domestic/foreign national/international rich/poor cheap/expensive
    hot/cold warm/cool wet/dry open/closed opened/closed start/end began/ended beginning/end
    entry/exit arrival/departure input/output cause/effect major/minor simple/complex
    common/rare frequent/rare
"""


def _opposites() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for pair in _OPPOSITE_PAIRS.split():
        a, b = pair.split("/")
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}


_OPPOSITES = _opposites()
# A word, with its inner hyphens and apostrophes ("NP-complete", "COVID-19", "men's").
_NAME_WORD = re.compile(r"(?<![\w'’-])([A-Za-z0-9][\w'’-]*)")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _said(text: str) -> set[str]:
    """Words of ``text``, plurals and third persons also without their "s" ("outputs")."""
    words = _words(text)
    return words | {w[:-1] for w in words if len(w) > 3 and w.endswith("s")}


def is_negated(question: str) -> bool:
    """Whether the question asks about something that is not so ("What is not ...?")."""
    return bool(_NEGATED_QUESTION.search(_NOT_A_NEGATION.sub(" ", question)))


def states_negation(text: str, question: str) -> bool:
    """Whether ``text`` says that something is not so: a negation, or one of the question's
    words negated by a prefix ("unverified" where the question says "not verified")."""
    if _NEGATION.search(_NOT_A_NEGATION.sub(" ", text)):
        return True
    asked = _words(question)
    return any(m.group(2).lower() in asked for m in _NEGATING_PREFIX.finditer(text))


def _qualifiers(question: str) -> set[str]:
    """The question's words that may qualify its subject: lowercase ones, and its first word
    ("New" in "... New York" names a place, not an age)."""
    words = _WORD_CASED.findall(question)
    return {w.lower() for i, w in enumerate(words) if i == 0 or w.islower()}


def swapped_qualifier(question: str, answer: Iterable[str]) -> tuple[str, str] | None:
    """A qualifier of the question that the answer swaps for its opposite, as (asked, said):
    ("least", "most") where the answer says "most"; or None. Both sides count only where the
    question does not itself hold the opposite ("more or less")."""
    asked = _words(question)
    said: set[str] = set().union(*(_said(t) for t in answer))
    for word in sorted(_qualifiers(question)):
        opposite = _OPPOSITES.get(word, frozenset())
        if word not in said and opposite & said and not opposite & asked:
            return word, min(opposite & said)
    return None


def asked_names(question: str) -> list[str]:
    """Identifiers the question names: words with an inner capital ("NP-complete", "iPhone") or
    with letters and digits ("COVID-19", "A380"). Plain numbers are left to the year and
    number checks, which know "3" from "third"; plain capitalized words are too often misspelt
    or said another way ("America" for "the U.S.") to require them verbatim."""
    out = []
    for m in _NAME_WORD.finditer(question):
        word = re.sub(r"['’]s$", "", m.group(1)).rstrip("'’-")
        digits = any(c.isdigit() for c in word)
        if any(c.isupper() for c in word[1:]) or (digits and not word.isdigit()):
            out.append(word)
    return out


def unknown_names(question: str, known: Callable[[str], bool]) -> list[str]:
    """The question's names that ``known`` (a lookup in the documents) does not find."""
    return [name for name in asked_names(question) if not known(name)]
