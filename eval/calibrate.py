"""Calibrate the abstention threshold on the gold set.

For every gold question, the best sentence support (0.8 x embedding similarity + 0.2 x share of the
question's words, see ``qa.answer``) is computed; questions whose answer is in
the corpus should score above the threshold, the unanswerable ones below. The threshold chosen
maximizes balanced accuracy (mean of the in-corpus answer rate and the out-of-corpus abstention
rate); ties go to the lowest threshold, which abstains least.

Run: ``python -m eval.calibrate`` (uses QUARRY_DATA_DIR, default ./quarry-data).
"""

from __future__ import annotations

import numpy as np

from eval.runner import GoldQuestion, load_gold


def best_scores(engine, gold: list[GoldQuestion]) -> list[tuple[GoldQuestion, float]]:
    out = []
    for q in gold:
        out.append((q, engine.answer(q.question).best_score))
    return out


def choose_threshold(scored: list[tuple[bool, float]]) -> tuple[float, float]:
    """(threshold, balanced accuracy) over (answerable, best score) pairs."""
    pos = [s for a, s in scored if a]
    neg = [s for a, s in scored if not a]
    best = (0.0, 0.0)
    for t in np.arange(0.20, 0.80, 0.005):
        tpr = sum(s >= t for s in pos) / len(pos)
        tnr = sum(s < t for s in neg) / len(neg)
        bal = (tpr + tnr) / 2
        if bal > best[1] + 1e-9:
            best = (round(float(t), 3), bal)
    return best


def main() -> None:
    from quarry.engine import Engine
    from quarry.settings import Settings

    engine = Engine(Settings())
    scored = best_scores(engine, load_gold())
    for q, s in sorted(scored, key=lambda x: x[1]):
        print(f"{s:.3f}  {'answerable  ' if q.answerable else 'UNANSWERABLE'}  {q.question}")
    threshold, bal = choose_threshold([(q.answerable, s) for q, s in scored])
    print(f"\nchosen abstain_threshold = {threshold} (balanced accuracy {bal:.3f})")


if __name__ == "__main__":
    main()
