"""Wires the stages together for the CLI and the API: one embedder, the live index, an answerer.

The engine notices when another process publishes a new index version (``CURRENT`` changes) and
switches to it between requests; a request in flight keeps the version it started with.
"""

from __future__ import annotations

import threading
from pathlib import Path

from index.embedders import Embedder, load_embedder
from index.store import CURRENT, IndexVersion, open_current
from qa.answer import Answerer
from qa.policy import AnswerPolicy
from qa.reader import CrossEncoderReader, Reader
from qa.types import Answer
from quarry.errors import NoIndexError
from quarry.settings import Settings


def policy_from(settings: Settings) -> AnswerPolicy:
    """The answer policy, with the few choices a deployment may set from Settings."""
    return AnswerPolicy(
        abstain_threshold=settings.abstain_threshold,
        max_answer_sentences=settings.max_answer_sentences,
        stance_conflicts=settings.stance_conflicts,
    )


class Engine:
    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, reader: Reader | None = None
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._reader = reader
        self._lock = threading.Lock()
        self._answerer: Answerer | None = None
        self._pointer: tuple[float, bytes] | None = None

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.settings.embedder, self.settings.threads)
            return self._embedder

    @property
    def reader(self) -> Reader | None:
        """The cross-encoder reader, loaded once; None when QUARRY_READER is off."""
        if not self.settings.reader:
            return None
        with self._lock:
            if self._reader is None:
                self._reader = CrossEncoderReader(threads=self.settings.threads)
            return self._reader

    def _pointer_state(self) -> tuple[float, bytes] | None:
        path = Path(self.settings.data_dir) / CURRENT
        try:
            return (path.stat().st_mtime, path.read_bytes().strip())
        except FileNotFoundError:
            versions = Path(self.settings.data_dir) / "versions"
            # no pointer but versions on disk: damaged, not empty (open_current serves the newest)
            return (0.0, b"") if versions.is_dir() and any(versions.iterdir()) else None

    def answerer(self) -> Answerer:
        """The answerer for the live version, reloading it if a new version was published.

        Raises:
            NoIndexError: nothing ingested yet.
            IndexMismatchError: the index was built with another embedder.
        """
        state = self._pointer_state()
        current = self._answerer
        if current is not None and state == self._pointer:
            return current
        if state is None:  # fail before loading the model
            raise NoIndexError(str(self.settings.data_dir))
        embedder = self.embedder
        reader = self.reader
        with self._lock:
            if self._answerer is not None and state == self._pointer:
                return self._answerer  # another request loaded it meanwhile
            version = open_current(Path(self.settings.data_dir))
            version.check_embedder(embedder.name, embedder.dim)
            self._answerer = Answerer(
                version,
                embedder,
                policy_from(self.settings),
                self.settings.retrieval,
                self.settings.hybrid_alpha,
                reader,
                self.settings.top_k,
                self.settings.rerank_depth,
            )
            self._pointer = state
            return self._answerer

    def version(self) -> IndexVersion:
        return self.answerer().version

    def answer(self, question: str, top_k: int | None = None) -> Answer:
        return self.answerer().answer(question, top_k)
