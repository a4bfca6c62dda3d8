"""Shared fixtures: one real Neo4j per test run, and a store of each kind wiped before each test.

Neo4j comes from NEO4J_URI when set, else the project's own local server is started (and stopped
again at the end if this run started it). There is no skipping: a test marked `neo4j` fails when
Neo4j cannot be reached. Run `pytest -m "not neo4j"` to leave those tests out on purpose.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore

REPO = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("BUYERGRAPH_DATASETS", REPO.parent / "shared" / "datasets"))


@pytest.fixture(scope="session")
def datasets() -> Path:
    if not DATASETS.is_dir():
        pytest.fail(f"the shared data sets are not at {DATASETS}; set BUYERGRAPH_DATASETS")
    return DATASETS


@pytest.fixture(scope="session")
def neo4j_connection() -> Iterator[tuple[str, str, str, str]]:
    """(uri, user, password, database) of a running Neo4j, shared by the whole run."""
    uri = os.environ.get("NEO4J_URI")
    started = None
    if uri:
        user = os.environ.get("NEO4J_USERNAME") or os.environ.get("NEO4J_USER") or "neo4j"
        password = os.environ.get("NEO4J_PASSWORD", "")
    else:
        from api.localneo4j import LocalNeo4j

        server = LocalNeo4j()
        try:
            if not server.status().running:
                server.start(echo=False)
                started = server
            uri, user, password = server.uri, "neo4j", server.password()
        except Exception as exc:  # the run must fail loudly, never skip
            pytest.fail(f"Neo4j is needed for this test and could not be started: {exc}")
    yield uri, user, password, os.environ.get("NEO4J_DATABASE", "neo4j")
    if started is not None:
        started.stop()


@pytest.fixture(scope="session")
def neo4j_store_session(neo4j_connection: tuple[str, str, str, str]) -> Iterator[GraphStore]:
    from graph.errors import BuyerGraphError
    from graph.stores.neo4j import Neo4jStore

    uri, user, password, database = neo4j_connection
    try:
        store = Neo4jStore.connect(uri, user, password, database)
    except BuyerGraphError as exc:
        pytest.fail(f"Neo4j at {uri} is not usable: {exc}")
    yield store
    store.close()


@pytest.fixture
def neo4j_store(neo4j_store_session: GraphStore) -> GraphStore:
    neo4j_store_session.clear()
    return neo4j_store_session


@pytest.fixture
def embedded_store(tmp_path: Path) -> GraphStore:
    return EmbeddedStore(tmp_path / "store")


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> GraphStore:
    """Each contract test runs once per store implementation."""
    fixture = "embedded_store" if request.param == "embedded" else "neo4j_store"
    result: GraphStore = request.getfixturevalue(fixture)
    return result


_NEO4J_TESTS: set[str] = set()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Remember which tests carry the `neo4j` marker (a parameter id may also read "neo4j")."""
    _NEO4J_TESTS.update(item.nodeid for item in items if item.get_closest_marker("neo4j"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many Neo4j tests ran, so that a green run without them cannot pass unnoticed."""
    counts = {"passed": 0, "failed": 0, "error": 0}
    for outcome in counts:
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "nodeid", None) not in _NEO4J_TESTS:
                continue
            if report.when == "call" or (outcome != "passed" and report.when == "setup"):
                counts[outcome] += 1
    total = sum(counts.values())
    terminalreporter.write_line(
        f"Neo4j tests: {total} ran against a real server "
        f"({counts['passed']} passed, {counts['failed']} failed, {counts['error']} errors)"
    )
