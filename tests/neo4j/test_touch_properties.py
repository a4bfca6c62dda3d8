"""Touches are ordinary nodes; each account's daily touch aggregates (TouchDay nodes) follow every
touch write, merge and erasure, and a database written by earlier versions (a packed copy of every
touch, or links as properties) is moved to aggregates once, when a store opens it."""

from __future__ import annotations

import neo4j
import pytest

from graph.analyses.rules import aggregate_touches
from graph.errors import NotFoundError
from graph.model import Employment, Rep, Touch
from graph.stores.base import GraphStore
from graph.stores.neo4j import Neo4jStore
from tests.contract.world import world
from tests.touches import account_touches

pytestmark = pytest.mark.neo4j

ACCOUNT = "c-acme-cn"
#: Turns the touches of this database into what earlier versions wrote, and forgets the aggregates.
EARLIER_VERSIONS = {
    "packed-copies": (
        "MATCH (t:Touch) SET t.packed = t.id + '\\u001f' + toString(t.at) + '\\u001f' + t.kind"
    ),
    "link-properties": (
        "MATCH (t:Touch) SET"
        " t.person_ids = COLLECT { MATCH (t)-[:WITH]->(p:Person) RETURN p.id ORDER BY p.id },"
        " t.rep_id = COLLECT { MATCH (t)-[:BY]->(r:Rep) RETURN r.id }[0],"
        " t.deal_id = COLLECT { MATCH (t)-[:ABOUT]->(d:Deal) RETURN d.id }[0]"
    ),
    "relationships-only": "MATCH (t:Touch) SET t.kind = t.kind",
}
FORGET_AGGREGATES = "MATCH (n) WHERE n:TouchDay OR n:Migration DETACH DELETE n"


def _load(store: GraphStore) -> None:
    for kind, records in world():
        store.upsert(kind, records)


def _query(connection: tuple[str, str, str, str], query: str, **parameters: object) -> list[neo4j.Record]:
    uri, user, password, database = connection
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(query, parameters, database_=database)
    return records


def _accounts(store: GraphStore) -> list[str]:
    return sorted(company.id for company in store.list_accounts(limit=500).data)


def _assert_aggregates_are_those_of_the_touches(store: GraphStore) -> None:
    for company_id in _accounts(store):
        raw = account_touches(store, company_id)
        assert store.account_graph(company_id).touch_days == aggregate_touches(raw), company_id


def test_aggregates_follow_creates_merges_repeats_and_erasure(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str]
) -> None:
    _load(neo4j_store)
    _assert_aggregates_are_those_of_the_touches(neo4j_store)
    before = neo4j_store.account_graph(ACCOUNT).touch_days
    assert before.touch_count() > 0
    # created: only existing attendees, rep and deal are linked
    call = Touch(
        id="t-9",
        at="2026-05-05T10:00:00",
        kind="call",
        person_ids=["p-it", "p-404", "p-ceo"],
        rep_id="r-404",
        deal_id="d-404",
        subject="Pricing; next steps",
    )
    neo4j_store.upsert("touches", [call])
    assert neo4j_store.account_graph(ACCOUNT).touch_days.touch_count() == before.touch_count() + 1
    _assert_aggregates_are_those_of_the_touches(neo4j_store)
    # the same touch again counts once; merged on another day, it leaves its old day
    neo4j_store.upsert("touches", [call])
    assert neo4j_store.account_graph(ACCOUNT).touch_days.touch_count() == before.touch_count() + 1
    moved = Touch(id="t-9", at="2026-05-06T10:00:00", kind="meeting", person_ids=["p-cfo"], rep_id="r-1")
    neo4j_store.upsert("touches", [moved])
    _assert_aggregates_are_those_of_the_touches(neo4j_store)
    touch = next(t for t in account_touches(neo4j_store, ACCOUNT) if t.id == "t-9")
    assert (touch.person_ids, touch.rep_id, touch.deal_id) == (["p-ceo", "p-cfo", "p-it"], "r-1", None)
    # erased: the attendee leaves the shared touch and its aggregates
    neo4j_store.erase_person("p-cfo")
    _assert_aggregates_are_those_of_the_touches(neo4j_store)
    names = neo4j_store.account_graph(ACCOUNT).touch_days.names
    assert "p-cfo" not in names
    # touches are ordinary nodes: no packed copy, no link properties
    left = "MATCH (t:Touch) WHERE t.packed IS NOT NULL OR t.person_ids IS NOT NULL RETURN count(t) AS n"
    assert _query(neo4j_connection, left)[0]["n"] == 0


