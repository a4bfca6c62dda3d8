"""Background jobs of one server process (large ingest uploads), with progress a client can poll.

Jobs live in the memory of the server process that accepted them: they are lost when it restarts, and
with several server processes a client must poll the one that answered its upload. One job runs at a
time (writes to a store are best done by one writer); the others wait in order.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.errors import BuyerGraphError, NotFoundError

log = logging.getLogger("buyergraph.api")

#: Finished jobs kept for polling; the oldest finished ones are forgotten first.
KEEP_FINISHED = 100


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobProgress(BaseModel):
    """How far a job is: `done` of `total` units (rows or files), and what it is doing."""

    stage: str = ""
    done: int = 0
    total: int | None = None
    fraction: float | None = Field(default=None, ge=0, le=1)


class Job(BaseModel):
    """A background job (a large ingest upload) and, once it succeeded, its result."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "9f2c4e1ab37d5e60",
                    "kind": "ingest",
                    "state": "running",
                    "created_at": "2026-06-30T09:00:00Z",
                    "started_at": "2026-06-30T09:00:01Z",
                    "progress": {"stage": "writing people", "done": 12000, "total": None, "fraction": None},
                }
            ]
        }
    )

    id: str
    kind: str
    state: JobState = JobState.QUEUED
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    progress: JobProgress = Field(default_factory=JobProgress)
    #: The job's result when it succeeded (for ingest: the summary and the reject report).
    result: dict[str, Any] | None = None
    #: Why it failed, in words safe to show (no data values).
    error: str | None = None


ProgressCallback = Callable[[str, int, int | None], None]


def _now() -> datetime:
    return datetime.now(UTC)


class JobRegistry:
    """Queue, run and remember jobs of this process."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="buyergraph-job")
        #: Queued jobs' folders: a job owns its folder, and one that never runs must not leave it behind.
        self._waiting: dict[str, tuple[Future[None], Path]] = {}

    def submit(
        self,
        kind: str,
        work: Callable[[ProgressCallback], dict[str, Any]],
        *,
        cleanup: Path | None = None,
        on_done: Callable[[], None] | None = None,
    ) -> Job:
        """Queue `work(progress)`; it returns the job's result. `cleanup` is a folder removed afterwards."""
        job = Job(id=secrets.token_hex(8), kind=kind, created_at=_now())
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        future = self._pool.submit(self._run, job.id, work, cleanup, on_done)
        if cleanup is not None:
            with self._lock:
                self._waiting[job.id] = (future, cleanup)
            future.add_done_callback(lambda _: self._forget_waiting(job.id))
        return job.model_copy(deep=True)

    def _forget_waiting(self, job_id: str) -> None:
        with self._lock:
            self._waiting.pop(job_id, None)

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise NotFoundError("job", job_id)
            return job.model_copy(deep=True)

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            job = self._jobs[job_id]
            for name, value in changes.items():
                setattr(job, name, value)

    def _run(
        self,
        job_id: str,
        work: Callable[[ProgressCallback], dict[str, Any]],
        cleanup: Path | None,
        on_done: Callable[[], None] | None,
    ) -> None:
        self._update(job_id, state=JobState.RUNNING, started_at=_now())

        def progress(stage: str, done: int, total: int | None) -> None:
            fraction = min(1.0, done / total) if total else None
            self._update(job_id, progress=JobProgress(stage=stage, done=done, total=total, fraction=fraction))

        try:
            result = work(progress)
        except BuyerGraphError as exc:
            self._update(job_id, state=JobState.FAILED, error=str(exc), finished_at=_now())
        except Exception as exc:  # a job must never take the worker down
            log.error("job %s failed with %s", job_id, type(exc).__name__)
            self._update(
                job_id,
                state=JobState.FAILED,
                error=f"the job failed unexpectedly ({type(exc).__name__}); see the server log",
                finished_at=_now(),
            )
        else:
            self._update(job_id, state=JobState.SUCCEEDED, result=result, finished_at=_now())
        finally:
            if cleanup is not None:
                shutil.rmtree(cleanup, ignore_errors=True)
            if on_done is not None:
                on_done()

    def _forget_old(self) -> None:
        finished = [j.id for j in self._jobs.values() if j.state in (JobState.SUCCEEDED, JobState.FAILED)]
        for job_id in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[job_id]

    def close(self) -> None:
        """Stop taking jobs; queued jobs are cancelled and their folders removed (a running one ends
        on its own and removes its folder then)."""
        with self._lock:
            waiting = list(self._waiting.values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for future, folder in waiting:
            if future.cancelled():
                shutil.rmtree(folder, ignore_errors=True)
