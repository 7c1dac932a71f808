"""PDF reading on character geometry: what a person reads on the page, in reading order.

PDFium (pypdfium2) gives every character with its box. From the boxes this module rebuilds lines
(its own word spaces: groff and Word set words with gaps PDFium misreads), then per page:

1. **Furniture**: lines in the top and bottom bands that recur across pages once digits and
   roman numerals are normalized (odd and even pages counted apart as well as together), and lone
   page numbers ("17", "- 8 -", "Page 3 of 40"), are left out of the text.
2. **Columns**: a gutter that many lines end before and many start after splits the page into
   columns; a full-width line separates bands, each read left column first.
3. **Footnotes**: lines set below the body's font size at the foot of a column are kept as
   passages of their own (placed after the paragraph open at the page's end), never glued into a
   body sentence; a superscript marker in the body is dropped.
4. **Paragraphs** are joined line by line; a paragraph cut by a column or page break is continued
   when the text before the break does not end a sentence and the next line does not start a
   list item (or the break splits a hyphenated word). A line-end hyphen is removed when it splits a
   word and kept when the joined form is not a word of the document but the hyphenated one is
   (or the next part is capitalized or a digit).
5. **Tables**: lines whose words stand in cells (gaps of about an em, wider than the line's
   other gaps) are table rows, a run of them one table block (a table that goes on over a page
   break stays one); each row is stored as a line that names its columns when the first row is
   a header ("Pump: P-2; Flow (m3/h): 340"), else its cells joined by "; " (two: "a: b"), so
   that the answer stage can answer with a row. **Contents pages**: lines of leader dots
   ending in a page number are left out.
6. **Characters**: ligatures (U+FB00-FB06) are expanded; the control codes that TeX's Cork and OT1
   bitmap fonts leave when they have no Unicode map are read as the letters they stand for
   (``\\x1c`` -> "fi"); other control, zero-width and private-use characters are removed.
7. **Scanned pages** (no text layer, an image on the page) are read with Tesseract when it is
   installed; its word boxes go through the same steps.

The stored text is built here, so a citation's quote is always the stored text at its offsets;
``PageSpan`` s say which page each stretch came from (a sentence cut by a page break belongs to
the page where it starts).
"""

from __future__ import annotations

import re
import shutil
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from base.errors import IngestFileError
from ingest.structure import table_lines
from ingest.text import LINE_END

# TeX fonts without a ToUnicode map leave their encoding's code points: Cork (T1) puts the
# ligatures at 0x1B-0x1F, quotes at 0x10/0x11, dashes at 0x15/0x16; OT1 puts ligatures at 0x0B-0x0F.
_TEX_CODES = {
    0x0B: "ff", 0x0C: "fi", 0x0E: "ffi", 0x0F: "ffl",
    0x10: "\u201c", 0x11: "\u201d", 0x12: "\u201e", 0x13: "\u00ab", 0x14: "\u00bb",
    0x15: "\u2013", 0x16: "\u2014", 0x19: "\u0131",
    0x1B: "ff", 0x1C: "fi", 0x1D: "fl", 0x1E: "ffi", 0x1F: "ffl", 0x9F: "\u00a7",
}  # fmt: skip
_LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl",
              0xFB05: "st", 0xFB06: "st"}  # fmt: skip
