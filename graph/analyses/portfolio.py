"""The results `buyergraph refresh` keeps in the store for every account, and the rules behind them.

An account's kept result is a summary of its full analysis (graph/analyses/report.py) that portfolio
questions need across thousands of accounts: coverage, committee completeness, gap counts, engagement
score and trend, risk and buying stage, key people, and each open deal's gaps. The rules that turn an
analysis into these figures (coverage over deals, completeness, the engagement trend) live here once;
the account list page and the API read them from here or from the kept results.

>>> from datetime import UTC, date, datetime
>>> from graph.analyses import analyze_account
>>> from graph.model import AccountGraph, Company, Deal
>>> account = AccountGraph(company=Company(id="c", name="C"), deals=[Deal(id="d", company_id="c")])
>>> analysis = analyze_account(account, as_of=date(2025, 1, 1))
>>> kept = account_result(account, analysis, computed_at=datetime(2025, 1, 1, tzinfo=UTC))
>>> kept.open_deals, kept.completeness, kept.gaps_by_kind["missing_role"]
(1, 0.0, 2)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final

from pydantic import BaseModel, TypeAdapter

from graph.analyses.config import DEFAULT_CONFIG
from graph.analyses.messages import Message, render
from graph.analyses.results import (
    AccountAnalysis,
    AccountClass,
    DealAnalysis,
    Engagement,
    GapKind,
    InferredReportingLine,
    KeyPerson,
    ProductUsage,
    Severity,
    Trend,
)
from graph.analyses.roster import RosterEntry, roster_of
from graph.analyses.rules import employment_status
from graph.model import AccountGraph, BuyingRole, Company, Deal
from graph.shapes import shape_token

__all__ = [
    "ACCOUNT_SORTS",
    "DEAL_SORTS",
    "AccountFilter",
    "AccountListing",
    "AccountResult",
    "AccountRow",
    "AccountSummary",
    "KeptAnswer",
    "KeptAnswers",
    "KeptDealGapsJson",
    "KeptDetail",
    "KeptKeyPeopleJson",
    "KeptProduct",
    "current_people",
    "key_people_json",
    "DealFilter",
    "DealListing",
    "detail_of",
    "row_of",
    "SUMMARY_FORMAT",
    "summary_json",
    "summary_json_with_stale",
    "summary_of",
    "sort_key",
    "DealResult",
    "KeptGap",
    "PersonResult",
    "TREND_MONTHS",
    "TRENDS",
    "account_coverage",
    "account_result",
    "deal_completeness",
    "monthly_touches",
]

#: How many months the engagement trend (and the account list's chart) covers.
TREND_MONTHS = 12
#: The engagement trends (graph/analyses/engagement.py: the last 30 days against the 90 before).
TRENDS = tuple(t.value for t in Trend)


class KeptGap(BaseModel):
    """One gap of a deal as kept: what a portfolio query filters on, and what to do."""

    kind: GapKind
    role: BuyingRole | None = None
    person_id: str | None = None
    severity: Severity
    detail: str
    next_step: str


class KeptWinFactor(BaseModel):
    """One feature's part in a deal's win likelihood (graph/analyses/win_model.py `Factor`), as kept."""

    feature: str
    points: float
    text: str
    message: Message | None = None


class DealResult(BaseModel):
    """One open deal's kept result."""

    deal_id: str
    #: Influence-weighted share of the deal's key people our reps can reach, in [0, 1].
    coverage: float
    #: Share of the roles the deal's template requires that someone holds, in [0, 1].
    completeness: float
    gaps: list[KeptGap]
    #: The deal's win likelihood in [0, 1] from the kept model `win_model` (`buyergraph learn`); None
    #: when no learned model is in use ("configuration": the configured weights, i.e. completeness).
    win_likelihood: float | None = None
    win_model: str = "configuration"
    #: The features that move the likelihood most, in points against a typical deal, in words.
    win_factors: list[KeptWinFactor] = []


class PersonResult(BaseModel):
    """One key person's influence in the account (rank 1 is the most influential)."""

    person_id: str
    rank: int
    score: float


