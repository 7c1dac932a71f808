"""The read side of an index: ``IndexVersion``, what queries run against.

Opening a version reads its manifest and opens its segments' files (shared with any other open
version that lists the same segment); nothing proportional to the corpus is read or held in Python.
Chunk text, titles and sources are read from disk for the hits only. The layout is in
``index.layout``.
"""

from __future__ import annotations

import bisect
import logging
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from base.errors import DocumentNotFound, NoIndexError
from index.dense import FLAT, DenseConfig, DenseSegment
from index.dense import build as dense_build
from index.layout import (
    TRUTH_FILES,
    DocumentRecord,
    Manifest,
    SegmentFiles,
    SegmentRef,
    check_embedder,
    current_version_dir,
    lexical_dir,
    segment_problems,
    spans_from_text,
)
from index.lexical import LexicalSnapshot, LexicalStore, Live
from ingest.chunker import Chunk

__all__ = ["DocumentInfo", "IndexVersion", "StoredChunk", "StoredDocument", "open_current"]

log = logging.getLogger("quarry.index")


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
class StoredChunk:
    """A chunk read for a hit, with its document's title and source."""

    chunk: Chunk
    title: str
    source: str
    terms: str = ""  # its lexical terms, space-joined (see ``index.lexical.lexical_text``)


class Segment:
    """One open segment: its files and its dense index. Shared by the versions that list it.

    Its files are checked against the manifest's checksums when it is opened (once per process).
    ``damage`` is set when its truth (chunk store or vectors) is damaged: the segment is then
    never searched or read, so it cannot give a wrong answer. A damaged dense index alone is
    rebuilt in memory, exact, from the vectors. Either way the problem is logged and reported
    (``IndexVersion.damage``, ``/readyz``) until ``quarry doctor --repair``.
    """

    def __init__(self, data_dir: Path, ref: SegmentRef, dim: int, config: DenseConfig) -> None:
        self.ref = ref
        problems = segment_problems(data_dir, ref, dim)
        self.problems = [f"{ref.name}/{name}: {what}" for name, what in problems.items()]
        if self.problems:
            log.error("index in %s is damaged: %s", data_dir, "; ".join(self.problems))
        self.damage = "; ".join(self.problems) if set(problems) & set(TRUTH_FILES) else None
        self.files = SegmentFiles(data_dir, ref, dim)
        if self.damage:
            self.dense = DenseSegment(faiss.IndexFlatIP(dim), self.files.read_vectors, FLAT, config)
        elif problems:  # the dense index alone: derived, rebuilt from the intact vectors
            index, _ = dense_build(self.files.read_range(0, ref.n_chunks), DenseConfig(10**12))
            self.dense = DenseSegment(index, self.files.read_vectors, FLAT, config)
        else:
            self.dense = DenseSegment(
                self.files.read_dense(), self.files.read_vectors, ref.dense, config
            )


_open_segments: weakref.WeakValueDictionary[tuple[str, int], Segment] = (
    weakref.WeakValueDictionary()
)
_open_lock = threading.Lock()


def _segment(data_dir: Path, ref: SegmentRef, dim: int, config: DenseConfig) -> Segment:
    key = (str(data_dir.resolve()), ref.id)
    with _open_lock:
        seg = _open_segments.get(key)
        if seg is None or seg.dense.config != config:
            seg = Segment(data_dir, ref, dim, config)
            _open_segments[key] = seg
        return seg


