"""Uploads while another ingest holds the store: a waiting client is told to retry soon (503 with
Retry-After); a background job waits and says so in its progress."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.stores.embedded import EmbeddedStore
from tests.api.conftest import embedded_app

COMPANIES = b"id,name,domain\nc-1,Acme Holdings,acme.example\n"
#: How long the other ingest holds the store unless the test lets it go earlier.
HOLD_S = 45.0


@contextmanager
def _other_ingest(store_dir: Path) -> Iterator[threading.Event]:
    """Another ingest holding the store's ingest lock (its own file handle) until the event is set."""
    release = threading.Event()
    holding = threading.Event()

    def hold() -> None:
        with EmbeddedStore(store_dir) as other, other.ingest_lock(wait_s=5):
            holding.set()
            release.wait(HOLD_S)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert holding.wait(10)
    try:
        yield release
    finally:
        release.set()
        thread.join(HOLD_S)


def test_an_inline_upload_waits_briefly_then_answers_503_with_retry_after(tmp_path: Path) -> None:
    with embedded_app(tmp_path, None, ingest_lock_wait_s=1.0) as env:
        key = {"X-API-Key": env.keys["write"]}
        files = [("files", ("companies.csv", COMPANIES, "text/csv"))]
        with _other_ingest(tmp_path / "store") as release:
            started = time.monotonic()
            answer = env.client.post("/api/v1/ingest", files=files, headers=key)
            waited = time.monotonic() - started
            release.set()
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert int(answer.headers["Retry-After"]) >= 1
        assert "another ingest" in answer.json()["detail"]
        assert waited < HOLD_S / 2  # far below the loader's own ten minutes
        assert env.store.counts().nodes.get("Company", 0) == 0

        again = env.client.post("/api/v1/ingest", files=files, headers=key)
        assert again.status_code == 200, again.text
        assert again.json()["summary"]["kinds"]["companies"]["loaded"] == 1


def test_a_job_waits_for_another_ingest_and_says_so(tmp_path: Path) -> None:
    with embedded_app(tmp_path, None, ingest_lock_wait_s=0.5, ingest_job_threshold_bytes=0) as env:
        key = {"X-API-Key": env.keys["write"]}
        files = [("files", ("companies.csv", COMPANIES, "text/csv"))]
        with _other_ingest(tmp_path / "store") as release:
            answer = env.client.post("/api/v1/ingest", files=files, headers=key)
            assert answer.status_code == 202, answer.text
            location = answer.headers["Location"]
            stages: list[str] = []
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                job = env.client.get(location, headers=key).json()
                stages.append(job["progress"]["stage"])
                if job["progress"]["stage"] == "waiting for another ingest":
                    break
                assert job["state"] in ("queued", "running"), job
                time.sleep(0.1)
            assert stages[-1] == "waiting for another ingest", stages
            time.sleep(1.0)  # longer than the inline wait: a job is not cut short by it
            assert env.client.get(location, headers=key).json()["state"] == "running"
            release.set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job = env.client.get(location, headers=key).json()
            if job["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.1)
        assert job["state"] == "succeeded", job
        assert job["result"]["summary"]["kinds"]["companies"]["loaded"] == 1
