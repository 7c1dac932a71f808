"""Apply changes to an index as new segments and deletion marks, then publish a version atomically.

A write costs what changed: new or changed documents go into one new segment; replaced and deleted
documents only get deletion marks; unchanged segments are shared with the previous version, never
copied or rewritten. Compaction merges segments and purges deleted rows under the same rules.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from base.errors import ConfigError, DocumentNotFound, IndexDamagedError, IndexWriteError
from base.faults import fault_point
from base.progress import progress_bar
from index import dense as dense_index
from index.cache import EmbeddingCache
from index.dense import DenseConfig
from index.embedders import Embedder
from index.layout import (
    TRUTH_FILES,
    ChunkRow,
    Deleted,
    DocRow,
    Manifest,
    SegmentFiles,
    SegmentRef,
    allocate_segment_ids,
    cache_path,
    check_embedder,
    current_version_dir,
    disk_usage,
    lexical_dir,
    live_counts,
    live_version,
    next_segment_id,
    pointer_state,
    publish_version,
    read_tombstones,
    record_tombstones,
    remove_segment,
    remove_versions,
    segment_ids_on_disk,
    segment_problems,
    spans_to_text,
    version_manifests,
    version_names,
    write_segment,
    writer_lock,
)
from index.lexical import LexicalStore, lexical_text, prune_lexical
from ingest.chunker import Chunk, Chunker
from ingest.discover import free_id, other_ids
from ingest.loaders import Document, PageSpan

log = logging.getLogger("quarry.index")


@dataclass
class WriteReport:
    """What one ``IndexWriter.apply`` (or ``compact``) changed."""

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
    segments: int = 0
    merged: int = 0  # segments merged by compaction in this write


@dataclass(frozen=True)
class LiveDoc:
    """Where a live document is: its segment, rows, source and content hash."""

    doc_id: str
    segment: int
    source: str
    content_hash: str
    row_start: int
    row_end: int


def existing_sources(data_dir: Path) -> dict[str, str]:
    """doc_id -> source path of the live version (empty when there is none)."""
    path = current_version_dir(data_dir)
    if path is None:
        return {}
    manifest = Manifest.of(path)
    return {d.doc_id: d.source for d in _live_docs(data_dir, manifest, None).values()}


def _source_of(doc: LiveDoc | None) -> str | None:
    return doc.source if doc is not None else None


def _open_files(data_dir: Path, manifest: Manifest) -> list[SegmentFiles]:
    return [SegmentFiles(data_dir, ref, manifest.dim) for ref in manifest.segments]


def _live_docs(data_dir: Path, manifest: Manifest, doc_ids: set[str] | None) -> dict[str, LiveDoc]:
    """The live documents among ``doc_ids`` (all when None), read from the segments."""
    found: dict[str, LiveDoc] = {}
    wanted = None if doc_ids is None else sorted(doc_ids)
    for files in _open_files(data_dir, manifest):
        try:
            gone = {m.doc_id for m in manifest.deleted.get(files.ref.id, ())}
            for d in files.documents(wanted):
                if d.doc_id not in gone:
                    found[d.doc_id] = LiveDoc(
                        d.doc_id, files.ref.id, d.source, d.content_hash, d.row_start, d.row_end
                    )
        finally:
            files.close()
    return found


# Embeds texts in batches, yielding (positions in ``texts``, their vectors) as batches finish.
EmbedRunner = Callable[[list[str], int], Iterator[tuple[list[int], np.ndarray]]]


@dataclass
class SegmentJob:
    """Everything needed to build one segment folder: its id (decided under the writer lock), its
    documents, its chunk rows (grouped by document, in ``docs`` order) and their vectors."""

    data_dir: Path
    segment_id: int
    docs: list[DocRow]
    rows: list[ChunkRow]
    vectors: np.ndarray
    dense: DenseConfig


def build_segment(job: SegmentJob) -> SegmentRef:
    """Build the dense index and write the complete segment folder (no lexical entries: those
    are the writer's, added once the folder is complete). Runs wherever ``job.data_dir`` is
    reachable: in the writer, or on a Ray worker (``quarry.distributed``)."""
    index, kind = dense_index.build(job.vectors, job.dense)
    return write_segment(job.data_dir, job.segment_id, job.docs, job.rows, job.vectors, index, kind)


# Builds segments (each as ``build_segment`` does), returning their refs in the jobs' order.
SegmentRunner = Callable[[list[SegmentJob]], list[SegmentRef]]


# One segment's documents, chunk rows, vectors and lexical terms (one list per row).
SegmentPart = tuple[list[DocRow], list[ChunkRow], np.ndarray, Iterable[list[str]]]


def build_here(jobs: list[SegmentJob]) -> list[SegmentRef]:
    return [build_segment(job) for job in jobs]


class IndexWriter:
    """Applies upserts and deletes to the index in ``data_dir``, one writer at a time.

    ``max_segments``: past this many segments a write also merges the small ones; past
    ``max_deleted`` (share of rows marked deleted) it merges everything and purges them.
    ``embed_runner`` replaces the in-process embedding loop (``quarry.distributed`` runs it on a
    Ray actor pool); whatever runs it, the vectors land in the same cache and segment.
    ``segment_runner`` builds the segment folders (``quarry.distributed`` builds them on Ray
    workers); ``segment_chunks`` splits one write's new chunks into segments of about that many
    (whole documents, in order, so the rows keep the order one segment would give them).
    """

    def __init__(
        self,
        data_dir: Path,
        embedder: Embedder,
        chunker: Chunker,
        keep_versions: int = 2,
        progress: bool | None = None,
        batch_size: int = 64,
        dense: DenseConfig | None = None,
        max_segments: int = 8,
        max_deleted: float = 0.3,
        embed_runner: EmbedRunner | None = None,
        segment_runner: SegmentRunner | None = None,
        segment_chunks: int | None = None,
    ) -> None:
        self.embed_runner = embed_runner or self._embed_here
        self.segment_runner = segment_runner or build_here
        self.segment_chunks = segment_chunks
        self.data_dir = data_dir
        self.batch_size = batch_size
        self.embedder = embedder
        self.chunker = chunker
        self.keep_versions = keep_versions
        self.progress = progress
        self.dense = dense or DenseConfig()
        self.max_segments = max_segments
        self.max_deleted = max_deleted
        if chunker.chunk_size > embedder.max_tokens:
            raise ConfigError(
                f"chunk_size {chunker.chunk_size} tokens exceeds the embedder {embedder.name}'s "
                f"limit of {embedder.max_tokens} tokens: its chunks would be truncated. Set "
                f"QUARRY_CHUNK_SIZE to at most {embedder.max_tokens}"
            )

    def apply(
        self,
        upserts: Iterable[Document] = (),
        deletes: Iterable[str] = (),
        prune_missing: bool = False,
        loaded_at: float | None = None,
        chunked: Mapping[str, list[Chunk]] | None = None,
    ) -> WriteReport:
        """Add or replace ``upserts``, remove ``deletes``, optionally drop documents whose source
        file is gone; then publish the result as the new live version. ``chunked`` may hold the
        upserts' chunks, made elsewhere with this writer's chunker (doc id -> chunks).

        Everything is decided under the writer lock: a document id another source already has
        gets its folder's name before it, and an upsert of a document deleted after
        ``loaded_at`` (when its file was read) is dropped, so a delete made during a long
        re-ingest is not undone by it.
        """
        pre = dict(chunked or {})
        return self._locked(
            lambda: self._apply_locked(list(upserts), set(deletes), prune_missing, loaded_at, pre)
        )

    def compact(self) -> WriteReport:
        """Merge every segment into one and purge deleted rows (no re-embedding)."""
        return self._locked(self._compact_locked)

    def _locked(self, work) -> WriteReport:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        before = pointer_state(self.data_dir)
        try:
            with writer_lock(self.data_dir):
                report: WriteReport = work()
        except (OSError, sqlite3.Error) as exc:  # disk full, read-only or vanished data dir
            reason = getattr(exc, "strerror", None) or str(exc)
            after = pointer_state(self.data_dir)
            name = after[1].decode("utf-8", "replace") if after else "?"
            outcome = (
                "the live version is unchanged"
                if after == before
                else f"but the new version {name} was published and is live; what failed came "
                "after (cleaning up), and the next write finishes it"
            )
            raise IndexWriteError(
                f"cannot write the index in {self.data_dir} ({reason}); {outcome}"
            ) from exc
        report.seconds = time.perf_counter() - started
        return report

    # -- apply ---------------------------------------------------------------------------------

    def _live_manifest(self) -> Manifest | None:
        path = current_version_dir(self.data_dir)
        if path is None:
            return None
        manifest = Manifest.of(path)
        check_embedder(manifest, self.data_dir, self.embedder.name, self.embedder.dim)
        return manifest

    def _apply_locked(
        self,
        upserts: list[Document],
        deletes: set[str],
        prune_missing: bool,
        loaded_at: float | None,
        chunked: dict[str, list[Chunk]],
    ) -> WriteReport:
        report = WriteReport()
        damaged = live_version(self.data_dir).problem is not None
        manifest = self._live_manifest()
        tombstones = read_tombstones(self.data_dir)
        rebuild = manifest is not None and (
            manifest.chunk_size != self.chunker.chunk_size
            or manifest.chunk_overlap != self.chunker.chunk_overlap
        )
        wanted = set(deletes)
        for doc in upserts:
            wanted |= {doc.doc_id, *other_ids(doc.doc_id, doc.source)}
        known = (
            _live_docs(self.data_dir, manifest, None if prune_missing or rebuild else wanted)
            if manifest is not None
            else {}
        )
        for doc_id in deletes:
            if doc_id not in known:
                raise DocumentNotFound(doc_id)
        if prune_missing:
            deletes |= {d.doc_id for d in known.values() if not Path(d.source).exists()}
        marks: dict[int, list[Deleted]] = (
            {k: list(v) for k, v in manifest.deleted.items()} if manifest else {}
        )

        def mark(doc: LiveDoc) -> None:
            marks.setdefault(doc.segment, []).append(
                Deleted(doc.doc_id, doc.row_start, doc.row_end)
            )

        for doc_id in sorted(deletes):
            mark(known.pop(doc_id))
            report.removed.append(doc_id)
        fresh: dict[str, Document] = {}
        for doc in upserts:
            deleted_at = tombstones.get(doc.doc_id)
            if deleted_at is not None and loaded_at is not None and deleted_at >= loaded_at:
                # deleted while this write was loading its files: the delete stands
                report.skipped_deleted.append(doc.doc_id)
                continue
            # another file already has this id (same name, other folder): never replace it
            chosen = free_id(doc.doc_id, doc.source, lambda i: _source_of(known.get(i)))
            if chosen != doc.doc_id:
                doc = replace(doc, doc_id=chosen)
            old = known.get(doc.doc_id)
            if old is not None and old.content_hash == doc.content_hash and not rebuild:
                report.unchanged.append(doc.doc_id)
                continue
            if doc.doc_id not in fresh:
                (report.updated if old is not None else report.added).append(doc.doc_id)
            fresh[doc.doc_id] = doc
            if old is not None and not rebuild:
                mark(known.pop(doc.doc_id))
        segments = list(manifest.segments) if manifest else []
        if rebuild and manifest is not None:
            # chunking changed: every document is chunked again into one new segment
            for doc in self._stored_documents(manifest):
                if doc.doc_id in known and doc.doc_id not in fresh:
                    fresh[doc.doc_id] = doc
            segments, marks = [], {}
        docs = [fresh[k] for k in sorted(fresh)]
        if docs:
            chunks = [c for d in docs for c in self._chunks_of(d, chunked.get(d.doc_id))]
            vectors = self._vectors(chunks, report)
            fault_point("write.embedded")
            room = max(1, self.max_segments - len(segments))
            segments.extend(self._write_segments(docs, chunks, vectors, room))
        if manifest is not None and not docs and not report.removed:
            final = manifest  # nothing changed: nothing is written or published
            report.version = current_version_dir(self.data_dir).name  # type: ignore[union-attr]
        else:
            segments, marks, report.merged = self._maybe_merge(segments, marks)
            final = self._manifest(segments, marks)
            if report.removed:
                # before publishing: an ingest that loaded its files before this delete must
                # find the tombstone even if this process dies right after CURRENT moves
                record_tombstones(self.data_dir, set(report.removed))
                fault_point("write.tombstones")
            report.version = publish_version(self.data_dir, final)
        return self._finish(report, final, damaged)

    def _finish(self, report: WriteReport, final: Manifest, damaged: bool) -> WriteReport:
        """Fill the report from the version now live, then collect garbage."""
        report.n_documents = final.n_documents
        report.n_chunks = final.n_chunks
        report.segments = len(final.segments)
        if not damaged:  # CURRENT was broken when this write began: keep all until repaired
            collect_garbage(self.data_dir, self.keep_versions)
        return report

    def _verify(self, ref: SegmentRef) -> None:
        """Refuse to copy a segment whose truth fails its checksums into a new segment (that
        would give damaged rows fresh, valid checksums)."""
        problems = segment_problems(self.data_dir, ref, self.embedder.dim)
        damaged = {k: v for k, v in problems.items() if k in TRUTH_FILES}
        if damaged:
            what = "; ".join(f"{ref.name}/{k}: {v}" for k, v in damaged.items())
            raise IndexDamagedError(
                f"the index in {self.data_dir} is damaged ({what}); nothing was written: run "
                "`quarry doctor --repair`"
            )

    def _stored_documents(self, manifest: Manifest) -> list[Document]:
        out = []
        for ref in manifest.segments:
            self._verify(ref)
        for files in _open_files(self.data_dir, manifest):
            try:
                gone = {m.doc_id for m in manifest.deleted.get(files.ref.id, ())}
                for d in files.documents(None, with_text=True):
                    if d.doc_id not in gone:
                        spans = tuple(PageSpan(*p) for p in d.pages)
                        out.append(
                            Document(
                                d.doc_id, d.title, d.source, d.text or "", d.content_hash, spans
                            )
                        )
            finally:
                files.close()
        return out

    def _chunks_of(self, doc: Document, pre: list[Chunk] | None = None) -> list[Chunk]:
        """``doc``'s chunks, each fitting the embedder: ``pre`` when they were made elsewhere
        for this very document (Ray workers) and all fit, else chunked here with the embedder's
        limit (``SentenceChunker.chunk``'s ``fits``), so no chunk is ever truncated."""
        made_here = pre is not None and all(
            c.doc_id == doc.doc_id and doc.text[c.char_start : c.char_end] == c.text for c in pre
        )
        if pre is not None and made_here and all(self._fits([c.embed_text for c in pre])):
            return pre
        return self.chunker.chunk(doc, self._fits)

    def _fits(self, texts: list[str]) -> list[bool]:
        """Whether the embedder reads each text whole (counted in one batch)."""
        limit = self.embedder.max_tokens
        return [n <= limit for n in self.embedder.token_counts(texts)] if texts else []

    def _vectors(self, chunks: list[Chunk], report: WriteReport) -> np.ndarray:
        cache = EmbeddingCache(cache_path(self.data_dir), self.embedder.name, self.embedder.dim)
        try:
            hashes = [c.text_hash for c in chunks]
            found = cache.get_many(hashes)
            missing: dict[str, str] = {}
            for chunk, h in zip(chunks, hashes, strict=True):
                if h not in found:
                    missing.setdefault(h, chunk.embed_text)
            report.reused = len(chunks) - sum(1 for h in hashes if h not in found)
            # Similar lengths in one batch: padding to a batch's longest text is wasted work
            # (sentence-transformers sorts within a call; our batches cut across documents).
            todo = sorted(missing.items(), key=lambda item: len(item[1]))
            with progress_bar(
                total=len(todo), enabled=self.progress, desc="embedding", unit="chunk"
            ) as bar:
                for positions, vecs in self.embed_runner([t for _, t in todo], self.batch_size):
                    hashes_done = [todo[i][0] for i in positions]
                    cache.put_many(hashes_done, vecs)
                    found.update(zip(hashes_done, vecs, strict=True))
                    bar.update(len(positions))
            lost = sum(1 for h, _ in todo if h not in found)
            if lost:
                raise IndexWriteError(
                    f"{lost} of {len(todo)} chunks came back without a vector (lost on a worker); "
                    "nothing was published, and the vectors that did arrive are cached for the "
                    "next run"
                )
            report.embedded = len(todo)
            if not chunks:
                return np.zeros((0, self.embedder.dim), dtype=np.float32)
            return np.stack([found[h] for h in hashes]).astype(np.float32)
        finally:
            cache.close()

    def _embed_here(self, texts: list[str], batch: int) -> Iterator[tuple[list[int], np.ndarray]]:
        for i in range(0, len(texts), batch):
            yield (
                list(range(i, min(i + batch, len(texts)))),
                self.embedder.embed(texts[i : i + batch]),
            )

    # -- segments ------------------------------------------------------------------------------

    def _write_segments(
        self, docs: list[Document], chunks: list[Chunk], vectors: np.ndarray, room: int
    ) -> list[SegmentRef]:
        """Write these documents as new segments: one, or (with ``segment_chunks``) about that
        many rows each but never more than ``room``, so a split never forces a merge."""
        titles = {d.doc_id: d.title for d in docs}
        terms = [lexical_text(titles[c.doc_id], c.embed_text) for c in chunks]
        rows = [
            ChunkRow(
                c.chunk_id,
                c.doc_id,
                c.char_start,
                c.char_end,
                c.token_count,
                c.page,
                " ".join(t),
                spans_to_text(c.sentences),
                c.text,
                c.text_hash,
            )
            for c, t in zip(chunks, terms, strict=True)
        ]
        doc_rows = [
            DocRow(
                d.doc_id,
                d.title,
                d.source,
                d.content_hash,
                [[p.page, p.char_start, p.char_end] for p in d.pages],
                d.text,
            )
            for d in docs
        ]
        parts: list[SegmentPart] = []
        for lo, hi, row_lo, row_hi in self._split(doc_rows, rows, room):
            parts.append(
                (doc_rows[lo:hi], rows[row_lo:row_hi], vectors[row_lo:row_hi], terms[row_lo:row_hi])
            )
        return self._store_segments(parts)

    def _split(
        self, docs: list[DocRow], rows: list[ChunkRow], room: int
    ) -> list[tuple[int, int, int, int]]:
        """Consecutive (doc lo, doc hi, row lo, row hi) groups of about ``segment_chunks`` rows,
        at most ``room`` of them."""
        if not self.segment_chunks or len(rows) <= self.segment_chunks:
            return [(0, len(docs), 0, len(rows))]
        per = max(self.segment_chunks, -(-len(rows) // room))
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.doc_id] = counts.get(r.doc_id, 0) + 1
        groups = []
        lo = row_lo = row = 0
        for i, d in enumerate(docs):
            row += counts.get(d.doc_id, 0)
            if row - row_lo >= per or i == len(docs) - 1:
                groups.append((lo, i + 1, row_lo, row))
                lo, row_lo = i + 1, row
        return groups

    def _store_segments(self, parts: list[SegmentPart]) -> list[SegmentRef]:
        """Write the segment folders, then their lexical entries (see the layout's invariant)."""
        first = allocate_segment_ids(self.data_dir, len(parts))
        jobs = [
            SegmentJob(self.data_dir, first + i, docs, rows, vectors, self.dense)
            for i, (docs, rows, vectors, _) in enumerate(parts)
        ]
        refs = self.segment_runner(jobs)
        if [r.id for r in refs] != [j.segment_id for j in jobs]:
            raise IndexWriteError("a segment builder returned other segments than it was given")
        fault_point("write.segments")
        lexical = LexicalStore(lexical_dir(self.data_dir))
        for ref, (_, _, _, terms) in zip(refs, parts, strict=True):
            lexical.add_segment(ref.id, terms)
        fault_point("write.lexical")
        return refs

    def _manifest(self, segments: list[SegmentRef], marks: dict[int, list[Deleted]]) -> Manifest:
        ids = {s.id for s in segments}
        deleted = {k: tuple(v) for k, v in marks.items() if k in ids and v}
        n_documents, n_chunks = live_counts(segments, deleted)
        return Manifest(
            embedder=self.embedder.name,
            dim=self.embedder.dim,
            chunk_size=self.chunker.chunk_size,
            chunk_overlap=self.chunker.chunk_overlap,
            n_documents=n_documents,
            n_chunks=n_chunks,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            segments=tuple(segments),
            deleted=deleted,
            next_segment_id=next_segment_id(self.data_dir),
        )

    def _maybe_merge(
        self, segments: list[SegmentRef], marks: dict[int, list[Deleted]]
    ) -> tuple[list[SegmentRef], dict[int, list[Deleted]], int]:
        """Merge segments when there are too many, or too many deleted rows."""
        total = sum(s.n_chunks for s in segments)
        deleted = sum(m.row_end - m.row_start for v in marks.values() for m in v)
        if total and deleted / total > self.max_deleted:
            chosen = list(segments)
        elif len(segments) > self.max_segments:
            # the small ones: everything but the largest, unless it is small too
            largest = max(segments, key=lambda s: s.n_chunks)
            rest = total - largest.n_chunks
            chosen = [s for s in segments if s is not largest or largest.n_chunks <= rest]
        else:
            return segments, marks, 0
        if len(chosen) < 2 and not any(marks.get(s.id) for s in chosen):
            return segments, marks, 0
        merged = self._merge(chosen, marks)
        keep = [s for s in segments if s not in chosen]
        out_marks = {k: v for k, v in marks.items() if k not in {s.id for s in chosen}}
        return ([merged, *keep] if merged.n_docs else keep), out_marks, len(chosen)

    def _merge(self, chosen: list[SegmentRef], marks: dict[int, list[Deleted]]) -> SegmentRef:
        """One new segment holding the live rows of ``chosen`` (vectors copied, not embedded)."""
        docs: list[DocRow] = []
        rows: list[ChunkRow] = []
        parts: list[np.ndarray] = []
        for ref in chosen:
            self._verify(ref)
            files = SegmentFiles(self.data_dir, ref, self.embedder.dim)
            try:
                gone = {m.doc_id for m in marks.get(ref.id, ())}
                for d in files.documents(None, with_text=True):
                    if d.doc_id not in gone:
                        docs.append(
                            DocRow(
                                d.doc_id, d.title, d.source, d.content_hash, d.pages, d.text or ""
                            )
                        )
                keep = []
                for r, chunk in files.iter_chunks():
                    if chunk.doc_id not in gone:
                        rows.append(chunk)
                        keep.append(r)
                parts.append(files.read_vectors(keep))
            finally:
                files.close()
        # chunks must stay grouped by document, in the documents' order
        order = {d.doc_id: i for i, d in enumerate(docs)}
        pos = sorted(range(len(rows)), key=lambda i: (order[rows[i].doc_id], i))
        rows = [rows[i] for i in pos]
        vectors = (
            np.concatenate(parts)[pos]
            if parts
            else np.zeros((0, self.embedder.dim), dtype=np.float32)
        )
        return self._store_segments([(docs, rows, vectors, (r.terms.split() for r in rows))])[0]

    def _compact_locked(self) -> WriteReport:
        report = WriteReport()
        damaged = live_version(self.data_dir).problem is not None
        manifest = self._live_manifest()
        if manifest is None:
            return report
        marks = {k: list(v) for k, v in manifest.deleted.items()}
        segments = list(manifest.segments)
        final = manifest
        if len(segments) > 1 or any(marks.values()):
            merged = self._merge(segments, marks)
            segments = [merged] if merged.n_docs else []
            report.merged = len(manifest.segments)
            final = self._manifest(segments, {})
            report.version = publish_version(self.data_dir, final)
        else:
            report.version = current_version_dir(self.data_dir).name  # type: ignore[union-attr]
        return self._finish(report, final, damaged)


def collect_garbage(data_dir: Path, keep_versions: int, force: bool = False) -> None:
    """Drop versions beyond ``keep_versions``, then segments no remaining version lists, and
    every lexical entry the live version does not serve (call under the writer lock). Nothing
    is collected while a version's manifest cannot be read: its segments may be the only copy."""
    live = current_version_dir(data_dir)
    manifests = version_manifests(data_dir)
    unreadable = set(version_names(data_dir)) - set(manifests)
    if unreadable:
        log.error(
            "index in %s: version(s) %s cannot be read; nothing is collected until "
            "`quarry doctor` says it is whole",
            data_dir,
            ", ".join(sorted(unreadable)),
        )
        return
    names = sorted(manifests)
    drop = [n for n in names[:-keep_versions] if live is None or n != live.name]
    # a version newer than the live one was published by a write that died before CURRENT
    # moved (the writer lock is held: no write is publishing now); it was never live
    drop += [n for n in names if live is not None and n > live.name and n not in drop]
    remove_versions(data_dir, drop)
    used = {s.id for n, m in manifests.items() if n not in drop for s in m.segments}
    orphans = [sid for sid in segment_ids_on_disk(data_dir) if sid not in used]
    lexical = LexicalStore(lexical_dir(data_dir))
    if live is not None and live.name in manifests:
        # every id ever handed out that the live version does not list, orphans included
        prune_lexical(lexical, manifests[live.name], next_segment_id(data_dir))
    else:
        lexical.remove_segments(orphans)
    for sid in orphans:
        remove_segment(data_dir, sid)
    kept = [m for n, m in manifests.items() if n not in drop]
    _collect_cache(data_dir, kept, force)


def _collect_cache(data_dir: Path, kept: list[Manifest], force: bool) -> None:
    """Forget cached vectors no kept chunk uses (the chunks of dead or replaced writes): always
    when ``force``, else once the cache holds a fifth more entries than the kept chunks."""
    path = cache_path(data_dir)
    if not kept or not path.exists():
        return
    refs = {s.id: s for m in kept for s in m.segments}
    cache = EmbeddingCache(path, kept[-1].embedder, kept[-1].dim)
    try:
        if not force and cache.count() <= 1.2 * sum(s.n_chunks for s in refs.values()) + 16:
            return
        used: set[str] = set()
        for ref in refs.values():
            files = SegmentFiles(data_dir, ref, kept[-1].dim)
            try:
                hashes = files.text_hashes()
            finally:
                files.close()
            if hashes is None:
                return  # an older segment without keys: nothing can be told unused
            used |= hashes
        cache.keep_only(used)
    finally:
        cache.close()


def gc(data_dir: Path, keep_versions: int) -> int:
    """``quarry gc``: what the next write would collect, now; returns the bytes freed."""
    with writer_lock(data_dir):
        before = disk_usage(data_dir)
        collect_garbage(data_dir, keep_versions, force=True)
        return max(0, before - disk_usage(data_dir))
