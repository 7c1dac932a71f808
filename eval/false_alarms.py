"""Count conflict alarms on questions outside the gold set.

The gold set has only a few verdict questions where the sources agree, so conflict precision
measured there says little about false alarms. ``eval/data/verdict_questions.txt`` holds more,
in labelled sets (``# A``, ``# B``); this asks each one and reports which raised a conflict.

Run: ``python -m bench.false_alarms`` (uses QUARRY_DATA_DIR, default ./quarry-data).
"""

from __future__ import annotations

from pathlib import Path

QUESTIONS = Path(__file__).resolve().parent / "data" / "verdict_questions.txt"


def read_sets(path: Path = QUESTIONS) -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    current = "default"
    for line in path.read_text(encoding="utf-8").split("\n"):
        line = line.strip()
        if line.startswith("# ") and len(line.split()) == 2:
            current = line[2:]
        elif line and not line.startswith("#"):
            sets.setdefault(current, []).append(line)
    return sets
