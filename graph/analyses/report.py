"""One account's full analysis: projections built once, then every analysis on the shared graphs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import graph.projections as projections
from graph.analyses.account_class import account_class_message, deal_risk_message, deal_trend, product_usage
from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.coverage import HopBoundedPaths, coverage_score, k_warm_paths
from graph.analyses.cross_sell import OwnershipIndex, offered_by_open_deals, recommend
from graph.analyses.engagement import engagement, engagement_trend, trend_message
from graph.analyses.gaps import choose_template, deal_gaps
from graph.analyses.key_people import InfluenceRanking, influence
from graph.analyses.messages import Message, render
from graph.analyses.results import (
    AccountAnalysis,
    AccountClass,
    DealAnalysis,
    Engagement,
    InferredReportingLine,
    KeyPerson,
    LeadKind,
    ProductUsage,
    RelationshipLead,
    WarmPath,
)
from graph.analyses.suggestions import suggest_committee_members
from graph.errors import NotFoundError
from graph.model import AccountGraph, BuyingRole, Company, CompanyStatus, Deal, DealStatus, HoldingStatus

__all__ = [
    "analyze_account",
    "deal_analysis_of",
    "key_people_of",
    "warm_paths",
    "rank_key_people",
]

#: The note of an analysis run without every account's holdings (not one of the key-people notes).

#: Roles that mark a person as a fan of ours when they held them on a won deal.
_FAN_ROLES = frozenset(
    {BuyingRole.CHAMPION, BuyingRole.DECISION_MAKER, BuyingRole.ECONOMIC_BUYER, BuyingRole.EXECUTIVE_SPONSOR}
)


def rank_key_people(
    p: projections.AccountProjection, *, limit: int | None = None, explain: bool = True
) -> InfluenceRanking:
    """Every current person of the account ranked by influence (see key_people.py)."""
    deal_status = {d.id: d.status for d in p.account.deals}
    roles: dict[str, dict[BuyingRole, float]] = {}
    role_deals: dict[str, str] = {}
    for row in p.committee:
        if row.person_id not in p.current:
            continue
        weight = 0.5 if deal_status.get(row.deal_id) in (DealStatus.WON, DealStatus.LOST) else 1.0
        held = roles.setdefault(row.person_id, {})
        if weight >= held.get(row.role, 0.0):
            held[row.role] = weight
            role_deals.setdefault(row.person_id, row.deal_id)
    window_counts = {
        pid: ((p.as_of - st.last).days if st.last else None, st.recent) for pid, st in p.stats.items()
    }
    return influence(
        p.org,
        p.interaction,
        people=p.people,
        seniority=p.seniority,
        function=p.function,
        roles=roles,
        role_deals=role_deals,
        engagement=window_counts,
        candidates=p.current,
        config=p.config,
        limit=limit,
        explain=explain,
    )


def _relationship_leads(
    p: projections.AccountProjection, ownership: OwnershipIndex | None
) -> list[RelationshipLead]:
    leads: list[RelationshipLead] = []
    account = p.account
    if ownership is not None:
        mine = ownership.products_of(account.company.id) or {
            h.product_id for h in account.holdings if h.status is None or h.status.value != "churned"
        }
        relatives: list[tuple[Company, LeadKind]] = [
            (sub, LeadKind.SUBSIDIARY_LACKS_PRODUCTS) for sub in account.subsidiaries
        ]
        if account.parent is not None:
            relatives.insert(0, (account.parent, LeadKind.PARENT_LACKS_PRODUCTS))
        for relative, kind in relatives:
            lacking = sorted(mine - ownership.products_of(relative.id))
            if lacking:
                message = Message(
                    key=f"lead.{kind.value}", params={"name": relative.name, "count": len(lacking)}
                )
                leads.append(
                    RelationshipLead(
                        kind=kind,
                        company_id=relative.id,
                        company_name=relative.name,
                        product_ids=lacking,
                        detail=render(message),
                        detail_message=message,
                    )
                )
    won = {d.id for d in account.deals if d.status == DealStatus.WON}
    fans: dict[str, set[BuyingRole]] = {}
    for row in p.committee:
        if row.deal_id in won and row.role in _FAN_ROLES and row.person_id in p.moved_to:
            fans.setdefault(row.person_id, set()).add(row.role)
    for pid, fan_roles in sorted(fans.items()):
        target = p.moved_to[pid]
        company: Company | None = ownership.companies.get(target) if ownership is not None else None
        message = Message(
            key="lead.moved_champion",
            params={
                "person": p.people[pid].name if pid in p.people else pid,
                "roles": sorted(r.value for r in fan_roles),
                "company": company.name if company else target,
            },
        )
        leads.append(
            RelationshipLead(
                kind=LeadKind.MOVED_CHAMPION,
                company_id=target,
                company_name=company.name if company else None,
                person_id=pid,
                detail=render(message),
                detail_message=message,
            )
        )
    return leads


def _ranking_note_messages(p: projections.AccountProjection, ranking: InfluenceRanking) -> list[Message]:
    messages = list(ranking.note_messages)
    if p.inferred_lines:
        messages.append(Message(key="note.inferred_lines", params={"count": len(p.inferred_lines)}))
    if p.classified:
        messages.append(Message(key="note.titles_read", params={"count": len(p.classified)}))
    return messages


def _ranking_notes(p: projections.AccountProjection, ranking: InfluenceRanking) -> list[str]:
    return [render(m) for m in _ranking_note_messages(p, ranking)]


def _trend_windows(p: projections.AccountProjection) -> dict[str, tuple[int, int]]:
    """person -> (touches in the last 30 days, in the 90 before): the engagement trend's inputs."""
    return {pid: (st.last_30, st.prior_90) for pid, st in p.stats.items() if pid in p.people}


