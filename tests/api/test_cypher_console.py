"""The read-only Cypher console against a real Neo4j: reads run, writes are refused and change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import ApiEnv

pytestmark = pytest.mark.neo4j


def run(env: ApiEnv, query: str, **body: Any) -> Any:
    return env.client.post("/api/v1/cypher", json={"query": query, **body}, headers=env.headers("admin"))


def test_read_query_with_parameters(neo4j_env: ApiEnv) -> None:
    account = neo4j_env.store.list_accounts(limit=1).data[0]
    response = run(
        neo4j_env,
        "MATCH (c:Company {id: $id}) RETURN c.id AS id, c.name AS name, c",
        parameters={"id": account.id},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["columns"] == ["id", "name", "c"]
    assert body["rows"][0][:2] == [account.id, account.name]
    assert (
        body["rows"][0][2]["labels"] == ["Company"] and body["rows"][0][2]["properties"]["id"] == account.id
    )
    assert body["count"] == 1 and body["truncated"] is False


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Company {id: 'intruder', name: 'x'}) RETURN n",
        "MATCH (n:Company) SET n.name = 'owned'",
        "MATCH (n) DETACH DELETE n",
        "CREATE INDEX intruder IF NOT EXISTS FOR (n:Company) ON (n.region)",
        "CALL db.createLabel('Intruder')",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "SHOW TRANSACTIONS",
        "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
        "CALL dbms.listConfig()",
    ],
)
def test_writes_and_unsafe_reads_are_refused_and_change_nothing(neo4j_env: ApiEnv, query: str) -> None:
    before = neo4j_env.store.counts()
    names = {c.id: c.name for c in neo4j_env.store.list_accounts(limit=100).data}
    response = run(neo4j_env, query)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("forbidden-query")
    assert neo4j_env.store.counts() == before
    assert {c.id: c.name for c in neo4j_env.store.list_accounts(limit=100).data} == names


def test_row_limit_truncates(neo4j_env: ApiEnv) -> None:
    response = run(neo4j_env, "UNWIND range(1, 50) AS x RETURN x", max_rows=10)
    body = response.json()
    assert body["rows"] == [[x] for x in range(1, 11)] and body["truncated"] is True
    too_many = run(neo4j_env, "RETURN 1", max_rows=neo4j_env.settings.cypher_max_rows + 1)
    assert too_many.status_code == 422 and "max_rows" in too_many.json()["detail"]


def test_timeout_stops_a_long_query(neo4j_env: ApiEnv) -> None:
    slow = "UNWIND range(1, 1000000000) AS x WITH x WHERE x % 1000000007 = -1 RETURN count(x)"
    response = run(neo4j_env, slow, timeout_s=0.5)
    assert response.status_code == 408, response.text
    assert "0.5" in response.json()["detail"]


def test_syntax_errors_are_422(neo4j_env: ApiEnv) -> None:
    response = run(neo4j_env, "MATCH (n RETURN n")
    assert response.status_code == 422 and "Neo4j refused the query" in response.json()["detail"]


def test_console_needs_neo4j_on_the_embedded_store(embedded_env: ApiEnv) -> None:
    response = run(embedded_env, "RETURN 1")
    assert response.status_code == 422 and "NEO4J_URI" in response.json()["detail"]
