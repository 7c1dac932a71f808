"""Lexical retrieval: Quarry's tokenizer, an on-disk Tantivy index over every segment's chunks,
and Okapi BM25 with corpus-wide statistics.

Tantivy finds the candidates (it holds the postings on disk and answers in well under a
millisecond); Quarry then scores those candidates with its own BM25 (k1=1.5, b=0.75, Lucene idf),
with document frequencies from Tantivy, so a lexical score means the same whatever segment or
version a chunk is in. Entries carry their segment id and row; entries of segments a version does
not list, or rows its deletion marks cover, are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.text import tokenize

K1 = 1.5
B = 0.75


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

    def remove_segments(self, segment_ids: Iterable[int]) -> None:
        """Drop every entry of these segments and commit (before their folders are removed)."""
        ids = list(segment_ids)
        if not ids:
            return
        writer = self._index.writer(heap_size=64_000_000, num_threads=1)
        try:
            for sid in ids:
                writer.delete_documents_by_term("seg", sid)
            writer.commit()
            writer.garbage_collect_files()
        except ValueError as exc:
            raise OSError(f"lexical index: {exc}") from exc
        finally:
            writer.wait_merging_threads()

    def snapshot(self) -> LexicalSnapshot:
        self._index.reload()
        return LexicalSnapshot(self._index, self._index.searcher())


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
