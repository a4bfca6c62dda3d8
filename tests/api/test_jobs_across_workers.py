"""Ingest jobs seen by every server process: kept in files under the home folder, a job whose
process died is reported as failed, finished ones are pruned; `serve --workers 2` end to end."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.jobs import JobRegistry, JobState
from graph.errors import NotFoundError
from tests.api.test_upload_job_serve import _bundle, _uploader
from tests.serving import ServeProcess


def _wait_finished(registry: JobRegistry, job_id: str) -> None:
    deadline = time.monotonic() + 30
    while registry.get(job_id).state not in (JobState.SUCCEEDED, JobState.FAILED):
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_job_is_seen_by_another_registry_on_the_same_folder(tmp_path: Path) -> None:
    runner, other = JobRegistry(tmp_path / "jobs"), JobRegistry(tmp_path / "jobs")
    try:
        job = runner.submit("ingest", lambda progress: {"loaded": 3})
        _wait_finished(runner, job.id)
        seen = other.get(job.id)
        assert seen.state is JobState.SUCCEEDED and seen.result == {"loaded": 3}
        files = list((tmp_path / "jobs").iterdir())
        assert [f.name for f in files] == [f"{job.id}.json"]
        assert files[0].stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "jobs").stat().st_mode & 0o777 == 0o700
        for bad in ("../jobs", f"{job.id}.json", "x" * 16, ""):
            with pytest.raises(NotFoundError):
                other.get(bad)
    finally:
        runner.close()
        other.close()


def test_a_job_whose_process_died_is_reported_failed(tmp_path: Path) -> None:
    registry = JobRegistry(tmp_path / "jobs")
    try:
        job = registry.submit("ingest", lambda progress: {})
        _wait_finished(registry, job.id)
        path = tmp_path / "jobs" / f"{job.id}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
        data["job"].update(state="running", finished_at=None, result=None)
        data["owner"]["pid"] = int(gone.stdout)
        path.write_text(json.dumps(data), encoding="utf-8")
        orphan = JobRegistry(tmp_path / "jobs").get(job.id)
        assert orphan.state is JobState.FAILED
        assert orphan.error is not None and "stopped before it finished" in orphan.error

        data["owner"]["pid"] = os.getpid()  # alive: still running
        path.write_text(json.dumps(data), encoding="utf-8")
        assert JobRegistry(tmp_path / "jobs").get(job.id).state is JobState.RUNNING

        data["owner"]["started"] = "1"  # the pid now belongs to a later process
        path.write_text(json.dumps(data), encoding="utf-8")
        assert JobRegistry(tmp_path / "jobs").get(job.id).state is JobState.FAILED
    finally:
        registry.close()


def test_finished_jobs_are_pruned_to_the_newest(tmp_path: Path) -> None:
    registry = JobRegistry(tmp_path / "jobs", keep_finished=3)
    stale, fresh = tmp_path / "jobs" / ".job-stale.tmp", tmp_path / "jobs" / ".job-fresh.tmp"
    stale.write_text("{", encoding="utf-8")
    fresh.write_text("{", encoding="utf-8")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    try:
        ids = []
        for n in range(6):
            job = registry.submit("ingest", lambda progress, n=n: {"n": n})
            _wait_finished(registry, job.id)
            ids.append(job.id)
        assert sorted(p.stem for p in (tmp_path / "jobs").glob("*.json")) == sorted(ids[-3:])
        with pytest.raises(NotFoundError):
            registry.get(ids[0])
        assert registry.get(ids[-1]).result == {"n": 5}
        assert not stale.exists() and fresh.exists()  # a file being written now is left alone
    finally:
        registry.close()


def test_every_worker_answers_a_poll_of_a_job(tmp_path: Path) -> None:
    env, key = _uploader(tmp_path / "home")
    with ServeProcess(env, workers=2, timeout_s=90) as server:
        base = server.base
        bundle = _bundle("Spread", 2_000)
        files = [("files", (name, content, "text/csv")) for name, content in bundle.items()]
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            answer = client.post("/api/v1/ingest", files=files)
        assert answer.status_code == 202, answer.text
        location = answer.headers["Location"]
        polls: list[int] = []
        job: dict[str, Any] = {}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            # A new client each time: a new connection, which the kernel may give either worker.
            with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=30) as fresh:
                reply = fresh.get(location)
            polls.append(reply.status_code)
            assert reply.status_code == 200, (len(polls), reply.text)
            job = reply.json()
            if job["state"] in ("succeeded", "failed") and len(polls) >= 20:
                break
            time.sleep(0.05)
        assert job["state"] == "succeeded", job
        assert job["result"]["summary"]["kinds"]["people"]["loaded"] == 2_000
    output = server.stop()
    assert key not in output
    assert "Spread Person" not in output


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = text.rpartition(")")[2].split()
        if fields and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return text.rpartition(")")[2].split()[0] != "Z"


def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    env, _ = _uploader(tmp_path / "home")
    workers: list[int] = []
    with ServeProcess(env, workers=2, timeout_s=90) as server:
        process, base, port = server.process, server.base, server.port
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = [pid for pid in _children(process.pid) if _alive(pid)]
            time.sleep(0.1)
        assert len(workers) >= 2, workers
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)], "workers outlived their parent"
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{base}/health", timeout=2)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))  # the port is free again
