"""Engagement trends (people, deals, account), the split risk, account classes and product usage."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from graph.analyses import analyze_account
from graph.analyses.results import AccountClass, Trend
from graph.model import (
    AccountGraph,
    BuyingRole,
    CommitteeRole,
    Company,
    CompanyStatus,
    Deal,
    DealStatus,
    Holding,
    Person,
    Product,
    Rep,
    Touch,
    TouchKind,
)
from graph.model import Function as F
from graph.model import Seniority as S

AS_OF = date(2026, 6, 30)


def _day(days_ago: int) -> datetime:
    return datetime.combine(AS_OF - timedelta(days=days_ago), datetime.min.time()).replace(hour=10)


def _account(
    *, usage_days_ago: list[int], committee_days_ago: list[int], status: CompanyStatus
) -> AccountGraph:
    """Ten users, a champion on an open deal, one product held with ten seats."""
    people = [Person(id=f"u{i}", name=f"User {i}", company_id="c", seniority=S.INDIVIDUAL) for i in range(10)]
    people.append(Person(id="champ", name="Cy Champ", company_id="c", seniority=S.MANAGER, function=F.IT))
    touches = [
        Touch(id=f"use{i}", at=_day(days), kind=TouchKind.PRODUCT_USAGE, person_ids=[f"u{i}"])
        for i, days in enumerate(usage_days_ago)
    ]
    touches += [
        Touch(id=f"m{i}", at=_day(days), kind=TouchKind.MEETING, person_ids=["champ"], rep_id="r")
        for i, days in enumerate(committee_days_ago)
    ]
    return AccountGraph(
        company=Company(id="c", name="C", status=status, employees=2000),
        people=people,
        reps=[Rep(id="r", name="Rep")],
        products=[Product(id="p", name="P")],
        holdings=[Holding(company_id="c", product_id="p", seats=10)]
        if status == CompanyStatus.CUSTOMER
        else [],
        deals=[Deal(id="d", company_id="c", name="Renewal", status=DealStatus.OPEN, amount=5000)],
        committee=[CommitteeRole(deal_id="d", person_id="champ", role=BuyingRole.CHAMPION)],
        touches=touches,
    )


def test_trends_compare_the_last_30_days_with_the_90_before_per_person_deal_and_account() -> None:
    falling = analyze_account(
        _account(
            usage_days_ago=[1] * 9, committee_days_ago=[40, 50, 60, 70, 80, 90], status=CompanyStatus.CUSTOMER
        ),
        as_of=AS_OF,
    )
    deal = falling.deals[0]
    assert deal.engagement_trend == Trend.FALLING
    assert {p.person_id: p.trend for p in falling.engagement.people}["champ"] == Trend.FALLING
    assert falling.engagement.trend == Trend.RISING  # nine users this month, none before
    # Deal risk (the committee went quiet) and usage are told apart.
    assert (
        falling.engagement.deal_risk
        and "Renewal: committee engagement falling" in falling.engagement.deal_risk_reason
    )
    assert falling.account_class == AccountClass.AT_RISK and falling.account_class_reason.startswith(
        "deal risk"
    )


def test_product_usage_near_the_seats_signals_an_upgrade_and_a_large_engaged_customer_expands() -> None:
    busy = analyze_account(
        _account(
            usage_days_ago=[1, 2, 3, 3, 5, 10, 12, 20, 25],
            committee_days_ago=[2, 40],
            status=CompanyStatus.CUSTOMER,
        ),
        as_of=AS_OF,
    )
    usage = busy.product_usage
    assert usage is not None and (usage.seats, usage.active_7d, usage.active_30d) == (10, 5, 9)
    assert usage.utilisation == 0.9 and usage.upgrade_signal and "upgrade" in usage.explanation
    assert not busy.engagement.deal_risk and not busy.engagement.usage_risk
    assert busy.account_class == AccountClass.EXPAND


def test_a_prospect_has_no_usage_roll_up_and_a_quiet_one_is_nurtured() -> None:
    quiet = analyze_account(
        _account(usage_days_ago=[], committee_days_ago=[200], status=CompanyStatus.PROSPECT), as_of=AS_OF
    )
    assert quiet.product_usage is None
    assert quiet.engagement.trend == Trend.NONE and quiet.deals[0].engagement_trend == Trend.NONE
    # Nobody on the committee touched in 30 days is a deal risk even without a falling trend.
    assert (
        quiet.engagement.deal_risk and "nobody on the committee touched" in quiet.engagement.deal_risk_reason
    )
