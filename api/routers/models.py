"""`/api/v1/models`: the models `buyergraph learn` kept (win likelihood, lead-score weights), every
version, and one of them whole (weights with their intervals, back-test, the data it was fit on)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict

from api.deps import ReadKey, StoreDep
from api.errors import problem_responses
from graph.analyses.lead_weights import LEAD_WEIGHTS_KIND
from graph.analyses.win_model import WIN_MODEL_KIND
from graph.errors import NotFoundError
from graph.stores.base import GraphStore, KeptModel

router = APIRouter(prefix="/models", tags=["models"])

ModelId = Annotated[str, Path(min_length=1, max_length=256, description="The kept model's version id.")]


class ModelKind(StrEnum):
    """What a kept model models."""

    WIN_LIKELIHOOD = WIN_MODEL_KIND
    LEAD_WEIGHTS = LEAD_WEIGHTS_KIND


class ModelSummaryPublic(BaseModel):
    """One kept model version: what it models, when it was fitted, on the data up to which day, whether
    its fit allows it to be used (`used`), and whether the analyses use it now (`in_use`: the latest
    version of its kind, and used)."""

    id: str
    kind: str
    fitted_at: datetime
    as_of: date
    used: bool
    in_use: bool


class ModelsPublic(BaseModel):
    """Every kept model version, the latest fitted first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [
                        {
                            "id": "win_likelihood-2026-06-30-20260630T060000000000",
                            "kind": "win_likelihood",
                            "fitted_at": "2026-06-30T06:00:00Z",
                            "as_of": "2026-06-30",
                            "used": True,
                            "in_use": True,
                        }
                    ],
                    "count": 1,
                }
            ]
        }
    )

    data: list[ModelSummaryPublic]
    count: int


class ModelPublic(ModelSummaryPublic):
    """One kept model whole: `document` is the model as `buyergraph learn --json` prints it (for
    win_likelihood: weights with 95% intervals, back-test with baselines and calibration table, reason
    it is used or not; for lead_weights: the learned weights with intervals and the history counts)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "win_likelihood-2026-06-30-20260630T060000000000",
                    "kind": "win_likelihood",
                    "fitted_at": "2026-06-30T06:00:00Z",
                    "as_of": "2026-06-30",
                    "used": True,
                    "in_use": True,
                    "document": {
                        "features": ["economic_buyer_engaged", "engaged_people"],
                        "weights": [
                            {"feature": "economic_buyer_engaged", "weight": 1.82, "low": 1.01, "high": 2.64}
                        ],
                        "used": True,
                        "reason": "the learned model beats its baselines",
                    },
                }
            ]
        }
    )

    document: dict[str, Any]


def _in_use(store: GraphStore) -> set[str]:
    latest = (store.read_model(kind.value) for kind in ModelKind)
    return {m.id for m in latest if m is not None and m.used}


def _summary(model: KeptModel, in_use: set[str]) -> dict[str, Any]:
    return {
        "id": model.id,
        "kind": model.kind,
        "fitted_at": model.fitted_at,
        "as_of": model.as_of,
        "used": model.used,
        "in_use": model.id in in_use,
    }


@router.get(
    "",
    response_model=ModelsPublic,
    summary="Every model `buyergraph learn` kept, the latest first",
    responses=problem_responses(401, 403, 422, 503),
)
def list_models(
    store: StoreDep,
    _key: ReadKey,
    kind: Annotated[ModelKind | None, Query(description="Only models of this kind.")] = None,
) -> ModelsPublic:
    models = store.list_models(kind.value if kind else None)
    in_use = _in_use(store)
    data = [ModelSummaryPublic.model_validate(_summary(m, in_use)) for m in models]
    return ModelsPublic(data=data, count=len(data))


@router.get(
    "/{model_id}",
    response_model=ModelPublic,
    summary="One kept model whole: weights, intervals, back-test, calibration",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def get_model(model_id: ModelId, store: StoreDep, _key: ReadKey) -> ModelPublic:
    for kind in ModelKind:
        found = store.read_model(kind.value, model_id)
        if found is not None:
            return ModelPublic.model_validate({**_summary(found, _in_use(store)), "document": found.document})
    raise NotFoundError("model", model_id)
