"""`/api/v1/webhooks`: receivers of every change, registered by an admin, and their delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AdminKey, RuntimeDep, StoreDep
from api.errors import problem_responses
from api.params import PageLimit, check_limit
from api.runtime import Runtime
from api.webhooks import Attempt, Delivery, Webhook, WebhookBook, book_for_home
from graph.analyses.changes import ChangeKind

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

WebhookId = Annotated[str, Path(min_length=1, max_length=64, description="The webhook id (wh_...).")]


def book_of(runtime: Runtime) -> WebhookBook:
    return book_for_home(runtime.settings.home, runtime.settings.webhook_backoff_s)


class WebhookCreate(BaseModel):
    """A receiver: an http(s) URL, and the change kinds it wants (none: every kind)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"url": "https://hooks.example.com/buyergraph", "kinds": ["job_change"]}]
        },
    )

    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://[^\s/]+.*$")
    kinds: list[ChangeKind] = Field(default=[], max_length=len(ChangeKind))


class WebhookPublic(BaseModel):
    """A registered webhook, without its secret."""

    id: str
    url: str
    kinds: list[str]
    created_at: datetime
    #: The last change put in its outbox.
    cursor: int


class WebhookCreatedPublic(WebhookPublic):
    """The new webhook with its signing secret: shown this once, keep it with the receiver."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "wh_3f9a1c0d2b7e4a51",
                    "url": "https://hooks.example.com/buyergraph",
                    "kinds": ["job_change"],
                    "created_at": "2026-12-07T09:00:00Z",
                    "cursor": 41,
                    "secret": "whsec_...",
                }
            ]
        }
    )

    secret: str


class WebhooksPublic(BaseModel):
    """The registered webhooks, without their secrets."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [
                        {
                            "id": "wh_3f9a1c0d2b7e4a51",
                            "url": "https://hooks.example.com/buyergraph",
                            "kinds": ["job_change"],
                            "created_at": "2026-12-07T09:00:00Z",
                            "cursor": 41,
                        }
                    ],
                    "count": 1,
                }
            ]
        }
    )

    data: list[WebhookPublic]
    count: int


class DeliveryPublic(BaseModel):
    """One change for one webhook: pending (with its next attempt), delivered, or failed for good."""

    id: str
    webhook_id: str
    change_cursor: int
    kind: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    log: list[Attempt]


class DeliveriesPublic(BaseModel):
    """Deliveries, newest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [
                        {
                            "id": "dl_3f9a1c0d2b7e4a51_42",
                            "webhook_id": "wh_3f9a1c0d2b7e4a51",
                            "change_cursor": 42,
                            "kind": "job_change",
                            "status": "delivered",
                            "attempts": 2,
                            "created_at": "2026-12-07T09:00:10Z",
                            "next_attempt_at": None,
                            "delivered_at": "2026-12-07T09:00:41Z",
                            "log": [
                                {
                                    "at": "2026-12-07T09:00:10Z",
                                    "status_code": 500,
                                    "error": "HTTP 500",
                                    "duration_ms": 12,
                                },
                                {
                                    "at": "2026-12-07T09:00:41Z",
                                    "status_code": 204,
                                    "error": None,
                                    "duration_ms": 8,
                                },
                            ],
                        }
                    ],
                    "count": 1,
                }
            ]
        }
    )

    data: list[DeliveryPublic]
    count: int


def _public(hook: Webhook) -> WebhookPublic:
    return WebhookPublic(
        id=hook.id, url=hook.url, kinds=hook.kinds, created_at=hook.created_at, cursor=hook.cursor
    )


def _delivery(d: Delivery) -> DeliveryPublic:
    return DeliveryPublic.model_validate(d.model_dump(exclude={"body"}))


@router.post(
    "",
    response_model=WebhookCreatedPublic,
    status_code=201,
    summary="Register a webhook (admin): later changes are POSTed to it, signed; the secret is shown once",
    responses=problem_responses(401, 403, 422, 503),
)
def create_webhook(
    body: WebhookCreate, store: StoreDep, runtime: RuntimeDep, _key: AdminKey
) -> WebhookCreatedPublic:
    hook = book_of(runtime).register(
        body.url, kinds=[k.value for k in body.kinds], start_after=store.last_change_cursor()
    )
    return WebhookCreatedPublic(**_public(hook).model_dump(), secret=hook.secret)


@router.get(
    "",
    response_model=WebhooksPublic,
    summary="The registered webhooks (admin), without their secrets",
    responses=problem_responses(401, 403, 422),
)
def list_webhooks(runtime: RuntimeDep, _key: AdminKey) -> WebhooksPublic:
    hooks = [_public(h) for h in book_of(runtime).webhooks()]
    return WebhooksPublic(data=hooks, count=len(hooks))


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveriesPublic,
    summary="A webhook's delivery log (admin): every delivery with its attempts, newest first",
    responses=problem_responses(401, 403, 404, 422),
)
def list_deliveries(
    webhook_id: WebhookId,
    runtime: RuntimeDep,
    _key: AdminKey,
    status: Annotated[
        Literal["pending", "delivered", "failed"] | None, Query(description="Only deliveries in this state.")
    ] = None,
    limit: PageLimit = 100,
) -> DeliveriesPublic:
    check_limit(limit, runtime.settings.max_page_size)
    book = book_of(runtime)
    book.get(webhook_id)  # 404 for an unknown webhook
    found = [_delivery(d) for d in book.deliveries(webhook_id=webhook_id, status=status, limit=limit)]
    return DeliveriesPublic(data=found, count=len(found))


@router.delete(
    "/{webhook_id}",
    status_code=204,
    summary="Remove a webhook (admin) with its outbox and delivery log",
    responses=problem_responses(401, 403, 404, 422),
)
def delete_webhook(webhook_id: WebhookId, runtime: RuntimeDep, _key: AdminKey) -> Response:
    book_of(runtime).delete(webhook_id)
    return Response(status_code=204)