class IndexVersion:
    """One immutable index version. Thread-safe for reads.

    Rows are numbered across the version's segments in manifest order (segment base + row in the
    segment); a row number is only meaningful within the version that returned it.
    """

    def __init__(self, path: Path, dense: DenseConfig | None = None) -> None:
        self.path = path
        self.name = path.name
        self.data_dir = path.parent.parent
        self.manifest = Manifest.of(path)
        self.dense_config = dense or DenseConfig()
        self.segments = [
            _segment(self.data_dir, ref, self.manifest.dim, self.dense_config)
            for ref in self.manifest.segments
        ]
        self.bases: list[int] = []
        total = 0
        for ref in self.manifest.segments:
            self.bases.append(total)
            total += ref.n_chunks
        self.deleted_rows = {
            ref.id: frozenset(
                r
                for m in self.manifest.deleted.get(ref.id, ())
                for r in range(m.row_start, m.row_end)
            )
            for ref in self.manifest.segments
        }
        self._deleted_docs = {
            ref.id: frozenset(m.doc_id for m in self.manifest.deleted.get(ref.id, ()))
            for ref in self.manifest.segments
        }
        n_rows = self.manifest.n_rows
        self._live = Live(
            {sid: rows for sid, rows in self.deleted_rows.items() if not self._damaged(sid)},
            sum(r.lex_tokens for r in self.manifest.segments) / n_rows if n_rows else 1.0,
        )
        self._lock = threading.Lock()
        self._lexical: LexicalSnapshot | None = None
        self._lexical_damage: list[str] = []
        self._doc_seg: dict[str, int] = {}

    def _damaged(self, segment_id: int) -> bool:
        return any(s.damage for s in self.segments if s.ref.id == segment_id)

    @property
    def damage(self) -> list[str]:
        """What is damaged in this version (``[]`` when nothing): damaged segments are not
        served, a damaged dense index is served rebuilt, a damaged lexical index not at all."""
        return [p for s in self.segments for p in s.problems] + self._lexical_damage

    @property
    def n_chunks(self) -> int:
        """Live chunks."""
        return self.manifest.n_chunks

    @property
    def lexical(self) -> LexicalSnapshot | None:
        """The lexical index as of this version (opened and checked on first use), or None when
        it is damaged: queries are then answered from dense search alone."""
        with self._lock:
            if self._lexical is None and not self._lexical_damage:
                try:
                    store = LexicalStore(lexical_dir(self.data_dir))
                    problems = store.problems()
                    if problems:
                        self._lexical_broken(problems)
                    else:
                        self._lexical = store.snapshot()
                except BaseException as exc:  # noqa: BLE001 (Tantivy panics are BaseException)
                    self._lexical_broken([f"lexical index cannot be opened: {_reason(exc)}"], exc)
            return self._lexical

    def _lexical_broken(self, problems: list[str], exc: BaseException | None = None) -> None:
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise exc
        log.error("index in %s is damaged: %s", self.data_dir, "; ".join(problems))
        self._lexical_damage = problems
        self._lexical = None

    def check_embedder(self, name: str, dim: int) -> None:
        """Refuse to query with an embedder other than the one that built the index."""
        check_embedder(self.manifest, self.data_dir, name, dim)

    # -- rows --------------------------------------------------------------------------------

    def _split(self, rows: list[int]) -> dict[int, list[int]]:
        """Global rows grouped by segment position, as local rows."""
        out: dict[int, list[int]] = {}
        for row in rows:
            i = bisect.bisect_right(self.bases, row) - 1
            out.setdefault(i, []).append(row - self.bases[i])
        return out

    def chunks(self, rows: list[int]) -> dict[int, StoredChunk]:
        """The chunks at ``rows`` (global row numbers), read from disk."""
        out: dict[int, StoredChunk] = {}
        for i, local in self._split(rows).items():
            base = self.bases[i]
            for r, c, title, source in self.segments[i].files.chunks(local):
                chunk = Chunk(
                    c.doc_id,
                    c.chunk_id,
                    c.text,
                    c.char_start,
                    c.char_end,
                    c.token_count,
                    c.page,
                    spans_from_text(c.sentences),
                )
                out[base + r] = StoredChunk(chunk, title, source, c.terms)
        return out

    def live_rows(self) -> list[int]:
        """Every live row number (proportional to the corpus: for tools and tests, not queries)."""
        return [
            base + r
            for base, ref in zip(self.bases, self.manifest.segments, strict=True)
            for r in range(ref.n_chunks)
            if r not in self.deleted_rows[ref.id]
        ]

    def chunk(self, row: int) -> Chunk:
        return self.chunks([row])[row].chunk

    def vectors(self, rows: list[int]) -> np.ndarray:
        """The stored vectors of ``rows`` (only these are read)."""
        out = np.zeros((len(rows), self.manifest.dim), dtype=np.float32)
        where = {row: k for k, row in enumerate(rows)}
        for i, local in self._split(rows).items():
            base = self.bases[i]
            order = sorted(local)
            out[[where[base + r] for r in order]] = self.segments[i].files.read_vectors(order)
        return out

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Best ``k`` live rows by cosine over all segments: (row, cosine), best first."""
        return self.dense_search_many(vector.reshape(1, -1), k)[0]

    def dense_search_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        merged: list[list[tuple[int, float]]] = [[] for _ in range(len(vectors))]
        for base, seg in zip(self.bases, self.segments, strict=True):
            if seg.damage:
                continue
            found = seg.dense.search(vectors, k, self.deleted_rows[seg.ref.id])
            for q, pairs in enumerate(found):
                merged[q].extend((base + r, s) for r, s in pairs)
        return [sorted(m, key=lambda t: (-t[1], t[0]))[:k] for m in merged]

    def lexical_search(self, query_terms: list[str], n: int) -> list[int]:
        """Rows holding any of ``query_terms``, Tantivy's best ``n`` first."""
        lexical = self.lexical
        if lexical is None:
            return []
        position = {ref.id: i for i, ref in enumerate(self.manifest.segments)}
        try:
            found = lexical.candidates(query_terms, n, self._live)
        except BaseException as exc:  # noqa: BLE001 (Tantivy panics are BaseException)
            self._lexical_broken([f"lexical search failed: {_reason(exc)}"], exc)
            return []
        return [
            self.bases[position[sid]] + row
            for sid, row in found
            if row < self.manifest.segments[position[sid]].n_chunks  # never past its segment
        ]

    def mentions(self, term: str) -> bool:
        """Whether any chunk holds ``term`` (True when the lexical index is damaged: unknown)."""
        lexical = self.lexical
        try:
            return lexical is None or lexical.doc_freq(term) > 0
        except BaseException as exc:  # noqa: BLE001
            self._lexical_broken([f"lexical statistics failed: {_reason(exc)}"], exc)
            return True

    def share(self, term: str) -> float:
        """Share of rows holding ``term`` (0 when the lexical index is damaged: unknown)."""
        lexical = self.lexical
        try:
            return lexical.share(term) if lexical is not None else 0.0
        except BaseException as exc:  # noqa: BLE001
            self._lexical_broken([f"lexical statistics failed: {_reason(exc)}"], exc)
            return 0.0

    def bm25(self, query_terms: list[str], chunks: list[StoredChunk]) -> np.ndarray:
        """BM25 of ``chunks`` for the query, with this corpus's statistics (zeros when the
        lexical index is damaged)."""
        lexical = self.lexical
        rows = [c.terms.split() for c in chunks]
        if lexical is None:
            return np.zeros(len(rows), dtype=np.float32)
        try:
            return lexical.bm25(query_terms, rows, self._live.avg_len)
        except BaseException as exc:  # noqa: BLE001
            self._lexical_broken([f"lexical statistics failed: {_reason(exc)}"], exc)
            return np.zeros(len(rows), dtype=np.float32)

    # -- documents ---------------------------------------------------------------------------

    def _find(self, doc_id: str, with_text: bool = False) -> tuple[int, DocumentRecord] | None:
        for i in reversed(range(len(self.segments))):
            seg = self.segments[i]
            if seg.damage or doc_id in self._deleted_docs[seg.ref.id]:
                continue
            rows = seg.files.documents([doc_id], with_text=with_text)
            if rows:
                return i, rows[0]
        return None

    def title(self, doc_id: str) -> str:
        found = self._find(doc_id)
        if found is None:
            raise DocumentNotFound(doc_id)
        return found[1].title

    def documents(self) -> list[DocumentInfo]:
        out = []
        for seg in self.segments:
            if seg.damage:
                continue
            gone = self._deleted_docs[seg.ref.id]
            for d in seg.files.documents():
                if d.doc_id not in gone:
                    out.append(DocumentInfo(d.doc_id, d.title, d.source, d.n_chunks, d.n_chars))
        return sorted(out, key=lambda d: d.doc_id)

    def document(self, doc_id: str) -> StoredDocument:
        found = self._find(doc_id, with_text=True)
        if found is None:
            raise DocumentNotFound(doc_id)
        d = found[1]
        return StoredDocument(
            d.doc_id, d.title, d.source, d.text or "", d.content_hash, d.n_chunks, d.pages
        )

    def window(self, doc_id: str, start: int, end: int) -> tuple[DocumentRecord, str]:
        """The document's record and ``text[start:end]`` (clamped to its length), reading only
        that part of the text."""
        found = self._find(doc_id)
        if found is None:
            raise DocumentNotFound(doc_id)
        record = found[1]
        start, end = min(start, record.n_chars), min(end, record.n_chars)
        text = self.segments[found[0]].files.excerpt(doc_id, start, end) if end > start else ""
        return record, text or ""

    def excerpt(self, doc_id: str, start: int, end: int) -> str:
        """``document(doc_id).text[start:end]``, without reading the rest of the text."""
        found = self._find(doc_id)
        if found is None:
            raise DocumentNotFound(doc_id)
        text = self.segments[found[0]].files.excerpt(doc_id, start, end)
        return text or ""

    def close(self) -> None:
        """Nothing to release eagerly: segments close when no open version uses them."""


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]


def open_current(data_dir: Path, dense: DenseConfig | None = None) -> IndexVersion:
    """Open the live version of the index in ``data_dir``.

    Raises:
        NoIndexError: nothing has been ingested there yet.
    """
    path = current_version_dir(data_dir)
    if path is None:
        raise NoIndexError(str(data_dir))
    return IndexVersion(path, dense)
