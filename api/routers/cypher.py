"""`POST /api/v1/cypher`: the read-only Cypher console for power users (admin keys, Neo4j store).

Queries that would write, change the schema, read files, manage transactions or call a procedure
off the allow-list are refused with 403 before anything runs; the rest run in a READ transaction
with a timeout (408), a row limit (`truncated`) and a size limit (413); while the queries a store
runs at once (`CONSOLE_SLOTS`) are all still running on Neo4j, more are answered 429.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import AdminKey, RuntimeDep, StoreDep
from api.errors import ApiProblem, problem_responses
from api.schemas import CypherQueryCreate, CypherResultPublic
from graph.stores.console import ConsoleBusyError, QueryTimeoutError, ResultTooLargeError

router = APIRouter(prefix="/cypher", tags=["cypher"])

#: Seconds a client is asked to wait when every console slot is taken.
CONSOLE_RETRY_AFTER_S = 5


@router.post(
    "",
    response_model=CypherResultPublic,
    summary="Run a read-only Cypher query",
    responses=problem_responses(401, 403, 408, 413, 422, 429, 503),
)
async def run_cypher(
    body: CypherQueryCreate, store: StoreDep, runtime: RuntimeDep, _key: AdminKey
) -> CypherResultPublic:
    """Values go in `parameters` and are referenced as `$name`. At most `max_rows` rows come back
    (`truncated` says whether there were more); the query is stopped after `timeout_s` seconds (408).
    Both are capped by the server's limits (BUYERGRAPH_CYPHER_MAX_ROWS, BUYERGRAPH_CYPHER_TIMEOUT_S);
    a result larger than BUYERGRAPH_CYPHER_MAX_BYTES is refused with 413."""
    settings = runtime.settings
    run = getattr(store, "run_read_only", None)
    if run is None:
        raise ApiProblem(
            422,
            "console-needs-neo4j",
            "The Cypher console needs Neo4j",
            f"this server uses the {store.backend} store; set NEO4J_URI to use the Cypher console",
        )
    max_rows = body.max_rows or settings.cypher_max_rows
    timeout_s = body.timeout_s or settings.cypher_timeout_s
    if max_rows > settings.cypher_max_rows:
        raise ApiProblem(
            422,
            "validation",
            "Invalid request",
            f"body:max_rows: must be at most {settings.cypher_max_rows} (BUYERGRAPH_CYPHER_MAX_ROWS)",
        )
    if timeout_s > settings.cypher_timeout_s:
        raise ApiProblem(
            422,
            "validation",
            "Invalid request",
            f"body:timeout_s: must be at most {settings.cypher_timeout_s:g} (BUYERGRAPH_CYPHER_TIMEOUT_S)",
        )
    try:
        result = await run_in_threadpool(
            run,
            body.query,
            body.parameters,
            timeout_s=timeout_s,
            max_rows=max_rows,
            max_bytes=settings.cypher_max_bytes,
        )
    except QueryTimeoutError as exc:
        raise ApiProblem(408, "timeout", "Request took too long", str(exc)) from None
    except ResultTooLargeError as exc:
        raise ApiProblem(413, "result-too-large", "Result too large", str(exc)) from None
    except ConsoleBusyError as exc:
        raise ApiProblem(
            429, "console-busy", "Console busy", str(exc), headers={"Retry-After": str(CONSOLE_RETRY_AFTER_S)}
        ) from None
    return CypherResultPublic(
        columns=result.columns,
        rows=result.rows,
        count=len(result.rows),
        truncated=result.truncated,
        elapsed_ms=result.elapsed_ms,
    )
