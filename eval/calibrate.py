"""Calibrate the abstention threshold on the gold set.

For every gold question, the best sentence support (0.8 x embedding similarity + 0.2 x share of the
question's words, see ``qa.answer``) is computed; questions whose answer is in
the corpus should score above the threshold, the unanswerable ones below. The threshold chosen
maximizes balanced accuracy (mean of the in-corpus answer rate and the out-of-corpus abstention
rate); ties go to the lowest threshold, which abstains least.

Run: ``python -m bench.calibrate`` (uses QUARRY_DATA_DIR, default ./quarry-data).
"""

from __future__ import annotations

import numpy as np

from eval.runner import GoldQuestion


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
