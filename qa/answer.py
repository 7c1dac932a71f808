"""Extractive answers: sentences copied verbatim from retrieved passages, each cited by offsets.

Every answer sentence is scored against the question (embedding similarity plus overlap of the
question's content words, numbers and names); the best one to three become the answer, plus a
neighbouring sentence when only it holds the name, number or date asked for. If no sentence
supports an answer at least ``abstain_threshold`` (its own mix: similarity and plain word overlap,
where names don't count extra), the answer abstains. No text is ever generated.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from index.embedders import Embedder
from index.lexical import term_set, tokenize
from index.retriever import Hit, Retriever, jaccard
from index.store import IndexVersion
from ingest.sentences import sentence_spans
from qa.answer_types import answer_type, matches
from qa.conflicts import (
    Conflict,
    asks_for_quantity,
    asks_for_verdict,
    figures,
    find_conflicts,
    find_stance_conflicts,
)
from quarry.errors import CitationIntegrityError
from quarry.settings import Settings

CONFLICT_POOL = 15
SENTENCE_CACHE = 50_000
ANSWER_TYPE_BONUS = 0.05
SUPPORT_SEMANTIC = 0.8  # weight of embedding similarity in a sentence's support
MIN_EXTRA_BASE = 0.535  # a further answer sentence must score this much (before type bonus)
TYPE_MARGIN = 0.15
COMMON_TERM = 0.7  # a term in at least this share of passages is not distinctive
ABSTAIN_MESSAGE = "I could not find an answer to that in the documents."
_NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    source: str
    chunk_id: str
    char_start: int
    char_end: int
    page: int | None
    quote: str
    score: float


@dataclass(frozen=True)
class Duplicate:
    """The same passage as published in another document."""

    doc_id: str
    title: str
    chunk_id: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Passage:
    doc_id: str
    title: str
    chunk_id: str
    char_start: int
    char_end: int
    text: str
    score: float
    page: int | None = None
    also_in: list[Duplicate] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    passages: list[Passage]
    conflicts: list[Conflict] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    best_score: float = 0.0


@dataclass(frozen=True)
class Retrieval:
    """The passages found for a question, before any answer sentence is chosen."""

    question: str
    top_k: int
    qvec: np.ndarray
    hits: list[Hit]
    passages: list[Passage]
    retrieve_ms: float


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, located in its document."""

    hit: Hit
    char_start: int
    char_end: int
    text: str


@dataclass(frozen=True)
class ScoredSentence:
    candidate: Candidate
    score: float
    semantic: float
    overlap: float
    base: float  # the score without the answer-type bonus
    # How strongly the sentence supports an answer at all; abstention is decided on this. Names
    # count once here: a sentence that only repeats the question's names ("US Strategic Metals")
    # without what was asked about ("its chief executive") is weak support.
    support: float


def _is_answer_like(text: str) -> bool:
    """Headings, labels and questions make poor answers."""
    words = text.split()
    if len(words) < 6 or text.rstrip("”\"'’) ").endswith("?"):
        return False
    return text.rstrip("”\"'’) ")[-1:] in ".!…" or len(words) >= 14


def _is_neighbour_like(text: str) -> bool:
    """A sentence next to an answer may be short ("Writing by A. Author"), not a question."""
    return len(text.split()) >= 3 and not text.rstrip("”\"'’) ").endswith("?")


def candidates_from(hits: list[Hit]) -> list[Candidate]:
    """Answer-like sentences of the hits, each once even when chunks overlap."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Candidate] = []
    for hit in hits:
        chunk = hit.chunk
        for s, e in sentence_spans(chunk.text):
            key = (chunk.doc_id, chunk.char_start + s, chunk.char_start + e)
            text = chunk.text[s:e]
            if key in seen or not _is_answer_like(text):
                continue
            seen.add(key)
            out.append(Candidate(hit, key[1], key[2], text))
    return out


def _weighted_terms(text: str) -> dict[str, float]:
    """Content terms of a question; numbers and capitalized names count double."""
    weights: dict[str, float] = {}
    names = {t.lower() for t in re.findall(r"\b[A-Z][A-Za-z]+|\b[A-Z]{2,}\b", text[1:])}
    for term in tokenize(text):
        w = 2.0 if _NUMBER.search(term) or term in names else 1.0
        weights[term] = max(weights.get(term, 0.0), w)
    return weights


def lexical_overlap(question_terms: dict[str, float], sentence: str) -> float:
    """Weighted share of the question's content terms found in ``sentence`` (0..1)."""
    total = sum(question_terms.values())
    if not total:
        return 0.0
    terms = term_set(sentence)
    return sum(w for t, w in question_terms.items() if t in terms) / total


