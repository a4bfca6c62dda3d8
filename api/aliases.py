"""Ids merged into another record answer with a redirect to the record they name now.

A user's own source id (a Salesforce account id) that ingest merged into another account must keep
working. Rather than answer for the survivor under the alias, the API answers `307 Temporary
Redirect` to the same request with the survivor's id, and says why in two headers, as GitHub's API
answers for a renamed repository: clients that follow redirects get the survivor's data, and the
response to the alias says that it was merged, into which record and why. Temporary, not permanent:
a later ingest may merge the survivor into yet another record.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.routing import Route

from graph.errors import BuyerGraphError, NotFoundError
from graph.model import Alias
from graph.stores.base import GraphStore

__all__ = ["MERGED_FROM_HEADER", "MERGE_REASON_HEADER", "alias_redirect", "resolve_path_alias"]

#: The id the request named (percent-encoded), when it was merged into the one redirected to.
MERGED_FROM_HEADER = "Buyergraph-Merged-From"
#: Why it was merged ("same web domain", "same e-mail address", ...).
MERGE_REASON_HEADER = "Buyergraph-Merge-Reason"

#: Path parameters that name a record whose ids may have aliases, with their kind.
_ALIASED_PARAMS = {"account_id": "companies", "person_id": "people"}


def resolve_path_alias(store: GraphStore, request: Request, exc: NotFoundError) -> tuple[str, Alias] | None:
    """The path parameter whose id was not found and the alias it is, if it is one."""
    for param, kind in _ALIASED_PARAMS.items():
        value = request.path_params.get(param)
        if value is None or value != exc.id:
            continue
        try:
            alias = store.resolve_alias(kind, value)
        except BuyerGraphError:
            return None  # the lookup failing must not turn a 404 into a 5xx
        return (param, alias) if alias is not None else None
    return None


def alias_redirect(request: Request, param: str, alias: Alias) -> RedirectResponse:
    """307 to the same route and query with the survivor's id, the merge told in two headers."""
    route = request.scope.get("route")
    assert isinstance(route, Route)
    params = {**request.path_params, param: alias.into}
    url = request.scope.get("root_path", "") + route.path_format
    for name, value in params.items():
        url = url.replace("{" + name + "}", quote(str(value), safe=""))
    if request.url.query:
        url += "?" + request.url.query
    return RedirectResponse(
        url,
        status_code=307,
        headers={MERGED_FROM_HEADER: quote(alias.id, safe=""), MERGE_REASON_HEADER: _ascii(alias.reason)},
    )


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")
