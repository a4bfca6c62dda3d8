"""Emptying a Neo4j store (`clear`, as benchmarks do before reloading a world) keeps the marks of the
one-time migrations, so the next open of the store does not run them again over the graph loaded
since (it did: bench/bench_api.py --wipe rebuilt every account's touch aggregates on each start)."""

from __future__ import annotations

import neo4j
import pytest

from graph.stores.base import GraphStore
from graph.stores.neo4j import Neo4jStore
from tests.contract.world import world

pytestmark = pytest.mark.neo4j

MARKS = "MATCH (m:Migration) RETURN m.id AS id, toString(m.done_at) AS done_at ORDER BY id"


def _query(connection: tuple[str, str, str, str], query: str) -> list[dict[str, object]]:
    uri, user, password, database = connection
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(query, database_=database)
    return [dict(r) for r in records]


def test_clear_keeps_the_migration_marks_and_a_reopen_runs_no_migration(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str]
) -> None:
    uri, user, password, database = neo4j_connection
    Neo4jStore.connect(uri, user, password, database).close()  # an open records the marks
    marks = _query(neo4j_connection, MARKS)
    assert [m["id"] for m in marks] == ["search_keys", "touch_days"]
    neo4j_store.upsert_all(world())
    neo4j_store.clear()
    assert _query(neo4j_connection, "MATCH (n) WHERE NOT n:Migration RETURN count(n) AS n") == [{"n": 0}]
    assert _query(neo4j_connection, MARKS) == marks
    neo4j_store.upsert_all(world())
    reopened = Neo4jStore.connect(uri, user, password, database)
    try:
        assert reopened.account_graph("c-acme-cn").touch_days
    finally:
        reopened.close()
    assert _query(neo4j_connection, MARKS) == marks  # not done again: done_at unchanged
