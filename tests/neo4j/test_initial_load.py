"""`buyergraph ingest --initial`: a first load through Neo4j's offline importer gives the graph the
online ingest gives (same `stats --json`, same property fingerprint), refuses a database that holds
data, and a failed import leaves the database as it was.

These tests import into the project's local Neo4j (the importer needs the server's files), so they
need the server `buyergraph neo4j start` manages; they fail (never skip) without it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import api.initial_load
from api.cli import app
from api.initial_load import InitialLoad, NotEmptyError, local_server_of
from api.settings import get_settings
from graph.errors import WriteFailedError
from graph.model import Company
from graph.stores.neo4j import Neo4jStore
from ingest.loader import DEFAULT_BATCH, ingest_paths
from ingest.synthetic.generator import generate_world

pytestmark = pytest.mark.neo4j


@pytest.fixture
def local_store(neo4j_store: Neo4jStore, neo4j_connection: tuple[str, str, str, str]) -> Iterator[Neo4jStore]:
    """The shared store, on the local Neo4j the importer can write to; usable again afterwards."""
    if local_server_of(neo4j_connection[0]) is None:
        pytest.fail(
            f"--initial needs the local Neo4j buyergraph manages; {neo4j_connection[0]} is not it "
            "(unset NEO4J_URI or run `buyergraph neo4j start`)"
        )
    yield neo4j_store
    neo4j_store.forget_bookmarks()  # its database was replaced underneath


def _cli(args: list[str], connection: tuple[str, str, str, str]) -> Any:
    uri, user, password, database = connection
    env = {"NEO4J_URI": uri, "NEO4J_USERNAME": user, "NEO4J_PASSWORD": password, "NEO4J_DATABASE": database}
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, args, env=env)
    finally:
        get_settings.cache_clear()


def _load(
    folder: Path, store: Neo4jStore, connection: tuple[str, str, str, str], *, initial: bool
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Load `folder` into the emptied database one way; return the summary, `stats --json` and the
    fingerprint."""
    store.clear()
    store.apply_schema()
    args = ["ingest", str(folder), "--no-refresh", "--json", *(["--initial"] if initial else [])]
    result = _cli(args, connection)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    store.forget_bookmarks()
    stats = _cli(["stats", "--json"], connection)
    assert stats.exit_code == 0, stats.output
    return summary, json.loads(stats.stdout), store.fingerprint()


def _same_loads(folder: Path, store: Neo4jStore, connection: tuple[str, str, str, str]) -> dict[str, Any]:
    online_summary, online_stats, online_print = _load(folder, store, connection, initial=False)
    bulk_summary, bulk_stats, bulk_print = _load(folder, store, connection, initial=True)
    assert bulk_stats == online_stats
    assert bulk_print == online_print
    for key in ("kinds", "merges", "rejected_rows", "reject_entries", "notices", "files_skipped", "written"):
        assert bulk_summary[key] == online_summary[key], key
    assert "AccountResult" not in json.dumps(bulk_stats)  # --no-refresh: nothing computed yet
    return online_stats


def test_initial_load_of_a_generated_world_is_the_online_graph(
    local_store: Neo4jStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "world"
    generate_world(folder, 25, seed=11, force=True, workers=1)
    stats = _same_loads(folder, local_store, neo4j_connection)
    assert stats["nodes"]["Touch"] > 1000 and stats["relationships"]["WITH"] > 1000
    # The kept bookkeeping is there too: accounts marked changed, the store version moved.
    assert local_store.data_version() is not None
    assert len(local_store.accounts_to_refresh()) == stats["nodes"]["Company"]


def test_initial_load_of_a_crm_export_is_the_online_graph(
    local_store: Neo4jStore, neo4j_connection: tuple[str, str, str, str], datasets: Path
) -> None:
    folder = datasets / "crm-exports" / "hubspot-style-dummy-toofan"
    stats = _same_loads(folder, local_store, neo4j_connection)
    assert stats["nodes"]["Person"] > 0 and stats["nodes"]["Company"] > 0


def test_initial_load_refuses_a_database_that_holds_data(
    local_store: Neo4jStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    local_store.apply_schema()  # as any command opening the store does
    local_store.upsert("companies", [Company(id="c-1", name="Acme")])
    before = local_store.fingerprint()
    folder = tmp_path / "world"
    generate_world(folder, 3, seed=1, force=True, workers=1)
    result = _cli(["ingest", str(folder), "--initial", "--no-refresh"], neo4j_connection)
    assert result.exit_code != 0
    assert "already holds data" in result.output + str(result.exception)
    assert local_store.fingerprint() == before
    with pytest.raises(NotEmptyError):
        InitialLoad(local_store, neo4j_connection[0], tmp_path / "files", batch_size=DEFAULT_BATCH)


def test_a_failed_import_leaves_the_database_as_it_was(
    local_store: Neo4jStore,
    neo4j_connection: tuple[str, str, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "world"
    generate_world(folder, 3, seed=2, force=True, workers=1)
    before = local_store.fingerprint()
    real_arguments = api.initial_load.import_arguments

    def corrupt(files: Any, database: str, **kwargs: Any) -> list[str]:
        # A data file cut short in the middle of a quoted cell: the importer refuses it.
        _, data = files.nodes["Person"]
        data.write_bytes(data.read_bytes()[:-3] + b'"x')
        return list(real_arguments(files, database, **kwargs))

    monkeypatch.setattr(api.initial_load, "import_arguments", corrupt)
    load = InitialLoad(local_store, neo4j_connection[0], tmp_path / "files", batch_size=DEFAULT_BATCH)
    with pytest.raises(WriteFailedError, match="importer failed"):
        ingest_paths([folder], local_store, progress=False, initial=load)
    assert not load.imported
    assert local_store.fingerprint() == before  # the server runs on the old store, unchanged
    assert not local_store.holds_data()


def test_a_server_buyergraph_does_not_manage_gets_the_files_and_the_steps(
    local_store: Neo4jStore,
    neo4j_connection: tuple[str, str, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local_store.apply_schema()
    folder = tmp_path / "world"
    generate_world(folder, 3, seed=5, force=True, workers=1)
    monkeypatch.setattr(api.initial_load, "local_server_of", lambda uri: None)  # as for a remote server
    files = tmp_path / "import"
    result = _cli(
        ["ingest", str(folder), "--initial", "--import-dir", str(files), "--no-refresh"], neo4j_connection
    )
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full --nodes=Company=nodes-Company.header.csv" in result.output
    assert (files / "nodes-Touch.header.csv").read_text().startswith("id:ID(Touch),")
    assert (files / "rels-WITH.csv").stat().st_size > 0
    assert not local_store.holds_data()  # nothing was written to the server itself
    again = _cli(["ingest", str(folder), "--initial", "--import-dir", str(files)], neo4j_connection)
    assert again.exit_code != 0  # the folder is not empty any more
