"""BM25 over chunk texts (bm25s), rebuilt from each index version so it can never drift."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "over",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "about",
        "after",
        "before",
        "between",
        "during",
        "he",
        "she",
        "his",
        "her",
        "our",
        "we",
        "you",
        "your",
        "i",
        "me",
        "my",
        "not",
        "no",
        "so",
        "very",
        "just",
        "also",
        "s",
        "t",
    ]
)


def _stem(token: str) -> str:
    """A light suffix stemmer: enough to match 'shipments'/'shipment', 'refining'/'refine'."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            if suffix == "ies":
                return token[: -len(suffix)] + "y"
            return token[: -len(suffix)]
    return token


@lru_cache(maxsize=65_536)
def term_set(text: str) -> frozenset[str]:
    """The distinct terms of ``text``, cached: answering compares the same passages and
    sentences against every question."""
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


class LexicalIndex:
    """Okapi BM25 (k1=1.5, b=0.75, Lucene idf) over a list of texts; positions are row ids."""

    def __init__(self, texts: list[str], k1: float = 1.5, b: float = 0.75) -> None:
        import bm25s

        self.size = len(texts)
        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        self._vocab: dict[str, int] = {}
        self._rows_with: dict[str, int] = {}  # term -> number of rows holding it
        corpus_ids = []
        for text in texts:
            ids = []
            for tok in tokenize(text):
                ids.append(self._vocab.setdefault(tok, len(self._vocab)))
            for tok in term_set(text):
                self._rows_with[tok] = self._rows_with.get(tok, 0) + 1
            corpus_ids.append(ids)
        if self.size:
            self._bm25.index(
                bm25s.tokenization.Tokenized(ids=corpus_ids, vocab=self._vocab), show_progress=False
            )

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for ``query`` (zeros when no term is known)."""
        ids = [self._vocab[t] for t in tokenize(query) if t in self._vocab]
        if not ids or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(ids), dtype=np.float32)

    def share(self, term: str) -> float:
        """Share of rows holding ``term`` (a term from ``tokenize``); 0 for an empty index."""
        return self._rows_with.get(term, 0) / self.size if self.size else 0.0

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top ``k`` (row, score) pairs with a positive score, best first."""
        scores = self.scores(query)
        if not len(scores):
            return []
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
