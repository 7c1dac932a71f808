"""No sentence answers: the reader's best logit is below ``reader_abstain_logit``.

Only with the reader on (without it no sentence has a logit, and this check passes). Fitted on
the external development sets and the seed gold set; see ``AnswerPolicy.reader_abstain_logit``.
"""

from __future__ import annotations

from qa.checks.base import Asked, Check
from qa.types import ScoredSentence

NO_SENTENCE_ANSWERS = "No sentence in the passages found answers the question."


class ReaderAnswers(Check):
    name = "reader_answers"
    stage = "read"
    final = True
    on_disagreement = True

    def check(self, asked: Asked, sentences: list[ScoredSentence]) -> str | None:
        top = sentences[0].reader if sentences else None
        if top is not None and top < asked.policy.reader_abstain_logit:
            return NO_SENTENCE_ANSWERS
        return None
