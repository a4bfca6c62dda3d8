"""Touches keep a packed copy of their fields and links next to their relationships; both must agree,
and databases written by earlier versions (links as properties, or as relationships only) read the same."""

from __future__ import annotations

import neo4j
import pytest

from graph.model import Touch
from graph.stores.base import GraphStore
from tests.contract.world import world

pytestmark = pytest.mark.neo4j

ACCOUNT = "c-acme-cn"
SEP = "\x1f"


def _load(store: GraphStore) -> None:
    for kind, records in world():
        store.upsert(kind, records)


def _query(connection: tuple[str, str, str, str], query: str) -> list[neo4j.Record]:
    uri, user, password, database = connection
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(query, database_=database)
    return records


def _packed_links(connection: tuple[str, str, str, str]) -> dict[str, tuple[object, ...]]:
    """touch id -> (attendees, rep id, deal id) as the packed copy holds them."""
    links = {}
    for record in _query(connection, "MATCH (t:Touch) RETURN t.id AS id, t.packed AS packed"):
        fields = record["packed"].split(SEP)
        assert fields[0] == record["id"]
        links[record["id"]] = (fields[9:], fields[7] or None, fields[8] or None)
    return links


def test_the_packed_copy_follows_the_relationships_through_creates_merges_and_erasure(
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
                subject="Pricing; next steps",
            )
        ],
    )
    assert _packed_links(neo4j_connection)["t-9"] == (["p-ceo", "p-it"], None, None)
    # merged: attendees accumulate, rep moves, fields change
    neo4j_store.upsert(
        "touches",
        [
            Touch(
                id="t-9",
                at="2026-05-06T10:00:00",
                kind="meeting",
                person_ids=["p-cfo"],
                rep_id="r-1",
                duration_s=1800,
            )
        ],
    )
    assert _packed_links(neo4j_connection)["t-9"] == (["p-ceo", "p-cfo", "p-it"], "r-1", None)
    # erased: the attendee leaves the shared touch
    neo4j_store.erase_person("p-cfo")
    assert _packed_links(neo4j_connection)["t-9"] == (["p-ceo", "p-it"], "r-1", None)
    # what the account read returns is exactly what the relationships and the last write say
    touch = next(t for t in neo4j_store.account_graph(ACCOUNT).touches if t.id == "t-9")
    assert (touch.person_ids, touch.rep_id, touch.deal_id) == (["p-ceo", "p-it"], "r-1", None)
    assert (touch.at.isoformat(), touch.kind, touch.duration_s) == ("2026-05-06T10:00:00", "meeting", 1800)
    # every touch: the packed links are the relationships
    related = {
        r["id"]: (r["people"], r["rep"], r["deal"])
        for r in _query(
            neo4j_connection,
            "MATCH (t:Touch) RETURN t.id AS id, "
            "COLLECT { MATCH (t)-[:WITH]->(p:Person) RETURN p.id ORDER BY p.id } AS people, "
            "COLLECT { MATCH (t)-[:BY]->(r:Rep) RETURN r.id }[0] AS rep, "
            "COLLECT { MATCH (t)-[:ABOUT]->(d:Deal) RETURN d.id }[0] AS deal",
        )
    }
    assert _packed_links(neo4j_connection) == related


@pytest.mark.parametrize(
    "earlier",
    [
        # links kept as properties next to the relationships
        "MATCH (t:Touch) SET"
        " t.person_ids = COLLECT { MATCH (t)-[:WITH]->(p:Person) RETURN p.id ORDER BY p.id },"
        " t.rep_id = COLLECT { MATCH (t)-[:BY]->(r:Rep) RETURN r.id }[0],"
        " t.deal_id = COLLECT { MATCH (t)-[:ABOUT]->(d:Deal) RETURN d.id }[0] REMOVE t.packed",
        # links as relationships only
        "MATCH (t:Touch) REMOVE t.packed",
    ],
    ids=["link-properties", "relationships-only"],
)
def test_touches_written_by_earlier_versions_read_the_same(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], earlier: str
) -> None:
    _load(neo4j_store)
    before = neo4j_store.account_graph(ACCOUNT)
    assert any(t.rep_id for t in before.touches) and any(t.deal_id for t in before.touches)
    _query(neo4j_connection, earlier)
    assert not _query(neo4j_connection, "MATCH (t:Touch) WHERE t.packed IS NOT NULL RETURN t")
    assert neo4j_store.account_graph(ACCOUNT) == before
    # half of them rewritten: packed and earlier touches read together, in id order
    rewritten = before.touches[::2]
    neo4j_store.upsert("touches", rewritten)
    assert (
        0
        < len(_query(neo4j_connection, "MATCH (t:Touch) WHERE t.packed IS NOT NULL RETURN t"))
        < len(before.touches)
    )
    assert neo4j_store.account_graph(ACCOUNT) == before
