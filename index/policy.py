"""Every tuned number of retrieval, in one frozen object (a light module: settings read its
defaults without loading FAISS or a model)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetrievalPolicy:
    """Every tuned number of retrieval, in one place (``quarry.settings`` takes its defaults
    from here)."""

    alpha: float = 0.6
    """Weight of dense cosine against normalized BM25 in hybrid fusion (seed gold and BEIR
    dbpedia sample, ``quarry bench retrieval --mode hybrid@ALPHA``)."""
    candidates: int = 100
    """Rows each of dense and lexical search return before fusion, at the least (seed gold)."""
    depth_factor: int = 4
    """...or this many times the passages asked for, so diversification has enough to skip
    overlapping chunks and near-duplicates (seed gold)."""
    near_duplicate: float = 0.8
    """Jaccard similarity of term sets above which two chunks are "the same text", shown once
    with the other as ``also_in`` (the seed corpus's syndicated copies)."""


RETRIEVAL = RetrievalPolicy()
