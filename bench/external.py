"""Run the external development sets and print their figures against the targets.

    python -m bench.external [--set rgb-true ...] [--json OUT] [--reader on|off]

Each set (RGB true/conflict/noise halves, SQuAD 2.0 complexity article) is imported, ingested
into its own index under bench-work/external/ and asked in-process with the default settings.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bench import emit

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    from eval.external import SETS, available, run_set
    from index.embedders import load_embedder
    from quarry.engine import Engine, engine_over
    from quarry.settings import settings_from

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", choices=sorted(SETS), dest="sets")
    parser.add_argument("--json", type=Path, help="write the reports' metrics here")
    parser.add_argument("--work", type=Path, default=Path("bench-work/external"))
    args = parser.parse_args()
    if not available():
        print("error: ../shared/eval-data is not there: nothing to run", file=sys.stderr)
        return 1
    embedder = None
    results = {}
    for name in args.sets or [s for s in SETS if available(name=s)]:

        def engine_for(corpus: Path, data_dir: Path) -> Engine:
            nonlocal embedder
            embedder = embedder or load_embedder(settings_from(data_dir=data_dir).embedder)
            return engine_over(corpus, data_dir, embedder)

        report = run_set(name, args.work, engine_for)
        results[name] = {
            "metrics": report["metrics"],
            "latency_ms": report["latency_ms"],
            "targets": report["targets"],
        }
        targets = "; ".join(
            f"{t} -> {v['value']} {'met' if v['met'] else 'NOT met'}"
            for t, v in report["targets"].items()
        )
        print(f"{name}: {targets}", flush=True)
    emit(results, args.json, show=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