def test_a_new_member_brings_their_touches_into_the_account(neo4j_store: GraphStore) -> None:
    _load(neo4j_store)
    touched = Touch(id="t-new", at="2026-05-07T09:00:00", kind="email", person_ids=["p-us"], rep_id="r-1")
    neo4j_store.upsert("touches", [touched])
    assert "t-new" not in {t.id for t in account_touches(neo4j_store, ACCOUNT)}
    neo4j_store.upsert("employment", [Employment(person_id="p-us", company_id=ACCOUNT)])
    assert "t-new" in {t.id for t in account_touches(neo4j_store, ACCOUNT)}
    _assert_aggregates_are_those_of_the_touches(neo4j_store)


@pytest.mark.parametrize("earlier", list(EARLIER_VERSIONS))
def test_a_database_written_by_earlier_versions_is_migrated_once_when_a_store_opens(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], earlier: str
) -> None:
    _load(neo4j_store)
    expected = {company_id: neo4j_store.account_graph(company_id) for company_id in _accounts(neo4j_store)}
    assert any(len(a.touch_days) for a in expected.values())
    _query(neo4j_connection, EARLIER_VERSIONS[earlier])
    _query(neo4j_connection, FORGET_AGGREGATES)
    assert all(len(neo4j_store.account_graph(c).touch_days) == 0 for c in expected)  # the old way
    uri, user, password, database = neo4j_connection
    for _ in range(2):  # opened twice: the second open finds it done and changes nothing
        reopened = Neo4jStore.connect(uri, user, password, database)
        try:
            assert {c: reopened.account_graph(c) for c in expected} == expected
        finally:
            reopened.close()
    left = (
        "MATCH (t:Touch) WHERE t.packed IS NOT NULL OR t.person_ids IS NOT NULL OR t.rep_id IS NOT NULL "
        "RETURN count(t) AS n"
    )
    assert _query(neo4j_connection, left)[0]["n"] == 0
    assert (
        _query(neo4j_connection, "MATCH (m:Migration {id: 'touch_days'}) RETURN count(m) AS n")[0]["n"] == 1
    )


def test_an_account_read_keeps_exactly_the_reps_its_deals_and_touches_name(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str]
) -> None:
    _load(neo4j_store)
    neo4j_store.upsert("reps", [Rep(id="R-ELSEWHERE", name="Works other accounts")])
    account = neo4j_store.account_graph(ACCOUNT)
    named = {t.rep_id for t in account_touches(neo4j_store, ACCOUNT) if t.rep_id}
    owners = {d.owner_rep_id for d in account.deals if d.owner_rep_id}
    assert named - owners  # some reps are named only by touches
    in_store = _query(neo4j_connection, "MATCH (r:Rep) RETURN collect(r.id) AS ids")[0]["ids"]
    assert set(in_store) > named | owners  # and some are not this account's
    assert [r.id for r in account.reps] == sorted(named | owners)


def test_batched_reads_equal_single_reads_and_a_missing_one_is_not_found(neo4j_store: GraphStore) -> None:
    _load(neo4j_store)
    accounts = _accounts(neo4j_store)
    one_by_one = {company_id: neo4j_store.account_graph(company_id) for company_id in accounts}
    assert len(accounts) == 3
    assert neo4j_store.account_graphs([*reversed(accounts), "nobody", accounts[0]]) == one_by_one
    assert neo4j_store.account_graphs([]) == {}
    deals = {d.id: company_id for company_id, a in one_by_one.items() for d in a.deals}
    assert deals
    for deal_id, company_id in deals.items():
        assert neo4j_store.deal_account_graph(deal_id) == one_by_one[company_id]
    with pytest.raises(NotFoundError):
        neo4j_store.account_graph("nobody")
    with pytest.raises(NotFoundError):
        neo4j_store.deal_account_graph("no-deal")
