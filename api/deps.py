"""Dependency aliases for routes: the process runtime, the store, the settings and API-key scopes.

A route asks for what it needs in its signature, e.g.

    def read_thing(store: StoreDep, key: ReadKey) -> ...

The key is accepted in the `X-API-Key` header, as `Authorization: Bearer <key>`, or (for browser
pages) in the `buyergraph_key` cookie. No key gives 401, a key without the scope 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiProblem
from api.keys import ApiKey, Scope, scope_allows
from api.runtime import Runtime
from api.settings import Settings
from graph.stores.base import GraphStore

#: The cookie a browser login form sets (viz pages).
KEY_COOKIE = "buyergraph_key"
KEY_HEADER = "X-API-Key"


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_store(runtime: RuntimeDep) -> GraphStore:
    runtime.ensure_schema()
    return runtime.store


def get_settings_dep(runtime: RuntimeDep) -> Settings:
    return runtime.settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]

_header_scheme = APIKeyHeader(name=KEY_HEADER, auto_error=False, description="An API key (bg_...)")
_bearer_scheme = HTTPBearer(auto_error=False, description="An API key as a bearer token")
_cookie_scheme = APIKeyCookie(name=KEY_COOKIE, auto_error=False, description="Set by the login page")


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(
        401,
        "unauthorized",
        "Missing or unknown API key",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="buyergraph"'},
    )


def require_scope(needed: Scope | str) -> Callable[..., ApiKey]:
    """A dependency that yields the caller's key when it grants `needed` (admin ⊇ write ⊇ read)."""
    scope = Scope(needed)

    def dependency(
        runtime: RuntimeDep,
        header_key: Annotated[str | None, Depends(_header_scheme)] = None,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)] = None,
        cookie_key: Annotated[str | None, Depends(_cookie_scheme)] = None,
    ) -> ApiKey:
        presented = header_key or (bearer.credentials if bearer else None) or cookie_key
        if not presented:
            raise _unauthorized(
                f"send an API key in the {KEY_HEADER} header or as 'Authorization: Bearer <key>'; "
                "create one with `buyergraph keys create NAME --scope read`"
            )
        key = runtime.keys.verify(presented.strip())
        if key is None:
            raise _unauthorized("the API key is unknown or revoked")
        if not scope_allows(key.scope, scope):
            raise ApiProblem(
                403,
                "insufficient-scope",
                "Insufficient scope",
                f"this endpoint needs a key with the {scope.value!r} scope; key {key.name!r} has "
                f"{key.scope.value!r}",
            )
        return key

    dependency.__name__ = f"require_{scope.value}_scope"
    return dependency


ReadKey = Annotated[ApiKey, Depends(require_scope(Scope.READ))]
WriteKey = Annotated[ApiKey, Depends(require_scope(Scope.WRITE))]
AdminKey = Annotated[ApiKey, Depends(require_scope(Scope.ADMIN))]
