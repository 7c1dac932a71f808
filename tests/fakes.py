"""A deterministic hashing embedder for fast unit tests (never for testing features end to end)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from ingest.text import tokenize


class HashingEmbedder:
    """Bag of hashed terms, L2-normalized: texts sharing words get similar vectors."""

    def __init__(self, dim: int = 64, max_tokens: int = 512, name: str = "hashing-test") -> None:
        self.dim = dim
        self.max_tokens = max_tokens
        self.name = name
        self.calls = 0
        self.embedded_texts: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for term in tokenize(text) or ["<empty>"]:
            h = int.from_bytes(hashlib.md5(term.encode()).digest()[:4], "little")
            v[h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.embedded_texts.extend(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 2 for text in texts]
