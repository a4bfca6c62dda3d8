"""Deal gaps on a hand-built account whose every gap is worked out below, kind by kind."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from graph.analyses import AnalysisConfig, GapKind, analyze_account, deal_analysis_of
from graph.analyses.config import CommitteeTemplate
from graph.analyses.gaps import choose_template
from graph.errors import NotFoundError
from graph.model import (
    AccountGraph,
    CommitteeRole,
    Company,
    Deal,
    DealProduct,
    Employment,
    Person,
    Product,
    Rep,
    Reporting,
    Touch,
)

AS_OF = date(2026, 6, 30)


def at(days_before: int) -> datetime:
    return datetime.combine(AS_OF - timedelta(days=days_before), datetime.min.time()).replace(hour=10)


def person(pid: str, seniority: str, function: str, manager: str | None = None) -> Person:
    return Person(
        id=pid,
        name=pid.upper(),
        company_id="c",
        seniority=seniority,
        function=function,
        reports_to_id=manager,
    )


def world(extra: list[Touch] | None = None) -> AccountGraph:
    """ceo <- vpf <- dit <- mgr; vpf <- proc; ceo <- legal; old has left.

    Touches: dit 10 days ago, mgr 5 days ago, proc 200 days ago; ceo, vpf, legal never.
    Deal big (150,000): mgr champion; dit technical_evaluator (crm) but influencer (presales);
    proc procurement; old and ceo both decision_maker.
    Deal small (5,000): mgr champion only.
    """
    people = [
        person("ceo", "c_level", "executive"),
        person("vpf", "vp", "finance", "ceo"),
        person("dit", "director", "it", "vpf"),
        person("mgr", "manager", "it", "dit"),
        person("proc", "individual", "procurement", "vpf"),
        person("legal", "individual", "legal", "ceo"),
        person("old", "director", "operations"),
    ]
    reporting = [
        Reporting(person_id=p.id, manager_id=p.reports_to_id) for p in people if p.reports_to_id is not None
    ]
    employment = [Employment(person_id=p.id, company_id="c") for p in people if p.id != "old"]
    employment.append(Employment(person_id="old", company_id="c", until=date(2026, 1, 1)))
    committee = [
        CommitteeRole(deal_id="big", person_id="mgr", role="champion"),
        CommitteeRole(deal_id="big", person_id="dit", role="technical_evaluator", source="crm"),
        CommitteeRole(deal_id="big", person_id="dit", role="influencer", source="presales"),
        CommitteeRole(deal_id="big", person_id="proc", role="procurement"),
        CommitteeRole(deal_id="big", person_id="old", role="decision_maker"),
        CommitteeRole(deal_id="big", person_id="ceo", role="decision_maker"),
        CommitteeRole(deal_id="small", person_id="mgr", role="champion"),
    ]
    touches = [
        Touch(id="t1", at=at(10), kind="meeting", person_ids=["dit"], rep_id="r"),
        Touch(id="t2", at=at(5), kind="call", person_ids=["mgr"], rep_id="r"),
        Touch(id="t3", at=at(200), kind="email", person_ids=["proc"], rep_id="r"),
    ]
    return AccountGraph(
        company=Company(id="c", name="C"),
        people=people,
        employment=employment,
        reporting=reporting,
        deals=[
            Deal(id="big", company_id="c", amount=150_000, status="open"),
            Deal(id="small", company_id="c", amount=5_000, status="open"),
        ],
        committee=committee,
        touches=touches + (extra or []),
        reps=[Rep(id="r", name="Rita")],
    )


def gap_set(result: object, deal_id: str) -> set[tuple[str, str | None, str | None]]:
    deal = next(d for d in result.deals if d.deal_id == deal_id)  # type: ignore[attr-defined]
    return {(g.kind.value, g.role.value if g.role else None, g.person_id) for g in deal.gaps}


def test_every_gap_kind_on_the_large_deal() -> None:
    result = analyze_account(world(), as_of=AS_OF)
    expected = {
        # Required by the large template, held by nobody.
        ("missing_role", "economic_buyer", None),
        ("missing_role", "legal_compliance", None),
        ("missing_role", "executive_sponsor", None),
        # Holders exist but none was touched in the last 90 days (old: left; ceo: never; proc: 200 days).
        ("stale_role", "decision_maker", None),
        ("stale_role", "procurement", None),
        # Engaged members are mgr (manager) and dit (director): nobody at vp or above.
        ("no_executive", None, None),
        # Up to two levels above mgr: dit (touched), vpf (never touched, vp); above dit: vpf, ceo.
        ("unengaged_superior", None, "vpf"),
        ("unengaged_superior", None, "ceo"),
        ("departed_member", None, "old"),
        # crm says technical_evaluator, presales says influencer.
        ("role_conflict", None, "dit"),
        # old and ceo are both asserted as the only decision maker.
        ("role_conflict", "decision_maker", None),
    }
    assert gap_set(result, "big") == expected


def test_small_deal_is_single_threaded_and_lacks_a_decision_maker() -> None:
    result = analyze_account(world(), as_of=AS_OF)
    assert gap_set(result, "small") == {
        ("missing_role", "decision_maker", None),
        ("single_threaded", None, None),
        # mgr is engaged: dit was touched, vpf two levels up never was.
        ("unengaged_superior", None, "vpf"),
    }
    small = next(d for d in result.deals if d.deal_id == "small")
    assert small.template == "small" and small.engaged == ["mgr"]


def test_missing_role_names_candidates_by_function_and_a_warm_path() -> None:
    result = analyze_account(world(), as_of=AS_OF)
    big = next(d for d in result.deals if d.deal_id == "big")
    legal = next(
        g
        for g in big.gaps
        if g.kind == GapKind.MISSING_ROLE and g.role and g.role.value == "legal_compliance"
    )
    assert legal.people[0] == "legal"
    economic = next(g for g in big.gaps if g.role is not None and g.role.value == "economic_buyer")
    # vpf is the only finance person and a vp; legal reports to the ceo, who is on the committee.
    assert economic.people[0] == "vpf"
    # vpf is reachable: rep -> dit (touch) -> vpf (reporting line).
    assert "RITA" not in economic.next_step and "Rita (our rep) -> DIT -> VPF" in economic.next_step
    assert all(g.detail and g.next_step for g in big.gaps)


def test_engaged_window_is_inclusive_of_its_first_day() -> None:
    account = world([Touch(id="t4", at=at(90), kind="email", person_ids=["proc"], rep_id="r")])
    assert ("stale_role", "procurement", None) not in gap_set(analyze_account(account, as_of=AS_OF), "big")
    account = world([Touch(id="t4", at=at(91), kind="email", person_ids=["proc"], rep_id="r")])
    assert ("stale_role", "procurement", None) in gap_set(analyze_account(account, as_of=AS_OF), "big")


def test_touches_after_as_of_do_not_count() -> None:
    """The same data analysed at an earlier date: mgr's call 5 days before AS_OF is in its future."""
    earlier = AS_OF - timedelta(days=7)
    result = analyze_account(world(), as_of=earlier)
    assert next(d for d in result.deals if d.deal_id == "small").engaged == []


