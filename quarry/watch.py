"""A watched folder: changed, added and removed files reach the index within seconds.

The folders are polled (no platform file-event API, so it works the same on every filesystem,
network mounts included). A change starts a burst; the burst is applied once the folders have
been quiet for ``quiet_s`` (or ``max_wait_s`` after it began, whichever comes first), as one
write through the ordinary writer and its lock: the changed files are loaded (only they), the
removed files' documents deleted. Unchanged files cost a stat each poll, nothing more, and a
burst of a thousand changes is a few writes, not a thousand.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from base.errors import DocumentNotFound, QuarryError
from ingest.discover import iter_files
from quarry.ingestor import Ingestor

log = logging.getLogger("quarry.watch")

Stamp = tuple[int, int]  # (mtime_ns, size)


@dataclass
class Applied:
    """One write the watcher made: which files it saw change, and what the write did."""

    changed: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    version: str = ""
    seconds: float = 0.0

    def describe(self) -> str:
        text = (
            f"{len(self.changed)} changed and {len(self.removed)} removed file(s) -> "
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.deleted)} removed"
        )
        if self.failed:
            text += f"; {len(self.failed)} skipped ({'; '.join(self.failed[:3])})"
        return text + (f" in {self.seconds:.1f}s ({self.version})" if self.version else "")


class FolderWatcher:
    def __init__(
        self,
        ingestor: Ingestor,
        folders: Iterable[Path],
        interval_s: float = 0.5,
        quiet_s: float = 1.0,
        max_wait_s: float = 5.0,
        on_write: Callable[[Applied], None] | None = None,
    ) -> None:
        self.ingestor = ingestor
        self.folders = [Path(f).resolve() for f in folders]
        self.interval_s = interval_s
        self.quiet_s = quiet_s
        self.max_wait_s = max_wait_s
        self.on_write = on_write or (lambda applied: log.info("watch: %s", applied.describe()))
        self.writes = 0
        self._seen: dict[Path, Stamp] = {}

    def snapshot(self) -> dict[Path, Stamp]:
        out: dict[Path, Stamp] = {}
        for path in iter_files(self.folders):
            try:
                st = path.stat()
            except OSError:  # removed between the listing and the stat
                continue
            out[path.resolve()] = (st.st_mtime_ns, st.st_size)
        return out

    def sync(self) -> Applied:
        """Bring the index up to date with the folders now: every file loaded (unchanged ones
        are skipped by content hash), documents of files gone from the folders removed."""
        now = self.snapshot()
        gone = [
            Path(source)
            for source in self._sources().values()
            if self._watched(Path(source)) and Path(source) not in now
        ]
        self._seen = now
        return self.apply(set(now), set(gone))

    def run(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set, applying each settled burst."""
        while not stop.is_set():
            try:
                self.step(stop)
            except Exception:  # a write failure is logged; the next change tries again
                log.exception("watch: applying a change failed")

    def step(self, stop: threading.Event | None = None) -> Applied | None:
        """Wait for a change, let the burst settle, apply it; None when nothing changed."""
        stop = stop or threading.Event()
        now = self.snapshot()
        if now == self._seen:
            stop.wait(self.interval_s)
            return None
        began = last_change = time.monotonic()
        while not stop.is_set():
            stop.wait(self.interval_s)
            later = self.snapshot()
            if later != now:
                now, last_change = later, time.monotonic()
            quiet = time.monotonic() - last_change >= self.quiet_s
            if quiet or time.monotonic() - began >= self.max_wait_s:
                break
        changed = {p for p, stamp in now.items() if self._seen.get(p) != stamp}
        removed = set(self._seen) - set(now)
        self._seen = now
        return self.apply(changed, removed)

    def apply(self, changed: set[Path], removed: set[Path]) -> Applied:
        started = time.perf_counter()
        applied = Applied(sorted(changed), sorted(removed))
        if not changed and not removed:
            return applied
        by_source = {Path(s): d for d, s in self._sources().items()}
        deletes = [by_source[p] for p in removed if p in by_source]
        if changed:
            loaded_at = time.time()
            loaded = self.ingestor.load(sorted(changed))
            applied.failed = [str(f) for f in loaded.failures]
            report = self.ingestor.writer().apply(loaded.documents, deletes, loaded_at=loaded_at)
        elif deletes:
            try:
                report = self.ingestor.delete(deletes)
            except DocumentNotFound:  # removed meanwhile by someone else
                return applied
        else:
            return applied
        applied.added, applied.updated = report.added, report.updated
        applied.deleted, applied.version = report.removed, report.version
        applied.seconds = time.perf_counter() - started
        self.writes += 1
        self.on_write(applied)
        return applied

    def _sources(self) -> dict[str, str]:
        from index.writer import existing_sources

        try:
            return existing_sources(self.ingestor.data_dir)
        except QuarryError:
            return {}

    def _watched(self, path: Path) -> bool:
        return any(path.is_relative_to(folder) for folder in self.folders)


def watch_in_background(watcher: FolderWatcher) -> threading.Event:
    """Sync once, then watch on a daemon thread; set the returned event to stop it."""
    stop = threading.Event()

    def run() -> None:
        try:
            watcher.on_write(watcher.sync())
        except Exception:
            log.exception("watch: the first sync failed")
        watcher.run(stop)

    threading.Thread(target=run, name="quarry-watch", daemon=True).start()
    return stop
