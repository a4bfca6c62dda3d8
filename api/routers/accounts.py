"""`/api/v1/accounts`: the account list, one account, and its analyses (key people, deals, coverage,
cross-sell) and graph."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from api.deps import ReadKey, RuntimeDep, StoreDep
from api.errors import problem_responses
from api.params import PageLimit, check_limit, reject_unknown_query
from api.routers._analysis import (
    AsOfQuery,
    analysis_of,
    as_of_or_today,
    computed_freshness,
    kept_detail,
    kept_freshness,
    kept_result_of,
    key_people_for,
)
from api.schemas import (
    AccountDetailPublic,
    AccountGraphPublic,
    AccountListItemPublic,
    AccountPublic,
    AccountsPublic,
    CoveragesPublic,
    CrossSellPublic,
    DealCoveragePublic,
    DealPublic,
    DealsPublic,
    EngagementClass,
    GraphEdge,
    GraphEdgeKind,
    GraphNode,
    GraphNodeKind,
    KeyPeoplePublic,
    OwnedProductPublic,
)
from graph.analyses import AccountAnalysis, BuyingStage, GapKind
from graph.analyses.portfolio import ACCOUNT_SORTS, AccountFilter, AccountResult, current_people
from graph.model import AccountGraph, BuyingRole, CompanyStatus, DealStatus

router = APIRouter(prefix="/accounts", tags=["accounts"])

AccountId = Annotated[str, Path(min_length=1, max_length=256, description="The account (company) id.")]
_READ_ERRORS = problem_responses(401, 403, 404, 408, 422, 503)


_ACCOUNT_SORT_PATTERN = "^-?(" + "|".join(ACCOUNT_SORTS) + ")$"


def sort_and_direction(sort: str) -> tuple[str, bool]:
    """`-gaps_high` -> ("gaps_high", descending)."""
    return sort.removeprefix("-"), sort.startswith("-")


@router.get(
    "",
    response_model=AccountsPublic,
    summary="List every account, sorted and filtered on the server by its kept analysis",
    responses=problem_responses(401, 403, 422, 503),
    dependencies=[Depends(reject_unknown_query)],
)
def list_accounts(
    store: StoreDep,
    runtime: RuntimeDep,
    _key: ReadKey,
    search: Annotated[
        str | None, Query(max_length=200, description="Matches name or domain, case-insensitive.")
    ] = None,
    industry: Annotated[str | None, Query(max_length=200, description="Exact industry name.")] = None,
    status: Annotated[CompanyStatus | None, Query(description="Customer status.")] = None,
    owner: Annotated[
        str | None, Query(max_length=256, description="Accounts with a deal owned by this rep id.")
    ] = None,
    gap_kind: Annotated[
        GapKind | None, Query(description="Accounts with an open-deal gap of this kind.")
    ] = None,
    trend: Annotated[
        Literal["rising", "falling", "flat", "none"] | None, Query(description="Engagement trend.")
    ] = None,
    at_risk: Annotated[bool | None, Query(description="Only accounts at risk (true) or not (false).")] = None,
    buying_stage: Annotated[BuyingStage | None, Query(description="Buying stage.")] = None,
    min_coverage: Annotated[float | None, Query(ge=0, le=1)] = None,
    max_coverage: Annotated[float | None, Query(ge=0, le=1)] = None,
    min_completeness: Annotated[float | None, Query(ge=0, le=1)] = None,
    max_completeness: Annotated[float | None, Query(ge=0, le=1)] = None,
    min_gaps: Annotated[int | None, Query(ge=0, le=1_000_000, description="At least this many gaps.")] = None,
    min_gaps_high: Annotated[
        int | None, Query(ge=0, le=1_000_000, description="At least this many high-severity gaps.")
    ] = None,
    sort: Annotated[
        str,
        Query(
            pattern=_ACCOUNT_SORT_PATTERN,
            description=f"One of {', '.join(ACCOUNT_SORTS)}; a leading '-' sorts descending. Accounts "
            "without the figure (never refreshed, no open deal) come last.",
        ),
    ] = "name",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: PageLimit = 50,
) -> AccountsPublic:
    """Every account, filtered and sorted across the whole book on the server, one page; each carries
    its kept figures from the latest refresh and how fresh they are. Filters on figures leave out
    accounts never refreshed. `count` is the total number that matched."""
    check_limit(limit, runtime.settings.max_page_size)
    key, descending = sort_and_direction(sort)
    query = AccountFilter(
        search=search or None,
        industry=industry or None,
        status=status.value if status else None,
        owner=owner or None,
        gap_kind=gap_kind,
        trend=trend,
        at_risk=at_risk,
        buying_stage=buying_stage.value if buying_stage else None,
        min_coverage=min_coverage,
        max_coverage=max_coverage,
        min_completeness=min_completeness,
        max_completeness=max_completeness,
        min_gaps=min_gaps,
        min_gaps_high=min_gaps_high,
        sort=key,
        descending=descending,
    )
    page = store.list_account_results(query, offset=offset, limit=limit)
    return AccountsPublic(
        data=[
            AccountListItemPublic.model_validate({**item.company.model_dump(), "result": item.result})
            for item in page.data
        ],
        count=page.count,
        offset=page.offset,
        limit=page.limit,
    )


def _detail(account: AccountGraph, analysis: AccountAnalysis) -> AccountDetailPublic:
    products = {p.id: p for p in account.products}
    return AccountDetailPublic(
        **computed_freshness(),
        account=AccountPublic.model_validate(account.company.model_dump()),
        as_of=analysis.as_of,
        parent=AccountPublic.model_validate(account.parent.model_dump()) if account.parent else None,
        subsidiaries=[AccountPublic.model_validate(s.model_dump()) for s in account.subsidiaries],
        people=len(account.people),
        current_people=len(_current_people(account, analysis.as_of)),
        deals=len(account.deals),
        open_deals=sum(1 for d in account.deals if d.status in (None, DealStatus.OPEN)),
        products=[
            OwnedProductPublic(
                product_id=h.product_id,
                name=products[h.product_id].name if h.product_id in products else None,
                family=products[h.product_id].family if h.product_id in products else None,
                since=h.since,
                seats=h.seats,
                status=h.status.value if h.status else None,
            )
            for h in account.holdings
        ],
        engagement=analysis.engagement,
    )


def _kept_account(result: AccountResult) -> AccountDetailPublic:
    """The account answered from its kept result (graph/analyses/portfolio.py: KeptDetail)."""
    detail = kept_detail(result)
    return AccountDetailPublic(
        **kept_freshness(result),
        account=AccountPublic.model_validate(detail.company.model_dump()),
        as_of=result.as_of,
        parent=AccountPublic.model_validate(detail.parent.model_dump()) if detail.parent else None,
        subsidiaries=[AccountPublic.model_validate(s.model_dump()) for s in detail.subsidiaries],
        people=detail.people,
        current_people=detail.current_people,
        deals=len(detail.account_deals),
        open_deals=result.open_deals,
        products=[OwnedProductPublic.model_validate(p.model_dump()) for p in detail.products],
        engagement=detail.engagement,
    )


#: The rule lives with the kept results (graph/analyses/portfolio.py); the graph below uses it too.
_current_people = current_people


@router.get(
    "/{account_id}",
    response_model=AccountDetailPublic,
    summary="One account with its profile and engagement roll-up",
    responses=_READ_ERRORS,
)
async def get_account(
    account_id: AccountId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> AccountDetailPublic:
    kept = await kept_result_of(runtime, account_id, as_of)
    if kept is not None:
        return _kept_account(kept)
    day = as_of_or_today(as_of)
    account, analysis = await analysis_of(runtime, account_id, day)
    return _detail(account, analysis)


@router.get(
    "/{account_id}/key-people",
    response_model=KeyPeoplePublic,
    summary="The account's key people, ranked by influence, each score explained",
    responses=_READ_ERRORS,
)
async def key_people(
    account_id: AccountId,
    runtime: RuntimeDep,
    _key: ReadKey,
    as_of: AsOfQuery = None,
    limit: Annotated[int | None, Query(ge=1, le=500, description="At most this many people.")] = None,
) -> KeyPeoplePublic:
    kept = await kept_result_of(runtime, account_id, as_of)
    if kept is not None:
        detail = kept_detail(kept)
        people = detail.key_people[:limit] if limit else detail.key_people
        return KeyPeoplePublic(
            **kept_freshness(kept),
            account_id=account_id,
            as_of=kept.as_of,
            data=people,
            count=len(people),
            notes=detail.key_people_notes,
        )
    day = as_of_or_today(as_of)
    ranked, notes = await key_people_for(runtime, account_id, day)
    people = ranked[:limit] if limit else ranked
    return KeyPeoplePublic(
        **computed_freshness(), account_id=account_id, as_of=day, data=people, count=len(people), notes=notes
    )


@router.get(
    "/{account_id}/deals",
    response_model=DealsPublic,
    summary="The account's deals; open deals with their committee, gaps and coverage",
    responses=_READ_ERRORS,
)
async def account_deals(
    account_id: AccountId,
    runtime: RuntimeDep,
    _key: ReadKey,
    as_of: AsOfQuery = None,
    status: Annotated[DealStatus | None, Query(description="Only deals with this status.")] = None,
) -> DealsPublic:
    kept = await kept_result_of(runtime, account_id, as_of)
    if kept is not None:
        records = kept_detail(kept).account_deals
        analysed = {d.deal_id: d for d in kept_detail(kept).deals}
        fresh, day = kept_freshness(kept), kept.as_of
    else:
        day = as_of_or_today(as_of)
        account, analysis = await analysis_of(runtime, account_id, day)
        records = account.deals
        analysed = {d.deal_id: d for d in analysis.deals}
        fresh = computed_freshness()
    deals = [
        DealPublic.model_validate({**d.model_dump(), **fresh, "analysis": analysed.get(d.id)})
        for d in records
        if status is None or d.status == status
    ]
    return DealsPublic(**fresh, account_id=account_id, as_of=day, data=deals, count=len(deals))


@router.get(
    "/{account_id}/coverage",
    response_model=CoveragesPublic,
    summary="How much of each open deal's key people our reps can reach",
    responses=_READ_ERRORS,
)
async def account_coverage(
    account_id: AccountId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> CoveragesPublic:
    kept = await kept_result_of(runtime, account_id, as_of)
    if kept is not None:
        deals, day, fresh = kept_detail(kept).deals, kept.as_of, kept_freshness(kept)
    else:
        day = as_of_or_today(as_of)
        _, analysis = await analysis_of(runtime, account_id, day)
        deals, fresh = analysis.deals, computed_freshness()
    data = [
        DealCoveragePublic(
            **fresh, deal_id=d.deal_id, account_id=account_id, name=d.name, as_of=day, coverage=d.coverage
        )
        for d in deals
    ]
    return CoveragesPublic(**fresh, account_id=account_id, as_of=day, data=data, count=len(data))


@router.get(
    "/{account_id}/cross-sell",
    response_model=CrossSellPublic,
    summary="Products the account is likely to buy, and warm ways into related companies",
    responses=_READ_ERRORS,
)
async def cross_sell(
    account_id: AccountId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> CrossSellPublic:
    day = as_of_or_today(as_of)
    _, analysis = await analysis_of(runtime, account_id, day)
    return CrossSellPublic(
        account_id=account_id,
        as_of=day,
        data=analysis.cross_sell,
        count=len(analysis.cross_sell),
        relationship_leads=analysis.relationship_leads,
    )


@router.get(
    "/{account_id}/graph",
    response_model=AccountGraphPublic,
    summary="The account's people and our reps as nodes and edges, for other front ends",
    responses=_READ_ERRORS,
)
async def account_graph(
    account_id: AccountId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> AccountGraphPublic:
    day = as_of_or_today(as_of)
    account, analysis = await analysis_of(runtime, account_id, day)
    return build_graph(account, analysis, engaged_days=runtime.config.engaged_days)


def build_graph(account: AccountGraph, analysis: AccountAnalysis, *, engaged_days: int) -> AccountGraphPublic:
    """Nodes (people with roles, influence and engagement class; reps) and edges (reporting lines,
    KNOWS ties, rep-to-person touches), all as known on `analysis.as_of`."""
    as_of = analysis.as_of
    key = {k.person_id: k for k in analysis.key_people}
    roles: dict[str, set[BuyingRole]] = defaultdict(set)
    for seat in account.committee:
        roles[seat.person_id].add(seat.role)
    current = _current_people(account, as_of)
    # (day, rep, attendees) of the touches up to as_of, read as columns: no touch model is built.
    touches = account.touches
    visible_touches = [
        (day, rep_id, person_ids)
        for day, rep_id, person_ids in zip(
            map(datetime.date, touches.ats), touches.rep_ids, touches.person_ids, strict=True
        )
        if day <= as_of
    ]
    last_touch: dict[str, date] = {}
    for day, _, person_ids in visible_touches:
        for pid in person_ids:
            if pid not in last_touch or day > last_touch[pid]:
                last_touch[pid] = day
    engaged_since = as_of - timedelta(days=engaged_days)
    people_ids = {p.id for p in account.people}
    nodes: list[GraphNode] = []
    for person in account.people:
        last = last_touch.get(person.id)
        engagement = (
            EngagementClass.NEVER
            if last is None
            else EngagementClass.ENGAGED
            if last >= engaged_since
            else EngagementClass.COOLING
        )
        kp = key.get(person.id)
        nodes.append(
            GraphNode(
                id=person.id,
                kind=GraphNodeKind.PERSON,
                label=person.name,
                title=person.title,
                seniority=person.seniority,
                function=person.function,
                current=person.id in current,
                roles=sorted(roles.get(person.id, set()), key=lambda r: r.value),
                influence=kp.score if kp else None,
                rank=kp.rank if kp else None,
                engagement=engagement,
                last_touch=last,
            )
        )
    touch_counts: Counter[tuple[str, str]] = Counter()
    for _, rep_id, person_ids in visible_touches:
        if rep_id:
            for pid in person_ids:
                if pid in people_ids:
                    touch_counts[(rep_id, pid)] += 1
    rep_ids = {rep for rep, _ in touch_counts}
    for rep in account.reps:
        if rep.id in rep_ids:
            nodes.append(GraphNode(id=rep.id, kind=GraphNodeKind.REP, label=rep.name, title=rep.team))
    known_reps = {r.id for r in account.reps}
    edges: list[GraphEdge] = [
        GraphEdge(
            source=r.person_id,
            target=r.manager_id,
            kind=GraphEdgeKind.REPORTS_TO,
            line=r.kind,
            current=(r.since is None or r.since <= as_of) and (r.until is None or r.until > as_of),
        )
        for r in account.reporting
        if r.since is None or r.since <= as_of
    ]
    edges += [
        GraphEdge(source=k.person_id, target=k.other_id, kind=GraphEdgeKind.KNOWS, strength=k.strength)
        for k in account.knows
    ]
    edges += [
        GraphEdge(source=rep, target=pid, kind=GraphEdgeKind.TOUCH, touches=n, strength=float(n))
        for (rep, pid), n in sorted(touch_counts.items())
        if rep in known_reps
    ]
    return AccountGraphPublic(account_id=account.company.id, as_of=as_of, nodes=nodes, edges=edges)
