"""Build a new index version from the live one plus changes, then swap it in atomically."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.cache import EmbeddingCache
from index.embedders import Embedder
from index.store import (
    FORMAT_VERSION,
    IndexVersion,
    Manifest,
    current_version_dir,
    fsync_dir,
    live_version,
    read_tombstones,
    record_tombstones,
    write_current,
)
from ingest.chunker import Chunk, SentenceChunker
from ingest.discover import LoadResult, load_paths, suffixed_id
from ingest.loaders import Document, PageSpan
from quarry.errors import ConfigError, DocumentNotFound, IndexWriteError
from quarry.progress import progress_bar


@dataclass
class WriteReport:
    """What one ``IndexWriter.apply`` changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    n_documents: int = 0
    n_chunks: int = 0
    embedded: int = 0
    reused: int = 0
    version: str = ""
    seconds: float = 0.0
    skipped_deleted: list[str] = field(default_factory=list)


def existing_sources(data_dir: Path) -> dict[str, str]:
    """doc_id -> source path of the live version (empty when there is none)."""
    path = current_version_dir(data_dir)
    if path is None:
        return {}
    db = sqlite3.connect(f"file:{path / 'chunks.sqlite'}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT doc_id, source FROM documents").fetchall())
    finally:
        db.close()


class IndexWriter:
    """Applies upserts and deletes to the index in ``data_dir``, one writer at a time."""

    def __init__(
        self,
        data_dir: Path,
        embedder: Embedder,
        chunker: SentenceChunker,
        keep_versions: int = 2,
        progress: bool | None = None,
        batch_size: int = 64,
    ) -> None:
        self.data_dir = data_dir
        self.batch_size = batch_size
        self.loaded_at: float | None = None
        self.embedder = embedder
        self.chunker = chunker
        self.keep_versions = keep_versions
        self.progress = progress
        if chunker.chunk_size > embedder.max_tokens:
            raise ConfigError(
                f"chunk_size {chunker.chunk_size} tokens exceeds the embedder {embedder.name}'s "
                f"limit of {embedder.max_tokens} tokens: its chunks would be truncated. Set "
                f"QUARRY_CHUNK_SIZE to at most {embedder.max_tokens}"
            )

    def load(self, paths: Iterable[Path]) -> LoadResult:
        """Load the files under ``paths`` with doc ids kept stable against the live index
        (a file whose name another source already uses gets a hashed suffix)."""
        self.loaded_at = time.time()
        return load_paths(paths, existing_sources(self.data_dir), progress=self.progress)

    def apply(
        self,
        upserts: Iterable[Document] = (),
        deletes: Iterable[str] = (),
        prune_missing: bool = False,
        loaded_at: float | None = None,
    ) -> WriteReport:
        """Add or replace ``upserts``, remove ``deletes``, optionally drop documents whose source
        file is gone; then publish the result as the new live version.

        Everything is decided under the writer lock: a document id another source already has
        gets a hash suffix, and an upsert of a document deleted after ``loaded_at`` (when its
        file was read; ``load`` sets it) is dropped, so a delete made during a long re-ingest
        is not undone by it.
        """
        if loaded_at is None:
            loaded_at = self.loaded_at
        started = time.perf_counter()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            with open(self.data_dir / ".writer.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                self._remove_stale_staging()
                report = self._apply_locked(list(upserts), set(deletes), prune_missing, loaded_at)
        except (OSError, sqlite3.Error) as exc:  # disk full, read-only or vanished data dir
            reason = getattr(exc, "strerror", None) or str(exc)
            raise IndexWriteError(
                f"cannot write the index in {self.data_dir} ({reason}); the live version is "
                "unchanged"
            ) from exc
        report.seconds = time.perf_counter() - started
        return report

    def _remove_stale_staging(self) -> None:
        # We hold the writer lock, so any staging folder belongs to a writer that died.
        for stale in self.data_dir.glob("staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in self.data_dir.glob(".CURRENT.*.tmp"):
            stale.unlink(missing_ok=True)

    def _load_live(self) -> tuple[dict[str, Document], dict[str, list[Chunk]], Manifest | None]:
        path = current_version_dir(self.data_dir)
        if path is None:
            return {}, {}, None
        live = IndexVersion(path)
        try:
            live.check_embedder(self.embedder.name, self.embedder.dim)
            docs: dict[str, Document] = {}
            for info in live.documents():
                stored = live.document(info.doc_id)
                docs[info.doc_id] = Document(
                    stored.doc_id,
                    stored.title,
                    stored.source,
                    stored.text,
                    stored.content_hash,
                    tuple(PageSpan(*p) for p in stored.pages),
                )
            chunks: dict[str, list[Chunk]] = {}
            for chunk in live.chunks:
                chunks.setdefault(chunk.doc_id, []).append(chunk)
            return docs, chunks, live.manifest
        finally:
            live.close()

    def _apply_locked(
        self,
        upserts: list[Document],
        deletes: set[str],
        prune_missing: bool,
        loaded_at: float | None,
    ) -> WriteReport:
        report = WriteReport()
        damaged = live_version(self.data_dir).problem is not None
        docs, chunks, manifest = self._load_live()
        tombstones = read_tombstones(self.data_dir)
        same_chunking = manifest is not None and (
            manifest.chunk_size == self.chunker.chunk_size
            and manifest.chunk_overlap == self.chunker.chunk_overlap
        )
        if not same_chunking:
            chunks = {}
        for doc_id in deletes:
            if doc_id not in docs:
                raise DocumentNotFound(doc_id)
        if prune_missing:
            deletes |= {d.doc_id for d in docs.values() if not Path(d.source).exists()}
        for doc_id in sorted(deletes):
            docs.pop(doc_id, None)
            chunks.pop(doc_id, None)
            report.removed.append(doc_id)
        for doc in upserts:
            deleted_at = tombstones.get(doc.doc_id)
            if deleted_at is not None and loaded_at is not None and deleted_at >= loaded_at:
                # deleted while this write was loading its files: the delete stands
                report.skipped_deleted.append(doc.doc_id)
                continue
            owner = docs.get(doc.doc_id)
            if owner is not None and owner.source != doc.source:
                # another file already has this id (same name, other folder): never replace it
                doc = replace(doc, doc_id=suffixed_id(doc.doc_id, doc.source))
            old = docs.get(doc.doc_id)
            if old is not None and old.content_hash == doc.content_hash and doc.doc_id in chunks:
                report.unchanged.append(doc.doc_id)
                continue
            (report.updated if old is not None else report.added).append(doc.doc_id)
            docs[doc.doc_id] = doc
            chunks.pop(doc.doc_id, None)
        for doc_id in sorted(docs):
            if doc_id not in chunks:
                chunks[doc_id] = self._chunk_checked(docs[doc_id])
        ordered = [c for doc_id in sorted(docs) for c in chunks[doc_id]]
        vectors = self._vectors(ordered, report)
        report.version = self._publish(docs, ordered, vectors)
        if report.removed:
            record_tombstones(self.data_dir, set(report.removed))
        report.n_documents = len(docs)
        report.n_chunks = len(ordered)
        self._collect_garbage(damaged)
        return report

    def _chunk_checked(self, doc: Document) -> list[Chunk]:
        chunks = self.chunker.chunk(doc)
        for chunk in chunks:
            n = self.embedder.count_tokens(chunk.text)
            if n > self.embedder.max_tokens:
                raise ConfigError(
                    f"chunk {chunk.chunk_id} is {chunk.token_count} cl100k tokens (chunk_size "
                    f"{self.chunker.chunk_size}) but {n} tokens for the embedder "
                    f"{self.embedder.name}, whose limit is {self.embedder.max_tokens}: it would be "
                    "truncated. Lower QUARRY_CHUNK_SIZE"
                )
        return chunks

    def _vectors(self, chunks: list[Chunk], report: WriteReport) -> np.ndarray:
        cache = EmbeddingCache(
            self.data_dir / "embeddings.sqlite", self.embedder.name, self.embedder.dim
        )
        try:
            hashes = [c.text_hash for c in chunks]
            found = cache.get_many(hashes)
            missing: dict[str, str] = {}
            for chunk, h in zip(chunks, hashes, strict=True):
                if h not in found:
                    missing.setdefault(h, chunk.text)
            report.reused = len(chunks) - sum(1 for h in hashes if h not in found)
            # Similar lengths in one batch: padding to a batch's longest text is wasted work
            # (sentence-transformers sorts within a call; our batches cut across documents).
            todo = sorted(missing.items(), key=lambda item: len(item[1]))
            batch = self.batch_size
            with progress_bar(
                total=len(todo), enabled=self.progress, desc="embedding", unit="chunk"
            ) as bar:
                for i in range(0, len(todo), batch):
                    part = todo[i : i + batch]
                    vecs = self.embedder.embed([t for _, t in part])
                    cache.put_many([h for h, _ in part], vecs)
                    found.update({h: v for (h, _), v in zip(part, vecs, strict=True)})
                    bar.update(len(part))
            report.embedded = len(todo)
            if not chunks:
                return np.zeros((0, self.embedder.dim), dtype=np.float32)
            return np.stack([found[h] for h in hashes]).astype(np.float32)
        finally:
            cache.close()

    def _publish(self, docs: dict[str, Document], chunks: list[Chunk], vectors: np.ndarray) -> str:
        import faiss

        name = f"v{time.time_ns() // 1_000_000:014d}-{os.getpid()}"
        staging = self.data_dir / f"staging-{name}"
        staging.mkdir(parents=True)
        db = sqlite3.connect(str(staging / "chunks.sqlite"))
        with db:
            db.execute(
                "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, title TEXT, source TEXT, "
                "text TEXT, content_hash TEXT, n_chunks INTEGER, pages TEXT)"
            )
            db.execute(
                "CREATE TABLE chunks (pos INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE, doc_id TEXT, "
                "char_start INTEGER, char_end INTEGER, token_count INTEGER, page INTEGER)"
            )
            counts: dict[str, int] = {}
            for c in chunks:
                counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
            db.executemany(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        d.doc_id,
                        d.title,
                        d.source,
                        d.text,
                        d.content_hash,
                        counts.get(d.doc_id, 0),
                        json.dumps([[p.page, p.char_start, p.char_end] for p in d.pages]),
                    )
                    for d in docs.values()
                ],
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (i, c.chunk_id, c.doc_id, c.char_start, c.char_end, c.token_count, c.page)
                    for i, c in enumerate(chunks)
                ],
            )
        db.close()
        index = faiss.IndexFlatIP(self.embedder.dim)
        if len(vectors):
            index.add(vectors)
        faiss.write_index(index, str(staging / "dense.faiss"))
        manifest = {
            "embedder": self.embedder.name,
            "dim": self.embedder.dim,
            "chunk_size": self.chunker.chunk_size,
            "chunk_overlap": self.chunker.chunk_overlap,
            "format_version": FORMAT_VERSION,
            "n_documents": len(docs),
            "n_chunks": len(chunks),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        for f in staging.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        fsync_dir(staging)
        versions = self.data_dir / "versions"
        versions.mkdir(exist_ok=True)
        os.replace(staging, versions / name)
        fsync_dir(versions)
        write_current(self.data_dir, name)
        return name

    def _collect_garbage(self, damaged: bool) -> None:
        if damaged:
            return  # CURRENT was broken when this write began: keep everything until repaired
        live = current_version_dir(self.data_dir)
        versions = sorted((self.data_dir / "versions").iterdir(), key=lambda p: p.name)
        for old in versions[: -self.keep_versions]:
            if old != live:
                shutil.rmtree(old, ignore_errors=True)
