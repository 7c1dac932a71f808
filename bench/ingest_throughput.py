"""Ingest throughput versus raw ``model.encode`` throughput on the same chunk texts.

Usage: python -m bench.ingest_throughput [seeds|dbpedia] ...
The floor (issue 2): ingest >= 0.8x raw encode throughput, in chunks per second.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from eval.beir import read_dataset
from index.embedders import load_embedder
from ingest.chunker import SentenceChunker
from ingest.discover import load_paths
from ingest.loaders import Document
from quarry.ingestor import Ingestor
from quarry.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DBPEDIA = ROOT.parent / "shared" / "bench-data" / "dbpedia"


def measure(name: str, docs: list[Document]) -> dict[str, float]:
    settings = Settings()
    embedder = load_embedder(settings.embedder)
    chunker = SentenceChunker(settings.chunk_size, settings.chunk_overlap)
    texts = [c.text for d in docs for c in chunker.chunk(d)]
    embedder.embed(texts[:64])  # warm-up
    t0 = time.perf_counter()
    embedder.embed(texts)
    raw = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        ingestor = Ingestor(settings.model_copy(update={"data_dir": Path(tmp)}), embedder)
        ingestor.progress = False
        t0 = time.perf_counter()
        report = ingestor.write(docs)
        ingest = time.perf_counter() - t0
    result = {
        "corpus": name,
        "documents": len(docs),
        "chunks": len(texts),
        "raw_encode_chunks_per_s": round(len(texts) / raw, 1),
        "ingest_chunks_per_s": round(report.n_chunks / ingest, 1),
        "ratio": round((report.n_chunks / ingest) / (len(texts) / raw), 3),
        "raw_s": round(raw, 2),
        "ingest_s": round(ingest, 2),
    }
    print(json.dumps(result))
    return result


def main() -> None:
    which = sys.argv[1:] or ["seeds", "dbpedia"]
    for name in which:
        if name == "seeds":
            measure("seeds", load_paths([ROOT / "corpus"], progress=False).documents)
        elif name == "dbpedia":
            measure("dbpedia-5000", read_dataset(DBPEDIA)[0])


if __name__ == "__main__":
    main()
