"""Index contract tests with the fast hashing embedder."""

import math

import numpy as np
import pytest

from base.errors import ConfigError, DocumentNotFound, IndexMismatchError, NoIndexError
from index import layout
from index.lexical import LexicalStore
from index.retriever import Retriever
from index.store import open_current
from index.writer import IndexWriter
from ingest.chunker import SentenceChunker
from ingest.discover import load_paths
from ingest.text import tokenize
from tests.fakes import HashingEmbedder


def writer(data_dir, embedder=None, size=60, overlap=10):
    return IndexWriter(
        data_dir, embedder or HashingEmbedder(), SentenceChunker(size, overlap), progress=False
    )


def test_no_index_is_a_clear_error(tmp_path):
    with pytest.raises(NoIndexError, match="run `quarry ingest`"):
        open_current(tmp_path)


def test_ingest_then_reingest_skips_unchanged_and_reembeds_only_changes(tmp_path, corpus_copy):
    emb = HashingEmbedder()
    w = writer(tmp_path / "data", emb)
    first = w.apply(load_paths([corpus_copy], progress=False).documents)
    assert len(first.added) == 5 and first.embedded == first.n_chunks > 0
    again = w.apply(load_paths([corpus_copy], progress=False).documents)
    assert len(again.unchanged) == 5 and again.embedded == 0
    assert again.version == first.version  # nothing changed: nothing written, nothing published
    target = next(corpus_copy.glob("003_*.txt"))
    target.write_text(target.read_text() + "\n\nA brand new closing sentence about quarry tests.")
    emb.embedded_texts.clear()
    changed = w.apply(load_paths([corpus_copy], progress=False).documents)
    assert changed.updated == [target.stem]
    assert 1 <= changed.embedded <= 2  # only the chunks whose text changed
    assert all("quarry tests" in t for t in emb.embedded_texts)


def test_delete_and_prune_remove_every_trace(tmp_path, corpus_copy):
    w = writer(tmp_path / "data")
    w.apply(load_paths([corpus_copy], progress=False).documents)
    w.apply(deletes=["004_f2de16cde25f0e02"])
    version = open_current(tmp_path / "data")
    assert "004_f2de16cde25f0e02" not in {d.doc_id for d in version.documents()}
    chunks = version.chunks(version.live_rows())
    assert chunks and all(c.chunk.doc_id != "004_f2de16cde25f0e02" for c in chunks.values())
    with pytest.raises(DocumentNotFound):
        version.document("004_f2de16cde25f0e02")
    # A query made of that document's own words finds nothing of it, lexically or densely.
    for mode in ("dense", "lexical", "hybrid"):
        hits = Retriever(version, HashingEmbedder(), mode).search("Makhdoom Babar Daily Mail", 50)
        assert all(h.chunk.doc_id != "004_f2de16cde25f0e02" for h in hits)
    assert version.lexical_search(tokenize("Makhdoom Babar"), 50) == []
    next(corpus_copy.glob("000_*.txt")).unlink()
    report = w.apply(prune_missing=True)
    assert report.removed == ["000_c2cc40ca7ae94980"]
    with pytest.raises(DocumentNotFound):
        w.apply(deletes=["nope"])


def test_faiss_topk_equals_numpy_bruteforce(tmp_path, corpus_copy):
    emb = HashingEmbedder()
    writer(tmp_path / "data", emb).apply(load_paths([corpus_copy], progress=False).documents)
    version = open_current(tmp_path / "data")
    rows = version.live_rows()
    stored = version.chunks(rows)
    vectors = emb.embed([stored[r].chunk.text for r in rows])
    for q in ["rare earth shipment", "CPEC investment billion", "Lin Jian foreign ministry"]:
        qv = emb.embed_queries([q])[0]
        got = version.dense_search(qv, 10)
        brute = vectors @ qv
        order = np.argsort(-brute, kind="stable")[:10]
        assert [r for r, _ in got] == list(order) or np.allclose(
            sorted(brute[[r for r, _ in got]]), sorted(brute[order]), atol=1e-5
        )
        for row, score in got:
            assert score == pytest.approx(float(brute[row]), abs=1e-5)


def test_bm25_matches_hand_computed_reference(tmp_path):
    """Tantivy (on disk) finds the rows and counts them; the score is Okapi BM25 by hand."""
    from index.lexical import Live

    texts = ["cat sat mat", "dog chased cat cat", "bird flew"]
    docs = [tokenize(t) for t in texts]
    store = LexicalStore(tmp_path / "lex")
    assert store.snapshot().share("cat") == 0.0  # empty index
    store.add_segment(7, docs)
    index = store.snapshot()
    k1, b = 1.5, 0.75
    avgdl = sum(map(len, docs)) / len(docs)

    def reference(query, doc):
        score = 0.0
        for term in tokenize(query):
            df = sum(term in d for d in docs)
            if not df:
                continue
            idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))  # Lucene's idf
            tf = doc.count(term)
            # Lucene (and bm25s's 'lucene' method) drop the constant (k1 + 1) numerator factor.
            score += idf * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        return score

    for query in ["cat", "dog cat", "bird", "unknown"]:
        got = index.bm25(tokenize(query), docs, avgdl)
        assert got == pytest.approx([reference(query, d) for d in docs], rel=1e-5)
        found = index.candidates(tokenize(query), 10, Live({7: frozenset()}, avgdl))
        assert sorted(row for _, row in found) == [i for i, d in enumerate(docs) if got[i] > 0]
    # deleted rows and segments a version does not list are never candidates
    assert index.candidates(["cat"], 10, Live({7: frozenset({1})}, avgdl)) == [(7, 0)]
    assert index.candidates(["cat"], 10, Live({8: frozenset()}, avgdl)) == []
    # share: rows holding a term, counted once per row however often it repeats there
    assert index.share("cat") == pytest.approx(2 / 3)
    assert index.share("bird") == pytest.approx(1 / 3)
    assert index.share("unknown") == 0.0