def test_configured_thresholds_change_the_answer() -> None:
    config = AnalysisConfig(engaged_days=365, executive_min_amount=1_000_000)
    gaps = gap_set(analyze_account(world(), as_of=AS_OF, config=config), "big")
    assert ("stale_role", "procurement", None) not in gaps  # proc touched 200 days ago: engaged now
    assert ("no_executive", None, None) not in gaps


def test_template_by_deal_size_and_product_family() -> None:
    config = AnalysisConfig(
        templates=(
            *AnalysisConfig().templates,
            CommitteeTemplate(
                name="security",
                min_amount=0,
                product_family="security",
                roles=("decision_maker", "legal_compliance"),
            ),
        )
    )
    assert choose_template(9_999, [], config.templates).name == "small"
    assert choose_template(10_000, [], config.templates).name == "mid"
    assert choose_template(100_000, ["security"], config.templates).name == "large"
    assert choose_template(5_000, ["security"], config.templates).name == "security"

    account = world()
    account.products = [Product(id="fw", name="Firewall", family="security")]
    account.deal_products = [DealProduct(deal_id="small", product_id="fw")]
    result = analyze_account(account, as_of=AS_OF, config=config)
    small = next(d for d in result.deals if d.deal_id == "small")
    assert small.template == "security"
    assert ("missing_role", "legal_compliance", None) in gap_set(result, "small")
    assert ("missing_role", "champion", None) not in gap_set(result, "small")


def test_a_config_without_a_base_template_is_refused() -> None:
    with pytest.raises(ValueError, match="min_amount 0"):
        AnalysisConfig(templates=(CommitteeTemplate(name="big", min_amount=10, roles=("champion",)),))


def test_one_deal_alone_equals_that_deal_of_the_full_analysis(tmp_path: Path) -> None:
    """deal_analysis_of skips engagement, cross-sell and explanations; the deal must not differ."""
    from ingest.titles import classify_title
    from tests.unit.generated_world import loaded_world

    store, as_of, accounts = loaded_world(tmp_path, 12, seed=7)
    compared = 0
    for t in accounts:
        account = store.account_graph(t["account_id"])
        full = {d.deal_id: d for d in analyze_account(account, as_of=as_of, classify=classify_title).deals}
        for deal in account.deals:
            alone = deal_analysis_of(account, deal.id, as_of=as_of, classify=classify_title)
            one = analyze_account(account, as_of=as_of, deal_id=deal.id, classify=classify_title).deals
            assert [alone] == one
            if deal.id in full:
                assert alone == full[deal.id]
                compared += 1
    assert compared >= 10
    with pytest.raises(NotFoundError):
        deal_analysis_of(account, "no-such-deal", as_of=as_of)
