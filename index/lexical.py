"""Lexical retrieval: Quarry's tokenizer, an on-disk Tantivy index over every segment's chunks,
and Okapi BM25 with corpus-wide statistics.

Tantivy finds the candidates (it holds the postings on disk and answers in well under a
millisecond); Quarry then scores those candidates with its own BM25 (k1=1.5, b=0.75, Lucene idf),
with document frequencies from Tantivy, so a lexical score means the same whatever segment or
version a chunk is in. Entries carry their segment id and row; entries of segments a version does
not list, or rows its deletion marks cover, are skipped.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.layout import LEXICAL_SUMS, Manifest, file_checksum
from ingest.text import tokenize

K1 = 1.5
B = 0.75
_MUTABLE = ("meta.json", ".managed.json")  # Tantivy rewrites these; every other file is immutable

log = logging.getLogger("quarry.index")
_verified: dict[tuple[str, int, int], int] = {}  # (path, size, mtime) -> CRC-32 already checked


def _schema():  # type: ignore[no-untyped-def]
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("seg", indexed=True, fast=True)
    builder.add_unsigned_field("row", fast=True)
    # terms arrive already tokenized by ``tokenize`` and joined by spaces
    builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
    return builder.build()


def lexical_text(title: str, text: str) -> list[str]:
    """The terms a chunk is indexed under: its document's title and its own text."""
    return tokenize(f"{title}\n{text}")


