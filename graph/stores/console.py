"""The read-only Cypher console: user-written queries run safely against Neo4j.

A query is first planned with `EXPLAIN` (nothing runs): only plans whose query type is read-only
('r'), that use no operator on the deny-list (LOAD CSV, transaction management, administration,
`CALL {} IN TRANSACTIONS`) and call only procedures on the allow-list are accepted. It then runs in
a READ transaction (the server refuses writes there too) with two bounds on its time: Neo4j's
transaction timeout, and a client-side deadline a moment later that terminates the transaction and
answers at once (Neo4j checks its timeout only at certain points, so a single CPU-bound expression
can outlive it). Records are read a few at a time; at most `max_rows` rows are kept, and a result
whose JSON would exceed `max_bytes` is abandoned. Values travel only as parameters; the query text
and parameters are never logged.
"""

from __future__ import annotations

import json
import math
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager, suppress
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

import neo4j
from neo4j import Driver, ManagedTransaction
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node, Path, Relationship
from pydantic import BaseModel

import cypher
from graph.errors import (
    BuyerGraphError,
    ConfigurationError,
    ForbiddenQueryError,
    InvalidInputError,
    StoreUnavailableError,
)

__all__ = ["ConsoleResult", "QueryTimeoutError", "ResultTooLargeError", "run_read_only", "to_json_value"]

#: Plan operators refused even in read-only plans: they read files or URLs, see or stop other
#: users' transactions, or administer the server.
DENIED_OPERATORS = frozenset(
    {
        "LoadCSV",
        "ShowTransactions",
        "TerminateTransactions",
        "ShowSettings",
        "AdministrationCommand",
        # CALL {} IN TRANSACTIONS commits as it goes, which a READ transaction cannot do.
        "TransactionApply",
        "TransactionForeach",
    }
)
#: The only procedures the console calls: they describe the graph and change nothing. Anything
#: else (statistics collection, index resampling, plan cache clearing, plugins) is refused.
ALLOWED_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
    }
)
#: Seconds past the query's timeout after which the client stops waiting and terminates it.
DEADLINE_GRACE_S = 1.0
#: Records fetched per round trip: a huge result never arrives as one large batch.
FETCH_SIZE = 100


class QueryTimeoutError(InvalidInputError):
    """The console query ran longer than its timeout and was stopped."""


class ConsoleBusyError(BuyerGraphError):
    """Every console slot of this store holds a query that Neo4j is still computing."""


#: Console queries one store runs at once. A query whose caller got its 408 keeps its slot until Neo4j
#: really ends it: Community does not stop a CPU-bound expression at its timeout, so without this a
#: client could pile up queries that each keep a server core busy.
CONSOLE_SLOTS = 2


def console_slots() -> threading.BoundedSemaphore:
    """The slots a store hands to every `run_read_only` call it makes."""
    return threading.BoundedSemaphore(CONSOLE_SLOTS)


class ResultTooLargeError(InvalidInputError):
    """The console query's result is larger than the response may be."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            f"the result is larger than {max_bytes:,} bytes; return fewer or smaller values "
            "(e.g. LIMIT, or only the properties you need)"
        )
        self.max_bytes = max_bytes


class ConsoleResult(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    elapsed_ms: float


def to_json_value(value: Any) -> Any:
    """Driver values as JSON: nodes, relationships and paths as small objects, temporals as ISO text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Node):
        return {"labels": sorted(value.labels), "properties": to_json_value(dict(value))}
    if isinstance(value, Relationship):
        return {
            "type": value.type,
            "start": value.start_node.get("id") if value.start_node is not None else None,
            "end": value.end_node.get("id") if value.end_node is not None else None,
            "properties": to_json_value(dict(value)),
        }
    if isinstance(value, Path):
        return {
            "nodes": [to_json_value(n) for n in value.nodes],
            "relationships": [to_json_value(r) for r in value.relationships],
        }
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return value.hex()
    native = value.to_native() if hasattr(value, "to_native") else value
    if isinstance(native, datetime | date | dtime):
        return native.isoformat()
    if isinstance(native, timedelta):
        return native.total_seconds()
    return str(value)


_INT64 = (-(2**63), 2**63 - 1)


def _safe(text: str) -> str:
    """Text fit for an error message even when it holds lone surrogates."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _check_parameter(name: str, value: Any) -> None:
    """Refuse values Neo4j cannot hold, naming the parameter: integers beyond 64 bits, text that is not
    valid Unicode (lone surrogates)."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise InvalidInputError(f"parameter {_safe(name)}: integers must fit in 64 bits")
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInputError(f"parameter {_safe(name)}: text is not valid Unicode") from None
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_parameter(f"{name}.{key!s}", key if isinstance(key, str) else str(key))
            _check_parameter(f"{name}.{key!s}", item)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_parameter(f"{name}[{index}]", item)


def _operators(plan: Mapping[str, Any] | None) -> Iterator[tuple[str, str, str]]:
    """(operator, database, details) of every step of a plan."""
    if not plan:
        return
    operator, _, database = str(plan.get("operatorType", "")).partition("@")
    yield operator, database, str(plan.get("args", {}).get("Details") or "")
    for child in plan.get("children", []):
        yield from _operators(child)


