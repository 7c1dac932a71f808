"""Quarry as a Model Context Protocol server: tools ``ask``, ``search`` and ``get_document``, and
each document as a resource (``quarry://documents/{doc_id}``).

The same server runs over stdio (``quarry mcp``, for an assistant on this machine) and over
streamable HTTP on the API at ``/mcp/`` (same keys and rate limits as /ask: the API's guard sees
every request). Built on the official ``mcp`` SDK.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer

from api.streaming import answer_out, search_out
from qa.question import check_question
from quarry.engine import Engine

INSTRUCTIONS = (
    "Quarry answers questions from a fixed set of documents with sentences copied from them. "
    "Every citation gives the document id and the exact character offsets of its quote; when "
    "the documents do not answer, `abstained` is true and nothing is made up. Use `search` for "
    "the ranked passages, `get_document` for a document's text."
)


def build_server(engine: Callable[[], Engine], show: Callable[[str], str]) -> MCPServer:
    """The MCP server over ``engine()`` (resolved per call: a server's engine follows new index
    versions); ``show`` is how document sources are shown (server paths only to admins)."""
    server: MCPServer = MCPServer(name="quarry", instructions=INSTRUCTIONS, version="0.1.0")

    @server.tool(
        description="Answer a question from the documents. Returns the answer (sentences copied "
        "from them, with [n] markers), its citations (document id, title, character offsets, "
        "quote), conflicts between sources, and whether it abstained and why."
    )
    def ask(question: str, top_k: int = 5) -> dict[str, Any]:
        question = check_question(question)
        answer = engine().answer(question, max(1, min(50, top_k)))
        body = answer_out(answer, show).model_dump()
        keep = ("answer", "abstained", "abstain_reason", "citations", "conflicts")
        return {k: body[k] for k in keep}

    @server.tool(
        description="The ranked passages for a query (no answer composed): text, document id, "
        "title, offsets, page, score and which retrievers found each."
    )
    def search(query: str, top_k: int = 10) -> dict[str, Any]:
        query = check_question(query)
        found = engine().search(query, max(1, min(50, top_k)))
        return search_out(found, show).model_dump()

    @server.tool(
        description="One document's stored text (citations' offsets index into it), its title, "
        "source and PDF pages."
    )
    def get_document(doc_id: str) -> dict[str, Any]:
        d = engine().version().document(doc_id)
        return {
            "doc_id": d.doc_id,
            "title": d.title,
            "source": show(d.source),
            "text": d.text,
            "pages": d.pages,
        }

    @server.resource(
        "quarry://documents",
        name="documents",
        description="Every document: id, title, source, chunks (JSON).",
        mime_type="application/json",
    )
    def documents() -> str:
        return json.dumps(
            [
                {"doc_id": d.doc_id, "title": d.title, "source": show(d.source)}
                for d in engine().version().documents()
            ]
        )

    @server.resource(
        "quarry://documents/{doc_id}",
        name="document",
        description="A document's stored text.",
        mime_type="text/plain",
    )
    def document(doc_id: str) -> str:
        return engine().version().document(doc_id).text

    return server
