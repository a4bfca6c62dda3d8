"""Cross-sell on a hand-built installed base, and relationship leads."""

from __future__ import annotations

import math
from datetime import date

import pytest

from graph.analyses import AnalysisConfig, LeadKind, OwnershipIndex, analyze_account, cross_sell_all
from graph.analyses.config import CrossSellWeights
from graph.analyses.cross_sell import recommend
from graph.model import (
    AccountGraph,
    CommitteeRole,
    Company,
    Deal,
    Employment,
    Holding,
    Person,
)

AS_OF = date(2026, 6, 30)


def base() -> tuple[list[Company], list[Holding]]:
    """a owns x; b and c own x and y; d owns z; e owns x and churned y."""
    companies = [Company(id=c, name=c.upper()) for c in "abcde"]
    owned = {"a": "x", "b": "xy", "c": "xy", "d": "z", "e": "x"}
    holdings = [Holding(company_id=c, product_id=p) for c, ps in owned.items() for p in ps]
    holdings.append(Holding(company_id="e", product_id="y", status="churned"))
    return companies, holdings


def evidence(item: object, signal: str) -> float:
    return next(e.value for e in item.evidence if e.signal == signal)  # type: ignore[attr-defined]


def test_signals_worked_out_by_hand() -> None:
    companies, holdings = base()
    items = recommend(OwnershipIndex.build(companies, holdings), "a")
    assert [i.product_id for i in items] == ["y"]  # z: no similar owner, never owned with x
    y = items[0]
    # Similar accounts: cos(a, b) = cos(a, c) = 1/sqrt(2), cos(a, e) = 1, cos(a, d) = 0;
    # b and c own y, e does not (churned): (2 / sqrt 2) / (2 / sqrt 2 + 1).
    s = 2 / math.sqrt(2)
    assert evidence(y, "similar_accounts") == pytest.approx(s / (s + 1), abs=1e-4)
    # Owned together: of the 4 owners of x, 2 own y.
    assert evidence(y, "owned_together") == pytest.approx(0.5)
    assert y.score == pytest.approx(0.5 * s / (s + 1) + 0.3 * 0.5, abs=1e-4)


def test_owned_and_churned_products_are_never_recommended() -> None:
    companies, holdings = base()
    out = cross_sell_all(companies, holdings)
    owned = {(h.company_id, h.product_id) for h in holdings}
    for company_id, items in out.items():
        for item in items:
            assert (company_id, item.product_id) not in owned
    assert out["e"] == [] or all(i.product_id != "y" for i in out["e"])
    assert out["b"] == []  # z is the only product b lacks: no similar owner, never owned with x or y


def test_chunks_and_single_account_agree() -> None:
    companies, holdings = base()
    index = OwnershipIndex.build(companies, holdings)
    whole = cross_sell_all(companies, holdings, index=index)
    chunked = cross_sell_all(companies, holdings, index=index, chunk=2)
    assert whole == chunked
    for company in companies:
        assert recommend(index, company.id) == whole[company.id]


def test_industry_adoption_and_similarity_bonus() -> None:
    companies = [
        Company(id="new", name="New", industry="Retail"),
        Company(id="r1", name="R1", industry="Retail"),
        Company(id="r2", name="R2", industry="Retail"),
        Company(id="o1", name="O1", industry="Oil"),
    ]
    holdings = [
        Holding(company_id="r1", product_id="pos"),
        Holding(company_id="r2", product_id="pos"),
        Holding(company_id="o1", product_id="pipe"),
    ]
    items = recommend(OwnershipIndex.build(companies, holdings), "new")
    # "new" owns nothing: only industry adoption speaks, 2 of 3 retail accounts own pos.
    assert [i.product_id for i in items] == ["pos"]
    assert evidence(items[0], "industry_adoption") == pytest.approx(2 / 3, abs=1e-4)
    only_similar = AnalysisConfig(cross_sell=CrossSellWeights(industry_adoption=0))
    assert recommend(OwnershipIndex.build(companies, holdings), "new", config=only_similar) == []


def test_relationship_leads_parent_subsidiary_and_moved_champion() -> None:
    parent = Company(id="p", name="Parent")
    sub = Company(id="s", name="Sub", parent_id="c")
    company = Company(id="c", name="C", parent_id="p", status="customer")
    elsewhere = Company(id="n", name="NewCo")
    holdings = [
        Holding(company_id="c", product_id="x"),
        Holding(company_id="c", product_id="y"),
        Holding(company_id="p", product_id="x"),
    ]
    account = AccountGraph(
        company=company,
        parent=parent,
        subsidiaries=[sub],
        people=[Person(id="fan", name="Fan", company_id="n"), Person(id="stay", name="Stay", company_id="c")],
        employment=[
            Employment(person_id="fan", company_id="c", until=date(2025, 12, 31)),
            Employment(person_id="stay", company_id="c"),
        ],
        deals=[Deal(id="won", company_id="c", status="won")],
        committee=[
            CommitteeRole(deal_id="won", person_id="fan", role="champion"),
            CommitteeRole(deal_id="won", person_id="stay", role="decision_maker"),
        ],
        holdings=holdings[:2],
    )
    index = OwnershipIndex.build([parent, sub, company, elsewhere], holdings)
    leads = analyze_account(account, as_of=AS_OF, ownership=index).relationship_leads
    by_kind = {lead.kind: lead for lead in leads}
    assert by_kind[LeadKind.PARENT_LACKS_PRODUCTS].product_ids == ["y"]
    assert by_kind[LeadKind.SUBSIDIARY_LACKS_PRODUCTS].product_ids == ["x", "y"]
    moved = by_kind[LeadKind.MOVED_CHAMPION]
    assert (moved.person_id, moved.company_id, moved.company_name) == ("fan", "n", "NewCo")
    assert len(leads) == 3


def test_items_are_named_from_the_whole_catalogue_not_the_accounts_own_products() -> None:
    companies, holdings = base()
    catalogue = {"x": "Analytics", "y": "Data Guard", "z": "Edge Sync"}
    index = OwnershipIndex.build(companies, holdings, names=catalogue)
    account = AccountGraph(company=companies[0])  # owns x, and lists none of its products' names
    result = analyze_account(account, as_of=AS_OF, ownership=index)
    assert [(i.product_id, i.name) for i in result.cross_sell] == [("y", "Data Guard")]


def test_a_product_of_an_open_deal_is_never_recommended() -> None:
    from graph.model import DealProduct

    companies, holdings = base()
    index = OwnershipIndex.build(companies, holdings, names={"y": "Data Guard"})
    won = Deal(id="won", company_id="a", status="won")
    account = AccountGraph(
        company=companies[0], deals=[won], deal_products=[DealProduct(deal_id="won", product_id="y")]
    )
    assert [i.product_id for i in analyze_account(account, as_of=AS_OF, ownership=index).cross_sell] == ["y"]
    open_deal = Deal(id="open", company_id="a", status="open")
    account.deals = [won, open_deal]
    account.deal_products = [DealProduct(deal_id="open", product_id="y")]
    assert analyze_account(account, as_of=AS_OF, ownership=index).cross_sell == []
    assert cross_sell_all(companies, holdings, offered={"a": {"y"}})["a"] == []
