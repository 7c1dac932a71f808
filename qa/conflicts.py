"""Disagreement between sources: different figures for the same quantity in different documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.answer import ScoredSentence


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


def find_conflicts(question: str, scored: list[ScoredSentence], chosen: list[ScoredSentence]
                   ) -> list[Conflict]:
    """Conflicts among the best-scoring sentences (detection lands with the answer-quality work)."""
    return []
