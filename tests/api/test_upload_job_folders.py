"""An ingest job owns exactly its upload's temporary folder: it reads no other, and none is left behind."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from api.jobs import JobRegistry, JobState
from api.routers.ingest import _ingest, _new_upload_folder
from api.runtime import Runtime
from tests.api.conftest import embedded_app


def test_ingest_reads_only_an_uploads_own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "cwd"
    bundle.mkdir()
    (bundle / "companies.csv").write_text("id,name\nc-9,Decoy\n", encoding="utf-8")
    monkeypatch.chdir(bundle)
    lookalike = tmp_path / "buyergraph-upload-lookalike"
    lookalike.mkdir()
    (lookalike / "companies.csv").write_text("id,name\nc-8,Decoy\n", encoding="utf-8")
    plain_temp = Path(tempfile.mkdtemp())
    try:
        with embedded_app(tmp_path, None) as env:
            runtime: Runtime = env.client.app.state.runtime  # type: ignore[attr-defined]
            for folder in (Path(), Path.cwd(), lookalike, plain_temp):
                with pytest.raises(RuntimeError, match="not an upload's own temporary folder"):
                    _ingest(runtime, folder, "auto", False, None)
            assert env.store.counts().nodes.get("Company", 0) == 0

            own = _new_upload_folder()
            try:
                (own / "companies.csv").write_text("id,name\nc-1,Acme\n", encoding="utf-8")
                result = _ingest(runtime, own, "auto", False, None)
            finally:
                shutil.rmtree(own, ignore_errors=True)
            assert result["summary"]["kinds"]["companies"]["loaded"] == 1
    finally:
        plain_temp.rmdir()


def test_a_queued_job_that_never_runs_leaves_no_folder(tmp_path: Path) -> None:
    registry = JobRegistry(tmp_path / "jobs")
    release = threading.Event()
    started = threading.Event()

    def blocking(progress: Any) -> dict[str, Any]:
        started.set()
        release.wait(30)
        return {}

    first_folder = tmp_path / "first"
    queued_folder = tmp_path / "queued"
    first_folder.mkdir()
    queued_folder.mkdir()
    first = registry.submit("ingest", blocking, cleanup=first_folder)
    assert started.wait(30)
    queued = registry.submit("ingest", lambda progress: {}, cleanup=queued_folder)
    registry.close()
    assert not queued_folder.exists()  # cancelled with the registry: its folder goes with it
    assert first_folder.exists()  # still running: it removes its own folder when it ends
    release.set()
    deadline = time.monotonic() + 30
    while first_folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not first_folder.exists()
    assert registry.get(first.id).state is JobState.SUCCEEDED
    never_ran = registry.get(queued.id)
    assert never_ran.state is JobState.FAILED  # never ran, and never reported as waiting forever
    assert never_ran.error is not None and "stopped before this job ran" in never_ran.error
