"""The on-disk format of an index. This is the only module that knows file names and schemas.

    data_dir/
      CURRENT                       name of the live version (replaced atomically)
      versions/<name>/manifest.json a version: the segments it is made of (each file's size and
                                    CRC-32), deletion marks, and its own checksum
      versions/<name>/manifest.copy.json  the same, a second copy (either one is enough)
      segments/seg-<id>/            one immutable segment, shared by every version that lists it
        chunks.sqlite               documents (title, source, text) and chunks (text, offsets)
        vectors.f32                 the chunks' vectors, row-major float32, memory-mapped
        dense.faiss                 the segment's search index: exact when small, ANN above
      lexical/                      Tantivy: one entry per live chunk row (segment id, row, terms)
      lexical.sums.json             size and CRC-32 of lexical/'s immutable files
      embeddings.sqlite             vector cache, keyed by (embedder, sha256 of chunk text)
      deletions.json                recent deletions (doc id -> time), see ``record_tombstones``
      segment-ids                   the next segment id: it only grows (``allocate_segment_ids``)
      feedback.sqlite               answers given and feedback on them (``quarry.feedback``); not
                                    part of any version: it survives re-ingests
      staging-*/                    something being built; never read, removed by the next writer

Writes never modify a file that a version refers to. An upsert writes a new segment and marks the
replaced documents' rows deleted in the new version's manifest; a delete only writes marks. A
version is published by writing its manifest (fsync, rename) and then ``CURRENT``.

The truth is each segment's chunk store and vectors; its FAISS file and the lexical index are
derived from them and can be rebuilt (``index.repair``). Every file a manifest names carries a
checksum there, verified when a segment is opened and by ``quarry doctor`` (``index.check``).

Invariant for crash safety: a segment's folder is complete before its rows enter the lexical
index, and its rows leave the lexical index before its folder is removed; so every lexical entry
names a segment folder that exists, and entries of segments no version lists are filtered out
(and purged by the next writer).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import faiss
import numpy as np

from base.faults import fault_point

log = logging.getLogger("quarry.index")

FORMAT_VERSION = 2
CURRENT = "CURRENT"
VERSIONS = "versions"
SEGMENTS = "segments"
LEXICAL = "lexical"
MANIFEST = "manifest.json"
MANIFEST_COPY = "manifest.copy.json"
LEXICAL_SUMS = "lexical.sums.json"
SEGMENT_INFO = "segment.json"
CHUNK_STORE = "chunks.sqlite"
VECTORS = "vectors.f32"
DENSE_INDEX = "dense.faiss"
EMBEDDING_CACHE = "embeddings.sqlite"
WRITER_LOCK = ".writer.lock"
TOMBSTONES = "deletions.json"
TOMBSTONE_DAYS = 7
SEGMENT_IDS = "segment-ids"
FEEDBACK = "feedback.sqlite"

_SCHEMA = (
    # text is last so that reading a title or source never pages in a long document
    "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, title TEXT, source TEXT, "
    "content_hash TEXT, n_chunks INTEGER, row_start INTEGER, row_end INTEGER, pages TEXT, "
    "n_chars INTEGER, text TEXT)",
    # terms: the chunk's lexical terms, space-joined, so BM25 never re-tokenizes at query time
    "CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT, doc_id TEXT, "
    "char_start INTEGER, char_end INTEGER, token_count INTEGER, page INTEGER, "
    "terms TEXT, sentences TEXT, text TEXT, text_hash TEXT)",
)


@dataclass(frozen=True)
class SegmentRef:
    """A segment as a version's manifest lists it."""

    id: int
    n_docs: int
    n_chunks: int
    lex_tokens: int  # sum of the chunks' lexical lengths (for BM25's average length)
    dense: str  # "flat" or the FAISS factory string of its ANN index
    files: tuple[tuple[str, int, int], ...] = ()  # (name, size, CRC-32); empty in old indexes

    @property
    def name(self) -> str:
        return f"seg-{self.id:08d}"

    @classmethod
    def from_json(cls, data: dict) -> SegmentRef:  # type: ignore[type-arg]
        files = tuple((str(n), int(size), int(crc)) for n, size, crc in data.pop("files", ()))
        return cls(**data, files=files)


