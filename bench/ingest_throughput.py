"""Ingest throughput versus raw ``model.encode`` throughput on the same chunk texts.

Usage: python -m bench.ingest_throughput [seeds|dbpedia ...] [--rounds N] [--json OUT]

Raw encode and ingest run alternately, ``--rounds`` times each (default 2), in one process, so
a slow spell of a shared machine hits both. Reported per corpus:

- ``ratio``: median ingest chunks/s over median raw encode chunks/s (the issue-14 floor: >= 0.95x
  on dbpedia);
- ``embedding_share``: the share of ingest's wall time spent inside the embedder, i.e. the ratio
  the ingest would reach if the model ran exactly as fast inside it as outside. It isolates
  Quarry's own overhead (chunking, token checks, lexical terms, writing) from the model's
  run-to-run variation, which on this 2-core machine is several percent between two runs of the
  same ``encode``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench import DBPEDIA, ROOT, emit
from eval.beir import read_dataset
from index.embedders import Embedder, load_embedder
from ingest.discover import load_paths
from ingest.loaders import Document
from quarry.ingestor import Ingestor
from quarry.settings import Settings


class TimedEmbedder:
    """An embedder that adds up the seconds spent in its ``embed`` calls."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.max_tokens = inner.max_tokens
        self.seconds = 0.0

    def embed(self, texts: list[str]) -> np.ndarray:
        t0 = time.perf_counter()
        try:
            return self.inner.embed(texts)
        finally:
            self.seconds += time.perf_counter() - t0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return self.inner.token_counts(texts)


def _ingest(settings: Settings, embedder: TimedEmbedder, docs: list[Document]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        ingestor = Ingestor(settings.model_copy(update={"data_dir": Path(tmp)}), embedder)
        ingestor.progress = False
        t0 = time.perf_counter()
        report = ingestor.write(docs)
        return time.perf_counter() - t0, report.n_chunks


def chunk_texts(docs: list[Document], settings: Settings) -> list[str]:
    """The texts of ``docs``' chunks under the default chunker: what an ingest embeds."""
    chunker = Ingestor(settings).chunker  # the ingest's own chunker, not a copy of its wiring
    return [c.text for d in docs for c in chunker.chunk(d)]


def measure(name: str, docs: list[Document], rounds: int = 2) -> dict[str, object]:
    settings = Settings()
    embedder = TimedEmbedder(load_embedder(settings.embedder))
    texts = chunk_texts(docs, settings)
    embedder.inner.embed(texts[:64])  # warm-up
    raw_s: list[float] = []
    ingest_s: list[float] = []
    inside_s: list[float] = []
    n_chunks = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        embedder.inner.embed(texts)
        raw_s.append(time.perf_counter() - t0)
        embedder.seconds = 0.0
        seconds, n_chunks = _ingest(settings, embedder, docs)
        ingest_s.append(seconds)
        inside_s.append(embedder.seconds)
    raw, ingest = statistics.median(raw_s), statistics.median(ingest_s)
    pairs = list(zip(ingest_s, inside_s, strict=True))
    return {
        "corpus": name,
        "documents": len(docs),
        "chunks": len(texts),
        "rounds": rounds,
        "raw_encode_chunks_per_s": round(len(texts) / raw, 1),
        "ingest_chunks_per_s": round(n_chunks / ingest, 1),
        "ratio": round((n_chunks / ingest) / (len(texts) / raw), 3),
        "embedding_share": round(statistics.median(i / t for t, i in pairs), 3),
        "overhead_s": round(statistics.median(t - i for t, i in pairs), 2),
        "raw_s": [round(s, 2) for s in raw_s],
        "ingest_s": [round(s, 2) for s in ingest_s],
        "embed_inside_ingest_s": [round(s, 2) for s in inside_s],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpora", nargs="*", choices=["seeds", "dbpedia"], default=[])
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    results = []
    for name in args.corpora or ["seeds", "dbpedia"]:
        if name == "seeds":
            docs = load_paths([ROOT / "corpus"], progress=False).documents
        else:
            docs = read_dataset(DBPEDIA)[0]
        results.append(measure(name if name == "seeds" else "dbpedia-5000", docs, args.rounds))
        emit(results[-1], None)
    if args.json:
        emit(results, args.json, show=False)


if __name__ == "__main__":
    main()
