"""Touches keep their linked ids as properties next to their relationships; both must agree."""

from __future__ import annotations

import neo4j
import pytest

from graph.model import Touch
from graph.stores.base import GraphStore
from tests.contract.world import world

pytestmark = pytest.mark.neo4j

ACCOUNT = "c-acme-cn"


def _load(store: GraphStore) -> None:
    for kind, records in world():
        store.upsert(kind, records)


def _touch_properties(connection: tuple[str, str, str, str]) -> dict[str, tuple[object, ...]]:
    uri, user, password, database = connection
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (t:Touch) RETURN t.id AS id, t.person_ids AS p, t.rep_id AS r, t.deal_id AS d",
            database_=database,
        )
    return {r["id"]: (r["p"], r["r"], r["d"]) for r in records}


def test_properties_follow_the_relationships_through_creates_merges_and_erasure(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str]
) -> None:
    _load(neo4j_store)
    # created: attendees sorted and only existing ones; rep and deal only when they exist
    neo4j_store.upsert(
        "touches",
        [
            Touch(
                id="t-9",
                at="2026-05-05T10:00:00",
                kind="call",
                person_ids=["p-it", "p-404", "p-ceo"],
                rep_id="r-404",
                deal_id="d-404",
            )
        ],
    )
    assert _touch_properties(neo4j_connection)["t-9"] == (["p-ceo", "p-it"], None, None)
    # merged: attendees accumulate, rep moves
    neo4j_store.upsert(
        "touches",
        [Touch(id="t-9", at="2026-05-05T10:00:00", kind="call", person_ids=["p-cfo"], rep_id="r-1")],
    )
    assert _touch_properties(neo4j_connection)["t-9"] == (["p-ceo", "p-cfo", "p-it"], "r-1", None)
    # erased: the attendee leaves the shared touch
    neo4j_store.erase_person("p-cfo")
    assert _touch_properties(neo4j_connection)["t-9"] == (["p-ceo", "p-it"], "r-1", None)
    # what the account read returns is exactly what the relationships say
    touch = next(t for t in neo4j_store.account_graph(ACCOUNT).touches if t.id == "t-9")
    assert (touch.person_ids, touch.rep_id, touch.deal_id) == (["p-ceo", "p-it"], "r-1", None)


def test_touches_stored_without_the_properties_read_from_their_relationships(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str]
) -> None:
    """A database written before the properties existed reads exactly as a new one."""
    _load(neo4j_store)
    before = neo4j_store.account_graph(ACCOUNT)
    assert any(t.rep_id for t in before.touches) and any(t.deal_id for t in before.touches)
    uri, user, password, database = neo4j_connection
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        driver.execute_query("MATCH (t:Touch) REMOVE t.person_ids, t.rep_id, t.deal_id", database_=database)
    assert set(_touch_properties(neo4j_connection).values()) == {(None, None, None)}
    assert neo4j_store.account_graph(ACCOUNT) == before
