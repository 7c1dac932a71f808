"""Score the retriever on a BEIR-format dataset (corpus.jsonl, queries.jsonl, qrels/test.tsv).

Documents are ranked by their best chunk. Reported: the embedding leaderboard's nDCG@10 variant
(ideal DCG over the same ten retrieved scores, sorted), its recall@10 (score-0 judgments count),
and standard BEIR nDCG@10 (ideal DCG over all judged documents).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from index.retriever import Retriever
from ingest.loaders import Document, content_hash


def read_dataset(root: Path) -> tuple[list[Document], dict[str, str], dict[str, dict[str, int]]]:
    docs = []
    for line in (root / "corpus.jsonl").read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        row = json.loads(line)
        text = f"{row.get('title', '')}\n\n{row['text']}".strip()
        docs.append(
            Document(
                row["_id"],
                row.get("title") or row["_id"],
                str(root),
                text,
                content_hash(text.encode()),
            )
        )
    queries = {}
    for line in (root / "queries.jsonl").read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        row = json.loads(line)
        queries[row["_id"]] = row["text"]
    qrels: dict[str, dict[str, int]] = {}
    with open(root / "qrels" / "test.tsv") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) < 3 or not row[2].lstrip("-").isdigit():
                continue  # header line
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    return docs, queries, qrels


def leaderboard_ndcg(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    gains = [rels.get(d, 0) for d in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(gains, reverse=True)))
    return dcg / ideal if ideal > 0 else 0.0


def beir_ndcg(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal_gains = sorted((g for g in rels.values() if g > 0), reverse=True)[:k]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(ideal_gains))
    return dcg / ideal if ideal > 0 else 0.0


def leaderboard_recall(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    return len(set(ranked[:k]) & set(rels)) / len(rels) if rels else 0.0


def rank_documents(retriever: Retriever, query: str, k: int = 10) -> list[str]:
    """Documents ordered by their best chunk's score."""
    ranked: list[str] = []
    scored = retriever.scored(query, 200)
    chunks = retriever.version.chunks([row for row, *_ in scored])
    for row, *_ in scored:
        doc_id = chunks[row].chunk.doc_id
        if doc_id not in ranked:
            ranked.append(doc_id)
            if len(ranked) == k:
                break
    return ranked


def score_version(
    retriever_for: Any,
    queries: dict[str, str],
    qrels: dict[str, dict[str, int]],
    modes: tuple[str, ...],
    alpha: float,
) -> dict[str, Any]:
    """Leaderboard nDCG@10, BEIR nDCG@10 and recall@10 for each of ``modes`` ("dense",
    "lexical", "hybrid" or "hybrid@ALPHA"); ``retriever_for(mode, alpha)`` gives the retriever."""
    results: dict[str, Any] = {}
    for spec in modes:
        mode, _, given = spec.partition("@")  # "hybrid@0.8" sets alpha for that run
        retriever = retriever_for(mode, float(given) if given else alpha)
        lb, std, rec = [], [], []
        for qid, rels in qrels.items():
            ranked = rank_documents(retriever, queries[qid])
            lb.append(leaderboard_ndcg(ranked, rels))
            std.append(beir_ndcg(ranked, rels))
            rec.append(leaderboard_recall(ranked, rels))
        results[spec] = {
            "ndcg@10_leaderboard": round(sum(lb) / len(lb), 4),
            "ndcg@10_beir": round(sum(std) / len(std), 4),
            "recall@10": round(sum(rec) / len(rec), 4),
        }
    return results
