"""The OpenAI-compatible endpoint, driven by the official `openai` client against a real
`quarry serve` on loopback (issue 31)."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import SPOKESMAN, seed_copy, serving

pytestmark = pytest.mark.slow
KEY = "chat-admin-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory, seed_settings):
    data_dir = seed_copy(tmp_path_factory, seed_settings, "openai")
    with serving(data_dir, QUARRY_ADMIN_KEYS=f'["{KEY}"]') as url:
        yield url


@pytest.fixture(scope="module")
def client(server):
    from openai import OpenAI

    return OpenAI(base_url=f"{server}/v1", api_key=KEY, max_retries=0, timeout=120)


def ask(client, question, **extra):
    return client.chat.completions.create(
        model="quarry", messages=[{"role": "user", "content": question}], **extra
    )


def test_models_and_a_plain_answer_with_verified_citations(client, server):
    assert [m.id for m in client.models.list().data] == ["quarry"]
    reply = ask(client, SPOKESMAN)
    content = reply.choices[0].message.content
    assert "Lin Jian" in content and "[1]" in content
    assert reply.choices[0].finish_reason == "stop" and reply.usage.total_tokens > 0
    quarry = reply.model_extra["quarry"]
    assert not quarry["abstained"] and quarry["citations"]
    for c in quarry["citations"]:
        assert f"[{c['n']}]" in content and c["quote"] in content
        doc = httpx.get(
            f"{server}/documents/{c['doc_id']}", headers={"Authorization": f"Bearer {KEY}"}
        ).json()
        assert doc["text"][c["char_start"] : c["char_end"]] == c["quote"]


def test_streamed_answer_is_the_same_answer(client):
    plain = ask(client, SPOKESMAN)
    chunks = list(ask(client, SPOKESMAN, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    assert chunks[0].choices[0].delta.role == "assistant"
    final = chunks[-1]
    assert final.choices[0].finish_reason == "stop"
    assert final.model_extra["quarry"]["citations"] == plain.model_extra["quarry"]["citations"]
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) >= 1


def test_an_abstention_and_a_conflict(client):
    abstained = ask(client, "Who sang at the COVID-19 gala?").model_extra["quarry"]
    assert abstained["abstained"] and abstained["abstain_reason"] and not abstained["citations"]
    conflict = ask(client, "How much has China invested in CPEC?").model_extra["quarry"]
    assert conflict["conflicts"] and len(conflict["conflicts"][0]["claims"]) >= 2


def test_refusals_are_clear_and_sampling_settings_are_ignored(client, server):
    import openai

    bad = openai.OpenAI(base_url=f"{server}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.PermissionDeniedError):
        ask(bad, SPOKESMAN)
    with pytest.raises(openai.BadRequestError) as too_long:
        ask(client, "why " * 600)
    assert too_long.value.body["param"] == "messages" and "2000" in too_long.value.message
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    with pytest.raises(openai.BadRequestError) as tools:
        ask(client, SPOKESMAN, tools=[tool])
    assert tools.value.body["param"] == "tools"
    with pytest.raises(openai.BadRequestError) as n:
        ask(client, SPOKESMAN, n=2)
    assert n.value.body["param"] == "n"
    sampled = ask(client, SPOKESMAN, temperature=1.7, max_tokens=5, seed=3, user="u1")
    assert "Lin Jian" in sampled.choices[0].message.content  # copied, never sampled
