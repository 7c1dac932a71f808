"""The MCP server, driven by the official `mcp` SDK's client over stdio (`quarry mcp`) and over
streamable HTTP (`quarry serve`'s /mcp/), with a real model and index (issue 31)."""

from __future__ import annotations

import os
import sys

import anyio
import httpx
import pytest

from tests.conftest import REPO, SPOKESMAN, seed_copy, serving

pytestmark = pytest.mark.slow
KEY = "mcp-admin-key"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, seed_settings):
    return seed_copy(tmp_path_factory, seed_settings, "mcp")


async def exercise(session) -> dict:
    """What an assistant does: initialize, list the tools, ask, search, read a document."""
    await session.initialize()
    tools = {t.name for t in (await session.list_tools()).tools}

    async def call(tool: str, arguments: dict) -> dict:
        result = await session.call_tool(tool, arguments)
        assert not result.is_error, result.content
        return result.structured_content

    asked = await call("ask", {"question": SPOKESMAN})
    found = await call("search", {"query": "Lin Jian", "top_k": 3})
    cited = asked["citations"][0]
    doc = await call("get_document", {"doc_id": cited["doc_id"]})
    text = await session.read_resource(f"quarry://documents/{cited['doc_id']}")
    return {"tools": tools, "ask": asked, "search": found, "doc": doc, "resource": text}


def check(result: dict) -> None:
    assert result["tools"] == {"ask", "search", "get_document"}
    answer = result["ask"]
    assert "Lin Jian" in answer["answer"] and not answer["abstained"]
    c = answer["citations"][0]
    assert result["doc"]["text"][c["char_start"] : c["char_end"]] == c["quote"]
    assert result["resource"].contents[0].text == result["doc"]["text"]
    assert result["search"]["results"][0]["rank"] == 1
    assert "Lin Jian" in " ".join(r["text"] for r in result["search"]["results"])


def test_over_stdio(data_dir):
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "cli", "mcp"],
        env={**os.environ, "QUARRY_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"},
        cwd=str(REPO),
    )

    async def run() -> dict:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            return await exercise(session)

    check(anyio.run(run))


def test_over_http_with_the_apis_keys(data_dir):
    import httpx2
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def run(key: str) -> dict:
        headers = {"Authorization": f"Bearer {key}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=120) as http,
            streamable_http_client(url, http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            return await exercise(session)

    with serving(data_dir, QUARRY_ADMIN_KEYS=f'["{KEY}"]') as base:
        url = f"{base}/mcp/"
        check(anyio.run(run, KEY))
        from mcp import MCPError

        with pytest.raises(ExceptionGroup) as refused:  # the SDK's task groups wrap it
            anyio.run(run, "wrong-key")
        assert refused.group_contains(MCPError)
        probe = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        for key, status in (("wrong-key", 403), (None, 401)):
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            assert httpx.post(url, json=probe, headers=headers).status_code == status
