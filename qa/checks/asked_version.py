"""A version the question names ("OpenSSL 3.0.20", "python-dotenv 1.3.0", "version 2.4") must
be one the answer's documents speak of: in the document's text, title or file path. Release
notes and READMEs of other versions say the same things with other numbers, so without this a
question about a version no document covers is answered from the nearest one.

A version here is a number with two dots or more, or one after "version", "release" or "v":
"3.2 percent" is not one. General, like ``asked_pins`` for years; checked on the answer's
sentences after completion, and not final (a second look may reach the right document).
Development data: realdocs-dev, unanswerable abstention 0.125 -> 0.3125 (5 of 16), answerable
accuracy unchanged (0.727); the seed gold set, RGB and SQuAD: see the commit that added it.
"""

from __future__ import annotations

import re

from qa.checks.base import Asked, Check, listed
from qa.types import ScoredSentence

_VERSION = re.compile(
    r"(?<![\w.])\d+\.\d+(?:\.\d+)+(?![\w.]*\d)|"
    r"(?i:\b(?:version|release|v)\s?)(\d+\.\d+(?:\.\d+)*)(?![\w.]*\d)"
)


def asked_versions(question: str) -> list[str]:
    """The version numbers a question names, as written."""
    return sorted({m.group(1) or m.group(0) for m in _VERSION.finditer(question)})


class AskedVersion(Check):
    name = "asked_version"
    stage = "answer"

    def check(self, asked: Asked, sentences: list[ScoredSentence]) -> str | None:
        versions = asked_versions(asked.question)
        if not versions:
            return None
        docs = {s.doc_id for s in sentences}
        if any(all(asked.in_document(d, v) for v in versions) for d in docs):
            return None
        return f"No document that answers it speaks of {listed(versions)}."
