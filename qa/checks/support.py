"""The passages are only loosely related: the best sentence support is below
``abstain_threshold`` (with the reader on, by ``reader_support_slack`` more, unless the reader is
confident: ``reader_confident_logit``).

Support is 0.8 x cosine + 0.2 x plain word overlap (``qa.scoring``). The threshold was
calibrated on the seed gold set (``python -m bench.calibrate``); the slack and the confident
logit on all five development sets at once (see their fields in ``qa.policy``).
"""

from __future__ import annotations

from qa.checks.base import Asked, Check
from qa.types import ScoredSentence

WEAK_SUPPORT = "The sentences closest to the question are only loosely related to it."


class Support(Check):
    name = "support"
    stage = "read"
    final = True
    on_disagreement = True

    def check(self, asked: Asked, sentences: list[ScoredSentence]) -> str | None:
        p = asked.policy
        support = max((s.support for s in sentences), default=0.0)
        top = sentences[0].reader if sentences else None
        if top is None:
            return WEAK_SUPPORT if support < p.abstain_threshold else None
        weak = support < p.abstain_threshold - p.reader_support_slack
        return WEAK_SUPPORT if weak and top < p.reader_confident_logit else None
