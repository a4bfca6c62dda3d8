"""Query parameters shared by several routes, declared once so the OpenAPI document states their limits.

`as_of` accepts only a calendar day written `YYYY-MM-DD` within the analysable range; pydantic's lax
date parsing would also take a number as a Unix timestamp (`as_of=0` → 1970-01-01), which nobody means.
Page sizes are declared up to the largest value the server can be configured to allow; the app publishes
its configured maximum in its OpenAPI document (`publish_page_size`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator

from api.errors import ApiProblem
from api.settings import PAGE_SIZE_CEILING

#: The days an analysis may be asked for: its windows reach years back and ahead of `as_of`.
EARLIEST_AS_OF = date(1900, 1, 1)
LATEST_AS_OF = date(2999, 12, 31)
ISO_DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # ASCII digits only
_ISO_DAY = re.compile(ISO_DAY_PATTERN.removesuffix("$") + r"\Z")


def parse_day(value: object) -> date:
    """A day written exactly `YYYY-MM-DD` within [EARLIEST_AS_OF, LATEST_AS_OF]; anything else is refused."""
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and _ISO_DAY.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError("must be a date that exists, written YYYY-MM-DD") from None
    else:
        raise ValueError("must be a date written YYYY-MM-DD, e.g. 2026-06-30")
    if not EARLIEST_AS_OF <= day <= LATEST_AS_OF:
        raise ValueError(f"must be between {EARLIEST_AS_OF} and {LATEST_AS_OF}")
    return day


def _as_of_or_none(value: object) -> date | None:
    return None if value is None else parse_day(value)


AsOfQuery = Annotated[
    date | None,
    BeforeValidator(_as_of_or_none),
    Query(
        description=(
            "Analyse the data as it was known on this day, written YYYY-MM-DD, from "
            f"{EARLIEST_AS_OF} to {LATEST_AS_OF}; default: today (UTC)."
        ),
        examples=["2026-06-30"],
        json_schema_extra={
            "pattern": ISO_DAY_PATTERN,
            "formatMinimum": EARLIEST_AS_OF.isoformat(),
            "formatMaximum": LATEST_AS_OF.isoformat(),
        },
    ),
]

_PAGE_SIZE_DESCRIPTION = "Page size: at most the server's maximum page size (BUYERGRAPH_MAX_PAGE_SIZE)."

PageLimit = Annotated[int, Query(ge=1, le=PAGE_SIZE_CEILING, description=_PAGE_SIZE_DESCRIPTION)]


def check_limit(limit: int, max_page_size: int) -> None:
    """Page sizes above the configured maximum are refused, never silently cut."""
    if limit > max_page_size:
        raise ApiProblem(
            422,
            "validation",
            "Invalid request",
            f"query:limit: must be at most {max_page_size} (BUYERGRAPH_MAX_PAGE_SIZE), got {limit}",
        )


def publish_page_size(openapi: dict[str, Any], max_page_size: int) -> dict[str, Any]:
    """Set the `maximum` of every page-size parameter in an OpenAPI document to the configured one."""
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter.get("description") == _PAGE_SIZE_DESCRIPTION and "maximum" in schema:
                    schema["maximum"] = max_page_size
    return openapi


def _known_query_params(route: object) -> frozenset[str]:
    """The names of the query parameters a route declares, its dependencies' included."""
    cached = _KNOWN.get(id(route))
    if cached is not None and cached[0] is route:
        return cached[1]
    names: set[str] = set()
    dependant = getattr(route, "dependant", None)
    pending = [dependant] if dependant is not None else []
    while pending:
        current = pending.pop()
        names.update(param.alias for param in current.query_params)
        pending.extend(current.dependencies)
    known = frozenset(names)
    _KNOWN[id(route)] = (route, known)
    return known


#: Each route's declared query parameters, worked out at its first request (routes are not hashable:
#: keyed by identity, the route kept alongside so that its id cannot be reused).
_KNOWN: dict[int, tuple[object, frozenset[str]]] = {}


async def reject_unknown_query(request: Request) -> None:
    """An app-wide dependency (see api/app.py): a query parameter the route does not declare (a
    misspelt filter) is a 422 naming it, never silently ignored. Only names are quoted, never values.
    A coroutine: it never blocks, and a plain function would cost a hop to the thread pool and back
    on every request."""
    route = request.scope.get("route")
    if getattr(route, "dependant", None) is None:
        return
    known = _known_query_params(route)
    unknown = sorted({name for name in request.query_params if name not in known})
    if unknown:
        hint = f"; this endpoint takes {', '.join(sorted(known))}" if known else "; this endpoint takes none"
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name[:40]),
                    "msg": "unknown query parameter" + hint,
                    "input": None,
                }
                for name in unknown[:5]
            ]
        )
