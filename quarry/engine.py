"""Wires the stages together for the CLI and the API: one embedder, the live index, an answerer.

The engine notices when another process publishes a new index version (``CURRENT`` changes) and
opens it on a background thread while the previous version keeps answering; a request waits at
most ``switch_wait_s`` for it. A request in flight keeps the version it started with.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from base.errors import NoIndexError
from index.embedders import Embedder, EmbedderSlot
from index.layout import pointer_state
from index.store import IndexVersion, open_current
from qa.answer import Answerer
from qa.policy import AnswerPolicy
from qa.reader import CrossEncoderReader, Reader
from qa.types import Answer, Retrieval
from quarry.ingestor import dense_from
from quarry.settings import Settings

log = logging.getLogger("quarry.engine")


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
        self._embedders = EmbedderSlot(
            settings.embedder, settings.threads, embedder, settings.device
        )
        self._reader = reader
        self._lock = threading.Lock()
        self._answerer: Answerer | None = None
        self._pointer: tuple[float, bytes] | None = None
        self._switch: threading.Thread | None = None
        self._switch_error: BaseException | None = None

    @property
    def embedder(self) -> Embedder:
        return self._embedders.get()

    @property
    def reader(self) -> Reader | None:
        """The cross-encoder reader, loaded once; None when QUARRY_READER is off."""
        if not self.settings.reader:
            return None
        with self._lock:
            if self._reader is None:
                self._reader = CrossEncoderReader(threads=self.settings.threads)
            return self._reader

    def answerer(self) -> Answerer:
        """The answerer for the live version. A newly published version is opened in the
        background; until it is ready (at most ``switch_wait_s`` per request) the previous one
        answers.

        Raises:
            NoIndexError: nothing ingested yet.
            IndexMismatchError: the index was built with another embedder.
        """
        state = pointer_state(Path(self.settings.data_dir))
        current = self._answerer
        if current is not None and state == self._pointer:
            return current
        if state is None:  # fail before loading the model
            raise NoIndexError(str(self.settings.data_dir))
        if current is None:
            with self._lock:
                if self._answerer is None or state != self._pointer:
                    self._open(state)
                assert self._answerer is not None
                return self._answerer
        with self._lock:
            if self._switch is None or not self._switch.is_alive():
                self._switch_error = None
                self._switch = threading.Thread(
                    target=self._switch_to, args=(state,), name="quarry-open-version", daemon=True
                )
                self._switch.start()
            switch = self._switch
        switch.join(self.settings.switch_wait_s)
        if self._switch_error is not None and not switch.is_alive():
            raise self._switch_error
        return self._answerer or current

    def _switch_to(self, state: tuple[float, bytes]) -> None:
        try:
            with self._lock:
                if state != self._pointer:
                    self._open(state)
        except BaseException as exc:  # reported to the request that waits for it
            log.error("cannot open the new index version: %s", exc)
            self._switch_error = exc

    def _open(self, state: tuple[float, bytes]) -> None:
        """Open the live version and make its answerer current (holding ``_lock``)."""
        embedder = self._embedders.get()
        if self.settings.reader and self._reader is None:
            self._reader = CrossEncoderReader(threads=self.settings.threads)
        version = open_current(Path(self.settings.data_dir), dense_from(self.settings))
        version.check_embedder(embedder.name, embedder.dim)
        self._answerer = Answerer(
            version,
            embedder,
            policy_from(self.settings),
            self.settings.retrieval,
            self.settings.hybrid_alpha,
            self._reader if self.settings.reader else None,
            self.settings.top_k,
            self.settings.rerank_depth,
        )
        self._pointer = state

    def version(self) -> IndexVersion:
        return self.answerer().version

    def steps(self, question: str, top_k: int | None = None) -> Iterator[Retrieval | Answer]:
        """The one way to answer: yields the ``Retrieval`` (the passages) and then the
        ``Answer`` composed from it. ``top_k`` None is QUARRY_TOP_K. The live version is
        resolved now, so ``NoIndexError`` is raised by this call, before any step is taken."""
        answerer = self.answerer()

        def run() -> Iterator[Retrieval | Answer]:
            retrieval = answerer.retrieve(question, top_k)
            yield retrieval
            yield answerer.compose(retrieval)

        return run()

    def search(self, query: str, top_k: int | None = None) -> Retrieval:
        """The ranked passages for ``query``, as answering would retrieve them (hybrid, with
        the reader's re-ranking when it is on), without composing an answer."""
        return self.answerer().retrieve(query, top_k)

    def answer(self, question: str, top_k: int | None = None) -> Answer:
        """The answer to ``question`` (the last of ``steps``)."""
        *_, answer = self.steps(question, top_k)
        assert isinstance(answer, Answer)
        return answer


def engine_over(corpus: Path, data_dir: Path, embedder: Embedder | None = None) -> Engine:
    """An engine over an index of the ``corpus`` folder in ``data_dir`` (ingested with prune, so
    the index holds exactly that folder), with default settings otherwise."""
    from quarry.ingestor import Ingestor
    from quarry.settings import settings_from

    engine = Engine(settings_from(data_dir=data_dir), embedder=embedder)
    Ingestor(engine.settings, engine.embedder, progress=False).ingest([corpus], prune=True)
    return engine
