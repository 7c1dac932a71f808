"""Disagreement between sources, found three ways.

Values (any topic): two documents make the same statement with a different value in the same
slot, a name, date, number or place (``kind="values"``; see ``ingest.slots``).

Figures: among the sentences that answer the question about as well as the best one, each document's
figures are read (money with a scale, percentages, ranges). When two documents give different
values of the same kind, the response lists one claim per document so each side can be checked.
For questions asking for a verdict ("Was it a landmark deal or just an MoU?"), documents whose
answering sentences deny or contrast what others plainly state are listed too (``kind="stance"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from base.lexicon import DENIAL_WORDS
from index.retriever import Hit
from ingest.slots import slot_difference
from qa.policy import AnswerPolicy
from qa.types import Claim, Conflict, ScoredSentence

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_FIGURE = re.compile(
    r"(?P<cur>\$\s?|US\$\s?)?(?P<a>\d+(?:\.\d+)?)(?:\s*(?:to|-|–)\s*\$?(?P<b>\d+(?:\.\d+)?))?"
    r"\s*(?P<unit>thousand|million|billion|trillion|percent|per cent|%)",
    re.IGNORECASE,
)
_QUANTITY_QUESTION = re.compile(
    r"\bhow (much|many|large|big)\b|\bworth\b|\bvalue\b|\bshare\b|\bpercent|\bestimat|"
    r"\bcontribut|\bcost\b|\binvest",
    re.IGNORECASE,
)


_FIGURE_AS_WRITTEN = re.compile(
    r"(?:US)?\$?\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:to|-|–)\s*\$?\d[\d,]*(?:\.\d+)?)?"
    r"\s*(?:thousand|million|billion|trillion|percent|per cent|%)",
    re.IGNORECASE,
)


def figure_as_written(text: str) -> str | None:
    """The first money or percentage figure of ``text``, exactly as it is written there."""
    match = _FIGURE_AS_WRITTEN.search(text)
    return match.group(0).strip() if match else None


def _conflict(question: str, sides: list[ScoredSentence], kind: str) -> Conflict:
    """A conflict on ``question`` citing each sentence in ``sides``, one claim apiece."""
    claims = [
        _claim(s, figure_as_written(s.candidate.text) if kind == "figures" else None) for s in sides
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


def _comparable(a: tuple[str, float, float], b: tuple[str, float, float], factor: float) -> bool:
    """Two figures can be values of the same quantity: same kind, within ``factor``."""
    if a[0] != b[0]:
        return False
    lo, hi = sorted((max(a[1], 1e-9), max(b[1], 1e-9)))
    return hi / lo <= factor


def find_conflicts(
    question: str, scored: list[ScoredSentence], policy: AnswerPolicy
) -> list[Conflict]:
    """Claims from different documents giving different figures for the quantity asked about.

    ``scored`` are candidate sentences scored against the question, best first. The best
    sentence holding a figure sets the quantity (its first figure); any sentence nearly as
    relevant (within ``figure_score_margin``) from another document that gives a figure of the same
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
    if top.overlap < policy.figure_min_overlap:
        return []  # the best figure is not clearly about what was asked
    per_doc: dict[str, tuple[ScoredSentence, set[tuple[str, float, float]]]] = {}
    for s, figs in with_figures:
        if s.score < top.score - policy.figure_score_margin:
            break
        same = {
            f for f in figs if any(_comparable(f, a, policy.figure_same_magnitude) for a in anchor)
        }
        doc_id = s.candidate.hit.chunk.doc_id
        if same and doc_id not in per_doc:
            per_doc[doc_id] = (s, same)
    values = [figs for _, figs in per_doc.values()]
    if len(values) < 2 or all(v == values[0] for v in values):
        return []
    return [_conflict(question, [sentence for sentence, _ in per_doc.values()], "figures")]


_NEGATION = re.compile(rf"\b({'|'.join(DENIAL_WORDS.split())})\b|n[’']t\b", re.IGNORECASE)
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


