"""`/api/v1/corrections`: sellers' own assertions (a buying role, a reporting line, "has left", a KNOWS
tie, a logged touch), kept with their provenance, listed with their conflicts, and withdrawn.

Writes need a key with the write scope (or a signed-in page with its CSRF header); the author kept with
each correction is the key's name."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Body, Path, Query

from api.corrections import build_correction, with_conflicts
from api.deps import ReadKey, RuntimeDep, StoreDep, WriteKey
from api.errors import problem_responses
from api.params import PageLimit, check_limit
from api.refresh import compute_results, keep_results
from api.routers._analysis import as_of_or_today
from api.runtime import Runtime
from api.schemas import CorrectionCreate, CorrectionPublic, CorrectionsPublic
from graph.errors import BuyerGraphError
from graph.model import CorrectionKind

log = logging.getLogger(__name__)

router = APIRouter(prefix="/corrections", tags=["corrections"])

CorrectionId = Annotated[str, Path(min_length=1, max_length=64, description="The correction id.")]
_Filter = Annotated[str | None, Query(min_length=1, max_length=256)]

_ROLE_EXAMPLE = {"kind": "role", "deal_id": "d-3", "person_id": "p-17", "role": "decision_maker"}
_BODY_EXAMPLES = {
    "role": {"summary": "Assert a buying role", "value": _ROLE_EXAMPLE},
    "role_withdrawn": {
        "summary": "Withdraw a buying role",
        "value": {"kind": "role_withdrawn", "deal_id": "d-3", "person_id": "p-17", "role": "champion"},
    },
    "reporting": {
        "summary": "Set a reporting line",
        "value": {"kind": "reporting", "person_id": "p-17", "manager_id": "p-2", "line_kind": "dotted"},
    },
    "left": {
        "summary": "Mark a person as having left",
        "value": {"kind": "left", "person_id": "p-17", "on": "2026-06-15"},
    },
    "knows": {
        "summary": "Add a KNOWS tie",
        "value": {"kind": "knows", "person_id": "p-17", "other_id": "p-4", "strength": 0.8},
    },
    "touch": {
        "summary": "Log a meeting",
        "value": {
            "kind": "touch",
            "touch_kind": "meeting",
            "at": "2026-06-30T14:00:00Z",
            "person_ids": ["p-17", "p-4"],
            "rep_id": "rep-1",
            "deal_id": "d-3",
            "duration_s": 3600,
            "note": "QBR on site",
        },
    },
}


def refresh_account(runtime: Runtime, company_id: str) -> None:
    """Keep fresh results for the corrected account (after the answer is sent), so that the book's
    lists show the correction before the next `buyergraph refresh`: for the day its kept result was
    computed for (the book stays on one day), today when it has none. A failure only leaves the kept
    result stale; nothing about the account is logged."""
    try:
        kept = runtime.store.read_results([company_id]).get(company_id)
        as_of = kept.as_of if kept is not None else as_of_or_today(None)
        results = compute_results(runtime.store, [company_id], as_of=as_of, config=runtime.config)
        keep_results(runtime.store, results)  # the change log hears of it, as from any refresh
    except BuyerGraphError as exc:
        log.warning("refresh after a correction failed (%s); the next refresh catches up", type(exc).__name__)


@router.post(
    "",
    status_code=201,
    response_model=CorrectionPublic,
    summary="Record a correction (source user, the key's name, now)",
    responses=problem_responses(401, 403, 422, 503),
)
def create_correction(
    body: Annotated[CorrectionCreate, Body(openapi_examples=_BODY_EXAMPLES)],
    store: StoreDep,
    runtime: RuntimeDep,
    key: WriteKey,
    background: BackgroundTasks,
) -> CorrectionPublic:
    correction, touch = build_correction(store, body, author=key.name)
    stored = store.add_correction(correction, touch=touch)
    runtime.store_changed(mark_store=False)  # the store moved its version with the write
    background.add_task(refresh_account, runtime, stored.company_id)
    return with_conflicts(store, [stored])[0]


@router.get(
    "",
    response_model=CorrectionsPublic,
    summary="List corrections, newest first, with their conflicts",
    responses=problem_responses(401, 403, 422, 503),
)
def list_corrections(
    store: StoreDep,
    runtime: RuntimeDep,
    _key: ReadKey,
    account_id: _Filter = None,
    person_id: Annotated[
        str | None,
        Query(
            min_length=1, max_length=256, description="As the person, the manager, the other or an attendee."
        ),
    ] = None,
    deal_id: _Filter = None,
    kind: CorrectionKind | None = None,
    include_withdrawn: Annotated[bool, Query(description="Also list withdrawn corrections.")] = False,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: PageLimit = 50,
) -> CorrectionsPublic:
    check_limit(limit, runtime.settings.max_page_size)
    page = store.list_corrections(
        company_id=account_id,
        person_id=person_id,
        deal_id=deal_id,
        kind=kind,
        include_withdrawn=include_withdrawn,
        offset=offset,
        limit=limit,
    )
    return CorrectionsPublic(
        data=with_conflicts(store, page.data), count=page.count, offset=page.offset, limit=page.limit
    )


@router.get(
    "/{correction_id}",
    response_model=CorrectionPublic,
    summary="One correction, withdrawn or not, with its conflicts",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def get_correction(correction_id: CorrectionId, store: StoreDep, _key: ReadKey) -> CorrectionPublic:
    return with_conflicts(store, [store.get_correction(correction_id)])[0]


@router.delete(
    "/{correction_id}",
    response_model=CorrectionPublic,
    summary="Withdraw (undo) a correction: the CRM's value applies again",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def undo_correction(
    correction_id: CorrectionId,
    store: StoreDep,
    runtime: RuntimeDep,
    key: WriteKey,
    background: BackgroundTasks,
) -> CorrectionPublic:
    undone = store.undo_correction(correction_id, by=key.name)
    runtime.store_changed(mark_store=False)
    background.add_task(refresh_account, runtime, undone.company_id)
    return CorrectionPublic.model_validate({**undone.model_dump(), "conflicts": []})
