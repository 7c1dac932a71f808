"""Plain ingest against ``--ray local:N`` on the same machine, same files, same embedder.

Usage: python -m bench.ray_ingest [seeds|dbpedia] [--ray local:2] [--json OUT]

Each run starts from an empty data directory (no embedding cache) and is timed end to end as a
user would see it: loading the model (the Ray run: starting the cluster and one model per
actor), loading and chunking the files, embedding, writing and publishing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench import DBPEDIA, ROOT, emit
from quarry.ingestor import Ingestor
from quarry.settings import Settings


def corpus_folder(name: str, tmp: Path) -> Path:
    if name == "seeds":
        return ROOT / "corpus"
    from eval.beir import read_dataset

    docs, _, _ = read_dataset(DBPEDIA)
    folder = tmp / "dbpedia-files"
    folder.mkdir()
    for i, doc in enumerate(docs):  # BEIR ids hold characters a file name cannot
        (folder / f"doc{i:05d}.txt").write_text(f"{doc.title}\n\n{doc.text}\n")
    return folder


def timed(folder: Path, data: Path, ray: str | None) -> dict[str, float]:
    t0 = time.perf_counter()
    result = Ingestor(Settings(data_dir=data), progress=False).ingest([folder], ray=ray)
    seconds = time.perf_counter() - t0
    return {
        "seconds": round(seconds, 1),
        "chunks": result.report.n_chunks,
        "chunks_per_s": round(result.report.n_chunks / seconds, 1),
        "failures": len(result.loaded.failures),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", default="dbpedia", choices=("seeds", "dbpedia"))
    parser.add_argument("--ray", default="local:2")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = corpus_folder(args.corpus, Path(tmp))
        plain = timed(folder, Path(tmp) / "plain", None)
        on_ray = timed(folder, Path(tmp) / "ray", args.ray)
    result = {
        "corpus": args.corpus,
        "ray": args.ray,
        "plain": plain,
        "on_ray": on_ray,
        "ratio": round(on_ray["chunks_per_s"] / plain["chunks_per_s"], 3),
    }
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
