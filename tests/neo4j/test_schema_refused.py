"""`apply_schema` is all or nothing, and when Neo4j refuses one statement the error names it (its
number in cypher/schema.cypher and the constraint's name), never the stored values that broke it."""

from __future__ import annotations

import pytest

import cypher
from graph.errors import InvalidInputError
from graph.stores.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j


def _schema_names(store: Neo4jStore) -> set[str]:
    with store._driver.session(database=store._database) as s:
        constraints = {r["name"] for r in s.run("SHOW CONSTRAINTS YIELD name")}
        indexes = {r["name"] for r in s.run("SHOW INDEXES YIELD name")}
    return constraints | indexes


def test_a_refused_statement_is_named_and_nothing_is_created(neo4j_store: Neo4jStore) -> None:
    store = neo4j_store
    store.apply_schema()
    statements = cypher.statements("schema")
    touch_id = next(i for i, s in enumerate(statements, 1) if s.split()[2] == "touch_id")
    with store._driver.session(database=store._database) as s:
        s.run("DROP CONSTRAINT touch_id").consume()
        s.run("DROP INDEX touch_at").consume()  # a later statement: must stay missing (all or nothing)
        s.run("CREATE (:Touch {id: 'secret-touch-id'}), (:Touch {id: 'secret-touch-id'})").consume()
    try:
        with pytest.raises(InvalidInputError) as refused:
            store.apply_schema()
        message = str(refused.value)
        assert f"statement {touch_id} of {len(statements)}" in message
        assert "constraint touch_id" in message
        assert "secret-touch-id" not in message  # the server's message quotes the value: not repeated
        names = _schema_names(store)
        assert "touch_id" not in names and "touch_at" not in names
        assert "company_id" in names  # the ones there before stay
    finally:
        with store._driver.session(database=store._database) as s:
            s.run("MATCH (n:Touch {id: 'secret-touch-id'}) DELETE n").consume()
        store.apply_schema()  # the shared server gets its whole schema back
    assert {"touch_id", "touch_at"} <= _schema_names(store)
