"""Two ways to lift dense retrieval that Quarry measured and did not ship: an ensemble of the two
packaged embedders, and pseudo-relevance feedback (PRF).

Usage: python -m bench.dense_variants ../shared/bench-data/dbpedia [--work DIR]

Both embedders index the same chunks (``--work`` keeps the indexes, so a second run only scores).
Reported, with the embedding leaderboard's nDCG@10 variant (see ``eval.beir``):
- each embedder alone;
- ensemble: ``w * cos_minilm + (1 - w) * cos_e5``, raw and with per-query z-normalised scores;
- PRF: the query vector plus ``beta`` times the mean of its top ``m`` chunk vectors.
Documents are ranked by their best chunk, as ``quarry bench retrieval`` does.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from eval.beir import leaderboard_ndcg, read_dataset
from index.embedders import load_embedder
from index.layout import current_version_dir
from index.store import IndexVersion, open_current
from quarry.ingestor import Ingestor
from quarry.settings import Settings

MODELS = ("all-MiniLM-L6-v2", "e5-small")


def chunk_scores(
    root: Path, work: Path, model: str, queries: list[str]
) -> tuple[np.ndarray, np.ndarray, IndexVersion]:
    """Cosine of every query with every chunk (and the chunk vectors and index), building the
    model's index if it is missing."""
    settings = Settings()
    embedder = load_embedder(model)
    target = work / f"{root.name}-{model}"
    if current_version_dir(target) is None:
        docs, _, _ = read_dataset(root)
        Ingestor(settings.model_copy(update={"data_dir": target}), embedder).write(docs)
    version = open_current(target)
    vectors = version.vectors(version.live_rows())
    return embedder.embed_queries(queries) @ vectors.T, vectors, version


def score(scores: np.ndarray, docs_of: np.ndarray, qrels: list[dict[str, int]]) -> float:
    out = []
    for row, rels in zip(scores, qrels, strict=True):
        ranked: list[str] = []
        for i in np.argsort(-row):
            if docs_of[i] not in ranked:
                ranked.append(docs_of[i])
                if len(ranked) == 10:
                    break
        out.append(leaderboard_ndcg(ranked, rels))
    return round(float(np.mean(out)), 4)


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path, help="BEIR-format folder")
    parser.add_argument("--work", type=Path, default=Path("bench-work"), help="index folder")
    args = parser.parse_args()
    _, queries, qrels = read_dataset(args.dataset)
    qids = list(qrels)
    texts = [queries[q] for q in qids]
    rels = [qrels[q] for q in qids]
    runs = {m: chunk_scores(args.dataset, args.work, m, texts) for m in MODELS}
    chunks = [v.chunks(v.live_rows()) for _, _, v in runs.values()]
    chunk_ids = [[c.chunk.chunk_id for c in found.values()] for found in chunks]
    if chunk_ids[0] != chunk_ids[1]:
        raise SystemExit("the two indexes hold different chunks; delete --work and rerun")
    docs_of = np.array([c.chunk.doc_id for c in chunks[0].values()])
    a, b = runs[MODELS[0]][0], runs[MODELS[1]][0]
    results: dict[str, float] = {m: score(s, docs_of, rels) for m, (s, _, _) in runs.items()}
    for w in (0.3, 0.4, 0.5, 0.6, 0.7):
        results[f"ensemble w={w} raw"] = score(w * a + (1 - w) * b, docs_of, rels)
        results[f"ensemble w={w} z"] = score(w * _z(a) + (1 - w) * _z(b), docs_of, rels)
    for model, (s, vectors, _) in runs.items():
        for m in (3, 5, 10):
            centroid = vectors[np.argsort(-s, axis=1)[:, :m]].mean(axis=1)
            for beta in (0.3, 0.5, 1.0):
                prf = s + beta * (centroid @ vectors.T)  # (q + beta * c) . v
                results[f"{model} prf m={m} beta={beta}"] = score(prf, docs_of, rels)
    print(json.dumps({"dataset": args.dataset.name, "queries": len(qids), **results}, indent=1))


if __name__ == "__main__":
    main()
