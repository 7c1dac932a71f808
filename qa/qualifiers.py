"""What a question qualifies its subject with, and whether an answer says the same.

A sentence that shares a question's words may still answer another question: "What is *not* an
example of ...?" is not answered by the sentence giving the examples, "Who won the *women's*
singles?" not by the men's final, "What is the *least* important ...?" not by "the most
important ...". Checks a careful reader makes, for any topic:

- **polarity**: a negated question ("not", "never", "no longer") wants a negated statement
  ("not", "lack of", "without", or a question's word negated by a prefix: "unverified" for
  "not verified");
- **opposites**: the answer must not swap a qualifier of the question for its opposite
  ("most" / "least", "men" / "women", "before" / "after"), from a fixed list of general English
  pairs (``_OPPOSITES``);
- **names**: an identifier the question names (a word with an inner capital or with letters
  and digits: "NP-complete", "iPhone", "COVID-19") must be in the documents at all;
- **events**: a question about who won, or when something was released, founded, acquired or
  hosted, wants a sentence that says so in some form ("won", "victory", "champion"); a
  sentence naming the nominees, the announcement or the bid answers another question;
- **current holders**: "Who is the president of FIFA?" is not answered by "the former
  president", "the presidents of CONCACAF" or "Vice President";
- **the very thing asked**: a sentence that speaks of it only as a prospect ("contenders for
  the title"), names it with a word put inside ("best supporting actor" for "Best Actor"),
  with another first word or as the start of a longer name ("NBA Draft Combine"), speaks of
  a part of it ("stage 13 of"), another edition ("the 2022 US Open" for 2021), a record ("the
  most wins" for who won), a role without saying whose ("its lead actress"), or swaps one of
  its qualifiers for the opposite speaks of something else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from base.lexicon import EVENTS, NEGATING_WORDS, NEGATORS, OPPOSITE_PAIRS, SAME_THING_WORDS
from qa.answer_types import YEARS, matches

# Negation. A question is negated by an explicit negator; a statement may also say it with
# "lack of", "without", "failed to", "except" and the like. "whether or not", "may or may not",
# "not only", "No. 1" and "yes/no" negate nothing.
_NEGATOR = rf"\b({'|'.join(NEGATORS.split())})\b|n[’']t\b"
_NEGATED_QUESTION = re.compile(_NEGATOR, re.IGNORECASE)
_NEGATION = re.compile(_NEGATOR + rf"|\b({NEGATING_WORDS})\b", re.IGNORECASE)
_NOT_A_NEGATION = re.compile(
    r"\bor not\b|\bor (may|might|can|could|does|did|do|is|are|was|were|will|would) not\b|"
    r"\bnot (only|just|merely)\b|\bno (doubt|matter)\b|\bno\.?\s*\d|\byes\s*(/|or)\s*no\b",
    re.IGNORECASE,
)
_NEGATING_PREFIX = re.compile(r"\b(un|in|im|il|ir|non-?|dis)([a-z]{4,})\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+")
_WORD_CASED = re.compile(r"[A-Za-z]+")


def _opposites() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for pair in OPPOSITE_PAIRS.split():
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


_EVENT_CHECKS = {
    name: (re.compile(rf"\b({asked})\b", re.IGNORECASE), re.compile(rf"\b({said})\b", re.I))
    for asked, name, said in EVENTS
}


def asked_event(question: str) -> str | None:
    """The event the question asks about, as a participle ("won", "released" ...), or None."""
    events = (name for name, (asked, _) in _EVENT_CHECKS.items() if asked.search(question))
    return next(events, None)


def states_event(event: str, text: str) -> bool:
    """Whether ``text`` states ``event`` (an ``asked_event``) in some form."""
    return bool(_EVENT_CHECKS[event][1].search(text))


def unstated_event(question: str, answer: Iterable[str]) -> str | None:
    """The event the question asks about that no text of ``answer`` states, or None.
    ``answer`` is read only when the question asks about an event."""
    event = asked_event(question)
    if event and not any(states_event(event, t) for t in answer):
        return event
    return None


# "Who is the president of FIFA?" asks for the one who holds the role now, of the body it names.
_ASKS_HOLDER = re.compile(
    r"^\s*who\s+(?:is|are)\s+(?:the\s+)?(?:current\s+)?([a-z]+)\b", re.IGNORECASE
)
_ASKS_PAST = re.compile(r"\b(former|previous|past|first|last|was|were)\b", re.IGNORECASE)
_PAST_HOLDER = re.compile(
    r"\b(former|ex-|then-|previous|past|late|outgoing|one-time)\s*$", re.IGNORECASE
)
# Calls a holder current. Case matters: "New" in "New York" and "New Zealand" names a place.
_CURRENT = re.compile(r"\b([Cc]urrent|[Ii]ncumbent|sitting|new)\b")
# Where a role is held: "president of CONCACAF", "CEO at Google Cloud", "UEFA president"; or
# another role of that name: "Vice President", "deputy director". Before the role, only an
# acronym names a body: "Swiss president" or "American president" may be the one asked about.
_HELD_AT = re.compile(r"\s+(?:of|at|for)\s+(?:the\s+)?([A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*)")
_HELD_BY = re.compile(r"\b([A-Z][A-Z&]+|(?i:vice|deputy|assistant|associate))[\s-]+$")


def _elsewhere(body: str, question: str) -> bool:
    """Whether ``body`` ("CONCACAF", "Vice") is other than anything the question names."""
    asked = _words(question)
    return not any(w in asked for w in _words(body) if len(w) > 2)


def other_holder(question: str, answer: Iterable[str]) -> tuple[str, str | None] | None:
    """For a present-tense "Who is the <role> of ...?", whose holders the texts of ``answer``
    name instead, when every text that names a person and the role names only former holders
    (``(role, None)`` for "the former president") or holders of the role at another body
    (``(role, "presidents of CONCACAF")``, ``(role, "Vice President")``); else None. A text
    naming a person without the role, or calling a holder current, may answer."""
    m = _ASKS_HOLDER.search(question)
    if not m or _ASKS_PAST.search(question):
        return None
    role = m.group(1)
    said = re.compile(rf"\b{re.escape(role)}s?\b", re.IGNORECASE)
    elsewhere: str | None = None
    for text in answer:
        if not matches("name", text, question):
            continue
        own = former = others = 0
        for mention in said.finditer(text):
            # what stands right before the role: both patterns end where the mention starts
            after = _HELD_AT.match(text, mention.end())
            at = after or _HELD_BY.search(text, 0, mention.start())
            if at and _elsewhere(at.group(1), question):
                span = (mention.start(), at.end()) if after else (at.start(), mention.end())
                elsewhere = elsewhere or text[span[0] : span[1]]
                others += 1
                continue
            own += 1
            former += bool(_PAST_HOLDER.search(text, 0, mention.start()))
        if not (own or others) or own > former or (own and _CURRENT.search(text)):
            return None
    return role, elsewhere


# A prize, title or event still to be decided: "contenders for the title", "a shot at No. 1".
_PROSPECT = re.compile(
    r"\b(contenders?|in contention|in the running|a shot at|vying|favou?rites? to|tipped to|"
    r"chances? (at|of) (winning|taking))\b",
    re.IGNORECASE,
)
# Two capitalized words in a row: part of a name the question uses ("Best Actor").
_NAME_PAIR = re.compile(r"(?=\b([A-Z][\w'’-]*)\s+([A-Z][\w'’-]*)\b)")
# A name the question uses: capitalized words, with small words inside ("Tour de France",
# "Teacher of the Year") and a number after ("Pixel 6"; not a date's day: "May 5, 2021").
_TITLE = re.compile(
    r"[A-Z][\w'’.-]*(?:\s+(?:(?:de|of|the|in|for|and|du|la)\s+)*[A-Z][\w'’.-]*"
    r"|\s+\d+\b(?!\s*[,.]?\s*\d))*"
)
_ARTICLES = ("The", "A", "An")
# A part of a whole: a stage of a race, a round of a tournament, an episode of a series, a
# trailer of a film. "The final" is not here: it decides the whole.
_PART = (
    r"(?:stage|leg|round|heat|lap|episode|chapter|quarter|half|semi-?final|quarter-?final|"
    r"qualifier|qualifying|game|match|trailer|teaser|soundtrack|demo|beta|combine)s?"
)
_PART_ASKED = re.compile(rf"\b{_PART}\b", re.IGNORECASE)
# A record over many editions stands for no one edition's result ("the most wins").
_RECORD = re.compile(
    r"\b(most|record|all-time|career)\s+(?:\w+\s+){0,2}"
    r"(wins|titles|victories|championships|trophies)\b",
    re.IGNORECASE,
)
_WON = _EVENT_CHECKS["won"][1]
_SAME_THING = set(SAME_THING_WORDS.split())
# A capitalized word right after a name, not a Roman numeral ("Super Bowl LV" is one edition).
_NEXT_NAME_WORD = re.compile(r"\s+(?![IVXLC]+\b)([A-Z][a-z][\w'’-]*)")
# "Who is the lead actress in La La Land?": the role, and whose it is.
_ROLE_OF = re.compile(
    r"^\s*who\s+(?:is|was|are|were)\s+(?:the\s+)?((?:[a-z]+\s+){0,2}?[a-z]+)\s+"
    r"(?:of|in|for|at|on)\s+(.+?)\s*\??\s*$",
    re.IGNORECASE,
)


@lru_cache(maxsize=256)  # asked for each answer sentence and each check
def _titles(question: str, whole: bool = False) -> tuple[str, ...]:
    """The names the question uses ("Tour de France", "U.S. Open", "NBA Draft"), less a leading
    article and, unless ``whole`` (a part of a question), its first word, which is capitalized
    only because it starts the question."""
    words = [question] if whole else question.split(None, 1)[1:]
    out = []
    for m in _TITLE.finditer(words[0] if words else ""):
        title = re.sub(r"['’]s$", "", m.group(0).rstrip(".,?'’")).split()
        if title and title[0] in _ARTICLES:
            title = title[1:]
        if title:
            out.append(" ".join(title))
    return tuple(out)


def _as_written(title: str) -> str:
    """A pattern for ``title`` as a text may write it: dots optional ("US Open" for "U.S.
    Open"), either apostrophe ("China’s" for "China's"), any spacing."""
    words = (re.sub(r"['’]", "['’]", re.escape(w).replace(r"\.", r"\.?")) for w in title.split())
    return r"\b" + r"\s+".join(words) + r"(?!\w)"


def _widened(question: str, text: str) -> str | None:
    """A name of the question that ``text`` only says with a word put inside it, as said
    ("best supporting actor" where the question names "Best Actor"), or None. The question's
    first word ("Which") is capitalized only because it starts the question, so it is left
    out."""
    words = question.split(None, 1)
    for m in _NAME_PAIR.finditer(words[1] if len(words) > 1 else ""):
        a, b = re.escape(m.group(1)), re.escape(m.group(2))
        if re.search(rf"\b{a}\s+{b}\b", text, re.IGNORECASE):
            continue
        inside = re.search(rf"\b{a}\s+[\w'’-]+\s+{b}\b", text, re.IGNORECASE)
        if inside:
            return inside.group(0)
    return None


def _part_of(question: str, text: str) -> str | None:
    """A name of the question that ``text`` speaks of only through a part of it ("stage 13 of
    the Tour de France" for who won the Tour), as said; None when the question itself asks
    about a part."""
    if _PART_ASKED.search(question):
        return None
    for title in _titles(question):
        said = _as_written(title)
        mentions = len(re.findall(said, text, re.IGNORECASE))
        parts = list(
            re.finditer(
                rf"\b{_PART}(?:\s+(?:\d+|one|two|three|\w+th))?\s+(?:of|at|in)\s+(?:the\s+)?"
                rf"(?:\d{{4}}\s+)?{said}",
                text,
                re.IGNORECASE,
            )
        )
        if mentions and len(parts) >= mentions:
            return parts[0].group(0)
    return None


def _other_edition(question: str, text: str) -> str | None:
    """A name of the question that ``text`` gives another year than the question's ("2022 US
    Open" for the U.S. Open in 2021), as said; None when the question names no year or the
    text holds the year asked anywhere ("who won the 2020 Tour, won it again in 2021")."""
    asked = set(YEARS.findall(question))
    if not asked or asked & set(YEARS.findall(text)):
        return None
    year = YEARS.pattern
    for title in _titles(question):
        name = YEARS.sub("", title).strip()
        if not name:
            continue
        said = _as_written(name)
        bound = re.search(rf"{year}\s+{said}|{said}\s+(?:(?:in|of)\s+)?{year}", text, re.IGNORECASE)
        if bound:
            return bound.group(0)
    return None


def _record(question: str, text: str) -> str | None:
    """For "Who won ...?", a text that speaks of winning only as a record ("the player with the
    most wins"), which no one edition's result is; the record as said, or None."""
    if asked_event(question) != "won" or _RECORD.search(question):
        return None
    record = _RECORD.search(text)
    if record and not _WON.search(_RECORD.sub(" ", text)):
        return record.group(0)
    return None


def _renamed(question: str, text: str) -> str | None:
    """A name of the question, of three words or more, that ``text`` says only with another
    first word ("State Teacher of the Year" for "National Teacher of the Year"), as said. An
    acronym's words are the same first word ("United States Strategic Metals" for "US
    Strategic Metals")."""
    asked = _words(question)
    for title in _titles(question):
        first, *rest = title.split()
        if len(rest) < 2 or not rest[0][0].isupper():  # "CEO of Tesla": a role, not a name
            continue
        if re.search(_as_written(title), text, re.IGNORECASE):
            continue
        acronym = first.replace(".", "") if first.replace(".", "").isupper() else ""
        before = rf"((?:[A-Z][\w'’-]*\s+){{1,{max(len(acronym), 1)}}})"
        for m in re.finditer(before + _as_written(" ".join(rest)), text):
            words = m.group(1).split()
            if acronym and "".join(w[0] for w in words[-len(acronym) :]) == acronym:
                continue
            said = words[-1]
            if not _words(said) & asked and not YEARS.match(said):
                return text[m.start(1) + m.group(1).rstrip().rindex(said) : m.end()]
    return None


def _headline(text: str) -> bool:
    """Whether ``text`` is written in title case: every word but the small ones ("of", "to")
    is capitalized."""
    words = re.findall(r"[A-Za-z][\w'’-]{3,}", text)
    return len(words) >= 3 and all(w[0].isupper() for w in words)


def _extended(question: str, text: str) -> str | None:
    """A name of the question, of two words or more, that ``text`` says only as the start of a
    longer name ("NBA Draft Combine" for the NBA Draft), as said. A company's legal form or an
    event's final ("World Cup Final") names the same thing; a title-case headline says
    nothing, since all its words are capitalized."""
    if _headline(text):
        return None
    asked = _words(question)
    for title in _titles(question):
        if len(title.split()) < 2:
            continue
        mentions = list(re.finditer(_as_written(title), text, re.IGNORECASE))
        longer = []
        for m in mentions:
            after = _NEXT_NAME_WORD.match(text, m.end())
            if after and after.group(1).lower() not in asked | _SAME_THING:
                longer.append(text[m.start() : after.end()])
        if mentions and len(longer) == len(mentions):
            return longer[0]
    return None


def _whose(question: str, text: str) -> str | None:
    """For "Who is the <role> of X?", a text that gives the role only as "its" or "their"
    role, not naming X ("its lead actress" for the lead actress in La La Land), as said: whose
    role it is, the text does not say. X is named by its capitalized name ("Avatar" for "the
    Avatar movie"), or by its words if it has none."""
    m = _ROLE_OF.search(question)
    if not m:
        return None
    role = re.escape(m.group(1).split()[-1])
    said = re.search(rf"\b(its|their)\s+(?:[\w-]+\s+)?{role}s?\b", text, re.IGNORECASE)
    if not said:
        return None
    # X by its name ("the Avatar movie" is named by "Avatar"), else by its words
    subject = m.group(2).strip(" \"'“”?")
    names = _titles(subject, whole=True) or (re.sub(r"^(the|a|an)\s+", "", subject, flags=re.I),)
    if any(re.search(_as_written(name), text, re.IGNORECASE) for name in names):
        return None
    return said.group(0)


def speaks_of_other(question: str, text: str) -> str | None:
    """What ``text`` (one sentence) says instead of the very thing the question asks about, in
    its own words, or None:

    - a prospect ("contenders");
    - a name with a word put inside it ("best supporting actor" for "Best Actor"), with
      another first word ("State Teacher of the Year" for "National Teacher of the Year") or
      as the start of a longer name ("NBA Draft Combine" for the NBA Draft);
    - a part of it ("stage 13 of the Tour de France");
    - another edition of it ("2022 US Open" for the U.S. Open in 2021);
    - a record where the question asks who won ("the most wins");
    - a role whose holder the text does not say ("its lead actress");
    - a qualifier's opposite ("actress" for "actor").
    """
    prospect = _PROSPECT.search(text)
    if prospect and not _PROSPECT.search(question):
        return prospect.group(0)
    for check in (_widened, _renamed, _extended, _part_of, _other_edition, _record, _whose):
        other = check(question, text)
        if other:
            return other
    swapped = swapped_qualifier(question, [text])  # only when nothing before it was found
    return swapped[1] if swapped else None
