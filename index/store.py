"""On-disk layout of an index, and the read-only ``IndexVersion`` that queries run against.

    data_dir/
      CURRENT                 name of the live version (replaced atomically)
      embeddings.sqlite       vector cache keyed by (embedder, sha256 of chunk text)
      versions/<name>/        manifest.json, chunks.sqlite, dense.faiss
      staging-*/              a version being built; never read, removed by the next writer

A writer builds a whole new version beside the live one and only then swaps ``CURRENT``; readers
hold the version object they opened, so a query in flight finishes on the version it started with.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.lexical import LexicalIndex
from ingest.chunker import Chunk
from quarry.errors import DocumentNotFound, IndexMismatchError, NoIndexError

log = logging.getLogger("quarry.index")
FORMAT_VERSION = 1
CURRENT = "CURRENT"


@dataclass(frozen=True)
class StoredDocument:
    """A document as stored in an index version."""

    doc_id: str
    title: str
    source: str
    text: str
    content_hash: str
    n_chunks: int
    pages: list[list[int]]  # [page, char_start, char_end]


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    title: str
    source: str
    n_chunks: int
    n_chars: int


@dataclass(frozen=True)
class Manifest:
    embedder: str
    dim: int
    chunk_size: int
    chunk_overlap: int
    format_version: int
    n_documents: int
    n_chunks: int
    created_at: str

    @classmethod
    def read(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text())
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class LiveVersion:
    """Which version is live, and whether ``CURRENT`` says so truthfully.

    ``path`` is None only when nothing has been ingested. ``problem`` is set when ``CURRENT`` is
    missing, unreadable or names a version that is not there: the newest valid version is served
    instead, and old versions must not be cleaned up until it is repaired (``quarry doctor``).
    """

    path: Path | None
    problem: str | None = None


def _valid(path: Path) -> bool:
    return (path / "manifest.json").is_file() and (path / "chunks.sqlite").is_file()


def live_version(data_dir: Path) -> LiveVersion:
    """Resolve ``CURRENT``; never mistake a broken pointer for an empty index."""
    versions = data_dir / "versions"
    pointer = data_dir / CURRENT
    problem = None
    try:
        name = pointer.read_bytes().decode("utf-8").strip()
        if name and "/" not in name and _valid(versions / name):
            return LiveVersion(versions / name)
        problem = f"CURRENT names version {name[:80]!r}, which is missing or incomplete"
    except FileNotFoundError:
        problem = None
    except (OSError, UnicodeDecodeError) as exc:
        problem = f"CURRENT is unreadable ({type(exc).__name__})"
    candidates = sorted(
        (p for p in versions.iterdir() if _valid(p)) if versions.is_dir() else [],
        key=lambda p: p.name,
    )
    if not candidates:
        return LiveVersion(None, problem)
    if problem is None:
        problem = "CURRENT is missing but versions exist"
    log.error(
        "index in %s is damaged: %s; serving the newest valid version %s; old versions are "
        "kept until `quarry doctor --repair`",
        data_dir,
        problem,
        candidates[-1].name,
    )
    return LiveVersion(candidates[-1], problem)


def current_version_dir(data_dir: Path) -> Path | None:
    """The live version's folder, or None when nothing has been ingested yet."""
    return live_version(data_dir).path


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_current(data_dir: Path, name: str) -> None:
    """Point ``CURRENT`` at version ``name`` atomically (write, fsync, rename)."""
    tmp = data_dir / f".{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, data_dir / CURRENT)
    fsync_dir(data_dir)


TOMBSTONES = "deletions.json"
TOMBSTONE_DAYS = 7