class AccountSummary(BaseModel):
    """One account's kept figures, computed for `as_of` at `computed_at` (what lists sort and filter on).

    `stale` is set by the store when it reads the result back: the account's data changed after
    `computed_at`, so the figures may be out of date until the next refresh.
    """

    account_id: str
    as_of: date
    computed_at: datetime
    open_deals: int
    #: Amount-weighted mean coverage of the open deals; None without open deals.
    coverage: float | None
    #: Amount-weighted mean completeness of the open deals' committees; None without open deals.
    completeness: float | None
    gaps_total: int
    #: Open-deal gaps per kind and per severity; every kind and severity is present (0 when none).
    gaps_by_kind: dict[str, int]
    gaps_by_severity: dict[str, int]
    engagement_score: float
    engagement_trend: str
    at_risk: bool
    buying_stage: str
    stale: bool = False

    @property
    def gaps_high(self) -> int:
        return self.gaps_by_severity.get(Severity.HIGH.value, 0)


class AccountResult(AccountSummary):
    """One account's kept result: its figures, its key people and its open deals' results."""

    key_people: list[PersonResult]
    deals: list[DealResult]
    #: What the read endpoints answer from (None in results kept before it existed: they compute).
    detail: KeptDetail | None = None
    #: The key people and deal gaps answers as JSON, rendered by refresh from `detail` (None in
    #: results kept before they were: the endpoints answer from `detail`); kept only with `detail`,
    #: and whoever changes `detail` renders them again or drops them.
    answers: KeptAnswers | None = None


class KeptAnswers(BaseModel):
    """The public JSON of the two busiest read answers, rendered once by refresh from the kept detail
    (api/answers.py: by the same API models a request's answer is built with), so that a request sends
    it as kept, without validating and encoding it again: each key person's JSON in rank order (a
    `limit` takes the first ones), the ranking notes' JSON, and per open deal the members of its gaps
    answer that come from the analysis (`"template":...,"required_roles":[...],"data":[...],"count":n`).
    """

    key_people: list[str]
    key_people_notes: str
    deal_gaps: dict[str, str]
    #: The render-format token of the models these were rendered by (api/answers.py: RENDER_FORMAT,
    #: derived from their JSON schema); a reader sends them only while it is the current one. "" in
    #: answers kept before tokens existed (never current).
    format: str = ""


#: Key people rendered as an answer's `list[KeyPerson]` field renders them.
_KEY_PEOPLE: Final = TypeAdapter(list[KeyPerson])


def key_people_json(people: Iterable[KeyPerson]) -> list[str]:
    """Each key person's JSON, in order, as an answer with a `list[KeyPerson]` field renders it (by
    alias): `KeptAnswers.key_people`. Refresh renders them with it (api/answers.py), and the embedded
    store renders them again from the kept detail instead of keeping them twice in its file.

    >>> key_people_json([])
    []
    """
    return [_KEY_PEOPLE.dump_json([p], by_alias=True)[1:-1].decode() for p in people]


class KeptProduct(BaseModel):
    """A product the account owns (its installed base), as the account's read endpoints show it."""

    product_id: str
    name: str | None = None
    family: str | None = None
    since: date | None = None
    seats: int | None = None
    status: str | None = None


class KeptDetail(BaseModel):
    """What the account's read endpoints (key people, deals, gaps, coverage, the account itself) show,
    kept with the figures so that they answer without analysing again."""

    key_people: list[KeyPerson]
    #: The key-people ranking's notes (missing signals), as `key_people_of` gives them.
    key_people_notes: list[str] = []
    #: Every open deal's analysis: committee, gaps with next steps, coverage, warm paths.
    deals: list[DealAnalysis]
    engagement: Engagement
    account_class: AccountClass = AccountClass.NURTURE
    account_class_reason: str = ""
    account_class_reason_message: Message | None = None
    product_usage: ProductUsage | None = None
    inferred_lines: list[InferredReportingLine] = []
    company: Company
    parent: Company | None = None
    subsidiaries: list[Company] = []
    #: Everyone who works or worked at the account; those employed there on `as_of`.
    people: int
    current_people: int
    #: Every deal of the account as recorded, open or not.
    account_deals: list[Deal] = []
    products: list[KeptProduct] = []
    #: The kept lead-weights model (`buyergraph learn`) the lead scores used, or "configuration".
    lead_model: str = "configuration"
    #: Everyone at the account as this refresh saw them (graph/analyses/changes.py compares the next
    #: refresh's roster with it: who left, who is new and senior, whose reporting lines changed).
    roster: list[RosterEntry] = []


