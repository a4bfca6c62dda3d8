"""One row of the account list (the book to triage) per account, and one row of the deals view per
deal, from the results `buyergraph refresh` kept: no analysis runs while a list is shown.

Pure functions: the router reads the listings (and, for the engagement chart, the account's touches)
and passes them in. Every word and figure is in the page's language (viz/i18n.py, viz/formats.py).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from graph.analyses.messages import Message, stage_name, status_name
from graph.analyses.portfolio import (
    TREND_MONTHS,
    AccountListing,
    DealListing,
    monthly_touches,
)
from graph.analyses.results import GapKind, Severity
from graph.model import AccountGraph
from viz.i18n import Words

__all__ = [
    "AccountRow",
    "DealRow",
    "GapBadge",
    "MonthBar",
    "TREND_MONTHS",
    "account_row",
    "deal_row",
    "monthly_touches",
]

#: The chart's size in pixels.
CHART_WIDTH = 132
CHART_HEIGHT = 28
_SEVERITIES = (Severity.HIGH, Severity.MEDIUM, Severity.LOW)


class MonthBar(BaseModel):
    """One bar of an account's engagement chart: a month and its touches."""

    month: str
    #: The month as the page's language writes it ("Mar 2026", "2026年3月").
    label: str = ""
    touches: int
    x: float
    y: float
    width: float
    height: float


class GapBadge(BaseModel):
    """Gaps of one kind and severity, counted, in words."""

    kind: str
    severity: str
    count: int
    text: str


class AccountRow(BaseModel):
    id: str
    name: str
    industry: str | None = None
    status: str | None = None
    status_text: str = ""
    region: str | None = None
    #: False until the account's first refresh: then every figure below is empty.
    refreshed: bool = False
    as_of: date | None = None
    as_of_text: str = ""
    stale: bool = False
    open_deals: int | None = None
    #: Amount-weighted mean coverage / completeness of the open deals, in [0, 1]; None without deals.
    coverage: float | None = None
    completeness: float | None = None
    gaps_high: int = 0
    gaps_medium: int = 0
    gaps_low: int = 0
    gaps_total: int = 0
    at_risk: bool = False
    buying_stage: str | None = None
    stage_text: str = ""
    engagement_score: float | None = None
    #: rising, falling, flat or none: the last three months against the three before.
    trend: str = "none"
    trend_text: str = ""
    touches_by_month: list[int] = []
    bars: list[MonthBar] = []


class DealRow(BaseModel):
    id: str
    name: str
    account_id: str
    account_name: str
    stage: str | None = None
    status_text: str = ""
    amount_text: str
    close_text: str
    owner: str | None = None
    coverage: float | None = None
    completeness: float | None = None
    gaps_high: int = 0
    gaps_total: int = 0
    badges: list[GapBadge] = []
    refreshed: bool = False
    as_of_text: str = ""
    stale: bool = False
    #: The kept win likelihood (None: no learned model in use), its model and its top factors in words.
    win_likelihood: float | None = None
    win_model: str = "configuration"
    win_factors: list[str] = []


#: Factors shown per deal in the deals view (the API gives them all).
WIN_FACTORS_SHOWN = 3


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


def account_row(
    listing: AccountListing, touches: AccountGraph | None = None, *, lang: str = "en"
) -> AccountRow:
    """The account list's row of one account: its kept figures; `touches`, the account's records when
    read, draw the engagement chart for the day the figures were kept for (without it the row shows
    the kept trend alone)."""
    t = Words(lang)
    company, kept = listing.company, listing.result
    row = AccountRow(
        id=company.id,
        name=company.name,
        industry=company.industry,
        status=str(company.status) if company.status else None,
        status_text=status_name(company.status, t.lang) if company.status else "",
        region=company.region,
    )
    if kept is None:
        row.trend_text = t("list.never_refreshed")
        return row
    row.refreshed = True
    row.as_of, row.as_of_text, row.stale = kept.as_of, t.fmt.day(kept.as_of), kept.stale
    row.open_deals = kept.open_deals
    row.coverage, row.completeness = kept.coverage, kept.completeness
    row.gaps_high = kept.gaps_by_severity.get(Severity.HIGH.value, 0)
    row.gaps_medium = kept.gaps_by_severity.get(Severity.MEDIUM.value, 0)
    row.gaps_low = kept.gaps_by_severity.get(Severity.LOW.value, 0)
    row.gaps_total = kept.gaps_total
    row.at_risk = kept.at_risk
    row.buying_stage, row.stage_text = kept.buying_stage, stage_name(kept.buying_stage, t.lang)
    row.engagement_score = kept.engagement_score
    row.trend = kept.engagement_trend
    row.trend_text = t.message(Message(key="trend.window", params={"trend": kept.engagement_trend}), "")
    if touches is not None:
        series = monthly_touches(touches, kept.as_of)
        row.touches_by_month = [n for _, n in series]
        row.bars = _bars(series)
        for bar in row.bars:
            bar.label = t.fmt.month(date.fromisoformat(f"{bar.month}-01"))
    return row


def deal_row(listing: DealListing, account_name: str, *, lang: str = "en") -> DealRow:
    """The deals view's row of one deal: amount in its currency, close date, stage, kept gaps."""
    t = Words(lang)
    deal, kept = listing.deal, listing.result
    close = deal.expected_close or deal.closed_at
    row = DealRow(
        id=deal.id,
        name=deal.name or deal.id,
        account_id=deal.company_id,
        account_name=account_name,
        stage=deal.stage,
        status_text=status_name(deal.status or "open", t.lang),
        amount_text=t.fmt.money(deal.amount, deal.currency)
        + (t("deals.no_currency") if deal.amount is not None and not deal.currency else ""),
        close_text=t.fmt.day(close),
        owner=deal.owner_rep_id,
    )
    if kept is None:
        return row
    row.refreshed = True
    row.as_of_text = t.fmt.day(listing.as_of) if listing.as_of else ""
    row.stale = listing.stale
    row.coverage, row.completeness = kept.coverage, kept.completeness
    row.win_likelihood, row.win_model = kept.win_likelihood, kept.win_model
    row.win_factors = [t.message(f.message, f.text) for f in kept.win_factors[:WIN_FACTORS_SHOWN]]
    row.gaps_total = len(kept.gaps)
    row.gaps_high = sum(1 for g in kept.gaps if g.severity == Severity.HIGH)
    counts: dict[tuple[Severity, GapKind], int] = {}
    for gap in kept.gaps:
        counts[(gap.severity, gap.kind)] = counts.get((gap.severity, gap.kind), 0) + 1
    order = {s: i for i, s in enumerate(_SEVERITIES)}
    row.badges = [
        GapBadge(kind=kind.value, severity=severity.value, count=n, text=t(f"gap.{kind.value}"))
        for (severity, kind), n in sorted(
            counts.items(), key=lambda item: (order[item[0][0]], item[0][1].value)
        )
    ]
    return row
