"""Pure metric functions. Each is unit-tested against hand-computed values."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

Span = tuple[str, int, int]  # (doc_id, char_start, char_end)

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-", "\u00a0": " "}
)


def normalize(text: str) -> str:
    """Case, spacing, unicode quotes and number formats folded so '$1,200' == '$ 1200'."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"\$\s+(?=\d)", "$", text)
    text = re.sub(r"\s*percent\b", "%", text)
    text = re.sub(r"\s*%", "%", text)
    return re.sub(r"\s+", " ", text).strip()


def contains_answer(answer: str, acceptable: Sequence[str]) -> bool:
    """True if the normalized answer contains any normalized acceptable string."""
    norm = normalize(answer)
    return any(normalize(a) in norm for a in acceptable)


def overlaps(a: Span, b: Span) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def recall_at_k(retrieved: Sequence[Span], evidence: Sequence[Span], k: int) -> float:
    """Share of evidence spans overlapped by at least one of the first ``k`` retrieved spans."""
    if not evidence:
        return 0.0
    top = retrieved[:k]
    return sum(any(overlaps(r, e) for r in top) for e in evidence) / len(evidence)


def reciprocal_rank(retrieved: Sequence[Span], evidence: Sequence[Span]) -> float:
    """1 / rank of the first retrieved span overlapping any evidence (0 if none)."""
    for i, r in enumerate(retrieved, start=1):
        if any(overlaps(r, e) for e in evidence):
            return 1.0 / i
    return 0.0


def ndcg_at_k(retrieved: Sequence[Span], evidence: Sequence[Span], k: int = 10) -> float:
    """Binary-relevance nDCG@k; the ideal ranking puts min(k, |evidence|) relevant spans first."""
    if not evidence:
        return 0.0
    dcg = sum(
        1.0 / math.log2(i + 1)
        for i, r in enumerate(retrieved[:k], start=1)
        if any(overlaps(r, e) for e in evidence)
    )
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(k, len(evidence)) + 1))
    return dcg / ideal


def precision_recall(predicted: Sequence[bool], actual: Sequence[bool]) -> tuple[float, float]:
    """Precision and recall of boolean predictions; 1.0 where the denominator is empty."""
    tp = sum(p and a for p, a in zip(predicted, actual, strict=True))
    fp = sum(p and not a for p, a in zip(predicted, actual, strict=True))
    fn = sum(a and not p for p, a in zip(predicted, actual, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 100]."""
    if not values:
        return 0.0
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def grounded_share(sentences: Sequence[tuple[str, str]]) -> float:
    """Share of (quoted sentence, stored text at its offsets) pairs that are identical."""
    if not sentences:
        return 1.0
    return sum(q == s for q, s in sentences) / len(sentences)