def _check_plan(summary: neo4j.ResultSummary, database: str) -> None:
    if summary.query_type != "r":
        kinds = {"rw": "reads and writes", "w": "writes", "s": "changes the schema or the server"}
        what = kinds.get(str(summary.query_type), f"is of type {summary.query_type!r}")
        raise ForbiddenQueryError(f"the console only runs read-only queries; this query {what}")
    for operator, plan_db, details in _operators(summary.plan):
        if operator in DENIED_OPERATORS:
            raise ForbiddenQueryError(f"the console does not allow the {operator} operation")
        if plan_db and plan_db != database:
            raise ForbiddenQueryError(f"the console only queries the database {database!r}")
        if operator == "ProcedureCall":
            procedure = details.split("(", 1)[0].strip()
            if procedure not in ALLOWED_PROCEDURES:
                allowed = ", ".join(sorted(ALLOWED_PROCEDURES))
                raise ForbiddenQueryError(
                    f"the console does not allow the procedure {_safe(procedure)}; it allows {allowed}"
                )


@contextmanager
def _errors(timeout_s: float) -> Iterator[None]:
    try:
        yield
    except neo4j_errors.AuthError:
        raise ConfigurationError("Neo4j refused the credentials") from None
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
        raise StoreUnavailableError(f"Neo4j is not reachable: {type(exc).__name__}") from None
    except neo4j_errors.Neo4jError as exc:
        code = exc.code or ""
        if "TransactionTimedOut" in code or "Transaction.Terminated" in code:
            raise QueryTimeoutError(
                f"the query ran longer than {timeout_s:g} seconds and was stopped"
            ) from None
        if "AccessMode" in code or "Forbidden" in code:
            raise ForbiddenQueryError("the console only runs read-only queries") from None
        if code.startswith("Neo.ClientError"):
            # The server's message concerns the user's own query text (syntax, unknown function).
            message = (exc.message or "").splitlines()[0] if exc.message else code
            raise InvalidInputError(f"Neo4j refused the query: {message}") from None
        raise StoreUnavailableError(f"Neo4j could not run the query ({code or type(exc).__name__})") from None


def run_read_only(
    driver: Driver,
    database: str,
    text: str,
    parameters: Mapping[str, Any],
    *,
    timeout_s: float,
    max_rows: int,
    max_bytes: int,
    slots: threading.Semaphore | None = None,
) -> ConsoleResult:
    """Check that `text` only reads, then run it in a READ transaction; at most `max_rows` rows and
    `max_bytes` bytes of JSON. With `slots`, the query holds one until Neo4j has ended it, and none
    free is ConsoleBusyError."""
    if not text.strip():
        raise InvalidInputError("the query is empty")
    first_word = text.lstrip().split(None, 1)[0].upper()
    if first_word in ("EXPLAIN", "PROFILE"):
        raise InvalidInputError("send the query without EXPLAIN or PROFILE")
    params = dict(parameters)
    for key, value in params.items():
        _check_parameter(key, key)
        _check_parameter(key, value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInputError("the query is not valid Unicode text") from None
    started = time.perf_counter()
    token = secrets.token_hex(16)

    @neo4j.unit_of_work(timeout=timeout_s, metadata={"buyergraph_console": token})
    def work(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]], bool]:
        result = tx.run(text, params)
        columns = list(result.keys())
        rows: list[list[Any]] = []
        size = 0
        for record in result:
            if len(rows) == max_rows:
                return columns, rows, True
            row = [to_json_value(v) for v in record.values()]
            size += len(json.dumps(row, ensure_ascii=False).encode("utf-8"))
            if size > max_bytes:
                raise ResultTooLargeError(max_bytes)
            rows.append(row)
        return columns, rows, False

    def plan_and_run() -> tuple[list[str], list[list[Any]], bool]:
        # The session lives and dies on this thread: the caller may have stopped waiting for it.
        with (
            _errors(timeout_s),
            driver.session(
                database=database, default_access_mode=neo4j.READ_ACCESS, fetch_size=FETCH_SIZE
            ) as session,
        ):
            summary = session.run(neo4j.Query("EXPLAIN " + text, timeout=timeout_s), params).consume()
            _check_plan(summary, database)
            return session.execute_read(work)

    def in_slot() -> tuple[list[str], list[list[Any]], bool]:
        try:
            return plan_and_run()
        finally:
            if slots is not None:
                slots.release()

    if slots is not None and not slots.acquire(blocking=False):
        raise ConsoleBusyError(
            "earlier console queries are still running on Neo4j (a query stopped at its timeout may "
            "run on until Neo4j ends it); try again in a few seconds"
        )
    try:
        columns, rows, truncated = _in_thread(in_slot).result(timeout=timeout_s + DEADLINE_GRACE_S)
    except FutureTimeout:
        _terminate(driver, database, token)
        raise QueryTimeoutError(f"the query ran longer than {timeout_s:g} seconds and was stopped") from None
    return ConsoleResult(
        columns=columns,
        rows=rows,
        truncated=truncated,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def _in_thread(work: Callable[[], Any]) -> Future[Any]:
    """`work()` on a thread of its own, so that the caller can stop waiting for it."""
    outcome: Future[Any] = Future()

    def run() -> None:
        try:
            outcome.set_result(work())
        except BaseException as exc:
            outcome.set_exception(exc)

    threading.Thread(target=run, name="buyergraph-console", daemon=True).start()
    return outcome


def _terminate(driver: Driver, database: str, token: str) -> None:
    """Ask Neo4j to stop the console transaction tagged `token` (best effort: the caller has its
    answer already, and Neo4j's own timeout stays armed)."""
    with suppress(neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError):
        driver.execute_query(cypher.query("terminate_console_query"), token=token, database_=database)
