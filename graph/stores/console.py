"""The read-only Cypher console: user-written queries run safely against Neo4j.

A query is first planned with `EXPLAIN` (nothing runs): only plans whose query type is read-only
('r') and that use no operator on the deny-list (LOAD CSV, transaction management, administration)
are accepted. It then runs in a READ transaction (the server refuses writes there too), with a
timeout enforced by Neo4j, fetching at most `max_rows + 1` rows so that a huge result never lands
in memory. Values travel only as parameters; the query text and parameters are never logged.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

import neo4j
from neo4j import Driver, ManagedTransaction
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node, Path, Relationship
from pydantic import BaseModel

from graph.errors import ConfigurationError, ForbiddenQueryError, InvalidInputError, StoreUnavailableError

__all__ = ["ConsoleResult", "QueryTimeoutError", "run_read_only", "to_json_value"]

#: Plan operators refused even in read-only plans: they read files or URLs, see or stop other
#: users' transactions, or administer the server.
DENIED_OPERATORS = frozenset(
    {
        "LoadCSV",
        "ShowTransactions",
        "TerminateTransactions",
        "ShowSettings",
        "AdministrationCommand",
    }
)
#: Procedure namespaces that are never allowed from the console.
DENIED_PROCEDURE_PREFIXES = ("dbms.", "db.create", "db.clear", "tx.", "apoc.")


class QueryTimeoutError(InvalidInputError):
    """The console query ran longer than its timeout and Neo4j stopped it."""


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
        if operator == "ProcedureCall" and details.startswith(DENIED_PROCEDURE_PREFIXES):
            raise ForbiddenQueryError(f"the console does not allow the procedure {details.split('(')[0]}")


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
) -> ConsoleResult:
    """Check that `text` only reads, then run it in a READ transaction; at most `max_rows` rows."""
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
    with (
        _errors(timeout_s),
        driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session,
    ):
        summary = session.run(neo4j.Query("EXPLAIN " + text, timeout=timeout_s), params).consume()
        _check_plan(summary, database)

        @neo4j.unit_of_work(timeout=timeout_s)
        def work(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]], bool]:
            result = tx.run(text, params)
            columns = list(result.keys())
            rows: list[list[Any]] = []
            for record in result:
                if len(rows) == max_rows:
                    return columns, rows, True
                rows.append([to_json_value(v) for v in record.values()])
            return columns, rows, False

        columns, rows, truncated = session.execute_read(work)
    return ConsoleResult(
        columns=columns,
        rows=rows,
        truncated=truncated,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 2),
    )
