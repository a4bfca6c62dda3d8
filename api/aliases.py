"""Ids merged into another record answer with a redirect to the record they name now.

A user's own source id (a Salesforce account id) that ingest merged into another account must keep
working. Rather than answer for the survivor under the alias, the API answers `307 Temporary
Redirect` to the same request with the survivor's id, and says why in two headers, as GitHub's API
answers for a renamed repository: clients that follow redirects get the survivor's data, and the
response to the alias says that it was merged, into which record and why. Temporary, not permanent:
a later ingest may merge the survivor into yet another record.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import RedirectResponse

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


def resolve_path_alias(store: GraphStore, request: Request, exc: NotFoundError) -> Alias | None:
    """The alias a path parameter is, when that parameter's id is what was not found. Only for reads:
    a DELETE of a merged-away id must not act on the record it was merged into."""
    if request.method not in ("GET", "HEAD"):
        return None
    for param, kind in _ALIASED_PARAMS.items():
        value = request.path_params.get(param)
        if value is None or value != exc.id:
            continue
        try:
            alias = store.resolve_alias(kind, value)
        except BuyerGraphError:
            return None  # the lookup failing must not turn a 404 into a 5xx
        return alias
    return None


def alias_redirect(request: Request, alias: Alias) -> RedirectResponse | None:
    """307 to the same path and query with the survivor's id, the merge told in two headers; None
    when the path does not name the alias as one segment."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    segments = raw.decode("latin-1").split("/")
    # The segment that names the merged id (the last that does: /accounts/{id}/paths/{person_id}).
    index = max((i for i, segment in enumerate(segments) if unquote(segment) == alias.id), default=None)
    if index is None:
        return None
    segments[index] = quote(alias.into, safe="")
    url = "/".join(segments) + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(
        url,
        status_code=307,
        headers={MERGED_FROM_HEADER: quote(alias.id, safe=""), MERGE_REASON_HEADER: _ascii(alias.reason)},
    )


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")
