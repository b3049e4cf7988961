"""Background simulations of the dashboard: a bounded queue (per client and in all), cancel,
a time limit, and every ending recorded (done, failed with the reason, cancelled).

One worker thread runs the jobs in order. A job stops at the next progress report after a
cancel or after its time limit; any exception ends it as ``failed`` with a message, never
leaves it ``running``.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from llmecon.config.web import WebLimits
from llmecon.errors import LlmeconError

Status = Literal["queued", "running", "done", "failed", "cancelled"]
ACTIVE: tuple[Status, ...] = ("queued", "running")
MAX_ERROR_CHARS = 300


class JobStopped(Exception):
    """Raised inside a job's progress report when it was cancelled or ran out of time."""


class QueueFull(Exception):
    """No room for another job: ``status`` is 429 (this client) or 503 (the server)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Job:
    id: str
    client: str
    request: dict[str, Any]
    total_paths: int
    timeout_s: float
    status: Status = "queued"
    done_paths: int = 0
    error: str = ""
    run_id: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    started: float | None = None
    cancel_requested: bool = False
    future: Future[None] | None = field(default=None, repr=False)

    def progress(self, done: int, total: int) -> None:
        """The progress report of a run; stops the run when cancelled or overdue."""
        self.done_paths, self.total_paths = done, total
        if self.cancel_requested:
            raise JobStopped("cancelled")
        if self.started is not None and time.monotonic() - self.started > self.timeout_s:
            raise JobStopped(f"stopped after the time limit of {self.timeout_s:g} s")

    def to_dict(self) -> dict[str, Any]:
        return {"job_id": self.id, "status": self.status, "done_paths": self.done_paths,
                "total_paths": self.total_paths, "error": self.error, "run_id": self.run_id,
                "result": self.result, "request": self.request}


Work = Callable[[Job], None]


def _message(e: BaseException) -> str:
    text = str(e) if isinstance(e, LlmeconError) else \
        f"internal error ({type(e).__name__}): {e}"
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS - 3] + "..."


class JobQueue:
    """Jobs by id; at most ``limits.max_jobs`` queued or running (``max_jobs_per_client``
    for one client); the newest ``max_finished_jobs`` finished ones kept for their results."""

    def __init__(self, limits: WebLimits) -> None:
        self.limits = limits
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llmecon-job")

    def submit(self, client: str, request: dict[str, Any], total_paths: int, work: Work) -> Job:
        """Queue ``work(job)``; :class:`QueueFull` when a bound is reached."""
        with self._lock:
            active = [j for j in self._jobs.values() if j.status in ACTIVE]
            mine = sum(1 for j in active if j.client == client)
            if mine >= self.limits.max_jobs_per_client:
                raise QueueFull(429, f"at most {self.limits.max_jobs_per_client} simulations "
                                     "queued or running per client; wait or cancel one")
            if len(active) >= self.limits.max_jobs:
                raise QueueFull(503, f"the server is busy ({len(active)} simulations queued "
                                     "or running); try again later")
            job = Job(uuid.uuid4().hex[:12], client, request, total_paths,
                      self.limits.job_timeout_s)
            self._jobs[job.id] = job
            self._forget_old()
        job.future = self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Work) -> None:
        if job.cancel_requested:
            job.status = "cancelled"
            return
        job.status, job.started = "running", time.monotonic()
        try:
            work(job)
            job.status = "done"
        except JobStopped as e:
            job.status = "cancelled" if job.cancel_requested else "failed"
            job.error = str(e)
        except Exception as e:  # any failure must end the job, with its reason
            job.status, job.error = "failed", _message(e)

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop: a queued one never starts, a running one stops at its next
        progress report. None when there is no such job."""
        job = self._jobs.get(job_id)
        if job is None or job.status not in ACTIVE:
            return job
        job.cancel_requested = True
        if job.future is not None and job.future.cancel():
            job.status = "cancelled"
        return job

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.status not in ACTIVE]
        for j in finished[:max(0, len(finished) - self.limits.max_finished_jobs)]:
            del self._jobs[j.id]

    def shutdown(self) -> None:
        for j in list(self._jobs.values()):
            self.cancel(j.id)
        self._pool.shutdown(wait=False, cancel_futures=True)