def negated(text: str, focus: set[str] | None = None, window: int = 4) -> bool:
    """Whether a sentence denies something; with ``focus`` (question terms), only a negation
    within ``window`` words before one of them, or ``2 * window`` after, counts ("no public
    evidence of a rare earths deal causing diplomatic fallout")."""
    if focus is None:
        return bool(_NEGATION.search(_ADDITIVE.sub(" ", text)))
    from ingest.text import tokenize

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
    policy: AnswerPolicy,
    focus: set[str] | None = None,
) -> list[Conflict]:
    """Documents that give opposite readings on a question asking for a verdict.

    Each document's best sentences that support an answer (``stance_min_support``) are read. The
    best-supported sentence that denies (a negation near the question's terms, or a contrast such
    as "more about A than B") is one side. The other side is, for each other document, its plain
    (negation-free) sentence closest in meaning to that denial, if it is about the same point
    (``similarity`` at least ``stance_same_point``). Fact questions ("what", "which", "how many")
    are left to figure conflicts: a negation in a sentence answering them is rarely a
    disagreement about the answer.
    """
    if not scored or not asks_for_verdict(question):
        return []
    from ingest.text import tokenize

    if focus is None:
        focus = set(tokenize(question))
    per_doc: dict[str, list[ScoredSentence]] = {}
    for s in sorted(scored, key=lambda s: (-s.support, s.candidate.char_start)):
        if s.support < policy.stance_min_support:
            break
        sentences = per_doc.setdefault(s.candidate.hit.chunk.doc_id, [])
        if len(sentences) < policy.stance_sentences:
            sentences.append(s)
    if not per_doc:
        return []
    top = max(s.support for ss in per_doc.values() for s in ss)
    denials = [
        s
        for ss in per_doc.values()
        for s in ss
        if s.support >= top - policy.stance_denial_margin and denies(s.candidate.text, focus)
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
        if sim >= policy.stance_same_point:
            others.append((sim, closest))
    if not others:
        return []
    others.sort(key=lambda t: -t[0])
    sides = [denial, *(s for _, s in others[: policy.stance_other_side])]
    return [_conflict(question, sides, "stance")]


def find_value_conflicts(
    question: str, scored: list[ScoredSentence], policy: AnswerPolicy, hits: Sequence[Hit] = ()
) -> list[Conflict]:
    """Documents that make the same statement with a different value in the same slot.

    Two sentences from different documents that share most of their words and differ only in
    values (a name, date, number or place) that the question does not itself name disagree,
    whatever the topic: "Facebook acquired Instagram" against "Apple acquired Instagram". The
    sentences compared are those the reader scored within ``slot_conflict_margin`` logits of the
    best; and two retrieved passages that are one text but for such a value (a story republished
    with a figure changed) disagree at the sentences holding the values. One conflict lists one
    claim per document, each with its value as written; the best-scored pair leads.
    """
    asked = frozenset(w.lower().strip(".,'’?\"") for w in question.split())
    claims: dict[str, Claim] = {}
    for i, x in enumerate(hits):
        for y in hits[i + 1 :]:
            if x.chunk.doc_id == y.chunk.doc_id:
                continue
            diff = slot_difference(x.chunk.text, y.chunk.text, ignore=asked)
            if diff is None:
                continue
            claims.setdefault(x.chunk.doc_id, _claim_at(x, diff.a_start, diff.a))
            claims.setdefault(y.chunk.doc_id, _claim_at(y, diff.b_start, diff.b))
    read = [s for s in scored if s.reader is not None]
    if len(read) < 2:
        return _values_conflict(question, claims)
    best = max(s.reader for s in read if s.reader is not None)
    close = [
        s
        for s in read
        if s.reader is not None
        and s.reader >= best - policy.slot_conflict_margin
        and s.reader >= policy.reader_abstain_logit
    ]
    close.sort(key=lambda s: -(s.reader or 0.0))
    for i, a in enumerate(close):
        for b in close[i + 1 :]:
            if a.doc_id == b.doc_id:
                continue
            diff = slot_difference(a.text, b.text, ignore=asked)
            if diff is None:
                continue
            for s, value in ((a, diff.a), (b, diff.b)):
                claims.setdefault(s.doc_id, _claim(s, value))
    return _values_conflict(question, claims)


def _values_conflict(question: str, claims: dict[str, Claim]) -> list[Conflict]:
    values = {c.value.lower() for c in claims.values() if c.value}
    if len(claims) < 2 or len(values) < 2:
        return []
    return [Conflict(question.rstrip("?").strip(), list(claims.values()), "values")]


def _claim_at(hit: Hit, offset: int, value: str) -> Claim:
    """The claim of the sentence of ``hit``'s chunk that holds chunk offset ``offset``."""
    chunk = hit.chunk
    start, end = next(
        ((a, b) for a, b in chunk.sentence_spans() if a <= offset < b), (0, len(chunk.text))
    )
    return Claim(
        chunk.text[start:end],
        chunk.doc_id,
        hit.title,
        chunk.char_start + start,
        chunk.char_start + end,
        value,
    )


def _claim(s: ScoredSentence, value: str | None) -> Claim:
    c = s.candidate
    return Claim(c.text, c.hit.chunk.doc_id, c.hit.title, c.char_start, c.char_end, value)