def _about_deal(account: AccountGraph, deal_id: str, as_of: date, days: int) -> dict[str, tuple[int, date]]:
    """person -> (touches about the deal within `days` before as_of, the last one's day)."""
    rows = account.deal_touches
    if deal_id not in rows.names:
        return {}
    since = (as_of - timedelta(days=days)).toordinal()
    keep = (rows.deal == rows.names.index(deal_id)) & (rows.day >= since) & (rows.day <= as_of.toordinal())
    found: dict[int, tuple[int, int]] = {}
    for person, day, n in zip(
        rows.person[keep].tolist(), rows.day[keep].tolist(), rows.count[keep].tolist(), strict=True
    ):
        count, last = found.get(person, (0, day))
        found[person] = (count + n, max(last, day))
    return {rows.names[p]: (count, date.fromordinal(last)) for p, (count, last) in found.items()}


def _deal_of(account: AccountGraph, deal_id: str) -> Deal:
    """The account's deal with this id; raises NotFoundError."""
    for deal in account.deals:
        if deal.id == deal_id:
            return deal
    raise NotFoundError("deal", deal_id)


@dataclass(frozen=True)
class ClosedDealAnalysis:
    """A won or lost deal as the analyses saw it on its close date (see `closed_deal_analyses`)."""

    deal: Deal
    won: bool
    closed_at: date
    projection: projections.AccountProjection
    analysis: DealAnalysis


def closed_deal_analyses(
    account: AccountGraph,
    *,
    through: date | None = None,
    config: AnalysisConfig = DEFAULT_CONFIG,
    classify: projections.TitleClassifier | None = None,
) -> list[ClosedDealAnalysis]:
    """Each won or lost deal of the account (closed on or before `through`, when given), analysed as
    the open deal it was on its close date: its status, stage and close date are hidden from the
    analyses and the account is projected as of that day, so nothing after it counts (what learning
    from history needs: no look-ahead). Deals without a close date are skipped."""
    by_day: dict[date, list[Deal]] = {}
    for deal in account.deals:
        if deal.status not in (DealStatus.WON, DealStatus.LOST) or deal.closed_at is None:
            continue
        if through is not None and deal.closed_at > through:
            continue
        by_day.setdefault(deal.closed_at, []).append(deal)
    found: list[ClosedDealAnalysis] = []
    for day in sorted(by_day):
        p = projections.project_account(account, as_of=day, config=config, classify=classify)
        as_open = [
            d.model_copy(update={"status": DealStatus.OPEN, "stage": None, "closed_at": None})
            for d in by_day[day]
        ]
        analyses = deal_analyses(p, rank_key_people(p, limit=0), as_open)
        found.extend(
            ClosedDealAnalysis(
                deal=d, won=d.status == DealStatus.WON, closed_at=day, projection=p, analysis=a
            )
            for d, a in zip(by_day[day], analyses, strict=True)
        )
    return found


