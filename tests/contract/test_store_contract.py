"""The contract every GraphStore keeps; runs unchanged against the embedded store and Neo4j."""

from __future__ import annotations

from datetime import date

import pytest

from graph.analyses.rules import aggregate_touches
from graph.errors import InvalidInputError, NotFoundError
from graph.model import Company, Deal, Person, Reporting, StageEntry, Touch
from graph.stores.base import GraphStore
from tests.contract.world import EXPECTED_NODES, EXPECTED_RELATIONSHIPS, world
from tests.touches import account_touches


def load(store: GraphStore) -> None:
    store.upsert_all(world())


def test_empty_store_counts_every_name(store: GraphStore) -> None:
    counts = store.counts()
    assert set(counts.nodes) == set(EXPECTED_NODES)
    assert set(counts.relationships) == set(EXPECTED_RELATIONSHIPS)
    assert sum(counts.nodes.values()) == 0


def test_counts_after_loading_match_the_worked_out_world(store: GraphStore) -> None:
    load(store)
    counts = store.counts()
    assert counts.nodes == EXPECTED_NODES
    assert counts.relationships == EXPECTED_RELATIONSHIPS


def test_same_batches_twice_change_nothing(store: GraphStore) -> None:
    load(store)
    counts, graph = store.counts(), store.account_graph("c-acme-cn")
    load(store)
    assert store.counts() == counts
    assert store.account_graph("c-acme-cn") == graph


def test_changed_value_updates_and_missing_value_keeps(store: GraphStore) -> None:
    load(store)
    store.upsert("companies", [Company(id="c-globex", name="Globex SE", industry="Logistics")])
    company = store.get_company("c-globex")
    assert company.name == "Globex SE"
    assert company.domain == "globex.de"  # not given in the update: kept
    counts = store.counts()
    # the industry link moved: still one IN_INDUSTRY per company, and a new Industry node exists
    assert counts.relationships["IN_INDUSTRY"] == 3
    # Retail lost its only company: Manufacturing and Logistics remain
    assert counts.nodes["Industry"] == 2


def test_lead_fields_and_conversion_day_round_trip(store: GraphStore) -> None:
    load(store)
    store.upsert(
        "people",
        [
            Person(
                id="p-lead",
                name="Lead Person",
                company_id="c-globex",
                lead_source="Web",
                lead_status="Closed - Converted",
                converted_on=date(2026, 3, 5),
            ),
            Person(id="p-open", name="Open Lead", company_id="c-globex", lead_status="Open"),
        ],
    )
    lead, other = store.get_person("p-lead"), store.get_person("p-open")
    assert (lead.lead_source, lead.lead_status, lead.converted_on) == (
        "Web",
        "Closed - Converted",
        date(2026, 3, 5),
    )
    assert type(lead.converted_on) is date and other.converted_on is None
    # the account graph (what the analyses read) carries it too
    people = {p.id: p for p in store.account_graphs(["c-globex"])["c-globex"].people}
    assert people["p-lead"].converted_on == date(2026, 3, 5) and people["p-open"].converted_on is None
    assert type(people["p-lead"].converted_on) is date
    listed = {p.id: p for p in store.list_people(company_id="c-globex", limit=100).data}
    assert listed["p-lead"].converted_on == date(2026, 3, 5)
    # an update without the day keeps it; a later day replaces it
    store.upsert("people", [Person(id="p-lead", name="Lead Person", company_id="c-globex")])
    assert store.get_person("p-lead").converted_on == date(2026, 3, 5)
    store.upsert(
        "people",
        [Person(id="p-lead", name="Lead Person", company_id="c-globex", converted_on=date(2026, 4, 1))],
    )
    assert store.get_person("p-lead").converted_on == date(2026, 4, 1)


def test_deal_stage_history_round_trips(store: GraphStore) -> None:
    load(store)
    history = [
        StageEntry(stage="Prospecting", entered_on=date(2026, 1, 5)),
        StageEntry(stage="Negotiation/Review", entered_on=date(2026, 2, 9)),
    ]
    store.upsert(
        "deals",
        [
            Deal(
                id="d-hist",
                company_id="c-globex",
                name="Fleet",
                stage="Negotiation/Review",
                stage_history=history,
            ),
            Deal(id="d-none", company_id="c-globex", name="Spare parts", stage="Prospecting"),
        ],
    )
    deal = store.get_deal("d-hist")
    assert deal.stage_history == history and type(deal.stage_history[0].entered_on) is date
    assert store.get_deal("d-none").stage_history is None
    # the account graph (what the analyses read) carries it, and so does the deal's own account graph
    deals = {d.id: d for d in store.account_graphs(["c-globex"])["c-globex"].deals}
    assert deals["d-hist"].stage_history == history and deals["d-none"].stage_history is None
    assert {d.id: d for d in store.deal_account_graph("d-hist").deals}["d-hist"].stage_history == history
    # an update without a history keeps it; a longer one replaces it
    store.upsert("deals", [Deal(id="d-hist", company_id="c-globex", name="Fleet")])
    assert store.get_deal("d-hist").stage_history == history
    longer = [*history, StageEntry(stage="Closed Won", entered_on=date(2026, 3, 1))]
    store.upsert("deals", [Deal(id="d-hist", company_id="c-globex", name="Fleet", stage_history=longer)])
    assert store.get_deal("d-hist").stage_history == longer


