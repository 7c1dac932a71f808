"""An OpenAI-compatible chat endpoint: `POST /v1/chat/completions` and `GET /v1/models`.

Any OpenAI client (the official library, chat UIs built on it) can ask Quarry. The assistant
message's ``content`` is Quarry's answer with its ``[n]`` markers; the verified citations
(offsets, quotes, titles), conflicts and the abstention travel in an extension field, ``quarry``,
that standard clients ignore (in a stream: on the final chunk). Keys and rate limits are the
same as /ask (``Authorization: Bearer KEY`` is what OpenAI clients send).

The question is the last user message (earlier turns are not used yet). What Quarry cannot do
is refused with a 400 naming the field rather than silently ignored: ``n`` above 1, tools or
functions, a ``response_format`` other than text, ``logprobs``. Sampling settings
(``temperature``, ``top_p``, ``max_tokens``, ``stop``, ``seed``, penalties, ``user``...) are
accepted and ignored: an answer is copied from the documents, never sampled.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from api.access import source_view
from api.streaming import answer_out
from base.errors import InvalidQuestion, QuarryError
from ingest.tokens import count_tokens
from qa.question import MAX_QUESTION_CHARS, check_question
from qa.types import Answer

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL = "quarry"
_REFUSED = {
    "tools": "tools are not supported: Quarry answers from documents only",
    "tool_choice": "tools are not supported: Quarry answers from documents only",
    "functions": "functions are not supported: Quarry answers from documents only",
    "function_call": "functions are not supported: Quarry answers from documents only",
    "audio": "audio output is not supported",
}


class OpenAIError(Exception):
    """A request an OpenAI client sent that Quarry refuses (400, OpenAI's error shape)."""

    def __init__(self, message: str, param: str | None, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.param, self.status = message, param, status

    def response(self) -> JSONResponse:
        body = {
            "error": {
                "message": self.message,
                "type": "invalid_request_error",
                "param": self.param,
                "code": None,
            }
        }
        return JSONResponse(status_code=self.status, content=body)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # sampling settings and the like: ignored
    model: str = Field(MODEL, description=f"Any name; `{MODEL}` is the one GET /v1/models lists.")
    messages: list[ChatMessage] = Field(..., min_length=1)
    stream: bool = False
    n: int = 1
    logprobs: bool | None = None
    response_format: dict[str, Any] | None = None


def _text(content: str | list[dict[str, Any]] | None) -> str:
    if isinstance(content, str) or content is None:
        return content or ""
    return "".join(part.get("text", "") for part in content if part.get("type") == "text")


def question_of(body: ChatRequest) -> str:
    """The last user message, checked as /ask checks a question; refusals name the field."""
    for name, why in _REFUSED.items():
        if (body.model_extra or {}).get(name):
            raise OpenAIError(why, name)
    if body.n != 1:
        raise OpenAIError("n must be 1: Quarry gives one answer, copied from the documents", "n")
    if body.logprobs:
        raise OpenAIError("logprobs are not supported: answers are not sampled", "logprobs")
    if body.response_format and body.response_format.get("type") not in (None, "text"):
        raise OpenAIError("only response_format type 'text' is supported", "response_format")
    users = [m for m in body.messages if m.role == "user"]
    if not users:
        raise OpenAIError("no user message: the last user message is the question", "messages")
    question = _text(users[-1].content)
    if len(question) > MAX_QUESTION_CHARS:
        raise OpenAIError(
            f"the question (the last user message) is {len(question)} characters; at most "
            f"{MAX_QUESTION_CHARS}",
            "messages",
        )
    try:
        return check_question(question)
    except InvalidQuestion as exc:
        raise OpenAIError(str(exc), "messages") from None


def extension(answer: Answer, request: Request) -> dict[str, Any]:
    """The ``quarry`` field: what a standard client ignores and a Quarry-aware one checks."""
    body = answer_out(answer, source_view(request)).model_dump()
    return {
        "abstained": body["abstained"],
        "abstain_reason": body["abstain_reason"],
        "citations": body["citations"],
        "conflicts": body["conflicts"],
    }


def _usage(question: str, answer: str) -> dict[str, int]:
    prompt, completion = count_tokens(question), count_tokens(answer)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def completion(question: str, answer: Answer, request: Request) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer.answer},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": _usage(question, answer.answer),
        "quarry": extension(answer, request),
    }


def pieces(text: str) -> list[str]:
    """The answer split after each ``[n]`` marker: one streamed delta per cited sentence."""
    return [p for p in re.findall(r".*?\[\d+\]\s*|.+$", text, flags=re.S) if p]


def stream(question: str, answer_steps: Iterator[Any], request: Request) -> Iterator[str]:
    ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        data = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    try:
        *_, answer = answer_steps
        for piece in pieces(answer.answer):
            yield chunk({"content": piece})
        yield chunk(
            {},
            "stop",
            usage=_usage(question, answer.answer),
            quarry=extension(answer, request),
        )
    except QuarryError:
        error = {"message": "the answer could not be completed", "type": "server_error"}
        yield f"data: {json.dumps({'error': error})}\n\n"
    yield "data: [DONE]\n\n"


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


@router.get("/models", response_model=ModelList)
def models() -> ModelList:
    """The one model: Quarry over this index."""
    return ModelList(data=[ModelOut(id=MODEL, created=0, owned_by="quarry")])


@router.post(
    "/chat/completions",
    responses={
        200: {
            "description": "A chat.completion, or with `stream` true Server-Sent Events of "
            "chat.completion.chunk objects ending in `data: [DONE]`; the `quarry` field "
            "(citations, conflicts, abstained) is on the completion or its final chunk.",
        },
        400: {"description": "OpenAI's error shape, naming the refused field."},
    },
)
def chat_completions(body: ChatRequest, request: Request) -> Any:
    """OpenAI-compatible chat: the last user message is the question; the answer is Quarry's,
    with verified citations in the `quarry` field."""
    try:
        question = question_of(body)
    except OpenAIError as exc:
        return exc.response()
    engine = request.app.state.engine
    steps = engine.steps(question)  # NoIndexError -> 503 before any byte is sent
    if body.stream:
        return StreamingResponse(
            stream(question, steps, request),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    *_, answer = steps
    return completion(question, answer, request)
