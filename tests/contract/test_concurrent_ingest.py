"""Two ingests of the same world at the same time end as one clean sequential run, on both stores.

A native bundle and a Salesforce export of one generated world describe the same people, companies
and touches under other ids; identity resolution must see each against what the other wrote. Two
real `buyergraph ingest` processes are started together: the ingest lock makes the second wait (it
says so) and then resolve against the first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.synthetic.generator import generate_world

ACCOUNTS = 30
SEED = 5
WAITING = "waiting for another ingest (started at "


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("worlds")
    native, salesforce = root / "native", root / "salesforce"
    generate_world(native, ACCOUNTS, seed=SEED, fmt="native", progress=False)
    generate_world(salesforce, ACCOUNTS, seed=SEED, fmt="salesforce", progress=False)
    return native, salesforce


def _key_counts(store: GraphStore) -> dict[str, int]:
    nodes = store.counts().nodes
    return {label: nodes[label] for label in ("Person", "Company", "Touch", "Deal", "Rep")}


def _ingest_command(target: str, world: Path) -> list[str]:
    """The installed `buyergraph` console script next to this Python, as a user runs it."""
    script = Path(sys.executable).with_name("buyergraph")
    cli = [str(script)] if script.exists() else [sys.executable, "-c", "from api.cli import main; main()"]
    return [*cli, "--store", target, "ingest", str(world), "--json"]


def test_two_concurrent_ingests_equal_one_sequential_run(
    store: GraphStore, worlds: tuple[Path, Path], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    native, salesforce = worlds
    env = dict(os.environ)
    if isinstance(store, EmbeddedStore):
        target = str(store.home)
        sequential: GraphStore = EmbeddedStore(tmp_path / "sequential")
    else:
        uri, user, password, database = request.getfixturevalue("neo4j_connection")
        env.update(NEO4J_URI=uri, NEO4J_USERNAME=user, NEO4J_PASSWORD=password, NEO4J_DATABASE=database)
        target, sequential = uri, store

    ingest_paths([native], sequential, progress=False)
    ingest_paths([salesforce], sequential, progress=False)
    expected = _key_counts(sequential)
    assert expected["Person"] > 10 * ACCOUNTS // 2 and expected["Touch"] > 50 * ACCOUNTS
    sequential.clear()

    # Two ingests started together overlap unless one finishes before the other has even started
    # (process start-up is most of a small ingest on a loaded machine): then both run again, on a
    # cleared store, up to three times.
    for _attempt in range(3):
        store.clear()
        processes = [
            subprocess.Popen(
                _ingest_command(target, world),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for world in (native, salesforce)
        ]
        outputs = [process.communicate(timeout=600) for process in processes]
        for process, (_, err) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, err[-2000:]
        assert _key_counts(store) == expected
        # The runs really overlapped: one of them found the other holding the store and waited for it.
        waited = [err for _, err in outputs if WAITING in err]
        if waited:
            break
    assert len(waited) == 1, [err[-500:] for _, err in outputs]
    assert "by pid " in waited[0] and "to finish" in waited[0]
    summaries = [json.loads(out) for out, _ in outputs]
    assert sum(1 for s in summaries if s["phases_s"].get("wait", 0) > 0) == 1
