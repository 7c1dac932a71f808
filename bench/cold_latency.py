"""Cold-question latency in-process: a fresh process, each seed gold question asked once.

    python -m bench.cold_latency [--reader on|off] [--json OUT]

Builds a seed index in a temp dir (not timed), loads the engine (timed apart), then asks the 97
gold questions once each, in order, and reports p50/p95 of the whole answer and of each stage:
retrieve (embed the question, search), score (embed and score candidate sentences), read (the
cross-encoder), compose (choose, abstain, conflicts, cite).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench import ROOT, emit

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    from eval.metrics import percentile
    from eval.runner import load_gold
    from index.embedders import load_embedder
    from quarry.engine import Engine
    from quarry.ingestor import Ingestor
    from quarry.settings import settings_from

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reader", choices=("on", "off"), default="on")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    questions = [q.question for q in load_gold()]
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_from(data_dir=Path(tmp), reader=args.reader == "on")
        embedder = load_embedder(settings.embedder)
        Ingestor(settings, embedder, progress=False).ingest([ROOT / "corpus"])
        t0 = time.perf_counter()
        engine = Engine(settings, embedder=embedder)
        engine.answerer()
        load_ms = (time.perf_counter() - t0) * 1000
        stages: dict[str, list[float]] = {}
        for q in questions:
            answer = engine.answer(q)
            for stage, ms in answer.timings_ms.items():
                stages.setdefault(stage, []).append(ms)
    result = {
        "reader": args.reader,
        "questions": len(questions),
        "engine_load_ms": round(load_ms, 1),
        "stages_ms": {
            stage: {
                "p50": round(percentile(v, 50), 1),
                "p95": round(percentile(v, 95), 1),
                "mean": round(sum(v) / len(v), 1),
            }
            for stage, v in stages.items()
        },
    }
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
