"""Reading: the cross-encoder reads the best sentences with the question and orders them.

Each sentence is read alone and after the sentence before it in its paragraph, so that "it" and
"the company" mean something; its logit mixes the two (``reader_context_weight``).
"""

from __future__ import annotations

from dataclasses import replace

from ingest.text import new_paragraph
from qa.policy import AnswerPolicy
from qa.reader import Reader
from qa.types import Candidate, ScoredSentence


def sentence_index(candidate: Candidate) -> int | None:
    """Which of its passage's sentences ``candidate`` is (None: it is not one of them)."""
    chunk = candidate.hit.chunk
    return next(
        (
            j
            for j, (a, _) in enumerate(chunk.sentence_spans())
            if a + chunk.char_start == candidate.char_start
        ),
        None,
    )


def in_context(s: ScoredSentence, policy: AnswerPolicy) -> str:
    """The sentence with the ``reader_context`` sentences before it in its paragraph, so that
    "It was founded in 1887." is read knowing what "it" is. A paragraph's first sentence is
    read alone (and its score is then the cached one)."""
    chunk = s.candidate.hit.chunk
    at = sentence_index(s.candidate)
    if at is None:
        return s.text
    spans = chunk.sentence_spans()
    start = at
    while start > max(0, at - policy.reader_context):
        if new_paragraph(chunk.text, spans[start - 1], spans[start]):
            break  # most likely a new point
        start -= 1
    return chunk.text[spans[start][0] : spans[at][1]]


def read(
    reader: Reader | None, question: str, scored: list[ScoredSentence], policy: AnswerPolicy
) -> list[ScoredSentence]:
    """The reader's order: its best-scored sentences first, by logit; the rest after, as they
    were. Without a reader, ``scored`` unchanged."""
    if reader is None or not scored:
        return scored
    p = policy
    head = scored[: p.reader_candidates]
    logits = reader.score(question, [s.text for s in head])
    if p.reader_context and p.reader_context_weight:
        within = reader.score(question, [in_context(s, p) for s in head])
        logits = p.reader_context_weight * within + (1 - p.reader_context_weight) * logits
    out = [replace(s, reader=float(x)) for s, x in zip(head, logits, strict=True)]
    out.sort(key=lambda s: (-(s.reader or 0.0), -s.score, s.candidate.char_start))
    return out + scored[len(head) :]
