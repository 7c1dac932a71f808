"""Token-aware, sentence-aware chunking that keeps exact offsets into the document text."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from base.errors import ConfigError
from ingest.loaders import Document
from ingest.markup import Block
from ingest.text import sentence_spans
from ingest.tokens import get_encoding


@dataclass(frozen=True)
class Chunk:
    """A span of a document: ``doc.text[char_start:char_end] == text`` always holds."""

    doc_id: str
    chunk_id: str
    text: str
    char_start: int
    char_end: int
    token_count: int
    page: int | None = None
    # its sentences, as offsets into ``text``, split once at ingest (empty: split when read)
    sentences: tuple[tuple[int, int], ...] = ()
    # the headings of its section ("Noteworthy changes in release 3.8 › Bug fixes"): embedded
    # and indexed with it, never part of its text or of a citation
    section: str = ""

    @property
    def embed_text(self) -> str:
        """What is embedded: the section's headings, then the text."""
        return f"{self.section}\n{self.text}" if self.section else self.text

    def sentence_spans(self) -> list[tuple[int, int]]:
        """``(start, end)`` of each sentence, offsets into ``text``."""
        return list(self.sentences) if self.sentences else sentence_spans(self.text)

    @property
    def text_hash(self) -> str:
        """Key for the embedding cache: identical text is never embedded twice."""
        return hashlib.sha256(self.embed_text.encode("utf-8")).hexdigest()


class Chunker(Protocol):
    """What the index writer needs of a chunker: its settings (recorded in the index) and chunks."""

    chunk_size: int
    chunk_overlap: int

    def chunk(self, doc: Document, fits: Fits | None = None) -> list[Chunk]: ...


_WORD = re.compile(r"\S+")
_LINE = re.compile(r"[^\n]+")
# A packing unit: (start, end, cl100k tokens, its sentence spans); offsets into the text.
Unit = tuple[int, int, int, tuple[tuple[int, int], ...]]
# Whether each text fits the embedder without truncation.
Fits = Callable[[list[str]], list[bool]]


def section_of(text: str, headings: list[Block], at: int) -> str:
    """The headings above offset ``at``: each level's latest, outermost first, joined by " › "
    (a heading that starts the chunk itself counts: it is its section's title)."""
    path: dict[int, str] = {}
    for h in headings:
        if h.char_start > at:
            break
        level = h.level or 1
        path = {k: v for k, v in path.items() if k < level}
        path[level] = text[h.char_start : h.char_end]
    return " › ".join(path[k] for k in sorted(path))


