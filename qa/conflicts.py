"""Disagreement between sources: different figures for the same quantity in different documents.

Among the sentences that answer the question about as well as the best one, each document's
figures are read (money with a scale, percentages, ranges). When two documents give different
values of the same kind, the response lists one claim per document so each side can be checked.
Contradictory statements without figures are not detected (yet): see the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.answer import ScoredSentence

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_FIGURE = re.compile(
    r"(?P<cur>\$\s?|US\$\s?)?(?P<a>\d+(?:\.\d+)?)(?:\s*(?:to|-|–)\s*\$?(?P<b>\d+(?:\.\d+)?))?"
    r"\s*(?P<unit>thousand|million|billion|trillion|percent|per cent|%)",
    re.IGNORECASE,
)
SCORE_MARGIN = 0.25
SAME_MAGNITUDE = 3.0
MIN_OVERLAP = 0.5
_QUANTITY_QUESTION = re.compile(
    r"\bhow (much|many|large|big)\b|\bworth\b|\bvalue\b|\bshare\b|\bpercent|\bestimat|"
    r"\bcontribut|\bcost\b|\binvest",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Claim:
    text: str
    doc_id: str
    title: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Conflict:
    topic: str
    claims: list[Claim]


def figures(text: str) -> set[tuple[str, float, float]]:
    """(kind, low, high) for each money or percentage figure in ``text``."""
    return set(figure_list(text))


def figure_list(text: str) -> list[tuple[str, float, float]]:
    """The figures of ``text`` in the order they appear."""
    out = []
    for match in _FIGURE.finditer(text.replace(",", "")):
        unit = match["unit"].lower()
        low = float(match["a"])
        high = float(match["b"]) if match["b"] else low
        if unit in _SCALE:
            after = text[match.end() : match.end() + 12].lower()
            if not match["cur"] and "dollar" not in after:
                continue  # "21 memorandums", "5 million people": not money
            out.append(("money", low * _SCALE[unit], high * _SCALE[unit]))
        else:
            out.append(("percent", low, high))
    return out


def asks_for_quantity(question: str) -> bool:
    return bool(_QUANTITY_QUESTION.search(question))


def _comparable(a: tuple[str, float, float], b: tuple[str, float, float]) -> bool:
    """Two figures can be values of the same quantity: same kind, within a factor of 3."""
    if a[0] != b[0]:
        return False
    lo, hi = sorted((max(a[1], 1e-9), max(b[1], 1e-9)))
    return hi / lo <= SAME_MAGNITUDE


def find_conflicts(question: str, scored: list[ScoredSentence]) -> list[Conflict]:
    """Claims from different documents giving different figures for the quantity asked about.

    ``scored`` are candidate sentences scored against the question, best first. The best
    sentence holding a figure sets the quantity (its first figure); any sentence nearly as
    relevant (within ``SCORE_MARGIN``) from another document that gives a figure of the same
    kind and order of magnitude is that document's claim. Figures of another magnitude
    ("$500 million" next to "$6 trillion") are about something else and are ignored.
    """
    if not scored or not asks_for_quantity(question):
        return []
    with_figures = [(s, figures(s.candidate.text)) for s in scored]
    with_figures = [(s, f) for s, f in with_figures if f]
    if not with_figures:
        return []
    top = with_figures[0][0]
    anchor = figure_list(top.candidate.text)[:1]  # the figure the best answer leads with
    if top.overlap < MIN_OVERLAP:
        return []  # the best figure is not clearly about what was asked
    per_doc: dict[str, tuple[ScoredSentence, set[tuple[str, float, float]]]] = {}
    for s, figs in with_figures:
        if s.score < top.score - SCORE_MARGIN:
            break
        same = {f for f in figs if any(_comparable(f, a) for a in anchor)}
        doc_id = s.candidate.hit.chunk.doc_id
        if same and doc_id not in per_doc:
            per_doc[doc_id] = (s, same)
    values = [figs for _, figs in per_doc.values()]
    if len(values) < 2 or all(v == values[0] for v in values):
        return []
    claims = [
        Claim(
            s.candidate.text,
            doc_id,
            s.candidate.hit.title,
            s.candidate.char_start,
            s.candidate.char_end,
        )
        for doc_id, (s, _) in per_doc.items()
    ]
    return [Conflict(topic=question.rstrip("?").strip(), claims=claims)]


_NEGATION = re.compile(
    r"\b(not|no|never|nothing|neither|nor|without|denied|denies|deny|unrelated|baseless|"
    r"unfounded|propaganda|smear)\b|n[’']t\b",
    re.IGNORECASE,
)
STANCE_MIN_OVERLAP = 0.5
STANCE_MARGIN = 0.1


def negated(text: str, focus: set[str] | None = None, window: int = 4) -> bool:
    """Whether a sentence denies something; with ``focus`` (question terms), only a negation
    within ``window`` words of one of them counts."""
    if focus is None:
        return bool(_NEGATION.search(text))
    from index.lexical import tokenize

    words = text.split()
    for i, word in enumerate(words):
        if _NEGATION.search(word):
            near = " ".join(words[max(0, i - window) : i + window + 1])
            if focus & set(tokenize(near)):
                return True
    return False


def find_stance_conflicts(question: str, scored: list[ScoredSentence]) -> list[Conflict]:
    """Two documents answering the question with opposite polarity: one affirms, one denies.

    Only sentences nearly as good as the best answer, sharing most of the question's words, count;
    each document contributes its best such sentence.
    """
    if not scored:
        return []
    best_score = scored[0].score
    per_doc: dict[str, ScoredSentence] = {}
    for s in scored:
        if s.score < best_score - STANCE_MARGIN:
            break
        doc_id = s.candidate.hit.chunk.doc_id
        if s.overlap >= STANCE_MIN_OVERLAP and doc_id not in per_doc:
            per_doc[doc_id] = s
    from index.lexical import tokenize

    focus = set(tokenize(question))
    denying = [d for d, s in per_doc.items() if negated(s.candidate.text, focus)]
    affirming = [d for d, s in per_doc.items() if not negated(s.candidate.text)]
    if not denying or not affirming:
        return []
    claims = [
        Claim(
            s.candidate.text, d, s.candidate.hit.title, s.candidate.char_start, s.candidate.char_end
        )
        for d, s in per_doc.items()
        if d in (affirming[0], denying[0])
    ]
    return [Conflict(topic=question.rstrip("?").strip(), claims=claims)]
