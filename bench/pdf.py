"""PDF reading speed: ``python -m bench.pdf [DIR] [--json OUT]``

Times ``ingest.pdf.read_pdf`` (text extraction and layout: no OCR, no embedding) on every PDF
under DIR (default: ../shared/eval-data/realpdf-dev/corpus), three runs each, best of three, and
prints milliseconds per page per file and the median over files' pages.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/eval-data/realpdf-dev/corpus"


def main(argv: list[str] | None = None) -> int:
    from ingest.pdf import read_pdf

    parser = argparse.ArgumentParser(prog="python -m bench.pdf", description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    files = sorted(args.folder.rglob("*.pdf"))
    if not files:
        print(f"error: no PDFs under {args.folder}", file=sys.stderr)
        return 1
    import pypdfium2 as pdfium

    rows, per_page = {}, []
    for f in files:
        data = f.read_bytes()
        pdf = pdfium.PdfDocument(data)
        pages = len(pdf)
        pdf.close()
        best = min(_timed(read_pdf, f, data) for _ in range(3))
        ms = 1000 * best / pages
        rows[str(f.relative_to(args.folder))] = {"pages": pages, "ms_per_page": round(ms, 1)}
        per_page += [ms] * pages
        print(f"{f.name:40} {pages:4} pages {ms:7.1f} ms/page")
    median = round(statistics.median(per_page), 1)
    print(f"median over {len(per_page)} pages: {median} ms/page")
    if args.json:
        args.json.write_text(json.dumps({"files": rows, "median_ms_per_page": median}, indent=1))
    return 0


def _timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
