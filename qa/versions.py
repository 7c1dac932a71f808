"""Versions of one document that say different things: a conflict of kind ``versions``.

Two documents are versions of one another when their sources are the same path but for version
numbers ("requests-2.32.3/README.md" and "requests-2.34.2/README.md", "NEWS-3.8.txt" and
"NEWS-3.9.txt"), or have the same file name and the same title in different folders (four
``LICENSE.txt`` files titled "A. HISTORY OF THE SOFTWARE"). When an answer sentence of one
version is, in another version, the same statement with another value ("30M downloads / week"
against "300M downloads / week", ``ingest.slots``), the answer says so and cites both, each
claim naming its version.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import PurePath

from index.retriever import jaccard
from index.store import DocumentInfo
from ingest.slots import SlotDifference, value_differences
from ingest.text import sentence_spans, term_set
from qa.types import Claim, Conflict, ScoredSentence

# A version number in a path: "2.32.3", "v1.0", "3.8-rc1"; at least one dot, or a leading v.
_VERSION = re.compile(
    r"(?<![\w.])v?\d+(?:\.\d+)+(?:[-.]?(?:rc|a|b|post|dev)\d*)?(?![\w.])|"
    r"(?<![\w.])v\d+(?![\w.])"
)
_SAME_STATEMENT_WORDS = 0.3  # term-set overlap below which two sentences are not compared


def version_label(source: str) -> str:
    """How a version is named to a reader: its version number, else its folder."""
    found = _VERSION.findall(source)
    if found:
        return found[-1]
    parent = PurePath(source).parent.name
    return parent or source


def version_groups(docs: Iterable[DocumentInfo]) -> dict[str, list[str]]:
    """doc id -> the other documents that are versions of it."""
    by_key: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for d in docs:
        path = PurePath(d.source)
        pattern = _VERSION.sub("#", d.source)
        if pattern != d.source:
            by_key[("path", pattern)].append(d.doc_id)
        by_key[("name", path.name.lower(), d.title)].append(d.doc_id)
    out: dict[str, set[str]] = defaultdict(set)
    for members in by_key.values():
        if len(members) > 1:
            for m in members:
                out[m].update(x for x in members if x != m)
    return {k: sorted(v) for k, v in out.items()}


def find_version_conflicts(
    question: str,
    chosen: list[ScoredSentence],
    siblings: dict[str, list[str]],
    text_of: Callable[[str], str],
    describe: Callable[[str], tuple[str, str]],
) -> list[Conflict]:
    """Answer sentences whose statement another version of their document makes with another
    value. ``text_of(doc_id)`` is a document's stored text; ``describe(doc_id)`` its title and
    source."""
    asked = frozenset(w.lower().strip(".,'’?\"") for w in question.split())
    conflicts: list[Conflict] = []
    for s in chosen:
        others = siblings.get(s.doc_id, [])
        if not others:
            continue
        words = term_set(s.text)
        claims: dict[str, Claim] = {}
        for other in others:
            text = text_of(other)
            found = _counterpart(s.text, text, words, asked)
            if found is None:
                continue
            a, candidate, diff = found
            if s.doc_id not in claims:
                claims[s.doc_id] = _claim(
                    s.doc_id, s.candidate.char_start, s.text, diff.a, describe
                )
            claims[other] = _claim(other, a, candidate, diff.b, describe)
        if len(claims) > 1:
            conflicts.append(
                Conflict(question.rstrip("?").strip(), list(claims.values()), "versions")
            )
            break  # one answer sentence's versions say it; more would repeat it
    return conflicts


def _counterpart(
    sentence: str, text: str, words: frozenset[str], asked: frozenset[str]
) -> tuple[int, str, SlotDifference] | None:
    """The sentence of another version's ``text`` that is ``sentence`` with another value, the
    value nearest the question's words first: (its offset, it, the difference)."""
    for a, b in sentence_spans(text):
        candidate = text[a:b]
        if jaccard(words, term_set(candidate)) < _SAME_STATEMENT_WORDS:
            continue
        diffs = [d for d in value_differences(sentence, candidate) if d.a.lower() not in asked]
        if not diffs:
            continue
        near = [_nearness(sentence, d, asked) for d in diffs]
        return a, candidate, diffs[near.index(max(near))]
    return None


def _nearness(sentence: str, diff: SlotDifference, asked: frozenset[str]) -> int:
    """How many of the question's words stand within a few words of the value."""
    around = sentence[max(0, diff.a_start - 40) : diff.a_end + 40].lower()
    return sum(1 for w in asked if len(w) > 3 and w in around)


def _claim(
    doc_id: str, start: int, text: str, value: str, describe: Callable[[str], tuple[str, str]]
) -> Claim:
    title, source = describe(doc_id)
    return Claim(
        text, doc_id, f"{title} ({version_label(source)})", start, start + len(text), value
    )
