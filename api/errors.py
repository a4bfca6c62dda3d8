"""Every HTTP error as RFC 9457 problem details (`application/problem+json`).

The mapping from buyergraph's error family to HTTP lives here and only here. Problems never carry
a stack trace, query parameters or secrets; the catch-all handler logs only the error's type.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.aliases import alias_redirect, resolve_path_alias
from graph.errors import (
    BuyerGraphError,
    ConfigurationError,
    ForbiddenQueryError,
    InvalidInputError,
    NotFoundError,
    StoreUnavailableError,
)
from graph.model import Alias
from viz.i18n import LANG_COOKIE, Words, page_language
from viz.pages import render_problem

log = logging.getLogger("buyergraph.api")

PROBLEM_JSON = "application/problem+json"
#: Problem types are relative URIs documented in docs/api.md (section "Errors").
TYPE_BASE = "/problems/"


class InvalidParam(BaseModel):
    """One request field that failed validation."""

    name: str
    reason: str


class Problem(BaseModel):
    """An error response (RFC 9457)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "/problems/not-found",
                    "title": "Not found",
                    "status": 404,
                    "detail": "account 'acme' not found",
                    "instance": "/api/v1/accounts/acme",
                }
            ]
        }
    )

    type: str = Field(description="A URI reference naming the kind of problem.")
    title: str
    status: int
    detail: str
    instance: str = Field(description="The path of the request that failed.")
    invalid_params: list[InvalidParam] | None = Field(
        default=None, description="For validation problems: each field and why it was refused."
    )


class ApiProblem(Exception):
    """An HTTP problem raised by the API layer itself (auth, limits, timeouts)."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.headers = headers or {}


def problem_response(
    request: Request | None,
    status: int,
    kind: str,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    invalid_params: list[InvalidParam] | None = None,
    instance: str | None = None,
) -> JSONResponse:
    """A problem+json response for `request`."""
    body = Problem(
        type=TYPE_BASE + kind,
        title=title,
        status=status,
        detail=detail,
        instance=instance if instance is not None else (request.url.path if request else ""),
        invalid_params=invalid_params,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


#: HTTP status titles for the statuses Starlette raises on its own (404 route, 405 method ...).
_STATUS_KINDS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Missing or unknown API key"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    408: ("timeout", "Request took too long"),
    413: ("too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation", "Invalid request"),
    431: ("headers-too-large", "Request headers too large"),
}


def _status_kind(status: int) -> tuple[str, str]:
    return _STATUS_KINDS.get(status, ("http-" + str(status), "HTTP error " + str(status)))


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        return parts[0] + ":" + ".".join(parts[1:]) if len(parts) > 1 else parts[0]
    return ".".join(parts)


def _merged(request: Request, exc: NotFoundError) -> Alias | None:
    """The alias a not-found path id is, if any (a store that cannot answer: none)."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        return None
    try:
        store = runtime.store
    except BuyerGraphError:
        return None
    return resolve_path_alias(store, request, exc)


def _unknown_page_parameters(request: Request, exc: RequestValidationError) -> bool:
    """A browser (it accepts HTML) asked a page (not /api/) with query parameters the page does
    not take: it gets a readable page, not problem+json."""
    errors = exc.errors()
    return (
        bool(errors)
        and not request.url.path.startswith("/api/")
        and "text/html" in request.headers.get("accept", "")
        and all(e.get("type") == "extra_forbidden" for e in errors)
    )


