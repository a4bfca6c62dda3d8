"""Touches keep a packed copy of their fields and links next to their relationships; both must agree,
and databases written by earlier versions (links as properties, or as relationships only) read the same."""

from __future__ import annotations

import neo4j
import pytest

from graph.errors import NotFoundError
from graph.model import Rep, Touch
from graph.stores.base import GraphStore
from tests.contract.world import world

pytestmark = pytest.mark.neo4j

ACCOUNT = "c-acme-cn"
SEP = "\x1f"
ATTENDEE_SEP = "\x1e"
#: Rewrites touches of the current packed layout in the first one: each attendee a field of its own.
FIRST_LAYOUT = (
    "MATCH (t:Touch) WITH t, split(t.packed, $sep) AS f WHERE size(f) = 10 AND f[9] STARTS WITH $attendee_sep"
    " SET t.packed = reduce(s = f[0], x IN f[1..9] + split(f[9], $attendee_sep)[1..] | s + $sep + x)"
)
#: Touches packed in the current layout: ten fields, the last holding the attendees.
CURRENT_LAYOUT = (
    "MATCH (t:Touch) WHERE size(split(t.packed, $sep)) = 10 AND t.packed CONTAINS $attendee_sep RETURN t"
)


def _load(store: GraphStore) -> None:
    for kind, records in world():
        store.upsert(kind, records)


def _query(connection: tuple[str, str, str, str], query: str, **parameters: object) -> list[neo4j.Record]:
    uri, user, password, database = connection
    parameters = {"sep": SEP, "attendee_sep": ATTENDEE_SEP, **parameters}
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(query, parameters, database_=database)
    return records


def _packed_links(connection: tuple[str, str, str, str]) -> dict[str, tuple[object, ...]]:
    """touch id -> (attendees, rep id, deal id) as the packed copy holds them."""
    links = {}
    for record in _query(connection, "MATCH (t:Touch) RETURN t.id AS id, t.packed AS packed"):
        fields = record["packed"].split(SEP)
        assert fields[0] == record["id"] and len(fields) == 10  # nine fields, then the attendees
        attendees = fields[9].split(ATTENDEE_SEP)
        assert attendees[0] == ""  # each attendee is preceded by the separator
        links[record["id"]] = (attendees[1:], fields[7] or None, fields[8] or None)
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
        FIRST_LAYOUT,
    ],
    ids=["link-properties", "relationships-only", "first-packed-layout"],
)
def test_touches_written_by_earlier_versions_read_the_same(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], earlier: str
) -> None:
    _load(neo4j_store)
    before = neo4j_store.account_graph(ACCOUNT)
    assert any(t.rep_id for t in before.touches) and any(t.deal_id for t in before.touches)
    _query(neo4j_connection, earlier)
    assert not _query(neo4j_connection, CURRENT_LAYOUT)
    assert neo4j_store.account_graph(ACCOUNT) == before
    # half of them rewritten: current and earlier touches read together, in id order
    rewritten = before.touches[::2]
    neo4j_store.upsert("touches", rewritten)
    assert 0 < len(_query(neo4j_connection, CURRENT_LAYOUT)) < len(before.touches)
    assert neo4j_store.account_graph(ACCOUNT) == before
    if earlier == FIRST_LAYOUT:
        # erasing a person rewrites the touches they shared, whatever their layout, in the current one
        _query(neo4j_connection, FIRST_LAYOUT)
        shared = next(t for t in before.touches if len(t.person_ids) > 1)
        neo4j_store.erase_person(shared.person_ids[0])
        after = next(t for t in neo4j_store.account_graph(ACCOUNT).touches if t.id == shared.id)
        assert after.person_ids == shared.person_ids[1:]
        packed = _query(neo4j_connection, "MATCH (t:Touch {id: $id}) RETURN t.packed AS p", id=shared.id)
        assert packed[0]["p"].split(SEP)[9] == "".join(ATTENDEE_SEP + p for p in shared.person_ids[1:])


#: How an account read may go: (limits patched into graph.stores.neo4j, read side by side).
READ_ROUTES = {
    "one-query": ({}, False),
    "one-query-reps-of-a-large-account-in-a-second-query": ({"_REP_SPLIT_LIMIT": 0}, False),
    "side-by-side-whole-team": ({"_SIDE_BY_SIDE_FROM": 0}, True),
    "side-by-side-large-team-reps-split-on-the-server": (
        {"_SIDE_BY_SIDE_FROM": 0, "_ALL_REPS_LIMIT": 0},
        True,
    ),
    "side-by-side-large-team-large-account": (
        {"_SIDE_BY_SIDE_FROM": 0, "_ALL_REPS_LIMIT": 0, "_REP_SPLIT_LIMIT": 0},
        True,
    ),
}


@pytest.mark.parametrize("route", list(READ_ROUTES))
def test_an_account_read_keeps_exactly_the_reps_its_deals_and_touches_name_by_every_route(
    neo4j_store: GraphStore,
    neo4j_connection: tuple[str, str, str, str],
    monkeypatch: pytest.MonkeyPatch,
    route: str,
) -> None:
    import graph.stores.neo4j as neo4j_store_module

    _load(neo4j_store)
    neo4j_store.upsert("reps", [Rep(id="R-ELSEWHERE", name="Works other accounts")])
    reference = neo4j_store.account_graph(ACCOUNT)
    named = {t.rep_id for t in reference.touches if t.rep_id}
    owners = {d.owner_rep_id for d in reference.deals if d.owner_rep_id}
    assert named - owners  # some reps are named only by touches
    in_store = _query(neo4j_connection, "MATCH (r:Rep) RETURN collect(r.id) AS ids")[0]["ids"]
    assert set(in_store) > named | owners  # and some are not this account's
    limits, side_by_side = READ_ROUTES[route]
    for name, value in limits.items():
        monkeypatch.setattr(neo4j_store_module, name, value)
    first = neo4j_store.account_graph(ACCOUNT)  # in one query: the store learns the account's size
    account = neo4j_store.account_graph(ACCOUNT)
    assert (("account", ACCOUNT) in neo4j_store._large_accounts) is side_by_side  # type: ignore[attr-defined]
    assert first == account == reference and [r.id for r in account.reps] == sorted(named | owners)


def test_every_account_and_deal_reads_the_same_side_by_side_and_a_missing_one_is_not_found(
    neo4j_store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graph.stores.neo4j as neo4j_store_module

    _load(neo4j_store)
    accounts = [company.id for company in neo4j_store.list_accounts(limit=500).data]
    in_one_query = {company_id: neo4j_store.account_graph(company_id) for company_id in accounts}
    deals = {d.id: company_id for company_id, a in in_one_query.items() for d in a.deals}
    assert len(accounts) == 3 and deals  # the contract world's accounts
    monkeypatch.setattr(neo4j_store_module, "_SIDE_BY_SIDE_FROM", 0)  # every account counts as large
    for company_id in accounts:
        neo4j_store.account_graph(company_id)  # learns that it is large
        assert neo4j_store.account_graph(company_id) == in_one_query[company_id]
    for deal_id, company_id in deals.items():
        neo4j_store.deal_account_graph(deal_id)
        assert ("deal", deal_id) in neo4j_store._large_accounts  # type: ignore[attr-defined]
        assert neo4j_store.deal_account_graph(deal_id) == in_one_query[company_id]
    neo4j_store._large_accounts.update({("account", "nobody"), ("deal", "no-deal")})  # type: ignore[attr-defined]
    with pytest.raises(NotFoundError):
        neo4j_store.account_graph("nobody")
    with pytest.raises(NotFoundError):
        neo4j_store.deal_account_graph("no-deal")
