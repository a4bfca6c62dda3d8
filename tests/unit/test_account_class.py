"""Engagement trends (people, deals, account), the split risk, account classes and product usage."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from graph.analyses import analyze_account
from graph.analyses.messages import Message, render
from graph.analyses.org_inference import infer_reporting_lines
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


_HAN = re.compile(r"[\u4e00-\u9fff]")
#: English words or raw values that must not show in a Chinese text.
_NOT_CHINESE = re.compile(
    r"\b(risk|usage|deals?|falling|rising|steady|committee|nobody|customer|engaged|"
    r"seats|level|function|stage|c_level|individual|evaluation|decision)\b|_"
)


def _chinese(message: Message | None) -> str:
    assert message is not None
    text = render(message, "zh-CN")
    assert _HAN.search(text) and not _NOT_CHINESE.search(text), text
    return text


def test_class_risk_usage_and_stage_reasons_read_in_chinese() -> None:
    falling = analyze_account(
        _account(
            usage_days_ago=[1] * 9, committee_days_ago=[40, 50, 60, 70, 80, 90], status=CompanyStatus.CUSTOMER
        ),
        as_of=AS_OF,
    )
    e = falling.engagement
    assert _chinese(falling.account_class_reason_message).startswith("商机风险：Renewal：委员会互动下降")
    assert _chinese(e.deal_risk_reason_message) and _chinese(e.at_risk_reason_message).startswith("商机：")
    assert _chinese(e.buying_stage_reason_message) and _chinese(e.trend_reason_message)
    # The English texts are the same messages rendered in English.
    assert render(falling.account_class_reason_message, "en") == falling.account_class_reason  # type: ignore[arg-type]
    busy = analyze_account(
        _account(
            usage_days_ago=[1, 2, 3, 3, 5, 10, 12, 20, 25],
            committee_days_ago=[2, 40],
            status=CompanyStatus.CUSTOMER,
        ),
        as_of=AS_OF,
    )
    assert busy.product_usage is not None
    assert "扩容" in _chinese(busy.product_usage.explanation_message)
    assert "2,000 名员工" in _chinese(busy.account_class_reason_message)
    silent = analyze_account(
        _account(usage_days_ago=[], committee_days_ago=[200], status=CompanyStatus.CUSTOMER), as_of=AS_OF
    )
    assert _chinese(silent.engagement.usage_risk_reason_message) == "没有任何客户主动往来或产品使用记录"
    quiet = analyze_account(
        _account(usage_days_ago=[], committee_days_ago=[200], status=CompanyStatus.PROSPECT), as_of=AS_OF
    )
    assert _chinese(quiet.account_class_reason_message) and _chinese(
        quiet.engagement.deal_risk_reason_message
    )


def test_inferred_reporting_lines_explain_themselves_in_chinese() -> None:
    lines = infer_reporting_lines(
        ["ceo", "cfo", "acct"],
        seniority={"ceo": S.C_LEVEL, "cfo": S.VP, "acct": S.INDIVIDUAL},
        function={"ceo": F.EXECUTIVE, "cfo": F.FINANCE, "acct": F.FINANCE},
    )
    by_person = {line.person_id: line for line in lines}
    text = _chinese(by_person["acct"].reason_message)
    assert "同一职能（财务）" in text and "对方高 3 个职级" in text
    assert by_person["acct"].reason == render(by_person["acct"].reason_message)  # type: ignore[arg-type]
