"""`/api/v1/deals/{id}`: one deal, its gaps and its coverage."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ReadKey, RuntimeDep
from api.errors import problem_responses
from api.routers._analysis import AsOfQuery, analysis_of, as_of_or_today, run_limited
from api.schemas import DealCoveragePublic, DealGapsPublic, DealPublic
from graph.analyses import DealAnalysis
from graph.errors import InvalidInputError
from graph.model import Deal

router = APIRouter(prefix="/deals", tags=["deals"])

DealId = Annotated[str, Path(min_length=1, max_length=256, description="The deal id.")]
_READ_ERRORS = problem_responses(401, 403, 404, 408, 422, 503)


async def _deal_analysis(runtime: RuntimeDep, deal_id: str, day: date) -> tuple[Deal, DealAnalysis]:
    """The deal and its analysis. With the cache on, the account's full (cached, shared with the
    account endpoints) analysis answers for open deals; otherwise only this deal is analysed,
    without cross-sell."""
    store = runtime.store
    deal = await run_limited(runtime, lambda: store.get_deal(deal_id), what="deal lookup")
    found = None
    if runtime.settings.analysis_cache_s > 0:
        _, full = await analysis_of(runtime, deal.company_id, day)
        found = next((d for d in full.deals if d.deal_id == deal_id), None)
    if found is None:
        # Gaps and coverage do not depend on cross-sell: leave it out of this one-deal analysis.
        _, analysis = await analysis_of(runtime, deal.company_id, day, deal_id=deal_id, cross_sell=False)
        found = next((d for d in analysis.deals if d.deal_id == deal_id), None)
    if found is None:
        status = deal.status.value if deal.status else "not open"
        raise InvalidInputError(
            f"deal {deal_id!r} is {status}: gaps and coverage are computed for open deals only"
        )
    return deal, found


@router.get(
    "/{deal_id}",
    response_model=DealPublic,
    summary="One deal with its committee, gaps and coverage",
    responses=_READ_ERRORS,
)
async def get_deal(
    deal_id: DealId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> DealPublic:
    store = runtime.store
    deal = await run_limited(runtime, lambda: store.get_deal(deal_id), what="deal lookup")
    _, analysis = await analysis_of(runtime, deal.company_id, as_of_or_today(as_of), deal_id=deal_id)
    found = next((d for d in analysis.deals if d.deal_id == deal_id), None)
    return DealPublic.model_validate({**deal.model_dump(), "analysis": found})


@router.get(
    "/{deal_id}/gaps",
    response_model=DealGapsPublic,
    summary="The holes in the deal's decision chain, with next steps",
    responses=_READ_ERRORS,
)
async def deal_gaps(
    deal_id: DealId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> DealGapsPublic:
    day = as_of_or_today(as_of)
    deal, analysis = await _deal_analysis(runtime, deal_id, day)
    return DealGapsPublic(
        deal_id=deal_id,
        account_id=deal.company_id,
        as_of=day,
        template=analysis.template,
        required_roles=analysis.required_roles,
        data=analysis.gaps,
        count=len(analysis.gaps),
    )


@router.get(
    "/{deal_id}/coverage",
    response_model=DealCoveragePublic,
    summary="How much of the deal's key people our reps can reach",
    responses=_READ_ERRORS,
)
async def deal_coverage(
    deal_id: DealId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> DealCoveragePublic:
    day = as_of_or_today(as_of)
    deal, analysis = await _deal_analysis(runtime, deal_id, day)
    return DealCoveragePublic(
        deal_id=deal_id, account_id=deal.company_id, name=analysis.name, as_of=day, coverage=analysis.coverage
    )
