"""The Cypher console's limits against a real Neo4j: procedures only from an allow-list, a cap on the
size of a result, a timeout that holds even for CPU-bound expressions, and clear 4xx answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.stores.base import GraphStore
from ingest.loader import ingest_paths
from tests.api.conftest import ApiEnv, make_keys, neo4j_settings

pytestmark = pytest.mark.neo4j

MAX_BYTES = 100_000


@pytest.fixture
def console(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path, world_dir: Path
) -> Iterator[ApiEnv]:
    ingest_paths([world_dir], neo4j_store, progress=False)
    home = tmp_path / "home"
    settings = neo4j_settings(home, neo4j_connection, cypher_max_bytes=MAX_BYTES)
    keys = make_keys(home)
    app = create_app(settings)
    with TestClient(app) as client:
        yield ApiEnv(client, app.state.runtime.store, settings, keys, "neo4j")


def run(env: ApiEnv, query: str, **body: Any) -> Any:
    return env.client.post("/api/v1/cypher", json={"query": query, **body}, headers=env.headers("admin"))


@pytest.mark.parametrize(
    "query",
    [
        "CALL db.stats.collect('QUERIES')",
        "CALL db.stats.stop('QUERIES')",
        "CALL db.stats.clear('QUERIES')",
        "CALL db.resampleOutdatedIndexes()",
        "CALL db.prepareForReplanning()",
        "CALL db.stats.retrieve('GRAPH COUNTS')",
    ],
)
def test_procedures_off_the_allow_list_are_refused(console: ApiEnv, query: str) -> None:
    response = run(console, query)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("forbidden-query")
    assert query.split("(")[0].removeprefix("CALL ") in problem["detail"]


def test_procedures_on_the_allow_list_run(console: ApiEnv) -> None:
    response = run(console, "CALL db.labels() YIELD label RETURN label ORDER BY label")
    assert response.status_code == 200, response.text
    assert ["Company"] in response.json()["rows"]


def test_call_in_transactions_is_a_4xx_not_a_503(console: ApiEnv) -> None:
    response = run(console, "UNWIND range(1, 3) AS x CALL (x) { RETURN x * 2 AS y } IN TRANSACTIONS RETURN y")
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "TransactionApply" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        # One huge row ...
        "RETURN [x IN range(1, 100000) | x] AS big",
        # ... or many rows that add up.
        "UNWIND range(1, 900) AS x RETURN x, $pad AS pad",
    ],
)
def test_a_result_over_the_size_cap_is_413(console: ApiEnv, query: str) -> None:
    response = run(console, query, parameters={"pad": "p" * 200})
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("result-too-large") and f"{MAX_BYTES:,}" in problem["detail"]
    # Below the cap the same kind of query answers.
    assert run(console, "RETURN [x IN range(1, 100) | x] AS small").status_code == 200


def test_the_timeout_holds_for_a_cpu_bound_expression(console: ApiEnv) -> None:
    """Neo4j checks its transaction timeout only between certain steps: this single expression ran
    for about 20 s with a 1 s timeout. The client's deadline answers 408 right after the timeout."""
    cpu_bound = "RETURN size(reduce(s = '', x IN range(1, 300000) | s + 'x')) AS n"
    pool = ThreadPoolExecutor(max_workers=1)
    started = time.monotonic()
    try:
        response = pool.submit(run, console, cpu_bound, timeout_s=1).result(timeout=30)
    finally:
        pool.shutdown(wait=False)
    took = time.monotonic() - started
    assert response.status_code == 408, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert took < 5, f"answered after {took:.1f} s"
    # The console still answers other queries meanwhile.
    assert run(console, "RETURN 1 AS one").json()["rows"] == [[1]]


def test_queries_still_running_on_neo4j_hold_the_console_slots(console: ApiEnv) -> None:
    """A query stopped at its timeout may run on in Neo4j: while every slot holds one, more queries are
    429 with Retry-After (not piled onto the server); once Neo4j ends them, the console answers again."""
    from graph.stores.console import CONSOLE_SLOTS

    cpu_bound = "RETURN size(reduce(s = '', x IN range(1, 250000) | s + 'x')) AS n"
    with ThreadPoolExecutor(max_workers=CONSOLE_SLOTS) as pool:
        timed_out = list(pool.map(lambda _: run(console, cpu_bound, timeout_s=1), range(CONSOLE_SLOTS)))
    assert [r.status_code for r in timed_out] == [408] * CONSOLE_SLOTS, [r.text for r in timed_out]
    busy = run(console, "RETURN 1 AS one")
    assert busy.status_code == 429, busy.text
    assert busy.headers["content-type"] == "application/problem+json"
    assert int(busy.headers["retry-after"]) > 0
    assert busy.json()["type"].endswith("console-busy")
    deadline = time.monotonic() + 120
    while (answer := run(console, "RETURN 1 AS one")).status_code == 429 and time.monotonic() < deadline:
        time.sleep(1)
    assert answer.status_code == 200, answer.text
    assert answer.json()["rows"] == [[1]]