@dataclass(frozen=True)
class Deleted:
    """Rows ``[row_start, row_end)`` of one segment, the chunks of a document no longer live."""

    doc_id: str
    row_start: int
    row_end: int


@dataclass(frozen=True)
class Manifest:
    embedder: str
    dim: int
    chunk_size: int
    chunk_overlap: int
    n_documents: int  # live documents
    n_chunks: int  # live chunks
    created_at: str
    segments: tuple[SegmentRef, ...] = ()
    deleted: dict[int, tuple[Deleted, ...]] = field(default_factory=dict)  # segment id -> marks
    format_version: int = FORMAT_VERSION
    next_segment_id: int = 0  # the counter when this version was written (0: not recorded)

    @classmethod
    def of(cls, version_dir: Path) -> Manifest:
        """The manifest of the version in ``version_dir``: its first copy that is intact.

        Raises:
            ManifestDamaged: neither copy is intact.
            IndexMismatchError: it is of another on-disk format.
        """
        problems = []
        for name in (MANIFEST, MANIFEST_COPY):
            try:
                return cls.read(version_dir / name)
            except ManifestDamaged as exc:
                problems.append(str(exc))
        raise ManifestDamaged("; ".join(problems))

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """One copy of a manifest. Raises ``ManifestDamaged`` when it is missing, unreadable
        or fails its checksum."""
        try:
            data = json.loads(path.read_text())
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (OSError, ValueError) as exc:
            raise ManifestDamaged(f"{path.parent.name}/{path.name}: {exc}") from None
        recorded = data.pop("checksum", None)
        if recorded is not None and recorded != _checksum(data):
            raise ManifestDamaged(f"{path.parent.name}/{path.name}: checksum mismatch")
        if data.get("format_version") != FORMAT_VERSION:
            from base.errors import IndexMismatchError

            raise IndexMismatchError(
                f"the index in {path.parent.parent.parent} has on-disk format "
                f"{data.get('format_version')}, this Quarry reads format {FORMAT_VERSION}; "
                "re-ingest into a new data directory"
            )
        return cls(
            embedder=data["embedder"],
            dim=data["dim"],
            chunk_size=data["chunk_size"],
            chunk_overlap=data["chunk_overlap"],
            n_documents=data["n_documents"],
            n_chunks=data["n_chunks"],
            created_at=data["created_at"],
            segments=tuple(SegmentRef.from_json(dict(s)) for s in data["segments"]),
            deleted={
                int(k): tuple(Deleted(*m) for m in v) for k, v in data.get("deleted", {}).items()
            },
            next_segment_id=int(data.get("next_segment_id", 0)),
        )

    def to_json(self) -> str:
        data = asdict(self)
        data["deleted"] = {
            str(k): [[m.doc_id, m.row_start, m.row_end] for m in v]
            for k, v in self.deleted.items()
            if v
        }
        data = json.loads(json.dumps(data))  # tuples as lists, as a reader will see them
        return json.dumps({**data, "checksum": _checksum(data)}, indent=1) + "\n"

    @property
    def n_rows(self) -> int:
        """Rows in all segments, deleted ones included (what the lexical index holds)."""
        return sum(s.n_chunks for s in self.segments)


def live_counts(
    segments: Iterable[SegmentRef], deleted: dict[int, tuple[Deleted, ...]]
) -> tuple[int, int]:
    """(live documents, live chunks) of these segments under these deletion marks: what a
    manifest's ``n_documents`` and ``n_chunks`` must say."""
    segments = list(segments)
    docs = sum(s.n_docs for s in segments) - sum(len(v) for v in deleted.values())
    rows = sum(s.n_chunks for s in segments) - sum(
        m.row_end - m.row_start for v in deleted.values() for m in v
    )
    return docs, rows


