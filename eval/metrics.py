"""Pure metric functions. Each is unit-tested against hand-computed values."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from base.lexicon import MONTH_ABBREVIATIONS, MONTHS

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


_MONTH_NUMBERS = {m: i for i, m in enumerate(MONTHS, 1)} | {
    short: MONTHS.index(full) + 1 for short, full in MONTH_ABBREVIATIONS.items()
}
# A date written out: "June 19 2020", "Jun. 19, 2020", "19 June 2020" (normalized: lowercase).
_WRITTEN_DATE = re.compile(
    r"(?:(?P<m1>[a-z]+)\.? (?P<d1>\d{1,2}),? (?P<y1>\d{4})|(?P<d2>\d{1,2}) (?P<m2>[a-z]+)\.?,? "
    r"(?P<y2>\d{4}))"
)


@lru_cache(maxsize=1024)  # the same acceptable answers are checked against every text
def _same_day(acceptable: str) -> re.Pattern[str] | None:
    """For an acceptable answer that is a written-out date, a pattern for the same day in any
    common form: written ("Jun. 19, 2020", "19th of June 2020") or in digits, month first or
    day first, with or without leading zeros ("6/19/2020", "19.06.2020", "2020-06-19"); None
    for any other answer."""
    m = _WRITTEN_DATE.fullmatch(acceptable)
    if not m:
        return None
    month = _MONTH_NUMBERS.get(m.group("m1") or m.group("m2") or "")
    day, year = int(m.group("d1") or m.group("d2")), m.group("y1") or m.group("y2")
    if month is None or not 1 <= day <= 31:
        return None
    names = "|".join(n for n, i in _MONTH_NUMBERS.items() if i == month)
    mm, dd, nth = rf"0?{month}", rf"0?{day}", rf"0?{day}(?:st|nd|rd|th)?"
    forms = [
        rf"(?:{names})\.? {nth},? {year}",
        rf"{nth} (?:of )?(?:{names})\.?,? {year}",
        rf"{mm}/{dd}/{year}|{dd}/{mm}/{year}|{mm}\.{dd}\.{year}|{dd}\.{mm}\.{year}",
        rf"{year}-{month:02d}-{day:02d}",
    ]
    return re.compile(rf"(?<![\w/.-])(?:{'|'.join(forms)})(?![\w/.-]?\d)")


def contains_answer(answer: str, acceptable: Sequence[str]) -> bool:
    """True if the normalized answer contains any normalized acceptable string. A written-out
    date is also found written another way ("Release: 6/19/2020" and "Jun. 19, 2020" hold
    "June 19 2020"); in digits, days and months are read either way round."""
    norm = normalize(answer)
    for a in acceptable:
        a = normalize(a)
        if a in norm:
            return True
        same_day = _same_day(a)
        if same_day and same_day.search(norm):
            return True
    return False


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
