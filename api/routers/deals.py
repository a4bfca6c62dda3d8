"""`/api/v1/deals`: every deal (filtered, sorted, with kept results); one deal, its gaps and its coverage."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.answers import Freshness, deal_gaps_public, kept_deal_gaps_response
from api.deps import ReadKey, RuntimeDep
from api.errors import ApiProblem, problem_responses
from api.listing import CSV_RESPONSE, ListFormatQuery, csv_response, wants_csv
from api.params import PageLimit, check_limit
from api.routers._analysis import (
    AsOfQuery,
    as_of_or_today,
    computed_freshness,
    deal_analysis_sync,
    kept_detail,
    kept_freshness,
    kept_result_sync,
    read_page,
    run_limited,
)
from api.schemas import DealCoveragePublic, DealGapsPublic, DealListItemPublic, DealListPublic, DealPublic
from graph.analyses import DealAnalysis, GapKind
from graph.analyses.portfolio import DEAL_SORTS, DealFilter
from graph.model import DealStatus

router = APIRouter(prefix="/deals", tags=["deals"])

DealId = Annotated[str, Path(min_length=1, max_length=256, description="The deal id.")]
_READ_ERRORS = problem_responses(401, 403, 404, 408, 422, 503)


_DEAL_SORT_PATTERN = "^-?(" + "|".join(DEAL_SORTS) + ")$"


@router.get(
    "",
    response_model=DealListPublic,
    summary="List every deal, filtered and sorted on the server, with its kept gaps and coverage",
    responses={**problem_responses(401, 403, 422, 503), **CSV_RESPONSE},
)
async def list_deals(
    request: Request,
    runtime: RuntimeDep,
    _key: ReadKey,
    status: Annotated[
        DealStatus | None, Query(description="Deal status (a deal without one is open).")
    ] = None,
    stage: Annotated[str | None, Query(max_length=200, description="Exact stage name.")] = None,
    min_amount: Annotated[float | None, Query(ge=0, le=1e15)] = None,
    max_amount: Annotated[float | None, Query(ge=0, le=1e15)] = None,
    gap_kind: Annotated[GapKind | None, Query(description="Deals with a kept gap of this kind.")] = None,
    owner: Annotated[str | None, Query(max_length=256, description="Deals owned by this rep id.")] = None,
    account_id: Annotated[str | None, Query(max_length=256, description="Deals of this account.")] = None,
    search: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Part of the deal's or its account's name or id, ignoring case, accents and "
            "spaces; a name in Chinese characters is also found by its pinyin ('li na' finds 李娜).",
        ),
    ] = None,
    sort: Annotated[
        str,
        Query(
            pattern=_DEAL_SORT_PATTERN,
            description=f"One of {', '.join(DEAL_SORTS)}; a leading '-' sorts descending. Deals without "
            "the figure come last.",
        ),
    ] = "name",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: PageLimit = 50,
    format_: ListFormatQuery = None,
) -> DealListPublic | Response:
    """Every deal, one page; open deals carry their kept result from the latest refresh (gaps with
    kind, role, person, severity and next step; coverage; completeness) and how fresh it is."""
    check_limit(limit, runtime.settings.max_page_size)
    if min_amount is not None and max_amount is not None and min_amount > max_amount:
        raise ApiProblem(422, "validation", "Invalid request", "query:min_amount: must not exceed max_amount")
    query = DealFilter(
        status=status.value if status else None,
        stage=stage or None,
        min_amount=min_amount,
        max_amount=max_amount,
        gap_kind=gap_kind,
        owner=owner or None,
        account_id=account_id or None,
        search=search or None,
        sort=sort.removeprefix("-"),
        descending=sort.startswith("-"),
    )
    page = await run_in_threadpool(
        read_page, runtime, lambda store: store.list_deal_results(query, offset=offset, limit=limit)
    )
    # The store validated each deal and its kept result as it read them: the public items are built
    # from those values as they are (the same fields), not dumped and validated a second time.
    items = [
        DealListItemPublic.model_construct(
            **dict(item.deal),
            result=item.result,
            as_of=item.as_of,
            computed_at=item.computed_at,
            stale=item.stale,
        )
        for item in page.data
    ]
    if wants_csv(request, format_):
        return csv_response(items, DealListItemPublic, "deals.csv")
    return DealListPublic(data=items, count=page.count, offset=page.offset, limit=page.limit)


def _deal_analysis_sync(
    runtime: RuntimeDep, deal_id: str, as_of: date | None, *, kept: bool = True
) -> tuple[str, DealAnalysis, date, Freshness]:
    """The deal's account id, its analysis, the day it is for and its freshness fields: from its
    account's kept result when that answers (see kept_result_sync; one store read by the deal's id;
    skipped with `kept=False`, when the caller knows there is none), else analysed for this request."""
    if kept:
        answer = kept_result_sync(runtime, None, as_of, deal_id=deal_id)
        if answer is not None:
            found = next((d for d in kept_detail(answer).deals if d.deal_id == deal_id), None)
            if found is not None:
                return answer.account_id, found, answer.as_of, kept_freshness(answer)
    day = as_of_or_today(as_of)
    deal, analysis = deal_analysis_sync(runtime, deal_id, day)
    return deal.company_id, analysis, day, computed_freshness()


async def _deal_analysis(
    runtime: RuntimeDep, deal_id: str, as_of: date | None
) -> tuple[str, DealAnalysis, date, Freshness]:
    """`_deal_analysis_sync` off the event loop within the analysis timeout."""
    return await run_limited(runtime, lambda: _deal_analysis_sync(runtime, deal_id, as_of))


@router.get(
    "/{deal_id}",
    response_model=DealPublic,
    summary="One deal with its committee, gaps and coverage",
    responses=_READ_ERRORS,
)
async def get_deal(
    deal_id: DealId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> DealPublic:
    _, analysis, _, fresh = await _deal_analysis(runtime, deal_id, as_of)
    deal = await run_limited(runtime, lambda: runtime.store.get_deal(deal_id), what="read")
    return DealPublic.model_validate({**deal.model_dump(), **fresh, "analysis": analysis})


@router.get(
    "/{deal_id}/gaps",
    response_model=DealGapsPublic,
    summary="The holes in the deal's decision chain, with next steps",
    responses=_READ_ERRORS,
)
async def deal_gaps(
    deal_id: DealId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> DealGapsPublic | Response:
    def work() -> DealGapsPublic | Response:
        # The answer refresh rendered, sent as kept (api/answers.py); else from the kept detail (a
        # result kept before answers were rendered) or analysed for this request.
        fragment = runtime.store.read_kept_deal_gaps(deal_id)
        if fragment is not None and (as_of is None or as_of == fragment.as_of):
            sent = kept_deal_gaps_response(deal_id, fragment)
            if sent is not None:
                return sent
        account_id, analysis, day, fresh = _deal_analysis_sync(
            runtime, deal_id, as_of, kept=fragment is not None and (as_of is None or as_of == fragment.as_of)
        )
        return deal_gaps_public(deal_id=deal_id, account_id=account_id, as_of=day, analysis=analysis, **fresh)

    return await run_limited(runtime, work)


@router.get(
    "/{deal_id}/coverage",
    response_model=DealCoveragePublic,
    summary="How much of the deal's key people our reps can reach",
    responses=_READ_ERRORS,
)
async def deal_coverage(
    deal_id: DealId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> DealCoveragePublic:
    account_id, analysis, day, fresh = await _deal_analysis(runtime, deal_id, as_of)
    return DealCoveragePublic(
        **fresh,
        deal_id=deal_id,
        account_id=account_id,
        name=analysis.name,
        as_of=day,
        coverage=analysis.coverage,
    )
