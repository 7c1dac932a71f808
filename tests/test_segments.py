"""Segments: a write costs what changed, deletes are marks, compaction purges, ANN keeps recall.

The corpus is generated (topic-structured, see ``bench.scale``) and embedded with the benchmark's
fast word-vector embedder: these test the index layer, not a model.
"""

from dataclasses import replace

import numpy as np
import pytest

from bench.scale import WordVectorEmbedder, generate
from index.dense import DenseConfig
from index.retriever import Retriever
from index.store import open_current
from quarry.ingestor import Ingestor
from quarry.settings import Settings


def ingestor(data_dir, **overrides):
    settings = Settings(data_dir=data_dir, reader=False, **overrides)
    return Ingestor(settings, WordVectorEmbedder(), progress=False)


def files_state(folder):
    return {
        p.relative_to(folder): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """An index of ~50k chunks in one segment (exact search below the ANN threshold)."""
    data = tmp_path_factory.mktemp("big") / "data"
    docs = generate(2_150)
    report = ingestor(data, ann_threshold=10**9).write(docs)
    assert report.n_chunks >= 50_000
    return data, docs


def test_upsert_touches_only_new_segment_files(big, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(big[0], data)
    docs = big[1]
    before = files_state(data / "segments")
    old_version = open_current(data)
    target = docs[123]
    changed = replace(target, text=target.text + " Zyxwv quokka nebula.", content_hash="new")
    report = ingestor(data, ann_threshold=10**9).write([changed])
    assert report.updated == [target.doc_id] and report.embedded <= 2
    after = files_state(data / "segments")
    # every file of the old segment is the very same file: same inode, mtime and size
    assert {k: v for k, v in after.items() if k in before} == before
    new_files = set(after) - set(before)
    assert new_files and all(str(p).startswith("seg-00000002/") for p in new_files)
    version = open_current(data)
    assert [s.n_docs for s in version.manifest.segments] == [len(docs), 1]
    assert version.manifest.n_chunks == old_version.manifest.n_chunks - target_chunks(
        old_version, target.doc_id
    ) + target_chunks(version, target.doc_id)
    hits = Retriever(version, WordVectorEmbedder(), "lexical").search("zyxwv quokka nebula", 3)
    assert hits and hits[0].chunk.doc_id == target.doc_id
    assert "Zyxwv" in hits[0].chunk.text
    # the old version still answers from the old text (a query in flight keeps its version)
    old_hits = Retriever(old_version, WordVectorEmbedder(), "lexical").search("zyxwv", 3)
    assert not old_hits
    # a delete writes marks only: no new segment file at all
    before = files_state(data / "segments")
    ingestor(data).delete([docs[7].doc_id])
    assert files_state(data / "segments") == before
    version = open_current(data)
    assert docs[7].doc_id not in {d.doc_id for d in version.documents()}
    for mode in ("dense", "lexical", "hybrid"):
        query = " ".join(docs[7].text.split()[:8])
        hits = Retriever(version, WordVectorEmbedder(), mode).search(query, 20)
        assert all(h.chunk.doc_id != docs[7].doc_id for h in hits)


def target_chunks(version, doc_id):
    return next(d.n_chunks for d in version.documents() if d.doc_id == doc_id)


def test_compaction_merges_segments_and_purges_deleted_rows(tmp_path):
    docs = generate(60, seed=5)
    ing = ingestor(tmp_path / "data", max_segments=4)
    for i in range(0, 30, 10):  # three writes: three segments
        ing.write(docs[i : i + 10])
    ing.delete([docs[0].doc_id, docs[15].doc_id])
    version = open_current(tmp_path / "data")
    assert len(version.manifest.segments) == 3 and version.manifest.deleted
    query = " ".join(docs[22].text.split()[10:20])
    before = [
        (h.chunk.chunk_id, round(h.dense_score, 5))
        for h in Retriever(version, WordVectorEmbedder(), "dense").search(query, 5)
    ]
    report = ing.compact()
    assert report.merged == 3 and report.segments == 1
    version = open_current(tmp_path / "data")
    assert not version.manifest.deleted
    assert version.manifest.n_documents == 28
    assert version.manifest.n_rows == version.manifest.n_chunks  # deleted rows are gone
    after = [
        (h.chunk.chunk_id, round(h.dense_score, 5))
        for h in Retriever(version, WordVectorEmbedder(), "dense").search(query, 5)
    ]
    assert after == before
    # past max_segments a write merges the small segments by itself
    for i in range(30, 60, 5):
        report = ing.write(docs[i : i + 5])
    assert len(open_current(tmp_path / "data").manifest.segments) <= 4
    assert open_current(tmp_path / "data").manifest.n_documents == 58


def test_ann_segment_keeps_recall_at_10_against_exact(tmp_path):
    """txtai switches silently to IVF and loses accuracy; Quarry states and checks the figure."""
    docs = generate(1_400, seed=3)
    ing = ingestor(tmp_path / "data", ann_threshold=20_000)
    report = ing.write(docs)
    version = open_current(tmp_path / "data", DenseConfig(ann_threshold=20_000))
    (segment,) = version.segments
    assert report.n_chunks >= 20_000 and segment.ref.dense == "HNSW64,SQ8"
    rng = np.random.default_rng(0)
    queries = []
    for i in rng.choice(len(docs), size=100, replace=False):
        words = docs[int(i)].text.replace(".", "").split()
        queries.append(" ".join(words[50:56]))
    qv = WordVectorEmbedder().embed_queries(queries)
    stored = segment.files.read_range(0, segment.files.n_rows)
    exact = np.argsort(-(stored @ qv.T), axis=0)[:10].T
    served = version.dense_search_many(qv, 10)
    recall = np.mean(
        [len(set(e.tolist()) & {r for r, _ in s}) / 10 for e, s in zip(exact, served, strict=True)]
    )
    assert recall >= 0.95


def test_new_version_opens_off_the_request_path(tmp_path, monkeypatch):
    """While a newly published version is opening, the previous one answers; then it switches."""
    import threading

    import quarry.engine as engine_module
    from quarry.engine import Engine

    docs = generate(6, seed=9)
    ing = ingestor(tmp_path / "data")
    ing.write(docs[:3])
    settings = Settings(data_dir=tmp_path / "data", reader=False, switch_wait_s=0.05)
    engine = Engine(settings, embedder=WordVectorEmbedder())
    first = engine.version().name
    ing.write(docs[3:])
    release = threading.Event()
    real_open = engine_module.open_current

    def slow_open(*args, **kwargs):
        release.wait(10)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(engine_module, "open_current", slow_open)
    assert engine.version().name == first  # still opening: the old version answers at once
    release.set()
    engine._switch.join(10)
    assert engine.version().name != first
    assert engine.version().manifest.n_documents == 6


def test_one_write_split_into_segments_answers_as_one_segment(tmp_path):
    """A write split into several segments (as a --ray ingest builds them, one per worker task)
    keeps the rows in the same order and finds the same chunks with the same scores."""
    from index.writer import build_here

    docs = generate(60, seed=11)
    whole = ingestor(tmp_path / "whole").write(docs)
    split_ing = ingestor(tmp_path / "split", ray_segment_chunks=100, max_segments=5)
    split = split_ing.writer(segment_runner=build_here).apply(docs)
    assert whole.segments == 1 and split.segments == 5
    assert split.n_chunks == whole.n_chunks and split.n_documents == whole.n_documents
    a, b = open_current(tmp_path / "whole"), open_current(tmp_path / "split")
    sizes = [s.n_chunks for s in b.manifest.segments]
    # whole documents, at least 1376 / 5 rows each: a split never makes more than max_segments
    assert all(n >= split.n_chunks // 5 for n in sizes[:-1]), sizes
    rows_a, rows_b = a.live_rows(), b.live_rows()
    assert [c.chunk.chunk_id for c in a.chunks(rows_a).values()] == [
        c.chunk.chunk_id for c in b.chunks(rows_b).values()
    ]
    assert np.array_equal(a.vectors(rows_a), b.vectors(rows_b))
    for i in (3, 31, 58):
        query = " ".join(docs[i].text.split()[5:15])
        for mode in ("dense", "lexical", "hybrid"):
            x = Retriever(a, WordVectorEmbedder(), mode).search(query, 8)
            y = Retriever(b, WordVectorEmbedder(), mode).search(query, 8)
            assert [(h.chunk.chunk_id, round(h.score, 6)) for h in x] == [
                (h.chunk.chunk_id, round(h.score, 6)) for h in y
            ], (mode, query)