# gaps between glyphs, in character heights: wider than _WORD_GAP is a space, wider than
# _CELL_GAP (and than the line's other gaps) a table cell's edge
_WORD_GAP = 0.17
_CELL_GAP = 1.1
_NUMBER = re.compile(r"^[-+<>=≤≥~]?\s*[0-9][0-9.,:/%]*\s*%?$")
_SOFT_HYPHEN = "\ufffe"  # PDFium's mark for a hyphen that ends a line inside a word
_NOTE_MARKS = set("*†‡§¶")
# A page number alone on a line ("12", "- 12 -", "Page 3 of 10", "iv"); never one that ends a
# sentence: a body line "cm." or "mix." at the foot of a page is a word (found by test_loaders'
# generated paragraphs).
_LONE_NUMBER = re.compile(
    r"^\W{0,3}(page\s+)?([0-9]{1,4}|[ivxlcdm]{1,7})(\s*(/|of)\s*[0-9]{1,4})?[^\w.]{0,3}$", re.I
)
_LEADER = re.compile(r"(?:\.\s?){4,}\s*(?:[0-9]{1,4}|[ivxlcdm]{1,6})\s*$", re.I)
_ROMAN = re.compile(r"\b[ivxlcdm]{1,7}\b", re.I)
# fixed-pitch font names (code, terminal output) where the font does not say so in its flags
_MONOSPACE = re.compile(
    r"(mono|courier|consol|typewriter|inconsolata|\bcmtt|sfmono|menlo|code)", re.I
)
_BOLD = re.compile(r"(bold|black|heavy|demi|semibold|[^a-z]bd|bx[0-9]|cmb[0-9])", re.I)
_STOP = re.compile(r"""[.!?…]["'”’)\]]*$""")  # a sentence's end (not a colon's)


