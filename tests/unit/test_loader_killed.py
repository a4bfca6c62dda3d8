"""An ingest killed half-way and run again ends in exactly the state of one uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.synthetic.generator import generate_world


def _snapshot(store: GraphStore) -> tuple[object, ...]:
    accounts = store.list_accounts(limit=500)
    graphs = tuple(store.account_graph(c.id).model_dump_json() for c in accounts.data)
    return store.counts().model_dump_json(), accounts.count, graphs


def _partly_written(store: GraphStore, home: Path | None) -> bool:
    if home is not None:  # the embedded store takes its file lock when the writing starts
        return (home / ".lock").exists()
    return store.counts().nodes["Person"] > 0


def test_killed_ingest_then_rerun_equals_one_clean_run(
    store: GraphStore, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    world = tmp_path / "world"
    generate_world(world, 120, seed=11, fmt="native", progress=False)
    env = dict(os.environ)
    if isinstance(store, EmbeddedStore):
        clean_store: GraphStore = EmbeddedStore(tmp_path / "clean")
        target, home = str(store.home), store.home
    else:
        clean_store, home = store, None
        uri, user, password, database = request.getfixturevalue("neo4j_connection")
        env.update(NEO4J_URI=uri, NEO4J_USERNAME=user, NEO4J_PASSWORD=password, NEO4J_DATABASE=database)
        target = uri
    ingest_paths([world], clean_store, progress=False)
    clean = _snapshot(clean_store)
    assert len(clean[2]) >= 120  # the accounts, plus those created for e-mail domains
    clean_store.clear()

    command = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        "--store",
        target,
        "ingest",
        str(world),
        "--batch-size",
        "100",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not _partly_written(store, home):
        assert process.poll() is None, "the ingest ended before it could be interrupted"
        assert time.monotonic() < deadline, "the ingest never started writing"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert _snapshot(store) != clean  # the kill did leave the store short of the end state

    ingest_paths([world], store, progress=False)
    assert _snapshot(store) == clean
