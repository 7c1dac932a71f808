"""Scoring: every candidate sentence of the retrieved passages against the question.

A sentence's score is ``semantic_weight`` x cosine + the rest x overlap of the question's
content words (numbers and capitalized names count double), plus a bonus for coming from a
better-ranked passage and one for holding what the question's form asks for. Its *support*
(what abstention is decided on) counts names once. Every weight is a field of ``AnswerPolicy``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

import numpy as np

from index.embedders import Embedder
from index.retriever import Hit
from ingest.text import term_set, tokenize
from qa.answer_types import answer_type, matches
from qa.conflicts import figures
from qa.policy import AnswerPolicy
from qa.types import Candidate, ScoredSentence

SENTENCE_CACHE = 50_000
_NUMBER = re.compile(r"\d")


def is_answer_like(text: str, min_words: int, always_words: int) -> bool:
    """Headings, labels and questions make poor answers: a sentence needs ``min_words`` words,
    and must end like a sentence unless it has ``always_words``."""
    words = text.split()
    if len(words) < min_words or text.rstrip("”\"'’) ").endswith("?"):
        return False
    return text.rstrip("”\"'’) ")[-1:] in ".!…" or len(words) >= always_words


def candidates_from(hits: list[Hit], policy: AnswerPolicy) -> list[Candidate]:
    """Answer-like sentences of the hits, each once even when chunks overlap."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Candidate] = []
    for hit in hits:
        chunk = hit.chunk
        for s, e in chunk.sentence_spans():
            key = (chunk.doc_id, chunk.char_start + s, chunk.char_start + e)
            text = chunk.text[s:e]
            if key in seen or not is_answer_like(
                text, policy.answer_min_words, policy.answer_any_end_words
            ):
                continue
            seen.add(key)
            out.append(Candidate(hit, key[1], key[2], text))
    return out


def weighted_terms(text: str, name_weight: float) -> dict[str, float]:
    """Content terms of a question; numbers and capitalized names weigh ``name_weight``."""
    weights: dict[str, float] = {}
    names = {t.lower() for t in re.findall(r"\b[A-Z][A-Za-z]+|\b[A-Z]{2,}\b", text[1:])}
    for term in tokenize(text):
        w = name_weight if _NUMBER.search(term) or term in names else 1.0
        weights[term] = max(weights.get(term, 0.0), w)
    return weights


def lexical_overlap(question_terms: dict[str, float], sentence: str) -> float:
    """Weighted share of the question's content terms found in ``sentence`` (0..1)."""
    total = sum(question_terms.values())
    if not total:
        return 0.0
    terms = term_set(sentence)
    return sum(w for t, w in question_terms.items() if t in terms) / total


class SentenceScorer:
    """Scores sentences against a question; keeps their vectors in a bounded cache (requests
    run on a thread pool, so the cache is locked)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Sentence vectors, from the cache where possible."""
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self.embedder.embed(missing), strict=True))
            known.update(fresh)
            with self._lock:
                self._vectors.update(fresh)
                while len(self._vectors) > SENTENCE_CACHE:
                    self._vectors.popitem(last=False)
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([known[t] for t in texts])

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.embed([a, b])
        return float(va @ vb)

    def score_hits(
        self,
        question: str,
        qvec: np.ndarray,
        hits: list[Hit],
        policy: AnswerPolicy,
        figures_only: bool = False,
    ) -> list[ScoredSentence]:
        """Every candidate sentence of ``hits`` scored against the question, best first."""
        cands = candidates_from(hits, policy)
        if figures_only:
            cands = [c for c in cands if figures(c.text)]
        scored = self.score(question, qvec, cands, hits, policy)
        scored.sort(key=lambda s: (-s.score, s.candidate.char_start))
        return scored

    def score(
        self,
        question: str,
        qvec: np.ndarray,
        cands: list[Candidate],
        hits: list[Hit],
        policy: AnswerPolicy,
    ) -> list[ScoredSentence]:
        """``cands`` scored, in their order."""
        if not cands:
            return []
        p = policy
        vecs = self.embed([c.text for c in cands])
        semantic = vecs @ qvec
        terms = weighted_terms(question, p.name_term_weight)
        plain = dict.fromkeys(terms, 1.0)
        kind = answer_type(question)
        rank = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
        scored = []
        for c, sem in zip(cands, semantic, strict=True):
            overlap = lexical_overlap(terms, c.text)
            support = p.support_semantic * sem + (1 - p.support_semantic) * lexical_overlap(
                plain, c.text
            )
            prior = (
                p.rank_prior
                * (len(hits) - rank.get(c.hit.chunk.chunk_id, len(hits)))
                / max(len(hits), 1)
            )
            bonus = p.answer_type_bonus if matches(kind, c.text, question) else 0.0
            base = p.semantic_weight * sem + (1 - p.semantic_weight) * overlap + prior
            scored.append(
                ScoredSentence(
                    c, float(base + bonus), float(sem), overlap, float(base), float(support)
                )
            )
        return scored
