"""How the index layer scales: ingest, one-document writes, opening, queries, memory and disk.

Usage: python -m bench.scale --chunks 1000000 --json bench/results/scale-1m.json [--work DIR]

The model is not what is timed: a fast deterministic 384-d embedder (a sum of fixed random word
vectors, so texts sharing words are close, as with a real model) embeds a generated corpus of
topic-structured documents. Everything else is Quarry's real code: chunking, the segment writer,
Tantivy, FAISS, and the answer stage with the reader off. Serving is measured in a fresh process
(`--serve`), after the building process (`--build`) has ended, so ``rss_mb`` is the peak
resident memory of a process that opened the index and answered the queries, and ``open_s`` /
``first_query_ms`` are cold-process figures (the page cache is warm: the files were just
written, and the builder's memory is given back first).

Reported: ``ingest_s`` (all documents, one write), ``upsert_1_doc_s`` and ``delete_1_doc_s``
(one document into / out of the full index), ``open_s``, ``first_query_ms``, ``p50_ms`` and
``p95_ms`` (retrieval plus answer assembly over 200 generated questions), ``rss_mb``, ``disk_mb``
(the data directory, embedding cache included, and ``index_disk_mb`` without it), and
``recall_at_10_vs_exact`` (dense top 10 against brute force over every stored vector).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench import emit

DIM = 384
CHUNKS_PER_DOC = 10  # about; measured on a sample before generating the corpus


class WordVectorEmbedder:
    """Deterministic 384-d embedder: the normalized sum of a fixed random vector per word."""

    name = "bench-word-vectors"
    dim = DIM
    max_tokens = 100_000

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._table = np.zeros((1024, DIM), dtype=np.float32)  # grown by doubling

    def _grow(self, words: list[str]) -> None:
        for w in words:
            if w in self._ids:
                continue
            n = len(self._ids)
            if n == len(self._table):
                self._table = np.concatenate([self._table, np.zeros_like(self._table)])
            rng = np.random.default_rng(zlib.crc32(w.encode()))
            self._table[n] = rng.standard_normal(DIM).astype(np.float32)
            self._ids[w] = n

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        split = [
            t.lower().replace("?", " ").replace(".", " ").split() or ["<empty>"] for t in texts
        ]
        self._grow([w for ws in split for w in ws])
        ids = np.fromiter((self._ids[w] for ws in split for w in ws), dtype=np.int64)
        starts = np.cumsum([0] + [len(ws) for ws in split[:-1]])
        out = np.add.reduceat(self._table[ids], starts, axis=0)
        out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-9
        return out.astype(np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) for text in texts]


def _vocabulary(rng: np.random.Generator, n: int) -> np.ndarray:
    syllables = np.array(
        [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
    )
    parts = rng.integers(0, len(syllables), size=(n, 3))
    return np.array(["".join(syllables[p]) for p in parts])


def generate(n_docs: int, seed: int = 0, words_per_doc: int = 1000):  # type: ignore[no-untyped-def]
    """Topic-structured documents: each draws 60% of its words from its topic's 40."""
    from ingest.loaders import Document

    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng, 30_000)
    zipf = 1 / np.arange(1, len(vocab) + 1)
    zipf /= zipf.sum()
    topics = rng.integers(0, len(vocab), size=(2_000, 40))
    docs = []
    for i in range(n_docs):
        topic = topics[i % len(topics)]
        from_topic = rng.random(words_per_doc) < 0.6
        ids = np.where(
            from_topic,
            topic[rng.integers(0, 40, size=words_per_doc)],
            rng.choice(len(vocab), size=words_per_doc, p=zipf),
        )
        words = vocab[ids]
        sentences = [
            " ".join(words[j : j + 12]).capitalize() + "." for j in range(0, len(words), 12)
        ]
        text = " ".join(sentences)
        doc_id = f"doc{i:08d}"
        docs.append(
            Document(doc_id, f"Report {i}", f"/bench/{doc_id}.txt", text, f"h{seed}-{i}", ())
        )
    return docs


def questions(docs, n: int = 200, seed: int = 1) -> list[str]:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    out = []
    for i in rng.choice(len(docs), size=n, replace=len(docs) < n):
        words = docs[int(i)].text.replace(".", "").split()
        start = int(rng.integers(0, max(1, len(words) - 6)))
        out.append("What about " + " ".join(words[start : start + 5]).lower() + "?")
    return out


def _settings(data_dir: Path):  # type: ignore[no-untyped-def]
    from quarry.settings import Settings

    return Settings(data_dir=data_dir, reader=False, embedder=WordVectorEmbedder.name)


def _du(path: Path, skip: str | None = None) -> float:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and (skip is None or skip not in p.name):
            total += p.stat().st_size
    return total / 1e6


