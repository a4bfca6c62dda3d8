"""Refresh through a real Dask cluster: a `dask scheduler` and two `dask worker` processes on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from api.refresh import StoreAddress, compute_results, refresh
from api.settings import Settings
from graph.analyses import DEFAULT_CONFIG
from graph.errors import ConfigurationError
from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.unit.generated_world import generate, load

AS_OF = date(2026, 6, 30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _dask() -> str:
    found = shutil.which("dask", path=str(Path(sys.executable).parent))
    assert found, "the dask command (from the distributed package) is not installed"
    return found


@pytest.fixture(scope="module")
def dask_cluster(
    tmp_path_factory: pytest.TempPathFactory, neo4j_connection: tuple[str, str, str, str]
) -> Iterator[str]:
    """A scheduler and two single-thread workers as subprocesses; all stopped afterwards.

    The workers get the Neo4j settings in their own environment, as on a remote cluster: the
    tasks carry no password."""
    uri, user, password, database = neo4j_connection
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
        "NEO4J_URI": uri,
        "NEO4J_USERNAME": user,
        "NEO4J_PASSWORD": password,
        "NEO4J_DATABASE": database,
    }
    log = (tmp_path_factory.mktemp("dask") / "dask.log").open("w")
    procs = [
        subprocess.Popen(
            [_dask(), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    ]
    try:
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [_dask(), "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard"],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            )
        from distributed import Client

        with Client(address, timeout="60s") as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
    assert all(proc.poll() is not None for proc in procs)


@pytest.mark.neo4j
def test_refresh_runs_on_a_dask_cluster_and_keeps_every_result(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], dask_cluster: str, tmp_path: Path
) -> None:
    uri, user, password, database = neo4j_connection
    load(generate(tmp_path / "world", 8, seed=5), neo4j_store)
    ids = neo4j_store.accounts_to_refresh()
    assert len(ids) >= 8
    settings = Settings(NEO4J_URI=uri, NEO4J_USERNAME=user, NEO4J_PASSWORD=password, NEO4J_DATABASE=database)
    summary = refresh(
        neo4j_store,
        StoreAddress.of(settings),
        as_of=AS_OF,
        config=DEFAULT_CONFIG,
        everything=True,
        scheduler=dask_cluster,
        progress=False,
    )
    assert summary.written == summary.accounts == len(ids)
    assert dask_cluster in summary.workers
    assert neo4j_store.accounts_to_refresh() == []
    kept = neo4j_store.read_results(ids)
    expected = {
        r.account_id: r for r in compute_results(neo4j_store, ids, as_of=AS_OF, config=DEFAULT_CONFIG)
    }
    for account_id in ids:
        assert kept[account_id] == expected[account_id].model_copy(
            update={"computed_at": kept[account_id].computed_at}
        )


def test_an_embedded_store_on_a_dask_cluster_travels_by_path(dask_cluster: str, tmp_path: Path) -> None:
    """The workers run on this machine, so they see the store's folder: the refresh works; a folder
    they cannot see is a clear error, not a new empty store."""
    home = tmp_path / "store"
    with EmbeddedStore(home) as store:
        load(generate(tmp_path / "world", 4, seed=9), store)
        ids = store.accounts_to_refresh()
        address = StoreAddress.of(Settings(NEO4J_URI=None), str(home))
        summary = refresh(
            store, address, as_of=AS_OF, config=DEFAULT_CONFIG, scheduler=dask_cluster, progress=False
        )
        assert summary.written == summary.accounts == len(ids) > 0
        assert dask_cluster in summary.workers
        assert store.accounts_to_refresh() == []

        unseen = StoreAddress("embedded", str(tmp_path / "not-shared"))
        with pytest.raises(ConfigurationError, match="not visible on"):
            refresh(
                store,
                unseen,
                as_of=AS_OF,
                config=DEFAULT_CONFIG,
                everything=True,
                scheduler=dask_cluster,
                progress=False,
            )
        assert not (tmp_path / "not-shared").exists()


@pytest.mark.neo4j
def test_local_workers_get_the_password_from_this_process_not_from_the_task(
    neo4j_store: GraphStore,
    neo4j_connection: tuple[str, str, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--workers N` with the password only in this process's settings (not in its environment):
    the local worker processes get it in their environment, since the tasks do not carry it."""
    uri, user, password, database = neo4j_connection
    for name in ("NEO4J_URI", "NEO4J_PASSWORD", "NEO4J_USERNAME", "NEO4J_USER", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env
    load(generate(tmp_path / "world", 3, seed=13), neo4j_store)
    ids = neo4j_store.accounts_to_refresh()
    settings = Settings(NEO4J_URI=uri, NEO4J_USERNAME=user, NEO4J_PASSWORD=password, NEO4J_DATABASE=database)
    summary = refresh(
        neo4j_store,
        StoreAddress.of(settings),
        as_of=AS_OF,
        config=DEFAULT_CONFIG,
        everything=True,
        workers=2,
        progress=False,
    )
    assert summary.workers == "2 local Dask worker process(es)"
    assert summary.written == summary.accounts == len(ids) > 0
    assert neo4j_store.accounts_to_refresh() == []