def _unknown_parameter_page(request: Request, exc: RequestValidationError) -> Response:
    """The 422 of an unknown page parameter as an HTML page naming it (names only, never values)."""
    names = ", ".join(repr(str(e.get("loc", ("", ""))[-1])) for e in exc.errors())
    lang = page_language(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"))
    words = Words(lang)
    title, detail = words("problem.unknown_parameter"), words("problem.unknown_parameter.detail", names=names)
    return HTMLResponse(render_problem(status=422, title=title, detail=detail, lang=lang), status_code=422)


def register_error_handlers(app: FastAPI, *, retry_after_s: int) -> None:
    """Install the handlers that turn every failure into a problem+json response."""

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(request, exc.status, exc.kind, exc.title, exc.detail, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if _unknown_page_parameters(request, exc):
            return _unknown_parameter_page(request, exc)
        params = [
            InvalidParam(name=_field_name(e.get("loc", ())), reason=str(e.get("msg", "")))
            for e in exc.errors()
        ]
        detail = "; ".join(f"{p.name}: {p.reason}" for p in params) or "the request is not valid"
        return problem_response(request, 422, "validation", "Invalid request", detail, invalid_params=params)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind, title = _status_kind(exc.status_code)
        detail = exc.detail if isinstance(exc.detail, str) else title
        return problem_response(
            request, exc.status_code, kind, title, detail, headers=dict(exc.headers or {})
        )

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        alias = await run_in_threadpool(_merged, request, exc)
        redirect = alias_redirect(request, alias) if alias is not None else None
        if redirect is not None:  # an id merged into another record: see api/aliases.py
            return redirect
        return problem_response(request, 404, "not-found", "Not found", str(exc))

    @app.exception_handler(InvalidInputError)
    async def _invalid(request: Request, exc: InvalidInputError) -> JSONResponse:
        return problem_response(request, 422, "invalid-input", "Invalid input", str(exc))

    @app.exception_handler(ForbiddenQueryError)
    async def _forbidden_query(request: Request, exc: ForbiddenQueryError) -> JSONResponse:
        return problem_response(request, 403, "forbidden-query", "Query refused", str(exc))

    @app.exception_handler(StoreUnavailableError)
    async def _unavailable(request: Request, exc: StoreUnavailableError) -> JSONResponse:
        # Not logged per request (an outage would write thousands of lines): the store logs each
        # change between reachable and unreachable once.
        log.debug("store unavailable: %s", type(exc).__name__)
        return problem_response(
            request,
            503,
            "store-unavailable",
            "Store unavailable",
            f"{exc}; retry in {retry_after_s} seconds",
            headers={"Retry-After": str(retry_after_s)},
        )

    @app.exception_handler(ConfigurationError)
    async def _configuration(request: Request, exc: ConfigurationError) -> JSONResponse:
        # Misconfiguration (bad credentials, missing database) needs an operator, not a retry.
        log.error("configuration problem: %s", exc)
        return problem_response(
            request,
            503,
            "configuration",
            "Service misconfigured",
            str(exc),
            headers={"Retry-After": str(retry_after_s)},
        )

    @app.exception_handler(BuyerGraphError)
    async def _other_domain(request: Request, exc: BuyerGraphError) -> JSONResponse:
        return problem_response(request, 400, "bad-request", "Bad request", str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The message may quote data (and so personal data): log the type and the route only.
        log.error(
            "unexpected %s on %s %s", type(exc).__name__, request.method, request.scope.get("route_path", "")
        )
        return problem_response(
            request,
            500,
            "internal",
            "Internal error",
            "the server failed to answer this request; the error was logged without its data",
        )


#: OpenAPI `responses=` entries for the problems an endpoint can answer.
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "Bad request",
        401: "No API key, or an unknown or revoked one",
        403: "The key lacks the scope this endpoint needs, or the query would write",
        404: "An id that names nothing",
        408: "The analysis or query took longer than the configured timeout",
        409: "Conflict",
        413: "The request body or upload is larger than the configured limit",
        422: "A parameter or body field failed validation",
        429: "Too much work is still running; retry after the number of seconds in Retry-After",
        431: "The request headers are larger than the configured limit",
        503: "The store is unreachable; retry after the number of seconds in Retry-After",
    }
    return {
        status: {
            "description": descriptions.get(status, "Error"),
            "model": Problem,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
