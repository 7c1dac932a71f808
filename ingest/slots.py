"""Values in text (names, dates, numbers, places) and two statements that differ only in one.

"Facebook bought Instagram for $1 billion" and "Apple bought Instagram for $1 billion" make the
same statement with a different value in the same slot; so do "... at Raymond James Stadium in
Tampa, Florida" and "... in Glendale, Arizona". Nothing here knows a topic: a value is a token
that is written with a capital letter (not only because it starts the sentence), holds a digit,
or names a month.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property, lru_cache

from base.lexicon import FILLER_WORDS, MONTH_ABBREVIATIONS, MONTHS, STATEMENT_STARTERS

_WORD = re.compile(r"[$€£]?\d[\d,.:/%-]*[^\W\d_]*|[^\W\d_][\w'’.-]*")
_MONTHS = frozenset(MONTHS) | frozenset(MONTH_ABBREVIATIONS)
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th)$")
_FILLER = frozenset(FILLER_WORDS.split())
_STARTERS = frozenset(STATEMENT_STARTERS.split())
_UNITS = frozenset(("thousand", "million", "billion", "trillion", "percent", "per", "cent", "%"))
SAME_STATEMENT = 0.4  # share of words two sentences must have in common to be one statement
MIN_SHARED = 3  # ...and at least this many words


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    is_value: bool

    @cached_property  # read many times per comparison; tokens themselves are cached
    def key(self) -> str:
        """One value however it is written: "Oct" is "October", "19th" is "19"."""
        key = _ORDINAL_DIGITS.sub(r"\1", self.text.lower().strip(".,'’").replace("’", "'"))
        return MONTH_ABBREVIATIONS.get(key, key)


@lru_cache(maxsize=4_096)
def tokens(text: str) -> tuple[Token, ...]:
    """Words of ``text`` with offsets, each marked as a value or not (cached: the same passages
    are compared pairwise)."""
    out = []
    sentence_start = True
    for m in _WORD.finditer(text):
        word = m.group(0).rstrip(".")
        lower = word.lower()
        value = (
            any(ch.isdigit() for ch in word)
            or lower in _MONTHS
            or (word[0].isupper() and not sentence_start and lower not in _FILLER)
            or (word[0].isupper() and sentence_start and lower not in _FILLER | _STARTERS)
        )
        out.append(Token(word, m.start(), m.start() + len(word), value))
        sentence_start = text[m.end() : m.end() + 2].startswith((". ", "? ", "! "))
    return tuple(out)


@lru_cache(maxsize=4_096)
def _keys(text: str) -> frozenset[str]:
    return frozenset(t.key for t in tokens(text))


@dataclass(frozen=True)
class SlotDifference:
    """Where two statements differ: the value as written in each, and its offsets in each."""

    a: str
    a_start: int
    a_end: int
    b: str
    b_start: int
    b_end: int


def slot_difference(a: str, b: str, ignore: frozenset[str] = frozenset()) -> SlotDifference | None:
    """The value in which statement ``a`` differs from ``b``, when they are otherwise one statement.

    They are one statement when they share at least ``SAME_STATEMENT`` of their words (and
    ``MIN_SHARED`` words); they differ in one slot when each has words the other lacks, every such
    word is a value or filler, the differing words of each side stand together (one slot, not
    two), each side has at least one value, and those values are not in ``ignore`` (the question's
    own words). Returns None otherwise.
    """
    keys_a, keys_b = _keys(a), _keys(b)
    if not keys_a or not keys_b:
        return None
    shared = keys_a & keys_b
    if len(shared) < MIN_SHARED or len(shared) / len(keys_a | keys_b) < SAME_STATEMENT:
        return None
    ta, tb = tokens(a), tokens(b)
    only_a = [t for t in ta if t.key not in keys_b]
    only_b = [t for t in tb if t.key not in keys_a]
    if not only_a or not only_b:
        return None
    if any(not t.is_value and t.key not in _FILLER for t in only_a + only_b):
        return None
    if not (_one_slot(ta, keys_b) and _one_slot(tb, keys_a)):
        return None
    values_a = [t for t in only_a if t.is_value and t.key not in ignore]
    values_b = [t for t in only_b if t.is_value and t.key not in ignore]
    if not values_a or not values_b:
        return None
    a0, a1 = values_a[0].start, _with_unit(ta, values_a[-1])
    b0, b1 = values_b[0].start, _with_unit(tb, values_b[-1])
    if same_value(a[a0:a1], b[b0:b1]):
        return None
    return SlotDifference(a[a0:a1], a0, a1, b[b0:b1], b0, b1)


_INITIAL_DOT = re.compile(r"(?<=[^\W\d_])\.")


def _value_words(value: str) -> list[str]:
    return _INITIAL_DOT.sub(" ", value.lower()).split()


def same_value(a: str, b: str) -> bool:
    """Whether two values as written are one: alike but for case, spacing and the dots of
    initials ("J. F." and "J.F."), or one cut short where the other goes on ("J.F." and "J. F.
    Lawton", as a snippet ends)."""
    wa, wb = _value_words(a), _value_words(b)
    n = min(len(wa), len(wb))
    return n > 0 and wa[:n] == wb[:n]


def _one_slot(toks: Sequence[Token], other: AbstractSet[str]) -> bool:
    """Whether the words missing from ``other`` stand together (filler aside) in ``toks``."""
    at = [i for i, t in enumerate(toks) if t.key not in other and t.key not in _FILLER]
    if not at:
        return True
    return all(toks[i].key in _FILLER for i in range(at[0], at[-1] + 1) if toks[i].key in other)


def _with_unit(toks: Sequence[Token], last: Token) -> int:
    """End of ``last``, stretched over a scale word after it ("$62" -> "$62 billion")."""
    i = toks.index(last)
    if i + 1 < len(toks) and toks[i + 1].key in _UNITS:
        return toks[i + 1].end
    return last.end


def value_differences(a: str, b: str, min_alike: float = 0.6) -> list[SlotDifference]:
    """Every value that statement ``a`` writes otherwise in ``b``, when the two are one text but
    for their values (two versions of a sentence: "30M downloads ... 1,000,000+ repositories"
    and "300M downloads ... 4,000,000+ repositories"). Word by word (a diff of their words), at
    least ``min_alike`` of them alike; a slot counts when both sides are values and not the same
    value written otherwise. Empty when they are not one text."""
    from difflib import SequenceMatcher

    ta, tb = tokens(a), tokens(b)
    matcher = SequenceMatcher(a=[t.key for t in ta], b=[t.key for t in tb], autojunk=False)
    if not ta or not tb or matcher.ratio() < min_alike:
        return []
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace":
            continue
        sa, sb = ta[i1:i2], tb[j1:j2]
        if any(not x.is_value and x.key not in _FILLER for x in (*sa, *sb)):
            continue
        va, vb = [x for x in sa if x.is_value], [x for x in sb if x.is_value]
        if not va or not vb:
            continue
        a0, a1 = va[0].start, _with_unit(ta, va[-1])
        b0, b1 = vb[0].start, _with_unit(tb, vb[-1])
        if not same_value(a[a0:a1], b[b0:b1]):
            out.append(SlotDifference(a[a0:a1], a0, a1, b[b0:b1], b0, b1))
    return out


def differ_in_value(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one statement with a different value in some slot."""
    return slot_difference(a, b) is not None
