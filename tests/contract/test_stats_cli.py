"""`buyergraph stats --json` on both stores: loading the same batches twice changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.contract.world import EXPECTED_NODES, EXPECTED_RELATIONSHIPS, world


def _stats(args: list[str], env: dict[str, str]) -> dict[str, dict[str, int]]:
    get_settings.cache_clear()
    result = CliRunner().invoke(app, [*args, "stats", "--json"], env=env)
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    parsed: dict[str, dict[str, int]] = json.loads(result.stdout)
    return parsed


def test_stats_embedded_unchanged_by_a_second_load(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"BUYERGRAPH_HOME": str(home), "NEO4J_URI": ""}
    EmbeddedStore(home).upsert_all(world())
    first = _stats([], env)
    EmbeddedStore(home).upsert_all(world())
    assert _stats([], env) == first
    assert first == {"nodes": EXPECTED_NODES, "relationships": EXPECTED_RELATIONSHIPS}
    # --store overrides BUYERGRAPH_HOME
    assert _stats(["--store", str(tmp_path / "other")], env)["nodes"]["Person"] == 0


@pytest.mark.neo4j
def test_stats_neo4j_unchanged_by_a_second_load(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    uri, user, password, database = neo4j_connection
    env = {"NEO4J_URI": uri, "NEO4J_USERNAME": user, "NEO4J_PASSWORD": password, "NEO4J_DATABASE": database}
    neo4j_store.upsert_all(world())
    first = _stats([], env)
    neo4j_store.upsert_all(world())
    assert _stats([], env) == first == {"nodes": EXPECTED_NODES, "relationships": EXPECTED_RELATIONSHIPS}
    # --store embedded overrides NEO4J_URI
    assert _stats(["--store", str(tmp_path / "e")], env)["nodes"]["Person"] == 0


def test_stats_refuses_a_default_password(tmp_path: Path) -> None:
    get_settings.cache_clear()
    result = CliRunner().invoke(
        app, ["stats"], env={"NEO4J_URI": "neo4j://127.0.0.1:1", "NEO4J_PASSWORD": "neo4j"}
    )
    get_settings.cache_clear()
    assert result.exit_code != 0
    assert "well-known default" in str(result.exception)
