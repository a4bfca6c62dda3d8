"""The FastAPI application: `create_app(settings)` is what `buyergraph serve` runs.

The lifespan opens one store (one Neo4j driver) per process and closes it at shutdown; routers are
mounted under `/api/v1`; every error leaves as `application/problem+json`. A guard in front of the
app refuses oversized headers (431) and bodies (413) before any route reads them, and turns any
unexpected failure into a 500 problem without a stack trace or data in the log.
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any

from fastapi import Depends, FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware

from api.config_file import load_config
from api.errors import PROBLEM_JSON, TYPE_BASE, Problem, register_error_handlers
from api.params import publish_page_size, reject_unknown_query
from api.runtime import Runtime, open_service_store
from api.settings import Settings, get_settings
from graph.analyses import AnalysisConfig

log = logging.getLogger("buyergraph.api")

API_PREFIX = "/api/v1"
#: Routes whose bodies are uploads, held to `max_upload_bytes` instead of `max_body_bytes`.
UPLOAD_PATHS = (API_PREFIX + "/ingest",)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _version() -> str:
    try:
        return metadata.version("buyergraph")
    except metadata.PackageNotFoundError:
        return "0.0.0"


class _BodyTooLarge(HTTPException):
    """Raised from inside `receive`: FastAPI re-raises HTTPExceptions met while reading a body."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit:,} bytes")


class GuardMiddleware:
    """Size limits before routing, and a last-resort 500 that never leaks a stack trace."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        header_bytes = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", []))
        if header_bytes > self.settings.max_header_bytes:
            await self._problem(
                scope,
                send,
                431,
                "headers-too-large",
                "Request headers too large",
                f"the request headers are larger than the limit of {self.settings.max_header_bytes:,} bytes",
            )
            return
        limit = (
            self.settings.max_upload_bytes
            if path.rstrip("/") in UPLOAD_PATHS
            else self.settings.max_body_bytes
        )
        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._problem(
                scope,
                send,
                413,
                "too-large",
                "Request body too large",
                f"the request body ({int(declared):,} bytes) is larger than the limit of {limit:,} bytes",
            )
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge(limit)
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge as exc:
            if not started:
                await self._problem(scope, send, 413, "too-large", "Request body too large", str(exc.detail))
        except Exception as exc:
            # The message may quote data (personal data): log the type and route only.
            route = scope.get("route")
            log.error(
                "unexpected %s on %s %s", type(exc).__name__, scope.get("method"), getattr(route, "path", "?")
            )
            if not started:
                await self._problem(
                    scope,
                    send,
                    500,
                    "internal",
                    "Internal error",
                    "the server failed to answer this request; the error was logged without its data",
                )

    @staticmethod
    async def _problem(scope: Scope, send: Send, status: int, kind: str, title: str, detail: str) -> None:
        body = Problem(
            type=TYPE_BASE + kind, title=title, status=status, detail=detail, instance=scope.get("path", "")
        ).model_dump(exclude_none=True)
        payload = json.dumps(body).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


DESCRIPTION = """\
Query buying committees over HTTP: accounts, key people, deal gaps and coverage, warm paths,
cross-sell, the account graph, ingest and erasure.

**Keys.** Send an API key in the `X-API-Key` header (or `Authorization: Bearer <key>`). Create one with
`buyergraph keys create NAME --scope read|write|admin`. Reads need `read`, ingest needs `write`,
erasure and the Cypher console need `admin` (admin ⊇ write ⊇ read).

**Errors** are `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`, `instance`.
A store that cannot be reached answers 503 with `Retry-After`; an analysis that takes longer than the
configured timeout answers 408.
"""

TAGS = [
    {"name": "accounts", "description": "Accounts, their key people, deals, coverage, cross-sell and graph."},
    {"name": "deals", "description": "A deal's gaps and coverage."},
    {"name": "changes", "description": "What changed in the book (gaps, people, engagement), by cursor."},
    {
        "name": "webhooks",
        "description": "Receivers of every change as a signed POST, and their delivery log (admin).",
    },
    {"name": "people", "description": "People across accounts, a person, warm paths to them, and erasure."},
    {"name": "reps", "description": "Our reps and the accounts they work on."},
    {"name": "ingest", "description": "Upload files in any format `buyergraph ingest` reads."},
    {"name": "cypher", "description": "Read-only Cypher console for power users (Neo4j store only)."},
    {"name": "health", "description": "Liveness and store reachability (no key needed)."},
]


def create_app(
    settings: Settings | None = None,
    *,
    store_override: str | None = None,
    runtime: Runtime | None = None,
) -> FastAPI:
    """The buyergraph HTTP service. `store_override` is the command line's `--store`."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        state = runtime or Runtime(settings, open_service_store(settings, store_override), config=_config())
        app.state.runtime = state
        stop_deliverer = None
        if own:
            state.warm_up()
            if settings.webhook_interval_s > 0:  # issue 22: webhooks, delivered in the background
                from api.webhooks import book_for_home, start_deliverer

                book = book_for_home(settings.home, settings.webhook_backoff_s)
                stop_deliverer = start_deliverer(state.store, book, settings.webhook_interval_s)
            # What start-up loaded (modules, the app, the driver) lives as long as the process: moved
            # out of the cyclic collector's sight, so that a collection during a request walks only
            # what requests allocated (a full one otherwise walks every module's objects too).
            gc.freeze()
        try:
            yield
        finally:
            if stop_deliverer is not None:
                stop_deliverer()
            if own:
                state.close()

    app = FastAPI(
        title="buyergraph",
        version=_version(),
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,  # served offline by api/routers/docs.py
        redoc_url=None,
        # Every route refuses query parameters it does not declare (422), so a misspelt filter
        # never silently returns everything.
        dependencies=[Depends(reject_unknown_query)],
    )
    register_error_handlers(app, retry_after_s=settings.retry_after_s)
    _publish_configured_limits(app, settings)

    from api.routers import (
        accounts,
        changes,
        corrections,
        cypher,
        deals,
        docs,
        health,
        ingest,
        models,
        pages,
        people,
        reps,
        webhooks,
    )

    app.include_router(docs.router)
    app.mount(docs.ASSETS_PATH, docs.assets(), name="docs-assets")
    app.include_router(health.router)
    app.include_router(pages.router)
    for module in (accounts, deals, people, reps, models, ingest, cypher, corrections, changes, webhooks):
        app.include_router(module.router, prefix=API_PREFIX)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        # Other front ends on other origins send the key in a header; cookies never cross origins.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["X-API-Key", "Authorization", "Content-Type"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(GuardMiddleware, settings=settings)
    return app


def _publish_configured_limits(app: FastAPI, settings: Settings) -> None:
    """The OpenAPI document states this server's own page-size maximum (FastAPI's documented way of
    extending the generated document: replace `app.openapi`)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = publish_page_size(generate(), settings.max_page_size)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _config() -> AnalysisConfig:
    """The analysis configuration: the file in BUYERGRAPH_CONFIG when set, else the defaults."""
    return load_config()


def app_from_environment() -> FastAPI:
    """The app for `uvicorn --factory` (several worker processes): settings from the environment."""
    import os

    return create_app(store_override=os.environ.get("BUYERGRAPH_STORE") or None)
