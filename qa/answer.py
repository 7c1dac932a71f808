"""Extractive answers: sentences copied verbatim from retrieved passages, each cited by offsets.

The ``Answerer`` runs the stage's units in order; each lives in a module of its own:

    retrieve   the question's passages (``index.retriever``; reranked by the reader if asked)
    score      every candidate sentence against the question (``qa.scoring``)
    read       the cross-encoder orders the best ones (``qa.reading``)
    choose     the best one to three, completed by a neighbour that holds what was asked
               (``qa.choosing``)
    check      the abstention checks the policy lists, in its order (``qa.checks``)
    disagree   other documents' values, figures or readings (``qa.conflicts``)
    cite       each sentence checked against the stored text and numbered (``qa.citing``)

When the passages are on topic but hold no whole answer, a second look reads a few more. No text
is ever generated. Every number used is a field of ``AnswerPolicy``.
"""

from __future__ import annotations

import re
import time

import numpy as np

from base.errors import ConfigError
from index.embedders import Embedder
from index.policy import RETRIEVAL
from index.retriever import Hit, Mode, Retriever
from index.store import IndexVersion
from ingest.text import term_set, tokenize
from qa import choosing, reading
from qa.checks import Asked, Check, Stage, registry
from qa.checks.exact_subject import ExactSubject
from qa.citing import cite
from qa.conflicts import (
    asks_for_quantity,
    asks_for_verdict,
    find_conflicts,
    find_stance_conflicts,
    find_value_conflicts,
)
from qa.policy import AnswerPolicy
from qa.reader import Reader
from qa.scoring import SentenceScorer
from qa.types import (
    Answer,
    Candidate,
    Conflict,
    Duplicate,
    Passage,
    Retrieval,
    ScoredSentence,
)
from qa.versions import find_version_conflicts, version_groups

ABSTAIN_MESSAGE = "I could not find an answer to that in the documents."
NOTHING_FOUND = "No passage found holds a sentence that could answer it."


