"""Contract for the read API's cross-account lists (issue 22): people filtered by buying role,
seniority, function, engagement state, kept key-person rank, account and search, and our reps with
their accounts, paged and sorted on the store, alike on both stores."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from graph.analyses import analyze_account
from graph.analyses.directory import PeopleFilter
from graph.analyses.portfolio import PersonResult, account_result
from graph.errors import InvalidInputError, NotFoundError
from graph.model import CommitteeRole, Company, Deal, Person, Rep, Touch
from graph.stores.base import GraphStore

AS_OF = date(2025, 6, 1)  # with 90 engaged days, a touch on or after 2025-03-03 is engaged


def _load(store: GraphStore) -> None:
    store.upsert_all(
        [
            ("companies", [Company(id="c-1", name="Acme"), Company(id="c-2", name="Globex")]),
            (
                "people",
                [
                    Person(
                        id="p-ceo",
                        name="Ada Lin",
                        title="CEO",
                        company_id="c-1",
                        seniority="c_level",
                        function="executive",
                    ),
                    Person(
                        id="p-cfo",
                        name="Bob Wu",
                        title="财务总监",
                        company_id="c-1",
                        seniority="director",
                        function="finance",
                    ),
                    Person(
                        id="p-eng",
                        name="Cara Diaz",
                        title="Engineer",
                        company_id="c-1",
                        seniority="individual",
                        function="engineering",
                    ),
                    Person(id="p-x", name="Dan Roe", email="dan@globex.com", company_id="c-2"),
                    Person(
                        id="p-zoe",
                        name="Zoë Ångström",
                        title="IT Manager",
                        company_id="c-2",
                        seniority="manager",
                        function="it",
                    ),
                ],
            ),
            (
                "reps",
                [
                    Rep(id="r-1", name="Rita East", email="rita@us.example", team="east", kind="sales"),
                    Rep(id="r-2", name="Sam West", team="west", kind="presales"),
                    Rep(id="r-3", name="Quinn Idle", team="east", kind="success"),
                ],
            ),
            (
                "deals",
                [
                    Deal(id="d-1", company_id="c-1", name="Acme renewal", owner_rep_id="r-1"),
                    Deal(id="d-2", company_id="c-2", name="Globex pilot", owner_rep_id="r-2"),
                ],
            ),
            (
                "committee",
                [
                    CommitteeRole(deal_id="d-1", person_id="p-ceo", role="decision_maker"),
                    CommitteeRole(deal_id="d-1", person_id="p-cfo", role="economic_buyer"),
                    CommitteeRole(deal_id="d-2", person_id="p-x", role="champion"),
                ],
            ),
            (
                "touches",
                [
                    Touch(
                        id="t-1",
                        at=datetime(2025, 5, 20, 10),
                        kind="meeting",
                        person_ids=["p-ceo", "p-cfo"],
                        rep_id="r-1",
                    ),
                    Touch(
                        id="t-2", at=datetime(2025, 1, 10, 9), kind="call", person_ids=["p-x"], rep_id="r-2"
                    ),
                    # after AS_OF: Cara counts as never touched on AS_OF
                    Touch(
                        id="t-3", at=datetime(2025, 7, 1, 9), kind="call", person_ids=["p-eng"], rep_id="r-1"
                    ),
                    # the first engaged day, and the last day before it
                    Touch(
                        id="t-4",
                        at=datetime(2025, 3, 3, 0, 5),
                        kind="email",
                        person_ids=["p-zoe"],
                        rep_id="r-2",
                    ),
                    Touch(
                        id="t-5",
                        at=datetime(2025, 3, 2, 23, 55),
                        kind="email",
                        person_ids=["p-x"],
                        rep_id="r-1",
                    ),
                ],
            ),
        ]
    )
    ranks = {"c-1": ["p-ceo", "p-cfo", "p-eng"], "c-2": ["p-x", "p-zoe"]}
    results = []
    for cid, ranked in ranks.items():
        account = store.account_graph(cid)
        result = account_result(
            account, analyze_account(account, as_of=AS_OF), computed_at=datetime(2025, 6, 1, tzinfo=UTC)
        )
        people = [
            PersonResult(person_id=pid, rank=i + 1, score=1.0 / (i + 1)) for i, pid in enumerate(ranked)
        ]
        results.append(result.model_copy(update={"key_people": people}))
    assert store.write_results(results) == 2


def _people(store: GraphStore, **filters: object) -> list[str]:
    page = store.list_people_filtered(PeopleFilter(as_of=AS_OF, **filters))  # type: ignore[arg-type]
    assert page.count == len(page.data)
    return [item.person.id for item in page.data]


def test_people_are_filtered_by_seniority_function_and_role(store: GraphStore) -> None:
    _load(store)
    assert _people(store) == ["p-ceo", "p-cfo", "p-eng", "p-x", "p-zoe"]
    assert _people(store, seniorities=["c_level"]) == ["p-ceo"]
    assert _people(store, seniorities=["unknown"]) == ["p-x"]  # no seniority counts as unknown
    assert _people(store, seniorities=["c_level", "manager"]) == ["p-ceo", "p-zoe"]
    assert _people(store, functions=["finance"]) == ["p-cfo"]
    assert _people(store, roles=["decision_maker", "champion"]) == ["p-ceo", "p-x"]
    assert _people(store, roles=["blocker"]) == []
    assert _people(store, account_id="c-2") == ["p-x", "p-zoe"]
    assert _people(store, account_id="c-2", seniorities=["manager"]) == ["p-zoe"]


def test_people_are_filtered_by_engagement_on_the_day_asked(store: GraphStore) -> None:
    _load(store)
    assert _people(store, engagement=["engaged"]) == ["p-ceo", "p-cfo", "p-zoe"]
    assert _people(store, engagement=["cooling"]) == ["p-x"]
    assert _people(store, engagement=["never"]) == ["p-eng"]
    assert _people(store, engagement=["cooling", "never"]) == ["p-eng", "p-x"]
    # a month later Zoë's touch of 3 March has left the window; Cara's of 1 July now counts
    later = store.list_people_filtered(PeopleFilter(as_of=date(2025, 7, 1), engagement=["engaged"]))
    assert [i.person.id for i in later.data] == ["p-ceo", "p-cfo", "p-eng"]


def test_people_are_filtered_by_kept_rank_and_search(store: GraphStore) -> None:
    _load(store)
    assert _people(store, max_rank=1) == ["p-ceo", "p-x"]
    assert _people(store, max_rank=2) == ["p-ceo", "p-cfo", "p-x", "p-zoe"]
    assert _people(store, search="zoe angstrom") == ["p-zoe"]
    assert _people(store, search="财务") == ["p-cfo"]  # titles are searched too
    assert _people(store, search="DAN@GLOBEX") == ["p-x"]
    assert _people(store, search="p-eng") == ["p-eng"]


def test_people_rows_carry_what_the_filters_looked_at(store: GraphStore) -> None:
    _load(store)
    rows = {i.person.id: i for i in store.list_people_filtered(PeopleFilter(as_of=AS_OF)).data}
    ada = rows["p-ceo"]
    assert (ada.person.name, ada.roles, ada.last_touch, ada.engagement, ada.rank) == (
        "Ada Lin",
        ["decision_maker"],
        date(2025, 5, 20),
        "engaged",
        1,
    )
    assert ada.influence == pytest.approx(1.0)
    assert rows["p-x"].last_touch == date(2025, 3, 2) and rows["p-x"].engagement == "cooling"
    assert rows["p-eng"].last_touch is None and rows["p-eng"].engagement == "never"
    assert rows["p-zoe"].roles == [] and rows["p-zoe"].rank == 2


def test_people_are_sorted_and_paged_on_the_store(store: GraphStore) -> None:
    _load(store)
    assert _people(store, sort="rank") == ["p-ceo", "p-x", "p-cfo", "p-zoe", "p-eng"]
    assert _people(store, sort="rank", descending=True) == ["p-eng", "p-cfo", "p-zoe", "p-ceo", "p-x"]
    # Cara has no touch up to AS_OF: last whichever the direction
    assert _people(store, sort="last_touch") == ["p-x", "p-zoe", "p-ceo", "p-cfo", "p-eng"]
    assert _people(store, sort="last_touch", descending=True) == ["p-ceo", "p-cfo", "p-zoe", "p-x", "p-eng"]
    page = store.list_people_filtered(PeopleFilter(as_of=AS_OF, sort="rank"), offset=1, limit=2)
    assert page.count == 5 and [i.person.id for i in page.data] == ["p-x", "p-cfo"]
    assert page.data[0].engagement == "cooling"  # worked out for the page too when no filter asked
    with pytest.raises(InvalidInputError):
        store.list_people_filtered(PeopleFilter(as_of=AS_OF, sort="email"))


def test_reps_are_listed_with_how_many_accounts_they_work_on(store: GraphStore) -> None:
    _load(store)
    page = store.list_reps()
    assert [(r.rep.id, r.accounts) for r in page.data] == [("r-3", 0), ("r-1", 2), ("r-2", 1)]
    assert page.count == 3
    assert [r.rep.id for r in store.list_reps(search="RITA").data] == ["r-1"]
    assert [r.rep.id for r in store.list_reps(team="east").data] == ["r-3", "r-1"]
    assert [r.rep.id for r in store.list_reps(kind="presales").data] == ["r-2"]
    second = store.list_reps(offset=1, limit=1)
    assert second.count == 3 and [r.rep.id for r in second.data] == ["r-1"]


def test_a_reps_accounts_are_the_deals_they_own_and_the_people_they_touched(store: GraphStore) -> None:
    _load(store)
    assert store.get_rep("r-1").name == "Rita East"
    accounts = store.rep_accounts("r-1")
    assert [(a.account.id, a.owned_deals, a.touches, a.last_touch) for a in accounts.data] == [
        ("c-1", 1, 2, date(2025, 7, 1)),  # t-1 met two people: one touch
        ("c-2", 0, 1, date(2025, 3, 2)),
    ]
    assert [(a.account.id, a.owned_deals, a.touches) for a in store.rep_accounts("r-2").data] == [
        ("c-2", 1, 2)
    ]
    assert store.rep_accounts("r-3").count == 0
    paged = store.rep_accounts("r-1", offset=1, limit=1)
    assert paged.count == 2 and [a.account.id for a in paged.data] == ["c-2"]
    with pytest.raises(NotFoundError):
        store.get_rep("r-nobody")
    with pytest.raises(NotFoundError):
        store.rep_accounts("r-nobody")
