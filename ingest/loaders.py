"""Loaders: one file -> one ``Document`` whose ``text`` is what every offset points into.

Supported: .txt, .md, .html/.htm, .pdf (page spans kept), .docx. Anything else, or a file that
cannot be parsed, raises ``IngestFileError`` naming the file and the reason.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from base.errors import IngestFileError
from ingest.markup import Block, assemble, front_matter, markdown_parts, text_parts
from ingest.structure import heading_line, html_lines, squash, table_lines

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # what a .docx's parts may add up to, uncompressed

# Lines pasted from web pages that are page furniture, not content.
_FURNITURE = re.compile(
    r"^(advertisements?|click to (start )?listen(ing)?|comments?|related( articles| stories)?|"
    r"sources?|share( this)?( article)?|read more|subscribe|\d+ min read|"
    r"representative image.*|image:.*|photo:.*|listen to this article|advertisement)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PageSpan:
    """Characters ``[char_start, char_end)`` of the document text came from PDF page ``page``."""

    page: int
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Document:
    """A loaded source file. ``text`` is the stored text every offset refers to."""

    doc_id: str
    title: str
    source: str
    text: str
    content_hash: str
    pages: tuple[PageSpan, ...] = field(default_factory=tuple)
    # headings, code blocks and tables of the text (``ingest.markup``): the chunker keeps code
    # and tables whole and gives each chunk its section's heading
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def page_at(self, char_start: int) -> int | None:
        """The PDF page holding ``char_start``, or None for documents without pages."""
        for span in self.pages:
            if span.char_start <= char_start < span.char_end:
                return span.page
        return None


def make_doc_id(path: Path) -> str:
    """A readable, stable id from the file name: lowercase letters (any script), digits, _ and -."""
    slug = re.sub(r"[^\w-]+", "-", unicodedata.normalize("NFC", path.stem).lower()).strip("-")
    return slug[:64] or "doc"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_TOP_LINES = 8
_MAIN_XPATH = "//main | //*[@role='main'] | //article | //div[@class='body'] | //div[@id='content']"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # not in text, in any encoding
# What a loader returns: reading text, title (None: derive one), PDF page spans, blocks.
Loaded = tuple[str, str | None, tuple[PageSpan, ...], tuple[Block, ...]]


class _Furniture:
    """Which lines are page furniture: pasted-page lines (``_FURNITURE``) and a repeat of one of
    the first ``_TOP_LINES`` lines of the page, where layouts repeat the headline. One filter for
    every loader, fed the lines in order."""

    def __init__(self) -> None:
        self.top: set[str] = set()

    def drop(self, line: str) -> bool:
        line = line.strip()
        if _FURNITURE.match(line) or (line and line in self.top):
            return True
        if line and len(self.top) < _TOP_LINES:
            self.top.add(line)
        return False


def _clean_lines(lines: list[str]) -> str:
    """Drop furniture lines; collapse blank runs."""
    furniture = _Furniture()
    kept: list[str] = []
    for raw in lines:
        line = raw.strip()
        if furniture.drop(line):
            continue
        if not line and (not kept or not kept[-1]):
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def _headline(text: str) -> str | None:
    """The first line that reads like a headline: several words, short, not a sentence fragment."""
    for line in text.split("\n")[:12]:
        words = line.split()
        if 4 <= len(words) <= 30 and len(line) <= 220 and not line.endswith((",", ";", ":")):
            return line.lstrip("# ").strip()
    return None


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise IngestFileError(str(path), "looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    # Not UTF-8: old files are often Latin-1 or Windows-1252 (a NEWS file from the 1990s). Read
    # as that when it gives text; a file that does not is reported, never guessed at.
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text
    raise IngestFileError(
        str(path),
        f"not valid UTF-8 text (bad byte at position {bad}), nor Latin-1 text; re-save as UTF-8",
    )


_MODE_LINE = re.compile(r"\s*-\*-.*?-\*-\s*")  # emacs's "-*- outline -*-"


def _drop_furniture(parts: list[Any]) -> list[Any]:
    """``parts`` without furniture lines (``_Furniture``); code and tables are left whole."""
    furniture = _Furniture()
    kept = []
    for part in parts:
        if part.kind not in ("code", "table"):
            part.lines = [line for line in part.lines if not furniture.drop(line)]
        if part.lines:
            kept.append(part)
    return kept


def _load_text(path: Path, data: bytes) -> Loaded:
    text = _decode(path, data).replace("\r\n", "\n").replace("\r", "\n")
    title = None
    if path.suffix.lower() in (".md", ".markdown"):
        meta, body = front_matter(text)
        parts = markdown_parts(body)
        if isinstance(meta.get("title"), str) and meta["title"].strip():
            title = squash(meta["title"])
    else:
        parts = text_parts(text)
    cleaned, blocks = assemble(_drop_furniture(parts))
    if title is None:
        # the document's own first heading, when it opens the text
        heading = next((b for b in blocks if b.kind == "heading"), None)
        if heading is not None and heading.char_start == 0:
            title = cleaned[heading.char_start : heading.char_end]
    title = title or _headline(cleaned)
    title = _MODE_LINE.sub(" ", title).strip() if title else None
    return cleaned, title or None, (), blocks


def _load_html(path: Path, data: bytes) -> Loaded:
    import lxml.html
    from lxml import etree

    if not data.strip():
        raise IngestFileError(str(path), "empty file")
    try:
        # huge_tree lifts libxml2's 256-level nesting limit to its hard limit; what is nested
        # deeper than that is not read. Parsing stays linear in the input either way.
        parser = lxml.html.HTMLParser(huge_tree=True)
        try:  # UTF-8 unless the page says otherwise: lxml alone would guess Latin-1
            root = lxml.html.document_fromstring(data.decode("utf-8"), parser=parser)
        except (UnicodeDecodeError, ValueError):  # not UTF-8, or an XML encoding declaration
            root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise IngestFileError(str(path), f"unreadable HTML ({exc})") from None
    # The page's main content when it marks one (the rest is site furniture), and the page's own
    # first heading as its title, not the site's name in <title>.
    main = next(iter(root.xpath(_MAIN_XPATH)), None)
    body = main if main is not None else root.find("body")
    title = None
    for scope, xpath in ((body, ".//h1"), (root, "//h1"), (root, "//title")):
        found = scope.xpath(xpath) if scope is not None else []
        if found:
            title = squash(found[0].text_content()).rstrip("¶ ").strip() or None
            if title:
                break
    cleaned = _clean_lines(list(html_lines(body if body is not None else root)))
    if not cleaned:
        raise IngestFileError(str(path), "no text found in the HTML")
    return cleaned, title or _headline(cleaned), (), ()


def _load_pdf(path: Path, data: bytes) -> Loaded:
    """Read on character geometry (``ingest.pdf``): furniture, columns, footnotes, tables."""
    from ingest.pdf import read_pdf

    reading = read_pdf(path, data)
    spans = tuple(PageSpan(page, start, end) for page, start, end in reading.pages)
    blocks = tuple(Block(kind, s, e, level) for kind, s, e, level in reading.blocks)  # type: ignore[arg-type]
    text = reading.text
    return text, reading.title or heading_line(text) or _headline(text), spans, blocks


def _load_docx(path: Path, data: bytes) -> Loaded:
    import zipfile

    import docx
    from docx.table import Table as DocxTable

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > MAX_INFLATED_BYTES:
            raise IngestFileError(
                str(path),
                f"the .docx inflates to {inflated // 2**20} MiB, over the "
                f"{MAX_INFLATED_BYTES // 2**20} MiB limit (a zip bomb?)",
            )
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestFileError(str(path), f"corrupt .docx ({type(exc).__name__})") from None
    title = document.core_properties.title or None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            lines.extend([*table_lines(*_docx_table(block)), ""])
            continue
        text = block.text.strip()
        if (
            not title
            and text
            and block.style is not None
            and block.style.name in ("Title", "Heading 1")
        ):
            title = text
        lines.extend([text, ""])
    cleaned = _clean_lines(lines)
    if not cleaned:
        raise IngestFileError(str(path), "the .docx has no text")
    return cleaned, title or _headline(cleaned), (), ()


def _docx_table(table: Any) -> tuple[list[list[str]], bool]:
    """Cell texts row by row (a merged cell once), and whether the first row is a header: marked
    as a repeating header, or all bold."""
    from docx.oxml.ns import qn

    rows: list[list[str]] = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text)
        rows.append(cells)
    if not table.rows:
        return rows, False
    first = table.rows[0]
    marked = first._tr.trPr is not None and first._tr.trPr.find(qn("w:tblHeader")) is not None
    runs = [r for c in first.cells for p in c.paragraphs for r in p.runs if r.text.strip()]
    bold = bool(runs) and all(r.bold for r in runs)
    return rows, marked or bold


_LOADERS: dict[str, Callable[[Path, bytes], Loaded]] = {
    ".txt": _load_text,
    ".md": _load_text,
    ".markdown": _load_text,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
}


def load_file(path: Path, doc_id: str | None = None) -> Document:
    """Load one file into a ``Document``.

    Raises:
        IngestFileError: unsupported type, too large, empty, undecodable or corrupt.
    """
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        raise IngestFileError(
            str(path),
            f"unsupported file type {suffix or '(none)'!r}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}",
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise IngestFileError(
                str(path), f"file is {size} bytes, over the {MAX_FILE_BYTES} limit"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestFileError(str(path), f"cannot read file ({exc.strerror})") from None
    if not data.strip():
        raise IngestFileError(str(path), "empty file")
    text, title, pages, blocks = loader(path, data)
    if not text.strip():
        raise IngestFileError(str(path), "no text after cleaning")
    return Document(
        doc_id=doc_id or make_doc_id(path),
        title=title or path.stem,
        source=str(path),
        text=text,
        content_hash=content_hash(data),
        pages=pages,
        blocks=blocks,
    )