def test_inferred_seniority_never_overwrites_asserted(store: GraphStore) -> None:
    load(store)
    store.upsert(
        "people",
        [
            Person(
                id="p-ceo",
                name="Wang Wei",
                title="总经理助理",
                seniority="individual",
                function="other",
                seniority_source="inferred",
                seniority_confidence=0.6,
            )
        ],
    )
    ceo = store.get_person("p-ceo")
    assert ceo.seniority == "c_level" and ceo.seniority_source == "crm"
    assert ceo.title == "总经理助理"  # the title itself is a plain value and does update
    store.upsert(
        "people",
        [
            Person(
                id="p-cfo",
                name="Li Na",
                seniority="director",
                function="finance",
                seniority_source="inferred",
                seniority_confidence=0.9,
            )
        ],
    )
    assert store.get_person("p-cfo").seniority == "director"
    store.upsert("people", [Person(id="p-cfo", name="Li Na", seniority="vp", seniority_source="crm")])
    assert store.get_person("p-cfo").seniority == "vp"


def test_account_graph_holds_the_whole_account(store: GraphStore) -> None:
    load(store)
    graph = store.account_graph("c-acme-cn")
    assert graph.company.name == "艾克美（中国）有限公司"
    assert [p.id for p in graph.people] == ["p-ceo", "p-cfo", "p-eng", "p-it", "p-left"]
    left = next(e for e in graph.employment if e.person_id == "p-left")
    assert left.until is not None and left.until.isoformat() == "2025-12-31"
    assert {(r.person_id, r.manager_id, r.kind.value) for r in graph.reporting} == {
        ("p-cfo", "p-ceo", "solid"),
        ("p-it", "p-ceo", "solid"),
        ("p-eng", "p-it", "solid"),
        ("p-eng", "p-cfo", "dotted"),
    }
    assert [(k.person_id, k.other_id) for k in graph.knows] == [("p-it", "p-eng")]  # not p-cfo's tie to p-us
    # a line to a manager outside the account is the other account's, like a tie to someone there
    store.upsert("reporting", [Reporting(person_id="p-eng", manager_id="p-us")])
    assert store.account_graph("c-acme-cn").reporting == graph.reporting
    assert [(r.person_id, r.manager_id) for r in store.account_graph("c-acme").reporting] == []
    assert [d.id for d in graph.deals] == ["d-1"]
    assert {(c.person_id, c.role.value, c.source.value) for c in graph.committee} == {
        ("p-cfo", "economic_buyer", "crm"),
        ("p-it", "champion", "crm"),
        ("p-it", "technical_evaluator", "presales"),
        ("p-left", "procurement", "crm"),
    }
    touches = account_touches(store, "c-acme-cn")
    assert [t.id for t in touches] == ["t-1", "t-2", "t-3"]
    meeting = touches[0]
    assert meeting.person_ids == ["p-cfo", "p-it"] and meeting.rep_id == "r-1" and meeting.deal_id == "d-1"
    assert touches[1].at.isoformat() == "2026-05-03T02:00:00"  # stored as UTC
    assert graph.touch_days.rows() == aggregate_touches(touches).rows()  # the aggregates of those touches
    assert [r.id for r in graph.reps] == ["r-1", "r-2"]
    assert [(h.product_id, h.seats) for h in graph.holdings] == [("prod-a", 40)]
    assert [p.id for p in graph.products] == ["prod-a", "prod-b"]
    assert graph.parent is not None and graph.parent.id == "c-acme"
    assert [s.id for s in store.account_graph("c-acme").subsidiaries] == ["c-acme-cn"]


def test_a_deal_names_its_whole_account(store: GraphStore) -> None:
    load(store)
    deals = store.account_graph("c-acme-cn").deals
    assert [d.id for d in deals] == ["d-1"]
    for deal in deals:
        assert store.deal_account_graph(deal.id) == store.account_graph("c-acme-cn")
        assert deal in store.deal_account_graph(deal.id).deals


def test_unknown_ids_raise_not_found(store: GraphStore) -> None:
    load(store)
    for call in (store.account_graph, store.get_company):
        with pytest.raises(NotFoundError):
            call("nope")
    with pytest.raises(NotFoundError):
        store.get_person("nope")
    with pytest.raises(NotFoundError):
        store.get_deal("nope")
    with pytest.raises(NotFoundError, match="deal"):
        store.deal_account_graph("nope")
    with pytest.raises(NotFoundError):
        store.erase_person("nope")


