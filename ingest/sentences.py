"""Sentence spans with exact character offsets.

A rule-based splitter: good enough for prose, never loses a character's position. Paragraph
breaks (blank lines or single newlines) always end a sentence.
"""

from __future__ import annotations

import re

# Words that end with a period but rarely end a sentence.
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "no",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.k",
    "u.n",
    "inc",
    "ltd",
    "co",
    "corp",
    "gen",
    "gov",
    "sen",
    "rep",
    "approx",
}
_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+)""")
_LINE = re.compile(r"[^\n]+")


def _is_abbreviation(text: str, end: int) -> bool:
    start = end - 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:end].rstrip(".").lower().lstrip("(\"'“‘")
    if word in _ABBREVIATIONS:
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


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
