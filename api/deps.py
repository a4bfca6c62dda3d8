"""Dependency aliases for routes: the process runtime, the store, the settings and API-key scopes.

A route asks for what it needs in its signature, e.g.

    def read_thing(store: StoreDep, key: ReadKey) -> ...

The key is accepted in the `X-API-Key` header or as `Authorization: Bearer <key>`. Browser pages
instead hold a page session (`api/sessions.py`) in the `buyergraph_session` cookie. A cookie is an
ambient credential, so a state-changing request that it authenticates must also come from this
server's own origin and carry the session's CSRF token in `X-CSRF-Token`. No credential gives 401, a
key without the scope 403, a cookie write without both checks 403.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiProblem
from api.keys import ApiKey, KeyRing, Scope, scope_allows
from api.runtime import Runtime
from api.sessions import csrf_matches
from api.settings import Settings
from graph.stores.base import GraphStore

log = logging.getLogger("buyergraph.api")

#: The cookie the login form sets: a page session id, never the key.
SESSION_COOKIE = "buyergraph_session"
KEY_HEADER = "X-API-Key"
CSRF_HEADER = "X-CSRF-Token"
#: Methods that change nothing; every other one is state-changing.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_runtime(request: Request) -> Runtime:
    """The app's runtime. A coroutine: it never blocks, and a plain function dependency would cost a
    hop to the thread pool and back on every request."""
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
_cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="A page session, set by the login page"
)


def own_origin(request: Request) -> str:
    """This server's origin as the browser sees it (scheme, host and port of the request)."""
    return f"{request.url.scheme}://{request.headers.get('host', '')}".lower()


def is_same_origin(request: Request) -> bool:
    """Whether the request says it comes from this server's own pages: its `Origin`, or its
    `Referer` when the browser sent no Origin, names this origin. Neither → False."""
    origin = request.headers.get("origin")
    if origin is not None:
        return origin.strip().lower() == own_origin(request)
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer.strip())
        return f"{parts.scheme}://{parts.netloc}".lower() == own_origin(request)
    return False


def _csrf_refused(detail: str) -> ApiProblem:
    return ApiProblem(403, "csrf-refused", "Cross-site request refused", detail)


def check_cookie_write(request: Request, session_id: str) -> None:
    """A state-changing request authenticated by the session cookie needs the same origin AND the
    session's CSRF token; API clients send their key in a header instead and need neither."""
    if request.method.upper() in SAFE_METHODS:
        return
    if not is_same_origin(request):
        raise _csrf_refused(
            "a request signed in by the page cookie must come from this server's own pages "
            "(its Origin or Referer header does not name this server); API clients send their key in "
            f"the {KEY_HEADER} header"
        )
    if not csrf_matches(session_id, request.headers.get(CSRF_HEADER)):
        raise _csrf_refused(f"a request signed in by the page cookie needs the page's {CSRF_HEADER} header")


def session_key(runtime: Runtime, session_id: str) -> ApiKey | None:
    """The key a live page session stands for, with the session's scope; None when the session is
    unknown, expired or signed out, or its key was revoked."""
    session = runtime.sessions.lookup(session_id.strip())
    if session is None:
        return None
    key = runtime.keys.active_by_id(session.key_id)
    if key is None:
        return None
    return key.model_copy(update={"scope": session.scope})


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(
        401,
        "unauthorized",
        "Missing or unknown API key",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="buyergraph"'},
    )


def record_use_later(keys: KeyRing, key: ApiKey) -> None:
    """Write the key's `last_used` in a worker thread, not waiting for it: the write locks the file and
    fsyncs, which must not hold up the event loop or the request; it never fails the request. (The
    executor holds the write until it ran.)"""
    write = asyncio.get_running_loop().run_in_executor(None, keys.record_use, key)

    def done(future: asyncio.Future[None]) -> None:
        # record_use swallows the file's own errors; anything else is a bug worth a line in the log
        # (its type only: no key data).
        error = None if future.cancelled() else future.exception()
        if error is not None:
            log.warning("recording an API key's last use failed: %s", type(error).__name__)

    write.add_done_callback(done)


def require_scope(needed: Scope | str) -> Callable[..., Coroutine[Any, Any, ApiKey]]:
    """A dependency that yields the caller's key when it grants `needed` (admin ⊇ write ⊇ read).

    A coroutine: the checks are a `stat` of keys.json (or sessions.json; re-read only when it changed)
    and constant-time digest compares, so it runs on the event loop, where a plain function would cost
    every request a hop to the thread pool and back; the once-a-minute `last_used` write goes to a
    worker thread."""
    scope = Scope(needed)

    async def dependency(
        request: Request,
        runtime: RuntimeDep,
        header_key: Annotated[str | None, Depends(_header_scheme)] = None,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)] = None,
        session_id: Annotated[str | None, Depends(_cookie_scheme)] = None,
    ) -> ApiKey:
        presented = header_key or (bearer.credentials if bearer else None)
        if presented:
            key = runtime.keys.find(presented.strip())
            if key is None:
                raise _unauthorized("the API key is unknown or revoked")
            if runtime.keys.use_due(key):
                record_use_later(runtime.keys, key)
        elif session_id:
            key = session_key(runtime, session_id)
            if key is None:
                raise _unauthorized("the page session has ended or its key was revoked; sign in again")
            check_cookie_write(request, session_id.strip())
        else:
            raise _unauthorized(
                f"send an API key in the {KEY_HEADER} header or as 'Authorization: Bearer <key>'; "
                "create one with `buyergraph keys create NAME --scope read`"
            )
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