@dataclass
class _Line:
    """One visual line: its text, its box (PDF points, y up), its character height."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    page: int
    cells: list[str] = field(default_factory=list)  # more than one: a table row
    hyphen: bool = False  # ends in a hyphen that splits a word over lines
    lead_mark: bool = False  # starts with a raised note marker (a footnote's first line)
    fixed: bool = False  # set in a fixed-pitch font (code, terminal output)
    heavy: bool = False  # bold
    role: str = "body"  # body, furniture, note, toc

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]


# -- characters to lines -------------------------------------------------------------------------


def _char(code: int) -> str:
    """What character ``code`` stands for in stored text ("" for none)."""
    if code in _TEX_CODES:
        return _TEX_CODES[code]
    if code in _LIGATURES:
        return _LIGATURES[code]
    if code < 0x20 or 0x7F <= code < 0xA0 or 0x200B <= code <= 0x200F or code == 0xFEFF:
        return ""
    if 0xE000 <= code <= 0xF8FF or code == 0xFFFD:
        return ""
    return chr(code)


class _LineBuilder:
    """Characters in content order -> visual lines with spaces and cell gaps from geometry."""

    def __init__(self, page: int) -> None:
        self.page = page
        self.lines: list[_Line] = []
        self._chars: list[tuple[str, float, float, float, float]] = []
        self._space = False  # a space character since the last glyph
        self._fixed = False  # the font now in use
        self._heavy = False
        self._counts = [0, 0, 0]  # glyphs of this line: all, fixed-pitch, bold
        self._hyphen = False

    def add(self, ch: str, x0: float, y0: float, x1: float, y1: float) -> None:
        if ch == " " or ch == "\t" or ch == "\u00a0":
            self._space = True
            return
        if self._chars:
            last = self._chars[-1]
            h = max(last[4] - last[2], 1.0)
            same_line = y0 < last[4] - 0.3 * h and y1 > last[2] + 0.3 * h
            if not same_line or x0 < last[1] - 0.5 * h:
                self.end()
        self._chars.append((ch, x0, y0, x1, y1) if not self._space else (" " + ch, x0, y0, x1, y1))
        self._counts[0] += 1
        self._counts[1] += self._fixed
        self._counts[2] += self._heavy
        self._space = False

    @staticmethod
    def _cell_edge(gap: float, words: list[float], before: str, h: float) -> bool:
        """Whether a wide ``gap`` (after glyph ``before``) is a cell's edge: well over the
        line's other word gaps (justified text stretches them all alike), and not just the
        space after a sentence unless very wide."""
        others = [g for g in words if g != gap]
        typical = others[len(others) // 2] if len(others) >= 2 else 0.0
        return gap > 2.5 * typical and (before[-1:] not in ".:;,?!" or gap > 3 * h)

    def mark(self, fixed: bool, heavy: bool) -> None:
        self._fixed, self._heavy = fixed, heavy

    def hyphen(self) -> None:
        self._hyphen = True
        self.end()

    def end(self) -> None:
        chars = self._chars
        counts, self._counts = self._counts, [0, 0, 0]
        self._space = False
        if not chars:
            self._hyphen = False
            return
        self._chars = []
        heights = sorted(c[4] - c[2] for c in chars)
        h = max(heights[len(heights) // 2], 1.0)
        base = statistics.median(c[2] for c in chars)
        kept: list[tuple[str, float, float]] = []  # (glyph, x0, x1); raised markers left out
        lead = False
        for i, (ch, x0, y0, x1, y1) in enumerate(chars):
            glyph = ch.lstrip(" ")
            small = (y1 - y0) < 0.8 * h and y0 > base + 0.2 * h
            if small and (glyph.strip().isdigit() or glyph in _NOTE_MARKS):
                lead = lead or i == 0
                continue  # a footnote marker raised above the line
            kept.append((ch, x0, x1))
        gaps = [b[1] - a[2] for a, b in zip(kept, kept[1:], strict=False)]
        words = sorted(g for g in gaps if g > _WORD_GAP * h)
        out: list[str] = []
        cells: list[list[str]] = [[]]
        for i, (ch, _x0, _x1) in enumerate(kept):
            glyph = ch.lstrip(" ")
            if i:
                gap = gaps[i - 1]
                if gap > _CELL_GAP * h and self._cell_edge(gap, words, kept[i - 1][0], h):
                    cells.append([])
                    out.append("  ")
                elif gap > _WORD_GAP * h or (ch.startswith(" ") and gap > 0.08 * h):
                    out.append(" ")
                    cells[-1].append(" ")
            out.append(glyph)
            cells[-1].append(glyph)
        text = "".join(out).strip()
        if not text:
            self._hyphen = False
            return
        row = [c for c in ("".join(cell).strip() for cell in cells) if c]
        tokens = text.split()
        numbers = sum(bool(_NUMBER.match(t)) for t in tokens)
        if len(row) < 2 and len(tokens) >= 3 and numbers >= 0.6 * len(tokens):
            row = tokens  # a row of figures set with narrow gaps ("Sep 266 23410 113 39965")
        self.lines.append(
            _Line(
                text=re.sub(" {2,}", " ", text),
                x0=min(c[1] for c in chars),
                y0=min(c[2] for c in chars),
                x1=max(c[3] for c in chars),
                y1=max(c[4] for c in chars),
                size=h,
                page=self.page,
                cells=row if len(row) > 1 else [],
                hyphen=self._hyphen,
                lead_mark=lead,
                fixed=counts[1] >= 0.8 * counts[0],  # most of the line: one code word is not
                heavy=counts[2] >= 0.8 * counts[0],
            )
        )
        self._hyphen = False


def _page_lines(page: Any, number: int) -> list[_Line]:
    """The visual lines of one PDFium page, from its characters' loose boxes."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        text = textpage.get_text_range() if n else ""
        if len(text) != n:  # surrogate pairs: read code points one by one
            text = "".join(chr(raw.FPDFText_GetUnicode(textpage, k)) for k in range(n))
        builder = _LineBuilder(number)
        box = raw.FS_RECTF()
        flags = raw.c_int()
        name = (raw.c_char * 128)()
        last_font = None
        for k in range(n):
            code = ord(text[k])
            if code in (0x0D, 0x0A) and raw.FPDFText_IsGenerated(textpage, k):
                builder.end()
                continue
            if text[k] == _SOFT_HYPHEN:
                builder.hyphen()
                continue
            ch = _char(code)
            if not ch:
                continue
            raw.FPDFText_GetLooseCharBox(textpage, k, box)
            if ch != " " and (last_font is None or k - last_font > 6 or not builder._chars):
                raw.FPDFText_GetFontInfo(textpage, k, name, 128, flags)
                font = bytes(name).split(b"\0", 1)[0].decode("latin-1")
                fixed = bool(flags.value & 1) or bool(_MONOSPACE.search(font))
                # the name, not PDFium's weight (a guess for fonts without one: CMSS10 reads 736)
                builder.mark(fixed, bool(_BOLD.search(font)) or bool(flags.value & 0x40000))
                last_font = k
            builder.add(ch, box.left, box.bottom, box.right, box.top)
        builder.end()
        return builder.lines
    finally:
        textpage.close()