class ManifestDamaged(ValueError):
    """A manifest copy that is missing, cut short, not JSON, or fails its checksum."""


def _checksum(data: dict) -> int:  # type: ignore[type-arg]
    return zlib.crc32(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())


def file_checksum(path: Path) -> tuple[int, int]:
    """(size, CRC-32) of a file, read in 1 MB pieces."""
    crc = 0
    size = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            crc = zlib.crc32(block, crc)
            size += len(block)
    return size, crc


def check_embedder(manifest: Manifest, data_dir: Path, name: str, dim: int) -> None:
    """Refuse to read or write an index with an embedder other than the one that built it."""
    if manifest.embedder != name or manifest.dim != dim:
        from base.errors import IndexMismatchError

        raise IndexMismatchError(
            f"the index in {data_dir} was built with embedder {manifest.embedder!r} "
            f"(dim {manifest.dim}) but the configured embedder is {name!r} (dim {dim}); set "
            f"QUARRY_EMBEDDER={manifest.embedder} or re-ingest into a new data directory"
        )


def versions_dir(data_dir: Path) -> Path:
    return data_dir / VERSIONS


def segment_dir(data_dir: Path, segment: SegmentRef | int) -> Path:
    sid = segment if isinstance(segment, int) else segment.id
    return data_dir / SEGMENTS / f"seg-{sid:08d}"


def lexical_dir(data_dir: Path) -> Path:
    return data_dir / LEXICAL


def feedback_path(data_dir: Path) -> Path:
    return data_dir / FEEDBACK


def cache_path(data_dir: Path) -> Path:
    return data_dir / EMBEDDING_CACHE


# -- live version ---------------------------------------------------------------------------------


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
    try:
        manifest = Manifest.of(path)
    except Exception:  # damaged, or another format
        return False
    return all(
        (segment_dir(path.parent.parent, s.id) / SEGMENT_INFO).is_file() for s in manifest.segments
    )


def live_version(data_dir: Path) -> LiveVersion:
    """Resolve ``CURRENT``; never mistake a broken pointer for an empty index."""
    versions = versions_dir(data_dir)
    problem = None
    try:
        name = (data_dir / CURRENT).read_bytes().decode("utf-8").strip()
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


def has_versions(data_dir: Path) -> bool:
    versions = versions_dir(data_dir)
    return versions.is_dir() and any(versions.iterdir())


def version_names(data_dir: Path) -> list[str]:
    """The names of the version folders on disk, oldest first (readable or not)."""
    versions = versions_dir(data_dir)
    return sorted(p.name for p in versions.iterdir()) if versions.is_dir() else []


def pointer_state(data_dir: Path) -> tuple[float, bytes] | None:
    """What ``CURRENT`` says now, cheaply (mtime, content), to notice a newly published version.
    None when nothing was ingested; ``(0.0, b"")`` when versions exist without a pointer
    (damaged, not empty: ``live_version`` serves the newest)."""
    path = data_dir / CURRENT
    try:
        return (path.stat().st_mtime, path.read_bytes().strip())
    except FileNotFoundError:
        return (0.0, b"") if has_versions(data_dir) else None


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for f in path.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    fsync_dir(path)


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically and durably (write, fsync, rename, fsync dir)."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    with open(tmp, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def write_current(data_dir: Path, name: str) -> None:
    """Point ``CURRENT`` at version ``name`` atomically (write, fsync, rename)."""
    replace_file(data_dir / CURRENT, name + "\n")


