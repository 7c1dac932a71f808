"""The answer stage's data: small flat dataclasses, produced and read by ``qa`` modules.

Defined here, apart from the code that makes them, so that answering and disagreement detection
import one leaf module instead of each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from index.retriever import Hit


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    source: str
    chunk_id: str
    char_start: int
    char_end: int
    page: int | None
    quote: str
    score: float


@dataclass(frozen=True)
class Duplicate:
    """The same passage as published in another document."""

    doc_id: str
    title: str
    chunk_id: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Passage:
    doc_id: str
    title: str
    chunk_id: str
    char_start: int
    char_end: int
    text: str
    score: float
    page: int | None = None
    also_in: list[Duplicate] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    """One side of a disagreement: a sentence of one document, and the value it gives."""

    text: str
    doc_id: str
    title: str
    char_start: int
    char_end: int
    value: str | None = None  # the differing value as written ("$62 billion"); None for stance


@dataclass(frozen=True)
class Conflict:
    topic: str
    claims: list[Claim]
    # "figures" / "values": different values; "stance": opposite readings; "versions": versions
    # of one document (``qa.versions``) state the same thing with different values
    kind: str = "figures"


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    passages: list[Passage]
    conflicts: list[Conflict] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    best_score: float = 0.0
    abstain_reason: str = ""  # why the documents hold no answer, in words; "" when answered


@dataclass(frozen=True)
class Retrieval:
    """The passages found for a question, before any answer sentence is chosen."""

    question: str
    top_k: int
    qvec: np.ndarray
    hits: list[Hit]
    passages: list[Passage]
    retrieve_ms: float


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, located in its document."""

    hit: Hit
    char_start: int
    char_end: int
    text: str

    @property
    def doc_id(self) -> str:
        return self.hit.chunk.doc_id


@dataclass(frozen=True)
class ScoredSentence:
    candidate: Candidate
    score: float
    semantic: float
    overlap: float
    base: float  # the score without the answer-type bonus
    # How strongly the sentence supports an answer at all; abstention is decided on this. Names
    # count once here: a sentence that only repeats the question's names ("US Strategic Metals")
    # without what was asked about ("its chief executive") is weak support.
    support: float
    reader: float | None = None  # the reader's logit, for the sentences it scored

    @property
    def doc_id(self) -> str:
        return self.candidate.hit.chunk.doc_id

    @property
    def text(self) -> str:
        return self.candidate.text
