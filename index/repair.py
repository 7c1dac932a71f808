"""Repair an index from its truth, as ``quarry doctor --repair`` does, never deleting anything.

The truth is each segment's chunk store and vectors; the FAISS file and the lexical index are
derived. A repair, under the writer lock:

1. rewrites a damaged manifest copy from its intact twin;
2. picks the version to serve: the live one if every segment it lists can be read back whole,
   else the newest version on disk that can (a segment whose chunk store is damaged cannot);
3. writes each of its segments with a damaged part again as a new segment (new id, same rows):
   the dense index rebuilt from the vectors, or the vectors taken back from an intact exact
   (flat) FAISS index when the vectors file is the damaged part;
4. publishes that as a new version (so every server reopens it) and rebuilds the lexical index
   if it is damaged or disagrees with the live version.

Segments a readable manifest names are never removed here; older versions roll off as usual.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

from index import dense as dense_index
from index.check import segment_counts
from index.dense import FLAT, DenseConfig
from index.layout import (
    CHUNK_STORE,
    DENSE_INDEX,
    LEXICAL,
    MANIFEST,
    MANIFEST_COPY,
    VECTORS,
    Deleted,
    DocRow,
    Manifest,
    SegmentFiles,
    SegmentRef,
    allocate_segment_ids,
    lexical_dir,
    live_counts,
    live_version,
    next_segment_id,
    publish_version,
    replace_file,
    segment_dir,
    segment_problems,
    version_manifests,
    version_names,
    versions_dir,
    write_segment,
    writer_lock,
)
from index.lexical import LexicalStore, prune_lexical


def repair_index(data_dir: Path, dense: DenseConfig | None = None) -> list[str]:
    """Repair what ``index.check.check_index`` finds; returns what was done, one line each."""
    with writer_lock(data_dir):
        return _repair(data_dir, dense or DenseConfig())


def _repair(data_dir: Path, dense: DenseConfig) -> list[str]:
    done = _restore_manifest_copies(data_dir)
    manifests = version_manifests(data_dir)
    if not manifests:
        return [*done, "no readable version: nothing to repair from (re-ingest)"]
    dim = next(iter(manifests.values())).dim
    state: dict[int, str] = {}  # segment id -> "ok", "rebuild", "lost"
    problems: dict[int, dict[str, str]] = {}  # segment id -> its damaged files
    for m in manifests.values():
        for ref in m.segments:
            if ref.id not in state:
                problems[ref.id] = segment_problems(data_dir, ref, dim)
                state[ref.id] = _state(data_dir, ref, dim, problems[ref.id])
    live = live_version(data_dir)
    live_name = live.path.name if live.path else max(manifests)
    order = [live_name, *sorted((n for n in manifests if n != live_name), reverse=True)]
    usable = [n for n in order if all(state[s.id] != "lost" for s in manifests[n].segments)]
    base_name = usable[0] if usable else live_name
    base = manifests[base_name]
    if base_name != live_name:
        done.append(
            f"the live version {live_name} lists a segment whose chunk store is damaged beyond "
            f"repair: serving {base_name}, the newest version that is whole "
            f"({base.n_documents} documents); re-ingest to bring back what was added since"
        )
    lost = [s for s in base.segments if state[s.id] == "lost"]
    for ref in lost:
        done.append(
            f"{ref.name} cannot be read back ({ref.n_docs} documents): left out; re-ingest "
            "their files to restore them"
        )
    renamed: dict[int, SegmentRef] = {}
    for ref in base.segments:
        if state[ref.id] == "rebuild":
            renamed[ref.id] = _rewrite_segment(data_dir, ref, dim, dense, problems[ref.id])
            done.append(f"{ref.name} rewritten from its intact parts as {renamed[ref.id].name}")
    if renamed or lost or base_name != live_name or live.problem:
        final = _without(base, renamed, {s.id for s in lost}, data_dir)
        name = publish_version(data_dir, final)
        done.append(f"published {name}: {final.n_documents} documents, {final.n_chunks} chunks")
        base = final
    done += _repair_lexical(data_dir, base)
    return done


def _restore_manifest_copies(data_dir: Path) -> list[str]:
    done = []
    for name in version_names(data_dir):
        folder = versions_dir(data_dir) / name
        intact: dict[str, str] = {}
        for copy in (MANIFEST, MANIFEST_COPY):
            try:
                Manifest.read(folder / copy)
                intact[copy] = (folder / copy).read_text()
            except Exception:  # damaged, or another format
                continue
        if len(intact) == 1:
            (good,) = intact.values()
            bad = MANIFEST_COPY if MANIFEST in intact else MANIFEST
            replace_file(folder / bad, good)
            done.append(f"version {name}: {bad} rewritten from its intact copy")
    return done


def _state(data_dir: Path, ref: SegmentRef, dim: int, problems: dict[str, str]) -> str:
    counts = segment_counts(data_dir, ref, dim, problems)
    if CHUNK_STORE in problems or any(CHUNK_STORE in c for c in counts):
        return "lost"
    if VECTORS in problems and (DENSE_INDEX in problems or ref.dense != FLAT):
        return "lost"  # no other exact copy of the vectors
    return "rebuild" if problems or counts else "ok"


def _rewrite_segment(
    data_dir: Path, ref: SegmentRef, dim: int, dense: DenseConfig, problems: dict[str, str]
) -> SegmentRef:
    """The segment's rows again, as a new segment with the same row numbers (``problems``: its
    damaged files, from ``segment_problems``)."""
    files = SegmentFiles(data_dir, ref, dim)
    try:
        docs = [
            DocRow(d.doc_id, d.title, d.source, d.content_hash, d.pages, d.text or "")
            for d in files.documents(None, with_text=True)
        ]
        rows = [chunk for _, chunk in files.iter_chunks()]
        if VECTORS in problems:  # the flat index holds the very same vectors
            flat = faiss.read_index(str(segment_dir(data_dir, ref) / DENSE_INDEX))
            vectors = flat.reconstruct_n(0, ref.n_chunks)
        else:
            vectors = files.read_range(0, ref.n_chunks)
    finally:
        files.close()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    index, kind = dense_index.build(vectors, dense)
    new_id = allocate_segment_ids(data_dir, 1)
    new = write_segment(data_dir, new_id, docs, rows, vectors, index, kind)
    LexicalStore(lexical_dir(data_dir)).add_segment(new_id, (r.terms.split() for r in rows))
    return new


def _without(
    base: Manifest, renamed: dict[int, SegmentRef], lost: set[int], data_dir: Path
) -> Manifest:
    segments = [renamed.get(s.id, s) for s in base.segments if s.id not in lost]
    deleted: dict[int, tuple[Deleted, ...]] = {
        renamed[k].id if k in renamed else k: v for k, v in base.deleted.items() if k not in lost
    }
    n_documents, n_chunks = live_counts(segments, deleted)
    return replace(
        base,
        segments=tuple(segments),
        deleted=deleted,
        n_documents=n_documents,
        n_chunks=n_chunks,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        next_segment_id=next_segment_id(data_dir),
    )


def _repair_lexical(data_dir: Path, live: Manifest) -> list[str]:
    """Rebuild the lexical index when it is damaged or does not hold exactly the live rows."""
    store_dir = lexical_dir(data_dir)
    next_id = next_segment_id(data_dir)
    marked = {sid: sum(d.row_end - d.row_start for d in v) for sid, v in live.deleted.items()}
    try:
        store = LexicalStore(store_dir)
        if not store.problems():
            dropped = prune_lexical(store, live, next_id)
            held = store.counts(s.id for s in live.segments)
            if all(held[s.id] == s.n_chunks - marked.get(s.id, 0) for s in live.segments):
                return [f"lexical index: dropped {dropped} stale entries"] if dropped else []
    except BaseException as exc:  # noqa: BLE001 (Tantivy panics are BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
    staging = data_dir / f"{LEXICAL}.rebuild-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    fresh = LexicalStore(staging)
    for ref in live.segments:
        files = SegmentFiles(data_dir, ref, live.dim)
        try:
            fresh.add_segment(ref.id, [c.terms.split() for _, c in files.iter_chunks()])
        finally:
            files.close()
    prune_lexical(fresh, live, next_id)
    old = data_dir / f"{LEXICAL}.old-{os.getpid()}"
    if store_dir.exists():
        os.replace(store_dir, old)
    os.replace(staging, store_dir)
    shutil.rmtree(old, ignore_errors=True)
    LexicalStore(store_dir).record_sums()
    return [f"lexical index rebuilt from the chunk stores ({live.n_chunks} entries)"]
