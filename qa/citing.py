"""Citing: each answer sentence, checked against the stored text, becomes ``text [n]``."""

from __future__ import annotations

from base.errors import CitationIntegrityError
from index.store import IndexVersion
from qa.types import Citation, Conflict, ScoredSentence


def cite(
    version: IndexVersion, chosen: list[ScoredSentence], conflicts: list[Conflict]
) -> tuple[list[Citation], str]:
    """The citations of ``chosen`` and the answer text with their ``[n]`` markers, plus a note
    when the sources disagree. A quote that is not the stored text at its offsets is a bug and
    raises ``CitationIntegrityError`` (never shown to a user as an answer)."""
    citations: list[Citation] = []
    parts: list[str] = []
    for s in chosen:
        c = s.candidate
        stored = version.excerpt(c.hit.chunk.doc_id, c.char_start, c.char_end)
        if stored != c.text:
            raise CitationIntegrityError(
                f"quote for {c.hit.chunk.chunk_id} does not match the stored text"
            )
        n = len(citations) + 1
        citations.append(
            Citation(
                n,
                c.hit.chunk.doc_id,
                c.hit.title,
                c.hit.source,
                c.hit.chunk.chunk_id,
                c.char_start,
                c.char_end,
                c.hit.chunk.page,
                c.text,
                round(s.reader if s.reader is not None else s.score, 4),
            )
        )
        parts.append(f"{c.text} [{n}]")
    text = " ".join(parts)
    if conflicts and all(c.kind == "versions" for c in conflicts):
        labels = [claim.title.rsplit(" (", 1)[-1].rstrip(")") for claim in conflicts[0].claims]
        named = " and ".join(labels)
        text += f" Note: versions of this document differ: {named} give different values."
    elif conflicts:
        n_docs = len({claim.doc_id for c in conflicts for claim in c.claims})
        what = "readings" if any(c.kind == "stance" for c in conflicts) else "figures"
        if all(c.kind == "values" for c in conflicts):
            what = "values"
        text += f" Note: the sources disagree: {n_docs} documents give different {what}."
    return citations, text
