"""Uploads: small ones answered at once with summary and rejects, large ones as a job to poll."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import ApiEnv, embedded_app


def _files(folder: Path, *names: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, (folder / name).read_bytes(), "text/csv")) for name in names]


@pytest.fixture
def empty_env(tmp_path: Path) -> Iterator[ApiEnv]:
    with embedded_app(tmp_path, None) as env:
        yield env


def test_small_upload_loads_and_reports(empty_env: ApiEnv, world_dir: Path) -> None:
    bad_people = b"id,name,email,company_id\np-1,Ann Lee,ann@acme.example,c-1\n,Nameless,x@y.example,c-1\n"
    files = [
        ("files", ("companies.csv", b"id,name,industry\nc-1,Acme,Manufacturing\n", "text/csv")),
        ("files", ("people.csv", bad_people, "text/csv")),
    ]
    response = empty_env.client.post("/api/v1/ingest", files=files, headers=empty_env.headers("write"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"]["kinds"]["companies"]["loaded"] == 1
    assert body["summary"]["kinds"]["people"]["loaded"] == 1
    [reject] = body["rejects"]
    assert (
        reject["file"] == "people.csv" and reject["row"] == 3 and reject["field"] == "id" and reject["reason"]
    )
    assert empty_env.store.get_person("p-1").name == "Ann Lee"
    listed = empty_env.get("/api/v1/accounts").json()
    assert [a["id"] for a in listed["data"]] == ["c-1"]


def test_the_api_reject_report_never_echoes_the_rejected_value(empty_env: ApiEnv) -> None:
    """Rejected values may be personal data: the API says where and why, the uploader has the value."""
    people = "id,name,email\np-1,王伟,wang.wei@acme.example\np-2," + "周" * 1500 + ",zhou@acme.example\n"
    files = [("files", ("people.csv", people.encode(), "text/csv"))]
    response = empty_env.client.post("/api/v1/ingest", files=files, headers=empty_env.headers("write"))
    assert response.status_code == 200, response.text
    [reject] = response.json()["rejects"]
    assert (reject["row"], reject["field"]) == (3, "name") and "value" not in reject
    assert "周周周" not in response.text


def test_upload_on_both_stores_is_idempotent(api: ApiEnv, world_dir: Path) -> None:
    """Uploading files the store already holds changes nothing (the loader's upserts are idempotent)."""
    before = api.store.counts()
    files = _files(world_dir, "companies.csv", "people.csv", "reporting.csv")
    response = api.client.post("/api/v1/ingest", files=files, headers=api.headers("write"))
    assert response.status_code == 200, response.text
    summary = response.json()["summary"]
    assert summary["store"] == api.backend and summary["written"] is True
    assert summary["kinds"]["people"]["read"] > 0 and response.json()["rejects"] == []
    assert api.store.counts() == before


def test_strict_upload_writes_nothing_when_a_row_is_rejected(empty_env: ApiEnv) -> None:
    files = [("files", ("companies.csv", b"id,name\nc-1,Acme\nc-2,\n", "text/csv"))]
    response = empty_env.client.post(
        "/api/v1/ingest", files=files, data={"strict": "true"}, headers=empty_env.headers("write")
    )
    assert response.status_code == 200
    assert response.json()["summary"]["written"] is False
    assert empty_env.store.counts().nodes["Company"] == 0


def test_bad_uploads_are_refused(empty_env: ApiEnv) -> None:
    headers = empty_env.headers("write")
    bad_format = empty_env.client.post(
        "/api/v1/ingest",
        files=[("files", ("a.csv", b"x\n", "text/csv"))],
        data={"format": "excel"},
        headers=headers,
    )
    assert bad_format.status_code == 422 and "format" in bad_format.json()["detail"]
    twice = [("files", ("a.csv", b"id\n", "text/csv")), ("files", ("a.csv", b"id\n", "text/csv"))]
    duplicate = empty_env.client.post("/api/v1/ingest", files=twice, headers=headers)
    assert duplicate.status_code == 422 and "twice" in duplicate.json()["detail"]
    sneaky = [("files", ("../../etc/companies.csv", b"id,name\nc-9,Evil\n", "text/csv"))]
    escaped = empty_env.client.post("/api/v1/ingest", files=sneaky, headers=headers)
    assert escaped.status_code == 200  # only the base name is used: it lands in the upload folder
    assert escaped.json()["summary"]["files"][0]["file"].endswith("companies.csv")
    assert empty_env.client.post("/api/v1/ingest", headers=headers).status_code == 422


def test_large_upload_runs_as_a_job_with_progress(tmp_path: Path, world_dir: Path) -> None:
    with embedded_app(tmp_path, None, ingest_job_threshold_bytes=1) as env:
        names = sorted(p.name for p in world_dir.glob("*.csv"))
        response = env.client.post(
            "/api/v1/ingest", files=_files(world_dir, *names), headers=env.headers("write")
        )
        assert response.status_code == 202, response.text
        job = response.json()
        assert response.headers["Location"] == f"/api/v1/ingest/jobs/{job['id']}"
        assert job["state"] in ("queued", "running")
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            polled = env.client.get(response.headers["Location"], headers=env.headers("write")).json()
            seen.append(polled)
            if polled["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.05)
        final = seen[-1]
        assert final["state"] == "succeeded", final
        assert final["progress"]["done"] == sum(
            k["loaded"] for k in final["result"]["summary"]["kinds"].values()
        )
        assert (
            final["result"]["summary"]["kinds"]["companies"]["loaded"]
            == env.store.counts().nodes["Company"]
            > 0
        )
        assert env.get("/api/v1/ingest/jobs/nope", scope="write").status_code == 404
