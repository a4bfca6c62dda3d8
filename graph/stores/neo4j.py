"""`Neo4jStore`: the production store.

Every query comes from `cypher/*.cypher`; values travel only as parameters; each batch is one
`UNWIND ... MERGE` in a managed write transaction; reads are routed as reads; `database_` is
always given. The driver is handed in (one per process, owned by whoever composes the app).
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Collection, Hashable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

import neo4j
import neo4j.time
import numpy as np
import numpy.typing as npt
from neo4j import Driver, ManagedTransaction, RoutingControl
from neo4j import exceptions as neo4j_errors
from pydantic import TypeAdapter

import cypher
from graph.analyses.portfolio import (
    ACCOUNT_SORTS,
    AccountFilter,
    AccountListing,
    AccountResult,
    AccountSummary,
    DealFilter,
    DealListing,
    DealResult,
    KeptDetail,
    KeptGap,
    PersonResult,
)
from graph.analyses.results import GapKind, Severity
from graph.errors import (
    BuyerGraphError,
    ConfigurationError,
    IngestBusyError,
    InvalidInputError,
    NotFoundError,
    StoreUnavailableError,
    WriteFailedError,
    redact_uris,
)
from graph.gc_pause import gc_paused
from graph.model import (
    DOMAIN_ACCOUNT_PREFIX,
    FROM_STORE,
    NODE_LABELS,
    RELATIONSHIP_TYPES,
    TOUCH_KINDS,
    AccountGraph,
    Alias,
    CommitteeRole,
    Company,
    Counts,
    Deal,
    DealProduct,
    Direction,
    Employment,
    ErasureReport,
    Holding,
    Knows,
    LazyColumn,
    Page,
    Person,
    Product,
    Record,
    Rep,
    Reporting,
    Touch,
    TouchTable,
)
from graph.search import fold
from graph.stores.base import (
    DEFAULT_INGEST_WAIT_S,
    GraphStore,
    IngestLockHolder,
    OnLockWait,
    check_account_filter,
    check_alias_kind,
    check_deal_filter,
    check_kind,
    check_node_kind,
    check_page,
)

if TYPE_CHECKING:
    from graph.stores.console import ConsoleResult

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R", bound=Record)

#: The record lists of an account read (cypher/account_graph.cypher): each validated in one call into
#: pydantic-core rather than one call per record, then sorted into the order both stores list them.
#: Touches are not among them: they are read as columns (see `_touch_table`).
_LISTS: dict[str, tuple[TypeAdapter[list[Any]], Callable[[Any], Any] | None]] = {
    "people": (TypeAdapter(list[Person]), attrgetter("id")),
    "employment": (TypeAdapter(list[Employment]), attrgetter("person_id")),
    "reporting": (TypeAdapter(list[Reporting]), attrgetter("person_id", "manager_id")),
    "knows": (TypeAdapter(list[Knows]), attrgetter("person_id", "other_id")),
    "deals": (TypeAdapter(list[Deal]), attrgetter("id")),
    "deal_products": (TypeAdapter(list[DealProduct]), attrgetter("deal_id", "product_id")),
    "committee": (
        TypeAdapter(list[CommitteeRole]),
        lambda c: (c.deal_id, c.person_id, c.role.value, c.source.value),
    ),
    "reps": (TypeAdapter(list[Rep]), attrgetter("id")),
    "holdings": (TypeAdapter(list[Holding]), attrgetter("product_id")),
    "products": (TypeAdapter(list[Product]), attrgetter("id")),
    "subsidiaries": (TypeAdapter(list[Company]), attrgetter("id")),
}

#: Fields that are relationship endpoints or keys rather than properties, per bundle kind.
_KEY_FIELDS: dict[str, frozenset[str]] = {
    "companies": frozenset({"id"}),
    "people": frozenset({"id"}),
    "reps": frozenset({"id"}),
    "products": frozenset({"id"}),
    "deals": frozenset({"id"}),
    "touches": frozenset({"id", "person_ids", "rep_id", "deal_id"}),
    "deal_products": frozenset({"deal_id", "product_id"}),
    "holdings": frozenset({"company_id", "product_id"}),
    "committee": frozenset({"deal_id", "person_id"}),
    "knows": frozenset({"person_id", "other_id"}),
    "reporting": frozenset({"person_id", "manager_id"}),
    "employment": frozenset({"person_id", "company_id"}),
}
_SENIORITY_FIELDS = frozenset(
    {"seniority", "function", "seniority_source", "seniority_confidence", "seniority_rule"}
)


def _to_param(value: Any) -> Any:
    """Python values as the driver packs them: enums as their string value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_to_param(v) for v in value]
    return value


_TEMPORAL = (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time)


def _native(value: Any) -> Any:
    """Neo4j temporal values back to Python's, recursively, so models validate them."""
    kind = type(value)
    if kind is dict:
        return {k: _native(v) for k, v in value.items()}
    if kind is list:
        return [_native(v) for v in value]
    if kind in _TEMPORAL:
        return value.to_native()
    return value


def _parse(model: type[R], data: Any) -> R:
    """A stored row as its model; stored rows are clean, so blank-cell checks are skipped."""
    return model.model_validate(data, context=FROM_STORE)


def _batch_keys(kind: str, rows: list[dict[str, Any]]) -> frozenset[Any]:
    """What a batch writes, as comparable keys: node ids, or relationship endpoints."""
    if "id" in _KEY_FIELDS[kind]:
        return frozenset(row["id"] for row in rows)
    fields = sorted(_KEY_FIELDS[kind])
    return frozenset(tuple(row[f] for f in fields) for row in rows)


def _row(kind: str, record: Record) -> dict[str, Any]:
    """One UNWIND row: key fields at the top, the non-null rest under `props`."""
    data = {k: _to_param(v) for k, v in record.model_dump().items()}
    keys = _KEY_FIELDS[kind]
    if kind == "committee":
        keys = keys | {"role", "source"}
    row: dict[str, Any] = {k: data.get(k) for k in keys}
    props = {k: v for k, v in data.items() if k not in keys and v is not None}
    if kind == "touches":
        # The driver packs datetime parameters slowly (~150 us each); as an ISO string, parsed by
        # localdatetime() in the query, 10k touches take milliseconds instead of seconds.
        row["at"] = props.pop("at").isoformat()
        row["person_ids"] = sorted(set(row["person_ids"]))  # stored sorted, as they are read
        # The fields the query packs before the linked rep and deal (see _PACKED_FIELDS).
        head = {**props, "id": row["id"], "at": row["at"]}
        row["head"] = _PACK_SEP.join(
            "" if (value := head.get(name)) is None else str(value) for name in _PACKED_FIELDS[:-2]
        )
    row["props"] = props
    if kind == "people":
        row["props_without_seniority"] = {k: v for k, v in props.items() if k not in _SENIORITY_FIELDS}
    return row


