"""Embedding cache: vectors keyed by (embedder, sha256 of the text), so nothing is embedded twice.

It lives beside the index versions and survives a crashed ingest: batches embedded before the
crash are reused by the next run.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np


class EmbeddingCache:
    def __init__(self, path: Path, embedder: str, dim: int) -> None:
        self.embedder = embedder
        self.dim = dim
        self._db = sqlite3.connect(str(path), timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (embedder TEXT, text_hash TEXT, vector BLOB, "
            "PRIMARY KEY (embedder, text_hash))"
        )

    def get_many(self, hashes: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        for i in range(0, len(unique), 500):
            batch = unique[i : i + 500]
            marks = ",".join("?" * len(batch))
            for text_hash, blob in self._db.execute(
                "SELECT text_hash, vector FROM vectors "
                f"WHERE embedder = ? AND text_hash IN ({marks})",
                [self.embedder, *batch],
            ):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape[0] == self.dim:
                    found[text_hash] = vector
        return found

    def put_many(self, hashes: list[str], vectors: np.ndarray) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [
                    (self.embedder, h, np.ascontiguousarray(v, dtype=np.float32).tobytes())
                    for h, v in zip(hashes, vectors, strict=True)
                ],
            )

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def keep_only(self, hashes: set[str]) -> int:
        """Forget every vector whose text hash is not in ``hashes`` (any embedder's); returns
        how many were forgotten. The file shrinks (VACUUM) when a fifth or more went."""
        with self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (h TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM keep")
            self._db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((h,) for h in hashes))
            total = self.count()
            gone = self._db.execute(
                "DELETE FROM vectors WHERE text_hash NOT IN (SELECT h FROM keep)"
            ).rowcount
        if gone and gone * 5 >= total:
            self._db.execute("VACUUM")
        return int(gone)

    def close(self) -> None:
        self._db.close()