def allocate_segment_ids(data_dir: Path, n: int) -> int:
    """Reserve ``n`` new segment ids and return the first (call under the writer lock).

    The counter only grows and is on disk before any of its ids is used, so the id of a write
    that died (its folder and lexical rows perhaps half there, then collected) is never handed
    out again: a stale entry can never be mistaken for a live segment's.
    """
    floor = max(
        [
            *segment_ids_on_disk(data_dir),
            *(s.id for m in version_manifests(data_dir).values() for s in m.segments),
        ],
        default=0,
    )
    first = max(floor + 1, next_segment_id(data_dir))
    replace_file(data_dir / SEGMENT_IDS, f"{first + n}\n")
    return first


def next_segment_id(data_dir: Path) -> int:
    """The id the next segment will get at the earliest (1 in a new index)."""
    try:
        stored = int((data_dir / SEGMENT_IDS).read_text().strip())
    except (FileNotFoundError, ValueError):
        stored = 1
    recorded = [m.next_segment_id for m in version_manifests(data_dir).values()]
    return max(stored, *recorded, 1)


def publish_version(data_dir: Path, manifest: Manifest) -> str:
    """Write ``manifest`` as a new version and make it live; returns the version's name."""
    name = f"v{time.time_ns() // 1_000_000:014d}-{os.getpid()}"
    staging = data_dir / f"staging-{name}"
    staging.mkdir(parents=True)
    text = manifest.to_json()
    (staging / MANIFEST).write_text(text)
    (staging / MANIFEST_COPY).write_text(text)
    _fsync_tree(staging)
    versions = versions_dir(data_dir)
    versions.mkdir(exist_ok=True)
    os.replace(staging, versions / name)
    fsync_dir(versions)
    fault_point("write.manifest")
    write_current(data_dir, name)
    fault_point("write.current")
    return name


def version_manifests(data_dir: Path) -> dict[str, Manifest]:
    """Every readable version on disk, by name."""
    out = {}
    versions = versions_dir(data_dir)
    for path in sorted(versions.iterdir()) if versions.is_dir() else []:
        try:
            out[path.name] = Manifest.of(path)
        except Exception:  # unreadable or another format: not a version this Quarry can use
            continue
    return out


def remove_versions(data_dir: Path, names: Iterable[str]) -> None:
    for name in names:
        shutil.rmtree(versions_dir(data_dir) / name, ignore_errors=True)


def segment_ids_on_disk(data_dir: Path) -> list[int]:
    root = data_dir / SEGMENTS
    out = []
    for path in root.iterdir() if root.is_dir() else []:
        if path.name.startswith("seg-") and path.name[4:].isdigit():
            out.append(int(path.name[4:]))
    return sorted(out)


def remove_segment(data_dir: Path, segment_id: int) -> None:
    shutil.rmtree(segment_dir(data_dir, segment_id), ignore_errors=True)


def disk_usage(data_dir: Path) -> int:
    """Bytes the files under ``data_dir`` take."""
    return sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file())


def staging_dirs(data_dir: Path) -> list[Path]:
    """What writers are building, or what dead writers left half-built."""
    return sorted(
        [
            *data_dir.glob("staging-*"),
            *(data_dir / SEGMENTS).glob("staging-*"),
            *data_dir.glob(f"{LEXICAL}.rebuild-*"),
            *data_dir.glob(f"{LEXICAL}.old-*"),
        ]
    )


def remove_staging(data_dir: Path) -> None:
    """Remove what a dead writer left half-built (call under the writer lock)."""
    for stale in staging_dirs(data_dir):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in data_dir.glob(".*.tmp"):
        stale.unlink(missing_ok=True)


@contextmanager
def writer_lock(data_dir: Path) -> Iterator[None]:
    """Hold the index's writer lock (one writer at a time, across processes); what a dead
    writer left half-built is removed on entry."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / WRITER_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        remove_staging(data_dir)
        yield


# -- segments -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocRow:
    """A document to write into a segment (its chunks follow in ``ChunkRow``s)."""

    doc_id: str
    title: str
    source: str
    content_hash: str
    pages: list[list[int]]  # [page, char_start, char_end]
    text: str


class DocumentRecord(NamedTuple):
    """A document as a segment's ``documents`` table holds it (``text`` only when asked for)."""

    doc_id: str
    title: str
    source: str
    content_hash: str
    n_chunks: int
    row_start: int
    row_end: int
    pages: list[list[int]]  # [page, char_start, char_end]
    n_chars: int
    text: str | None = None