class KeptAnswer(BaseModel):
    """What an account's read endpoints answer from: its kept detail, the day it was computed for, when,
    and whether the account changed since (`stale`). A store reads this alone for a request (not the
    figures, deals, gaps and people an `AccountResult` carries besides)."""

    account_id: str
    as_of: date
    computed_at: datetime
    stale: bool = False
    detail: KeptDetail


class KeptKeyPeopleJson(BaseModel):
    """An account's key people as refresh rendered them (KeptAnswers), with the freshness of its kept
    result: `items` are the first `limit` people's JSON and `notes` the notes' JSON, both None when
    the result was kept before answers were rendered (the caller reads the kept detail instead)."""

    account_id: str
    as_of: date
    computed_at: datetime
    stale: bool = False
    items: list[str] | None = None
    notes: str | None = None
    #: The render-format token the answer was rendered with (KeptAnswers.format); "" when it was kept
    #: without one, None without rendered answers.
    format: str | None = None


class KeptDealGapsJson(BaseModel):
    """A deal's gaps answer as refresh rendered it (KeptAnswers.deal_gaps), with the freshness of its
    account's kept result; `members` is None when the result holds none for the deal (kept before
    answers were rendered, or the deal is not one of its open deals: the caller reads the kept detail
    instead)."""

    account_id: str
    as_of: date
    computed_at: datetime
    stale: bool = False
    members: str | None = None
    #: The render-format token the answer was rendered with (KeptAnswers.format); "" when it was kept
    #: without one, None without a rendered answer.
    format: str | None = None


#: What account lists may be sorted by (`-` in front of a name: descending), besides the name.
ACCOUNT_SORTS = ("name", "coverage", "completeness", "gaps_total", "gaps_high", "engagement_score")
#: What deal lists may be sorted by.
DEAL_SORTS = ("name", "amount", "coverage", "completeness", "gaps_total", "gaps_high")


class AccountFilter(BaseModel):
    """Filters and order of an account list across the whole book (every filter optional).

    Filters on kept figures leave out accounts without a kept result; sorting by a figure puts
    accounts without one last, then orders by name and id.
    """

    search: str | None = None
    industry: str | None = None
    status: str | None = None
    #: Accounts with a deal owned by this rep.
    owner: str | None = None
    gap_kind: GapKind | None = None
    trend: str | None = None
    at_risk: bool | None = None
    buying_stage: str | None = None
    min_coverage: float | None = None
    max_coverage: float | None = None
    min_completeness: float | None = None
    max_completeness: float | None = None
    min_gaps: int | None = None
    min_gaps_high: int | None = None
    sort: str = "name"
    descending: bool = False


class DealFilter(BaseModel):
    """Filters and order of the list of every deal (a deal without status counts as open)."""

    status: str | None = None
    stage: str | None = None
    min_amount: float | None = None
    max_amount: float | None = None
    gap_kind: GapKind | None = None
    owner: str | None = None
    account_id: str | None = None
    #: Matches the deal's or its account's name or id in either script (graph/search.py).
    search: str | None = None
    sort: str = "name"
    descending: bool = False


class AccountListing(BaseModel):
    """One row of an account list: the company and its kept figures (None before any refresh)."""

    company: Company
    result: AccountSummary | None = None


class AccountRow(BaseModel):
    """One row of an account list as the store keeps it, for lists sent without validating each row
    again: the company's stored properties (its model's fields, as `Company` dumps them to JSON), its
    kept figures as one JSON text without `stale` (`summary_json`; None before any refresh) and
    `stale` (`row_of` makes one of an `AccountListing`)."""

    company: dict[str, Any]
    summary_json: str | None = None
    stale: bool = False


#: The shape token of `summary_json` texts rendered by this version (graph/shapes.py), computed once:
#: a store keeps it with each text and reads the text only while it is this one (the properties
#: otherwise), so an upgrade that changes `AccountSummary` never lists texts of the old shape.
SUMMARY_FORMAT: Final[str] = shape_token([AccountSummary])


