"""Benchmarks: each prints its figures as JSON and, with --json PATH, writes them there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DBPEDIA = ROOT.parent / "shared" / "bench-data" / "dbpedia"  # the shared 5,000-document subset


def emit(result: Any, path: Path | None, show: bool = True) -> None:
    """Print ``result`` as JSON and write it to ``path`` when given."""
    text = json.dumps(result, indent=2)
    if show:
        print(text)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
