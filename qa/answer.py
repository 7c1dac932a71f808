"""Extractive answers: sentences copied verbatim from retrieved passages, each cited by offsets.

Every candidate sentence is scored against the question (embedding similarity plus overlap of
the question's content words, numbers and names). With the reader on, a cross-encoder then reads
the best few with the question, each alone and after the sentence before it (so that "it" and
"the company" mean something), and orders them. The best one to three become the answer, plus a
neighbouring sentence when only it holds the name, number or date asked for. The answer abstains
when the reader finds no sentence that answers, when no sentence supports an answer well enough
(unless the reader is confident), when no candidate names a year or number the question pins,
when no answer sentence holds the kind of thing asked for (a person for who, a date for when),
or when the answer is about something other than what was asked (``qa.qualifiers``: a negated
question, a swapped qualifier, an identifier the documents never mention); ``abstain_reason``
says which. When documents disagree, each side is cited. No text is ever generated. Every
number used here is a field of ``AnswerPolicy``.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import replace

import numpy as np

from index.embedders import Embedder
from index.retriever import Hit, Mode, Retriever, jaccard
from index.store import IndexVersion
from ingest.text import new_paragraph, term_set, tokenize
from qa.answer_types import KIND_WORDS, YEARS, answer_type, matches, pinned_numbers
from qa.conflicts import (
    asks_for_quantity,
    asks_for_verdict,
    figures,
    find_conflicts,
    find_stance_conflicts,
    find_value_conflicts,
)
from qa.policy import AnswerPolicy
from qa.qualifiers import (
    asked_event,
    is_negated,
    other_holder,
    speaks_of_other,
    states_event,
    states_negation,
    swapped_qualifier,
    unknown_names,
    unstated_event,
)
from qa.reader import Reader
from qa.types import (
    Answer,
    Candidate,
    Citation,
    Conflict,
    Duplicate,
    Passage,
    Retrieval,
    ScoredSentence,
)
from quarry.errors import CitationIntegrityError

SENTENCE_CACHE = 50_000
ABSTAIN_MESSAGE = "I could not find an answer to that in the documents."
# Why an answer abstains, in the words a reader would use (``Answer.abstain_reason``).
NOTHING_FOUND = "No passage found holds a sentence that could answer it."
NO_SENTENCE_ANSWERS = "No sentence in the passages found answers the question."
WEAK_SUPPORT = "The passages found are only loosely related to the question."
NEVER_MENTIONED = "The documents never mention {}."
# Reasons a second look cannot change: nothing on topic was found. (The other is a name that
# no document holds, ``NEVER_MENTIONED``.)
_FINAL_REASONS = (NOTHING_FOUND, NO_SENTENCE_ANSWERS, WEAK_SUPPORT)
_NUMBER = re.compile(r"\d")


def _is_answer_like(text: str) -> bool:
    """Headings, labels and questions make poor answers."""
    words = text.split()
    if len(words) < 6 or text.rstrip("”\"'’) ").endswith("?"):
        return False
    return text.rstrip("”\"'’) ")[-1:] in ".!…" or len(words) >= 14


def _any_holds(kind: str, sentences: list[ScoredSentence], question: str) -> bool:
    """Whether one of ``sentences`` holds what a question of this ``kind`` asks for."""
    return any(matches(kind, s.candidate.text, question) for s in sentences)


def _is_neighbour_like(text: str) -> bool:
    """A sentence next to an answer may be short ("Writing by A. Author"), not a question."""
    return len(text.split()) >= 3 and not text.rstrip("”\"'’) ").endswith("?")


def _sentence_index(candidate: Candidate) -> int | None:
    """Which of its passage's sentences ``candidate`` is (None: it is not one of them)."""
    chunk = candidate.hit.chunk
    return next(
        (
            j
            for j, (a, _) in enumerate(chunk.sentence_spans())
            if a + chunk.char_start == candidate.char_start
        ),
        None,
    )