def summary_json(summary: AccountSummary) -> str:
    """Kept figures as one JSON text without `stale` (an `AccountRow`'s `summary_json`)."""
    return summary.model_dump_json(exclude={"stale"})


def summary_json_with_stale(text: str, stale: bool) -> str:
    """A `summary_json` text with `stale` added: the JSON of the whole `AccountSummary`."""
    return text[:-1] + (',"stale":true}' if stale else ',"stale":false}')


def row_of(listing: AccountListing) -> AccountRow:
    """An account list's row as an `AccountRow`."""
    result = listing.result
    return AccountRow(
        company=listing.company.model_dump(mode="json"),
        summary_json=summary_json(result) if result is not None else None,
        stale=result.stale if result is not None else False,
    )


class DealListing(BaseModel):
    """One row of the deal list: the deal, its kept result (open deals, once refreshed) and freshness."""

    deal: Deal
    result: DealResult | None = None
    as_of: date | None = None
    computed_at: datetime | None = None
    stale: bool = False


def summary_of(result: AccountResult) -> AccountSummary:
    """The figures of a kept result, without its people and deals."""
    return AccountSummary.model_validate(
        result.model_dump(exclude={"key_people", "deals", "detail", "answers"})
    )


def sort_key(figure: float | int | None, descending: bool) -> tuple[bool, float]:
    """Order of one sortable figure: present ones first, ascending or descending."""
    if figure is None:
        return (True, 0.0)
    return (False, -float(figure) if descending else float(figure))


def _weights(deals: list[DealAnalysis]) -> list[float]:
    """Deal amounts in the base currency, so that deals in different currencies weigh alike."""
    return [max(d.amount_in_base or 0.0, 1.0) for d in deals]


def account_coverage(deals: list[DealAnalysis]) -> float | None:
    """The account's coverage: the open deals' coverage weighted by amount (None without deals)."""
    if not deals:
        return None
    weights = _weights(deals)
    return sum(w * d.coverage.score for w, d in zip(weights, deals, strict=True)) / sum(weights)


def deal_completeness(deal: DealAnalysis, role_values: Mapping[BuyingRole, float] | None = None) -> float:
    """The weighted share of the deal's required roles held and engaged (as Salesforce's
    buying-committee completeness, with engagement): a role held by a member engaged lately counts
    fully, held by nobody engaged half, not held not at all; each role weighs its role value
    (`AnalysisConfig.role_values`, so a missing economic buyer costs more than a missing legal
    reviewer). 1.0 when the template requires nothing.

    >>> from graph.analyses.results import Coverage
    >>> d = DealAnalysis(deal_id="d", template="mid", required_roles=["champion", "economic_buyer"],
    ...     committee={"a": ["champion"], "b": ["economic_buyer"]}, engaged=["a"], gaps=[],
    ...     coverage=Coverage(score=0, reachable=[], unreachable=[]))
    >>> deal_completeness(d)  # champion 0.7 engaged, economic buyer 1.0 held but not engaged
    0.7059
    """
    values = role_values if role_values is not None else DEFAULT_CONFIG.role_values
    required = list(dict.fromkeys(deal.required_roles))
    if not required:
        return 1.0
    engaged = set(deal.engaged)
    holders: dict[BuyingRole, set[str]] = {}
    for person, roles in deal.committee.items():
        for role in roles:
            holders.setdefault(role, set()).add(person)
    weights = {role: values.get(role, 0.1) or 0.1 for role in required}
    credit = sum(
        weights[role] * (1.0 if holders.get(role, set()) & engaged else 0.5 if holders.get(role) else 0.0)
        for role in required
    )
    return round(credit / sum(weights.values()), 4)


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def monthly_touches(account: AccountGraph, as_of: date, months: int = TREND_MONTHS) -> list[tuple[str, int]]:
    """Touches with the account's people per calendar month, oldest first, ending with as_of's month."""
    starts = [_month_start(as_of, back) for back in range(months - 1, -1, -1)]
    counts = dict.fromkeys(starts, 0)
    days = account.touch_days
    keep = (days.person < 0) & (days.day >= starts[0].toordinal()) & (days.day <= as_of.toordinal())
    for ordinal, n in zip(days.day[keep].tolist(), days.count[keep].tolist(), strict=True):
        day = date.fromordinal(ordinal)
        counts[date(day.year, day.month, 1)] += n
    return [(start.strftime("%Y-%m"), counts[start]) for start in starts]


