"""The store-wide ingest lock: a second ingest waits with a clear message, gives up with its own exit
code, and a holder that hangs or dies never blocks ingests for good."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import neo4j
import pytest

from graph.errors import IngestBusyError
from graph.model import Person, Touch
from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "tests" / "data" / "crm" / "native"
EXIT_WRITE_FAILED, EXIT_BUSY = 6, 7


def _cli(target: str, *args: str) -> list[str]:
    script = Path(sys.executable).with_name("buyergraph")
    cli = [str(script)] if script.exists() else [sys.executable, "-c", "from api.cli import main; main()"]
    return [*cli, "--store", target, *args]


def _target(store: GraphStore, request: pytest.FixtureRequest) -> tuple[str, dict[str, str]]:
    env = dict(os.environ)
    if isinstance(store, EmbeddedStore):
        return str(store.home), env
    uri, user, password, database = request.getfixturevalue("neo4j_connection")
    env.update(NEO4J_URI=uri, NEO4J_USERNAME=user, NEO4J_PASSWORD=password, NEO4J_DATABASE=database)
    return uri, env


def test_an_ingest_waits_for_the_holder_then_gives_up_with_exit_7(
    store: GraphStore, request: pytest.FixtureRequest
) -> None:
    target, env = _target(store, request)
    with store.ingest_lock():
        done = subprocess.run(
            _cli(target, "ingest", str(BUNDLE), "--wait", "2"),
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == EXIT_BUSY, done.stderr
    host = socket.gethostname()
    assert "waiting for another ingest (started at " in done.stderr
    assert f"by pid {os.getpid()} on host {host}) to finish" in done.stderr
    assert "still holds" in done.stderr and "run this ingest again" in done.stderr
    assert "Traceback" not in done.stderr
    assert store.counts().nodes["Person"] == 0  # it never got as far as writing


def test_a_waiting_ingest_goes_on_as_soon_as_the_holder_is_done(store: GraphStore) -> None:
    waits: list[object] = []
    release = threading.Event()

    def hold() -> None:
        with store.ingest_lock():
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        time.sleep(0.5)  # let the holder take the lock first (an ordering aid, not an assertion)
        threading.Timer(1.0, release.set).start()
        started = time.monotonic()
        with store.ingest_lock(wait_s=60, on_wait=waits.append):
            waited = time.monotonic() - started
    finally:
        release.set()
        holder.join()
    assert waits, "the second ingest never found the lock taken"
    assert 0.3 < waited < 30
    # and a holder that never finishes makes it give up
    with pytest.raises(IngestBusyError), store.ingest_lock(), store.ingest_lock(wait_s=0.5):
        pass


HOLDER = """
import sys, time
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
target = sys.argv[1]
if target.startswith("neo4j"):
    import neo4j
    driver = neo4j.GraphDatabase.driver(target, auth=(sys.argv[2], sys.argv[3]))
    store = Neo4jStore(driver, database=sys.argv[4], ingest_lease_s=float(sys.argv[5]))
else:
    store = EmbeddedStore(target)
with store.ingest_lock():
    print("held", flush=True)
    time.sleep(600)
