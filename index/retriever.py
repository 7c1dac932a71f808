"""Retrieval over one index version: dense (FAISS), lexical (BM25) or a fusion of both."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from index.embedders import Embedder
from index.policy import RETRIEVAL, RetrievalPolicy
from index.store import IndexVersion, StoredChunk
from ingest.chunker import Chunk
from ingest.slots import differ_in_value
from ingest.text import term_set, tokenize

Mode = Literal["dense", "lexical", "hybrid"]


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk. ``score`` orders hits; the parts say where it came from.

    ``duplicates`` are near-identical chunks of other documents (the same text published twice),
    grouped under this hit instead of repeated as hits of their own. Chunks that differ in a
    value (a name, date, number or place) are never grouped: that is a disagreement to show.
    """

    chunk: Chunk
    title: str
    source: str
    score: float
    dense_score: float
    lexical_score: float
    duplicates: tuple[Chunk, ...] = ()
    found_by: tuple[str, ...] = ()  # which candidate lists held it: "dense", "lexical"


class Retriever:
    """``search(query, k)`` returns the ``k`` best chunks, at most one per overlapping span.

    Hybrid fusion: ``alpha * cosine + (1 - alpha) * bm25 / max_bm25`` over the union of both
    candidate lists, each candidate scored by both methods.
    """

    def __init__(
        self,
        version: IndexVersion,
        embedder: Embedder,
        mode: Mode = "hybrid",
        alpha: float = RETRIEVAL.alpha,
        policy: RetrievalPolicy = RETRIEVAL,
    ) -> None:
        self.version = version
        self.embedder = embedder
        self.mode = mode
        self.alpha = alpha
        self.policy = policy

    def scored(
        self, query: str, n: int, query_vector: np.ndarray | None = None
    ) -> list[tuple[int, float, float, float]]:
        """Candidate rows as (row, fused, dense, lexical), best first, before diversification."""
        return self._scored(query, n, query_vector)[0]

    def _scored(
        self, query: str, n: int, query_vector: np.ndarray | None
    ) -> tuple[
        list[tuple[int, float, float, float]], dict[int, StoredChunk], dict[int, tuple[str, ...]]
    ]:
        """The scored candidates, their chunks, and for each row which retrievers found it."""
        version = self.version
        if not version.n_chunks:
            return [], {}, {}
        terms = tokenize(query)
        dense: dict[int, float] = {}
        lexical_rows: list[int] = []
        if self.mode in ("dense", "hybrid"):
            if query_vector is None:
                query_vector = self.embedder.embed_queries([query])[0]
            dense = dict(version.dense_search(query_vector, n))
        if self.mode in ("lexical", "hybrid"):
            lexical_rows = version.lexical_search(terms, n)
        rows = sorted(set(dense) | set(lexical_rows))
        lexical_found = set(lexical_rows)
        found_by = {
            r: tuple(
                name
                for name, held in (("dense", r in dense), ("lexical", r in lexical_found))
                if held
            )
            for r in rows
        }
        stored = version.chunks(rows)
        if self.mode == "dense":
            out = [(r, s, s, 0.0) for r, s in dense.items()]
        else:
            lex = version.bm25(terms, [stored[r] for r in rows])
            if self.mode == "lexical":
                out = [
                    (r, float(x), 0.0, float(x)) for r, x in zip(rows, lex, strict=True) if x > 0
                ]
            else:
                assert query_vector is not None
                missing = [r for r in rows if r not in dense]
                if missing:  # lexical-only candidates: read just their vectors
                    cosines = (version.vectors(missing) @ query_vector).tolist()
                    dense.update(zip(missing, cosines, strict=True))
                max_lex = float(lex.max()) if len(lex) and lex.max() > 0 else 1.0
                out = [
                    (
                        r,
                        self.alpha * dense[r] + (1 - self.alpha) * float(x) / max_lex,
                        dense[r],
                        float(x),
                    )
                    for r, x in zip(rows, lex, strict=True)
                ]
        out.sort(key=lambda t: (-t[1], t[0]))
        return out, stored, found_by

    def search(self, query: str, k: int, query_vector: np.ndarray | None = None) -> list[Hit]:
        """The ``k`` best chunks for ``query``; a chunk overlapping a better one of the same
        document is skipped so that one document's neighbouring chunks don't crowd out others."""
        scored, stored, found_by = self._scored(
            query, max(self.policy.candidates, k * self.policy.depth_factor), query_vector
        )
        hits: list[Hit] = []
        terms: list[frozenset[str]] = []
        taken: dict[str, list[tuple[int, int]]] = {}
        for row, fused, d, lex in scored:
            found = stored[row]
            chunk = found.chunk
            spans = taken.setdefault(chunk.doc_id, [])
            if any(chunk.char_start < e and s < chunk.char_end for s, e in spans):
                continue
            spans.append((chunk.char_start, chunk.char_end))
            words = term_set(chunk.text)
            twin = next(
                (
                    i
                    for i, t in enumerate(terms)
                    if jaccard(words, t) >= self.policy.near_duplicate
                    and hits[i].chunk.doc_id != chunk.doc_id
                    # the same story with another name, date or figure is a disagreement
                    and not differ_in_value(hits[i].chunk.text, chunk.text)
                ),
                None,
            )
            if twin is not None:
                hits[twin] = replace(hits[twin], duplicates=(*hits[twin].duplicates, chunk))
                continue
            hits.append(Hit(chunk, found.title, found.source, fused, d, lex, (), found_by[row]))
            terms.append(words)
            if len(hits) == k:
                break
        return hits


def jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """|a & b| / |a | b| of two term sets (0 when either is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0
