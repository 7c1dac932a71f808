"""How clean is the stored text of PDFs? ``python -m eval.pdf_probe DIR [--json OUT]``

Reads every PDF under DIR the way ``quarry ingest`` does and counts, per 10,000 stored characters:

- ``furniture``: phrases of six words (digits normalized) at the start or end of a page's text
  that recur there on at least 3 pages and 30% of them: running headers and footers left in;
- ``page_numbers``: lines that are only a page number ("17", "- 8 -", "Page 3 of 40"), outside
  tables and code;
- ``hyphen_fragments``: a word split by a line-end hyphen left as "struc- ture" or "struc-ture"
  where the document elsewhere writes "structure";
- ``ligatures``: U+FB00-FB06 characters;
- ``control``: control, zero-width, private-use and replacement characters;
- ``glued``: two words run together ("manually.For"; a lowercase word followed by a capitalized
  one with no space, seen once, where both stand alone elsewhere in the document);
- ``broken``: a word broken by a space ("tw odays") where the joined form is a word of the
  document and the pieces are not.

The figures are what the issue's targets are stated in; they are approximations (a table of
numbers can look like page numbers), so look at the examples it prints before trusting a change.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

_LONE = re.compile(
    r"^[-–— ]*(page\s+)?([0-9]{1,4}|[ivxlcdm]{1,7})(\s*(/|of)\s*[0-9]{1,4})?[-–— ]*$", re.I
)
_LIGATURE = re.compile("[\ufb00-\ufb06]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\ufeff\ue000-\uf8ff\ufffd\ufffe]")
_HYPHEN = re.compile(r"\b([a-z]{2,})- ?([a-z]{2,})\b")
_GLUED_STOP = re.compile(r"\b[a-z]{3,}[.,;:][A-Z][a-z]{2,}\b")
_GLUED = re.compile(r"\b([a-z]{3,})([A-Z][a-z]{3,})\b")
_BROKEN = re.compile(r"\b([a-z]{1,3}) ([a-z]{2,})\b")
_WORD = re.compile(r"[A-Za-z]+")


def probe_text(text: str, pages: list[tuple[int, int, int]], skip: list[tuple[int, int]]) -> dict:
    """Counts of each kind of damage in ``text`` (``pages``: (page, start, end) spans; ``skip``:
    table and code spans, left out of the page-number count)."""
    words = Counter(w.lower() for w in _WORD.findall(text))
    found: dict[str, list[str]] = {k: [] for k in _KINDS}
    # furniture: six-word phrases on many pages
    on_pages: dict[str, set[int]] = {}
    n_pages = len({p for p, _, _ in pages}) or 1
    for page, s, e in pages:  # where a page's header or footer would be left: its edges
        edge = text[s : min(e, s + 160)] + " | " + text[max(s, e - 160) : e]
        tokens = re.sub(r"[0-9]+", "#", edge.lower()).split()
        for i in range(len(tokens) - 5):
            on_pages.setdefault(" ".join(tokens[i : i + 6]), set()).add(page)
    common = {k for k, v in on_pages.items() if len(v) >= max(3, 0.3 * n_pages)}
    for phrase in sorted(common)[:200]:
        found["furniture"].append(phrase)
    at = 0
    for line in text.split("\n"):
        inside = any(s <= at < e for s, e in skip)
        if not inside and line.strip() and _LONE.match(line.strip()):
            found["page_numbers"].append(line)
        at += len(line) + 1
    for m in _HYPHEN.finditer(text):
        joined = (m.group(1) + m.group(2)).lower()
        spaced = " " in m.group(0)
        compound = f"{m.group(1)}-{m.group(2)}".lower()
        if words[joined] and (spaced or compound not in text.lower()):
            found["hyphen_fragments"].append(m.group(0))
    found["ligatures"] = _LIGATURE.findall(text)
    found["control"] = [repr(c) for c in _CONTROL.findall(text)]
    found["glued"] = _GLUED_STOP.findall(text)
    for m in _GLUED.finditer(text):
        if words[m.group(0).lower()] == 1 and words[m.group(1)] and words[m.group(2).lower()]:
            found["glued"].append(m.group(0))
    for m in _BROKEN.finditer(text):
        a, b = m.group(1), m.group(2)
        if words[(a + b)] and not words[a] > 2 and words[b] <= 1:
            found["broken"].append(m.group(0))
    per = 10_000 / max(len(text), 1)
    out: dict[str, Any] = {"chars": len(text)}
    for kind in _KINDS:
        out[kind] = round(len(found[kind]) * per, 3)
    out["examples"] = {k: v[:5] for k, v in found.items() if v}
    return out


_KINDS = (
    "furniture",
    "page_numbers",
    "hyphen_fragments",
    "ligatures",
    "control",
    "glued",
    "broken",
)


def probe_file(path: Path) -> dict:
    from ingest.loaders import load_file

    doc = load_file(path)
    pages = [(p.page, p.char_start, p.char_end) for p in doc.pages]
    skip = [(b.char_start, b.char_end) for b in doc.blocks if b.kind in ("table", "code")]
    return probe_text(doc.text, pages, skip)


def probe(folder: Path) -> dict[str, Any]:
    """Per file and over all files (weighted by stored characters)."""
    files = sorted(folder.rglob("*.pdf"))
    per_file = {str(f.relative_to(folder)): probe_file(f) for f in files}
    chars = sum(r["chars"] for r in per_file.values()) or 1
    total = {k: round(sum(r[k] * r["chars"] for r in per_file.values()) / chars, 3) for k in _KINDS}
    return {"files": per_file, "all": {"chars": chars, **total}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.pdf_probe", description=__doc__.split("\n")[0]
    )
    parser.add_argument("folder", type=Path, help="a folder of PDFs (searched recursively)")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--examples", action="store_true", help="print examples of each kind")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return 2
    result = probe(args.folder)
    head = f"{'file':44} {'chars':>7} " + " ".join(f"{k[:9]:>9}" for k in _KINDS)
    print(head)
    for name, r in [*result["files"].items(), ("ALL (per 10k chars)", result["all"])]:
        print(f"{name[:44]:44} {r['chars']:>7} " + " ".join(f"{r[k]:>9}" for k in _KINDS))
        if args.examples and r.get("examples"):
            for kind, ex in r["examples"].items():
                print(f"    {kind}: {ex}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