"""


def _start_holder(store: GraphStore, request: pytest.FixtureRequest) -> subprocess.Popen[bytes]:
    """Another process that holds the ingest lock (with a 2 s lease on Neo4j) until killed."""
    if isinstance(store, EmbeddedStore):
        args = [str(store.home)]
    else:
        args = [*request.getfixturevalue("neo4j_connection"), "2"]
    process = subprocess.Popen([sys.executable, "-c", HOLDER, *args], stdout=subprocess.PIPE, cwd=REPO)
    request.addfinalizer(lambda: (process.kill(), process.wait(timeout=30)))
    assert process.stdout is not None and process.stdout.readline().strip() == b"held"
    return process


def test_a_holder_killed_with_sigkill_does_not_block_the_next_ingest(
    store: GraphStore, request: pytest.FixtureRequest
) -> None:
    holder_process = _start_holder(store, request)
    with pytest.raises(IngestBusyError, match="still holds"), store.ingest_lock(wait_s=0.5):
        pass
    holder_process.send_signal(signal.SIGKILL)
    holder_process.wait(timeout=30)
    started = time.monotonic()
    with store.ingest_lock(wait_s=60):
        assert time.monotonic() - started < 10


@pytest.mark.neo4j
def test_a_hung_holder_loses_the_neo4j_lock_when_its_lease_runs_out(
    neo4j_store: GraphStore, request: pytest.FixtureRequest
) -> None:
    """A holder that is alive but stopped (no renewals) is taken over after its 2 s lease."""
    holder_process = _start_holder(neo4j_store, request)
    holder_process.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        waits: list[object] = []
        with neo4j_store.ingest_lock(wait_s=60, on_wait=waits.append):
            waited = time.monotonic() - started
        assert waits and 1.0 < waited < 30
    finally:
        holder_process.send_signal(signal.SIGKILL)


@pytest.mark.neo4j
def test_a_touch_created_by_another_writer_meanwhile_is_merged_not_failed(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str]
) -> None:
    """The touch write checks which ids exist and CREATEs the others; a writer that creates one of
    them in between makes the CREATE meet the uniqueness constraint, which must not fail the batch."""
    uri, user, password, database = neo4j_connection
    neo4j_store.upsert("people", [Person(id="p1", name="Wang Wei")])
    touch = Touch(id="t-race", kind="call", at="2026-01-05T10:00:00", person_ids=["p1"], subject="ours")
    outcome: list[object] = []
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        with driver.session(database=database) as session, session.begin_transaction() as other:
            other.run("CREATE (:Touch {id: 't-race', subject: 'theirs'})").consume()

            def write() -> None:
                try:
                    outcome.append(neo4j_store.upsert("touches", [touch]))
                except Exception as exc:
                    outcome.append(exc)

            writer = threading.Thread(target=write)
            writer.start()
            # The store's CREATE now waits for the other transaction's claim on the id.
            deadline = time.monotonic() + 60
            while not _blocked_on_create(driver, database):
                assert time.monotonic() < deadline, "the touch write never reached its CREATE"
                assert writer.is_alive(), f"the touch write ended before the race: {outcome}"
                time.sleep(0.05)
            other.commit()
        writer.join(60)
    assert outcome == [1]
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (t:Touch {id: 't-race'}) OPTIONAL MATCH (t)-[:WITH]->(p:Person) "
            "RETURN count(DISTINCT t) AS touches, t.subject AS subject, collect(p.id) AS people",
            database_=database,
        )
    assert [dict(r) for r in records] == [{"touches": 1, "subject": "ours", "people": ["p1"]}]


def _blocked_on_create(driver: neo4j.Driver, database: str) -> bool:
    records, _, _ = driver.execute_query(
        "SHOW TRANSACTIONS YIELD currentQuery, status RETURN currentQuery, status", database_=database
    )
    return any(
        "CREATE (t:Touch" in (r["currentQuery"] or "") and str(r["status"]).startswith("Blocked")
        for r in records
    )


@pytest.mark.neo4j
def test_a_write_the_store_refuses_mid_ingest_exits_6_not_2(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    """A store that refuses a batch (here: a uniqueness rule on locations, which two different people
    break) is a failed ingest, not bad arguments."""
    uri, user, password, database = neo4j_connection
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "people.csv").write_text(
        "id,name,email,location\n"
        "p1,Wang Wei,wang.wei@example.com,Shanghai\n"
        "p2,Li Na,li.na@example.org,Shanghai\n",
        encoding="utf-8",
    )
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        driver.execute_query(
            "CREATE CONSTRAINT test_person_location IF NOT EXISTS "
            "FOR (n:Person) REQUIRE n.location IS UNIQUE",
            database_=database,
        )
        try:
            env = dict(os.environ, NEO4J_URI=uri, NEO4J_USERNAME=user, NEO4J_PASSWORD=password)
            done = subprocess.run(
                _cli(uri, "ingest", str(bundle), "--format", "native"),
                env={**env, "NEO4J_DATABASE": database},
                capture_output=True,
                text=True,
                timeout=300,
            )
        finally:
            driver.execute_query("DROP CONSTRAINT test_person_location IF EXISTS", database_=database)
    assert done.returncode == EXIT_WRITE_FAILED, done.stderr
    assert "the store refused a write" in done.stderr and "running the same ingest again" in done.stderr
    assert "Wang Wei" not in done.stderr and "Shanghai" not in done.stderr  # no personal data
    assert "Traceback" not in done.stderr


@pytest.mark.neo4j
def test_an_ingest_whose_lease_passed_to_another_stops_at_its_next_write(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str]
) -> None:
    """Once another ingest holds the lease (this one stalled past it), this one must not go on writing
    beside it until its end: its next batch is refused, and nothing of that batch is written."""
    from graph.errors import WriteFailedError
    from graph.stores.neo4j import Neo4jStore

    uri, user, password, database = neo4j_connection
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        store = Neo4jStore(driver, database=database, ingest_lease_s=1.0)
        with pytest.raises(WriteFailedError, match="lease"), store.ingest_lock(wait_s=10):
            store.upsert("people", [Person(id="before-takeover", name="Before")])
            driver.execute_query(  # another ingest takes the lock over, as after a stall
                "MATCH (lock:IngestLock) SET lock.owner = $other", other="another-ingest", database_=database
            )
            time.sleep(1.5)  # the renewer finds the lease gone
            store.upsert("people", [Person(id="after-takeover", name="After")])
        assert store.existing_ids("people", ["before-takeover", "after-takeover"]) == {"before-takeover"}