def build(args: argparse.Namespace) -> dict[str, float]:
    from index.layout import EMBEDDING_CACHE
    from quarry.ingestor import Ingestor

    data = args.work / "data"
    shutil.rmtree(data, ignore_errors=True)
    embedder = WordVectorEmbedder()
    probe = generate(20, seed=99)
    settings = _settings(data)
    chunker = Ingestor(settings, embedder).chunker
    per_doc = sum(len(chunker.chunk(d)) for d in probe) / len(probe)
    n_docs = max(1, round(args.chunks / per_doc))
    t0 = time.perf_counter()
    docs = generate(n_docs)
    gen_s = time.perf_counter() - t0
    print(f"generated {n_docs} documents in {gen_s:.0f}s", file=sys.stderr)
    ingestor = Ingestor(settings, embedder, progress=sys.stderr.isatty())
    t0 = time.perf_counter()
    size = -(-len(docs) // args.parts)  # several writes keep one write's memory bounded
    for start in range(0, len(docs), size):
        report = ingestor.write(docs[start : start + size])
    ingest_s = time.perf_counter() - t0
    (args.work / "questions.json").write_text(json.dumps(questions(docs)))
    one = docs[n_docs // 2]
    from dataclasses import replace

    changed = replace(one, text=one.text + " A new closing sentence.", content_hash="changed")
    t0 = time.perf_counter()
    upsert = ingestor.write([changed])
    upsert_s = time.perf_counter() - t0
    assert upsert.updated == [one.doc_id], upsert
    t0 = time.perf_counter()
    deleted = ingestor.delete([docs[n_docs // 3].doc_id])
    delete_s = time.perf_counter() - t0
    assert deleted.removed, deleted
    return {
        "chunks": report.n_chunks,
        "writes": args.parts,
        "documents": report.n_documents,
        "ingest_s": round(ingest_s, 1),
        "upsert_1_doc_s": round(upsert_s, 3),
        "delete_1_doc_s": round(delete_s, 3),
        "disk_mb": round(_du(data), 1),
        "index_disk_mb": round(_du(data, skip=EMBEDDING_CACHE), 1),
    }


def serve(data: Path, questions_file: Path) -> dict[str, object]:
    """Runs in a fresh process: open, query, recall, peak memory."""
    from eval.metrics import percentile
    from quarry.engine import Engine

    qs = json.loads(questions_file.read_text())
    embedder = WordVectorEmbedder()
    engine = Engine(_settings(data), embedder=embedder)
    t0 = time.perf_counter()
    version = engine.version()
    open_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine.answer(qs[0])
    first_ms = (time.perf_counter() - t0) * 1000
    times = []
    for q in qs[1:]:
        t0 = time.perf_counter()
        engine.answer(q)
        times.append((time.perf_counter() - t0) * 1000)
    # peak resident memory of this process (VmHWM; getrusage's maxrss would report the parent's
    # peak, inherited across fork), taken before the brute-force check below
    status = Path("/proc/self/status").read_text()
    rss_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
    # recall of the dense search actually served, against brute force over every live vector
    qv = embedder.embed_queries(qs[:100])
    served = version.dense_search_many(qv, 10)
    best: list[list[tuple[float, int]]] = [[] for _ in qs[:100]]
    for base, seg in zip(version.bases, version.segments, strict=True):
        deleted = version.deleted_rows[seg.ref.id]
        for start in range(0, seg.files.n_rows, 200_000):
            block = seg.files.read_range(start, start + 200_000) @ qv.T
            for q in range(len(qv)):
                top = np.argpartition(-block[:, q], min(20, len(block) - 1))[:20]
                best[q] += [
                    (float(block[r, q]), base + start + int(r))
                    for r in top
                    if start + int(r) not in deleted
                ]
    hits = 0
    for q in range(len(qv)):
        exact = {row for _, row in sorted(best[q], reverse=True)[:10]}
        hits += len(exact & {row for row, _ in served[q]})
    return {
        "open_s": round(open_s, 3),
        "first_query_ms": round(first_ms, 1),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "rss_mb": round(rss_mb, 0),
        "recall_at_10_vs_exact": round(hits / (10 * len(qv)), 4),
        "segments": len(version.segments),
        "dense": ", ".join(sorted({s.ref.dense for s in version.segments})),
    }


def _child(argv: list[str], what: str, stderr: int | None = subprocess.PIPE) -> dict:
    """Run ``python -m bench.scale ARGV`` and return the JSON line it prints last."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", *argv],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"the {what} process failed:\n{(out.stderr or '')[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument(
        "--parts", type=int, default=1, help="ingest in this many writes (one segment each)"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.serve:
        print(json.dumps(serve(args.serve / "data", args.serve / "questions.json")))
        return 0
    if args.build:
        print(json.dumps(build(args)))
        return 0
    keep = args.work is not None
    args.work = args.work or Path(tempfile.mkdtemp(prefix="quarry-scale-"))
    args.work.mkdir(parents=True, exist_ok=True)
    try:
        # Building and serving each run in a process of their own: the builder's memory (the
        # whole generated corpus) is given back before serving is measured, so the index has
        # the page cache to itself, as on a server that only serves.
        common = [
            "--chunks",
            str(args.chunks),
            "--parts",
            str(args.parts),
            "--work",
            str(args.work),
        ]
        result = _child([*common, "--build"], "building", stderr=None)
        result.update(_child(["--serve", str(args.work)], "serving"))
    finally:
        if not keep:
            shutil.rmtree(args.work, ignore_errors=True)
    result["cpus"] = os.cpu_count() or 0
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
