"""`GET /health`: open to everyone; says whether the store answers (for load balancers and humans)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.app_version import version
from api.deps import RuntimeDep
from api.schemas import HealthPublic, StoreHealth

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=HealthPublic,
    summary="Is the service up, and does its store answer?",
    responses={503: {"model": HealthPublic, "description": "The store does not answer"}},
)
def health(runtime: RuntimeDep) -> JSONResponse:
    """200 when the store answers, 503 (same body, with Retry-After) when it does not. The store is
    asked at most once per BUYERGRAPH_HEALTH_CACHE_S (1 s) however often this is polled."""
    store = runtime.store
    reachable, detail = runtime.store_health()
    body = HealthPublic(
        status="ok" if reachable else "unavailable",
        version=version(),
        store=StoreHealth(backend=store.backend, reachable=reachable, detail=detail),
    )
    headers = None if reachable else {"Retry-After": str(runtime.settings.retry_after_s)}
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=200 if reachable else 503, headers=headers
    )
