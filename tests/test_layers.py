"""The import contract: a floor that imports nothing, stages above it, a shell on top.

    base                      errors, progress bars, shared word lists: imports nothing of ours
    ingest                    files -> documents -> chunks
    index                     embeddings, segments, FAISS, Tantivy, retrieval
    qa | eval                 answers | gold sets, metrics, the gate (beside each other)
    quarry                    the shell: settings, engine, ingestor, distributed ingest
    api                       HTTP
    cli                       the command line

A package may import only packages on lower rows; two packages on one row never import each
other. ``bench`` and ``tests`` stand above everything. Checked on the source (every ``import``
and ``from ... import``, at any depth of the module, lazy imports included), so an upward import
fails ``make test`` and ``make lint`` (``python -m tests.test_layers``).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LAYERS: tuple[tuple[str, ...], ...] = (
    ("base",),
    ("ingest",),
    ("index",),
    ("qa", "eval"),
    ("quarry",),
    ("api",),
    ("cli",),
    ("bench", "tests"),
)
RANK = {pkg: i for i, row in enumerate(LAYERS) for pkg in row}


def imported_packages(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import in ``path`` that names one of ours."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        out += [(node.lineno, n.split(".")[0]) for n in names if n.split(".")[0] in RANK]
    return out


def violations(repo: Path = REPO) -> list[str]:
    """Every import that breaks the contract, as ``file:line: a imports b (why)``."""
    found = []
    for pkg, rank in RANK.items():
        for path in sorted((repo / pkg).rglob("*.py")):
            for line, target in imported_packages(path):
                if target == pkg:
                    continue
                where = f"{path.relative_to(repo)}:{line}: {pkg} imports {target}"
                if RANK[target] > rank:
                    found.append(f"{where} (a layer above it)")
                elif RANK[target] == rank and pkg not in ("bench", "tests"):
                    found.append(f"{where} (beside it: neither may import the other)")
    return found


def test_every_package_is_in_a_layer():
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")}
    assert packages == set(RANK), packages ^ set(RANK)


def test_no_package_imports_one_above_it_or_beside_it():
    assert violations() == []


def test_the_check_finds_an_upward_and_a_sideways_import(tmp_path):
    """The checker itself, on a made-up tree: it must catch what it is for."""
    for pkg in RANK:
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "ingest" / "bad.py").write_text("def f():\n    from quarry.settings import X\n")
    (tmp_path / "qa" / "side.py").write_text("import eval.metrics\n")
    (tmp_path / "qa" / "fine.py").write_text("from index.store import Y\nfrom base import errors\n")
    found = violations(tmp_path)
    assert found == [
        "ingest/bad.py:2: ingest imports quarry (a layer above it)",
        "qa/side.py:1: qa imports eval (beside it: neither may import the other)",
    ]


if __name__ == "__main__":
    bad = violations()
    for v in bad:
        print(v)
    print(f"import contract: {len(bad)} violation(s)")
    sys.exit(1 if bad else 0)