class SentenceChunker:
    """Packs whole sentences into chunks of at most ``chunk_size`` cl100k tokens.

    Adjacent chunks share up to ``chunk_overlap`` tokens of whole sentences. A sentence longer than
    ``chunk_size`` is cut at word boundaries. PDF chunks never span pages.
    """

    def __init__(self, chunk_size: int = 160, chunk_overlap: int = 32) -> None:
        if chunk_overlap >= chunk_size:
            raise ConfigError(
                f"chunk_overlap ({chunk_overlap}) must be smaller than chunk_size ({chunk_size})"
            )
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self._enc = get_encoding()

    def _count(self, text: str) -> int:
        return len(self._enc.encode_ordinary(text))

    def _units(self, text: str, start: int, end: int, blocks: tuple[Block, ...] = ()) -> list[Unit]:
        """The packing units of ``text[start:end]``: sentences, and each code block or table
        whole (its sentences: the block, or the table's rows); a unit over ``chunk_size`` is
        cut at line, then word boundaries."""
        units: list[Unit] = []
        cursor = start
        for b in blocks:
            if b.kind == "heading" or b.char_end <= cursor or b.char_start >= end:
                continue
            units += self._sentence_units(text, cursor, max(cursor, b.char_start))
            s, e = max(b.char_start, cursor), min(b.char_end, end)
            lines = [(m.start(), m.end()) for m in _LINE.finditer(text, s, e)]
            n = self._count(text[s:e])
            if n <= self.chunk_size:
                inner = ((s, e),) if b.kind == "code" else tuple(lines)
                units.append((s, e, n, inner))
            else:  # too long to keep whole: its lines are the units
                for ls, le in lines:
                    units += self._sentence_units(text, ls, le, split=False)
            cursor = e
        units += self._sentence_units(text, cursor, end)
        return units

    def _sentence_units(self, text: str, start: int, end: int, split: bool = True) -> list[Unit]:
        """Sentence spans (or the span itself, ``split`` False) with token counts; over-long
        ones are cut at word boundaries."""
        units: list[Unit] = []
        spans = sentence_spans(text, start, end) if split else [(start, end)]
        for s, e in spans:
            n = self._count(text[s:e])
            if n <= self.chunk_size:
                units.append((s, e, n, ((s, e),)))
                continue
            for ps, pe, pn in self._cut_words(text, s, e):
                units.append((ps, pe, pn, ((ps, pe),)))
        return units

    def _cut_words(self, text: str, s: int, e: int) -> list[tuple[int, int, int]]:
        out: list[tuple[int, int, int]] = []
        piece_start = s
        piece_end = s
        for word in _WORD.finditer(text, s, e):
            if (
                piece_end > piece_start
                and self._count(text[piece_start : word.end()]) > self.chunk_size
            ):
                out.append((piece_start, piece_end, self._count(text[piece_start:piece_end])))
                piece_start = word.start()
            piece_end = word.end()
            if self._count(text[piece_start:piece_end]) > self.chunk_size:
                # A single "word" over the limit (e.g. a long URL): cut by characters.
                out.extend(self._cut_chars(text, piece_start, piece_end))
                piece_start = piece_end
        if piece_end > piece_start:
            out.append((piece_start, piece_end, self._count(text[piece_start:piece_end])))
        return out

    def _cut_chars(self, text: str, start: int, end: int) -> list[tuple[int, int, int]]:
        out = []
        while start < end:
            stop = min(end, start + self.chunk_size)
            while stop > start + 1 and self._count(text[start:stop]) > self.chunk_size:
                stop -= max(1, (stop - start) // 8)
            out.append((start, stop, self._count(text[start:stop])))
            start = stop
        return out

    def chunk(self, doc: Document, fits: Fits | None = None) -> list[Chunk]:
        """``doc``'s chunks. With ``fits`` (the embedder's own limit, see ``IndexWriter``), a
        chunk the embedder would truncate is chunked again, smaller, until every part fits:
        a dense table or a long line never stops an ingest and is never cut off silently."""
        chunks = self._chunks(doc, 0, len(doc.text))
        if fits is not None:
            chunks = self._fitted(doc, chunks, fits)
        return [replace(c, chunk_id=f"{doc.doc_id}#{i:04d}") for i, c in enumerate(chunks)]

    def _fitted(self, doc: Document, chunks: list[Chunk], fits: Fits) -> list[Chunk]:
        ok = fits([c.embed_text for c in chunks])
        if all(ok):
            return chunks
        out: list[Chunk] = []
        for chunk, good in zip(chunks, ok, strict=True):
            size = max(1, min(self.chunk_size, chunk.token_count) // 2)
            if good or size >= chunk.token_count or size < 2:
                out.append(chunk)  # fits, or cannot be cut smaller (the embedder truncates it)
                continue
            smaller = SentenceChunker(size, min(self.chunk_overlap, size // 4))
            out += smaller._fitted(
                doc, smaller._chunks(doc, chunk.char_start, chunk.char_end), fits
            )
        return out

    def _chunks(self, doc: Document, lo: int, hi: int) -> list[Chunk]:
        sections: list[tuple[int, int, int | None]] = [
            (max(p.char_start, lo), min(p.char_end, hi), p.page)
            for p in doc.pages
            if p.char_end > lo and p.char_start < hi
        ] or [(lo, hi, None)]
        headings = [b for b in doc.blocks if b.kind == "heading"]
        chunks: list[Chunk] = []
        for start, end, page in sections:
            units = self._units(doc.text, start, end, doc.blocks)
            first = 0
            for s, e in self._pack(doc.text, units):
                text = doc.text[s:e]
                while first < len(units) and units[first][0] < s:
                    first += 1
                inside = []
                for _, ue, _, spans in units[first:]:
                    if ue > e:
                        break
                    for us, ve in spans:
                        while us < ve and doc.text[us].isspace():
                            us += 1
                        while ve > us and doc.text[ve - 1].isspace():
                            ve -= 1
                        if ve > us:
                            inside.append((us - s, ve - s))
                chunks.append(
                    Chunk(
                        doc_id=doc.doc_id,
                        chunk_id="",
                        text=text,
                        char_start=s,
                        char_end=e,
                        token_count=self._count(text),
                        page=page,
                        sentences=tuple(inside),
                        section=section_of(doc.text, headings, s),
                    )
                )
        return chunks

    def _pack(self, text: str, units: list[Unit]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(units):
            j = i
            total = units[i][2]
            while j + 1 < len(units) and total + units[j + 1][2] + 1 <= self.chunk_size:
                j += 1
                total += units[j][2] + 1
            # The sum is an estimate: whitespace between sentences can add tokens.
            while j > i and self._count(text[units[i][0] : units[j][1]]) > self.chunk_size:
                j -= 1
            spans.append((units[i][0], units[j][1]))
            if j + 1 >= len(units):
                break
            k = j + 1
            overlap = 0
            while k - 1 > i and overlap + units[k - 1][2] <= self.chunk_overlap:
                k -= 1
                overlap += units[k][2]
            i = k
        return spans
