"""Text processing that ingest, index and qa share: sentence spans and lexical terms.

A leaf module (it imports nothing from Quarry), so every stage splits sentences and tokenizes
the same way. Sentences: a rule-based splitter, good enough for prose, that never loses a
character's position; paragraph breaks (blank lines or single newlines) always end a sentence.
Terms: lowercased, stop-worded, lightly stemmed words, numbers with their separators removed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from base.lexicon import ABBREVIATIONS, STOPWORDS

# A line that ends a sentence or a clause (a colon or semicolon counts): where a wrapped line's
# paragraph may stop. Shared by the plain-text and the PDF readers.
LINE_END = re.compile(r"""[.!?:;…]["'”’)\]]*$""")

_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+)""")
_LINE = re.compile(r"[^\n]+")


def _is_abbreviation(text: str, end: int) -> bool:
    start = end - 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:end].rstrip(".").lower().lstrip("(\"'“‘")
    if word in ABBREVIATIONS:
        return True
    # Single capital initials ("J. Smith") are not sentence ends.
    return len(word) == 1 and word.isalpha()


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return ``(char_start, char_end)`` of each sentence in ``text[start:end]``.

    Offsets index into ``text`` itself; spans carry no leading or trailing whitespace.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text, start, end):
        cursor = line.start()
        stop = line.end()
        for match in _BOUNDARY.finditer(text, cursor, stop):
            cut = match.end()
            nxt = cut
            while nxt < stop and text[nxt].isspace():
                nxt += 1
            if nxt < stop and text[nxt].islower():
                continue  # "e.g. the" or "U.S. officials said..." mid-sentence
            if text[match.start()] == "." and _is_abbreviation(text, match.start() + 1):
                continue
            _add(text, cursor, cut, spans)
            cursor = cut
        _add(text, cursor, stop, spans)
    return spans


def new_paragraph(text: str, before: tuple[int, int], after: tuple[int, int]) -> bool:
    """Whether a blank line separates two sentence spans of ``text`` (``before`` ends first):
    the second starts a new paragraph."""
    return "\n\n" in text[before[1] : after[0]]


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# -- lexical terms ---------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


def _stem(token: str) -> str:
    """A light suffix stemmer: enough to match 'shipments'/'shipment', 'refining'/'refine'."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            if suffix == "ies":
                return token[: -len(suffix)] + "y"
            return token[: -len(suffix)]
    return token


@lru_cache(maxsize=4_096)
def term_set(text: str) -> frozenset[str]:
    """The distinct terms of ``text``, cached: answering compares the same passages and
    sentences against every question. The cache is small on purpose: over a large corpus every
    question brings new passages, and 65,536 entries held ~1 GB of sets."""
    return frozenset(tokenize(text))


def tokenize(text: str) -> list[str]:
    """Lowercased, stop-worded, lightly stemmed terms; numbers keep their separators removed."""
    text = text.lower().replace("’", "'")
    out = []
    for tok in _TOKEN.findall(text):
        tok = tok.replace(",", "")
        if tok in STOPWORDS:
            continue
        out.append(tok if tok[0].isdigit() else _stem(tok))
    return out