#: Joins the fields of a touch's `packed` property (see cypher/create_touches.cypher). Ids hold no
#: control character (the model refuses them) and touch text has them replaced, so it is never a
#: field's own character.
_PACK_SEP = "\x1f"
#: Precedes each attendee id in the last field of a packed touch.
_ATTENDEE_SEP = "\x1e"
_ATTENDEE_SEP_BYTE = ord(_ATTENDEE_SEP)
#: Separates touches where the attendee fields of many are parsed at once (see _attendance).
_TOUCH_SEP = "\x1d"
_TOUCH_SEP_BYTE = ord(_TOUCH_SEP)
#: The fields of a packed touch before its attendees, in order: `_row` sends all but the last two
#: as `row.head`; the write queries add the linked rep and deal, then the attendees field.
_PACKED_FIELDS = ("id", "at", "kind", "direction", "duration_s", "source", "subject", "rep_id", "deal_id")
_WIDTH = len(_PACKED_FIELDS) + 1
#: The separators of the packed layout, as parameters of the queries that write packed touches.
_PACKING: dict[str, Any] = {"sep": _PACK_SEP, "attendee_sep": _ATTENDEE_SEP}
_KIND_CODE_OF: dict[str, int] = {kind.value: code for code, kind in enumerate(TOUCH_KINDS)}
_DIRECTION_OF: dict[str, Direction] = {direction.value: direction for direction in Direction}
#: Above this many packed touches, an account read takes its touches' rep ids from the parsed strings
#: and fetches those reps in a second query, rather than splitting every string on the server (side by
#: side, only when the team is too large to read whole: _ALL_REPS_LIMIT).
_REP_SPLIT_LIMIT = 5_000
#: Accounts with at least this many touches are read in two queries side by side, once this store
#: has seen how large they are (see Neo4jStore._account_graph).
_SIDE_BY_SIDE_FROM = 5_000
#: An account read side by side takes the whole team of reps when it has at most this many (and
#: keeps those the account's deals and touches name), so that no read waits for a third query.
_ALL_REPS_LIMIT = 500
#: Threads that read the touch half of account reads, for as many account reads at once; more wait.
_READER_THREADS = 8
#: Touches stored before `packed` existed, read as maps.
_TOUCHES: TypeAdapter[list[Touch]] = TypeAdapter(list[Touch])


def _touch_table(packed: list[str], unpacked: list[Touch]) -> TouchTable:
    """An account's touches, in id order (as both stores list them), from their packed strings (plus
    any stored before packing existed), as columns: no model is built.

    Every touch packed in the current layout has ten fields, so all of them are split at once and
    each column is every tenth string, a slice made in C; the attendee fields are joined and split
    once more, into all attendees end to end. The columns the analyses read whole are converted here;
    the others (`LazyColumn`) when read, often only for a few touches. 50,000 touches take about
    60 ms, against about 125 ms split touch by touch. Sorting the strings sorts by id: the id comes
    first, and the separator sorts below any character an id may hold.
    """
    packed.sort()
    n = len(packed)
    flat = _PACK_SEP.join(packed).split(_PACK_SEP) if packed else []
    attendance = _attendance(flat[_WIDTH - 1 :: _WIDTH]) if len(flat) == _WIDTH * n else None
    person_ids: list[list[str]] | LazyColumn
    if attendance is not None:
        ids, ats, kinds, directions, durations, sources, subjects, reps, deals = (
            flat[i::_WIDTH] for i in range(_WIDTH - 1)
        )
        attendees, sizes = attendance
        ends = np.cumsum(sizes).tolist()
        starts = [0, *ends[:-1]]
        person_ids = LazyColumn(
            whole=lambda: list(map(attendees.__getitem__, map(slice, starts, ends))),
            item=lambda i: attendees[starts[i] : ends[i]],
            size=n,
        )
    else:
        columns = map(list, zip(*map(_unpack, packed), strict=True))
        ids, ats, kinds, directions, durations, sources, subjects, reps, deals, person_ids = columns
    kind_codes = np.fromiter(map(_KIND_CODE_OF.__getitem__, kinds), dtype=np.intp, count=n)
    # Each pass over a column of 50,000 strings costs several ms (they lie far apart in memory): the
    # rep ids are coded in the two passes that find them, and their column is built when read.
    stored_reps = list(dict.fromkeys(reps))
    rep_code = dict(zip(stored_reps, range(len(stored_reps)), strict=True))
    rep_codes = np.fromiter(map(rep_code.__getitem__, reps), dtype=np.intp, count=n)
    rep_names = [value or None for value in stored_reps]
    # numpy parses the ISO instants in C; the projection reads them as microseconds (at_micros).
    instants = np.array(ats, dtype="datetime64[us]")
    table = TouchTable.from_columns(
        ids=ids,
        ats=LazyColumn(whole=instants.tolist, item=lambda i: instants[i].item(), size=n),
        at_micros=instants.view(np.int64),
        kinds=LazyColumn(
            whole=lambda: list(map(TOUCH_KINDS.__getitem__, kind_codes.tolist())),
            item=lambda i: TOUCH_KINDS[kind_codes[i]],
            size=n,
        ),
        kind_codes=kind_codes,
        person_ids=person_ids,
        attendance=attendance,
        rep_ids=LazyColumn(
            whole=lambda: list(map(rep_names.__getitem__, rep_codes.tolist())),
            item=lambda i: rep_names[rep_codes[i]],
            size=n,
        ),
        rep_codes=(rep_names, rep_codes),
        deal_ids=_lazy_text(deals),
        directions=list(map(_DIRECTION_OF.get, directions)),
        durations=LazyColumn(
            whole=lambda: [int(value) if value else None for value in durations],
            item=lambda i: int(durations[i]) if durations[i] else None,
            size=n,
        ),
        sources=_lazy_text(sources),
        subjects=_lazy_text(subjects),
    )
    if unpacked:
        table = TouchTable(sorted([*table, *unpacked], key=attrgetter("id")))
    return table


def _attendance(fields: list[str]) -> tuple[list[str], npt.NDArray[np.intp]] | None:
    """The attendee fields of touches in the current layout as all attendees end to end and how many
    each touch has; None when some field is not such a field, i.e. some touch is in the first layout
    (its attendees each a field of its own: an id, which starts with no control character, would be
    at the place of some attendee field; see _unpack).

    Worked out on the fields' bytes joined by a touch separator, in numpy: ids hold no control
    character, and in UTF-8 these bytes stand only for themselves (about 5 ms for 50,000 touches,
    against about 25 ms for a count and a check per field).
    """
    if not fields:
        return [], np.zeros(0, dtype=np.intp)
    joined = _TOUCH_SEP.join(fields)
    data = np.frombuffer(joined.encode(), dtype=np.uint8)
    bounds = np.flatnonzero(data == _TOUCH_SEP_BYTE)
    starts = np.concatenate(([0], bounds + 1))
    ends = np.concatenate((bounds, [len(data)]))
    filled = starts < ends
    if len(starts) != len(fields) or not np.all(data[starts[filled]] == _ATTENDEE_SEP_BYTE):
        return None
    separators = np.flatnonzero(data == _ATTENDEE_SEP_BYTE)
    sizes = np.bincount(np.searchsorted(bounds, separators), minlength=len(fields)).astype(np.intp)
    attendees = joined.replace(_TOUCH_SEP, "").split(_ATTENDEE_SEP)[1:]
    return attendees, sizes