def _ocr_lines(page: Any, number: int) -> list[_Line]:
    """The lines of a page that has no text layer, read by Tesseract (word boxes kept)."""
    import pytesseract

    scale = 300 / 72
    image = page.render(scale=scale).to_pil()
    data = pytesseract.image_to_data(image, output_type=pytesseract.Output.DICT)
    height = page.get_height()
    builder = _LineBuilder(number)
    key = None
    for i, word in enumerate(data["text"]):
        word = "".join(_char(ord(c)) for c in (word or "").strip())
        if not word or float(data["conf"][i]) < 0:
            continue
        here = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if here != key:
            builder.end()
            key = here
        x0 = data["left"][i] / scale
        x1 = (data["left"][i] + data["width"][i]) / scale
        top = height - data["top"][i] / scale
        bottom = top - data["height"][i] / scale
        step = (x1 - x0) / len(word)
        for j, c in enumerate(word):
            builder.add(c if j else " " + c, x0 + j * step, bottom, x0 + (j + 1) * step, top)
    builder.end()
    return builder.lines


def _has_image(page: Any) -> bool:
    import pypdfium2.raw as raw

    return any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))


# -- page furniture, contents pages, footnotes ---------------------------------------------------


def _furniture_key(text: str) -> str:
    text = re.sub(r"[0-9]+", "#", text.lower())
    return re.sub(r"\s+", " ", _ROMAN.sub("#", text)).strip()


def _mark_furniture(pages: list[_Page]) -> None:
    """Running headers and footers (recurring band lines) and lone page numbers."""
    bands: list[list[_Line]] = []
    for p in pages:
        if not p.lines:
            bands.append([])
            continue
        top = max(line.y1 for line in p.lines)
        bottom = min(line.y0 for line in p.lines)
        reach = 0.12 * p.height
        bands.append([ln for ln in p.lines if ln.y1 > top - reach or ln.y0 < bottom + reach])
    counts: list[Counter[str]] = [Counter(), Counter(), Counter()]  # all, odd, even pages
    for p, band in zip(pages, bands, strict=True):
        keys = {_furniture_key(line.text) for line in band}
        for key in keys:
            counts[0][key] += 1
            counts[1 + p.number % 2][key] += 1
    n = len(pages)
    of_parity = Counter(p.number % 2 for p in pages)
    for p, band in zip(pages, bands, strict=True):
        parity = counts[1 + p.number % 2]
        half = of_parity[p.number % 2]
        for line in band:
            key = _furniture_key(line.text)
            recurring = n >= 3 and (
                counts[0][key] >= max(3, 0.3 * n)
                or (half >= 2 and parity[key] >= max(2, 0.6 * half))
            )
            if recurring or _LONE_NUMBER.match(line.text):
                line.role = "furniture"


def _mark_contents(page: _Page) -> None:
    """Leader-dot lines ("1 Introduction . . . . 3") are left out; on a page that is mostly
    such lines, so are its other lines that end in a page number."""
    body = [ln for ln in page.lines if ln.role == "body"]
    leaders = [ln for ln in body if _LEADER.search(ln.text)]
    for line in leaders:
        line.role = "toc"
    if body and len(leaders) >= 0.4 * len(body):
        for line in body:
            if re.search(r"\s[0-9]{1,4}$", line.text) and not LINE_END.search(line.text):
                line.role = "toc"


def _mark_notes(lines: list[_Line], body_size: float) -> None:
    """Lines set smaller than the body at the foot of ``lines`` (one column) are notes."""
    for line in reversed(lines):
        if line.role != "body":
            continue
        if line.size < 0.88 * body_size:
            line.role = "note"
        else:
            break