_DOCUMENT_COLUMNS = (
    "doc_id, title, source, content_hash, n_chunks, row_start, row_end, pages, n_chars"
)


def _document_record(row: tuple) -> DocumentRecord:
    doc_id, title, source, content_hash, n_chunks, row_start, row_end, pages, n_chars = row[:9]
    text = row[9] if len(row) > 9 else None
    return DocumentRecord(
        doc_id,
        title,
        source,
        content_hash,
        n_chunks,
        row_start,
        row_end,
        json.loads(pages),
        n_chars,
        text,
    )


def spans_to_text(spans: Iterable[tuple[int, int]]) -> str:
    return " ".join(f"{a}-{b}" for a, b in spans)


def spans_from_text(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, b in (p.split("-") for p in text.split()))


class ChunkRow(NamedTuple):
    """A chunk as a segment stores it, in the ``chunks`` table's column order (after ``row``)."""

    chunk_id: str
    doc_id: str
    char_start: int
    char_end: int
    token_count: int
    page: int | None
    terms: str  # lexical terms, space-joined
    sentences: str  # sentence spans in the chunk's text: "start-end start-end ..."
    text: str
    text_hash: str = ""  # its embedding cache key ("" in segments written before it was kept)


def write_segment(
    data_dir: Path,
    segment_id: int,
    docs: list[DocRow],
    chunks: list[ChunkRow],
    vectors: np.ndarray,
    dense_index: faiss.Index,
    dense_kind: str,
) -> SegmentRef:
    """Write a complete segment folder (chunks grouped by document, in ``docs`` order)."""
    root = data_dir / SEGMENTS
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f"staging-{segment_id:08d}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    db = sqlite3.connect(str(staging / CHUNK_STORE))
    with db:
        for statement in _SCHEMA:
            db.execute(statement)
        bounds: dict[str, list[int]] = {}
        for row, c in enumerate(chunks):
            b = bounds.setdefault(c.doc_id, [row, row])
            b[1] = row + 1
        db.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    d.doc_id,
                    d.title,
                    d.source,
                    d.content_hash,
                    bounds.get(d.doc_id, [0, 0])[1] - bounds.get(d.doc_id, [0, 0])[0],
                    *bounds.get(d.doc_id, [0, 0]),
                    json.dumps(d.pages),
                    len(d.text),
                    d.text,
                )
                for d in docs
            ],
        )
        db.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, *c) for i, c in enumerate(chunks)],
        )
    db.close()
    np.ascontiguousarray(vectors, dtype=np.float32).tofile(staging / VECTORS)
    try:
        faiss.write_index(dense_index, str(staging / DENSE_INDEX))
    except RuntimeError as exc:  # FAISS reports a failed write (disk full...) this way
        raise OSError(f"cannot write {DENSE_INDEX}: {str(exc).splitlines()[0]}") from None
    ref = SegmentRef(
        id=segment_id,
        n_docs=len(docs),
        n_chunks=len(chunks),
        lex_tokens=sum(c.terms.count(" ") + 1 for c in chunks if c.terms),
        dense=dense_kind,
        files=tuple((name, *file_checksum(staging / name)) for name in SEGMENT_FILES),
    )
    (staging / SEGMENT_INFO).write_text(json.dumps(asdict(ref)) + "\n")  # written last
    _fsync_tree(staging)
    target = segment_dir(data_dir, segment_id)
    if target.exists():
        # Ids are decided under the writer lock past every id on disk, so only a retried build
        # of this same segment (its first worker died after the rename) can have left it.
        shutil.rmtree(target)
    os.replace(staging, target)
    fsync_dir(root)
    return ref