def _lazy_text(fields: list[str]) -> LazyColumn:
    """A column of optional text as stored in packed touches: empty for none."""
    return LazyColumn(
        whole=lambda: [value or None for value in fields], item=lambda i: fields[i] or None, size=len(fields)
    )


def _unpack(packed: str) -> tuple[Any, ...]:
    """One packed touch as its nine fields and its attendees, in either layout: the current one
    (ten fields, the last empty or each attendee preceded by _ATTENDEE_SEP) or the first one (each
    attendee a field of its own, so never ten fields whose last is empty or starts with that)."""
    fields = packed.split(_PACK_SEP)
    head = fields[: _WIDTH - 1]
    last = fields[_WIDTH - 1 :]
    if len(last) == 1 and last[0][:1] in ("", _ATTENDEE_SEP):
        last = last[0][1:].split(_ATTENDEE_SEP) if last[0] else []
    return (*head, last)


def _not_found(company_id: str | None, deal_id: str | None) -> NotFoundError:
    return (
        NotFoundError("deal", deal_id) if deal_id is not None else NotFoundError("account", company_id or "")
    )


def _account_lists(rows: dict[str, Any]) -> dict[str, list[Any]]:
    """The record lists of an account read but its touches and reps (see _named_reps) as models,
    each in key order.

    The queries return every reporting line and KNOWS tie of the members; those among them are the
    account's (see cypher/account_graph.cypher)."""
    members = {person["id"] for person in rows["people"]}
    rows["reporting"] = [r for r in rows["reporting"] if r["manager_id"] in members]
    rows["knows"] = [k for k in rows["knows"] if k["other_id"] in members]
    lists: dict[str, list[Any]] = {}
    for name, (adapter, key) in _LISTS.items():
        if name != "reps":
            records = adapter.validate_python(rows[name], context=FROM_STORE)
            lists[name] = records if key is None else sorted(records, key=key)
    return lists


_DEADLOCK = "Neo.TransientError.Transaction.DeadlockDetected"
#: Quick retries of a deadlocked batch before the driver's slower retry policy takes over.
_DEADLOCK_RETRIES = 8


class _Deadlock(Exception):
    """Raised out of a transaction function so that the driver does not retry it itself."""


class _TouchIdTaken(Exception):
    """A touch this batch CREATEs was created by another transaction since the batch checked."""


#: The error Neo4j reports when a CREATE meets a uniqueness constraint.
_CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed"
#: The one ingest lock node (cypher/ingest_lock_*.cypher), and how long a lease lasts unless renewed.
_INGEST_LOCK_ID = "ingest"
DEFAULT_INGEST_LEASE_S = 30.0
#: How often a waiting ingest asks for the lock again, and how often it says it still waits.
_LOCK_POLL_S = 0.5
_WAIT_NOTICE_S = 5.0


#: Which flat AccountResult properties hold the gap counts (names from the GapKind and Severity enums).
_GAP_KIND_PROPS = {kind.value: f"gaps_{kind.value}" for kind in GapKind}
_SEVERITY_PROPS = {severity.value: f"gaps_{severity.value}" for severity in Severity}
#: The figures account lists sort by (ACCOUNT_SORTS but the name).
_SORTED_FIGURES = tuple(name for name in ACCOUNT_SORTS if name != "name")


