"""Choosing: the best one to three read sentences become the answer, completed by a neighbour
that holds what was asked for, and every side of a disagreement is cited."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from index.retriever import Hit, jaccard
from ingest.text import term_set
from qa.answer_types import answer_type, matches
from qa.policy import AnswerPolicy
from qa.reading import sentence_index
from qa.types import Candidate, Conflict, ScoredSentence

# Scores sentences of the same question: (question, its vector, candidates, the hits).
Score = Callable[[str, np.ndarray, list[Candidate], list[Hit]], list[ScoredSentence]]


def choose(scored: list[ScoredSentence], policy: AnswerPolicy) -> list[ScoredSentence]:
    """The best sentence, and the next ones that score close to it (by reader logit when read)
    and do not repeat a chosen one."""
    if not scored:
        return []
    p = policy
    best = scored[0]
    chosen = [best]
    for s in scored[1:]:
        if len(chosen) >= p.max_answer_sentences:
            break
        if best.reader is not None:
            if s.reader is None or s.reader < best.reader - p.reader_margin:
                break
        elif s.score < best.score - p.extra_sentence_margin or s.base < p.min_extra_base:
            break
        words = term_set(s.text)
        if any(jaccard(words, term_set(c.text)) > p.duplicate_answer for c in chosen):
            continue
        chosen.append(s)
    return chosen


def _is_neighbour_like(text: str, min_words: int) -> bool:
    """A sentence next to an answer may be short ("Writing by A. Author"), not a question."""
    return len(text.split()) >= min_words and not text.rstrip("”\"'’) ").endswith("?")


def complete(
    question: str,
    qvec: np.ndarray,
    chosen: list[ScoredSentence],
    hits: list[Hit],
    scored: list[ScoredSentence],
    policy: AnswerPolicy,
    score: Score,
) -> list[ScoredSentence]:
    """Add a sentence that holds what was asked for when the chosen ones don't.

    "Who witnessed the signing?" often finds the sentence about the signing, while the name is
    in the sentence after it. When the question asks for a number, date or name that no chosen
    sentence holds, the first neighbour (in the same passage) of a chosen sentence that does
    hold one is added next to the sentence it adjoins; failing that, the best other candidate
    that holds one, if it scores within ``type_margin`` of the best.
    """
    kind = answer_type(question)
    if kind is None or any(matches(kind, s.candidate.text, question) for s in chosen):
        return chosen
    taken = {(s.doc_id, s.candidate.char_start) for s in chosen}
    for i, s in enumerate(chosen):
        hit = s.candidate.hit
        spans = hit.chunk.sentence_spans()
        offset = hit.chunk.char_start
        at = sentence_index(s.candidate)
        if at is None:
            continue
        for j in (at + 1, at - 1):
            if not 0 <= j < len(spans):
                continue
            a, b = spans[j]
            text = hit.chunk.text[a:b]
            if (hit.chunk.doc_id, a + offset) in taken or not _is_neighbour_like(
                text, policy.neighbour_min_words
            ):
                continue
            if matches(kind, text, question):
                extra = score(question, qvec, [Candidate(hit, a + offset, b + offset, text)], hits)
                at_pos = i + 1 if j > at else i
                return [*chosen[:at_pos], *extra, *chosen[at_pos:]]
    best = max(s.score for s in chosen)
    for s in sorted(scored, key=lambda s: -s.score):
        if s.score < best - policy.type_margin:
            break
        key = (s.doc_id, s.candidate.char_start)
        if key not in taken and matches(kind, s.candidate.text, question):
            return [*chosen, s]
    return chosen


def with_every_side(
    question: str,
    qvec: np.ndarray,
    chosen: list[ScoredSentence],
    conflicts: list[Conflict],
    hits: list[Hit],
    score: Score,
) -> list[ScoredSentence]:
    """When documents give different values, the answer cites each side, never one alone."""
    have = {(s.doc_id, s.candidate.char_start) for s in chosen}
    out = list(chosen)
    for conflict in conflicts:
        if conflict.kind != "values":
            continue
        for claim in conflict.claims:
            if (claim.doc_id, claim.char_start) in have:
                continue
            hit = next(
                h
                for h in hits
                if h.chunk.doc_id == claim.doc_id
                and h.chunk.char_start <= claim.char_start < h.chunk.char_end
            )
            cand = Candidate(hit, claim.char_start, claim.char_end, claim.text)
            out.extend(score(question, qvec, [cand], hits))
            have.add((claim.doc_id, claim.char_start))
    return out
