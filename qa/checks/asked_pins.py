"""A year or number the question names ("the 2021 final", "season 4") must be in a sentence
that answers it: among the sentences that come close (within ``reader_margin`` logits of the
reader's best, or the first ``max_answer_sentences`` without the reader), one must hold every
asked year, and its passage every pinned number.

Fitted on the external development sets (RGB noise abstentions 0.00 -> 0.10-0.14, for 0.04 of
RGB's answerable questions abstaining; SQuAD and the seed set unchanged); numbers as
``AnswerPolicy.require_asked_numbers`` says.
"""

from __future__ import annotations

from qa.answer_types import pinned_numbers
from qa.checks.base import Asked, Check, listed
from qa.types import ScoredSentence


class AskedPins(Check):
    name = "asked_pins"
    stage = "read"

    def check(self, asked: Asked, sentences: list[ScoredSentence]) -> str | None:
        p = asked.policy
        top = sentences[0].reader if sentences else None
        if top is not None:
            close = [
                s for s in sentences if s.reader is not None and s.reader >= top - p.reader_margin
            ]
        else:
            close = sentences[: p.max_answer_sentences]
        years, numbers = asked.pins
        if not (years or numbers) or any(
            all(y in s.text for y in years)
            and (not numbers or numbers <= pinned_numbers(s.candidate.hit.chunk.text))
            for s in close
        ):
            return None
        return f"No passage that answers it mentions {listed(sorted(years | numbers))}."
