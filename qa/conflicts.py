"""Disagreement between sources: different figures for the same quantity in different documents.

Among the sentences that answer the question about as well as the best one, each document's
figures are read (money with a scale, percentages, ranges). When two documents give different
values of the same kind, the response lists one claim per document so each side can be checked.
For questions asking for a verdict ("Was it a landmark deal or just an MoU?"), documents whose
answering sentences deny or contrast what others plainly state are listed too (``kind="stance"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    """One side of a disagreement: a sentence of one document, and the value it gives."""

    text: str
    doc_id: str
    title: str
    char_start: int
    char_end: int
    value: str | None = None  # the differing figure as written ("$62 billion"); None for stance


_FIGURE_AS_WRITTEN = re.compile(
    r"(?:US)?\$?\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:to|-|–)\s*\$?\d[\d,]*(?:\.\d+)?)?"
    r"\s*(?:thousand|million|billion|trillion|percent|per cent|%)",
    re.IGNORECASE,
)


def figure_as_written(text: str) -> str | None:
    """The first money or percentage figure of ``text``, exactly as it is written there."""
    match = _FIGURE_AS_WRITTEN.search(text)
    return match.group(0).strip() if match else None


@dataclass(frozen=True)
class Conflict:
    topic: str
    claims: list[Claim]
    kind: str = "figures"  # "figures": different values; "stance": opposite readings


def _conflict(question: str, sides: list[ScoredSentence], kind: str) -> Conflict:
    """A conflict on ``question`` citing each sentence in ``sides``, one claim apiece."""
    claims = [
        Claim(
            s.candidate.text,
            s.candidate.hit.chunk.doc_id,
            s.candidate.hit.title,
            s.candidate.char_start,
            s.candidate.char_end,
            figure_as_written(s.candidate.text) if kind == "figures" else None,
        )
        for s in sides
    ]
    return Conflict(topic=question.rstrip("?").strip(), claims=claims, kind=kind)


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
    return [_conflict(question, [sentence for sentence, _ in per_doc.values()], "figures")]


_NEGATION = re.compile(
    r"\b(not|no|never|nothing|neither|nor|without|denied|denies|deny|unrelated|baseless|"
    r"unfounded|propaganda|smear)\b|n[’']t\b",
    re.IGNORECASE,
)
# "not only A but also B", "never been higher": negation words that add or intensify, not deny
_ADDITIVE = re.compile(
    r"\bnot (only|just|merely|simply)\b|\bnever (been )?(higher|greater|more|before)\b|"
    r"\bno (doubt|less)\b",
    re.IGNORECASE,
)
# "more about political signaling than tangible results", "rather than", "far from"
_CONTRAST = re.compile(
    r"\bmore (about|of|like) .{1,60}? than\b|\brather than\b|\binstead of\b|\bfar from\b",
    re.IGNORECASE,
)
# Questions that ask for a verdict rather than a fact: "Was it A or just B?", "Has X caused Y?",
# "How does Beijing view the deal?". Only these can be answered with opposite readings.
_VERDICT_Q = re.compile(
    r"^\s*(is|are|was|were|has|have|had|does|do|did|can|could|will|would|should)\b|"
    r"\bhow (does|do|did) .{1,60}?\b(view|see|regard|perceive|react|judge)",
    re.IGNORECASE,
)
STANCE_MIN_SUPPORT = 0.5  # a sentence must support an answer this well to count as a reading
STANCE_SENTENCES = 5  # per document, its best few sentences are read
STANCE_DENIAL_MARGIN = 0.1  # a denial must be about as good an answer as the best sentence
STANCE_SAME_POINT = 0.5  # embedding similarity at which two sentences address the same point
STANCE_OTHER_SIDE = 3  # at most this many documents cited against the denial, closest first


def negated(text: str, focus: set[str] | None = None, window: int = 4) -> bool:
    """Whether a sentence denies something; with ``focus`` (question terms), only a negation
    within ``window`` words before one of them, or ``2 * window`` after, counts ("no public
    evidence of a rare earths deal causing diplomatic fallout")."""
    if focus is None:
        return bool(_NEGATION.search(_ADDITIVE.sub(" ", text)))
    from index.lexical import tokenize

    words = _ADDITIVE.sub(" ", text).split()
    for i, word in enumerate(words):
        if _NEGATION.search(word):
            near = " ".join(words[max(0, i - window) : i + 2 * window + 1])
            if focus & set(tokenize(near)):
                return True
    return False


def asks_for_verdict(question: str) -> bool:
    return bool(_VERDICT_Q.search(question))


def denies(text: str, focus: set[str]) -> bool:
    """A negation near the question's terms, or a contrast ("more about A than B")."""
    return negated(text, focus) or bool(_CONTRAST.search(text))


def find_stance_conflicts(
    question: str,
    scored: list[ScoredSentence],
    similarity: Callable[[str, str], float],
    focus: set[str] | None = None,
) -> list[Conflict]:
    """Documents that give opposite readings on a question asking for a verdict.

    Each document's best sentences that support an answer (``STANCE_MIN_SUPPORT``) are read. The
    best-supported sentence that denies (a negation near the question's terms, or a contrast such
    as "more about A than B") is one side. The other side is, for each other document, its plain
    (negation-free) sentence closest in meaning to that denial, if it is about the same point
    (``similarity`` at least ``STANCE_SAME_POINT``). Fact questions ("what", "which", "how many")
    are left to figure conflicts: a negation in a sentence answering them is rarely a
    disagreement about the answer.
    """
    if not scored or not asks_for_verdict(question):
        return []
    from index.lexical import tokenize

    if focus is None:
        focus = set(tokenize(question))
    per_doc: dict[str, list[ScoredSentence]] = {}
    for s in sorted(scored, key=lambda s: (-s.support, s.candidate.char_start)):
        if s.support < STANCE_MIN_SUPPORT:
            break
        sentences = per_doc.setdefault(s.candidate.hit.chunk.doc_id, [])
        if len(sentences) < STANCE_SENTENCES:
            sentences.append(s)
    if not per_doc:
        return []
    top = max(s.support for ss in per_doc.values() for s in ss)
    denials = [
        s
        for ss in per_doc.values()
        for s in ss
        if s.support >= top - STANCE_DENIAL_MARGIN and denies(s.candidate.text, focus)
    ]
    if not denials:
        return []
    denial = max(denials, key=lambda s: s.support)
    denier = denial.candidate.hit.chunk.doc_id
    others: list[tuple[float, ScoredSentence]] = []
    for doc_id, sentences in per_doc.items():
        plain = [s for s in sentences if doc_id != denier and not negated(s.candidate.text)]
        if not plain:
            continue
        near = [(similarity(denial.candidate.text, s.candidate.text), s) for s in plain]
        sim, closest = max(near, key=lambda t: t[0])
        if sim >= STANCE_SAME_POINT:
            others.append((sim, closest))
    if not others:
        return []
    others.sort(key=lambda t: -t[0])
    sides = [denial, *(s for _, s in others[:STANCE_OTHER_SIDE])]
    return [_conflict(question, sides, "stance")]
