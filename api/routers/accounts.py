"""`/api/v1/accounts`: the account list, one account, and its analyses (key people, deals, coverage,
cross-sell) and graph."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.answers import Freshness, accounts_response, kept_key_people_response, key_people_public
from api.deps import ReadKey, RuntimeDep
from api.errors import problem_responses
from api.graph_export import MEDIA_TYPES, GraphFormat
from api.graph_export import export as export_graph
from api.listing import CSV_RESPONSE, ListFormatQuery, csv_response, wants_csv
from api.params import PageLimit, check_limit
from api.routers._analysis import (
    AsOfQuery,
    analysis_of,
    analysis_sync,
    as_of_or_today,
    computed_freshness,
    kept_detail,
    kept_freshness,
    kept_result_of,
    kept_result_sync,
    key_people_for,
    read_page,
    run_limited,
    win_of_sync,
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
    GraphEdge,
    GraphEdgeKind,
    GraphNode,
    GraphNodeKind,
    KeyPeoplePublic,
    OwnedProductPublic,
)
from graph.analyses import AccountAnalysis, BuyingStage, GapKind
from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.portfolio import (
    ACCOUNT_SORTS,
    AccountFilter,
    KeptAnswer,
    KeptDetail,
    current_people,
    detail_of,
)
from graph.analyses.rules import engagement_state, rep_ties, touch_stats
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
    responses={**problem_responses(401, 403, 422, 503), **CSV_RESPONSE},
)
async def list_accounts(
    request: Request,
    runtime: RuntimeDep,
    _key: ReadKey,
    search: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Part of the name, domain or id, ignoring case, accents and spaces; a name in "
            "Chinese characters is also found by its pinyin ('beijing huaxin' finds 北京华信科技).",
        ),
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
        Literal["rising", "steady", "falling", "none"] | None,
        Query(description="Engagement trend: the last 30 days against the 90 before."),
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
    format_: ListFormatQuery = None,
) -> AccountsPublic | Response:
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
    if not wants_csv(request, format_):
        # The rows as stored (their kept figures as the JSON text refresh kept), sent as they are.
        rows = await run_in_threadpool(
            read_page, runtime, lambda store: store.list_account_rows(query, offset=offset, limit=limit)
        )
        return accounts_response(rows)
    page = await run_in_threadpool(
        read_page, runtime, lambda store: store.list_account_results(query, offset=offset, limit=limit)
    )
    # The store validated each company and its figures as it read them: the public items are built
    # from those values as they are (the same fields), not dumped and validated a second time.
    items = [
        AccountListItemPublic.model_construct(**dict(item.company), result=item.result) for item in page.data
    ]
    return csv_response(items, AccountListItemPublic, "accounts.csv")


def _detail(account: AccountGraph, analysis: AccountAnalysis, lead_model: str) -> AccountDetailPublic:
    """The account analysed on request: the same shape as a kept one (`detail_of`)."""
    detail = detail_of(account, analysis).model_copy(update={"lead_model": lead_model})
    return _account_public(detail, analysis.as_of, computed_freshness())


def _kept_account(result: KeptAnswer) -> AccountDetailPublic:
    """The account answered from its kept result (graph/analyses/portfolio.py: KeptDetail)."""
    return _account_public(kept_detail(result), result.as_of, kept_freshness(result))


def _account_public(detail: KeptDetail, as_of: date, freshness: Freshness) -> AccountDetailPublic:
    return AccountDetailPublic(
        **freshness,
        account=AccountPublic.model_validate(detail.company.model_dump()),
        as_of=as_of,
        parent=AccountPublic.model_validate(detail.parent.model_dump()) if detail.parent else None,
        subsidiaries=[AccountPublic.model_validate(s.model_dump()) for s in detail.subsidiaries],
        people=detail.people,
        current_people=detail.current_people,
        deals=len(detail.account_deals),
        open_deals=sum(1 for d in detail.account_deals if d.status in (None, DealStatus.OPEN)),
        products=[OwnedProductPublic.model_validate(p.model_dump()) for p in detail.products],
        engagement=detail.engagement,
        account_class=detail.account_class,
        account_class_reason=detail.account_class_reason,
        account_class_reason_message=detail.account_class_reason_message,
        product_usage=detail.product_usage,
        inferred_lines=detail.inferred_lines,
        lead_model=detail.lead_model,
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
    # The model's name is looked up in the analysis thread too, after the weights the analysis used
    # (a lookup of the store must not run on the event loop).
    account, analysis, lead_model = await run_limited(
        runtime, lambda: (*analysis_sync(runtime, account_id, day), runtime.lead_model)
    )
    return _detail(account, analysis, lead_model)


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
) -> KeyPeoplePublic | Response:
    def kept_answer() -> KeyPeoplePublic | Response | None:
        # The answer refresh rendered, sent as kept (api/answers.py); a result kept before answers
        # were rendered answers from its kept detail; none (or another day asked for): computed.
        fragment = runtime.store.read_kept_key_people(account_id, limit=limit)
        if fragment is None or (as_of is not None and as_of != fragment.as_of):
            return None
        sent = kept_key_people_response(account_id, fragment)
        if sent is not None:
            return sent
        kept = kept_result_sync(runtime, account_id, as_of)
        if kept is None:
            return None
        detail = kept_detail(kept)
        return key_people_public(
            **kept_freshness(kept),
            account_id=account_id,
            as_of=kept.as_of,
            people=detail.key_people[:limit] if limit else detail.key_people,
            notes=detail.key_people_notes,
        )

    answer = await run_limited(runtime, kept_answer, what="read")
    if answer is not None:
        return answer
    day = as_of_or_today(as_of)
    ranked, notes = await key_people_for(runtime, account_id, day)
    return key_people_public(
        **computed_freshness(),
        account_id=account_id,
        as_of=day,
        people=ranked[:limit] if limit else ranked,
        notes=notes,
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
    wins: dict[str, dict[str, object]] = {}
    if kept is not None:
        records = kept_detail(kept).account_deals
        analysed = {d.deal_id: d for d in kept_detail(kept).deals}
        fresh, day = kept_freshness(kept), kept.as_of
        # The win likelihoods live with the kept deal results, not in the detail the answer reads.
        full = (
            await run_limited(runtime, lambda: runtime.store.read_results([account_id]), what="read")
        ).get(account_id)
        wins = {
            d.deal_id: d.model_dump(include={"win_likelihood", "win_model", "win_factors"})
            for d in (full.deals if full is not None else [])
        }
    else:
        day = as_of_or_today(as_of)
        account, analysis = await analysis_of(runtime, account_id, day)
        records = account.deals
        analysed = {d.deal_id: d for d in analysis.deals}
        fresh = computed_freshness()
        wins = await run_limited(runtime, lambda: win_of_sync(runtime, account, analysis))
    deals = [
        DealPublic.model_validate(
            {**d.model_dump(), **fresh, "analysis": analysed.get(d.id), **wins.get(d.id, {})}
        )
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
    responses={
        **_READ_ERRORS,
        200: {
            "content": {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES.values()},
            "description": "The graph as JSON, or as GraphML or GEXF with `format`.",
        },
    },
)
async def account_graph(
    account_id: AccountId,
    runtime: RuntimeDep,
    _key: ReadKey,
    as_of: AsOfQuery = None,
    format_: Annotated[
        GraphFormat,
        Query(alias="format", description="json, graphml (yEd, Cytoscape) or gexf (Gephi)."),
    ] = "json",
) -> AccountGraphPublic | Response:
    day = as_of_or_today(as_of)
    account, analysis = await analysis_of(runtime, account_id, day)
    graph = build_graph(account, analysis, config=runtime.config)
    if format_ == "json":
        return graph
    return Response(
        content=export_graph(graph, format_),
        media_type=MEDIA_TYPES[format_],
        headers={"Content-Disposition": f'attachment; filename="account-graph.{format_}"'},
    )


def build_graph(
    account: AccountGraph, analysis: AccountAnalysis, *, config: AnalysisConfig = DEFAULT_CONFIG
) -> AccountGraphPublic:
    """Nodes (people with roles, influence and engagement state; reps) and edges (reporting lines,
    KNOWS ties, rep-to-person touch ties), all as known on `analysis.as_of`. Current employees,
    engagement states and tie strengths are the analyses' own (graph/analyses/rules.py)."""
    as_of = analysis.as_of
    key = {k.person_id: k for k in analysis.key_people}
    roles: dict[str, set[BuyingRole]] = defaultdict(set)
    for seat in account.committee:
        roles[seat.person_id].add(seat.role)
    current = _current_people(account, as_of)
    stats = touch_stats(account.touch_days, as_of=as_of, engaged_days=config.engaged_days)
    nodes: list[GraphNode] = []
    for person in account.people:
        last = stats[person.id].last if person.id in stats else None
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
                engagement=engagement_state(last, as_of, config),
                last_touch=last,
            )
        )
    ties = rep_ties(
        account.touch_days,
        [r.id for r in account.reps],
        {p.id for p in account.people},
        as_of=as_of,
        config=config,
    )
    rep_ids = {rep for rep, _ in ties}
    for rep in account.reps:
        if rep.id in rep_ids:
            nodes.append(GraphNode(id=rep.id, kind=GraphNodeKind.REP, label=rep.name, title=rep.team))
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
        GraphEdge(
            source=rep, target=pid, kind=GraphEdgeKind.TOUCH, touches=tie.touches, strength=tie.strength
        )
        for (rep, pid), tie in sorted(ties.items())
    ]
    return AccountGraphPublic(account_id=account.company.id, as_of=as_of, nodes=nodes, edges=edges)