def test_list_accounts_filters_and_pages(store: GraphStore) -> None:
    load(store)
    page = store.list_accounts(limit=2)
    assert page.count == 3 and [c.id for c in page.data] == ["c-acme", "c-globex"]
    assert [c.id for c in store.list_accounts(offset=2, limit=2).data] == ["c-acme-cn"]
    assert [c.id for c in store.list_accounts(search="艾克美").data] == ["c-acme-cn"]
    assert [c.id for c in store.list_accounts(search="GLOBEX.DE").data] == ["c-globex"]
    assert store.list_accounts(industry="Manufacturing").count == 2
    assert [c.id for c in store.list_accounts(status="customer").data] == ["c-acme"]
    assert store.list_accounts(search="zzz").count == 0


def test_list_people_filters_and_pages(store: GraphStore) -> None:
    load(store)
    assert store.list_people(limit=500).count == 6
    staff = store.list_people(company_id="c-acme-cn")
    assert [p.id for p in staff.data] == ["p-eng", "p-cfo", "p-ceo", "p-it", "p-left"]  # by name
    assert [p.id for p in store.list_people(search="财务").data] == ["p-cfo"]
    assert [p.id for p in store.list_people(search="JANE@").data] == ["p-us"]


@pytest.mark.parametrize(("offset", "limit"), [(-1, 10), (0, 0), (0, 10_000)])
def test_bad_paging_is_refused(store: GraphStore, offset: int, limit: int) -> None:
    with pytest.raises(InvalidInputError):
        store.list_accounts(offset=offset, limit=limit)


def test_ownership_covers_every_account(store: GraphStore) -> None:
    load(store)
    companies, holdings = store.ownership()
    assert [c.id for c in companies] == ["c-acme", "c-acme-cn", "c-globex"]
    assert {(h.company_id, h.product_id) for h in holdings} == {
        ("c-acme", "prod-a"),
        ("c-acme", "prod-b"),
        ("c-acme-cn", "prod-a"),
    }


def test_erasure_removes_the_person_and_what_only_concerned_them(store: GraphStore) -> None:
    load(store)
    before = store.counts()
    report = store.erase_person("p-eng")
    assert report.removed_nodes == {"Person": 1, "Touch": 1}  # t-3 was with p-eng alone
    after = store.counts()
    assert after.nodes["Person"] == before.nodes["Person"] - 1
    assert after.nodes["Touch"] == before.nodes["Touch"] - 1
    # p-eng had WORKS_AT, two REPORTS_TO and a KNOWS tie; t-3 had one WITH
    assert report.removed_relationships == 5
    assert sum(before.relationships.values()) - sum(after.relationships.values()) == 5
    with pytest.raises(NotFoundError):
        store.get_person("p-eng")
    # a shared touch survives without the erased attendee
    store.erase_person("p-cfo")
    graph = store.account_graph("c-acme-cn")
    meeting = next(t for t in account_touches(store, "c-acme-cn") if t.id == "t-1")
    assert meeting.person_ids == ["p-it"]
    assert all(c.person_id != "p-cfo" for c in graph.committee)


def test_touch_attendees_accumulate(store: GraphStore) -> None:
    load(store)
    store.upsert("touches", [Touch(id="t-4", at="2026-05-05T10:00:00", kind="call", person_ids=["p-ceo"])])
    touch = next(t for t in account_touches(store, "c-acme-cn") if t.id == "t-4")
    assert touch.person_ids == ["p-ceo", "p-us"]
    assert touch.rep_id == "r-1"  # not given again: kept


def test_a_batch_of_the_wrong_kind_is_refused(store: GraphStore) -> None:
    with pytest.raises(InvalidInputError):
        store.upsert("people", [Company(id="x", name="x")])
    with pytest.raises(InvalidInputError):
        store.upsert("robots", [])


def test_touches_about_a_deal_are_read_with_its_account(store: GraphStore) -> None:
    """Both stores give an account its deal-linked touches per deal, person and day (suggested
    committee members count them), and a second write of the same touch counts once."""
    store.upsert_all(world())
    store.upsert_all(world())
    rows = store.account_graph("c-acme-cn").deal_touches
    assert [(r.deal_id, r.person_id, r.day.isoformat(), r.count) for r in rows] == [
        ("d-1", "p-cfo", "2026-05-01", 1),
        ("d-1", "p-it", "2026-05-01", 1),
    ]
    store.upsert(
        "touches",
        [Touch(id="t-9", at="2026-05-02T10:00:00", kind="call", person_ids=["p-it"], deal_id="d-1")],
    )
    rows = store.account_graph("c-acme-cn").deal_touches
    assert [(r.person_id, r.day.isoformat()) for r in rows if r.person_id == "p-it"] == [
        ("p-it", "2026-05-01"),
        ("p-it", "2026-05-02"),
    ]
