"""Dense search inside one segment: exact while small, an ANN index (a FAISS factory string) above
a size threshold, with exact re-scoring of the ANN's candidates from the memory-mapped vectors.

Every score returned is an exact cosine (inner product of normalized vectors), whichever index
found the row, so fusing segments, or a flat segment with an ANN one, compares like with like.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import faiss
import numpy as np

# FAISS switches from its own loop to BLAS at this many queries per call. The default (20) made a
# batch of 8 queries no faster than 8 single ones; 4 is where BLAS wins on our 384-d vectors.
faiss.cvar.distance_compute_blas_threshold = 4

FLAT = "flat"


@dataclass(frozen=True)
class DenseConfig:
    """How segments are indexed: ``factory`` above ``ann_threshold`` rows, exact below.

    ``factory`` may hold ``{nlist}``, filled with about 4 * sqrt(rows) inverted lists.
    ``search_params`` is a FAISS ParameterSpace string (for example ``nprobe=64`` or
    ``efSearch=128``); ``ef_construction`` is an HNSW graph's build effort; ``rescore`` is how
    many ANN candidates per wanted hit are re-scored exactly.

    The defaults are measured on 1M generated chunks (``bench.scale``): HNSW64,SQ8 built with
    efConstruction 40 reached recall@10 0.90 at efSearch 1024 and 0.95 at 2048 (10.6 ms); built
    with 100, 0.936 / 0.962 / 0.972 at efSearch 512 / 768 / 1024 (3.8 / ~5.5 / 7.4 ms), for 2.5x
    the build time.
    """

    ann_threshold: int = 50_000
    factory: str = "HNSW64,SQ8"
    search_params: str = "efSearch=768"
    ef_construction: int = 100
    rescore: int = 2


def build(vectors: np.ndarray, config: DenseConfig) -> tuple[faiss.Index, str]:
    """A FAISS index over ``vectors`` and its kind (``flat`` or the factory string used)."""
    n, dim = vectors.shape if vectors.ndim == 2 else (0, 0)
    if n < config.ann_threshold:
        flat = faiss.IndexFlatIP(dim or 1)
        if n:
            flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return flat, FLAT
    nlist = max(16, int(4 * np.sqrt(n)))
    factory = config.factory.format(nlist=nlist)
    index = faiss.index_factory(dim, factory, faiss.METRIC_INNER_PRODUCT)
    hnsw = getattr(faiss.downcast_index(index), "hnsw", None)
    if hnsw is not None:
        hnsw.efConstruction = config.ef_construction
    if not index.is_trained:
        # a fixed-stride sample keeps training deterministic and bounded (FAISS wants ~40 per list)
        step = max(1, n // max(256 * 40, 40 * nlist))
        index.train(np.ascontiguousarray(vectors[::step], dtype=np.float32))
    for i in range(0, n, 100_000):
        index.add(np.ascontiguousarray(vectors[i : i + 100_000], dtype=np.float32))
    return index, factory


class DenseSegment:
    """Search over one segment's index; rows in ``deleted`` are never returned.

    ``read_vectors(rows)`` returns stored vectors: only the candidates' are read, to re-score them.
    """

    def __init__(
        self,
        index: faiss.Index,
        read_vectors: Callable[[list[int]], np.ndarray],
        kind: str,
        config: DenseConfig,
    ) -> None:
        self.index = index
        self.read_vectors = read_vectors
        self.kind = kind
        self.config = config
        if kind != FLAT and config.search_params:
            faiss.ParameterSpace().set_index_parameters(index, config.search_params)  # type: ignore[arg-type]

    def search(
        self, queries: np.ndarray, k: int, deleted: frozenset[int] = frozenset()
    ) -> list[list[tuple[int, float]]]:
        """Per query, up to ``k`` (row, exact cosine) pairs, best first."""
        n = int(self.index.ntotal)
        if not n or k <= 0:
            return [[] for _ in range(len(queries))]
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(len(queries), -1)
        want = k + len(deleted)
        if self.kind != FLAT:
            want *= self.config.rescore
        _, ids = self.index.search(queries, min(want, n))  # type: ignore[attr-defined]
        out: list[list[tuple[int, float]]] = []
        for q, row_ids in zip(queries, ids, strict=True):
            rows = sorted(int(r) for r in row_ids if r >= 0 and int(r) not in deleted)
            if not rows:
                out.append([])
                continue
            exact = self.read_vectors(rows) @ q  # only the candidates' vectors are read
            order = np.argsort(-exact, kind="stable")[:k]
            out.append([(rows[i], float(exact[i])) for i in order])
        return out
