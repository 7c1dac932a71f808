"""Embedding throughput of each packaged embedder on the seed chunks, and ONNX MiniLM's
closeness to the torch model.

    python -m bench.embedders [--json OUT]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bench import ROOT, emit

os.environ.setdefault("HF_HUB_OFFLINE", "1")
NAMES = ("all-MiniLM-L6-v2", "minilm-onnx", "bge-small")


def main() -> int:
    from index.embedders import load_embedder
    from ingest.chunker import SentenceChunker
    from ingest.discover import load_paths

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    docs = load_paths([ROOT / "corpus"], progress=False).documents
    texts = [c.text for d in docs for c in SentenceChunker(160, 32).chunk(d)]
    rates, vectors = {}, {}
    for name in NAMES:
        embedder = load_embedder(name)
        embedder.embed(texts[:4])  # warm-up
        t0 = time.perf_counter()
        vectors[name] = embedder.embed(texts)
        rates[name] = round(len(texts) / (time.perf_counter() - t0), 1)
    cosines = (vectors["minilm-onnx"] * vectors["all-MiniLM-L6-v2"]).sum(axis=1)
    result = {
        "chunks": len(texts),
        "chunks_per_s": rates,
        "minilm_onnx_vs_torch": round(rates["minilm-onnx"] / rates["all-MiniLM-L6-v2"], 2),
        "cosine_onnx_vs_torch": {
            "min": round(float(cosines.min()), 4),
            "mean": round(float(cosines.mean()), 4),
        },
    }
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
