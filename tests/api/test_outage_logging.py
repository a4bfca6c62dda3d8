"""An outage is logged once when it starts and once when it ends, however many requests get 503."""

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


def _our_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """buyergraph's own warnings (the driver's retry notices are silenced by `serve` itself)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("buyergraph")
    ]


def test_many_503s_write_one_line_per_change(
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
        home, neo4j_connection, uri=f"bolt://127.0.0.1:{proxy.port}", analysis_cache_s=0, health_cache_s=0
    )
    headers = {"X-API-Key": make_keys(home)["read"]}
    try:
        with TestClient(create_app(settings)) as client:
            assert client.get("/api/v1/accounts", headers=headers).status_code == 200
            with caplog.at_level(logging.INFO, logger="buyergraph"):
                proxy.stop()
                for _ in range(15):
                    assert client.get("/api/v1/accounts", headers=headers).status_code == 503
                    assert client.get("/health").status_code == 503
                outage = _our_warnings(caplog)
                assert len(outage) == 1 and "not reachable" in outage[0], outage
                caplog.clear()

                proxy.start()
                deadline = time.monotonic() + 30
                status = 0
                while time.monotonic() < deadline and status != 200:
                    status = client.get("/api/v1/accounts", headers=headers).status_code
                    time.sleep(0.2)
                assert status == 200
                for _ in range(20):
                    assert client.get("/api/v1/accounts", headers=headers).status_code == 200
                recovery = _our_warnings(caplog)
                assert len(recovery) == 1 and "answers again" in recovery[0], recovery
    finally:
        proxy.stop()