# -- columns and reading order -------------------------------------------------------------------


def _columns(lines: list[_Line], width: float) -> list[list[_Line]]:
    """``lines`` in reading order as runs of one column each (a full-width line is its own)."""
    if len(lines) < 10:
        return [lines]
    best, gutter = 0, 0.0
    for step in range(30, 71, 2):
        x = width * step / 100
        left = sum(1 for ln in lines if ln.x1 <= x)
        right = sum(1 for ln in lines if ln.x0 >= x)
        cross = len(lines) - left - right
        if min(left, right) >= 5 and cross <= 0.3 * len(lines) and min(left, right) > best:
            best, gutter = min(left, right), x
    if not best:
        return [lines]
    runs: list[list[_Line]] = []
    band: list[_Line] = []
    for line in lines:  # lines are in content order; a crossing line closes a band
        if line.x0 < gutter < line.x1:
            if band:
                runs += _split_band(band, gutter)
                band = []
            runs.append([line])
        else:
            band.append(line)
    if band:
        runs += _split_band(band, gutter)
    return runs


def _split_band(band: list[_Line], gutter: float) -> list[list[_Line]]:
    left = [ln for ln in band if ln.x1 <= gutter]
    right = [ln for ln in band if ln.x0 >= gutter]
    return [run for run in (left, right) if run]


def _merge_rows(lines: list[_Line]) -> list[_Line]:
    """Lines on one baseline within a column (a table's cells PDFium read apart) become one."""
    out: list[_Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.role == line.role
            and abs(prev.cy - line.cy) < 0.3 * max(prev.size, line.size)
            and line.x0 >= prev.x1 - 1
        ):
            gap = line.x0 - prev.x1
            wide, space = gap > _CELL_GAP * line.size, gap > _WORD_GAP * line.size
            glue = "  " if wide else (" " if space else "")
            before, after = prev.cells or [prev.text], line.cells or [line.text]
            if glue == "  ":
                cells = before + after
            else:
                cells = before[:-1] + [before[-1] + glue + after[0]] + after[1:]
            prev.cells = cells if len(cells) > 1 else []
            prev.text = re.sub(" {2,}", " ", prev.text + glue + line.text)
            prev.x1 = line.x1
            prev.y0, prev.y1 = min(prev.y0, line.y0), max(prev.y1, line.y1)
            prev.hyphen = line.hyphen
            continue
        out.append(line)
    return out


# -- paragraphs ----------------------------------------------------------------------------------


@dataclass
class _Part:
    kind: str  # text, heading, table, code, note
    pieces: list[tuple[int, str]]  # (page, text) in order
    level: int = 0
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # a table's (page, cells)

    def row_pieces(self) -> list[tuple[int, str]]:
        """A table's rows as lines that name their columns: "Pump: P-2; Flow: 340" when the
        first row is a header (no cell of it a number), else its cells joined by "; "
        (``table_lines``); one row a line, the header named in every one."""
        cells = [c for _, c in self.rows]
        header = len(cells) > 1 and not any(_NUMBER.match(c) for c in cells[0])
        names = cells[0]
        out: list[tuple[int, str]] = []
        for i, (page, row) in enumerate(self.rows):
            if header and i == 0:
                continue
            if header:
                named = [
                    f"{names[j]}: {cell}" if j < len(names) and names[j] else cell
                    for j, cell in enumerate(row)
                ]
                line = ["; ".join(named)]
            else:
                line = table_lines([row], False)
            if line:
                out.append((page, ("\n" if out else "") + line[0]))
        return out or [(self.rows[0][0], " | ".join(cells[0]))]


_ITEM = re.compile(r"^([•◦▪‣∙◮▶►■□➢✓–-]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)])\s")


def _continues(before: str, line: _Line) -> bool:
    """Whether ``line`` carries on the sentence ``before`` leaves open across a column or page
    break: the text before does not end a sentence and the line does not start an item."""
    return not LINE_END.search(before) and not _ITEM.match(line.text)