def test_hybrid_fusion_formula(tmp_path, corpus_copy):
    emb = HashingEmbedder()
    writer(tmp_path / "data", emb).apply(load_paths([corpus_copy], progress=False).documents)
    version = open_current(tmp_path / "data")
    r = Retriever(version, emb, "hybrid", alpha=0.6)
    q = "first shipment of rare earth to the United States"
    qv = emb.embed_queries([q])[0]
    scored = r.scored(q, 20)
    stored = version.chunks([row for row, *_ in scored])
    lex = version.bm25(tokenize(q), list(stored.values()))
    top = max(t[3] for t in scored)
    assert top == pytest.approx(float(lex.max()), rel=1e-6)  # the best lexical row is a candidate
    for row, fused, dense, lexical in scored[:10]:
        assert fused == pytest.approx(0.6 * dense + 0.4 * lexical / top, abs=1e-5)
        assert dense == pytest.approx(float(emb.embed([stored[row].chunk.text])[0] @ qv), abs=1e-5)


def test_search_skips_overlapping_chunks_of_one_document(tmp_path, corpus_copy):
    emb = HashingEmbedder()
    writer(tmp_path / "data", emb, size=40, overlap=20).apply(
        load_paths([corpus_copy], progress=False).documents
    )
    hits = Retriever(open_current(tmp_path / "data"), emb, "hybrid").search("rare earth", 10)
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            if a.chunk.doc_id == b.chunk.doc_id:
                assert (
                    a.chunk.char_end <= b.chunk.char_start or b.chunk.char_end <= a.chunk.char_start
                )


def test_other_embedder_is_refused(tmp_path, corpus_copy):
    writer(tmp_path / "data").apply(load_paths([corpus_copy], progress=False).documents)
    other = HashingEmbedder(dim=32, name="other-model")
    with pytest.raises(IndexMismatchError, match="hashing-test"):
        writer(tmp_path / "data", other).apply([])
    with pytest.raises(IndexMismatchError, match="other-model"):
        open_current(tmp_path / "data").check_embedder(other.name, other.dim)


def test_chunks_the_embedder_would_truncate_are_cut_to_fit_not_refused(tmp_path, corpus_copy):
    # A chunk size over the model's limit is a configuration error, said before any work.
    with pytest.raises(ConfigError, match="limit of 50 tokens"):
        IndexWriter(tmp_path, HashingEmbedder(max_tokens=50), SentenceChunker(60, 10))
    # chunk_size fits on paper, but the embedder's own tokenizer counts more tokens: those
    # chunks are chunked again, smaller, and the write goes through with every chunk whole.
    emb = HashingEmbedder(max_tokens=30)
    docs = load_paths([corpus_copy], progress=False).documents
    report = writer(tmp_path / "data", emb, size=30, overlap=5).apply(docs)
    assert report.n_documents == len(docs)
    version = open_current(tmp_path / "data")
    chunks = [version.chunk(r) for r in version.live_rows()]
    assert max(emb.token_counts([c.text for c in chunks])) <= 30
    texts = {d.doc_id: d.text for d in docs}
    assert all(texts[c.doc_id][c.char_start : c.char_end] == c.text for c in chunks)


def test_old_versions_are_collected(tmp_path, corpus_copy):
    w = writer(tmp_path / "data")
    docs = load_paths([corpus_copy], progress=False).documents
    for i in range(4):
        w.apply(docs[: i + 1])
    versions = layout.version_names(tmp_path / "data")
    assert len(versions) == 2
    assert not list((tmp_path / "data").glob("staging-*"))


def test_near_duplicate_passages_are_grouped(tmp_path):
    from ingest.loaders import Document

    shared = "The Kestrel mine exported forty tonnes of copper ore to Karachi in March."
    docs = [
        Document("wire", "Wire story", "a", shared + " Reported by the wire.", "h1"),
        Document("paper", "Newspaper", "b", shared + " Reported by the paper.", "h2"),
        Document("other", "Other", "c", "Lithium prices fell sharply in April.", "h3"),
    ]
    emb = HashingEmbedder()
    writer(tmp_path / "data", emb).apply(docs)
    hits = Retriever(open_current(tmp_path / "data"), emb, "hybrid").search("Kestrel copper ore", 3)
    assert [h.chunk.doc_id for h in hits][:1] in (["wire"], ["paper"])
    first = hits[0]
    assert [d.doc_id for d in first.duplicates] == [
        ({"wire", "paper"} - {first.chunk.doc_id}).pop()
    ]
    assert all(h.chunk.doc_id != first.duplicates[0].doc_id for h in hits)


def test_chunk_store_keeps_text_past_a_nul_and_other_controls(tmp_path):
    """A NUL in a document's text (a loader bug, or a future one) never truncates what is stored:
    SQLite's substr() stops at a NUL in TEXT, so an excerpt after one must still come back."""
    from ingest.loaders import Document, content_hash

    text = "The alarm code is A7\x00 and the pager number is 5512.\x01\x7f After it: the end."
    doc = Document("nul", "NUL", "nul.txt", text, content_hash(text.encode()))
    writer(tmp_path / "data").apply([doc])
    version = open_current(tmp_path / "data")
    start = text.index("the pager")
    assert version.excerpt("nul", start, len(text)) == text[start:]
    chunks = [version.chunk(r) for r in version.live_rows()]
    assert "".join(c.text for c in chunks if c.doc_id == "nul").endswith("the end.")
    assert all(text[c.char_start : c.char_end] == c.text for c in chunks)