def _result_rows(
    results: Sequence[AccountResult],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Kept results as the flat property maps of AccountResult, DealResult, Gap and PersonResult nodes
    (Neo4j properties hold no maps, so counts per kind become one property each)."""
    accounts, deals, gaps, people = [], [], [], []
    for r in results:
        stamp = {"account_id": r.account_id, "as_of": r.as_of, "computed_at": r.computed_at}
        row: dict[str, Any] = {
            **stamp,
            "open_deals": r.open_deals,
            "coverage": r.coverage,
            "completeness": r.completeness,
            "gaps_total": r.gaps_total,
            "gap_kinds": sorted(kind for kind, n in r.gaps_by_kind.items() if n),
            "engagement_score": r.engagement_score,
            "engagement_trend": r.engagement_trend,
            "at_risk": r.at_risk,
            "buying_stage": r.buying_stage,
        }
        row.update({prop: r.gaps_by_kind.get(kind, 0) for kind, prop in _GAP_KIND_PROPS.items()})
        row.update({prop: r.gaps_by_severity.get(sev, 0) for sev, prop in _SEVERITY_PROPS.items()})
        # Descending orders walk the negated figure's index (list_account_results.cypher).
        row.update({f"{name}_desc": -row[name] for name in _SORTED_FIGURES if row.get(name) is not None})
        accounts.append(row)
        for d_index, d in enumerate(r.deals):
            deals.append(
                {
                    **stamp,
                    "deal_id": d.deal_id,
                    "position": d_index,
                    "coverage": d.coverage,
                    "completeness": d.completeness,
                    "gaps_total": len(d.gaps),
                    "gaps_high": sum(1 for g in d.gaps if g.severity == Severity.HIGH),
                    "gap_kinds": sorted({g.kind.value for g in d.gaps}),
                }
            )
            for g_index, g in enumerate(d.gaps):
                gaps.append(
                    {
                        **stamp,
                        "deal_id": d.deal_id,
                        "position": g_index,
                        **_to_param(g.model_dump(mode="json")),
                    }
                )
        for k in r.key_people:
            people.append({**stamp, "person_id": k.person_id, "rank": k.rank, "score": k.score})
    return accounts, deals, gaps, people


def _detail_rows(results: Sequence[AccountResult]) -> list[dict[str, Any]]:
    """The read endpoints' part of kept results (KeptDetail) as one JSON text per account: Neo4j
    properties hold no nested maps, and nothing filters on it."""
    return [
        {"account_id": r.account_id, "body": r.detail.model_dump_json()}
        for r in results
        if r.detail is not None
    ]


def _result_of(row: dict[str, Any]) -> AccountResult:
    """A kept result read back (see `_result_rows`), stale when its account changed after it."""
    account = row["account"]
    gaps_by_deal: dict[str, list[dict[str, Any]]] = {}
    for g in sorted(row["gaps"], key=lambda g: g["position"]):
        gaps_by_deal.setdefault(g["deal_id"], []).append(g)
    deals = [
        DealResult(
            deal_id=d["deal_id"],
            coverage=d["coverage"],
            completeness=d["completeness"],
            gaps=[KeptGap.model_validate(g) for g in gaps_by_deal.get(d["deal_id"], [])],
        )
        for d in sorted(row["deals"], key=lambda d: d["position"])
    ]
    return AccountResult(
        **_summary_fields(account, row["changed_at"]),
        key_people=sorted(
            (PersonResult(person_id=p["person_id"], rank=p["rank"], score=p["score"]) for p in row["people"]),
            key=lambda p: p.rank,
        ),
        deals=deals,
        detail=KeptDetail.model_validate_json(row["detail"][0]) if row.get("detail") else None,
    )


def _summary_fields(account: dict[str, Any], changed_at: datetime | None) -> dict[str, Any]:
    """The AccountSummary fields of an AccountResult node's properties."""
    computed_at = account["computed_at"]
    return {
        "account_id": account["account_id"],
        "as_of": account["as_of"],
        "computed_at": computed_at,
        "open_deals": account["open_deals"],
        "coverage": account.get("coverage"),
        "completeness": account.get("completeness"),
        "gaps_total": account["gaps_total"],
        "gaps_by_kind": {kind: account.get(prop, 0) for kind, prop in _GAP_KIND_PROPS.items()},
        "gaps_by_severity": {sev: account.get(prop, 0) for sev, prop in _SEVERITY_PROPS.items()},
        "engagement_score": account["engagement_score"],
        "engagement_trend": account["engagement_trend"],
        "at_risk": account["at_risk"],
        "buying_stage": account["buying_stage"],
        "stale": changed_at is not None and changed_at > computed_at,
    }


class _WritePipeline:
    """Batches written by a few writer threads while the caller prepares the next batch.

    Neo4j runs one transaction on one core; two transactions at once use both cores of a small
    machine (touch loads ran 1.3-1.6x faster with two writers than with one, bench/bench_ingest.py).
    Three rules keep the outcome that of writing the batches one after the other:
    - a batch of another kind waits for every batch before it (nodes before the relationships
      that point at them);
    - a batch that shares a record (an id, or a relationship's endpoints) with a batch still being
      written waits for it, so the later value wins as it would in order;
    - once a failure is seen nothing more is submitted, and the failure is raised to the caller
      (a batch already under way may still complete: every batch is whole, and running the same
      ingest again completes the load).
    Lock waits between concurrent batches (two touches with one person) are Neo4j's to resolve; a
    deadlock aborts one of the two transactions, which `Neo4jStore._write` runs again.
    """

    def __init__(self, writers: int) -> None:
        self._writers = writers
        self._pool = ThreadPoolExecutor(max_workers=writers, thread_name_prefix="buyergraph-writer")
        self._in_flight: list[tuple[Future[int], frozenset[Any]]] = []
        self._kind: str | None = None

    def _raise_failures(self) -> None:
        for future, _ in self._in_flight:
            if future.done() and future.exception() is not None:
                future.result()

    def _wait_for(self, condition: Callable[[frozenset[Any]], bool]) -> None:
        """Wait for (and retire) the batches in flight whose keys meet `condition`; raise a failure."""
        keep: list[tuple[Future[int], frozenset[Any]]] = []
        for future, keys in self._in_flight:
            if condition(keys):
                future.result()
            else:
                keep.append((future, keys))
        self._in_flight = keep

    def submit(self, kind: str, keys: frozenset[Any], write: Callable[[], int]) -> None:
        self._raise_failures()
        if kind != self._kind:
            self._wait_for(lambda _: True)
            self._kind = kind
        self._wait_for(lambda other: not keys.isdisjoint(other))
        while len(self._in_flight) >= self._writers:
            oldest, _ = self._in_flight.pop(0)
            oldest.result()
        self._in_flight.append((self._pool.submit(write), keys))

    def close(self, *, raise_error: bool) -> None:
        try:
            if raise_error:
                self._wait_for(lambda _: True)
        finally:
            self._pool.shutdown(wait=True)


class Neo4jStore(GraphStore):
    backend = "neo4j"

    def __init__(
        self,
        driver: Driver,
        *,
        database: str = "neo4j",
        apply_schema: bool = True,
        bulk_writers: int = 2,
        ingest_lease_s: float = DEFAULT_INGEST_LEASE_S,
    ) -> None:
        if bulk_writers < 1:
            raise ConfigurationError(f"bulk_writers must be at least 1, got {bulk_writers}")
        if ingest_lease_s <= 0:
            raise ConfigurationError(f"ingest_lease_s must be positive, got {ingest_lease_s}")
        #: How long the ingest lock outlives a holder that stopped renewing it (died).
        self._ingest_lease_s = ingest_lease_s
        self._lease: dict[str, Any] | None = None  # the ingest lock this store holds, while it does
        self._console_lock = threading.Lock()
        self._console_slots: threading.Semaphore | None = None
        self._driver = driver
        self._database = database
        #: Writer threads of a `bulk()` block (see _WritePipeline).
        self._bulk_writers = bulk_writers
        #: Per thread: the write pipeline of the `bulk()` block that thread is in, if any.
        self._pipelines = threading.local()
        #: ("account", id) and ("deal", id) of the accounts last read with many touches (see
        #: _account_graph): at most a few per large account.
        self._large_accounts: set[tuple[str, str]] = set()
        #: The threads that read account touches (see _read_side_by_side), started on first use.
        self._reader_pool: ThreadPoolExecutor | None = None
        self._readers_lock = threading.Lock()
        if apply_schema:
            self.apply_schema()

    @classmethod
    def connect(cls, uri: str, username: str, password: str, database: str = "neo4j") -> Neo4jStore:
        """Open a driver and a store on it; errors never carry the password."""
        try:
            driver = neo4j.GraphDatabase.driver(
                uri, auth=(username, password), notifications_min_severity="OFF"
            )
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise ConfigurationError(
                f"NEO4J_URI {redact_uris(uri)!r} is not a usable Neo4j address: {type(exc).__name__}"
            ) from None
        try:
            store = cls(driver, database=database)
        except BaseException:
            driver.close()
            raise
        store._owns_driver = True
        return store

    _owns_driver = False

    def close(self) -> None:
        if self._reader_pool is not None:
            self._reader_pool.shutdown(wait=True)
        if self._owns_driver:
            self._driver.close()

    # --- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver failures as buyergraph errors, with no query parameters in the message."""
        try:
            yield
        except neo4j_errors.AuthError:
            raise ConfigurationError(
                "Neo4j refused the credentials; check NEO4J_USERNAME and NEO4J_PASSWORD"
            ) from None
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
            raise StoreUnavailableError(f"Neo4j is not reachable: {type(exc).__name__}") from None
        except neo4j_errors.TransientError as exc:
            raise StoreUnavailableError(f"Neo4j is busy, try again ({exc.code})") from None
        except neo4j_errors.ClientError as exc:
            if exc.code and "Database" in exc.code and "NotFound" in exc.code:
                raise ConfigurationError(f"Neo4j database {self._database!r} does not exist") from None
            raise InvalidInputError(f"Neo4j refused the request ({exc.code})") from None
        except neo4j_errors.Neo4jError as exc:
            # The server's message may quote stored values (personal data): only its code is kept.
            raise InvalidInputError(f"Neo4j could not carry out the request ({exc.code})") from None

    def _read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of one read query, temporal values as Python's."""
        return self._read_text(cypher.query(name), **params)

    def _read_text(self, text: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of a read query's text (a cypher/ file, allow-listed names filled in)."""
        with self._errors():
            records, _, _ = self._driver.execute_query(
                text, params, database_=self._database, routing_=RoutingControl.READ
            )
        return [_native(dict(r)) for r in records]

    def _write(self, work: Callable[[ManagedTransaction], T]) -> T:
        """One managed write transaction.

        A deadlock (two batches written at once that lock the same nodes in opposite orders; Neo4j
        aborts one) reported while the batch runs is retried here after a few milliseconds; the
        driver would retry it too, but only after waiting about a second. One reported at commit is
        left to the driver's own retry.
        """

        def deadlock_aware(tx: ManagedTransaction) -> T:
            try:
                return work(tx)
            except neo4j_errors.TransientError as exc:
                if exc.code == _DEADLOCK:
                    raise _Deadlock from None
                raise

        for attempt in range(_DEADLOCK_RETRIES):
            try:
                with self._errors(), self._driver.session(database=self._database) as session:
                    return session.execute_write(deadlock_aware)
            except _Deadlock:
                log.debug("deadlock between concurrent writes; retrying the batch (attempt %d)", attempt + 1)
                time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
        with self._errors(), self._driver.session(database=self._database) as session:
            return session.execute_write(work)  # from here on the driver's own retries apply

    def apply_schema(self) -> None:
        """Create the constraints and indexes of `cypher/schema.cypher` if they are missing."""
        with self._errors():
            for statement in cypher.statements("schema"):
                self._driver.execute_query(statement, database_=self._database)

    # --- writes ----------------------------------------------------------------------------

    def _check_lease(self) -> None:
        """Within an ingest lock: refuse to write once the lease may have passed to another ingest."""
        held = self._lease
        if held is None:
            return
        if held["lost"] or time.monotonic() - float(held["since"]) > self._ingest_lease_s:
            raise WriteFailedError(
                f"this ingest stalled for longer than its {self._ingest_lease_s:g} s lease on the ingest "
                "lock, so another ingest may hold it now; it stopped writing; run this ingest again"
            )

    def upsert(self, kind: str, records: Sequence[Record]) -> int:
        self._check_lease()
        model = check_kind(kind)
        for record in records:
            if not isinstance(record, model):
                raise InvalidInputError(f"a {kind} batch holds a {type(record).__name__} record")
        if not records:
            return 0
        rows = [_row(kind, record) for record in records]
        if kind == "touches":

            def write() -> int:
                try:
                    return self._write(lambda tx: self._upsert_touches(tx, rows))
                except _TouchIdTaken:
                    # Another writer (another ingest, or a concurrent batch) created some of these
                    # touches after this batch checked: write the whole batch again as an update.
                    return self._write(lambda tx: self._upsert_touches(tx, rows, merge_only=True))

        else:
            text = cypher.query(f"upsert_{kind}")

            def work(tx: ManagedTransaction) -> int:
                tx.run(text, rows=rows).consume()
                return len(rows)

            def write() -> int:
                return self._write(work)

        pipeline: _WritePipeline | None = getattr(self._pipelines, "current", None)
        if pipeline is not None:
            pipeline.submit(kind, _batch_keys(kind, rows), write)
            return len(rows)
        return write()

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Write batches behind the caller and several at once: while Neo4j writes, the caller
        prepares the next batch, and a second transaction keeps the second core busy.

        Each batch stays its own transaction, so a kill leaves whole batches only, as without the
        block; `bulk_writers` threads write (see _WritePipeline for the rules that keep the result
        that of an in-order load). A failed batch stops the block: its error is raised by a later
        `upsert` or at the end of the block.
        """
        if getattr(self._pipelines, "current", None) is not None:  # nested: the outer block writes
            yield
            return
        pipeline = _WritePipeline(self._bulk_writers)
        self._pipelines.current = pipeline
        try:
            yield
        except BaseException:
            pipeline.close(raise_error=False)
            raise
        finally:
            self._pipelines.current = None
        pipeline.close(raise_error=True)

    @staticmethod
    def _upsert_touches(
        tx: ManagedTransaction, rows: list[dict[str, Any]], *, merge_only: bool = False
    ) -> int:
        """Touches are most of every load: new ones are CREATEd, known ones MERGEd, in one transaction.

        A touch created by another transaction between the check and the CREATE (two writers of the
        same touches at once) fails the CREATE on the uniqueness constraint: that is raised as
        `_TouchIdTaken`, and the caller writes the batch again with `merge_only`, all by MERGE.
        """
        fresh: list[dict[str, Any]] = []
        known: list[dict[str, Any]] = []
        if merge_only:
            known = rows
        else:
            existing_query = cypher.query("existing_ids").replace("{label}", "Touch")
            existing = set(tx.run(existing_query, ids=[row["id"] for row in rows]).single(strict=True)["ids"])
            seen: set[str] = set()
            for row in rows:
                if row["id"] in existing or row["id"] in seen:
                    known.append(row)  # MERGE runs after CREATE, so a repeated id updates in order
                else:
                    seen.add(row["id"])
                    fresh.append(row)
        if fresh:
            try:
                tx.run(cypher.query("create_touches"), rows=fresh, **_PACKING).consume()
            except neo4j_errors.ClientError as exc:
                if exc.code == _CONSTRAINT_FAILED:
                    raise _TouchIdTaken from None
                raise
        if known:
            tx.run(cypher.query("upsert_touches"), rows=known, **_PACKING).consume()
        return len(rows)

    @contextmanager
    def ingest_lock(
        self, *, wait_s: float = DEFAULT_INGEST_WAIT_S, on_wait: OnLockWait | None = None
    ) -> Iterator[None]:
        """A lease on one `IngestLock` node: taken atomically (cypher/ingest_lock_acquire.cypher),
        renewed by a background thread every third of the lease while the block runs, deleted at the
        end. A holder that dies stops renewing, and the next ingest takes the lock over once the
        lease has run out (at once when the holder was a process of the same host that is gone), so
        even a SIGKILL blocks later ingests for one lease at most.
        """
        owner = uuid.uuid4().hex
        me = IngestLockHolder.this_process()
        lease_ms = int(self._ingest_lease_s * 1000)
        acquire = cypher.query("ingest_lock_acquire")
        deadline = time.monotonic() + wait_s
        next_notice = 0.0
        dead_owner = ""
        while True:
            params = {
                "id": _INGEST_LOCK_ID,
                "owner": owner,
                "dead_owner": dead_owner,
                "started_at": me.started_at,
                "pid": me.pid,
                "host": me.host,
                "lease_ms": lease_ms,
            }

            def take(tx: ManagedTransaction, params: dict[str, Any] = params) -> dict[str, Any]:
                return dict(tx.run(acquire, params).single(strict=True))

            state = self._write(take)
            if state["owner"] == owner:
                break
            holder = IngestLockHolder(str(state["started_at"]), state["pid"], state["host"])
            if holder.died_on_this_host():
                dead_owner = state["owner"]  # no need to wait for its lease to run out
                continue
            now = time.monotonic()
            if now >= deadline:
                raise IngestBusyError(
                    f"another ingest ({holder.describe()}) still holds the Neo4j store after {wait_s:g} s "
                    "of waiting; run this ingest again when it has finished"
                )
            if on_wait is not None and now >= next_notice:
                on_wait(holder)
                next_notice = now + _WAIT_NOTICE_S
            time.sleep(min(_LOCK_POLL_S, deadline - now))
        stop = threading.Event()
        lost: list[str] = []
        # When the lease was last known to be ours: a write checks it (`_check_lease`), so an ingest
        # that stalled past its lease stops at its next batch instead of writing beside the next one.
        held = {"since": time.monotonic(), "lost": lost}
        self._lease = held

        lock = {"id": _INGEST_LOCK_ID, "owner": owner, "lease_ms": lease_ms}

        def renew() -> None:
            text = cypher.query("ingest_lock_renew")
            while not stop.wait(self._ingest_lease_s / 3):
                try:
                    renewed = self._write(lambda tx: tx.run(text, lock).single(strict=True)["renewed"])
                except BuyerGraphError:
                    continue  # try again at the next turn; the lease has some time left
                if not renewed:
                    lost.append("taken over")
                    return
                held["since"] = time.monotonic()

        renewer = threading.Thread(target=renew, name="buyergraph-ingest-lease", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            self._lease = None
            stop.set()
            renewer.join()
            release = cypher.query("ingest_lock_release")
            try:
                self._write(lambda tx: tx.run(release, lock).consume())
            except BuyerGraphError:
                log.warning("the ingest lock could not be released; it expires by itself")
        if lost:
            raise WriteFailedError(
                f"this ingest stalled for longer than its {self._ingest_lease_s:g} s lease on the ingest "
                "lock and another ingest took it over; run this ingest again"
            )

    def erase_person(self, person_id: str) -> ErasureReport:
        """The person, what concerns only them, an account that exists only because of their e-mail
        domain, and the kept results of their accounts (which name people: they read as missing
        until the next refresh); the store version moves in the same transaction (see
        `data_version`)."""
        account_text = cypher.query("erase_domain_account")
        text = cypher.query("erase_person")
        bump = cypher.query("bump_store_version")
        aliases_text = cypher.query("erase_person_aliases")
        results_text = cypher.query("erase_person_results")

        def work(tx: ManagedTransaction) -> dict[str, Any] | None:
            tx.run(results_text, id=person_id, at=datetime.now(UTC)).consume()
            account = tx.run(account_text, id=person_id, prefix=DOMAIN_ACCOUNT_PREFIX).single(strict=True)
            record = tx.run(text, id=person_id, **_PACKING).single()
            if record is None:
                return None
            tx.run(aliases_text, id=person_id).consume()
            tx.run(bump).consume()
            companies = {"companies": account["companies"], "company_rels": account["relationships"]}
            return {**dict(record), **companies}

        result = self._write(work)
        if result is None:
            raise NotFoundError("person", person_id)
        removed_nodes = {"Person": 1, "Touch": result["touches"]}
        if result["companies"]:
            removed_nodes["Company"] = result["companies"]
        return ErasureReport(
            person_id=person_id,
            removed_nodes=removed_nodes,
            removed_relationships=result["relationships"] + (result["company_rels"] or 0),
        )

    def mark_changed(self) -> None:
        """Move the store version, so that every server process drops what it cached."""
        text = cypher.query("bump_store_version")
        self._write(lambda tx: tx.run(text).consume())

    def data_version(self) -> Hashable:
        rows = self._read("store_version")
        return rows[0]["token"] if rows else None

    def clear(self) -> None:
        with self._errors(), self._driver.session(database=self._database) as session:
            session.run(cypher.query("wipe")).consume()
            session.run(cypher.query("wipe_nodes")).consume()

    # --- kept analysis results ------------------------------------------------------------

    def mark_accounts_changed(
        self,
        *,
        company_ids: Collection[str] = (),
        person_ids: Collection[str] = (),
        deal_ids: Collection[str] = (),
        at: datetime | None = None,
    ) -> set[str]:
        if not (company_ids or person_ids or deal_ids):
            return set()
        text = cypher.query("mark_accounts_changed")
        params = {
            "company_ids": sorted(set(company_ids)),
            "person_ids": sorted(set(person_ids)),
            "deal_ids": sorted(set(deal_ids)),
            "at": at or datetime.now(UTC),
        }
        ids: list[str] = self._write(lambda tx: tx.run(text, params).single(strict=True)["ids"])
        return set(ids)

    def accounts_to_refresh(self, *, everything: bool = False) -> list[str]:
        return [row["id"] for row in self._read("accounts_to_refresh", everything=everything)]

    def write_results(self, results: Sequence[AccountResult]) -> int:
        if not results:
            return 0
        ids = [r.account_id for r in results]
        accounts, deals, gaps, people = _result_rows(results)
        deletes = cypher.statements("results_delete")
        writes = [
            (cypher.query("results_write_accounts"), accounts),
            (cypher.query("results_write_deals"), deals),
            (cypher.query("results_write_gaps"), gaps),
            (cypher.query("results_write_people"), people),
            (cypher.query("results_write_details"), _detail_rows(results)),
        ]

        def work(tx: ManagedTransaction) -> int:
            for statement in deletes:
                tx.run(statement, ids=ids).consume()
            for text, rows in writes:
                if rows:
                    tx.run(text, rows=rows).consume()
            return len(tx.run(cypher.query("results_written"), ids=ids).single(strict=True)["ids"])

        return self._write(work)

    def read_results(self, company_ids: Collection[str]) -> dict[str, AccountResult]:
        rows = self._read("results_read", ids=sorted(set(company_ids)))
        return {row["account"]["account_id"]: _result_of(row) for row in rows}

    def list_account_results(
        self, query: AccountFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[AccountListing]:
        check_page(offset, limit)
        check_account_filter(query)
        params: dict[str, Any] = query.model_dump(mode="json", exclude={"sort", "descending"})
        params["search"] = query.search.casefold() if query.search else None
        filtered = any(v is not None for v in params.values())
        figure = query.sort if query.sort != "name" else None
        rows: list[dict[str, Any]] = []
        ranked = 0  # how many matching accounts have the figure, when that is needed
        if figure is not None:
            # The figure is from the allow-list ACCOUNT_SORTS (check_account_filter), like the direction.
            key = f"{figure}_desc" if query.descending else figure
            text = cypher.query("list_account_results").replace("{key}", key)
            rows = self._read_text(text, **params, offset=offset, limit=limit)
            if len(rows) < limit:
                # The page reaches past the accounts with the figure: those without it follow, by name.
                ranked = (
                    offset + len(rows)
                    if rows
                    else self._read("count_account_results", **params, with_figure=figure)[0]["count"]
                )
        if len(rows) < limit:
            rows += self._read(
                "list_account_results_by_name",
                **params,
                missing=figure,
                offset=max(offset - ranked, 0) if figure is not None else offset,
                limit=limit - len(rows),
            )
        profile = {name: params[name] for name in ("industry", "status", "search", "owner")}
        if any(params[name] is not None for name in params if name not in profile):
            count = self._read("count_account_results", **params, with_figure=None)[0]["count"]
        elif filtered:
            count = self._read("count_accounts", **profile)[0]["count"]
        else:
            count = self._read_text(cypher.query("count_label").replace("{label}", "Company"))[0]["n"]
        return Page[AccountListing](
            data=[
                AccountListing(
                    company=_parse(Company, item["company"]),
                    result=AccountSummary(**_summary_fields(item["result"], item["changed_at"]))
                    if item["result"]
                    else None,
                )
                for item in rows
            ],
            count=count,
            offset=offset,
            limit=limit,
        )

    def list_deal_results(self, query: DealFilter, *, offset: int = 0, limit: int = 50) -> Page[DealListing]:
        check_page(offset, limit)
        check_deal_filter(query)
        row = self._read("list_deal_results", **query.model_dump(mode="json"), offset=offset, limit=limit)[0]
        data = []
        for item in row["data"]:
            kept = item["result"]
            result = None
            if kept:
                gaps = sorted(item["gaps"], key=lambda g: g["position"])
                result = DealResult(
                    deal_id=kept["deal_id"],
                    coverage=kept["coverage"],
                    completeness=kept["completeness"],
                    gaps=[KeptGap.model_validate(g) for g in gaps],
                )
            changed_at = item["changed_at"]
            data.append(
                DealListing(
                    deal=_parse(Deal, item["deal"]),
                    result=result,
                    as_of=kept["as_of"] if kept else None,
                    computed_at=kept["computed_at"] if kept else None,
                    stale=bool(kept and changed_at is not None and changed_at > kept["computed_at"]),
                )
            )
        return Page[DealListing](data=data, count=row["count"], offset=offset, limit=limit)

    # --- lookups for identity resolution --------------------------------------------------

    def find_people_by_email_keys(self, keys: Collection[str]) -> dict[str, str]:
        rows = self._read("find_people_by_email_keys", keys=sorted(set(keys)))
        return {row["key"]: row["id"] for row in rows}

    def find_companies_by_keys(
        self, name_keys: Collection[str], domains: Collection[str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        by_name = self._read("find_companies_by_name_keys", keys=sorted(set(name_keys)))
        by_domain = self._read("find_companies_by_domains", domains=sorted(set(domains)))
        return (
            {row["key"]: row["id"] for row in by_name},
            {row["domain"]: row["id"] for row in by_domain},
        )

    def upsert_aliases(self, aliases: Sequence[Alias]) -> int:
        self._check_lease()
        if not aliases:
            return 0
        for alias in aliases:
            check_alias_kind(alias.kind)
        rows = [alias.model_dump() for alias in aliases]
        text = cypher.query("upsert_aliases")

        def write(tx: ManagedTransaction) -> int:
            return int(tx.run(text, rows=rows).single(strict=True)["n"])

        return self._write(write)

    def find_aliases(self, kind: str, ids: Collection[str]) -> dict[str, Alias]:
        check_alias_kind(kind)
        rows = self._read("find_aliases", kind=kind, ids=sorted(set(ids)))
        return {row["id"]: Alias(**row) for row in rows}

    def existing_ids(self, kind: str, ids: Collection[str]) -> set[str]:
        label = check_node_kind(kind)
        text = cypher.query("existing_ids").replace("{label}", label)
        wanted = sorted(set(ids))
        found: set[str] = set()
        with self._errors():
            for start in range(0, len(wanted), 50_000):
                records, _, _ = self._driver.execute_query(
                    text,
                    {"ids": wanted[start : start + 50_000]},
                    database_=self._database,
                    routing_=RoutingControl.READ,
                )
                found.update(records[0]["ids"])
        return found

    # --- reads -----------------------------------------------------------------------------

    def ping(self) -> bool:
        return bool(self._read("ping"))

    def counts(self) -> Counts:
        label_query = cypher.query("count_label")
        type_query = cypher.query("count_type")
        nodes: dict[str, int] = {}
        rels: dict[str, int] = {}
        with self._errors(), self._driver.session(database=self._database, default_access_mode="READ") as s:
            for label in NODE_LABELS:
                nodes[label] = s.run(label_query.replace("{label}", label)).single(strict=True)["n"]
            for rel_type in RELATIONSHIP_TYPES:
                rels[rel_type] = s.run(type_query.replace("{type}", rel_type)).single(strict=True)["n"]
        return Counts(nodes=nodes, relationships=rels)

    def _one(self, name: str, key: str, kind: str, id_: str) -> dict[str, Any]:
        rows = self._read(name, id=id_)
        if not rows:
            raise NotFoundError(kind, id_)
        value: dict[str, Any] = rows[0][key]
        return value

    def get_company(self, company_id: str) -> Company:
        return _parse(Company, self._one("get_company", "company", "account", company_id))

    def get_person(self, person_id: str) -> Person:
        return _parse(Person, self._one("get_person", "person", "person", person_id))

    def get_deal(self, deal_id: str) -> Deal:
        return _parse(Deal, self._one("get_deal", "deal", "deal", deal_id))

    def account_graph(self, company_id: str) -> AccountGraph:
        return self._account_graph(company_id=company_id, deal_id=None)

    def deal_account_graph(self, deal_id: str) -> AccountGraph:
        return self._account_graph(company_id=None, deal_id=deal_id)

    def _account_graph(self, *, company_id: str | None, deal_id: str | None) -> AccountGraph:
        """The account named by its id or by one of its deals: in one query (`account_graph`), or,
        if this store found it large when it last read it, in two queries side by side.

        Each query is an auto-commit READ transaction: one network round trip, where a managed
        transaction adds a second one for its COMMIT (a read of a small account costs about as much
        as a round trip). Unlike a managed transaction it is not retried: a failure is reported at
        once, and the API answers it with 503 and Retry-After.

        Two queries at once cost a small account more than they save: a deal's read took about 40%
        more of this process's CPU (2.8 against 2.0 ms) and more of Neo4j's, and one run of the API
        benchmark reading every account that way gave a gaps p95 of 354 ms against 227 (those runs
        vary by about a quarter). On a large account they save about 100 ms of 350 (see
        `_read_side_by_side`). Whether an account is large is known only once it is read,
        so this store remembers the accounts (and deals) whose last read had at least
        `_SIDE_BY_SIDE_FROM` touches: only the first read of a large account is the slower one.
        """
        keys = [("deal", deal_id)] if deal_id is not None else []
        key = keys[0] if keys else ("account", company_id or "")
        # The collector is paused from the first decoded row on: the driver's decoding of a large
        # account allocates as many long-lived objects as building the models does.
        with gc_paused():
            if key in self._large_accounts:
                account = self._read_side_by_side(company_id=company_id, deal_id=deal_id)
            else:
                account = self._read_in_one_query(company_id=company_id, deal_id=deal_id)
        keys.append(("account", account.company.id))
        if len(account.touches) >= _SIDE_BY_SIDE_FROM:
            self._large_accounts.update(keys)
        else:
            self._large_accounts.difference_update(keys)
        return account

    def _read_in_one_query(self, *, company_id: str | None, deal_id: str | None) -> AccountGraph:
        """An account and its touches in the one query `account_graph`."""
        record = self._account_record(
            "account_graph",
            company_id=company_id,
            deal_id=deal_id,
            sep=_PACK_SEP,
            rep_split_limit=_REP_SPLIT_LIMIT,
        )
        if record is None:
            raise _not_found(company_id, deal_id)
        rows = dict(record)
        touches = _touch_table(rows["packed_touches"], _TOUCHES.validate_python(rows["touches"]))
        lists = _account_lists(rows)
        # Above the limit the query left out the reps named only by packed touches (see
        # account_graph.cypher).
        complete = len(rows["packed_touches"]) <= _REP_SPLIT_LIMIT
        lists["reps"] = self._named_reps(rows["reps"], touches, lists["deals"], complete=complete)
        return AccountGraph(
            company=_parse(Company, rows["company"]),
            parent=_parse(Company, rows["parent"]) if rows["parent"] else None,
            touches=touches,
            **lists,
        )

    def _read_side_by_side(self, *, company_id: str | None, deal_id: str | None) -> AccountGraph:
        """A large account in two queries run side by side: `account_touches` in a reader thread,
        `account_without_touches` in this one.

        Each keeps one core of the server busy, and this thread checks the other records while the
        server still reads the touches (50,000 touches: about 100 ms less than one query doing both).
        Neo4j reads at read-committed isolation, within one query too: a write that commits during
        the read may show in one part and not the other, as it could within one query.
        """
        touches_read = self._readers().submit(self._account_touches, company_id, deal_id)
        try:
            record = self._account_record(
                "account_without_touches",
                company_id=company_id,
                deal_id=deal_id,
                all_reps_limit=_ALL_REPS_LIMIT,
            )
        except BaseException:
            touches_read.cancel()
            raise
        if record is None:
            touches_read.cancel()
            raise _not_found(company_id, deal_id)
        rows = dict(record)
        lists = _account_lists(rows)
        company = _parse(Company, rows["company"])
        parent = _parse(Company, rows["parent"]) if rows["parent"] else None
        read = touches_read.result()
        if read is None:  # the account was deleted between the two reads
            raise NotFoundError("account", company.id)
        touches, touch_reps = read
        # From the whole team, or from the reps each query found; those of a large account on a
        # large team are fetched now (see account_touches.cypher).
        found = [*rows["reps"], *touch_reps]
        lists["reps"] = self._named_reps(found, touches, lists["deals"], complete=rows["whole_team"])
        return AccountGraph(company=company, parent=parent, touches=touches, **lists)

    def _named_reps(
        self, found: list[dict[str, Any]], touches: TouchTable, deals: list[Deal], *, complete: bool
    ) -> list[Rep]:
        """The reps an account's deals and touches name, in id order, from the rep rows its queries
        found; unless those hold every rep named that exists (`complete`), the missing ones are
        fetched with get_reps."""
        reps = {rep["id"]: rep for rep in found}
        named = set(filter(None, touches.rep_codes()[0]))
        named.update(deal.owner_rep_id for deal in deals if deal.owner_rep_id)
        missing = [] if complete else sorted(named - set(reps))
        if missing:
            reps.update((rep["id"], rep) for rep in self._read("get_reps", ids=missing)[0]["reps"])
        return _LISTS["reps"][0].validate_python(
            [reps[rep_id] for rep_id in sorted(named & set(reps))], context=FROM_STORE
        )

    def _account_record(self, name: str, **params: Any) -> neo4j.Record | None:
        """The one record of an account query (None: no such account), as an auto-commit READ
        transaction (see _account_graph)."""
        with (
            self._errors(),
            self._driver.session(database=self._database, default_access_mode="READ") as session,
        ):
            return session.run(cypher.query(name), params).single()

    def _readers(self) -> ThreadPoolExecutor:
        """The threads that run the touch half of account reads (created on first use)."""
        with self._readers_lock:
            if self._reader_pool is None:
                self._reader_pool = ThreadPoolExecutor(
                    max_workers=_READER_THREADS, thread_name_prefix="buyergraph-reader"
                )
            return self._reader_pool

    def _account_touches(
        self, company_id: str | None, deal_id: str | None
    ) -> tuple[TouchTable, list[dict[str, Any]]] | None:
        """An account's touches as a table and the reps they name, or None when there is no such
        account. Runs in a reader thread; the table is parsed there too, while the calling thread
        checks the other records."""
        record = self._account_record(
            "account_touches",
            company_id=company_id,
            deal_id=deal_id,
            sep=_PACK_SEP,
            rep_split_limit=_REP_SPLIT_LIMIT,
            all_reps_limit=_ALL_REPS_LIMIT,
        )
        if record is None:
            return None
        table = _touch_table(record["packed_touches"], _TOUCHES.validate_python(record["touches"]))
        return table, record["reps"]

    def list_accounts(
        self,
        *,
        search: str | None = None,
        industry: str | None = None,
        status: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page[Company]:
        check_page(offset, limit)
        row = self._read(
            "list_accounts",
            search=search.casefold() if search else None,
            industry=industry,
            status=status,
            offset=offset,
            limit=limit,
        )[0]
        return Page[Company](
            data=[_parse(Company, c) for c in row["data"]],
            count=row["count"],
            offset=offset,
            limit=limit,
        )

    def list_people(
        self,
        *,
        search: str | None = None,
        company_id: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page[Person]:
        check_page(offset, limit)
        row = self._read(
            "list_people",
            search=search.casefold() if search else None,
            company_id=company_id,
            offset=offset,
            limit=limit,
        )[0]
        return Page[Person](
            data=[_parse(Person, p) for p in row["data"]],
            count=row["count"],
            offset=offset,
            limit=limit,
        )

    def ownership(self) -> tuple[list[Company], list[Holding]]:
        companies: list[Company] = []
        holdings: list[Holding] = []
        for row in self._read("ownership"):
            companies.append(_parse(Company, row["company"]))
            holdings += [_parse(Holding, h) for h in row["holdings"]]
        companies.sort(key=lambda c: c.id)
        return companies, sorted(holdings, key=lambda h: (h.company_id, h.product_id))

    def product_names(self) -> dict[str, str]:
        return {row["id"]: row["name"] for row in self._read("product_names")}

    def search_accounts(
        self, search: str | None = None, *, offset: int = 0, limit: int = 50
    ) -> Page[Company]:
        check_page(offset, limit)
        row = self._read(
            "search_accounts", search=fold(search) if search else None, offset=offset, limit=limit
        )[0]
        return Page[Company](
            data=[_parse(Company, c) for c in row["data"]], count=row["count"], offset=offset, limit=limit
        )

    def search_people(
        self, search: str | None = None, *, company_id: str | None = None, offset: int = 0, limit: int = 50
    ) -> Page[Person]:
        check_page(offset, limit)
        row = self._read(
            "search_people",
            search=fold(search) if search else None,
            company_id=company_id,
            offset=offset,
            limit=limit,
        )[0]
        return Page[Person](
            data=[_parse(Person, p) for p in row["data"]], count=row["count"], offset=offset, limit=limit
        )

    # --- the read-only console (issue 6) ----------------------------------------------------

    def run_read_only(
        self, text: str, parameters: dict[str, Any], *, timeout_s: float, max_rows: int, max_bytes: int
    ) -> ConsoleResult:
        """Run a user's Cypher query if its plan only reads, in a READ transaction, with a timeout, at
        most `max_rows` rows and `max_bytes` bytes (see graph/stores/console.py for what is refused)."""
        from graph.stores.console import console_slots, run_read_only

        with self._console_lock:
            if self._console_slots is None:
                self._console_slots = console_slots()
        return run_read_only(
            self._driver,
            self._database,
            text,
            parameters,
            timeout_s=timeout_s,
            max_rows=max_rows,
            max_bytes=max_bytes,
            slots=self._console_slots,
        )
