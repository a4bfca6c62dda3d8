"""Account classes a marketer plans with, the product-usage roll-up, and the two kinds of risk.

An account that is "at risk" because a customer's users went quiet needs a success call; one whose
open deal lost its committee needs the seller. So risk is split:

- **usage risk**: a customer with no inbound or product-usage activity for more than `at_risk_days`
  (the roll-up's rule, graph/analyses/engagement.py);
- **deal risk**: an open deal whose committee's engagement is falling (`engagement_trend`: the last 30
  days against the 90 before), or whose committee nobody has touched in the last 30 days.

Classes, first match wins (thresholds in `AccountClassConfig`):

1. **at risk**: deal risk, or usage risk with nobody using the product in 30 days or the account's
   engagement falling (a customer quiet for a week whose users are active is not at risk);
2. **expand**: a customer, large (`large_employees` employees or `large_people` people on record),
   engaged (engagement rising or steady, with at least `engaged_people` people touched in 30 days),
   owning at most `few_products` of our products;
3. **cash cow**: a customer with a high installed value (won deals worth `cash_cow_value` in the base
   currency or more) whose engagement is steady or rising;
4. **key target**: not a customer, with an open deal in evaluation or decision, or large and engaged;
5. **nurture**: everyone else.

Product usage (customers): active users in the last 7 and 30 days (people with a product-usage
touch) against the seats of the active and trial holdings; an upgrade signal when the 30-day active
users reach `upgrade_share` (80%) of the seats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from graph.analyses.config import AnalysisConfig
from graph.analyses.engagement import engagement_trend, trend_message
from graph.analyses.messages import Message, render
from graph.analyses.results import (
    AccountClass,
    BuyingStage,
    DealAnalysis,
    Engagement,
    ProductUsage,
    Trend,
)
from graph.model import CompanyStatus, Holding, HoldingStatus

__all__ = ["classify_account", "deal_risk", "deal_risk_message", "deal_trend", "product_usage"]

#: (touches in the last 30 days, touches in the 90 before) of one person.
Windows = tuple[int, int]


def deal_trend(members: Sequence[str], windows: Mapping[str, Windows]) -> tuple[Trend, int, int]:
    """The committee's trend: its members' touches summed over the two windows."""
    recent = sum(windows.get(m, (0, 0))[0] for m in members)
    prior = sum(windows.get(m, (0, 0))[1] for m in members)
    return engagement_trend(recent, prior), recent, prior


def deal_risk_message(deals: Sequence[DealAnalysis], windows: Mapping[str, Windows]) -> Message | None:
    """Why open deals are at risk (their committee's engagement is falling or went quiet), as a
    catalogue message; None when none is."""
    reasons = []
    for deal in deals:
        members = list(deal.committee)
        if not members:
            continue
        trend, recent, prior = deal_trend(members, windows)
        name = deal.name or deal.deal_id
        if trend == Trend.FALLING:
            counts = trend_message(recent, prior)
            reasons.append(Message(key="risk.deal.falling", params={"name": name, "counts": counts}))
        elif recent == 0:
            reasons.append(Message(key="risk.deal.quiet", params={"name": name}))
    return Message(key="risk.reasons", params={"reasons": reasons}) if reasons else None


def deal_risk(deals: Sequence[DealAnalysis], windows: Mapping[str, Windows]) -> tuple[bool, str]:
    """Open deals whose committee engagement is falling or went quiet, in English words
    (`deal_risk_message` for other languages)."""
    message = deal_risk_message(deals, windows)
    return message is not None, render(message) if message is not None else ""


def product_usage(
    holdings: Sequence[Holding], last_usage: Mapping[str, date | None], *, as_of: date, upgrade_share: float
) -> ProductUsage:
    """Active users (a product-usage touch) in 7 and 30 days against the seats owned."""
    seats = sum(
        h.seats or 0 for h in holdings if h.status in (None, HoldingStatus.ACTIVE, HoldingStatus.TRIAL)
    )
    days = [d for d in last_usage.values() if d is not None and d <= as_of]
    active_7 = sum(d > as_of - timedelta(days=7) for d in days)
    active_30 = sum(d > as_of - timedelta(days=30) for d in days)
    share = active_30 / seats if seats else None
    upgrade = share is not None and share >= upgrade_share
    counts = {"active_30": active_30, "active_7": active_7}
    message = (
        Message(key="usage.seats", params={**counts, "seats": seats, "share": share})
        if share is not None
        else Message(key="usage.no_seats", params=counts)
    )
    if upgrade:
        message = Message(key="usage.upgrade", params={"usage": message})
    return ProductUsage(
        seats=seats,
        active_7d=active_7,
        active_30d=active_30,
        utilisation=round(share, 4) if share is not None else None,
        upgrade_signal=upgrade,
        explanation=render(message),
        explanation_message=message,
    )


def classify_account(
    *,
    status: CompanyStatus | None,
    employees: int | None,
    people: int,
    products: int,
    installed_value: float,
    engagement: Engagement,
    deals: Sequence[DealAnalysis],
    usage: ProductUsage | None,
    config: AnalysisConfig,
) -> tuple[AccountClass, str]:
    """The account's class and why, in English (see the module's docstring for the rules;
    `account_class_message` for the reason as a catalogue message)."""
    chosen, message = account_class_message(
        status=status,
        employees=employees,
        people=people,
        products=products,
        installed_value=installed_value,
        engagement=engagement,
        deals=deals,
        usage=usage,
        config=config,
    )
    return chosen, render(message)


def account_class_message(
    *,
    status: CompanyStatus | None,
    employees: int | None,
    people: int,
    products: int,
    installed_value: float,
    engagement: Engagement,
    deals: Sequence[DealAnalysis],
    usage: ProductUsage | None,
    config: AnalysisConfig,
) -> tuple[AccountClass, Message]:
    """The account's class and why, as a catalogue message."""
    rules = config.account_class
    customer = status == CompanyStatus.CUSTOMER
    large = (employees or 0) >= rules.large_employees or people >= rules.large_people
    active = len(engagement.active_30d)
    engaged = engagement.trend in (Trend.RISING, Trend.STEADY) and active >= rules.engaged_people
    size = (
        Message(key="size.employees", params={"employees": employees})
        if employees
        else Message(key="size.people", params={"people": people})
    )
    trend = engagement.trend.value
    if engagement.deal_risk:
        reason = engagement.deal_risk_reason_message or _plain(engagement.deal_risk_reason)
        return AccountClass.AT_RISK, Message(key="class.deal_risk", params={"reason": reason})
    users_gone = usage is not None and usage.active_30d == 0
    if engagement.usage_risk and (users_gone or engagement.trend == Trend.FALLING):
        reason = engagement.usage_risk_reason_message or _plain(engagement.usage_risk_reason)
        return AccountClass.AT_RISK, Message(key="class.usage_risk", params={"reason": reason})
    if customer and large and engaged and products <= rules.few_products:
        params = {"size": size, "active": active, "trend": trend, "products": products}
        return AccountClass.EXPAND, Message(key="class.expand", params=params)
    if customer and installed_value >= rules.cash_cow_value and engagement.trend != Trend.FALLING:
        params = {"value": installed_value, "currency": config.currency.base, "trend": trend}
        return AccountClass.CASH_COW, Message(key="class.cash_cow", params=params)
    deciding = engagement.buying_stage in (BuyingStage.EVALUATION, BuyingStage.DECISION)
    if not customer and ((deals and deciding) or (large and engaged)):
        why = (
            Message(key="class.key_target.deal", params={"stage": engagement.buying_stage.value})
            if deals and deciding
            else Message(key="class.key_target.large", params={"size": size, "active": active})
        )
        return AccountClass.KEY_TARGET, why
    return AccountClass.NURTURE, Message(key="class.nurture")


def _plain(text: str) -> Message:
    """A reason given only as text (an Engagement built without messages) as a message."""
    return Message(key="text.plain", params={"text": text})