def current_people(account: AccountGraph, as_of: date) -> set[str]:
    """People employed at the account on `as_of`, by the analyses' rule (graph/analyses/rules.py)."""
    current, _ = employment_status(
        account.company.id, (p.id for p in account.people), account.employment, as_of=as_of
    )
    return current


def detail_of(account: AccountGraph, analysis: AccountAnalysis) -> KeptDetail:
    """The part of an analysis the read endpoints show, with the account's profile counts."""
    products = {p.id: p for p in account.products}
    roster = roster_of(account, as_of=analysis.as_of)  # everyone, current or not, by the one rule
    return KeptDetail(
        key_people=analysis.key_people,
        key_people_notes=[render(m) for m in analysis.note_messages if m.key != "note.no_holdings"],
        deals=analysis.deals,
        engagement=analysis.engagement,
        account_class=analysis.account_class,
        account_class_reason=analysis.account_class_reason,
        account_class_reason_message=analysis.account_class_reason_message,
        product_usage=analysis.product_usage,
        inferred_lines=analysis.inferred_lines,
        company=account.company,
        parent=account.parent,
        subsidiaries=account.subsidiaries,
        people=len(account.people),
        current_people=sum(1 for entry in roster if entry.current),
        account_deals=account.deals,
        products=[
            KeptProduct(
                product_id=h.product_id,
                name=products[h.product_id].name if h.product_id in products else None,
                family=products[h.product_id].family if h.product_id in products else None,
                since=h.since,
                seats=h.seats,
                status=h.status.value if h.status else None,
            )
            for h in account.holdings
        ],
        roster=roster,
    )


def account_result(
    account: AccountGraph, analysis: AccountAnalysis, *, computed_at: datetime
) -> AccountResult:
    """The kept result of one account from its full analysis (`analyze_account`) and its records.

    `computed_at` is when the account's records were read: a change written after it makes the result
    stale.
    """
    deals = analysis.deals
    completeness_by_deal = {d.deal_id: deal_completeness(d) for d in deals}
    weights = _weights(deals)
    completeness = (
        sum(w * completeness_by_deal[d.deal_id] for w, d in zip(weights, deals, strict=True)) / sum(weights)
        if deals
        else None
    )
    gaps = [g for d in deals for g in d.gaps]
    by_kind = {kind.value: 0 for kind in GapKind}
    by_severity = {severity.value: 0 for severity in Severity}
    for gap in gaps:
        by_kind[gap.kind.value] += 1
        by_severity[gap.severity.value] += 1
    coverage = account_coverage(deals)
    return AccountResult(
        account_id=analysis.account_id,
        as_of=analysis.as_of,
        computed_at=computed_at,
        open_deals=len(deals),
        coverage=None if coverage is None else round(coverage, 4),
        completeness=None if completeness is None else round(completeness, 4),
        gaps_total=len(gaps),
        gaps_by_kind=by_kind,
        gaps_by_severity=by_severity,
        engagement_score=round(analysis.engagement.account_score, 4),
        engagement_trend=analysis.engagement.trend.value,
        at_risk=analysis.engagement.at_risk,
        buying_stage=analysis.engagement.buying_stage.value,
        key_people=[
            PersonResult(person_id=k.person_id, rank=k.rank, score=round(k.score, 4))
            for k in analysis.key_people
        ],
        deals=[
            DealResult(
                deal_id=d.deal_id,
                coverage=round(d.coverage.score, 4),
                completeness=round(completeness_by_deal[d.deal_id], 4),
                gaps=[
                    KeptGap(
                        kind=g.kind,
                        role=g.role,
                        person_id=g.person_id,
                        severity=g.severity,
                        detail=g.detail,
                        next_step=g.next_step,
                    )
                    for g in d.gaps
                ],
            )
            for d in deals
        ],
        detail=detail_of(account, analysis),
    )
