"""The external development sets (../shared/eval-data): import, ingest, evaluate, check targets.

Each set is imported into a gold set plus a corpus folder, ingested into its own index and run
in-process. ``TARGETS`` holds the floors each set must reach (the issue's definitions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.importers import GoldSet, rgb, squad2

EVAL_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "eval-data"


@dataclass(frozen=True)
class Target:
    metric: str
    floor: float
    higher_is_better: bool = True

    def met(self, metrics: dict[str, float]) -> bool:
        value = metrics.get(self.metric)
        if value is None:
            return False
        return value >= self.floor if self.higher_is_better else value <= self.floor

    def __str__(self) -> str:
        return f"{self.metric} {'>=' if self.higher_is_better else '<='} {self.floor}"


@dataclass(frozen=True)
class FolderSet:
    """A set that is already a folder of files and a gold file (real documents as they ship):
    nothing to import, the corpus is ingested where it lies."""

    corpus: Path
    gold: Path

    def write(self, out_dir: Path) -> tuple[Path, Path]:
        return self.corpus, self.gold


SETS: dict[str, Callable[[Path], GoldSet | FolderSet]] = {
    "rgb-true": lambda root: rgb(root / "rgb-fact-dev" / "en_fact_dev.jsonl", "true"),
    "rgb-conflict": lambda root: rgb(root / "rgb-fact-dev" / "en_fact_dev.jsonl", "conflict"),
    "rgb-noise": lambda root: rgb(root / "rgb-fact-dev" / "en_fact_dev.jsonl", "noise"),
    "squad2-complexity": lambda root: squad2(root / "squad2-complexity" / "squad2-complexity.json"),
    "realdocs": lambda root: FolderSet(
        root / "realdocs-dev" / "corpus", root / "realdocs-dev" / "questions.jsonl"
    ),
    "realpdf": lambda root: FolderSet(
        root / "realpdf-dev" / "corpus", root / "realpdf-dev" / "questions.jsonl"
    ),
}
FOLDERS = {
    "realdocs": "realdocs-dev",
    "realpdf": "realpdf-dev",
}  # sets whose folder is not the RGB / SQuAD one
TARGETS: dict[str, list[Target]] = {
    "rgb-true": [
        Target("accuracy", 0.75),
        Target("abstain_rate_answerable", 0.10, False),
        Target("false_conflict_alarms", 0.05, False),
    ],
    "rgb-conflict": [Target("conflict_both_sides", 0.80), Target("misled", 0.05, False)],
    "rgb-noise": [Target("abstention_recall", 0.60)],
    "squad2-complexity": [
        Target("accuracy", 0.85),
        Target("abstain_rate_answerable", 0.10, False),
        Target("abstention_recall", 0.30),
    ],
    # issue 26: real documentation files as they ship (hard-wrapped text, Markdown, HTML,
    # several versions of one document)
    "realdocs": [
        Target("accuracy", 0.80),
        Target("wrong_confident", 0.10, False),
        Target("abstention_recall", 0.75),
        Target("conflict_both_values", 0.70),
    ],
    # issue 34: real PDFs (papers, manuals, references, slides; LaTeX, Word, LibreOffice, FOP)
    "realpdf": [
        Target("accuracy", 0.80),
        Target("wrong_confident", 0.10, False),
        Target("abstention_recall", 0.70),
        Target("groundedness", 1.0),
    ],
}


def available(root: Path = EVAL_DATA, name: str | None = None) -> bool:
    """Whether the development data is there (of set ``name``, or of RGB and SQuAD)."""
    if name in FOLDERS:
        return (root / FOLDERS[name]).is_dir()
    return (root / "rgb-fact-dev").is_dir() and (root / "squad2-complexity").is_dir()


def run_set(
    name: str, work: Path, engine_for: Callable[[Path, Path], Any], root: Path = EVAL_DATA
) -> dict[str, Any]:
    """Import set ``name`` into ``work/name``, ingest it, and return its eval report.

    ``engine_for(corpus, data_dir)`` indexes the ``corpus`` folder into ``data_dir`` and returns
    what to ask (an ``Engine``: eval never builds one itself, being below the shell).
    """
    from eval.runner import InProcessClient, load_gold, run_eval

    folder = work / name
    corpus, gold = SETS[name](root).write(folder)
    engine = engine_for(corpus, folder / "index")
    report = run_eval(InProcessClient(engine), load_gold(gold), progress=False)
    report["targets"] = {
        str(t): {"value": report["metrics"].get(t.metric), "met": t.met(report["metrics"])}
        for t in TARGETS[name]
    }
    return report
