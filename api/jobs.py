"""Background jobs (large ingest uploads), with progress a client can poll from any server process.

A job runs in the server process that accepted its upload, one at a time per process (writes to a
store are best done by one writer; the store's ingest lock serialises ingests across processes).
Its state is kept in a small file per job under the server's home folder (`jobs/ID.json`, written
atomically, readable by its owner only), so that every server process of `buyergraph serve
--workers N` answers a poll, whichever one the client's connection reaches. A file records the
process that runs the job: a job whose process is gone is reported as failed, not as running
forever. The newest finished jobs are kept for polling; older ones are removed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.shared_file import replace_atomically
from graph.errors import BuyerGraphError, NotFoundError

log = logging.getLogger("buyergraph.api")

#: Finished jobs kept for polling (by all server processes together); the oldest go first.
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

#: Job ids as `submit` makes them; any other id names no job (and never a path).
_JOB_ID = re.compile(r"[0-9a-f]{16}")
#: Seconds between two writes of a running job's progress to its file.
_PROGRESS_WRITE_S = 0.25
#: Seconds after which a leftover temporary job file is surely not being written any more.
_STALE_TEMP_S = 3600.0
_FINISHED = (JobState.SUCCEEDED, JobState.FAILED)
_OWNER_GONE = "the server process running this job stopped before it finished; upload the files again"
_NEVER_RAN = "the server stopped before this job ran; upload the files again"


def _now() -> datetime:
    return datetime.now(UTC)


def _process_stat(pid: int) -> tuple[str, str] | None:
    """Process `pid`'s state letter and start time (Linux clock ticks since boot: tells it from a
    later process that got the same pid); None where /proc does not say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return (fields[0], fields[19]) if len(fields) > 19 else None


@dataclass(frozen=True)
class _Owner:
    """The process that runs a job."""

    pid: int
    host: str
    started: str | None

    @classmethod
    def this_process(cls) -> _Owner:
        stat = _process_stat(os.getpid())
        return cls(os.getpid(), socket.gethostname(), stat[1] if stat else None)

    def is_gone(self) -> bool:
        """Whether this process has certainly ended (a process on another host is never judged)."""
        if self.host != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, under another user
        stat = _process_stat(self.pid)
        if stat is None:
            return False  # no /proc here: the pid answered, so take it as alive
        state, started = stat
        return state == "Z" or (self.started is not None and started != self.started)


class JobRegistry:
    """Queue and run jobs of this process; remember every process's jobs in files under `folder`."""

    def __init__(self, folder: Path, *, keep_finished: int = KEEP_FINISHED) -> None:
        self._folder = folder
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._keep_finished = keep_finished
        self._owner = _Owner.this_process()
        #: This process's unfinished jobs, as last written (its progress is written at most every
        #: `_PROGRESS_WRITE_S` seconds; polls reaching this process see the newest).
        self._jobs: dict[str, Job] = {}
        self._written_at: dict[str, float] = {}
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
            self._write(job)
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
        if not _JOB_ID.fullmatch(job_id):
            raise NotFoundError("job", job_id)
        with self._lock:
            own = self._jobs.get(job_id)
            if own is not None:
                return own.model_copy(deep=True)
        found = self._read(self._path(job_id))
        if found is None:
            raise NotFoundError("job", job_id)
        return found[0]

    def _path(self, job_id: str) -> Path:
        return self._folder / f"{job_id}.json"

    def _write(self, job: Job) -> None:
        """Write the job's file atomically (a reader sees the old or the new one), owner-only."""
        data = {"job": job.model_dump(mode="json"), "owner": asdict(self._owner)}
        replace_atomically(self._path(job.id), json.dumps(data).encode("utf-8"))
        self._written_at[job.id] = time.monotonic()

    def _read(self, path: Path) -> tuple[Job, _Owner] | None:
        """A job from its file, as failed when its process is gone; None when there is no such file."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            job = Job.model_validate(data["job"])
            owner = _Owner(**data["owner"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("the job file %s could not be read; it is ignored", path.name)
            return None
        if job.state not in _FINISHED and owner.is_gone():
            job.state, job.error, job.finished_at = JobState.FAILED, _OWNER_GONE, job.finished_at or _now()
        return job, owner

    def _update(self, job_id: str, *, write: bool = True, **changes: Any) -> None:
        with self._lock:
            job = self._jobs[job_id]
            for name, value in changes.items():
                setattr(job, name, value)
            if write or time.monotonic() - self._written_at.get(job_id, 0.0) >= _PROGRESS_WRITE_S:
                self._write(job)
            if job.state in _FINISHED:
                del self._jobs[job_id]
                self._written_at.pop(job_id, None)

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
            self._update(
                job_id,
                write=False,
                progress=JobProgress(stage=stage, done=done, total=total, fraction=fraction),
            )

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
            self._forget_old()

    def _forget_old(self) -> None:
        """Remove the files of finished jobs (any process's) but the newest `keep_finished`."""
        finished: list[tuple[datetime, Path]] = []
        for path in self._folder.glob("*.json"):
            found = self._read(path)
            if found is not None and found[0].state in _FINISHED:
                finished.append((found[0].finished_at or found[0].created_at, path))
        finished.sort()
        for _, path in finished[: max(0, len(finished) - self._keep_finished)]:
            with contextlib.suppress(OSError):
                path.unlink()
        # A half-written file of a process killed while writing it (never read: not *.json).
        for path in self._folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > _STALE_TEMP_S:
                    path.unlink()

    def close(self) -> None:
        """Stop taking jobs; queued jobs are cancelled (reported as failed) and their folders removed
        (a running one ends on its own and removes its folder then)."""
        with self._lock:
            waiting = list(self._waiting.items())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for job_id, (future, folder) in waiting:
            if future.cancelled():
                shutil.rmtree(folder, ignore_errors=True)
                with contextlib.suppress(KeyError, OSError):
                    self._update(job_id, state=JobState.FAILED, error=_NEVER_RAN, finished_at=_now())