def deal_analyses(
    p: projections.AccountProjection, ranking: InfluenceRanking, deals: list[Deal]
) -> list[DealAnalysis]:
    """The deals section: each deal's gaps against its template, its coverage and warm paths."""
    config, account = p.config, p.account
    score_of = ranking.scores
    top = ranking.order[: config.top_influencers_per_deal]

    reps = sorted(p.reps)
    # Warm paths to everyone a gap or a deal may name, and who is reachable at all, from one
    # hop-bounded pass.
    finder = HopBoundedPaths(p.reach, reps, max_hops=config.max_hops, label=p.label)
    warmth = finder.warmth()
    engaged = {pid for pid in p.people if p.engaged(pid)}
    touched = {pid for pid in p.people if p.touched(pid)}
    families_by_deal: dict[str, set[str]] = {}
    product_family = {prod.id: prod.family for prod in account.products}
    for dp in account.deal_products:
        family = product_family.get(dp.product_id)
        if family:
            families_by_deal.setdefault(dp.deal_id, set()).add(family)
    committee_of = projections.committee_by_deal(p.committee)
    windows = _trend_windows(p)

    path_cache: dict[str, WarmPath | None] = {}

    def warm(pid: str) -> WarmPath | None:
        if pid not in path_cache:
            path_cache[pid] = finder.path(pid)
        return path_cache[pid]

    deal_results: list[DealAnalysis] = []
    for d in deals:
        rows = committee_of.get(d.id, [])
        money = config.currency
        currency = money.currency_of(d.currency)
        in_base = money.to_base(d.amount, d.currency)
        amount_note = None
        if d.amount is not None and in_base is None:
            amount_note = Message(
                key="deal.no_rate" if currency else "deal.no_rate_unnamed",
                params={"currency": currency, "base": money.base},
            )
        template = choose_template(in_base, families_by_deal.get(d.id, ()), config.templates)
        gaps = deal_gaps(
            p.org,
            deal=d,
            committee=rows,
            template=template,
            people=p.people,
            current=p.current,
            departed=p.departed,
            seniority=p.seniority,
            function=p.function,
            engaged=engaged,
            touched=touched,
            influence=score_of,
            warm_path=warm,
            label=p.label,
            config=config,
        )
        members: dict[str, list[BuyingRole]] = {}
        for row in rows:
            held = members.setdefault(row.person_id, [])
            if row.role not in held:
                held.append(row.role)
        key = [pid for pid in list(members) + top if pid in p.current]
        key = list(dict.fromkeys(key))
        coverage = coverage_score(key, warmth, score_of)
        held_roles = {row.role for row in rows if row.person_id in p.current}
        suggested = suggest_committee_members(
            members,
            [r for r in template.roles if r not in held_roles],
            people=sorted(p.current),
            seniority=p.seniority,
            function=p.function,
            influence=score_of,
            engaged=engaged,
            met=p.met,
            about_deal=_about_deal(account, d.id, p.as_of, config.reach_days),
            label=p.label,
        )
        paths: dict[str, list[WarmPath]] = {}
        for pid in key:
            found = warm(pid) if pid not in engaged else None
            if found is not None:
                paths[pid] = [found]
        deal_results.append(
            DealAnalysis(
                deal_id=d.id,
                name=d.name,
                amount=d.amount,
                currency=currency,
                amount_in_base=in_base,
                base_currency=money.base,
                amount_note=render(amount_note) if amount_note is not None else None,
                amount_note_message=amount_note,
                expected_close=d.expected_close,
                stage=d.stage,
                template=template.name,
                required_roles=list(template.roles),
                committee={
                    pid: sorted(roles, key=lambda r: r.value) for pid, roles in sorted(members.items())
                },
                engaged=sorted(set(members) & engaged),
                gaps=gaps,
                coverage=coverage,
                paths=paths,
                suggested_members=suggested,
                engagement_trend=deal_trend([m for m in members if m in p.current], windows)[0],
            )
        )
    return deal_results


