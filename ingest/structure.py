"""Layout that plain text loses, turned into readable lines: tables, HTML blocks, headings.

Each function returns text; the loader stores it, so every offset still points into what is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

_SPACE = re.compile(r"[ \t\u00a0\r\n]+")


def squash(text: str) -> str:
    """Runs of white space become one space."""
    return _SPACE.sub(" ", text).strip()


def table_lines(rows: Sequence[Sequence[str]], header: bool) -> list[str]:
    """One readable, citable line per table row.

    Two columns read as ``key: value`` ("Mentor: Dr. Alana Brooks"). Wider tables with a header
    row name every value ("Item: Sourdough; Price: $6.50; Baking time: 45 minutes"); without a
    header the cells are joined with "; ". Empty rows are dropped.
    """
    cleaned = [[squash(c) for c in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if not cleaned:
        return []
    width = max(len(row) for row in cleaned)
    names = cleaned[0] if header and width > 2 else None
    body = cleaned[1:] if header else cleaned
    lines = []
    for row in body:
        if width == 2 and len(row) == 2 and row[0] and row[1]:
            lines.append(f"{row[0]}: {row[1]}")
        elif names is not None:
            pairs = [
                f"{names[i]}: {cell}" if i < len(names) and names[i] else cell
                for i, cell in enumerate(row)
                if cell
            ]
            lines.append("; ".join(pairs))
        else:
            lines.append("; ".join(c for c in row if c))
    return lines


def heading_line(text: str) -> str | None:
    """The first line, when it reads like a heading: short, and not a sentence or a fragment."""
    first = text.lstrip().split("\n", 1)[0].strip()
    words = first.split()
    if 1 <= len(words) <= 15 and len(first) <= 120 and not first.endswith((".", ",", ";", ":")):
        return first
    return None


# --- HTML ---------------------------------------------------------------------------------------

DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "noscript", "form", "template")
_BLOCKS = """p h1 h2 h3 h4 h5 h6 li blockquote pre td th dt dd figcaption div section article br tr
ul ol dl table main body title caption hr"""
BLOCK_TAGS = frozenset(_BLOCKS.split())
# Page furniture marked by class: Sphinx's sidebar, navigation bars and heading anchors ("¶").
_DROP_CLASSES = frozenset(
    ("headerlink", "sphinxsidebar", "related", "navigation", "breadcrumbs", "navbar", "sidebar")
)


def html_lines(root: Any) -> Iterator[str]:
    """Text of an lxml HTML tree, a line per block, tables as rows; linear in the tree's size.

    Walks the tree iteratively (``iterwalk``), so deep nesting costs no recursion and no tree
    edits. Script, style and page furniture elements are skipped with their contents.
    """
    from lxml import etree

    buffer: list[str] = []
    pre = 0  # inside <pre>: its lines are kept; elsewhere a newline is only white space
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            # A skipped element still gets its 'end' event, where its tail is read.
            if tag in DROP_TAGS or not tag or _DROP_CLASSES & set(el.get("class", "").split()):
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                yield from _flush(buffer, pre > 0)
            pre += tag == "pre"
            if tag == "table":
                yield from table_lines(*_html_table(el))
                yield ""
                walker.skip_subtree()
                continue
            if el.text:
                buffer.append(el.text)
        else:
            if tag in BLOCK_TAGS:
                yield from _flush(buffer, pre > 0)
            pre -= tag == "pre"
            if el.tail:
                buffer.append(el.tail)
    yield from _flush(buffer, pre > 0)


def _flush(buffer: list[str], keep_lines: bool = False) -> Iterator[str]:
    if buffer:
        text = "".join(buffer)
        buffer.clear()
        if keep_lines:
            for line in re.sub(r"[ \t\u00a0]+", " ", text).split("\n"):
                yield line.strip()
        else:
            yield squash(text)
        yield ""


def _html_table(table: Any) -> tuple[list[list[str]], bool]:
    """Rows of cell texts of one table (not of tables nested in it), and whether row 1 heads it."""
    rows: list[list[str]] = []
    header = False
    for tr in table.iter("tr"):
        if _owner_table(tr) is not table:
            continue
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if not rows:
            parent = tr.getparent()
            header = all(c.tag == "th" for c in cells) or (
                parent is not None and parent.tag == "thead"
            )
        rows.append([c.text_content() for c in cells])
    return rows, header and len(rows) > 1


def _owner_table(el: Any) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent
