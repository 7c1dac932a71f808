"""Quarry's exception hierarchy, translated to HTTP statuses and CLI exits only at the edges.

QuarryError
├── ConfigError            settings that cannot work (e.g. chunks the embedder would truncate)
├── InvalidQuestion        a question that is empty or too long
├── RemoteError            a Quarry server (quarry eval --url) could not be reached or failed
├── IngestFileError        one input file could not be loaded; it is reported and skipped
├── IndexError_
│   ├── NoIndexError       no index has been built yet in the data directory
│   ├── IndexMismatchError the index was built with another embedder or dimension
│   └── IndexWriteError    a new version could not be written (disk full, read-only)
├── DocumentNotFound       no document with that id
└── CitationIntegrityError a citation's quote does not match the stored text (a bug, never shown)
"""

from __future__ import annotations


class QuarryError(Exception):
    """Base of every error Quarry raises on purpose."""


class ConfigError(QuarryError):
    """The configuration cannot work; the message names the setting to change."""


class InvalidQuestion(QuarryError, ValueError):
    """The question is empty or too long; the message says which."""


class RemoteError(QuarryError):
    """A remote Quarry server could not be reached or answered with an error."""


class IngestFileError(QuarryError):
    """One file could not be ingested. ``path`` names it, the message says why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexError_(QuarryError):  # noqa: N801 - avoid shadowing the builtin IndexError
    """Problems opening or using the index."""


class NoIndexError(IndexError_):
    """No index exists yet."""

    def __init__(self, data_dir: str = "") -> None:
        where = f" in {data_dir}" if data_dir else ""
        super().__init__(f"no index{where}: run `quarry ingest`")


class IndexMismatchError(IndexError_):
    """The stored index was built with a different embedder or dimension."""


class IndexWriteError(IndexError_):
    """Writing a new index version failed; the live version is untouched."""


class IndexDamagedError(IndexError_):
    """Part of the index fails its checksums where a write would have to read it."""


class DocumentNotFound(QuarryError):
    """No document with the given id exists in the index."""

    def __init__(self, doc_id: str) -> None:
        super().__init__(f"no document with id {doc_id!r}")
        self.doc_id = doc_id


class CitationIntegrityError(QuarryError):
    """A citation's quote differs from the stored document text at its offsets."""
