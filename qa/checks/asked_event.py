"""A question about who won, or when something was released, founded, acquired or hosted,
needs an answer sentence (or the sentence before it) that states that event in some form
(``qa.qualifiers``: "victory", "champion" for "won").

Fitted on the external development sets and the seed gold set at once: RGB noise 0.38 -> 0.44
(nominees for the winner, an announcement for a release), RGB true answerable abstention 0.08
-> 0.10 (the Oscar nominees for the winner, answered wrong before); SQuAD and the seed set
unchanged.
"""

from __future__ import annotations

from qa.checks.base import Asked, Check
from qa.qualifiers import unstated_event
from qa.types import ScoredSentence


class AskedEvent(Check):
    name = "asked_event"
    stage = "answer"

    def check(self, asked: Asked, sentences: list[ScoredSentence]) -> str | None:
        # a generator: the contexts are built only when the question asks about an event
        event = unstated_event(asked.question, (asked.in_context(s) for s in sentences))
        return f"No sentence that comes close says anything was {event}." if event else None
