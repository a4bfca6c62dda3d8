"""A real `buyergraph serve` process on a free port, used over HTTP like any client would."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx

from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from tests.api.conftest import AS_OF, make_keys
from tests.serving import ServeProcess


def _serve(tmp_path: Path, world_dir: Path, workers: int = 1) -> tuple[ServeProcess, Path, dict[str, str]]:
    """A real `buyergraph serve` (not started yet) over an embedded store holding the world: (the
    server, the store's folder, the keys by scope)."""
    store_dir = tmp_path / "store"
    with EmbeddedStore(store_dir) as store:
        ingest_paths([world_dir], store, progress=False)
    keys = make_keys(tmp_path / "home")
    env = {**os.environ, "BUYERGRAPH_HOME": str(tmp_path / "home")}
    env.pop("NEO4J_URI", None)
    return ServeProcess(env, before_serve=["--store", str(store_dir)], workers=workers), store_dir, keys


def test_serve_answers_over_http_and_stops_cleanly(tmp_path: Path, world_dir: Path) -> None:
    server, store_dir, keys = _serve(tmp_path, world_dir)
    with server:
        base, port = server.base, server.port
        health = httpx.get(f"{base}/health", timeout=5)
        assert health.status_code == 200 and health.json()["store"]["backend"] == "embedded"
        with httpx.Client(base_url=base, headers={"X-API-Key": keys["read"]}, timeout=30) as client:
            accounts = client.get("/api/v1/accounts").json()
            assert accounts["count"] == len(list(EmbeddedStore(store_dir).list_accounts().data))
            account_id = accounts["data"][0]["id"]
            key_people = client.get(f"/api/v1/accounts/{account_id}/key-people", params={"as_of": str(AS_OF)})
            assert key_people.status_code == 200 and key_people.json()["data"][0]["rank"] == 1
            denied = client.delete(f"/api/v1/people/{key_people.json()['data'][0]['person_id']}")
            assert denied.status_code == 403
            assert denied.headers["content-type"] == "application/problem+json"
            assert "server" not in {k.lower() for k in denied.headers}
        assert httpx.get(f"{base}/api/v1/accounts", timeout=5).status_code == 401
    output = server.stop()
    # uvicorn shuts down gracefully, then re-raises SIGTERM so that the exit status says why it ended.
    assert server.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    assert f"http://127.0.0.1:{port}" in output
    for key in keys.values():
        assert key not in output


def test_serve_with_workers_answers_every_client(tmp_path: Path, world_dir: Path) -> None:
    """`--workers 2`: two processes, each on a socket of its own (api/serving.py), both serving."""
    server, _, keys = _serve(tmp_path, world_dir, workers=2)
    with server:
        base = server.base
        clients = [httpx.Client(base_url=base, headers={"X-API-Key": keys["read"]}) for _ in range(16)]
        try:
            answers = [client.get("/api/v1/accounts", params={"limit": 1}) for client in clients]
        finally:
            for client in clients:
                client.close()
        assert [a.status_code for a in answers] == [200] * 16
        assert len({a.json()["count"] for a in answers}) == 1
    output = server.stop()
    assert server.returncode in (0, -signal.SIGTERM), output
    for key in keys.values():
        assert key not in output
