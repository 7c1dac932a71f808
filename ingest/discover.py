"""Find the files under the given paths and load each, collecting failures instead of stopping."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from base.errors import IngestFileError
from base.progress import progress_bar
from ingest.loaders import Document, make_doc_id
from ingest.sandbox import ContainedLoader, ParseLimits


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    failures: list[IngestFileError] = field(default_factory=list)


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every non-hidden file under ``paths`` (files given directly are yielded as they are)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(p.startswith(".") for p in rel.parts):
                    yield child
        else:
            yield path


def other_ids(doc_id: str, source: str) -> list[str]:
    """Ids for the file at ``source`` when another file already has ``doc_id`` (the same name
    in another folder), in the order to try: its folder's name before it
    ("python-requests-2.34.2-readme"), then that with a short hash of its path."""
    parent = make_doc_id(Path(Path(source).parent.name or "doc"))
    named = f"{parent}-{doc_id}"[:96]
    return [named, f"{named}-{hashlib.sha1(source.encode()).hexdigest()[:8]}"]


def free_id(doc_id: str, source: str, owner_of: Callable[[str], str | None]) -> str:
    """``doc_id``, or the first of ``other_ids`` that no other source owns."""
    for candidate in (doc_id, *other_ids(doc_id, source)):
        owner = owner_of(candidate)
        if owner is None or owner == source:
            return candidate
    return other_ids(doc_id, source)[-1]


def unique_doc_id(path: Path, taken: dict[str, str]) -> str:
    """The file's slug; when another file already has it, the slug after its folder's name."""
    source = str(path.resolve())
    doc_id = free_id(make_doc_id(path), source, taken.get)
    taken[doc_id] = source
    return doc_id


def load_paths(
    paths: Iterable[Path],
    taken: dict[str, str] | None = None,
    progress: bool | None = None,
    limits: ParseLimits | None = None,
) -> LoadResult:
    """Load every file under ``paths``. ``taken`` maps existing doc ids to their source paths.

    Each file is parsed in a worker process under ``limits`` (see ``ingest.sandbox``): a file
    that breaks one is reported and skipped, and the rest load.
    """
    taken = dict(taken or {})
    result = LoadResult()
    files = list(iter_files(paths))
    if not files:
        return result
    with ContainedLoader(limits) as loader:
        for path in progress_bar(files, enabled=progress, desc="loading", unit="file"):
            loaded = load_file(loader, path, partial(unique_doc_id, path, taken))
            if isinstance(loaded, IngestFileError):
                result.failures.append(loaded)
            else:
                result.documents.append(loaded)
    return result


def load_file(
    loader: ContainedLoader, path: Path, doc_id: str | Callable[[], str]
) -> Document | IngestFileError:
    """One file, parsed by ``loader`` (in its sandbox): its document, or why it cannot be read.
    ``doc_id`` (or what it returns) is asked only for a file that exists. The one per-file step
    of every ingest, here and on Ray workers (``quarry.distributed``)."""
    if not path.exists():
        return IngestFileError(str(path), "no such file or directory")
    try:
        return loader.load(path.resolve(), doc_id if isinstance(doc_id, str) else doc_id())
    except IngestFileError as exc:
        return exc
