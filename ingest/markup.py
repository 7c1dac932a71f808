"""Reading text from structured plain text and Markdown: what a person sees, block by block.

The stored text of a document (what every citation offset points into) is its *reading text*:
paragraphs whose lines were hard-wrapped at 70-80 columns are joined into one line, list items
are one line each, headings are lines of their own, and code blocks and tables keep their lines
as written. Markup is not text: Markdown's emphasis, link syntax, link reference definitions,
HTML comments and front matter are dropped. Why the cleaned text and not the raw file with
mapped offsets: a quote must read as the sentence it is ("When "git push" does not say what to
push, we have used the traditional matching semantics" rather than a line fragment), the widget
shows ``text[start:end]`` as is, and one text keeps groundedness checkable by a plain slice.

Blocks are separated by a blank line. Each code block and table is recorded as a ``Block`` span
so that the chunker keeps it whole (never split into sentences or merged into prose), and each
heading so that its chunks carry their section's title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ingest.structure import squash, table_lines
from ingest.text import LINE_END

Kind = Literal["heading", "code", "table"]


@dataclass(frozen=True)
class Block:
    """Characters ``[char_start, char_end)`` of the reading text are a heading (``level`` 1-6),
    a code block or a table."""

    kind: Kind
    char_start: int
    char_end: int
    level: int = 0


@dataclass
class _Part:
    kind: str  # "text" (joined prose, one line), "lines" (kept line by line), or a Kind
    lines: list[str]
    level: int = 0


def assemble(parts: Iterable[_Part]) -> tuple[str, tuple[Block, ...]]:
    """The reading text of ``parts`` (a blank line between two) and its block spans."""
    pieces: list[str] = []
    blocks: list[Block] = []
    at = 0
    for part in parts:
        lines = [line.rstrip() for line in part.lines]
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if not lines:
            continue
        body = "\n".join(lines)
        if pieces:
            at += 2
        if part.kind in ("heading", "code", "table"):
            blocks.append(Block(part.kind, at, at + len(body), part.level))  # type: ignore[arg-type]
        pieces.append(body)
        at += len(body)
    return "\n\n".join(pieces), tuple(blocks)


# -- plain text ---------------------------------------------------------------------------------

_ITEM = re.compile(r"^(\s*)([-*+•o]|\d{1,3}[.)]|\(?[a-z0-9]\))\s+(?=\S)")
_UNDERLINE = re.compile(r"^\s*([=\-~^*#+])\1{2,}\s*$")
_OUTLINE = re.compile(r"^(\*{1,4})\s+(\S.*)$")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-Z]\S*(?:\s+\S+){0,10})$")
_COLUMNS = re.compile(r"\S(?: {2,}|\t)\S")
_MAX_WRAP = 100  # hard wraps are at 60-100 columns (72-80 mostly)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _wrap_width(lines: list[str]) -> int:
    """The column the file was wrapped at: a high percentile of its line lengths."""
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if not lengths:
        return 0
    return lengths[min(len(lengths) - 1, int(len(lengths) * 0.95))]


def _filled(line: str, nxt: str, width: int) -> bool:
    """Whether ``line`` was broken only because the next word would not fit: the test that a
    hard wrap leaves (the line plus the next line's first word would pass the wrap width). A
    file whose lines run past ``_MAX_WRAP`` columns is not hard-wrapped: its long lines are
    paragraphs (news pasted one paragraph a line), never wraps."""
    if width > _MAX_WRAP:
        return False
    first = nxt.split(maxsplit=1)[0] if nxt.strip() else ""
    return len(line.rstrip()) + 1 + len(first) > width - 2


def _joins(line: str, nxt: str, width: int) -> bool:
    """Whether ``nxt`` continues ``line``'s sentence or paragraph (a soft wrap)."""
    if not nxt.strip() or _ITEM.match(nxt) or _UNDERLINE.match(nxt):
        return False
    if _COLUMNS.search(line.strip()) and _COLUMNS.search(nxt.strip()):
        return False  # two rows of a table
    if _filled(line, nxt, width):
        return True
    # A short line that does not end a sentence, followed by lower case: still one sentence.
    return not LINE_END.search(line.rstrip()) and nxt.lstrip()[:1].islower()


def _join(lines: list[str]) -> str:
    out = lines[0].strip()
    for line in lines[1:]:
        piece = line.strip()
        if re.search(r"[A-Za-z]-$", out) and piece[:1].islower():
            out += piece  # "thread-" + "safe": the hyphen is the word's own
        else:
            out += " " + piece
    return out


def _paragraphs(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


def text_parts(text: str) -> list[_Part]:
    """Blocks of a hard-wrapped plain-text file (NEWS, README, FAQ, reStructuredText)."""
    lines = text.split("\n")
    width = _wrap_width(lines)
    paragraphs = _paragraphs(lines)
    indents = sorted(min(_indent(x) for x in p) for p in paragraphs)
    body_indent = indents[len(indents) // 2] if indents else 0
    parts: list[_Part] = []
    for para in paragraphs:
        parts.extend(_text_paragraph(para, width, body_indent))
    return parts


def _text_paragraph(para: list[str], width: int, body_indent: int) -> list[_Part]:
    first = para[0].strip()
    if len(para) == 2 and _UNDERLINE.match(para[1]) and not _UNDERLINE.match(para[0]):
        return [_Part("heading", [first], 1 if para[1].strip()[0] == "=" else 2)]
    if len(para) == 1:
        outline = _OUTLINE.match(first)
        if outline and not LINE_END.search(first):
            return [_Part("heading", [outline.group(2)], len(outline.group(1)))]
        numbered = _NUMBERED.match(first)
        if numbered and not LINE_END.search(first) and len(first) < 70:
            return [_Part("heading", [first], numbered.group(1).count(".") + 1)]
    indent = min(_indent(x) for x in para)
    rows = sum(bool(_COLUMNS.search(x.strip())) for x in para)
    if len(para) >= 2 and rows == len(para):
        return [_Part("table", _dedent(para))]
    if indent >= body_indent + 4 and not _ITEM.match(para[0]):
        return [_Part("code", _dedent(para))]
    # Items and wrapped prose: each line joins the one before when it continues it.
    units: list[list[str]] = []
    for i, line in enumerate(para):
        if units and not _ITEM.match(line) and _joins(para[i - 1], line, width):
            units[-1].append(line)
        else:
            units.append([line])
    if len(units) == 1:
        return [_Part("text", [_join(units[0])])]
    return [_Part("lines", [_join(u) for u in units])]


def _dedent(lines: list[str]) -> list[str]:
    cut = min(_indent(x) for x in lines if x.strip())
    return [x[cut:].rstrip() for x in lines]


# -- Markdown -----------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(\n|\Z)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"<[^>\n]+>")


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (``---`` lines around it, at the very top) and the text after it."""
    found = _FRONT_MATTER.match(text)
    if not found:
        return {}, text
    import yaml

    try:
        meta = yaml.safe_load(found.group(1))
    except yaml.YAMLError:
        meta = None
    return (meta if isinstance(meta, dict) else {}), text[found.end() :]


def markdown_parts(text: str) -> list[_Part]:
    """Blocks of a CommonMark (+ tables) document, parsed with markdown-it-py."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    parts: list[_Part] = []
    item_depth = 0
    items: list[str] | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            item_depth += 1
            if item_depth == 1:
                items = []
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            item_depth -= 1
            if item_depth == 0 and items is not None:
                parts.append(_Part("lines", items))
                items = None
        elif tok.type == "heading_open":
            words = _inline(tokens[i + 1])
            if words:
                parts.append(_Part("heading", [words], int(tok.tag[1:])))
            i += 2
        elif tok.type == "paragraph_open":
            words = _inline(tokens[i + 1])
            if words and items is not None:
                if tokens[i - 1].type == "list_item_open" or not items:
                    items.append(words)
                else:
                    items[-1] += " " + words  # a second paragraph of the same item
            elif words:
                parts.append(_Part("text", [words]))
            i += 2
        elif tok.type in ("fence", "code_block"):
            code = tok.content.rstrip("\n").split("\n")
            if items is not None:
                parts.append(_Part("lines", items))
                items = []
            parts.append(_Part("code", code))
        elif tok.type == "html_block":
            plain = squash(_TAG.sub(" ", _COMMENT.sub(" ", tok.content)))
            if plain:
                parts.append(_Part("text", [plain]))
        elif tok.type == "table_open":
            rows, header, i = _md_table(tokens, i)
            lines = table_lines(rows, header)
            if lines:
                parts.append(_Part("table", lines))
        i += 1
    return parts


def _inline(token: Any) -> str:
    """The text an inline token shows: markup, links' targets and inline HTML left out."""
    out: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(child.content)
    return squash("".join(out))


def _md_table(tokens: list[Any], i: int) -> tuple[list[list[str]], bool, int]:
    rows: list[list[str]] = []
    header = False
    row: list[str] = []
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            header = True
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close":
            rows.append(row)
        elif tok.type == "inline":
            row.append(_inline(tok))
        i += 1
    return rows, header and len(rows) > 1, i