_UNHYPHEN = "\b"  # what _join returns when the hyphen ending the text before is to go


def _join(before: str, line: _Line, words: set[str], hyphen: bool) -> str:
    """How ``line`` is appended to a paragraph that so far reads ``before``: the glue to put
    between them ("", " ", "-"), or ``_UNHYPHEN``."""
    if hyphen:
        head = re.search(r"(\w+)$", before)
        tail = re.match(r"(\w+)", line.text)
        if head and tail:
            joined = (head.group(1) + tail.group(1)).lower()
            hyphened = f"{head.group(1)}-{tail.group(1)}".lower()
            keep = tail.group(1)[0].isupper() or tail.group(1)[0].isdigit()
            if keep or (hyphened in words and joined not in words):
                return "-"
        return ""
    if before.endswith("-") and line.text[:1].isalpha():
        head = re.search(r"([A-Za-z]+)-$", before)
        tail = re.match(r"([a-z]+)", line.text)
        if head and tail:  # a hyphen PDFium did not mark as a line-end one
            joined = (head.group(1) + tail.group(1)).lower()
            if joined in words and f"{head.group(1)}-{tail.group(1)}".lower() not in words:
                return _UNHYPHEN
        return ""  # an explicit hyphen: "32-" + "bit" is "32-bit"
    return " "


class _Reader:
    """Pages -> parts (paragraphs, headings, tables, code, notes) in reading order."""

    def __init__(self, body_size: float, words: set[str], leading: float) -> None:
        self.body = body_size
        self.leading = leading  # the usual white space between two lines of a paragraph
        self.words = words
        self.parts: list[_Part] = []
        self.open: _Part | None = None  # the paragraph being read
        self.last: _Line | None = None
        self.notes: list[_Part] = []  # footnotes waiting for the open paragraph to close

    def close(self) -> None:
        if self.open is not None:
            self.parts.append(self.open)
            self.open = None
        self.parts += self.notes
        self.notes = []

    def append(self, part: _Part, line: _Line, hyphen: bool) -> None:
        """Carry ``part`` on with ``line`` (``hyphen``: the line before ended in one)."""
        glue = _join(part.pieces[-1][1], line, self.words, hyphen)
        if glue == _UNHYPHEN:
            page, piece = part.pieces[-1]
            part.pieces[-1] = (page, piece[:-1])
            glue = ""
        part.pieces.append((line.page, glue + line.text))

    def note(self, lines: list[_Line]) -> None:
        current: _Part | None = None
        last: _Line | None = None
        for line in lines:
            starts = line.lead_mark or bool(re.match(r"^([0-9]{1,2}|[*†‡§])\s?[A-Za-z]", line.text))
            if current is None or last is None or starts:
                current = _Part("note", [(line.page, line.text)])
                self.notes.append(current)
            else:
                self.append(current, line, last.hyphen)
            last = line

    def table(self, line: _Line) -> None:
        if self.open is not None and self.open.kind == "table":
            self.open.rows.append((line.page, line.cells))
        else:
            self.close()
            self.open = _Part("table", [], rows=[(line.page, line.cells)])
        self.last = line

    def line(self, line: _Line, fresh: bool) -> None:
        """Add ``line``; ``fresh``: it is the first of a column or page (a break before it)."""
        heading = (
            (line.size > 1.15 * self.body or (line.heavy and not line.cells))
            and len(line.text.split()) <= 14
            and not LINE_END.search(line.text)
            and not line.text[:1].islower()
        )
        if line.cells and not line.fixed and not heading:
            self.table(line)
            return
        if line.fixed:
            if self.open is not None and self.open.kind == "code":
                self.open.pieces.append((line.page, "\n" + line.text))
            else:
                self.close()
                self.open = _Part("code", [(line.page, line.text)])
            self.last = line
            return
        if heading:
            if self.open is not None and self.open.kind == "heading" and not fresh:
                self.open.pieces.append((line.page, " " + line.text))
                self.last = line
                return
            self.close()
            level = 1 if line.size > 1.5 * self.body else 2
            self.open = _Part("heading", [(line.page, line.text)], level)
            self.last = line
            return
        open_ = self.open
        if open_ is not None and open_.kind == "text":
            before = open_.pieces[-1][1]
            last = self.last
            assert last is not None
            if fresh:
                go_on = last.hyphen or _continues(before, line)
            else:
                gap = last.y0 - line.y1
                pitch = max(last.size, line.size)
                go_on = (
                    gap < max(0.9 * pitch, 1.5 * self.leading + 0.25 * pitch)
                    and not _ITEM.match(line.text)
                    and abs(line.size - last.size) < 0.15 * pitch
                    and not (
                        _STOP.search(before)
                        and (line.x0 > last.x0 + 0.8 * pitch or last.x1 < line.x1 - 4 * pitch)
                    )
                )
            if go_on:
                self.append(open_, line, last.hyphen)
                self.last = line
                return
        self.close()
        self.open = _Part("text", [(line.page, line.text)])
        self.last = line


