"""The write service beside ``Engine``: load -> chunk -> embed -> write, configured from Settings.

Every caller that changes an index (the CLI, the admin API, external evaluation, BEIR scoring,
benchmarks, tests) goes through this one class, so batching, chunking, the dense index choice and
the writer's rules are decided in one place.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from base.errors import ConfigError, NoIndexError
from base.faults import fault_point
from index.dense import DenseConfig
from index.embedders import Embedder, EmbedderSlot, RecordedEmbedder
from index.layout import Manifest, current_version_dir
from index.writer import EmbedRunner, IndexWriter, SegmentRunner, WriteReport
from ingest.chunker import Chunker, SentenceChunker
from ingest.discover import LoadResult, load_paths
from ingest.loaders import Document
from quarry.settings import Settings


def dense_from(settings: Settings) -> DenseConfig:
    """How segments are indexed and searched, from Settings."""
    return DenseConfig(
        ann_threshold=settings.ann_threshold,
        factory=settings.ann_factory,
        search_params=settings.ann_search,
        ef_construction=settings.ann_ef_construction,
    )


_RECORDED = (
    ("chunk_size", "--chunk-size / QUARRY_CHUNK_SIZE"),
    ("chunk_overlap", "--chunk-overlap / QUARRY_CHUNK_OVERLAP"),
    ("embedder", "--embedder / QUARRY_EMBEDDER"),
)


def built_with(settings: Settings) -> Settings:
    """``settings`` with the chunking and embedder the live index was built with: an index
    remembers how it was made (its manifest), and every later ingest or upload uses that.

    Raises:
        ConfigError: a flag or ``QUARRY_*`` variable asks for other values than the index was
            built with; the message says how to rebuild.
    """
    path = current_version_dir(Path(settings.data_dir))
    if path is None:
        return settings
    manifest = Manifest.of(path)
    updates: dict[str, object] = {}
    for name, flag in _RECORDED:
        recorded, asked = getattr(manifest, name), getattr(settings, name)
        if asked == recorded:
            continue
        if name in settings.model_fields_set:
            if name == "embedder":  # names have aliases: the writer compares the loaded model
                continue
            raise ConfigError(
                f"the index in {settings.data_dir} was built with {name} {recorded!r}, not "
                f"{asked!r} ({flag}); to rebuild it that way, ingest into a new data directory "
                f"(--data-dir / QUARRY_DATA_DIR) or remove {settings.data_dir} first"
            )
        updates[name] = recorded
    return settings.model_copy(update=updates) if updates else settings


@dataclass
class IngestResult:
    loaded: LoadResult
    report: WriteReport


class Ingestor:
    """Changes the index in ``settings.data_dir``; the embedder is loaded on first need."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        chunker: Chunker | None = None,
        progress: bool | None = None,
    ) -> None:
        settings = built_with(settings) if chunker is None else settings
        self.settings = settings
        self._embedders = EmbedderSlot(
            settings.embedder, settings.threads, embedder, settings.device
        )
        self.chunker = chunker or SentenceChunker(settings.chunk_size, settings.chunk_overlap)
        self.progress = progress

    @property
    def data_dir(self) -> Path:
        return Path(self.settings.data_dir)

    @property
    def embedder(self) -> Embedder:
        return self._embedders.get()

    def writer(
        self,
        embedder: Embedder | None = None,
        chunker: Chunker | None = None,
        embed_runner: EmbedRunner | None = None,
        segment_runner: SegmentRunner | None = None,
    ) -> IndexWriter:
        s = self.settings
        return IndexWriter(
            self.data_dir,
            embedder or self.embedder,
            chunker or self.chunker,
            s.keep_versions,
            progress=self.progress,
            batch_size=s.embed_batch_size,
            dense=dense_from(s),
            max_segments=s.max_segments,
            embed_runner=embed_runner,
            segment_runner=segment_runner,
            segment_chunks=s.ray_segment_chunks if segment_runner is not None else None,
        )

    def ingest(
        self, paths: Iterable[Path], prune: bool = False, ray: str | None = None
    ) -> IngestResult:
        """Load the files under ``paths`` (bad ones are reported in ``loaded.failures`` and
        skipped) and write them. With ``ray`` (``local:N``, ``auto`` or an address), loading,
        chunking, embedding and building the segments run on that Ray cluster (see
        ``quarry.distributed``); this process decides and publishes the version."""
        if ray is not None:
            return self._ingest_on_ray(list(paths), prune, ray)
        writer = self.writer()
        loaded_at = time.time()
        loaded = self.load(paths)
        fault_point("ingest.loaded")
        report = writer.apply(loaded.documents, prune_missing=prune, loaded_at=loaded_at)
        return IngestResult(loaded, report)

    def load(self, paths: Iterable[Path]) -> LoadResult:
        """Read the files under ``paths`` (in the sandbox), with doc ids kept stable against the
        live index (a file whose name another source already uses gets its folder's name first)."""
        from index.writer import existing_sources

        return load_paths(paths, existing_sources(self.data_dir), progress=self.progress)

    def _ingest_on_ray(self, paths: list[Path], prune: bool, address: str) -> IngestResult:
        from index.writer import existing_sources
        from quarry.distributed import (
            load_on_ray,
            parse_address,
            ray_cluster,
            ray_embed_runner,
            ray_segment_runner,
        )

        parse_address(address)  # a malformed address fails before anything starts
        chunker = self.chunker
        if not isinstance(chunker, SentenceChunker):
            raise ConfigError("--ray needs the standard sentence chunker")
        if self.settings.device != "cpu":
            raise ConfigError(
                "--ray embeds on CPU actors: QUARRY_DEVICE=cuda is for a plain ingest"
            )
        with ray_cluster(address) as cpus:
            runner = ray_embed_runner(self.settings.embedder, cpus)
            writer = self.writer(embed_runner=runner, segment_runner=ray_segment_runner())
            loaded_at = time.time()
            loaded = load_on_ray(
                paths, existing_sources(self.data_dir), chunker, cpus, self.progress
            )
            report = writer.apply(
                loaded.result.documents,
                prune_missing=prune,
                loaded_at=loaded_at,
                chunked=loaded.chunks,
            )
        return IngestResult(loaded.result, report)

    def write(
        self, upserts: Iterable[Document] = (), deletes: Iterable[str] = (), prune: bool = False
    ) -> WriteReport:
        """Upsert already-loaded documents and delete ids."""
        return self.writer().apply(upserts, deletes, prune_missing=prune)

    def _recorded(self) -> IndexWriter:
        """A writer that needs no model: deletes and merges reuse stored vectors."""
        path = current_version_dir(self.data_dir)
        if path is None:
            raise NoIndexError(str(self.data_dir))
        m = Manifest.of(path)
        return self.writer(
            RecordedEmbedder(m.embedder, m.dim), SentenceChunker(m.chunk_size, m.chunk_overlap)
        )

    def delete(self, doc_ids: Iterable[str]) -> WriteReport:
        return self._recorded().apply(deletes=doc_ids)

    def compact(self) -> WriteReport:
        """Merge every segment into one and purge deleted rows."""
        return self._recorded().compact()
