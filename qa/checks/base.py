"""What every answer check is: one unit, one method, named in ``AnswerPolicy.checks``.

A check reads the question (``Asked``) and the sentences of its stage and returns why the
documents hold no answer, in the words a reader would use, or None when they may. The
``Answerer`` runs the checks the policy lists, in its order, and the first reason wins.

    stage "read"    over every sentence read, best first, before the answer is chosen whole
    stage "answer"  over the answer's sentences, after completion added a neighbour
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Literal

from qa.answer_types import YEARS, answer_type, pinned_numbers
from qa.policy import AnswerPolicy
from qa.types import ScoredSentence

Stage = Literal["read", "answer"]


@dataclass
class Asked:
    """The question as the checks see it, with what they share: the policy, a sentence read
    after the one before it (``in_context``), and whether a name is in the documents."""

    question: str
    policy: AnswerPolicy
    in_context: Callable[[ScoredSentence], str]
    known: Callable[[str], bool]
    # whether a document (its text, title or source path) holds a string
    in_document: Callable[[str, str], bool] = lambda doc_id, text: True

    @cached_property
    def kind(self) -> str | None:
        """What the question's form asks for (``qa.answer_types``): person, date, ..."""
        return answer_type(self.question)

    @cached_property
    def pins(self) -> tuple[set[str], set[str]]:
        """The years and the pinned numbers the question names, each where the policy checks
        them (``require_asked_years``, ``require_asked_numbers``)."""
        p = self.policy
        years = set(YEARS.findall(self.question)) if p.require_asked_years else set()
        numbers = pinned_numbers(self.question) if p.require_asked_numbers else set()
        return years, numbers


class Check:
    """One abstention check. Subclasses set the class attributes and write ``check``; a module
    of ``qa.checks`` that defines one is found by name (``qa.checks.registry``)."""

    name: ClassVar[str]
    stage: ClassVar[Stage]
    final: ClassVar[bool] = False
    """Its abstention stands however many passages are read: no second look is taken."""
    on_disagreement: ClassVar[bool] = False
    """It runs also when the documents give different values for the answer (they do hold
    answers then, and the disagreement is shown instead of most checks' verdicts)."""

    def check(self, asked: Asked, sentences: list[ScoredSentence]) -> str | None:
        raise NotImplementedError


def listed(items: list[str]) -> str:
    """'"a"', '"a" or "b"', '"a", "b" or "c"'."""
    quoted = [f'"{i}"' for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