class Answerer:
    """Answers questions over one index version.

    Args:
        version: the index version to read.
        embedder: embeds questions and candidate sentences.
        policy: every tuned number of the answer stage, and its checks.
        retrieval: ``dense``, ``lexical`` or ``hybrid``; ``alpha`` weighs dense in hybrid.
        reader: the cross-encoder that reads the best sentences, or None to answer without it.
        top_k: passages retrieved when a call does not say.
        rerank_depth: with a reader, the passages it re-orders before the top ``top_k`` are
            kept (0: passages keep the retriever's order).
    """

    def __init__(
        self,
        version: IndexVersion,
        embedder: Embedder,
        policy: AnswerPolicy | None = None,
        retrieval: Mode = "hybrid",
        alpha: float = RETRIEVAL.alpha,
        reader: Reader | None = None,
        top_k: int = 5,
        rerank_depth: int = 0,
    ) -> None:
        self.version = version
        self.embedder = embedder
        self.policy = policy or AnswerPolicy()
        self.checks_for(self.policy)  # an unknown check name fails here, not on a question
        self.reader = reader
        self.top_k = top_k
        self.rerank_depth = rerank_depth if reader is not None else 0
        self.retriever = Retriever(version, embedder, retrieval, alpha)
        self.scorer = SentenceScorer(embedder)
        self._versions: dict[str, list[str]] | None = None  # doc id -> its other versions
        self._described: dict[str, tuple[str, str]] = {}

    @staticmethod
    def checks_for(policy: AnswerPolicy) -> list[Check]:
        """The policy's checks, in its order.

        Raises:
            ConfigError: the policy names a check that ``qa.checks`` does not have.
        """
        known = registry()
        missing = [name for name in policy.checks if name not in known]
        if missing:
            raise ConfigError(
                f"unknown answer check {missing[0]!r}: the checks are {', '.join(sorted(known))}"
            )
        return [known[name] for name in policy.checks]

    # -- the units, bound to this answerer's policy ------------------------------------------

    def score_sentences(
        self, question: str, qvec: np.ndarray, hits: list[Hit], figures_only: bool = False
    ) -> list[ScoredSentence]:
        """Every candidate sentence scored against the question, best first."""
        return self.scorer.score_hits(question, qvec, hits, self.policy, figures_only)

    def _score(
        self, question: str, qvec: np.ndarray, cands: list[Candidate], hits: list[Hit]
    ) -> list[ScoredSentence]:
        return self.scorer.score(question, qvec, cands, hits, self.policy)

    def read(self, question: str, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """The reader's order of ``scored`` (``qa.reading.read``)."""
        return reading.read(self.reader, question, scored, self.policy)

    def _in_context(self, s: ScoredSentence) -> str:
        return reading.in_context(s, self.policy)

    def _asked(self, question: str) -> Asked:
        return Asked(question, self.policy, self._in_context, self._known, self._in_document)

    def _in_document(self, doc_id: str, text: str) -> bool:
        """Whether document ``doc_id``'s text, title or source holds ``text`` as a whole word
        ("2.7.6" is not in "2.7.60")."""
        doc = self.version.document(doc_id)
        word = re.compile(rf"(?<![\w.]){re.escape(text)}(?![\w]|\.\d)")
        return any(word.search(x) for x in (doc.text, doc.title, doc.source))

    def _speaks_of_other(self, question: str, chosen: list[ScoredSentence]) -> str | None:
        """What the answer speaks of instead of the very thing asked (``exact_subject``)."""
        return ExactSubject.speaks_of_other(self._asked(question), chosen)

    def _known(self, name: str) -> bool:
        """Whether every term of ``name`` is in the documents."""
        return all(self.version.mentions(term) for term in tokenize(name))

    # -- answering ----------------------------------------------------------------------------

    def retrieve(
        self, question: str, top_k: int | None = None, qvec: np.ndarray | None = None
    ) -> Retrieval:
        """First half of answering: embed the question (unless ``qvec`` is its vector) and find
        the passages."""
        top_k = top_k or self.top_k
        t0 = time.perf_counter()
        if qvec is None:
            qvec = self.embedder.embed_queries([question])[0]
        hits = self.retriever.search(question, max(top_k, self.rerank_depth), query_vector=qvec)
        if self.rerank_depth and self.reader is not None and hits:
            logits = self.reader.score(question, [h.chunk.text for h in hits])
            order = sorted(range(len(hits)), key=lambda i: (-float(logits[i]), i))
            hits = [hits[i] for i in order]
        hits = hits[:top_k]
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
                        self.version.title(d.doc_id),
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

    def answer(self, question: str, top_k: int | None = None) -> Answer:
        """Answer ``question`` from the ``top_k`` best passages."""
        return self.compose(self.retrieve(question, top_k))

    def compose(self, r: Retrieval) -> Answer:
        """Second half: choose answer sentences from the retrieved passages and cite them. When
        they are on topic but hold no whole answer (a check that is not ``final`` abstained),
        a second look reads ``second_look_passages`` more passages; its answer stands only if
        it passes every check, and its timings add to the first look's."""
        answer, final = self._compose(r)
        extra = self.policy.second_look_passages
        if not answer.abstained or extra <= 0 or final:
            return answer
        wider, _ = self._compose(self.retrieve(r.question, r.top_k + extra, qvec=r.qvec))
        looked = answer if wider.abstained else wider
        first, second = answer.timings_ms, wider.timings_ms
        looked.timings_ms = {k: round(first[k] + second.get(k, 0.0), 2) for k in first}
        looked.timings_ms["second_look"] = second["total"]
        return looked

    def _check(
        self,
        stage: Stage,
        asked: Asked,
        sentences: list[ScoredSentence],
        disagree: bool,
    ) -> tuple[str | None, bool]:
        """The first reason a check of ``stage`` gives, and whether that check is final."""
        for check in self.checks_for(self.policy):
            if check.stage != stage or (disagree and not check.on_disagreement):
                continue
            reason = check.check(asked, sentences)
            if reason:
                return reason, check.final
        return None, False

    def _compose(self, r: Retrieval) -> tuple[Answer, bool]:
        """One look: the answer, and whether an abstention is final (no second look helps)."""
        t1 = time.perf_counter()
        scored = self.score_sentences(r.question, r.qvec, r.hits)
        t2 = time.perf_counter()
        scored = self.read(r.question, scored)
        t3 = time.perf_counter()
        chosen = choosing.choose(scored, self.policy)
        best = max((s.support for s in scored), default=0.0)
        values = find_value_conflicts(r.question, scored, self.policy, r.hits) if chosen else []
        asked = self._asked(r.question)
        reason, final = None, True
        if chosen:
            reason, final = self._check("read", asked, scored, disagree=bool(values))
        if chosen and not reason:
            chosen = choosing.complete(
                r.question, r.qvec, chosen, r.hits, scored, self.policy, self._score
            )
            if not values:
                reason, final = self._check("answer", asked, chosen, disagree=False)
        if not chosen or reason:
            why = reason or NOTHING_FOUND
            answer = Answer(r.question, ABSTAIN_MESSAGE, True, [], r.passages, [], {}, best, why)
        else:
            conflicts = (
                values
                or self._version_conflicts(r.question, chosen)
                or self._conflicts(r.question, r.qvec, r.hits, scored, r.top_k)
            )
            chosen = choosing.with_every_side(
                r.question, r.qvec, chosen, conflicts, r.hits, self._score
            )
            citations, text = cite(self.version, chosen, conflicts)
            answer = Answer(r.question, text, False, citations, r.passages, conflicts, {}, best)
        t4 = time.perf_counter()
        answer.timings_ms = {
            "retrieve": r.retrieve_ms,
            "score": _ms(t1, t2),
            "read": _ms(t2, t3),
            "compose": _ms(t3, t4),
            "answer": _ms(t1, t4),
            "total": round(r.retrieve_ms + _ms(t1, t4), 2),
        }
        return answer, final

    # -- disagreement -------------------------------------------------------------------------

    def _version_conflicts(self, question: str, chosen: list[ScoredSentence]) -> list[Conflict]:
        """Other versions of an answer sentence's document that state it with another value."""
        if self._versions is None:
            docs = self.version.documents()
            self._described = {d.doc_id: (d.title, d.source) for d in docs}
            self._versions = version_groups(docs)
        if not any(s.doc_id in self._versions for s in chosen):
            return []
        return find_version_conflicts(
            question,
            chosen,
            self._versions,
            lambda doc_id: self.version.document(doc_id).text,
            self._described.__getitem__,
        )

    def _conflicts(
        self,
        question: str,
        qvec: np.ndarray,
        hits: list[Hit],
        scored: list[ScoredSentence],
        top_k: int,
    ) -> list[Conflict]:
        """Past the top passages, other documents' figures or readings on the question (the
        same statement with another value is found before, in ``compose``)."""
        p = self.policy
        quantity = asks_for_quantity(question)
        verdict = p.stance_conflicts and asks_for_verdict(question)
        if not quantity and not verdict:
            return []
        wide = self.retriever.search(question, max(top_k, p.conflict_pool), query_vector=qvec)
        extra = [h for h in wide if h.chunk.chunk_id not in {x.chunk.chunk_id for x in hits}]
        pool = scored + self.score_sentences(question, qvec, extra, figures_only=quantity)
        pool.sort(key=lambda s: (-s.score, s.candidate.char_start))
        if quantity:
            return find_conflicts(question, pool, p)
        return find_stance_conflicts(
            question, pool, self.scorer.similarity, p, self._distinctive(question)
        )

    def _distinctive(self, question: str) -> set[str]:
        """The question's terms that are not in most passages ("landmark", not "Pakistan")."""
        share = self.version.share
        return {term for term in term_set(question) if share(term) < self.policy.common_term}


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 2)