def candidates_from(hits: list[Hit]) -> list[Candidate]:
    """Answer-like sentences of the hits, each once even when chunks overlap."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Candidate] = []
    for hit in hits:
        chunk = hit.chunk
        for s, e in chunk.sentence_spans():
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
    """Answers questions over one index version.

    Args:
        version: the index version to read.
        embedder: embeds questions and candidate sentences.
        policy: every tuned number of the answer stage.
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
        alpha: float = 0.6,
        reader: Reader | None = None,
        top_k: int = 5,
        rerank_depth: int = 0,
    ) -> None:
        self.version = version
        self.embedder = embedder
        self.policy = policy or AnswerPolicy()
        self.reader = reader
        self.top_k = top_k
        self.rerank_depth = rerank_depth if reader is not None else 0
        self.retriever = Retriever(version, embedder, retrieval, alpha)
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
        p = self.policy
        vecs = self._embed_sentences([c.text for c in cands])
        semantic = vecs @ qvec
        terms = _weighted_terms(question)
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

    def read(self, question: str, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """The reader's order: its best-scored sentences first, by logit; the rest after, as
        they were. Without a reader, ``scored`` unchanged."""
        if self.reader is None or not scored:
            return scored
        p = self.policy
        head = scored[: p.reader_candidates]
        logits = self.reader.score(question, [s.text for s in head])
        if p.reader_context and p.reader_context_weight:
            within = self.reader.score(question, [self._in_context(s) for s in head])
            logits = p.reader_context_weight * within + (1 - p.reader_context_weight) * logits
        read = [replace(s, reader=float(x)) for s, x in zip(head, logits, strict=True)]
        read.sort(key=lambda s: (-(s.reader or 0.0), -s.score, s.candidate.char_start))
        return read + scored[len(head) :]

    def _in_context(self, s: ScoredSentence) -> str:
        """The sentence with the ``reader_context`` sentences before it in its paragraph, so
        that "It was founded in 1887." is read knowing what "it" is. A paragraph's first
        sentence is read alone (and its score is then the cached one)."""
        chunk = s.candidate.hit.chunk
        at = _sentence_index(s.candidate)
        if at is None:
            return s.text
        spans = chunk.sentence_spans()
        start = at
        while start > max(0, at - self.policy.reader_context):
            if new_paragraph(chunk.text, spans[start - 1], spans[start]):
                break  # most likely a new point
            start -= 1
        return chunk.text[spans[start][0] : spans[at][1]]

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
        other candidate that holds one, if it scores within ``type_margin`` of the best.
        """
        kind = answer_type(question)
        if kind is None or _any_holds(kind, chosen, question):
            return chosen
        taken = {(s.doc_id, s.candidate.char_start) for s in chosen}
        for i, s in enumerate(chosen):
            hit = s.candidate.hit
            spans = hit.chunk.sentence_spans()
            offset = hit.chunk.char_start
            at = _sentence_index(s.candidate)
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
        best = max(s.score for s in chosen)
        for s in sorted(scored, key=lambda s: -s.score):
            if s.score < best - self.policy.type_margin:
                break
            key = (s.doc_id, s.candidate.char_start)
            if key not in taken and matches(kind, s.candidate.text, question):
                return [*chosen, s]
        return chosen

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

    def compose(self, r: Retrieval) -> Answer:
        """Second half: choose answer sentences from the retrieved passages and cite them. When
        they are on topic but hold no whole answer (no person, not the year, not the event
        asked about), a second look reads ``second_look_passages`` more passages; its answer
        stands only if it passes every check, and its timings add to the first look's."""
        answer = self._compose(r)
        extra = self.policy.second_look_passages
        if not answer.abstained or extra <= 0 or not _may_be_further(answer.abstain_reason):
            return answer
        wider = self._compose(self.retrieve(r.question, r.top_k + extra, qvec=r.qvec))
        looked = answer if wider.abstained else wider
        first, second = answer.timings_ms, wider.timings_ms
        looked.timings_ms = {k: round(first[k] + second.get(k, 0.0), 2) for k in first}
        looked.timings_ms["second_look"] = second["total"]
        return looked

    def _compose(self, r: Retrieval) -> Answer:
        """One look: choose answer sentences from the retrieved passages and cite them."""
        t1 = time.perf_counter()
        scored = self.score_sentences(r.question, r.qvec, r.hits)
        t2 = time.perf_counter()
        scored = self.read(r.question, scored)
        t3 = time.perf_counter()
        chosen = self._choose(scored)
        best = max((s.support for s in scored), default=0.0)
        values = find_value_conflicts(r.question, scored, self.policy, r.hits) if chosen else []
        reason = self._abstention(r.question, scored, disagree=bool(values)) if chosen else None
        if chosen and not reason:
            chosen = self._complete(r.question, r.qvec, chosen, r.hits, scored)
            if not values:
                reason = (
                    self._lacks_asked_kind(r.question, chosen)
                    or self._answers_in_parts(r.question, chosen)
                    or self._says_otherwise(r.question, chosen)
                )
        if not chosen or reason:
            why = reason or NOTHING_FOUND
            answer = Answer(r.question, ABSTAIN_MESSAGE, True, [], r.passages, [], {}, best, why)
        else:
            conflicts = values or self._conflicts(r.question, r.qvec, r.hits, scored, r.top_k)
            chosen = self._with_every_side(r.question, r.qvec, chosen, conflicts, r.hits)
            citations, text = self._cite(chosen, conflicts)
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
        return answer

    def _abstention(
        self, question: str, scored: list[ScoredSentence], disagree: bool
    ) -> str | None:
        """Why the documents hold no answer, as a reader would check it, or None when they may.
        When documents give different values for the answer (``disagree``), they do hold
        answers: the year check is skipped and the disagreement is shown instead."""
        p = self.policy
        support = max((s.support for s in scored), default=0.0)
        top = scored[0].reader if scored else None
        if top is not None:
            if top < p.reader_abstain_logit:
                return NO_SENTENCE_ANSWERS
            weak = support < p.abstain_threshold - p.reader_support_slack
            if weak and top < p.reader_confident_logit:
                return WEAK_SUPPORT
            close = [
                s for s in scored if s.reader is not None and s.reader >= top - p.reader_margin
            ]
        else:
            if support < p.abstain_threshold:
                return WEAK_SUPPORT
            close = scored[: p.max_answer_sentences]
        if disagree:
            return None
        # A year or number the question names ("the 2021 final", "season 4") must be in a
        # sentence that answers it.
        years, numbers = self._pins(question)
        if not (years or numbers) or any(
            all(y in s.text for y in years)
            and (not numbers or numbers <= pinned_numbers(s.candidate.hit.chunk.text))
            for s in close
        ):
            return None
        return f"No passage that answers it mentions {_listed(sorted(years | numbers))}."

    def _pins(self, question: str) -> tuple[set[str], set[str]]:
        """The years and the pinned numbers the question names, each where the policy checks
        them (``require_asked_years``, ``require_asked_numbers``)."""
        p = self.policy
        years = set(YEARS.findall(question)) if p.require_asked_years else set()
        numbers = pinned_numbers(question) if p.require_asked_numbers else set()
        return years, numbers

    def _lacks_asked_kind(self, question: str, chosen: list[ScoredSentence]) -> str | None:
        """Why the answer fails the question's form, or None: it lacks what the form asks for
        (a person for who, a date for when, a figure for how much), beyond what the question
        itself says. Checked after completion, which adds a neighbouring sentence that holds
        it."""
        if not self.policy.require_answer_type:
            return None
        kind = answer_type(question)
        if kind is None or _any_holds(kind, chosen, question):
            return None
        return f"The sentences that come closest name no {KIND_WORDS[kind]}."

    def _answers_in_parts(self, question: str, chosen: list[ScoredSentence]) -> str | None:
        """Why no one sentence answers the whole question, or None. Each part of a question may
        be answered by some sentence while none answers it all: "Who chaired the board in
        2015?" is not answered by a chair named in one sentence beside "2015" in another. The
        sentence that holds what the form asks for (a person, a date) must also hold the years
        the question names (in it or the sentence before) and its pinned numbers (in the
        sentence's passage). A company or team counts here as the answer to a who-question
        ("The Walt Disney Co. bought ...")."""
        kind = answer_type(question) if self.policy.require_whole_answer else None
        years, numbers = self._pins(question)
        if kind is None or not (years or numbers):
            return None
        for s in chosen:
            if not matches(kind, s.text, question, bodies=True):
                continue
            near = self._in_context(s) if years else ""  # built once per sentence
            if all(y in near for y in years) and numbers <= pinned_numbers(
                s.candidate.hit.chunk.text
            ):
                return None
        asked = " and ".join(f'"{x}"' for x in sorted(years | numbers))
        return f"No sentence that comes close holds a {KIND_WORDS[kind]} together with {asked}."

    def _says_otherwise(self, question: str, chosen: list[ScoredSentence]) -> str | None:
        """Why the answer is about something other than what was asked, or None: the question
        names something the documents never mention, the answer swaps a qualifier of the
        question for its opposite, does not state the event asked about ("won", "released"),
        names only a former holder of the role asked about or its holder at another body,
        speaks of something other than the very thing asked where it says anything of it
        (``_speaks_of_other``), or does not negate what a negated question asks about."""
        p = self.policy
        unknown = unknown_names(question, self._known) if p.require_known_names else []
        if unknown:
            return NEVER_MENTIONED.format(_listed(unknown))
        texts = [s.text for s in chosen]
        swapped = swapped_qualifier(question, texts) if p.require_same_qualifiers else None
        if swapped:
            asked, said = swapped
            return f'The documents speak of "{said}" where the question asks about "{asked}".'
        if p.require_asked_event:
            # a generator: the contexts are built only when the question asks about an event
            event = unstated_event(question, (self._in_context(s) for s in chosen))
            if event:
                return f"No sentence that comes close says anything was {event}."
        holder = other_holder(question, texts) if p.require_current_holder else None
        if holder:
            role, elsewhere = holder
            if elsewhere:
                return f'The sentences that come closest name a {role} only as "{elsewhere}".'
            return f"The sentences that come closest name only a former {role}."
        other = self._speaks_of_other(question, chosen) if p.require_exact_subject else None
        if other:
            return f'The sentences that come closest speak of something else: "{other}".'
        if not (p.require_polarity and is_negated(question)):
            return None
        read = texts + [self._in_context(s) for s in chosen]  # only for negated questions
        if any(states_negation(t, question) for t in read):
            return None
        return "The question asks what is not so; the passages that come closest only say what is."

    def _speaks_of_other(self, question: str, chosen: list[ScoredSentence]) -> str | None:
        """What the answer speaks of instead of the very thing asked (``speaks_of_other``), when
        it does in some sentence and every other sentence is idle: it holds nothing of the kind
        the question asks for (a person for who), or does not state the event asked about in
        its context ("won"). None otherwise."""
        others = [speaks_of_other(question, s.text) for s in chosen]
        if not any(others):
            return None
        kind, event = answer_type(question), asked_event(question)
        for other, s in zip(others, chosen, strict=True):
            idle = (kind is not None and not matches(kind, s.candidate.text, question)) or (
                event is not None and not states_event(event, self._in_context(s))
            )
            if not (other or idle):
                return None
        return next(o for o in others if o)

    def _known(self, name: str) -> bool:
        """Whether every term of ``name`` is in the documents."""
        lexical = self.version.lexical
        return all(lexical.doc_freq(term) > 0 for term in tokenize(name))

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
            question, pool, self._similarity, p, self._distinctive(question)
        )

    def _distinctive(self, question: str) -> set[str]:
        """The question's terms that are not in most passages ("landmark", not "Pakistan")."""
        lexical = self.version.lexical
        return {
            term for term in term_set(question) if lexical.share(term) < self.policy.common_term
        }

    def _similarity(self, a: str, b: str) -> float:
        va, vb = self._embed_sentences([a, b])
        return float(va @ vb)

    def _choose(self, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        if not scored:
            return []
        p = self.policy
        best = scored[0]
        chosen = [best]
        for s in scored[1:]:
            if len(chosen) >= p.max_answer_sentences:
                break
            if best.reader is not None:
                if s.reader is None or s.reader < best.reader - p.reader_margin:
                    break
            elif s.score < best.score - p.extra_sentence_margin or s.base < p.min_extra_base:
                break
            words = term_set(s.text)
            if any(jaccard(words, term_set(c.text)) > p.duplicate_answer for c in chosen):
                continue
            chosen.append(s)
        return chosen

    def _with_every_side(
        self,
        question: str,
        qvec: np.ndarray,
        chosen: list[ScoredSentence],
        conflicts: list[Conflict],
        hits: list[Hit],
    ) -> list[ScoredSentence]:
        """When documents give different values, the answer cites each side, never one alone."""
        have = {(s.doc_id, s.candidate.char_start) for s in chosen}
        out = list(chosen)
        for conflict in conflicts:
            if conflict.kind != "values":
                continue
            for claim in conflict.claims:
                if (claim.doc_id, claim.char_start) in have:
                    continue
                hit = next(
                    h
                    for h in hits
                    if h.chunk.doc_id == claim.doc_id
                    and h.chunk.char_start <= claim.char_start < h.chunk.char_end
                )
                cand = Candidate(hit, claim.char_start, claim.char_end, claim.text)
                out.extend(self._score(question, qvec, [cand], hits))
                have.add((claim.doc_id, claim.char_start))
        return out

    def _cite(
        self, chosen: list[ScoredSentence], conflicts: list[Conflict]
    ) -> tuple[list[Citation], str]:
        citations: list[Citation] = []
        parts: list[str] = []
        for s in chosen:
            c = s.candidate
            stored = self.version.excerpt(c.hit.chunk.doc_id, c.char_start, c.char_end)
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
        if conflicts:
            n_docs = len({claim.doc_id for c in conflicts for claim in c.claims})
            what = "readings" if any(c.kind == "stance" for c in conflicts) else "figures"
            if all(c.kind == "values" for c in conflicts):
                what = "values"
            text += f" Note: the sources disagree: {n_docs} documents give different {what}."
        return citations, text


def _may_be_further(reason: str) -> bool:
    """Whether an abstention's ``reason`` says the passages read were on topic but lacked part
    of the answer, which more passages may hold."""
    if reason in _FINAL_REASONS:
        return False
    return not reason.startswith(NEVER_MENTIONED.split("{", 1)[0])


def _listed(items: list[str]) -> str:
    """'"a"', '"a" or "b"', '"a", "b" or "c"'."""
    quoted = [f'"{i}"' for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 2)