def key_people_of(
    account: AccountGraph,
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    classify: projections.TitleClassifier | None = None,
) -> tuple[list[KeyPerson], list[str]]:
    """The key people and the notes of `analyze_account`, computed alone.

    For callers that ask for nothing else (the API's key-people route with its cache off): the
    deals, warm paths, engagement and cross-sell work of a full analysis is skipped.

    >>> from graph.model import AccountGraph, Company, Person
    >>> people, _ = key_people_of(AccountGraph(company=Company(id="c", name="C"),
    ...     people=[Person(id="p", name="Pat", seniority="vp")]), as_of=date(2025, 1, 1))
    >>> [(k.person_id, k.rank) for k in people]
    [('p', 1)]
    """
    p = projections.project_account(account, as_of=as_of, config=config, classify=classify)
    ranking = rank_key_people(p, limit=config.key_people_limit)
    return ranking.key_people, _ranking_notes(p, ranking)


def deal_analysis_of(
    account: AccountGraph,
    deal_id: str,
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    classify: projections.TitleClassifier | None = None,
) -> DealAnalysis:
    """One deal's analysis as `analyze_account(..., deal_id=...)` gives it, computed alone.

    For callers that ask for one deal (the API's deal routes with their cache off): the account's
    engagement roll-up, cross-sell and the explanations of the key people are skipped; the influence
    scores the deal's coverage and gaps need are still computed. Raises NotFoundError for a deal that
    is not the account's.

    >>> from graph.model import AccountGraph, Company, Deal
    >>> deal = Deal(id="d", company_id="c", amount=5000)
    >>> result = deal_analysis_of(AccountGraph(company=Company(id="c", name="C"), deals=[deal]), "d",
    ...     as_of=date(2025, 1, 1))
    >>> sorted(g.role.value for g in result.gaps if g.kind.value == "missing_role")
    ['champion', 'decision_maker']
    """
    deal = _deal_of(account, deal_id)
    p = projections.project_account(account, as_of=as_of, config=config, classify=classify)
    return deal_analyses(p, rank_key_people(p, limit=0), [deal])[0]


def _trends_risks_and_class(
    p: projections.AccountProjection, result: Engagement, deals: list[DealAnalysis]
) -> tuple[AccountClass, Message, ProductUsage | None]:
    """Fill in the engagement trends (people, deals, account) and the split risk, then classify."""
    account, config = p.account, p.config
    windows = _trend_windows(p)
    for person in result.people:
        person.trend = engagement_trend(*windows.get(person.person_id, (0, 0)))
    recent = sum(w[0] for w in windows.values())
    prior = sum(w[1] for w in windows.values())
    result.trend, result.trend_reason_message = engagement_trend(recent, prior), trend_message(recent, prior)
    result.trend_reason = render(result.trend_reason_message)
    result.usage_risk, result.usage_risk_reason = result.at_risk, result.at_risk_reason
    result.usage_risk_reason_message = result.at_risk_reason_message
    deals_message = deal_risk_message(deals, windows)
    result.deal_risk, result.deal_risk_reason_message = deals_message is not None, deals_message
    result.deal_risk_reason = render(deals_message) if deals_message is not None else ""
    result.at_risk = result.usage_risk or result.deal_risk
    parts = []
    if result.usage_risk and result.usage_risk_reason_message is not None:
        parts.append(Message(key="risk.usage_part", params={"reason": result.usage_risk_reason_message}))
    if deals_message is not None:
        parts.append(Message(key="risk.deals_part", params={"reason": deals_message}))
    at_risk_message = Message(key="risk.reasons", params={"reasons": parts}) if parts else None
    result.at_risk_reason_message = at_risk_message
    result.at_risk_reason = render(at_risk_message) if at_risk_message is not None else ""
    customer = account.company.status == CompanyStatus.CUSTOMER
    holdings = [h for h in account.holdings if h.company_id == account.company.id]
    usage = (
        product_usage(
            holdings,
            {pid: st.last_usage for pid, st in p.stats.items() if pid in p.current},
            as_of=p.as_of,
            upgrade_share=config.account_class.upgrade_share,
        )
        if customer
        else None
    )
    won = sum(
        config.currency.to_base(d.amount, d.currency) or 0.0
        for d in account.deals
        if d.status == DealStatus.WON and d.amount is not None
    )
    owned = {h.product_id for h in holdings if h.status in (None, HoldingStatus.ACTIVE, HoldingStatus.TRIAL)}
    chosen, reason = account_class_message(
        status=account.company.status,
        employees=account.company.employees,
        people=len(p.current),
        products=len(owned),
        installed_value=won,
        engagement=result,
        deals=deals,
        usage=usage,
        config=config,
    )
    return chosen, reason, usage


