"""Re-fit the abstention threshold on the seed gold set (see ``eval.calibrate``).

python -m bench.calibrate    # uses QUARRY_DATA_DIR, default ./quarry-data
"""

from __future__ import annotations

from eval.calibrate import best_scores, choose_threshold
from eval.runner import load_gold
from quarry.engine import Engine
from quarry.settings import Settings


def main() -> None:
    engine = Engine(Settings())
    scored = best_scores(engine, load_gold())
    for q, s in sorted(scored, key=lambda x: x[1]):
        print(f"{s:.3f}  {'answerable  ' if q.answerable else 'UNANSWERABLE'}  {q.question}")
    threshold, bal = choose_threshold([(q.answerable, s) for q, s in scored])
    print(f"\nchosen abstain_threshold = {threshold} (balanced accuracy {bal:.3f})")


if __name__ == "__main__":
    main()
