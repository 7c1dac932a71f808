"""Background jobs for corpus changes: one at a time, in order, status kept in memory."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from base.errors import QuarryError

log = logging.getLogger("quarry.jobs")


@dataclass
class Job:
    job_id: str
    kind: str
    status: str = "queued"  # queued -> running -> done | failed
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


class JobRunner:
    def __init__(self, keep: int = 200) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quarry-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def submit(self, kind: str, work: Callable[[], dict[str, Any]]) -> Job:
        job = Job(uuid.uuid4().hex[:16], kind)
        with self._lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > self._keep:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].status in ("done", "failed"):
                    del self._jobs[oldest]
                else:
                    break
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[], dict[str, Any]]) -> None:
        job.status = "running"
        try:
            job.result = work()
            job.status = "done"
        except QuarryError as exc:
            job.error, job.status = str(exc), "failed"
        except Exception:  # a job must never take the worker down; the log has the details
            log.exception("job %s failed", job.job_id)
            job.error, job.status = "internal error (see the server log)", "failed"
        finally:
            job.finished_at = time.time()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
