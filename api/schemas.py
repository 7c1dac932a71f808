"""Request and response models: pydantic lives only here, at the HTTP edge."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, StrictInt, field_validator

from qa.question import MAX_QUESTION_CHARS, check_question


class AskRequest(BaseModel):
    question: str = Field(
        ..., description="The question, 1 to 2,000 characters.", max_length=MAX_QUESTION_CHARS
    )
    top_k: StrictInt | None = Field(
        None,
        ge=1,
        le=50,
        description="How many passages to retrieve (1-50); an integer, not text. Default: the "
        "server's QUARRY_TOP_K (5 unless configured).",
    )

    @field_validator("question")
    @classmethod
    def not_blank(cls, value: str) -> str:
        return check_question(value)


class TextWindow(BaseModel):
    doc_id: str
    title: str
    start: int = Field(..., description="Offset of the first character returned.")
    end: int = Field(..., description="Offset after the last one (clamped to the length).")
    length: int = Field(..., description="The whole text's length, in characters.")
    pages: list[list[int]] = Field(
        default=[], description="[page, char_start, char_end] of the PDF pages the window touches."
    )
    text: str


class SearchRequest(BaseModel):
    query: str = Field(
        ..., description="What to search for, 1 to 2,000 characters.", max_length=MAX_QUESTION_CHARS
    )
    top_k: StrictInt = Field(10, ge=1, le=50, description="How many passages (1-50).")

    @field_validator("query")
    @classmethod
    def not_blank(cls, value: str) -> str:
        return check_question(value)


class Span(BaseModel):
    """Where a passage or a quote is: a chunk of a document, by character offsets."""

    doc_id: str
    title: str
    source: str
    chunk_id: str
    char_start: int = Field(..., description="Start offset in GET /documents/{doc_id} text.")
    char_end: int = Field(..., description="End offset (exclusive).")


class SearchHit(Span):
    rank: int = Field(..., description="1 for the best passage.")
    page: int | None = Field(None, description="PDF page the passage starts on.")
    text: str
    score: float = Field(..., description="The fused score that ranked it (higher is better).")
    dense_score: float = Field(..., description="Cosine of the passage and the query.")
    lexical_score: float = Field(..., description="BM25 of the passage for the query.")
    found_by: list[str] = Field(
        ..., description="Which retrievers had it among their candidates: dense, lexical."
    )


class SearchResponse(BaseModel):
    query: str
    results: list[SearchHit]
    retrieve_ms: float


class CitationOut(Span):
    n: int = Field(..., description="The marker number used as [n] in the answer.")
    page: int | None = Field(None, description="PDF page number, when the source has pages.")
    quote: str = Field(..., description="Exactly text[char_start:char_end] of the document.")
    score: float


class DuplicateOut(BaseModel):
    doc_id: str
    title: str
    chunk_id: str
    char_start: int
    char_end: int


class PassageOut(BaseModel):
    doc_id: str
    title: str
    chunk_id: str
    char_start: int
    char_end: int
    text: str
    score: float
    page: int | None = None
    also_in: list[DuplicateOut] = Field(
        default_factory=list, description="The same text in other documents, grouped here."
    )


class ClaimOut(BaseModel):
    text: str
    doc_id: str
    title: str
    char_start: int
    char_end: int
    value: str | None = Field(
        None, description="The value this source gives (e.g. '$62 billion'); null for stance."
    )


class ConflictOut(BaseModel):
    topic: str
    claims: list[ClaimOut]
    kind: str = Field(
        "figures", description="'figures': different values; 'stance': opposite readings."
    )


class AskResponse(BaseModel):
    question: str
    answer: str = Field(..., description="Sentences copied from the sources, each followed by [n].")
    abstained: bool = Field(..., description="True when the documents hold no answer.")
    abstain_reason: str = Field(
        "",
        description="Why the documents hold no answer, in words (the check that failed); "
        "empty when answered.",
    )
    citations: list[CitationOut]
    passages: list[PassageOut]
    conflicts: list[ConflictOut] = Field(
        default_factory=list, description="Claims from sources that disagree."
    )
    timings_ms: dict[str, float]
    answer_id: str = Field("", description="Names this answer in POST /feedback.")


class FeedbackRequest(BaseModel):
    answer_id: str = Field(..., max_length=64, description="The answer's `answer_id`.")
    rating: Literal["up", "down"]
    comment: str = Field("", max_length=2000)
    correct_answer: str = Field(
        "", max_length=2000, description="What the answer should have said (becomes a test)."
    )
    should_abstain: bool = Field(
        False, description="The documents do not answer this: it should have abstained."
    )


class FeedbackOut(BaseModel):
    feedback_id: str
    becomes_test: bool = Field(
        ..., description="Whether `quarry feedback export --gold` turns it into a gold question."
    )


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    source: str
    n_chunks: int


class DocumentOut(DocumentSummary):
    text: str = Field(..., description="The stored text every offset points into.")
    pages: list[list[int]] = Field(
        default_factory=list, description="[page, char_start, char_end] spans for PDFs."
    )


class ErrorOut(BaseModel):
    detail: str | list[dict[str, object]]


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str = Field(
        description="`ready`, or `degraded` when part of the index is damaged: damaged "
        "segments are not served (fewer answers, never wrong ones) until `quarry doctor --repair`"
    )
    version: str
    documents: int
    chunks: int
    embedder: str
    damage: list[str] = Field(default=[], description="What is damaged (empty when nothing).")


class JobOut(BaseModel):
    job_id: str
    kind: str
    status: str = Field(..., description="queued, running, done or failed")
    created_at: float
    finished_at: float | None = None
    result: dict[str, object] = Field(
        default_factory=dict, description="The ingest report, with skipped files."
    )
    error: str | None = None


class DeleteOut(BaseModel):
    removed: list[str]
    version: str
    documents: int