def analyze_account(
    account: AccountGraph,
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    deal_id: str | None = None,
    ownership: OwnershipIndex | None = None,
    classify: projections.TitleClassifier | None = None,
    explain: bool = True,
) -> AccountAnalysis:
    """The full analysis of one account as of one date.

    `deal_id` limits the deals section to one deal (which must belong to the account); `ownership`
    (all accounts' holdings) enables cross-sell and the parent/subsidiary leads; `classify` reads a
    seniority and function from titles where none is stored. `explain=False` leaves out the key
    people's score components and explanations (every figure stays the same), for callers that keep
    only the figures (`buyergraph refresh`).

    >>> from graph.model import AccountGraph, Company, Person
    >>> result = analyze_account(AccountGraph(company=Company(id="c", name="C"),
    ...     people=[Person(id="p", name="Pat", seniority="vp")]), as_of=date(2025, 1, 1))
    >>> result.key_people[0].person_id, result.key_people[0].rank
    ('p', 1)
    """
    p = projections.project_account(account, as_of=as_of, config=config, classify=classify)
    ranking = rank_key_people(p, limit=config.key_people_limit, explain=explain)
    note_messages = _ranking_note_messages(p, ranking)
    deals = [d for d in account.deals if d.status in (None, DealStatus.OPEN)]
    if deal_id is not None:
        deals = [_deal_of(account, deal_id)]
    deal_results = deal_analyses(p, ranking, deals)

    names = {prod.id: prod.name for prod in account.products}
    cross = (
        recommend(
            ownership, account.company.id, config=config, names=names, offered=offered_by_open_deals(account)
        )
        if ownership is not None
        else []
    )
    if ownership is None:
        note_messages.append(Message(key="note.no_holdings"))
    result_engagement = engagement(
        p.touch_days,
        as_of=as_of,
        people=set(p.people),
        status=account.company.status,
        function=p.function,
        seniority=p.seniority,
        config=config,
        person_stats={
            pid: (st.first, st.last, st.count, st.inbound, st.last_inbound)
            for pid, st in p.stats.items()
            if st.first is not None and st.last is not None
        },
        kind_counts=p.kind_counts,
        emails={pid: person.email for pid, person in p.people.items()},
    )
    account_class, class_reason, usage = _trends_risks_and_class(p, result_engagement, deal_results)
    result = AccountAnalysis(
        account_id=account.company.id,
        name=account.company.name,
        as_of=as_of,
        key_people=ranking.key_people,
        deals=deal_results,
        cross_sell=cross,
        relationship_leads=_relationship_leads(p, ownership),
        engagement=result_engagement,
        account_class=account_class,
        account_class_reason=render(class_reason),
        account_class_reason_message=class_reason,
        product_usage=usage,
        inferred_lines=[
            InferredReportingLine(
                person_id=line.person_id,
                manager_id=line.manager_id,
                confidence=line.confidence,
                reason=line.reason,
                reason_message=line.reason_message,
            )
            for line in p.inferred_lines
        ],
        notes=[render(m) for m in note_messages],
        note_messages=note_messages,
        config_used=config.model_dump(mode="json"),
    )
    result.keep_levels(p.seniority, p.function)
    return result


def warm_paths(
    account: AccountGraph,
    target_person_id: str,
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    k: int = 3,
    classify: projections.TitleClassifier | None = None,
) -> list[WarmPath]:
    """Up to k cheapest introduction chains (at most max_hops hops) from our reps to one person.

    Raises NotFoundError when the person is not (or no longer) at the account.
    """
    p = projections.project_account(account, as_of=as_of, config=config, classify=classify)
    if target_person_id not in p.people:
        raise NotFoundError("person", target_person_id)
    if target_person_id not in p.current:
        return []
    return k_warm_paths(
        p.reach, sorted(p.reps), target_person_id, max_hops=config.max_hops, k=k, label=p.label
    )