class Answerer:
    """Answers questions over one index version."""

    def __init__(self, version: IndexVersion, embedder: Embedder, settings: Settings) -> None:
        self.version = version
        self.embedder = embedder
        self.settings = settings
        self.retriever = Retriever(version, embedder, settings.retrieval, settings.hybrid_alpha)
        self._sentence_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()  # requests run on a thread pool

    def _embed_sentences(self, texts: list[str]) -> np.ndarray:
        """Sentence vectors, from a bounded in-memory cache where possible."""
        with self._cache_lock:
            known = {t: self._sentence_vectors[t] for t in texts if t in self._sentence_vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self.embedder.embed(missing), strict=True))
            known.update(fresh)
            with self._cache_lock:
                self._sentence_vectors.update(fresh)
                while len(self._sentence_vectors) > SENTENCE_CACHE:
                    self._sentence_vectors.popitem(last=False)
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([known[t] for t in texts])

    def score_sentences(
        self, question: str, qvec: np.ndarray, hits: list[Hit], figures_only: bool = False
    ) -> list[ScoredSentence]:
        """Every candidate sentence scored against the question, best first."""
        cands = candidates_from(hits)
        if figures_only:
            cands = [c for c in cands if figures(c.text)]
        scored = self._score(question, qvec, cands, hits)
        scored.sort(key=lambda s: (-s.score, s.candidate.char_start))
        return scored

    def _score(
        self, question: str, qvec: np.ndarray, cands: list[Candidate], hits: list[Hit]
    ) -> list[ScoredSentence]:
        if not cands:
            return []
        vecs = self._embed_sentences([c.text for c in cands])
        semantic = vecs @ qvec
        terms = _weighted_terms(question)
        plain = dict.fromkeys(terms, 1.0)
        kind = answer_type(question)
        rank = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
        scored = []
        for c, sem in zip(cands, semantic, strict=True):
            overlap = lexical_overlap(terms, c.text)
            support = SUPPORT_SEMANTIC * sem + (1 - SUPPORT_SEMANTIC) * lexical_overlap(
                plain, c.text
            )
            prior = (
                0.02 * (len(hits) - rank.get(c.hit.chunk.chunk_id, len(hits))) / max(len(hits), 1)
            )
            bonus = ANSWER_TYPE_BONUS if matches(kind, c.text, question) else 0.0
            base = 0.7 * sem + 0.3 * overlap + prior
            scored.append(
                ScoredSentence(
                    c, float(base + bonus), float(sem), overlap, float(base), float(support)
                )
            )
        return scored

    def _complete(
        self,
        question: str,
        qvec: np.ndarray,
        chosen: list[ScoredSentence],
        hits: list[Hit],
        scored: list[ScoredSentence],
    ) -> list[ScoredSentence]:
        """Add a sentence that holds what was asked for when the chosen ones don't.

        "Who witnessed the signing?" often finds the sentence about the signing, while the name
        is in the sentence after it. When the question asks for a number, date or name that no
        chosen sentence holds, the first neighbour (in the same passage) of a chosen sentence
        that does hold one is added next to the sentence it adjoins; failing that, the best
        other candidate that holds one, if it scores within ``TYPE_MARGIN`` of the best.
        """
        kind = answer_type(question)
        if kind is None or any(matches(kind, s.candidate.text, question) for s in chosen):
            return chosen
        taken = {(s.candidate.hit.chunk.doc_id, s.candidate.char_start) for s in chosen}
        for i, s in enumerate(chosen):
            hit = s.candidate.hit
            spans = sentence_spans(hit.chunk.text)
            offset = hit.chunk.char_start
            at = next(
                (j for j, (a, _) in enumerate(spans) if a + offset == s.candidate.char_start),
                None,
            )
            if at is None:
                continue
            for j in (at + 1, at - 1):
                if not 0 <= j < len(spans):
                    continue
                a, b = spans[j]
                text = hit.chunk.text[a:b]
                if (hit.chunk.doc_id, a + offset) in taken or not _is_neighbour_like(text):
                    continue
                if matches(kind, text, question):
                    extra = self._score(
                        question, qvec, [Candidate(hit, a + offset, b + offset, text)], hits
                    )
                    at_pos = i + 1 if j > at else i
                    return [*chosen[:at_pos], *extra, *chosen[at_pos:]]
        for s in scored:
            if s.score < chosen[0].score - TYPE_MARGIN:
                break
            key = (s.candidate.hit.chunk.doc_id, s.candidate.char_start)
            if key not in taken and matches(kind, s.candidate.text, question):
                return [*chosen, s]
        return chosen

    def retrieve(self, question: str, top_k: int | None = None) -> Retrieval:
        """First half of answering: embed the question and find the passages."""
        top_k = top_k or self.settings.top_k
        t0 = time.perf_counter()
        qvec = self.embedder.embed_queries([question])[0]
        hits = self.retriever.search(question, top_k, query_vector=qvec)
        passages = [
            Passage(
                h.chunk.doc_id,
                h.title,
                h.chunk.chunk_id,
                h.chunk.char_start,
                h.chunk.char_end,
                h.chunk.text,
                round(h.score, 4),
                h.chunk.page,
                [
                    Duplicate(
                        d.doc_id,
                        self.version.titles[d.doc_id],
                        d.chunk_id,
                        d.char_start,
                        d.char_end,
                    )
                    for d in h.duplicates
                ],
            )
            for h in hits
        ]
        return Retrieval(question, top_k, qvec, hits, passages, _ms(t0, time.perf_counter()))

    def compose(self, r: Retrieval) -> Answer:
        """Second half: choose answer sentences from the retrieved passages and cite them."""
        t1 = time.perf_counter()
        scored = self.score_sentences(r.question, r.qvec, r.hits)
        chosen = self._choose(scored)
        best = max((s.support for s in scored), default=0.0)
        if not chosen or best < self.settings.abstain_threshold:
            answer = Answer(r.question, ABSTAIN_MESSAGE, True, [], r.passages, [], {}, best)
        else:
            chosen = self._complete(r.question, r.qvec, chosen, r.hits, scored)
            conflicts = self._conflicts(r.question, r.qvec, r.hits, scored, r.top_k)
            citations, text = self._cite(chosen, conflicts)
            answer = Answer(r.question, text, False, citations, r.passages, conflicts, {}, best)
        spent = _ms(t1, time.perf_counter())
        answer.timings_ms = {
            "retrieve": r.retrieve_ms,
            "answer": spent,
            "total": round(r.retrieve_ms + spent, 2),
        }
        return answer

    def answer(self, question: str, top_k: int | None = None) -> Answer:
        """Answer ``question`` from the ``top_k`` best passages."""
        return self.compose(self.retrieve(question, top_k))

    def _conflicts(
        self,
        question: str,
        qvec: np.ndarray,
        hits: list[Hit],
        scored: list[ScoredSentence],
        top_k: int,
    ) -> list[Conflict]:
        """Look past the top passages for other documents' figures, or readings, on the question."""
        quantity = asks_for_quantity(question)
        verdict = self.settings.stance_conflicts and asks_for_verdict(question)
        if not quantity and not verdict:
            return []
        wide = self.retriever.search(question, max(top_k, CONFLICT_POOL), query_vector=qvec)
        extra = [h for h in wide if h.chunk.chunk_id not in {x.chunk.chunk_id for x in hits}]
        pool = scored + self.score_sentences(question, qvec, extra, figures_only=quantity)
        pool.sort(key=lambda s: (-s.score, s.candidate.char_start))
        if quantity:
            return find_conflicts(question, pool)
        return find_stance_conflicts(question, pool, self._similarity, self._distinctive(question))

    def _distinctive(self, question: str) -> set[str]:
        """The question's terms that are not in most passages ("landmark", not "Pakistan")."""
        lexical = self.version.lexical
        return {term for term in term_set(question) if lexical.share(term) < COMMON_TERM}

    def _similarity(self, a: str, b: str) -> float:
        va, vb = self._embed_sentences([a, b])
        return float(va @ vb)

    def _choose(self, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        if not scored:
            return []
        best = scored[0]
        chosen = [best]
        for s in scored[1:]:
            if len(chosen) >= self.settings.max_answer_sentences:
                break
            if s.score < best.score - 0.08 or s.base < MIN_EXTRA_BASE:
                break
            words = term_set(s.candidate.text)
            if any(jaccard(words, term_set(c.candidate.text)) > 0.5 for c in chosen):
                continue
            chosen.append(s)
        return chosen

    def _cite(
        self, chosen: list[ScoredSentence], conflicts: list[Conflict]
    ) -> tuple[list[Citation], str]:
        citations: list[Citation] = []
        parts: list[str] = []
        for s in chosen:
            c = s.candidate
            source_text = self.version.document(c.hit.chunk.doc_id).text
            if source_text[c.char_start : c.char_end] != c.text:
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
                    round(s.score, 4),
                )
            )
            parts.append(f"{c.text} [{n}]")
        text = " ".join(parts)
        if conflicts:
            n_docs = len({claim.doc_id for c in conflicts for claim in c.claims})
            what = "figures" if all(c.kind == "figures" for c in conflicts) else "readings"
            text += f" Note: the sources disagree: {n_docs} documents give different {what}."
        return citations, text


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 2)
