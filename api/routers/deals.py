"""`/api/v1/deals/{id}`: one deal, its gaps and its coverage."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ReadKey, RuntimeDep
from api.errors import problem_responses
from api.routers._analysis import AsOfQuery, as_of_or_today, deal_analysis_sync, run_limited
from api.schemas import DealCoveragePublic, DealGapsPublic, DealPublic
from graph.analyses import DealAnalysis
from graph.model import Deal

router = APIRouter(prefix="/deals", tags=["deals"])

DealId = Annotated[str, Path(min_length=1, max_length=256, description="The deal id.")]
_READ_ERRORS = problem_responses(401, 403, 404, 408, 422, 503)


async def _deal_analysis(runtime: RuntimeDep, deal_id: str, day: date) -> tuple[Deal, DealAnalysis]:
    """The deal and its analysis, off the event loop within the analysis timeout."""
    return await run_limited(runtime, lambda: deal_analysis_sync(runtime, deal_id, day))


@router.get(
    "/{deal_id}",
    response_model=DealPublic,
    summary="One deal with its committee, gaps and coverage",
    responses=_READ_ERRORS,
)
async def get_deal(
    deal_id: DealId, runtime: RuntimeDep, _key: ReadKey, as_of: AsOfQuery = None
) -> DealPublic:
    deal, analysis = await _deal_analysis(runtime, deal_id, as_of_or_today(as_of))
    return DealPublic.model_validate({**deal.model_dump(), "analysis": analysis})


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
