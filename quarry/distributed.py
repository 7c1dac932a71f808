"""Distributed ingest on Ray: ``quarry ingest PATHS --ray ADDRESS``.

- Files are loaded (each in the limited parser process, as in a plain ingest) and chunked in
  parallel Ray tasks; a file that fails is reported with its reason; a task whose worker dies is
  retried by Ray, and files whose task never came back are reported, never silently dropped.
- Chunks are embedded by an actor pool (Ray Data ``map_batches``), each actor holding one copy of
  the configured embedder with cores / actors threads.
- Segments are built by workers: the new chunks are split, whole documents in order, into
  segments of about ``QUARRY_RAY_SEGMENT_CHUNKS``; a Ray task per segment builds its dense index
  and writes its folder into the data directory (which every node must see at the same path:
  shared storage). A segment whose task fails, or whose node cannot see the data directory, is
  built by the driver instead, so nothing is lost.
- The driver keeps the writer's rules: under the writer lock it decides ids, unchanged and
  deleted documents and segment ids, adds the lexical entries once a segment's folder is
  complete, and publishes one version atomically, exactly as a plain ingest does; so both build
  the same chunks and vectors, in the same row order, and answer alike.

ADDRESS is ``local:N`` (start a private cluster of N CPUs on 127.0.0.1, no dashboard; it is
stopped through Ray's API when the ingest ends), ``auto`` (the cluster this machine belongs to)
or a cluster address (``ray://host:10001`` or ``host:6379``). Every node needs Quarry installed.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from base.errors import ConfigError, IngestFileError
from base.progress import progress_bar
from index.layout import SegmentRef
from index.writer import SegmentJob, build_segment
from ingest.chunker import Chunk, SentenceChunker
from ingest.discover import LoadResult, iter_files, load_file, unique_doc_id
from ingest.loaders import Document

log = logging.getLogger("quarry.distributed")
_LOCAL = re.compile(r"local:(\d+)")
# Test hook: the first embedding actor to see this marker path missing creates it and kills its
# own process (SIGKILL), so a test can show that a dead worker's batch is redone, not lost.
KILL_ONCE_ENV = "QUARRY_RAY_KILL_ONCE"


def parse_address(address: str) -> tuple[str, int | None]:
    """``(ray address, local CPUs or None)``; raises ConfigError on a malformed value."""
    match = _LOCAL.fullmatch(address)
    if match:
        n = int(match.group(1))
        if not 1 <= n <= 512:
            raise ConfigError(f"--ray local:N needs 1 <= N <= 512, got {address!r}")
        return "local", n
    if address == "auto" or re.fullmatch(r"(ray://)?[\w.\-]+:\d+", address):
        return address, None
    raise ConfigError(
        f"--ray {address!r} is not local:N, auto or HOST:PORT (e.g. local:2, ray://10.0.0.5:10001)"
    )


@contextmanager
def ray_cluster(address: str) -> Iterator[int]:
    """Connect to (or, for ``local:N``, start) a Ray cluster; yields its CPU count. Ray is
    stopped through its API on exit (a local cluster's processes end with it)."""
    target, local_cpus = parse_address(address)
    if local_cpus is not None:
        # Bind every Ray server to loopback: with this, Ray takes 127.0.0.1 as the node address.
        os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    # Ray's own logs stay in its session folder; the CLI prints Quarry's report only.
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(
            "--ray needs Ray: pip install 'quarry[ray]' (ray[data] 2.60) on every node"
        ) from exc

    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from ray._private import ray_constants

    kwargs: dict[str, object] = {
        "log_to_driver": False,
        "namespace": "quarry",
        "configure_logging": False,  # keep the levels set above
    }
    if local_cpus is not None:
        ray_constants.ENABLE_RAY_CLUSTER = False  # in case ray was imported before the variable
        kwargs.update(
            num_cpus=local_cpus,
            include_dashboard=False,
            _node_ip_address="127.0.0.1",
        )
    if os.environ.get(KILL_ONCE_ENV):
        kwargs["runtime_env"] = {"env_vars": {KILL_ONCE_ENV: os.environ[KILL_ONCE_ENV]}}
    try:
        ray.init(address=target, **kwargs)  # type: ignore[arg-type]
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError(f"cannot reach the Ray cluster at {address!r}: {exc}") from exc
    try:
        yield max(1, int(ray.cluster_resources().get("CPU", 1)))
    finally:
        ray.shutdown()


# -- loading and chunking ---------------------------------------------------------------------


@dataclass
class Loaded:
    result: LoadResult = field(default_factory=LoadResult)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)


def _load_and_chunk(
    items: list[tuple[str, str]], chunk_size: int, chunk_overlap: int
) -> list[tuple[str, Document | None, list[Chunk], str]]:
    """Runs on a worker: (path, document, chunks, error) for each (path, doc id)."""
    from ingest.sandbox import ContainedLoader

    chunker = SentenceChunker(chunk_size, chunk_overlap)
    out: list[tuple[str, Document | None, list[Chunk], str]] = []
    with ContainedLoader() as loader:
        for path, doc_id in items:
            loaded = load_file(loader, Path(path), doc_id)
            if isinstance(loaded, IngestFileError):
                out.append((path, None, [], loaded.reason))
            else:
                out.append((path, loaded, chunker.chunk(loaded), ""))
    return out


