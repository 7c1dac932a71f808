"""The HTTP contract, over a real app with the real model and the seed corpus."""

import re

import pytest
from fastapi.testclient import TestClient

from api.app import STATIC, create_app
from quarry.engine import Engine
from quarry.settings import Settings

QUESTIONS = [
    "How much is the agreement between FWO and USSM worth?",
    "When did China's latest export control rules take effect?",
    "What share of GDP does Pakistan's mining sector contribute?",
    "Who is the spokesman of China's Foreign Ministry?",
]


@pytest.fixture(scope="module")
def client(seed_settings, real_embedder):
    app = create_app(seed_settings, Engine(seed_settings, embedder=real_embedder))
    with TestClient(app) as c:
        yield c


def assert_contract(client, body):
    for c in body["citations"]:
        doc = client.get(f"/documents/{c['doc_id']}").json()
        assert doc["text"][c["char_start"] : c["char_end"]] == c["quote"]
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", body["answer"])}
    assert markers == {c["n"] for c in body["citations"]}


@pytest.mark.parametrize("question", QUESTIONS)
def test_ask_returns_verifiable_citations(client, question):
    r = client.post("/ask", json={"question": question, "top_k": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["abstained"] is False and body["citations"]
    assert len(body["passages"]) == 5
    assert set(body["timings_ms"]) >= {"retrieve", "answer", "total"}
    assert_contract(client, body)


def test_answer_content_for_a_known_fact(client):
    body = client.post("/ask", json={"question": QUESTIONS[0]}).json()
    assert "$500 million" in body["answer"]


def test_out_of_corpus_question_abstains(client):
    body = client.post(
        "/ask", json={"question": "What is the boiling point of liquid nitrogen?"}
    ).json()
    assert body["abstained"] is True
    assert body["citations"] == []
    assert body["abstain_reason"]  # which check failed, in words


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "   \n "}, "question"),
        ({"question": "x" * 2001}, "question"),
        ({"question": "ok?", "top_k": 0}, "top_k"),
        ({"question": "ok?", "top_k": 51}, "top_k"),
        ({"top_k": 3}, "question"),
    ],
)
def test_bad_requests_get_422_naming_the_field(client, payload, field):
    r = client.post("/ask", json=payload)
    assert r.status_code == 422
    assert any(field in d["loc"] for d in r.json()["detail"])
    assert "Traceback" not in r.text


def test_documents(client):
    docs = client.get("/documents").json()
    assert len(docs) == 5 and all(d["n_chunks"] > 0 for d in docs)
    one = client.get(f"/documents/{docs[0]['doc_id']}").json()
    assert one["title"] == docs[0]["title"] and len(one["text"]) > 1000
    missing = client.get("/documents/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]


def test_health_and_ready(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["documents"] == 5 and ready["embedder"] == "all-MiniLM-L6-v2"


def test_no_index_gives_503(tmp_path, real_embedder):
    settings = Settings(data_dir=tmp_path / "empty")
    with TestClient(create_app(settings, Engine(settings, embedder=real_embedder))) as c:
        for r in (
            c.get("/readyz"),
            c.post("/ask", json={"question": "hello?"}),
            c.get("/documents"),
        ):
            assert r.status_code == 503
            assert r.json() == {"detail": "no index: run `quarry ingest`"}


def test_openapi_documents_the_contract(client):
    spec = client.get("/openapi.json").json()
    assert {"/ask", "/documents", "/documents/{doc_id}", "/healthz", "/readyz"} <= set(
        spec["paths"]
    )
    props = spec["components"]["schemas"]["CitationOut"]["properties"]
    assert {
        "n",
        "doc_id",
        "title",
        "source",
        "chunk_id",
        "char_start",
        "char_end",
        "page",
        "quote",
        "score",
    } <= set(props)


def test_quarry_top_k_is_the_default_for_ask_and_the_stream(seed_settings, real_embedder):
    """With no ``top_k`` in the body, QUARRY_TOP_K decides how many passages are read, for
    POST /ask and /ask/stream alike; a ``top_k`` in the body still wins."""
    import json

    settings = seed_settings.model_copy(update={"top_k": 3})
    app = create_app(settings, Engine(settings, embedder=real_embedder))
    question = {"question": QUESTIONS[0]}
    with TestClient(app) as c:
        assert len(c.post("/ask", json=question).json()["passages"]) == 3
        assert len(c.post("/ask", json={**question, "top_k": 7}).json()["passages"]) == 7
        stream = c.post("/ask/stream", json=question).text
        done = stream.split("event: done\ndata: ", 1)[1].split("\n", 1)[0]
        assert len(json.loads(done)["passages"]) == 3
        retrieval = stream.split("event: retrieval\ndata: ", 1)[1].split("\n", 1)[0]
        assert len(json.loads(retrieval)["passages"]) == 3


def test_the_demo_page_describes_the_live_index(client):
    page = client.get("/").text
    docs = client.get("/documents").json()
    assert f"the {len(docs)} documents of this index" in page
    assert "How much has China invested" not in page  # no questions of the bundled corpus
    assert any(d["title"].split()[0] in page for d in docs[:4])


def test_search_returns_ranked_passages_with_their_retrievers(client):
    body = client.post("/search", json={"query": "Lin Jian spokesman", "top_k": 4}).json()
    results = body["results"]
    assert [r["rank"] for r in results] == [1, 2, 3, 4]
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    top = results[0]
    assert "Lin Jian" in top["text"] and "lexical" in top["found_by"]
    doc = client.get(f"/documents/{top['doc_id']}").json()
    assert doc["text"][top["char_start"] : top["char_end"]] == top["text"]
    assert "/" not in top["source"]  # no server path for a caller without an admin key
    for bad, field in (({"query": ""}, "query"), ({"query": "x", "top_k": 0}, "top_k")):
        reply = client.post("/search", json=bad)
        assert reply.status_code == 422 and reply.json()["detail"][0]["loc"][-1] == field
    assert "/search" in client.get("/openapi.json").json()["paths"]


def test_a_text_window_is_the_documents_text_there(client):
    doc = client.get("/documents/000_c2cc40ca7ae94980").json()
    w = client.get("/documents/000_c2cc40ca7ae94980/text?start=100&end=400").json()
    assert w["text"] == doc["text"][100:400] and w["length"] == len(doc["text"])
    assert (w["start"], w["end"], w["title"]) == (100, 400, doc["title"])
    tail = client.get(f"/documents/000_c2cc40ca7ae94980/text?start={len(doc['text']) - 5}").json()
    assert tail["text"] == doc["text"][-5:] and tail["end"] == len(doc["text"])  # clamped
    bad = client.get("/documents/000_c2cc40ca7ae94980/text?start=50&end=10")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "end"
    assert client.get("/documents/nope/text?start=0&end=5").status_code == 404


def test_static_files_are_compressed_and_revalidated(client):
    import gzip

    raw = (STATIC / "widget.js").read_bytes()
    first = client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip" and first.content == raw  # decoded
    etag = first.headers["etag"]
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    assert client.get("/widget.js", headers={"If-None-Match": '"other"'}).status_code == 200
    assert len(gzip.compress(raw)) < len(raw) / 2
