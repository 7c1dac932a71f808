"""Check an index end to end, as ``quarry doctor`` does: every byte a manifest names against its
checksum, and every count against the others (chunk store, vectors, FAISS, lexical, manifests).

Nothing here writes. Each finding says what is wrong, whether it is damage (something served
may be missing) or debris a dead write left (space only), and what ``quarry doctor --repair``
(``index.repair``) or the next write does about it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import faiss

from index.layout import (
    CHUNK_STORE,
    DENSE_INDEX,
    MANIFEST,
    MANIFEST_COPY,
    TRUTH_FILES,
    VECTORS,
    Manifest,
    ManifestDamaged,
    SegmentRef,
    lexical_dir,
    live_counts,
    live_version,
    next_segment_id,
    segment_dir,
    segment_ids_on_disk,
    segment_problems,
    staging_dirs,
    version_manifests,
    version_names,
    versions_dir,
)
from index.lexical import LexicalStore

DAMAGE = "damaged"
DEBRIS = "debris"  # left by a dead write: costs space, never answers
OLD = "note"  # damage in a version no longer served (kept for rollback, collected in time)


@dataclass(frozen=True)
class Finding:
    kind: str  # DAMAGE or DEBRIS
    what: str
    fix: str


@dataclass
class Check:
    """What ``check_index`` found. ``ok`` when nothing is damaged (debris may remain)."""

    live: str | None
    versions: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.kind == DAMAGE for f in self.findings)

    def add(self, kind: str, what: str, fix: str) -> None:
        self.findings.append(Finding(kind, what, fix))


def segment_counts(
    data_dir: Path, ref: SegmentRef, dim: int, damaged: dict[str, str] | None = None
) -> list[str]:
    """Where a segment's parts disagree with its manifest entry. Files in ``damaged`` (see
    ``segment_problems``, run when not given) are not read."""
    folder = segment_dir(data_dir, ref)
    if damaged is None:
        damaged = segment_problems(data_dir, ref, dim)
    out = []
    if CHUNK_STORE not in damaged:
        try:
            db = sqlite3.connect(f"file:{folder / CHUNK_STORE}?mode=ro", uri=True)
            try:
                n_chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
                n_docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
                quick = db.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                db.close()
            if quick != "ok":
                out.append(f"{ref.name}/{CHUNK_STORE}: SQLite check says {quick!r}")
            if (n_chunks, n_docs) != (ref.n_chunks, ref.n_docs):
                out.append(
                    f"{ref.name}/{CHUNK_STORE}: {n_docs} documents, {n_chunks} chunks; the "
                    f"manifest says {ref.n_docs}, {ref.n_chunks}"
                )
        except sqlite3.Error as exc:
            out.append(f"{ref.name}/{CHUNK_STORE}: unreadable ({exc})")
    if VECTORS not in damaged and (folder / VECTORS).stat().st_size != ref.n_chunks * dim * 4:
        out.append(f"{ref.name}/{VECTORS}: not {ref.n_chunks} vectors of {dim} dimensions")
    if DENSE_INDEX not in damaged:
        try:
            n = faiss.read_index(str(folder / DENSE_INDEX), faiss.IO_FLAG_MMAP).ntotal
            if n != ref.n_chunks:
                out.append(f"{ref.name}/{DENSE_INDEX}: {n} vectors, not {ref.n_chunks}")
        except RuntimeError as exc:
            out.append(f"{ref.name}/{DENSE_INDEX}: unreadable ({str(exc).splitlines()[0]})")
    return out


def check_index(data_dir: Path) -> Check:
    live = live_version(data_dir)
    check = Check(live.path.name if live.path else None, len(version_names(data_dir)))
    if live.problem:
        target = live.path.name if live.path else "nothing"
        check.add(DAMAGE, live.problem, f"point CURRENT at the newest valid version ({target})")
    # -- manifests: two copies each, with their own checksum
    for name in version_names(data_dir):
        folder = versions_dir(data_dir) / name
        broken = {}
        for copy in (MANIFEST, MANIFEST_COPY):
            try:
                Manifest.read(folder / copy)
            except ManifestDamaged as exc:
                broken[copy] = str(exc)
            except Exception as exc:  # another format: reported by whoever opens it
                broken[copy] = str(exc)
        if len(broken) == 2:
            check.add(
                DAMAGE,
                f"version {name}: no intact manifest ({'; '.join(broken.values())})",
                "nothing can restore it; its segments are kept (never collected) and the "
                "newest intact version is served",
            )
        elif broken:
            (what,) = broken.values()
            check.add(DAMAGE, f"version {name}: {what}", "rewrite it from the intact copy")
    manifests = version_manifests(data_dir)
    if any(not m.segments[0].files for m in manifests.values() if m.segments):
        check.add(
            DAMAGE,
            "segments written before checksums were recorded: their bytes cannot be verified",
            "`quarry compact` rewrites them with checksums",
        )
    # -- segments named by any readable manifest
    dim = next(iter(manifests.values())).dim if manifests else 0
    named: dict[int, SegmentRef] = {}
    for m in manifests.values():
        for ref in m.segments:
            named.setdefault(ref.id, ref)
    live_manifest = manifests.get(live.path.name) if live.path else None
    served = {s.id for s in live_manifest.segments} if live_manifest else set(named)
    for _, ref in sorted(named.items()):
        kind = DAMAGE if ref.id in served else OLD
        problems = segment_problems(data_dir, ref, dim)
        for file, what in problems.items():
            fix = (
                "rebuild it from the segment's vectors"
                if file not in TRUTH_FILES
                else "rebuild the segment from its other copies where they exist, else serve "
                "the newest version whose truth is intact"
            )
            if kind == OLD:
                fix = "only an older version lists it (not served); it goes when that version does"
            check.add(kind, f"{ref.name}/{file}: {what}", fix)
        for what in segment_counts(data_dir, ref, dim, problems):
            check.add(kind, what, "rebuild the segment from its intact parts")
    # -- the live version against itself and the lexical index
    if live_manifest is not None:
        _check_live(check, data_dir, live_manifest)
    # -- what dead writes left
    for sid in segment_ids_on_disk(data_dir):
        if sid not in named:
            check.add(
                DEBRIS,
                f"seg-{sid:08d} is in no version (a write that never published)",
                "removed by the next write or `quarry gc`",
            )
    for name in version_names(data_dir):
        if live.path is not None and not live.problem and name > live.path.name:
            check.add(
                DEBRIS,
                f"version {name} is newer than the live one: a write died before CURRENT moved",
                "removed by the next write or `quarry gc`",
            )
    for path in staging_dirs(data_dir):
        check.add(DEBRIS, f"{path.name}: half-built by a dead write", "removed by the next write")
    return check


def _check_live(check: Check, data_dir: Path, m: Manifest) -> None:
    marked = {sid: sum(d.row_end - d.row_start for d in v) for sid, v in m.deleted.items()}
    docs, rows = live_counts(m.segments, m.deleted)
    if (rows, docs) != (m.n_chunks, m.n_documents):
        check.add(
            DAMAGE,
            f"the live manifest counts {m.n_documents} documents, {m.n_chunks} chunks; its "
            f"segments and marks hold {docs}, {rows}",
            "publish a version with the counts recomputed",
        )
    next_id = next_segment_id(data_dir)
    if any(s.id >= next_id for s in m.segments):
        check.add(DAMAGE, "the segment id counter is behind a live segment", "advance it")
    folder = lexical_dir(data_dir)
    if not folder.is_dir():
        check.add(DAMAGE, "the lexical index is missing", "rebuild it from the chunk stores")
        return
    try:
        store = LexicalStore(folder)
        for what in store.problems():
            check.add(DAMAGE, what, "rebuild the lexical index from the chunk stores")
        held = store.counts(range(1, max(next_id, *(s.id + 1 for s in m.segments), 1)))
    except BaseException as exc:  # noqa: BLE001 (Tantivy panics are BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        check.add(
            DAMAGE,
            f"the lexical index cannot be read ({type(exc).__name__})",
            "rebuild the lexical index from the chunk stores",
        )
        return
    for ref in m.segments:
        want = ref.n_chunks - marked.get(ref.id, 0)
        if held.get(ref.id, 0) != want:
            check.add(
                DAMAGE,
                f"the lexical index holds {held.get(ref.id, 0)} entries of {ref.name}, which "
                f"serves {want}",
                "rebuild the lexical index from the chunk stores",
            )
    listed = {s.id for s in m.segments}
    stale = sum(n for sid, n in held.items() if sid not in listed)
    if stale:
        check.add(
            DEBRIS,
            f"the lexical index holds {stale} entries of segments the live version does not list",
            "dropped by the next write or `quarry gc`",
        )
