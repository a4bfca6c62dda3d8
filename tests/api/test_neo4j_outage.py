"""Neo4j goes away and comes back: 503 with Retry-After meanwhile, and recovery without a restart.

The app talks to Neo4j through a TCP forwarder that the test cuts and restores, so the driver sees a
real outage (refused connections, broken sockets), not a mock.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.stores.base import GraphStore
from ingest.loader import ingest_paths
from tests.api.conftest import TcpProxy, make_keys, neo4j_settings

pytestmark = pytest.mark.neo4j


def test_outage_gives_503_then_recovers(
    neo4j_store: GraphStore,
    neo4j_connection: tuple[str, str, str, str],
    tmp_path: Path,
    world_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ingest_paths([world_dir], neo4j_store, progress=False)
    target = urlparse(neo4j_connection[0])
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 7687)
    proxy.start()
    home = tmp_path / "home"
    settings = neo4j_settings(
        home, neo4j_connection, uri=f"bolt://127.0.0.1:{proxy.port}", analysis_cache_s=0
    )
    keys = make_keys(home)
    headers = {"X-API-Key": keys["read"]}
    try:
        with TestClient(create_app(settings)) as client, caplog.at_level(logging.INFO):
            accounts = client.get("/api/v1/accounts", headers=headers)
            assert accounts.status_code == 200
            account_id = accounts.json()["data"][0]["id"]

            proxy.stop()
            for path in ("/api/v1/accounts", f"/api/v1/accounts/{account_id}/key-people"):
                down = client.get(path, headers=headers)
                assert down.status_code == 503, down.text
                assert down.headers["content-type"] == "application/problem+json"
                assert int(down.headers["Retry-After"]) == settings.retry_after_s
            health = client.get("/health")
            assert health.status_code == 503 and health.json()["store"]["reachable"] is False

            proxy.start()
            deadline = time.monotonic() + 30
            status = 0
            while time.monotonic() < deadline:
                status = client.get("/api/v1/accounts", headers=headers).status_code
                if status == 200:
                    break
                time.sleep(0.5)
            assert status == 200
            assert client.get(f"/api/v1/accounts/{account_id}/key-people", headers=headers).status_code == 200
            assert client.get("/health").json()["status"] == "ok"
        assert neo4j_connection[2] not in caplog.text  # the password never reaches the log
        assert keys["read"] not in caplog.text
    finally:
        proxy.stop()


def test_server_starts_while_neo4j_is_down(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    target = urlparse(neo4j_connection[0])
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 7687)
    home = tmp_path / "home"
    settings = neo4j_settings(home, neo4j_connection, uri=f"bolt://127.0.0.1:{proxy.port}")
    keys = make_keys(home)
    try:
        with TestClient(create_app(settings)) as client:
            down = client.get("/api/v1/accounts", headers={"X-API-Key": keys["read"]})
            assert down.status_code == 503 and "Retry-After" in down.headers
            proxy.start()
            up = client.get("/api/v1/accounts", headers={"X-API-Key": keys["read"]})
            assert up.status_code == 200 and up.json()["count"] == 0
    finally:
        proxy.stop()
