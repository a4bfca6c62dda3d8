"""A large upload through a real `buyergraph serve`: the job loads the upload, never the server's folder.

The server is started in a folder that itself holds a native bundle (the decoy): a job that read the
wrong folder would load the decoy's people and still report success.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx

from tests.serving import ServeProcess, create_key

#: Uploads above this many bytes run as a job; each upload below is several times larger.
JOB_THRESHOLD = 8_192
UPLOADS = 3
PEOPLE_PER_UPLOAD = 400


def _bundle(tag: str, people: int) -> dict[str, bytes]:
    """A native bundle (companies.csv, people.csv) whose names all carry `tag`."""
    companies = f"id,name,domain\nc-{tag},{tag} Holdings,{tag.lower()}.example\n"
    rows = "".join(
        f"p-{tag}-{n:04d},{tag} Person {n:04d},person{n}@{tag.lower()}.example,c-{tag},Analyst\n"
        for n in range(people)
    )
    return {
        "companies.csv": companies.encode(),
        "people.csv": ("id,name,email,company_id,title\n" + rows).encode(),
    }


def _uploader(home: Path) -> tuple[dict[str, str], str]:
    """A server's environment (the default store under `home`, uploads above JOB_THRESHOLD as jobs)
    and a write key for it."""
    env = {
        **os.environ,
        "BUYERGRAPH_HOME": str(home),
        "BUYERGRAPH_INGEST_JOB_THRESHOLD_BYTES": str(JOB_THRESHOLD),
    }
    for name in ("NEO4J_URI", "BUYERGRAPH_STORE"):
        env.pop(name, None)
    return env, create_key(env, "uploader", "write")


def _finished(client: httpx.Client, location: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(location).json()
        if job["state"] in ("succeeded", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"the job did not finish within 120 s: {job}")


def test_large_uploads_load_their_own_files_not_the_servers_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    for name, content in _bundle("Decoy", 5).items():
        (decoy / name).write_bytes(content)
    env, key = _uploader(home)
    assert key.startswith("bg_")

    with ServeProcess(env, cwd=decoy) as server:
        base = server.base
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            tags = [f"Upload{n}" for n in range(UPLOADS)]
            for tag in tags:
                bundle = _bundle(tag, PEOPLE_PER_UPLOAD)
                assert sum(map(len, bundle.values())) > 2 * JOB_THRESHOLD
                files = [("files", (name, content, "text/csv")) for name, content in bundle.items()]
                answer = client.post("/api/v1/ingest", files=files)
                assert answer.status_code == 202, answer.text
                job = _finished(client, answer.headers["Location"])
                assert job["state"] == "succeeded", job
                kinds = job["result"]["summary"]["kinds"]
                assert kinds["people"]["loaded"] == PEOPLE_PER_UPLOAD, kinds
                assert kinds["companies"]["loaded"] == 1, kinds
                assert [f["file"] for f in job["result"]["summary"]["files"]] == sorted(bundle)

            for tag in tags:
                found = client.get("/api/v1/people", params={"search": f"{tag} Person", "limit": 1}).json()
                assert found["count"] == PEOPLE_PER_UPLOAD, (tag, found)
            decoys = client.get("/api/v1/people", params={"search": "Decoy", "limit": 1}).json()
            assert decoys["count"] == 0, decoys
            accounts = client.get("/api/v1/accounts", params={"limit": 50}).json()
            assert sorted(a["id"] for a in accounts["data"]) == sorted(f"c-{tag}" for tag in tags)
    output = server.stop()
    assert key not in output
    assert "Decoy Person" not in output
    assert sorted(p.name for p in decoy.iterdir()) == ["companies.csv", "people.csv"]