def _words(pages: list[_Page]) -> set[str]:
    """Every word (and hyphenated compound) of the document, lower case: what a line-end hyphen
    is checked against."""
    out: set[str] = set()
    for p in pages:
        for line in p.lines:
            out.update(w.lower() for w in re.findall(r"\w+(?:-\w+)*", line.text))
            out.update(w.lower() for w in re.findall(r"\w+", line.text))
    return out


def _leading(pages: list[_Page], body: float) -> float:
    """The median white space between consecutive body-size lines that follow each other."""
    gaps = []
    for p in pages:
        for a, b in zip(p.lines, p.lines[1:], strict=False):
            if abs(a.size - body) < 0.1 * body and abs(b.size - body) < 0.1 * body:
                gap = a.y0 - b.y1
                if 0 <= gap < 2 * body and abs(a.x0 - b.x0) < 3 * body:
                    gaps.append(gap)
    return statistics.median(gaps) if gaps else 0.3 * body


def _body_size(pages: list[_Page]) -> float:
    """The document's most common character height, over prose (code is often set smaller)."""
    body = [ln for p in pages for ln in p.lines if ln.role == "body"]
    sizes: Counter[float] = Counter()
    for line in [ln for ln in body if not ln.fixed] or body:
        sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def read_pages(pages: list[_Page]) -> tuple[list[_Part], float]:
    """The parts of the document, furniture and contents lines left out, and its body size."""
    _mark_furniture(pages)
    body = _body_size(pages)
    words = _words(pages)
    reader = _Reader(body, words, _leading(pages, body))
    previous_heading: str | None = None
    for page in pages:
        _mark_contents(page)
        kept = [ln for ln in page.lines if ln.role == "body"]
        for run in _columns(kept, page.width):
            run = _merge_rows(run)
            _mark_notes(run, body)
            first = True
            notes = [ln for ln in run if ln.role == "note"]
            for line in run:
                if line.role != "body":
                    continue
                if first and line.text == previous_heading:
                    first = False
                    continue  # a slide's title repeated over the next slides
                reader.line(line, fresh=first)
                if reader.open is not None and reader.open.kind == "heading" and first:
                    previous_heading = line.text
                first = False
            if notes:
                reader.note(notes)
    reader.close()
    return reader.parts, body


# -- the document --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What a PDF gives the loader: text, page spans, blocks and title."""

    text: str
    pages: tuple[tuple[int, int, int], ...]  # (page, char_start, char_end)
    blocks: tuple[tuple[str, int, int, int], ...]  # (kind, char_start, char_end, level)
    title: str | None