SEGMENT_FILES = (CHUNK_STORE, VECTORS, DENSE_INDEX)
TRUTH_FILES = (CHUNK_STORE, VECTORS)  # the dense index is derived from the vectors


def segment_problems(
    data_dir: Path, ref: SegmentRef, dim: int, full: bool = True
) -> dict[str, str]:
    """What is wrong with each damaged file of a segment (``{}`` when it is intact): missing,
    another size than its manifest recorded, or (``full``) another CRC-32."""
    folder = segment_dir(data_dir, ref)
    problems: dict[str, str] = {}
    expected = {name: (size, crc) for name, size, crc in ref.files}
    expected.setdefault(VECTORS, (ref.n_chunks * dim * 4, -1))  # old indexes: at least this
    for name in SEGMENT_FILES:
        path = folder / name
        want = expected.get(name)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            problems[name] = "missing"
            continue
        except OSError as exc:
            problems[name] = f"unreadable ({exc.strerror})"
            continue
        if want is None:
            continue
        if size != want[0]:
            problems[name] = f"{size} bytes, the manifest recorded {want[0]}"
        elif full and want[1] >= 0:
            try:
                crc = file_checksum(path)[1]
            except OSError as exc:
                problems[name] = f"unreadable ({exc.strerror})"
                continue
            if crc != want[1]:
                problems[name] = "checksum mismatch (the file changed after it was written)"
    return problems


