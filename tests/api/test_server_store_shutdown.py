"""A server store closed while a warm-up or a request still waits on Neo4j: its callers get
'unavailable' (a 503), never a RuntimeError of the closed call pool escaping from a thread."""

from __future__ import annotations

import socket
import threading
import time

import neo4j
import pytest

from api.runtime import ServerNeo4jStore
from graph.errors import StoreUnavailableError


def test_calls_after_close_are_unavailable_not_a_runtime_error() -> None:
    def open_driver() -> neo4j.Driver:
        return neo4j.GraphDatabase.driver("bolt://127.0.0.1:1", auth=("neo4j", "not-used"))

    store = ServerNeo4jStore(open_driver)
    store.close()
    with pytest.raises(StoreUnavailableError, match="shutting down"):
        store.counts()


def test_a_call_waiting_when_the_store_closes_ends_unavailable() -> None:
    """The call waits on a server that accepts connections and never answers; the store closes
    meanwhile, so the liveness ping the waiting call asks for cannot start any more."""
    silent = socket.create_server(("127.0.0.1", 0))
    port = silent.getsockname()[1]

    def open_driver() -> neo4j.Driver:
        return neo4j.GraphDatabase.driver(
            f"bolt://127.0.0.1:{port}", auth=("neo4j", "not-used"), connection_timeout=5.0
        )

    store = ServerNeo4jStore(open_driver, watch_s=0.3, probe_s=0.3)
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            store.counts()
        except BaseException as exc:  # the test looks at what came out
            outcome.append(exc)

    caller = threading.Thread(target=call)
    try:
        caller.start()
        time.sleep(0.1)
        store.close()
        caller.join(timeout=10)
    finally:
        silent.close()
    assert not caller.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], StoreUnavailableError), outcome
