"""One row of the account list per account: coverage, gaps, engagement trend and risk, from its analysis.

Pure functions: the router fetches the account and its analysis and passes them in.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from graph.analyses.portfolio import TREND_MONTHS, account_coverage, monthly_touches
from graph.analyses.results import AccountAnalysis, Severity
from graph.model import AccountGraph

__all__ = ["AccountRow", "MonthBar", "account_row", "monthly_touches", "TREND_MONTHS"]

#: The chart's size in pixels.
CHART_WIDTH = 132
CHART_HEIGHT = 28


class MonthBar(BaseModel):
    """One bar of an account's engagement chart: a month and its touches."""

    month: str
    touches: int
    x: float
    y: float
    width: float
    height: float


class AccountRow(BaseModel):
    id: str
    name: str
    industry: str | None = None
    status: str | None = None
    region: str | None = None
    people: int
    open_deals: int
    #: Amount-weighted mean coverage of the open deals, in [0, 1]; None without open deals.
    coverage: float | None
    gaps_high: int
    gaps_total: int
    at_risk: bool
    at_risk_reason: str = ""
    buying_stage: str
    days_since_last_touch: int | None
    touches_by_month: list[int]
    bars: list[MonthBar]
    #: rising, steady, falling or none: the last 30 days against the 90 before (the engagement trend).
    trend: str
    trend_text: str


def _bars(series: list[tuple[str, int]]) -> list[MonthBar]:
    peak = max((n for _, n in series), default=0) or 1
    step = CHART_WIDTH / max(1, len(series))
    bars = []
    for i, (month, n) in enumerate(series):
        height = 0.0 if n == 0 else max(2.0, (CHART_HEIGHT - 2) * n / peak)
        bars.append(
            MonthBar(
                month=month,
                touches=n,
                x=round(i * step + 1, 2),
                y=round(CHART_HEIGHT - height, 2),
                width=round(step - 2, 2),
                height=round(height, 2),
            )
        )
    return bars


def account_row(account: AccountGraph, analysis: AccountAnalysis, as_of: date) -> AccountRow:
    """The account list's row for one account."""
    deals = analysis.deals
    coverage = account_coverage(deals)
    gaps = [g for d in deals for g in d.gaps]
    series = monthly_touches(account, as_of)
    counts = [n for _, n in series]
    trend, trend_text = analysis.engagement.trend.value, analysis.engagement.trend_reason
    company = account.company
    return AccountRow(
        id=company.id,
        name=company.name,
        industry=company.industry,
        status=str(company.status) if company.status else None,
        region=company.region,
        people=len(account.people),
        open_deals=len(deals),
        coverage=None if coverage is None else round(coverage, 3),
        gaps_high=sum(1 for g in gaps if g.severity == Severity.HIGH),
        gaps_total=len(gaps),
        at_risk=analysis.engagement.at_risk,
        at_risk_reason=analysis.engagement.at_risk_reason,
        buying_stage=str(analysis.engagement.buying_stage),
        days_since_last_touch=analysis.engagement.days_since_last_touch,
        touches_by_month=counts,
        bars=_bars(series),
        trend=trend,
        trend_text=trend_text,
    )
