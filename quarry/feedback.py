"""Answer feedback that becomes regression tests: answers are remembered (for ``KEEP_DAYS``) so
that feedback can name one by its id; feedback is kept until deleted; ``export_gold`` writes
what a thumbs-down taught as a gold set that ``quarry eval --gold`` runs in CI.

One SQLite file beside the index (``index.layout.feedback_path``): it survives restarts and
re-ingests, and is shared by every serving process (WAL).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eval.runner import GoldQuestion

KEEP_DAYS = 30  # answers older than this can no longer be rated
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS answers (answer_id TEXT PRIMARY KEY, at REAL, version TEXT, "
    "question TEXT, body TEXT)",
    "CREATE TABLE IF NOT EXISTS feedback (feedback_id TEXT PRIMARY KEY, answer_id TEXT, at REAL, "
    "rating TEXT, comment TEXT, correct_answer TEXT, should_abstain INTEGER, question TEXT, "
    "body TEXT)",
)


class UnknownAnswer(LookupError):
    """Feedback named an answer this server never gave (or gave more than KEEP_DAYS ago)."""


@dataclass(frozen=True)
class Feedback:
    feedback_id: str
    answer_id: str
    at: float
    rating: str  # "up" or "down"
    comment: str
    correct_answer: str
    should_abstain: bool
    question: str
    answer: dict[str, Any]  # the /ask response that was rated


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            for statement in _SCHEMA:
                self._db.execute(statement)

    def remember(self, version: str, question: str, body: dict[str, Any]) -> str:
        """Keep an answer so feedback can name it; returns its new id (older ones expire)."""
        answer_id = uuid.uuid4().hex
        now = time.time()
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
                (answer_id, now, version, question, json.dumps(body, ensure_ascii=False)),
            )
            self._db.execute("DELETE FROM answers WHERE at < ?", (now - KEEP_DAYS * 86400,))
        return answer_id

    def add(
        self,
        answer_id: str,
        rating: str,
        comment: str = "",
        correct_answer: str = "",
        should_abstain: bool = False,
    ) -> Feedback:
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT question, body FROM answers WHERE answer_id = ?", (answer_id,)
            ).fetchone()
            if row is None:
                raise UnknownAnswer(answer_id)
            item = Feedback(
                uuid.uuid4().hex,
                answer_id,
                time.time(),
                rating,
                comment,
                correct_answer,
                should_abstain,
                row[0],
                json.loads(row[1]),
            )
            self._db.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.feedback_id,
                    answer_id,
                    item.at,
                    rating,
                    comment,
                    correct_answer,
                    int(should_abstain),
                    item.question,
                    row[1],
                ),
            )
        return item

    def all(self) -> list[Feedback]:
        with self._lock:
            rows = self._db.execute(
                "SELECT feedback_id, answer_id, at, rating, comment, correct_answer, "
                "should_abstain, question, body FROM feedback ORDER BY at"
            ).fetchall()
        return [
            Feedback(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], json.loads(r[8]))
            for r in rows
        ]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def gold_of(item: Feedback) -> GoldQuestion | None:
    """The regression test one piece of feedback makes, or None when it says too little.

    - "should have abstained", or a thumbs-up on an abstention: ``unanswerable``;
    - a corrected answer: that answer must be in the answer;
    - a thumbs-up on an answer: its cited quotes must stay in the answer, with their documents
      as evidence;
    - a thumbs-down with neither a correction nor "should have abstained": None (nothing to
      check against).
    """
    answer = item.answer
    ident = f"fb-{item.feedback_id[:12]}"
    if item.should_abstain or (item.rating == "up" and answer.get("abstained")):
        return GoldQuestion(ident, "unanswerable", item.question, [])
    if item.correct_answer:
        return GoldQuestion(ident, "feedback", item.question, [item.correct_answer])
    if item.rating == "up" and answer.get("citations"):
        quotes = [c["quote"] for c in answer["citations"]]
        evidence = [{"doc_id": c["doc_id"], "quote": c["quote"]} for c in answer["citations"]]
        return GoldQuestion(ident, "feedback", item.question, quotes[:1], evidence)
    return None


def export_gold(store: FeedbackStore, path: Path) -> tuple[int, int]:
    """Write every usable piece of feedback as a gold-set line; returns (written, skipped)."""
    written = skipped = 0
    lines = []
    for item in store.all():
        gold = gold_of(item)
        if gold is None:
            skipped += 1
            continue
        lines.append(json.dumps(asdict(gold), ensure_ascii=False))
        written += 1
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return written, skipped
