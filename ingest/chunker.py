"""Token-aware, sentence-aware chunking that keeps exact offsets into the document text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Protocol

from base.errors import ConfigError
from ingest.loaders import Document
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

    def sentence_spans(self) -> list[tuple[int, int]]:
        """``(start, end)`` of each sentence, offsets into ``text``."""
        return list(self.sentences) if self.sentences else sentence_spans(self.text)

    @property
    def text_hash(self) -> str:
        """Key for the embedding cache: identical text is never embedded twice."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


class Chunker(Protocol):
    """What the index writer needs of a chunker: its settings (recorded in the index) and chunks."""

    chunk_size: int
    chunk_overlap: int

    def chunk(self, doc: Document) -> list[Chunk]: ...


_WORD = re.compile(r"\S+")


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

    def _units(self, text: str, start: int, end: int) -> list[tuple[int, int, int]]:
        """Sentence spans with token counts; over-long sentences are cut at word boundaries."""
        units: list[tuple[int, int, int]] = []
        for s, e in sentence_spans(text, start, end):
            n = self._count(text[s:e])
            if n <= self.chunk_size:
                units.append((s, e, n))
                continue
            piece_start = s
            piece_end = s
            for word in _WORD.finditer(text, s, e):
                if (
                    piece_end > piece_start
                    and self._count(text[piece_start : word.end()]) > self.chunk_size
                ):
                    units.append((piece_start, piece_end, self._count(text[piece_start:piece_end])))
                    piece_start = word.start()
                piece_end = word.end()
                if self._count(text[piece_start:piece_end]) > self.chunk_size:
                    # A single "word" over the limit (e.g. a long URL): cut by characters.
                    units.extend(self._cut_chars(text, piece_start, piece_end))
                    piece_start = piece_end
            if piece_end > piece_start:
                units.append((piece_start, piece_end, self._count(text[piece_start:piece_end])))
        return units

    def _cut_chars(self, text: str, start: int, end: int) -> list[tuple[int, int, int]]:
        out = []
        while start < end:
            stop = min(end, start + self.chunk_size)
            while stop > start + 1 and self._count(text[start:stop]) > self.chunk_size:
                stop -= max(1, (stop - start) // 8)
            out.append((start, stop, self._count(text[start:stop])))
            start = stop
        return out

    def chunk(self, doc: Document) -> list[Chunk]:
        sections: list[tuple[int, int, int | None]] = [
            (p.char_start, p.char_end, p.page) for p in doc.pages
        ] or [(0, len(doc.text), None)]
        chunks: list[Chunk] = []
        for start, end, page in sections:
            units = self._units(doc.text, start, end)
            first = 0
            for s, e in self._pack(doc.text, units):
                text = doc.text[s:e]
                while first < len(units) and units[first][0] < s:
                    first += 1
                inside = []
                for us, ue, _ in units[first:]:
                    if ue > e:
                        break
                    while us < ue and doc.text[us].isspace():
                        us += 1
                    while ue > us and doc.text[ue - 1].isspace():
                        ue -= 1
                    if ue > us:
                        inside.append((us - s, ue - s))
                chunks.append(
                    Chunk(
                        doc_id=doc.doc_id,
                        chunk_id=f"{doc.doc_id}#{len(chunks):04d}",
                        text=text,
                        char_start=s,
                        char_end=e,
                        token_count=self._count(text),
                        page=page,
                        sentences=tuple(inside),
                    )
                )
        return chunks

    def _pack(self, text: str, units: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
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