def _assemble(parts: Iterable[_Part]) -> tuple[str, list[tuple[int, int, int]], list[Any]]:
    text: list[str] = []
    spans: list[tuple[int, int, int]] = []
    blocks: list[tuple[str, int, int, int]] = []
    at = 0
    for part in parts:
        if part.kind == "table":
            part.pieces = part.row_pieces()
        body = "".join(t for _, t in part.pieces).strip()
        if not body:
            continue
        if text:
            text.append("\n\n")
            at += 2
        start = at
        # page spans: a page's stretch runs to the end of the sentence it leaves open
        offset = start
        page_runs: list[tuple[int, int]] = []  # (page, start offset)
        for page, piece in part.pieces:
            if not page_runs or page_runs[-1][0] != page:
                cut = offset
                if page_runs and part.kind == "text":
                    rest = body[offset - start :]
                    end = re.search(r"[.!?][\"')\]]*(\s|$)", rest)
                    cut = offset + (end.end() if end else len(rest))
                page_runs.append((page, cut))
            offset += len(piece)
        for i, (page, s) in enumerate(page_runs):
            e = page_runs[i + 1][1] if i + 1 < len(page_runs) else start + len(body)
            e = min(max(e, s), start + len(body))
            if e > s:
                spans.append((page, s, e))
        if part.kind in ("heading", "table", "code"):
            blocks.append((part.kind, start, start + len(body), part.level))
        text.append(body)
        at += len(body)
    return "".join(text), _merge_spans(spans), blocks


def _merge_spans(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Adjacent stretches of one page (a blank line apart) become one span."""
    out: list[tuple[int, int, int]] = []
    for page, s, e in spans:
        if out and out[-1][0] == page and s - out[-1][2] <= 2:
            out[-1] = (page, out[-1][1], e)
        else:
            out.append((page, s, e))
    return out


_PLACEHOLDER = re.compile(
    r"(^untitled|use style|^microsoft (word|powerpoint)|\.(docx?|pdf|tex|dvi|pptx?|odt)$|"
    r"^document\d*$|^slide ?\d*$|^title$)",
    re.I,
)


def _title(meta: dict[str, str], pages: list[_Page], body: float) -> str | None:
    """The metadata title when it is a real one, else the first page's largest line(s)."""
    given = re.sub(r"\s+", " ", meta.get("Title", "")).strip()
    if given and not _PLACEHOLDER.search(given) and len(given.split()) >= 2:
        return given
    first = next((p for p in pages if any(ln.role == "body" for ln in p.lines)), None)
    if first is None:
        return None
    lines = [ln for ln in first.lines if ln.role == "body" and len(ln.text) > 2]
    if not lines:
        return None
    top = max(ln.size for ln in lines)
    if top < 1.1 * body:
        return None
    big = [ln for ln in lines if ln.size >= 0.95 * top]
    title = " ".join(ln.text for ln in big[:3])
    return title[:200] or None


def read_pdf(path: Path, data: bytes) -> Reading:
    """Read a PDF. Raises ``IngestFileError`` for an encrypted, corrupt or textless one."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise IngestFileError(str(path), "encrypted PDF; decrypt it first") from None
        raise IngestFileError(str(path), f"corrupt or unreadable PDF ({reason})") from None
    try:
        pages: list[_Page] = []
        scanned = 0
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                lines = _page_lines(page, i + 1)
                if not lines and _has_image(page):
                    if not tesseract_available():
                        scanned += 1
                    else:
                        lines = _ocr_lines(page, i + 1)
                width, height = page.get_size()
                pages.append(_Page(i + 1, width, height, lines))
            finally:
                page.close()
        meta = {k: str(v) for k, v in pdf.get_metadata_dict().items() if v}
    finally:
        pdf.close()
    parts, body = read_pages(pages)
    text, spans, blocks = _assemble(parts)
    if not text:
        if scanned:
            raise IngestFileError(
                str(path),
                f"{scanned} scanned page(s) and no text layer; install Tesseract to read them "
                "('apt-get install tesseract-ocr'), then ingest again",
            )
        raise IngestFileError(str(path), "PDF has no extractable text")
    return Reading(text, tuple(spans), tuple(blocks), _title(meta, pages, body))


def tesseract_available() -> bool:
    """Whether Tesseract (and its Python wrapper) can read scanned pages here."""
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return True