class LexicalStore:
    """The Tantivy index in one folder. Writes happen under Quarry's writer lock."""

    def __init__(self, path: Path) -> None:
        import tantivy

        self.path = path
        if not (path / "meta.json").exists():
            path.mkdir(parents=True, exist_ok=True)
            self._index = tantivy.Index(_schema(), path=str(path))
        else:
            self._index = tantivy.Index.open(str(path))

    def add_segment(self, segment_id: int, rows: Iterable[list[str]]) -> None:
        """Index one segment's rows (their terms, in row order) and commit."""
        import tantivy

        writer = self._index.writer(heap_size=128_000_000, num_threads=1)
        try:
            for row, terms in enumerate(rows):
                doc = tantivy.Document()
                doc.add_unsigned("seg", segment_id)
                doc.add_unsigned("row", row)
                doc.add_text("terms", " ".join(terms))
                writer.add_document(doc)
            writer.commit()
        except ValueError as exc:  # tantivy reports I/O failures (disk full...) as ValueError
            writer.rollback()
            raise OSError(f"lexical index: {exc}") from exc
        finally:
            writer.wait_merging_threads()
        self.record_sums()

    def remove_segments(self, segment_ids: Iterable[int]) -> None:
        """Drop every entry of these segments and commit (before their folders are removed)."""
        self._delete([self._seg_query(sid) for sid in segment_ids])

    def remove_rows(self, ranges: Mapping[int, Iterable[tuple[int, int]]]) -> None:
        """Drop the entries of rows ``[start, end)`` of each segment (deleted documents) and
        commit, so the index holds only rows a live version serves."""
        import tantivy

        queries = [
            tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, self._seg_query(sid)),
                    (
                        tantivy.Occur.Must,
                        tantivy.Query.range_query(
                            self._index.schema, "row", tantivy.FieldType.Unsigned, start, end - 1
                        ),
                    ),
                ]
            )
            for sid, spans in ranges.items()
            for start, end in spans
            if end > start
        ]
        self._delete(queries)

    def counts(self, segment_ids: Iterable[int]) -> dict[int, int]:
        """Entries held for each of these segments (committed state)."""
        self._index.reload()
        searcher = self._index.searcher()
        found = {sid: searcher.search(self._seg_query(sid), limit=1) for sid in segment_ids}
        return {sid: int(r.count) for sid, r in found.items()}  # type: ignore[attr-defined]

    def _seg_query(self, segment_id: int):  # type: ignore[no-untyped-def]
        import tantivy

        return tantivy.Query.term_query(self._index.schema, "seg", segment_id)

    def _delete(self, queries: list) -> None:  # type: ignore[type-arg]
        # by query: tantivy 0.27's delete_documents_by_term on an unsigned field deletes nothing
        if not queries:
            return
        writer = self._index.writer(heap_size=64_000_000, num_threads=1)
        try:
            for query in queries:
                writer.delete_documents_by_query(query)
            writer.commit()
            writer.garbage_collect_files()
        except ValueError as exc:
            raise OSError(f"lexical index: {exc}") from exc
        finally:
            writer.wait_merging_threads()
        self.record_sums()

    # -- checksums ---------------------------------------------------------------------------
    # Tantivy's segment files never change once written, so their size and CRC-32 are recorded
    # after every commit (``lexical.sums.json`` beside the folder) and checked when opened. A
    # file written since the last record is not checked yet; one removed since is skipped.

    @property
    def sums_path(self) -> Path:
        return self.path.parent / LEXICAL_SUMS

    def _files(self) -> list[Path]:
        return sorted(
            p
            for p in self.path.iterdir()
            if p.is_file() and p.name not in _MUTABLE and not p.name.endswith(".lock")
        )

    def record_sums(self) -> None:
        sums = {}
        for path in self._files():
            size, crc = _checked(path)
            sums[path.name] = [size, crc]
        tmp = self.sums_path.with_name(f".{LEXICAL_SUMS}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(sums))
        os.replace(tmp, self.sums_path)

    def problems(self) -> list[str]:
        """The lexical index's damaged files (``[]`` when intact or when nothing was recorded)."""
        try:
            sums = json.loads(self.sums_path.read_text())
        except FileNotFoundError:
            return []
        except (OSError, ValueError):
            return [f"{LEXICAL_SUMS} is unreadable"]
        out = []
        for name, (size, crc) in sorted(sums.items()):
            path = self.path / name
            try:
                found = _checked(path)
            except FileNotFoundError:
                continue  # merged away since: Tantivy only removes files no commit uses
            except OSError as exc:
                out.append(f"lexical/{name}: unreadable ({exc.strerror})")
                continue
            if found != (size, crc):
                out.append(f"lexical/{name}: checksum mismatch")
        return out

    def snapshot(self) -> LexicalSnapshot:
        self._index.reload()
        return LexicalSnapshot(self._index, self._index.searcher())


def _checked(path: Path) -> tuple[int, int]:
    """(size, CRC-32) of an immutable file, computed once per process."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _verified:
        _verified[key] = file_checksum(path)[1]
    return st.st_size, _verified[key]


def prune_lexical(store: LexicalStore, live: Manifest, next_id: int) -> int:
    """Make ``store`` hold exactly the rows ``live`` serves: drop the entries of every other
    segment id ever handed out (older versions', dead writes') and of rows its deletion marks
    cover. Checks counts first, so a write that changed nothing there commits nothing. Returns
    how many entries were dropped."""
    listed = {s.id: s for s in live.segments}
    held = store.counts(range(1, max(next_id, *listed, 0) + 1))
    gone_segments = [sid for sid, n in held.items() if n and sid not in listed]
    ranges: dict[int, list[tuple[int, int]]] = {}
    dropped = sum(held[sid] for sid in gone_segments)
    for sid, ref in listed.items():
        marks = live.deleted.get(sid, ())
        expected = ref.n_chunks - sum(m.row_end - m.row_start for m in marks)
        if held[sid] > expected and marks:
            ranges[sid] = [(m.row_start, m.row_end) for m in marks]
            dropped += held[sid] - expected
    store.remove_segments(gone_segments)
    store.remove_rows(ranges)
    return dropped


@dataclass(frozen=True)
class Live:
    """What a version can see: its segments (id -> deleted rows) and BM25's average length."""

    segments: Mapping[int, frozenset[int]]
    avg_len: float


class LexicalSnapshot:
    """One committed state of the lexical index, for one version's queries."""

    def __init__(self, index, searcher) -> None:  # type: ignore[no-untyped-def]
        self._index = index
        self._searcher = searcher
        self.n_rows = int(searcher.num_docs)

    def doc_freq(self, term: str) -> int:
        return int(self._searcher.doc_freq("terms", term))

    def share(self, term: str) -> float:
        """Share of rows holding ``term`` (a term from ``tokenize``); 0 for an empty index."""
        return self.doc_freq(term) / self.n_rows if self.n_rows else 0.0

    def candidates(self, terms: list[str], n: int, live: Live) -> list[tuple[int, int]]:
        """Up to ``n`` (segment id, row) pairs matching any of ``terms``, best first, live only."""
        import tantivy

        distinct = list(dict.fromkeys(terms))
        if not distinct or not self.n_rows or n <= 0:
            return []
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.term_query(self._index.schema, "terms", t))
                for t in distinct
            ]
        )
        limit = n + sum(len(d) for d in live.segments.values())
        while True:
            hits = self._searcher.search(query, limit=min(limit, self.n_rows), count=False).hits
            addresses = [addr for _, addr in hits]
            segs = self._searcher.fast_field_values("seg", addresses)
            rows = self._searcher.fast_field_values("row", addresses)
            out = []
            for seg, row in zip(segs, rows, strict=True):
                deleted = live.segments.get(seg)
                if deleted is not None and row not in deleted:
                    out.append((int(seg), int(row)))
                    if len(out) == n:
                        return out
            if len(hits) < limit or limit >= self.n_rows:
                return out
            limit *= 4  # entries of other versions' segments crowded the top: look further

    def bm25(self, terms: list[str], rows: list[list[str]], avg_len: float) -> np.ndarray:
        """Okapi BM25 of each row (its terms) for the query ``terms``, corpus-wide statistics."""
        scores = np.zeros(len(rows), dtype=np.float32)
        if not terms or not rows or not self.n_rows:
            return scores
        idf = {}
        for t in set(terms):
            df = self.doc_freq(t)
            if df:
                idf[t] = float(np.log(1 + (self.n_rows - df + 0.5) / (df + 0.5)))
        if not idf:
            return scores
        avg_len = avg_len or 1.0
        for i, row in enumerate(rows):
            counts: dict[str, int] = {}
            for t in row:
                if t in idf:
                    counts[t] = counts.get(t, 0) + 1
            if not counts:
                continue
            norm = K1 * (1 - B + B * len(row) / avg_len)
            scores[i] = sum(idf[t] * tf / (tf + norm) for t in terms if (tf := counts.get(t)))
        return scores