def load_on_ray(
    paths: list[Path],
    taken: dict[str, str],
    chunker: SentenceChunker,
    cpus: int,
    progress: bool | None = None,
) -> Loaded:
    """Load and chunk the files under ``paths`` in parallel Ray tasks (ids decided here, in the
    same order as a plain ingest, so both give every file the same id)."""
    import ray

    taken = dict(taken)
    files = list(iter_files(paths))
    items = [(str(p.resolve()), unique_doc_id(p, taken)) for p in files]
    loaded = Loaded()
    if not items:
        return loaded
    per_task = max(1, min(64, len(items) // (cpus * 4) or 1))
    groups = [items[i : i + per_task] for i in range(0, len(items), per_task)]
    task = ray.remote(max_retries=3, retry_exceptions=False)(_load_and_chunk)
    pending = {
        task.remote(group, chunker.chunk_size, chunker.chunk_overlap): group for group in groups
    }
    by_path: dict[str, tuple[Document | None, list[Chunk], str]] = {}
    with progress_bar(total=len(items), enabled=progress, desc="loading", unit="file") as bar:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            group = pending.pop(done[0])
            try:
                rows = ray.get(done[0])
            except ray.exceptions.RayError as exc:  # the worker died more often than retried
                reason = f"lost on a Ray worker ({type(exc).__name__})"
                rows = [(path, None, [], reason) for path, _ in group]
            for path, doc, chunks, error in rows:
                by_path[path] = (doc, chunks, error)
            bar.update(len(group))
    for path, _ in items:  # in discovery order, as load_paths returns them
        doc, chunks, error = by_path[path]
        if doc is None:
            loaded.result.failures.append(IngestFileError(path, error))
        else:
            loaded.result.documents.append(doc)
            loaded.chunks[doc.doc_id] = chunks
    return loaded


# -- embedding --------------------------------------------------------------------------------


class _EmbedActor:
    """One embedder per actor; called with batches of {"pos", "text"}."""

    def __init__(self, embedder: str, threads: int) -> None:
        from index.embedders import load_embedder

        self.embedder = load_embedder(embedder, threads)
        self.kill_marker = os.environ.get(KILL_ONCE_ENV)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if self.kill_marker:
            marker = Path(self.kill_marker)
            try:
                marker.touch(exist_ok=False)
            except FileExistsError:
                pass
            else:
                sys.stderr.flush()
                os.kill(os.getpid(), signal.SIGKILL)
        vectors = self.embedder.embed([str(t) for t in batch["text"]])
        return {"pos": batch["pos"], "vector": vectors}


def ray_embed_runner(embedder: str, cpus: int):  # type: ignore[no-untyped-def]
    """An ``EmbedRunner`` (see ``index.writer``) on a Ray Data actor pool of ``cpus`` actors."""

    def run(texts: list[str], batch: int) -> Iterator[tuple[list[int], np.ndarray]]:
        import ray.data

        if not texts:
            return
        logging.getLogger("ray.data").setLevel(logging.ERROR)  # its import set INFO
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        actors = max(1, min(cpus, (len(texts) + batch - 1) // batch))
        ds = ray.data.from_items(
            [{"pos": i, "text": t} for i, t in enumerate(texts)],
            override_num_blocks=max(actors, min(len(texts) // batch, actors * 8)) or 1,
        ).map_batches(
            _EmbedActor,
            fn_constructor_kwargs={"embedder": embedder, "threads": max(1, cpus // actors)},
            batch_size=batch,
            # Ray Data restarts a dead actor and retries its batch (tests/test_distributed.py
            # kills one); no batch is dropped silently, and the writer counts what came back.
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
        )
        for out in ds.iter_batches(batch_size=batch, batch_format="numpy"):
            yield [int(p) for p in out["pos"]], np.asarray(out["vector"], dtype=np.float32)

    return run


# -- segments ---------------------------------------------------------------------------------


def _build_on_worker(job: SegmentJob) -> SegmentRef:
    """Runs on a worker: build one segment into the (shared) data directory."""
    if not job.data_dir.is_dir():
        raise FileNotFoundError(
            f"data dir {job.data_dir} is not visible on node {socket.gethostname()} "
            "(a --ray cluster needs it on storage every node mounts at the same path)"
        )
    return build_segment(job)


def ray_segment_runner():  # type: ignore[no-untyped-def]
    """A ``SegmentRunner`` (see ``index.writer``): one Ray task per segment. A segment whose
    task fails (its worker died past the retries, or its node cannot see the data directory) is
    built here instead; the segment ids were decided under the writer lock, so a retried or
    replaced build writes the same folder."""

    def run(jobs: list[SegmentJob]) -> list[SegmentRef]:
        import ray

        task = ray.remote(max_retries=3, retry_exceptions=False)(_build_on_worker)
        pending = [task.remote(job) for job in jobs]
        refs = []
        for job, ref in zip(jobs, pending, strict=True):
            try:
                refs.append(ray.get(ref))
            except ray.exceptions.RayError as exc:
                log.warning(
                    "segment %d failed on a Ray worker (%s); building it on the driver",
                    job.segment_id,
                    str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__,
                )
                refs.append(build_segment(job))
        return refs

    return run