def read_tombstones(data_dir: Path) -> dict[str, float]:
    """doc_id -> when it was deleted (unix time), for the last ``TOMBSTONE_DAYS`` days."""
    try:
        data = json.loads((data_dir / TOMBSTONES).read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def record_tombstones(data_dir: Path, doc_ids: set[str], now: float | None = None) -> None:
    """Remember deletions (called under the writer lock), forgetting old ones."""
    import time

    now = time.time() if now is None else now
    kept = {k: v for k, v in read_tombstones(data_dir).items() if now - v < TOMBSTONE_DAYS * 86400}
    kept.update(dict.fromkeys(doc_ids, now))
    tmp = data_dir / f".{TOMBSTONES}.tmp"
    tmp.write_text(json.dumps(kept))
    os.replace(tmp, data_dir / TOMBSTONES)


class IndexVersion:
    """One immutable index version, loaded for search. Thread-safe for reads."""

    def __init__(self, path: Path) -> None:
        import faiss

        self.path = path
        self.name = path.name
        self.manifest = Manifest.read(path / "manifest.json")
        self._db = sqlite3.connect(
            f"file:{path / 'chunks.sqlite'}?mode=ro", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()
        rows = self._db.execute(
            "SELECT c.doc_id, c.chunk_id, c.char_start, c.char_end, c.token_count, c.page, "
            "substr(d.text, c.char_start + 1, c.char_end - c.char_start) "
            "FROM chunks c JOIN documents d USING (doc_id) ORDER BY c.pos"
        ).fetchall()
        self.chunks = [Chunk(r[0], r[1], r[6], r[2], r[3], r[4], r[5]) for r in rows]
        self.titles = dict(self._db.execute("SELECT doc_id, title FROM documents").fetchall())
        self.sources = dict(self._db.execute("SELECT doc_id, source FROM documents").fetchall())
        self.dense = faiss.read_index(str(path / "dense.faiss"))
        if self.dense.ntotal != len(self.chunks):
            raise IndexMismatchError(
                f"index version {self.name} is inconsistent: {self.dense.ntotal} vectors for "
                f"{len(self.chunks)} chunks; re-run `quarry ingest`"
            )
        self._lexical: LexicalIndex | None = None

    @property
    def lexical(self) -> LexicalIndex:
        """BM25 over this version's chunks, built on first use from the same rows as FAISS."""
        with self._lock:
            if self._lexical is None:
                self._lexical = LexicalIndex(
                    [f"{self.titles[c.doc_id]}\n{c.text}" for c in self.chunks]
                )
            return self._lexical

    def check_embedder(self, name: str, dim: int) -> None:
        """Refuse to query with an embedder other than the one that built the index."""
        if self.manifest.embedder != name or self.manifest.dim != dim:
            raise IndexMismatchError(
                f"the index in {self.path.parent.parent} was built with embedder "
                f"{self.manifest.embedder!r} (dim {self.manifest.dim}) but the configured embedder "
                f"is {name!r} (dim {dim}); set QUARRY_EMBEDDER={self.manifest.embedder} or "
                "re-ingest into a new data directory"
            )

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Exact inner-product search; (row, cosine) pairs, best first."""
        if not self.chunks:
            return []
        k = min(k, len(self.chunks))
        scores, ids = self.dense.search(vector.reshape(1, -1).astype(np.float32), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def documents(self) -> list[DocumentInfo]:
        with self._lock:
            rows = self._db.execute(
                "SELECT doc_id, title, source, n_chunks, length(text) "
                "FROM documents ORDER BY doc_id"
            ).fetchall()
        return [DocumentInfo(*r) for r in rows]

    def document(self, doc_id: str) -> StoredDocument:
        with self._lock:
            row = self._db.execute(
                "SELECT doc_id, title, source, text, content_hash, n_chunks, pages "
                "FROM documents WHERE doc_id = ?",
                (doc_id,),
            ).fetchone()
        if row is None:
            raise DocumentNotFound(doc_id)
        doc_id, title, source, text, digest, n_chunks, pages = row
        return StoredDocument(doc_id, title, source, text, digest, n_chunks, json.loads(pages))

    def close(self) -> None:
        self._db.close()


def open_current(data_dir: Path) -> IndexVersion:
    """Open the live version of the index in ``data_dir``.

    Raises:
        NoIndexError: nothing has been ingested there yet.
    """
    path = current_version_dir(data_dir)
    if path is None:
        raise NoIndexError(str(data_dir))
    return IndexVersion(path)
