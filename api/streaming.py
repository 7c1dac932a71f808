"""Server-Sent Events for /ask/stream: passages first, then the answer sentence by sentence."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any

from api.schemas import AskResponse, SearchHit, SearchResponse
from base.errors import QuarryError
from qa.types import Answer, Retrieval

log = logging.getLogger("quarry.api")


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def answer_out(answer: Answer, show_source: Callable[[str], str]) -> AskResponse:
    """The response body of an answer, each citation's source shown as this caller may see it."""
    body = AskResponse.model_validate(asdict(answer))
    for citation in body.citations:
        citation.source = show_source(citation.source)
    return body


def search_out(found: Retrieval, show_source: Callable[[str], str]) -> SearchResponse:
    """The response body of a search: the retrieved passages, ranked."""
    return SearchResponse(
        query=found.question,
        retrieve_ms=found.retrieve_ms,
        results=[
            SearchHit(
                rank=i,
                doc_id=p.doc_id,
                title=p.title,
                source=show_source(h.source),
                chunk_id=p.chunk_id,
                char_start=p.char_start,
                char_end=p.char_end,
                page=p.page,
                text=p.text,
                score=p.score,
                dense_score=round(h.dense_score, 4),
                lexical_score=round(h.lexical_score, 4),
                found_by=list(h.found_by),
            )
            for i, (h, p) in enumerate(zip(found.hits, found.passages, strict=True), 1)
        ],
    )


def stream_answer(
    steps: Iterator[Retrieval | Answer],
    show_source: Callable[[str], str],
    remember: Callable[[AskResponse], str] | None = None,
) -> Iterator[str]:
    """Yield the SSE events of one answer from ``Engine.steps`` (the same answer ``POST /ask``
    gives, as events); errors become an ``error`` event, never a traceback."""
    try:
        retrieval = next(steps)
        assert isinstance(retrieval, Retrieval)
        yield sse("retrieval", {"passages": [asdict(p) for p in retrieval.passages]})
        answer = next(steps)
        assert isinstance(answer, Answer)
        out = answer_out(answer, show_source)
        if remember is not None:
            out.answer_id = remember(out)
        body = out.model_dump()
        if answer.abstained:
            yield sse("abstained", {"answer": answer.answer, "reason": answer.abstain_reason})
        for citation in body["citations"]:
            yield sse(
                "sentence", {"n": citation["n"], "text": citation["quote"], "citation": citation}
            )
        yield sse("citations", {"citations": body["citations"], "conflicts": body["conflicts"]})
        yield sse("done", body)
    except QuarryError as exc:
        log.exception("stream failed", exc_info=exc)
        yield sse("error", {"detail": "the answer could not be completed"})