class SegmentFiles:
    """Read access to one segment folder. Thread-safe; nothing is loaded until asked for."""

    def __init__(self, data_dir: Path, ref: SegmentRef, dim: int) -> None:
        import threading

        self.ref = ref
        self.path = segment_dir(data_dir, ref)
        self._db = sqlite3.connect(
            f"file:{self.path / CHUNK_STORE}?mode=ro", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(chunks)")}
        self._hash = "c.text_hash" if "text_hash" in columns else "''"
        self.n_rows = ref.n_chunks
        self.dim = dim
        # Vectors are read with pread, a few rows at a time (the candidates'), not memory-mapped:
        # the kernel maps page-cache folios of up to 2 MB into a mapping, so 100 random rows of a
        # mapped file made 180 MB of resident memory.
        self._fd = os.open(self.path / VECTORS, os.O_RDONLY) if ref.n_chunks else -1

    def read_vectors(self, rows: Iterable[int]) -> np.ndarray:
        """The vectors of ``rows`` (in that order); runs of neighbouring rows are read at once."""
        rows = list(rows)
        out = np.empty((len(rows), self.dim), dtype=np.float32)
        order = sorted(range(len(rows)), key=rows.__getitem__)
        width = self.dim * 4
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and rows[order[j + 1]] <= rows[order[j]] + 1:
                j += 1
            first, last = rows[order[i]], rows[order[j]]
            data = os.pread(self._fd, (last - first + 1) * width, first * width)
            block = np.frombuffer(data, dtype=np.float32).reshape(-1, self.dim)
            for k in order[i : j + 1]:
                out[k] = block[rows[k] - first]
            i = j + 1
        return out

    def read_range(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start`` to ``stop`` (exclusive), in one read."""
        stop = min(stop, self.n_rows)
        if stop <= start:
            return np.zeros((0, self.dim), dtype=np.float32)
        width = self.dim * 4
        data = os.pread(self._fd, (stop - start) * width, start * width)
        return np.frombuffer(data, dtype=np.float32).reshape(-1, self.dim).copy()

    def read_dense(self) -> faiss.Index:
        return faiss.read_index(str(self.path / DENSE_INDEX), faiss.IO_FLAG_MMAP)

    def query(self, sql: str, args: Iterable[object] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, list(args)).fetchall()

    def chunks(self, rows: list[int]) -> list[tuple[int, ChunkRow, str, str]]:
        """(row, chunk, its document's title, its source) for ``rows`` of this segment."""
        out: list[tuple[int, ChunkRow, str, str]] = []
        for i in range(0, len(rows), 500):
            part = rows[i : i + 500]
            for row, *fields, title, source in self.query(
                "SELECT c.row, c.chunk_id, c.doc_id, c.char_start, c.char_end, c.token_count, "
                f"c.page, c.terms, c.sentences, c.text, {self._hash}, d.title, d.source "
                "FROM chunks c JOIN documents d USING (doc_id) "
                f"WHERE c.row IN ({','.join('?' * len(part))})",
                part,
            ):
                out.append((row, ChunkRow(*fields), title, source))
        return out

    def iter_chunks(self) -> Iterator[tuple[int, ChunkRow]]:
        """Every chunk in row order (for compaction), without loading them all."""
        with self._lock:
            cursor = self._db.execute(
                "SELECT c.row, c.chunk_id, c.doc_id, c.char_start, c.char_end, c.token_count, "
                f"c.page, c.terms, c.sentences, c.text, {self._hash} FROM chunks c ORDER BY row"
            )
            rows = cursor.fetchmany(2000)
        while rows:
            for row, *fields in rows:
                yield row, ChunkRow(*fields)
            with self._lock:
                rows = cursor.fetchmany(2000)

    def text_hashes(self) -> set[str] | None:
        """Every chunk's embedding cache key (None for a segment written before they were kept)."""
        if self._hash == "''":
            return None
        return {h for (h,) in self.query("SELECT text_hash FROM chunks")}

    def documents(
        self, doc_ids: list[str] | None = None, with_text: bool = False
    ) -> list[DocumentRecord]:
        """The documents ``doc_ids`` (all when None, by id), with their text if ``with_text``."""
        cols = _DOCUMENT_COLUMNS + (", text" if with_text else "")
        if doc_ids is None:
            rows = self.query(f"SELECT {cols} FROM documents ORDER BY doc_id")
        else:
            rows = []
            for i in range(0, len(doc_ids), 500):
                part = doc_ids[i : i + 500]
                rows += self.query(
                    f"SELECT {cols} FROM documents WHERE doc_id IN ({','.join('?' * len(part))})",
                    part,
                )
        return [_document_record(r) for r in rows]

    def excerpt(self, doc_id: str, start: int, end: int) -> str | None:
        rows = self.query(
            "SELECT substr(text, ?, ?) FROM documents WHERE doc_id = ?",
            (start + 1, end - start, doc_id),
        )
        if not rows:
            return None
        if len(rows[0][0] or "") == end - start:
            return str(rows[0][0])
        # Short: the text ends first, or SQLite's text functions stopped at a NUL. Read the
        # stored bytes (which a NUL does not cut) and slice them in Python.
        raw = self.query("SELECT CAST(text AS BLOB) FROM documents WHERE doc_id = ?", (doc_id,))
        return bytes(raw[0][0] or b"").decode("utf-8")[start:end]

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __del__(self) -> None:
        if getattr(self, "_fd", -1) >= 0:
            os.close(self._fd)


# -- tombstones -----------------------------------------------------------------------------------


def read_tombstones(data_dir: Path) -> dict[str, float]:
    """doc_id -> when it was deleted (unix time), for the last ``TOMBSTONE_DAYS`` days."""
    try:
        data = json.loads((data_dir / TOMBSTONES).read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def record_tombstones(data_dir: Path, doc_ids: set[str], now: float | None = None) -> None:
    """Remember deletions (called under the writer lock), forgetting old ones."""
    now = time.time() if now is None else now
    kept = {k: v for k, v in read_tombstones(data_dir).items() if now - v < TOMBSTONE_DAYS * 86400}
    kept.update(dict.fromkeys(doc_ids, now))
    replace_file(data_dir / TOMBSTONES, json.dumps(kept))
