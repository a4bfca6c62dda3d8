"""`Neo4jStore`: the production store.

Every query comes from `cypher/*.cypher`; values travel only as parameters; each batch is one
`UNWIND ... MERGE` in a managed write transaction; reads are routed as reads; `database_` is
always given. The driver is handed in (one per process, owned by whoever composes the app).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from enum import Enum
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

import neo4j
import neo4j.time
import numpy as np
from neo4j import Driver, ManagedTransaction, RoutingControl
from neo4j import exceptions as neo4j_errors
from pydantic import TypeAdapter

import cypher
from graph.analyses.changes import (
    REDACTED_SUMMARY,
    Change,
    ChangeBasis,
    LoggedChange,
    basis_of,
    committees_of_detail,
)
from graph.analyses.corrections import apply_corrections
from graph.analyses.directory import (
    PeopleFilter,
    PersonListing,
    RepAccount,
    RepListing,
    check_people_filter,
)
from graph.analyses.portfolio import (
    ACCOUNT_SORTS,
    SUMMARY_FORMAT,
    AccountFilter,
    AccountListing,
    AccountResult,
    AccountRow,
    AccountSummary,
    DealFilter,
    DealListing,
    DealResult,
    KeptAnswer,
    KeptAnswers,
    KeptDealGapsJson,
    KeptDetail,
    KeptGap,
    KeptKeyPeopleJson,
    KeptWinFactor,
    PersonResult,
    summary_json,
    summary_json_with_stale,
)
from graph.analyses.results import GapKind, Severity
from graph.analyses.roster import RosterEntry
from graph.analyses.rules import aggregate_touches, engagement_state
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
from graph.model import (
    DOMAIN_ACCOUNT_PREFIX,
    FROM_STORE,
    NODE_LABELS,
    RELATIONSHIP_TYPES,
    AccountGraph,
    Alias,
    CommitteeRole,
    Company,
    Correction,
    CorrectionKind,
    Counts,
    Deal,
    DealProduct,
    DealTouches,
    Employment,
    ErasureReport,
    Holding,
    Knows,
    Page,
    Person,
    Product,
    Record,
    Rep,
    Reporting,
    Touch,
    TouchDays,
)
from graph.search import SEARCHED_FIELDS, search_key, search_needle
from graph.stores.base import (
    DEFAULT_INGEST_WAIT_S,
    GraphStore,
    IngestLockHolder,
    KeptModel,
    OnLockWait,
    check_account_filter,
    check_alias_kind,
    check_change_query,
    check_deal_filter,
    check_kept_limit,
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
        row["person_ids"] = sorted(set(row["person_ids"]))
    row["props"] = props
    if kind == "people":
        row["props_without_seniority"] = {k: v for k, v in props.items() if k not in _SENIORITY_FIELDS}
    return row


#: Touches read back as maps (the person page, recomputing aggregates).
_TOUCHES: TypeAdapter[list[Touch]] = TypeAdapter(list[Touch])
#: `date.toordinal()` of 1970-01-01: numpy reads ISO days as days since then.
_EPOCH_ORDINAL = 719_163
#: Accounts per write transaction of the one-time move to daily touch aggregates.
_MIGRATION_BATCH = 50


def _touch_days(rows: dict[str, Any]) -> TouchDays:
    """An account's daily touch aggregates from the per-node lists account_graph returns, joined in
    C (chain) and parsed by numpy: no object per row."""
    sizes = [len(kinds) for kinds in rows["kinds"]]
    ordinals = np.array(rows["days"], dtype="datetime64[D]").astype(np.int64) + _EPOCH_ORDINAL
    joined = chain.from_iterable
    return TouchDays.from_columns(
        list(joined(rows["actors"])),
        list(joined(rows["persons"])),
        list(joined(rows["pairs"])),
        np.repeat(ordinals, sizes),
        list(joined(rows["kinds"])),
        list(joined(rows["directions"])),
        list(joined(rows["counts"])),
        list(joined(rows["seconds"])),
        list(joined(rows["untimed"])),
    )


def _deal_touches(rows: dict[str, Any]) -> DealTouches:
    """An account's touches about its deals from the four columns account_graph returns (ISO days
    parsed by numpy): no object per row."""
    days = np.array(rows["about_days"], dtype="datetime64[D]").astype(np.int64) + _EPOCH_ORDINAL
    return DealTouches.from_columns(rows["about_deals"], rows["about_persons"], days, rows["about_counts"])


def _groups_of(rows: Iterable[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(row["company_id"], row["day"]) for row in rows}


def _recompute_touch_days(tx: ManagedTransaction, groups: set[tuple[str, str]]) -> None:
    """Recompute the daily aggregates of (account, ISO day) groups from their touches, in this
    transaction: lock their nodes, read their touches, aggregate them with the one definition
    (graph/analyses/rules.py) and write each group's node whole (or delete it: no touch left)."""
    if not groups:
        return
    ordered = [{"company_id": c, "day": d} for c, d in sorted(groups)]
    tx.run(cypher.query("touch_days_lock"), groups=ordered).consume()
    found = {
        (record["company_id"], record["day"]): record["touches"]
        for record in tx.run(cypher.query("touch_days_read"), groups=ordered)
    }
    written: list[dict[str, Any]] = []
    empty: list[dict[str, Any]] = []
    for group in ordered:
        touches = found.get((group["company_id"], group["day"]))
        if not touches:
            empty.append(group)
            continue
        columns = aggregate_touches(_TOUCHES.validate_python(touches, context=FROM_STORE)).columns()
        del columns["days"]  # the node's day
        reps = sorted(
            {a for a, pair in zip(columns["actors"], columns["pairs"], strict=True) if a and not pair}
        )
        written.append({**group, "props": {**columns, "reps": reps}})
    tx.run(cypher.query("touch_days_write"), groups=written, empty=empty).consume()


def _delete_user_touch(tx: ManagedTransaction, touch_id: str) -> None:
    """Remove a touch a correction logged, with the daily aggregates it counted in."""
    groups = _groups_of(tx.run(cypher.query("touch_groups"), ids=[touch_id]).data())
    tx.run(cypher.query("correction_touch_delete"), id=touch_id).consume()
    _recompute_touch_days(tx, groups)


def _correction_of(row: dict[str, Any]) -> Correction:
    """A stored Correction node's properties as the model (temporal values as Python's)."""
    return Correction.model_validate(_native(row))


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


#: Kinds that change who belongs to an account, with the field naming the person.
_MEMBERSHIP_KINDS = {"people": "id", "employment": "person_id", "committee": "person_id"}
#: The kinds whose nodes keep a search key (graph/search.py), and their label: the allow-list the
#: search_keys_* queries' {label} is filled in from.
_SEARCHED_LABELS = {"companies": "Company", "people": "Person", "reps": "Rep", "deals": "Deal"}
#: Nodes per write transaction of the one-time backfill of search keys.
_SEARCH_KEY_BATCH = 5_000


def _keyed_rows(rows: list[dict[str, Any]], model: type[Record]) -> list[str]:
    """Put the search key into the props of each row that gives every searchable field its model
    has (the merge then stores exactly those values); the ids of the other rows, whose keys need
    the stored values (read back after the merge)."""
    fields = [f for f in SEARCHED_FIELDS if f in model.model_fields]
    unknown = []
    for row in rows:
        props = row["props"]
        values = [row["id"] if f == "id" else props.get(f) for f in fields]
        if any(v is None for v in values):
            unknown.append(row["id"])
            continue
        props["search_key"] = search_key(*values)
        if "props_without_seniority" in row:
            row["props_without_seniority"]["search_key"] = props["search_key"]
    return sorted(set(unknown))


def _write_search_keys(tx: ManagedTransaction, label: str, rows: list[dict[str, Any]]) -> int:
    """Write the search key of each read row ({id, fields}); how many were written."""
    keys = [{"id": row["id"], "key": search_key(*row["fields"])} for row in rows]
    if keys:
        tx.run(cypher.query("search_keys_write").replace("{label}", label), rows=keys).consume()
    return len(keys)


_DEADLOCK = "Neo.TransientError.Transaction.DeadlockDetected"
#: Quick retries of a deadlocked batch before the driver's slower retry policy takes over.
_DEADLOCK_RETRIES = 8
#: Properties whose values are times or tokens of a load itself, not of its data (see `fingerprint`).
VOLATILE_PROPERTIES = frozenset(
    {"Company.changed_at", "StoreVersion.token", "Migration.done_at", "TouchDay.written_at"}
)


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
        row["summary_json"] = _summary_json(row)
        row["summary_format"] = SUMMARY_FORMAT  # the list reads the text only while it is current
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
                    "win_likelihood": d.win_likelihood,
                    "win_model": d.win_model,
                    "win_factors": json.dumps(
                        [f.model_dump(mode="json") for f in d.win_factors], ensure_ascii=False
                    ),
                    # The deal's gaps answer as rendered (KeptAnswers), null in results without.
                    "gaps_json": (
                        r.answers.deal_gaps.get(d.deal_id)
                        if r.answers is not None and r.detail is not None
                        else None
                    ),
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


def _kept_keys(results: Sequence[AccountResult]) -> list[dict[str, Any]]:
    """Per account, the keys of the result nodes its new results hold (cypher/results_delete.cypher
    removes the others): deal ids, gaps as "deal id|position", key people's ids, and whether it has
    a detail."""
    return [
        {
            "account_id": r.account_id,
            "deal_ids": [d.deal_id for d in r.deals],
            "gap_keys": [f"{d.deal_id}|{index}" for d in r.deals for index in range(len(d.gaps))],
            "person_ids": [k.person_id for k in r.key_people],
            "detail": r.detail is not None,
        }
        for r in results
    ]


def result_write_statements(results: Sequence[AccountResult]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """What keeps these results once their accounts are locked (`Neo4jStore.write_results` runs
    them with the rows of the accounts it may write), as (name, Cypher text, rows), in order: the
    last refresh's nodes the new results no longer hold are deleted, the others overwritten
    (cypher/results_*.cypher). Also what bench/profile_result_writes.py profiles."""
    accounts, deals, gaps, people = _result_rows(results)
    keys = _kept_keys(results)
    deletes = cypher.statements("results_delete")
    return [
        *((f"results_delete[{i}]", text, keys) for i, text in enumerate(deletes)),
        ("results_write_accounts", cypher.query("results_write_accounts"), accounts),
        ("results_write_deals", cypher.query("results_write_deals"), deals),
        ("results_write_gaps", cypher.query("results_write_gaps"), gaps),
        ("results_write_people", cypher.query("results_write_people"), people),
        ("results_write_details", cypher.query("results_write_details"), _detail_rows(results)),
    ]


def _detail_rows(results: Sequence[AccountResult]) -> list[dict[str, Any]]:
    """The read endpoints' part of kept results (KeptDetail) as one JSON text per account: Neo4j
    properties hold no nested maps, and nothing filters on it."""
    rows: list[dict[str, Any]] = []
    for r in results:
        if r.detail is None:
            continue
        row: dict[str, Any] = {
            "account_id": r.account_id,
            "body": r.detail.model_dump_json(),
            # What the next refresh compares of it (read_change_bases), so it need not parse `body`.
            "basis_json": json.dumps(
                basis_of(r).model_dump(mode="json", include={"roster", "committees"}), ensure_ascii=False
            ),
        }
        if r.answers is not None:  # the key people answer as rendered (KeptAnswers)
            row["key_people_json"] = r.answers.key_people
            row["key_people_notes_json"] = r.answers.key_people_notes
            row["answers_format"] = r.answers.format
        rows.append(row)
    return rows


def _stale(changed_at: datetime | None, computed_at: datetime) -> bool:
    """Whether a kept result computed at `computed_at` is stale: its account changed after it."""
    return changed_at is not None and changed_at > computed_at


def _kept_head(row: dict[str, Any]) -> dict[str, Any]:
    """The account, day, time and staleness of a kept answer's row (the results_read_* queries)."""
    return {
        "account_id": row["account_id"],
        "as_of": row["as_of"],
        "computed_at": row["computed_at"],
        "stale": _stale(row["changed_at"], row["computed_at"]),
    }


def _deal_result_of(d: dict[str, Any], gaps: list[dict[str, Any]]) -> DealResult:
    """A kept DealResult node's properties and its gaps (in order) read back."""
    return DealResult(
        deal_id=d["deal_id"],
        coverage=d["coverage"],
        completeness=d["completeness"],
        gaps=[KeptGap.model_validate(g) for g in gaps],
        win_likelihood=d.get("win_likelihood"),
        win_model=d.get("win_model") or "configuration",
        win_factors=[KeptWinFactor.model_validate(f) for f in json.loads(d.get("win_factors") or "[]")],
    )


def _deal_results(row: dict[str, Any]) -> list[DealResult]:
    """The open deals' kept results of a `results_read` row, in their order."""
    gaps_by_deal: dict[str, list[dict[str, Any]]] = {}
    for g in sorted(row["gaps"], key=lambda g: g["position"]):
        gaps_by_deal.setdefault(g["deal_id"], []).append(g)
    return [
        _deal_result_of(d, gaps_by_deal.get(d["deal_id"], []))
        for d in sorted(row["deals"], key=lambda d: d["position"])
    ]


def _result_of(row: dict[str, Any]) -> AccountResult:
    """A kept result read back (see `_result_rows`), stale when its account changed after it."""
    account = row["account"]
    deals = _deal_results(row)
    return AccountResult(
        **_summary_fields(account, row["changed_at"]),
        key_people=sorted(
            (PersonResult(person_id=p["person_id"], rank=p["rank"], score=p["score"]) for p in row["people"]),
            key=lambda p: p.rank,
        ),
        deals=deals,
        detail=KeptDetail.model_validate_json(row["detail"][0]) if row.get("detail") else None,
        answers=_answers_of(row),
    )


def _answers_of(row: dict[str, Any]) -> KeptAnswers | None:
    """The rendered answers of a `results_read` row (None when its result was kept without them)."""
    if not row.get("answers"):
        return None
    key_people, notes, render_format = row["answers"][0]
    return KeptAnswers(
        key_people=key_people,
        key_people_notes=notes,
        format=render_format or "",
        deal_gaps={d["deal_id"]: d["gaps_json"] for d in row["deals"] if d.get("gaps_json") is not None},
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
        "stale": _stale(changed_at, computed_at),
    }


def _summary_json(row: dict[str, Any]) -> str:
    """The kept figures of an AccountResult node's properties as one JSON text without `stale` (kept
    as its `summary_json`): what an account list's row reads instead of every figure property, and
    exactly what `_summary_fields` would read back from those properties."""
    computed_at: datetime = row["computed_at"]
    utc = {"computed_at": computed_at.astimezone(UTC)} if computed_at.tzinfo else {}  # as read back
    return summary_json(AccountSummary(**_summary_fields({**row, **utc}, None)))


#: The fields of an account list's row, in the order the page queries give them.
_PAGE_ROW = ("company", "summary_json", "result", "computed_s", "computed_ns", "stale")


def _listed_summary(item: dict[str, Any]) -> AccountSummary:
    """The kept figures of an account list's row (cypher/list_account_results*.cypher), `stale` as the
    query decided it: parsed from the kept JSON text (`_summary_json`) or, for a result kept before
    that text existed or with another `summary_format` (SUMMARY_FORMAT: an upgrade changed the
    figures' model), from its properties, `computed_at` then as epoch seconds and nanoseconds."""
    text = item.get("summary_json")
    if text is not None:
        return AccountSummary.model_validate_json(summary_json_with_stale(text, bool(item["stale"])))
    computed_at = datetime.fromtimestamp(item["computed_s"], UTC) + timedelta(
        microseconds=item["computed_ns"] // 1000
    )
    fields = _summary_fields({**item["result"], "computed_at": computed_at}, None)
    fields["stale"] = item["stale"]
    return AccountSummary(**fields)


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
        #: Causal consistency of this store's one-off queries (see `forget_bookmarks`).
        self._bookmarks = neo4j.GraphDatabase.bookmark_manager()
        #: Writer threads of a `bulk()` block (see _WritePipeline).
        self._bulk_writers = bulk_writers
        #: Per thread: the write pipeline of the `bulk()` block that thread is in, if any.
        self._pipelines = threading.local()
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
                text,
                params,
                database_=self._database,
                routing_=RoutingControl.READ,
                bookmark_manager_=self._bookmarks,
            )
        return [_native(dict(r)) for r in records]

    @contextmanager
    def _reading(self) -> Iterator[Callable[..., list[dict[str, Any]]]]:
        """A reader of query texts for the API's hot reads: every query it runs is an auto-commit READ
        transaction in one session, one network round trip each (`_read`'s managed transaction adds a
        second one for its COMMIT, and takes a session of its own each time). Like `_account_graphs`
        it is not retried: a failure is reported at once (the API answers 503 with Retry-After).
        The server's store (api/runtime.py ServerNeo4jStore) bounds each method that uses it as a
        whole, against a frozen Neo4j: a new method reading through it needs its override there."""
        with (
            self._errors(),
            self._driver.session(database=self._database, default_access_mode="READ") as session,
        ):

            def read(text: str, **params: Any) -> list[dict[str, Any]]:
                return [_native(dict(record)) for record in session.run(text, params)]

            yield read

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
        """Create the constraints and indexes of `cypher/schema.cypher` if they are missing.

        All in one transaction (one commit instead of one per statement, which on a first load's
        imported database was measured cheaper, docs/ingest.md); all or nothing: when one statement
        is refused (say a uniqueness constraint the data breaks), none is created and the error
        says so, naming the statement Neo4j refused (its number in `cypher/schema.cypher` and the
        constraint's or index's name; never the server's message, which may quote stored values).
        Indexes other than the constraints may still be populating when it returns, as with one
        statement at a time."""
        statements = cypher.statements("schema")

        def create(tx: ManagedTransaction) -> None:
            for number, statement in enumerate(statements, 1):
                try:
                    tx.run(statement).consume()
                except neo4j_errors.TransientError:
                    raise  # retried by the driver
                except neo4j_errors.Neo4jError as exc:
                    if ".Schema." not in (exc.code or ""):
                        raise  # not about the schema (rights, a terminated transaction): as any error
                    raise _SchemaRefused(number, exc.code) from None

        try:
            with (
                self._errors(),
                self._driver.session(database=self._database, bookmark_manager=self._bookmarks) as session,
            ):
                try:
                    session.execute_write(create)
                except neo4j_errors.TransientError:
                    raise
                except neo4j_errors.Neo4jError as exc:
                    # Refused at commit (a uniqueness constraint the data breaks is checked then):
                    # the server's message names the constraint, the one part of it repeated here.
                    refused = _refused_statement(statements, exc.message or "")
                    if refused is None:
                        raise
                    raise _SchemaRefused(refused, exc.code) from None
        except _SchemaRefused as refused:
            number = refused.number
            raise InvalidInputError(
                f"Neo4j refused statement {number} of {len(statements)} in cypher/schema.cypher "
                f"({_schema_name(statements[number - 1])}; {refused.code}), so none of the constraints and "
                "indexes was created; a uniqueness constraint is refused when stored nodes break it"
            ) from None
        self.migrate_touch_days()
        self.migrate_search_keys()

    def migrate_touch_days(self) -> None:
        """The one-time move of a database written by earlier versions (a packed copy of every
        touch) to daily touch aggregates: every account's aggregates are built from its touches, in
        batches of accounts, then the packed copies are dropped, and a Migration node records that
        it is done. Runs when the store opens; safe to run again or to interrupt (a later open
        finishes it); a database that has it done costs one lookup."""
        if self._read("migration_done", id="touch_days")[0]["done"]:
            return
        ids = [row["id"] for row in self._read("all_company_ids")]
        groups_text = cypher.query("touch_groups_of_accounts")
        for start in range(0, len(ids), _MIGRATION_BATCH):
            batch = ids[start : start + _MIGRATION_BATCH]

            def rebuild(tx: ManagedTransaction, batch: list[str] = batch) -> None:
                _recompute_touch_days(tx, _groups_of(tx.run(groups_text, company_ids=batch).data()))

            self._write(rebuild)
        step = cypher.query("touch_days_migration_step")
        while self._write(lambda tx: tx.run(step, limit=10_000).single(strict=True)["changed"]):
            pass
        done = cypher.query("migration_mark")
        self._write(lambda tx: tx.run(done, id="touch_days").consume())

    def migrate_search_keys(self) -> None:
        """The one-time backfill of search keys (graph/search.py) for databases written before
        buyergraph kept them: every Company, Person and Rep without one gets it, in batches, then a
        Migration node records that it is done. Runs when the store opens; safe to run again or to
        interrupt (a later open finishes it); a database that has it done costs one lookup. Later
        writes keep the keys current (`upsert`)."""
        if self._read("migration_done", id="search_keys")[0]["done"]:
            return
        for label in _SEARCHED_LABELS.values():
            text = cypher.query("search_keys_missing").replace("{label}", label)

            def step(tx: ManagedTransaction, label: str = label, text: str = text) -> int:
                return _write_search_keys(tx, label, tx.run(text, limit=_SEARCH_KEY_BATCH).data())

            while self._write(step):
                pass
        done = cypher.query("migration_mark")
        self._write(lambda tx: tx.run(done, id="search_keys").consume())

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
            # Who belongs to an account changes with these: the aggregates of their touches follow.
            members = _MEMBERSHIP_KINDS.get(kind)
            groups_text = cypher.query("touch_groups_of_people")
            # Searched nodes get their search key from their values after the merge: written with the
            # row when the row gives every searchable field, else read back after it (a value left
            # empty in this batch keeps the stored one, and stays findable).
            label = _SEARCHED_LABELS.get(kind)
            keys_text = cypher.query("search_keys_read").replace("{label}", label) if label else ""
            unknown = _keyed_rows(rows, model) if label is not None else []

            def work(tx: ManagedTransaction) -> int:
                tx.run(text, rows=rows).consume()
                if label is not None and unknown:
                    _write_search_keys(tx, label, tx.run(keys_text, ids=unknown).data())
                if members is not None:
                    person_ids = sorted({row[members] for row in rows})
                    _recompute_touch_days(tx, _groups_of(tx.run(groups_text, person_ids=person_ids).data()))
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
        groups_text = cypher.query("touch_groups")
        ids = [row["id"] for row in rows]
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
        # The aggregates of the groups the known touches counted in before (a new touch counted in
        # none), and of those all of them count in after.
        known_ids = sorted({row["id"] for row in known})
        groups = _groups_of(tx.run(groups_text, ids=known_ids).data()) if known_ids else set()
        if fresh:
            try:
                tx.run(cypher.query("create_touches"), rows=fresh).consume()
            except neo4j_errors.ClientError as exc:
                if exc.code == _CONSTRAINT_FAILED:
                    raise _TouchIdTaken from None
                raise
        if known:
            tx.run(cypher.query("upsert_touches"), rows=known).consume()
        _recompute_touch_days(tx, groups | _groups_of(tx.run(groups_text, ids=ids).data()))
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
        groups_text = cypher.query("touch_groups_of_people")
        corrections_text = cypher.query("erase_person_corrections")
        redact_text = cypher.query("changes_redact_person")

        def work(tx: ManagedTransaction) -> dict[str, Any] | None:
            tx.run(results_text, id=person_id, at=datetime.now(UTC)).consume()
            tx.run(
                redact_text, id=person_id, quoted=json.dumps(person_id), summary=REDACTED_SUMMARY
            ).consume()
            groups = _groups_of(tx.run(groups_text, person_ids=[person_id]).data())
            account = tx.run(account_text, id=person_id, prefix=DOMAIN_ACCOUNT_PREFIX).single(strict=True)
            record = tx.run(text, id=person_id).single()
            if record is None:
                return None
            _recompute_touch_days(tx, groups)
            tx.run(aliases_text, id=person_id).consume()
            tx.run(corrections_text, id=person_id).consume()
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
        """Remove everything but the marks of the one-time migrations (cypher/wipe_nodes.cypher): an
        emptied database needs none of them, so the next open does not run them again."""
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
        # In id order, so that concurrent writers take the companies' locks in one order.
        results = sorted(results, key=lambda r: r.account_id)
        stamps = [{"account_id": r.account_id, "computed_at": r.computed_at} for r in results]
        statements = result_write_statements(results)

        def work(tx: ManagedTransaction) -> int:
            # Only results computed after their account's last change are written (the rest stay
            # stale): the lock query decides, under the companies' write locks.
            writable = set(tx.run(cypher.query("results_write_lock"), rows=stamps).single(strict=True)["ids"])
            if not writable:
                return 0
            ids = sorted(writable)
            for _, text, rows in statements:
                kept = [row for row in rows if row["account_id"] in writable]
                if kept:
                    tx.run(text, rows=kept).consume()
            return len(tx.run(cypher.query("results_written"), ids=ids).single(strict=True)["ids"])

        return self._write(work)

    def read_results(self, company_ids: Collection[str]) -> dict[str, AccountResult]:
        rows = self._read("results_read", ids=sorted(set(company_ids)))
        return {row["account"]["account_id"]: _result_of(row) for row in rows}

    def read_kept_answer(
        self, *, company_id: str | None = None, deal_id: str | None = None
    ) -> KeptAnswer | None:
        if company_id is None and deal_id is None:
            raise InvalidInputError("read_kept_answer needs a company_id or a deal_id")
        with self._reading() as read:
            rows = read(cypher.query("results_read_answer"), company_id=company_id, deal_id=deal_id)
        if not rows:
            return None
        return KeptAnswer(**_kept_head(rows[0]), detail=KeptDetail.model_validate_json(rows[0]["body"]))

    def read_kept_key_people(self, company_id: str, *, limit: int | None = None) -> KeptKeyPeopleJson | None:
        check_kept_limit(limit)
        with self._reading() as read:  # an API hot read: one round trip, as read_kept_answer
            rows = read(cypher.query("results_read_key_people"), company_id=company_id, limit=limit)
        if not rows:
            return None
        row = rows[0]
        return KeptKeyPeopleJson(
            **_kept_head(row), items=row["items"], notes=row["notes"], format=row["format"]
        )

    def read_kept_deal_gaps(self, deal_id: str) -> KeptDealGapsJson | None:
        with self._reading() as read:  # an API hot read: one round trip, as read_kept_answer
            rows = read(cypher.query("results_read_deal_gaps"), deal_id=deal_id)
        if not rows:
            return None
        return KeptDealGapsJson(**_kept_head(rows[0]), members=rows[0]["members"], format=rows[0]["format"])

    def list_account_results(
        self, query: AccountFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[AccountListing]:
        rows, count = self._account_rows(query, offset, limit)
        return Page[AccountListing](
            data=[
                AccountListing(
                    company=_parse(Company, item["company"]),
                    result=_listed_summary(item) if item["result"] or item["summary_json"] else None,
                )
                for item in rows
            ],
            count=count,
            offset=offset,
            limit=limit,
        )

    def list_account_rows(
        self, query: AccountFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[AccountRow]:
        rows, count = self._account_rows(query, offset, limit)
        data = []
        for item in rows:
            text = item["summary_json"]
            if text is None and item["result"]:  # no JSON text, or one of another shape
                text = summary_json(_listed_summary(item))
            # As stored: written from validated models (the list_account_results rows validate them).
            data.append(
                AccountRow.model_construct(company=item["company"], summary_json=text, stale=item["stale"])
            )
        return Page[AccountRow].model_construct(data=data, count=count, offset=offset, limit=limit)

    def _account_rows(
        self, query: AccountFilter, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        check_page(offset, limit)
        check_account_filter(query)
        params: dict[str, Any] = query.model_dump(mode="json", exclude={"sort", "descending"})
        params["search"] = search_needle(query.search)
        filtered = any(v is not None for v in params.values())
        figure = query.sort if query.sort != "name" else None
        with self._reading() as read:  # one session for the page and its count
            return self._account_page(read, query, params, filtered, figure, offset, limit)

    @staticmethod
    def _account_page(
        read: Callable[..., list[dict[str, Any]]],
        query: AccountFilter,
        params: dict[str, Any],
        filtered: bool,
        figure: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """The rows of one page of the account list and the number that matched."""

        def page(text: str, **more: Any) -> tuple[list[dict[str, Any]], int | None]:
            # One record: the page's rows, and every account.
            record = read(text, **params, **more, summary_format=SUMMARY_FORMAT)[0]
            return [dict(zip(_PAGE_ROW, row, strict=True)) for row in record["rows"]], record["total"]

        rows: list[dict[str, Any]] = []
        total: int | None = None
        ranked = 0  # how many matching accounts have the figure, when that is needed
        if figure is not None:
            # The figure is from the allow-list ACCOUNT_SORTS (check_account_filter), like the direction.
            key = f"{figure}_desc" if query.descending else figure
            text = cypher.query("list_account_results").replace("{key}", key)
            rows, total = page(text, offset=offset, limit=limit)
            if len(rows) < limit:
                # The page reaches past the accounts with the figure: those without it follow, by name.
                ranked = (
                    offset + len(rows)
                    if rows
                    else read(cypher.query("count_account_results"), **params, with_figure=figure)[0]["count"]
                )
        if len(rows) < limit:
            more, more_total = page(
                cypher.query("list_account_results_by_name"),
                missing=figure,
                offset=max(offset - ranked, 0) if figure is not None else offset,
                limit=limit - len(rows),
            )
            rows += more
            total = more_total if total is None else total
        profile = {name: params[name] for name in ("industry", "status", "search", "owner")}
        if total is not None and not filtered:
            count = total  # every account, from the count store, in the page's own query
        elif any(params[name] is not None for name in params if name not in profile):
            count = read(cypher.query("count_account_results"), **params, with_figure=None)[0]["count"]
        elif filtered:
            count = read(cypher.query("count_accounts"), **profile)[0]["count"]
        else:
            count = read(cypher.query("count_label").replace("{label}", "Company"))[0]["n"]
        return rows, count

    def list_deal_results(self, query: DealFilter, *, offset: int = 0, limit: int = 50) -> Page[DealListing]:
        check_page(offset, limit)
        check_deal_filter(query)
        params = {**query.model_dump(mode="json"), "search": search_needle(query.search)}
        with self._reading() as read:
            text = cypher.query("list_deal_results")
            row = read(text, **params, offset=offset, limit=limit)[0]
        data = []
        for item in row["data"]:
            kept = item["result"]
            result = None
            if kept:
                result = _deal_result_of(kept, sorted(item["gaps"], key=lambda g: g["position"]))
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

    def aliases_into(self, kind: str, ids: Collection[str]) -> dict[str, list[Alias]]:
        check_alias_kind(kind)
        found: dict[str, list[Alias]] = {}
        for row in self._read("aliases_into", kind=kind, ids=sorted(set(ids))):
            found.setdefault(row["into"], []).append(Alias(**row))
        return {into: sorted(aliases, key=lambda a: a.id) for into, aliases in found.items()}

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
                    bookmark_manager_=self._bookmarks,
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

    def forget_bookmarks(self) -> None:
        """Start afresh after the database was replaced underneath (a first load through the offline
        importer): the old database's bookmarks would make the new one wait for transactions it never had."""
        self._bookmarks = neo4j.GraphDatabase.bookmark_manager()

    def finish_import(self) -> None:
        """Make a database the offline importer wrote what the online ingest leaves: constraints and
        indexes, and the empty lists the importer cannot write."""
        self.forget_bookmarks()
        self.apply_schema()
        with self._errors(), self._driver.session(database=self._database) as session:
            session.run(cypher.query("touch_days_empty_reps")).consume()

    def holds_data(self) -> bool:
        """Whether the database holds anything a first load would replace (cypher/initial_load_blockers)."""
        return bool(self._read("initial_load_blockers")[0]["found"])

    def fingerprint(self, *, ignore: Collection[str] = VOLATILE_PROPERTIES) -> str:
        """A hash of every node's labels and properties and every relationship's type, properties and
        ends, independent of order: two loads of the same files give the same fingerprint. `ignore`
        names properties ("Label.key") whose values are times or tokens of the load itself."""
        import hashlib

        digest = hashlib.sha256()
        for line in self.fingerprint_lines(ignore=ignore):
            digest.update(line.encode("utf-8"))
            digest.update(b"\n")
        return digest.hexdigest()

    def fingerprint_lines(self, *, ignore: Collection[str] = VOLATILE_PROPERTIES) -> list[str]:
        """What `fingerprint` hashes: one sorted line per node and relationship (to show differences)."""
        skipped = set(ignore)

        def canonical(labels: Iterable[str], props: dict[str, Any]) -> str:
            names = sorted(labels)
            shown = {
                k: ("~" if any(f"{label}.{k}" in skipped for label in names) else f"{type(v).__name__}:{v!r}")
                for k, v in props.items()
            }
            return repr((names, sorted(shown.items())))

        lines: list[str] = []
        with self._errors(), self._driver.session(database=self._database, default_access_mode="READ") as s:
            for record in s.run(cypher.query("fingerprint_nodes")):
                if "IngestLock" in record["labels"]:
                    continue
                lines.append("N" + canonical(record["labels"], record["props"]))
            for record in s.run(cypher.query("fingerprint_relationships")):
                ends = (
                    sorted(record["start_labels"]),
                    record["start"],
                    sorted(record["end_labels"]),
                    record["end"],
                )
                lines.append("R" + repr(ends) + canonical([record["type"]], record["props"]))
        return sorted(lines)

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

    def get_people(self, person_ids: Collection[str]) -> dict[str, Person]:
        rows = self._read("get_people", ids=sorted(set(person_ids)))
        return {row["person"]["id"]: _parse(Person, row["person"]) for row in rows}

    def get_deal(self, deal_id: str) -> Deal:
        return _parse(Deal, self._one("get_deal", "deal", "deal", deal_id))

    def account_graph(self, company_id: str) -> AccountGraph:
        found = self._account_graphs(company_ids=[company_id], deal_id=None)
        if not found:
            raise NotFoundError("account", company_id)
        return found[0]

    def deal_account_graph(self, deal_id: str) -> AccountGraph:
        found = self._account_graphs(company_ids=None, deal_id=deal_id)
        if not found:
            raise NotFoundError("deal", deal_id)
        return found[0]

    def account_graphs(self, company_ids: Sequence[str]) -> dict[str, AccountGraph]:
        ids = list(dict.fromkeys(company_ids))
        if not ids:
            return {}
        return {a.company.id: a for a in self._account_graphs(company_ids=ids, deal_id=None)}

    def _account_graphs(self, *, company_ids: list[str] | None, deal_id: str | None) -> list[AccountGraph]:
        """Accounts named by their ids, or the account of a deal, in the one query `account_graph`
        (one record per account, with its sellers' active corrections; the same query for one
        account and for a batch), the corrections laid over the stored facts by the one rule.

        It runs as an auto-commit READ transaction: one network round trip, where a managed
        transaction adds a second one for its COMMIT. Unlike a managed transaction it is not
        retried: a failure is reported at once, and the API answers it with 503 and Retry-After.
        """
        with (
            self._errors(),
            self._driver.session(database=self._database, default_access_mode="READ") as session,
        ):
            records = list(
                session.run(cypher.query("account_graph"), company_ids=company_ids, deal_id=deal_id)
            )
        accounts = []
        for record in records:
            rows = dict(record)
            account = self._account_of(rows)
            if rows["corrections"]:
                account = apply_corrections(account, [_correction_of(row) for row in rows["corrections"]])
            accounts.append(account)
        return accounts

    @staticmethod
    def _account_of(rows: dict[str, Any]) -> AccountGraph:
        lists = _account_lists(rows)
        reps = _LISTS["reps"][0].validate_python(rows["reps"], context=FROM_STORE)
        lists["reps"] = sorted(reps, key=attrgetter("id"))
        return AccountGraph(
            company=_parse(Company, rows["company"]),
            parent=_parse(Company, rows["parent"]) if rows["parent"] else None,
            touch_days=_touch_days(rows),
            deal_touches=_deal_touches(rows),
            **lists,
        )

    def person_touches(self, person_id: str) -> list[Touch]:
        rows = self._read("person_touches", person_id=person_id)
        if not rows:
            raise NotFoundError("person", person_id)
        touches = _TOUCHES.validate_python(rows[0]["touches"], context=FROM_STORE)
        return sorted(sorted(touches, key=attrgetter("id")), key=attrgetter("at"), reverse=True)

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
            search=search_needle(search),
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
            search=search_needle(search),
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
        row = self._read("search_accounts", search=search_needle(search), offset=offset, limit=limit)[0]
        return Page[Company](
            data=[_parse(Company, c) for c in row["data"]], count=row["count"], offset=offset, limit=limit
        )

    def search_people(
        self, search: str | None = None, *, company_id: str | None = None, offset: int = 0, limit: int = 50
    ) -> Page[Person]:
        check_page(offset, limit)
        row = self._read(
            "search_people",
            search=search_needle(search),
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

    # --- who is who across the book -------------------------------------------------------

    def list_people_filtered(
        self, query: PeopleFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[PersonListing]:
        check_page(offset, limit)
        check_people_filter(query)
        row = self._read(
            "list_people_filtered",
            roles=[r.value for r in query.roles] or None,
            seniorities=[s.value for s in query.seniorities] or None,
            functions=[f.value for f in query.functions] or None,
            engagement=list(query.engagement) or None,
            max_rank=query.max_rank,
            account_id=query.account_id,
            search=search_needle(query.search),
            until=datetime.combine(query.as_of + timedelta(days=1), day_time.min),
            engaged_from=datetime.combine(query.engaged_from, day_time.min),
            sort=query.sort,
            descending=query.descending,
            offset=offset,
            limit=limit,
        )[0]
        data = []
        for item in row["data"]:
            last = date.fromisoformat(item["last_touch"]) if item["last_touch"] else None
            data.append(
                PersonListing(
                    person=_parse(Person, item["person"]),
                    roles=item["roles"],
                    last_touch=last,
                    engagement=engagement_state(last, query.as_of, engaged_days=query.engaged_days),
                    rank=item["rank"],
                    influence=item["influence"],
                )
            )
        return Page[PersonListing](data=data, count=row["count"], offset=offset, limit=limit)

    def list_reps(
        self,
        *,
        search: str | None = None,
        team: str | None = None,
        kind: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page[RepListing]:
        check_page(offset, limit)
        row = self._read(
            "list_reps",
            search=search_needle(search),
            team=team,
            kind=kind,
            offset=offset,
            limit=limit,
        )[0]
        return Page[RepListing](
            data=[RepListing(rep=_parse(Rep, r["rep"]), accounts=r["accounts"]) for r in row["data"]],
            count=row["count"],
            offset=offset,
            limit=limit,
        )

    def get_rep(self, rep_id: str) -> Rep:
        return _parse(Rep, self._one("get_rep", "rep", "rep", rep_id))

    def rep_accounts(self, rep_id: str, *, offset: int = 0, limit: int = 50) -> Page[RepAccount]:
        check_page(offset, limit)
        self.get_rep(rep_id)  # NotFoundError for an unknown rep
        row = self._read("rep_accounts", rep_id=rep_id, offset=offset, limit=limit)[0]
        return Page[RepAccount](
            data=[
                RepAccount(
                    account=_parse(Company, a["account"]),
                    owned_deals=a["owned"],
                    touches=a["touches"],
                    last_touch=a["last"],
                )
                for a in row["data"]
            ],
            count=row["count"],
            offset=offset,
            limit=limit,
        )

    # --- corrections: sellers' own assertions (issue 22) -------------------------------------

    def add_correction(self, correction: Correction, *, touch: Touch | None = None) -> Correction:
        if touch is not None:
            self.upsert("touches", [touch])  # its own transaction; the aggregates follow it
        props = {k: _to_param(v) for k, v in correction.model_dump().items() if v is not None and k != "id"}
        add = cypher.query("correction_add")
        mark = cypher.query("mark_accounts_changed")
        bump = cypher.query("bump_store_version")
        changed = {
            "company_ids": [correction.company_id],
            "person_ids": [],
            "deal_ids": [],
            "at": datetime.now(UTC),  # now, whatever time the correction states: kept results go stale
        }

        def work(tx: ManagedTransaction) -> dict[str, Any]:
            row: dict[str, Any] = tx.run(add, id=correction.id, props=props).single(strict=True)["correction"]
            tx.run(mark, changed).consume()
            tx.run(bump).consume()
            return row

        try:
            return _correction_of(self._write(work))
        except BaseException:
            if touch is not None:
                # Nothing half-written: the touch the correction logs goes when the correction is refused.
                self._write(lambda tx: _delete_user_touch(tx, touch.id))
            raise

    def list_corrections(
        self,
        *,
        company_id: str | None = None,
        person_id: str | None = None,
        deal_id: str | None = None,
        kind: CorrectionKind | None = None,
        include_withdrawn: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> Page[Correction]:
        check_page(offset, limit)
        row = self._read(
            "corrections_list",
            company_id=company_id,
            person_id=person_id,
            deal_id=deal_id,
            kind=kind.value if kind is not None else None,
            include_withdrawn=include_withdrawn,
            offset=offset,
            limit=limit,
        )[0]
        return Page[Correction](
            data=[_correction_of(c) for c in row["data"]], count=row["count"], offset=offset, limit=limit
        )

    def get_correction(self, correction_id: str) -> Correction:
        return _correction_of(self._one("correction_get", "correction", "correction", correction_id))

    def undo_correction(self, correction_id: str, *, by: str, at: datetime | None = None) -> Correction:
        when = at or datetime.now(UTC)
        withdraw = cypher.query("correction_withdraw")
        mark = cypher.query("mark_accounts_changed")
        bump = cypher.query("bump_store_version")

        def work(tx: ManagedTransaction) -> dict[str, Any] | None:
            before = tx.run(cypher.query("correction_get"), id=correction_id).single()
            if before is None:
                return None
            if before["correction"].get("withdrawn_at") is not None:
                return dict(before["correction"])
            row: dict[str, Any] = tx.run(withdraw, id=correction_id, at=when, by=by).single(strict=True)[
                "correction"
            ]
            touch_id = row.get("touch_id")
            if touch_id:
                _delete_user_touch(tx, touch_id)
            changed = {"company_ids": [row["company_id"]], "person_ids": [], "deal_ids": [], "at": when}
            tx.run(mark, changed).consume()
            tx.run(bump).consume()
            return row

        found = self._write(work)
        if found is None:
            raise NotFoundError("correction", correction_id)
        return _correction_of(found)

    def active_corrections(self, company_ids: Collection[str]) -> dict[str, list[Correction]]:
        found: dict[str, list[Correction]] = {}
        ids = sorted(set(company_ids))
        if not ids:
            return found
        for row in self._read("corrections_of_accounts", company_ids=ids):
            fix = _correction_of(row["correction"])
            found.setdefault(fix.company_id, []).append(fix)
        return found

    # --- kept models (issue 21: `buyergraph learn`) -----------------------------------------------

    def write_model(self, model: KeptModel) -> None:
        params = {
            "id": model.id,
            "kind": model.kind,
            "fitted_at": model.fitted_at,
            "as_of": model.as_of,
            "used": model.used,
            "document": json.dumps(model.document, ensure_ascii=False, separators=(",", ":")),
        }
        bump = cypher.query("bump_store_version")

        def keep(tx: ManagedTransaction) -> None:
            tx.run(cypher.query("model_write"), params).consume()
            tx.run(bump).consume()  # a new model changes what the analyses say (win likelihood, lead scores)

        self._write(keep)

    def read_model(self, kind: str, model_id: str | None = None) -> KeptModel | None:
        rows = self._read("model_read", kind=kind, id=model_id)
        if not rows:
            return None
        row = rows[0]
        return KeptModel.model_validate({**row, "document": json.loads(row["document"] or "{}")})

    def list_models(self, kind: str | None = None) -> list[KeptModel]:
        return [KeptModel.model_validate(row) for row in self._read("model_list", kind=kind)]

    # --- the change log (issue 22) ----------------------------------------------------------
    #
    # Ordinary (:Change) nodes with the change's fields as properties (`data` as JSON text, `cursor`
    # unique), numbered by one (:ChangeLog) node (cypher/changes_append.cypher).

    def append_changes(self, changes: Sequence[Change]) -> list[LoggedChange]:
        if not changes:
            return []
        rows = [
            {
                **c.model_dump(mode="json", exclude={"data", "detected_at", "as_of"}),
                "as_of": c.as_of,
                "detected_at": c.detected_at,
                "data": json.dumps(c.model_dump(mode="json")["data"], ensure_ascii=False),
            }
            for c in changes
        ]
        text = cypher.query("changes_append")

        def work(tx: ManagedTransaction) -> list[int]:
            return [record["cursor"] for record in tx.run(text, rows=rows)]

        cursors = self._write(work)
        return [
            LoggedChange(**change.model_dump(), cursor=cursor)
            for change, cursor in zip(changes, cursors, strict=True)
        ]

    def list_changes(
        self,
        *,
        after: int = 0,
        since: datetime | None = None,
        kind: str | None = None,
        account_id: str | None = None,
        limit: int = 100,
    ) -> list[LoggedChange]:
        check_change_query(kind, after, limit)
        rows = self._read(
            "changes_list", after=after, since=since, kind=kind, account_id=account_id, limit=limit
        )
        return [
            LoggedChange.model_validate(
                {**row["change"], "data": json.loads(row["change"].get("data") or "{}")}
            )
            for row in rows
        ]

    def last_change_cursor(self) -> int:
        return int(self._read("changes_last")[0]["last"])

    def read_change_bases(self, company_ids: Collection[str]) -> dict[str, ChangeBasis]:
        """As `read_results` reads them, but only the part `result_changes` compares: the roster and
        committees come from the detail's `basis_json` (the roster and committees only, not the rest
        of the detail; results kept before it: from the whole detail), and the key people and rendered
        answers are not read."""
        bases: dict[str, ChangeBasis] = {}
        for row in self._read("results_read_change_bases", ids=sorted(set(company_ids))):
            if row["basis"] is not None:
                kept = json.loads(row["basis"])
                roster, committees = kept.get("roster"), kept.get("committees") or {}
            else:
                body = json.loads(row["body"]) if row["body"] else {}
                roster, committees = body.get("roster") or None, committees_of_detail(body.get("deals", []))
            bases[row["account_id"]] = ChangeBasis(
                account_id=row["account_id"],
                engagement_score=row["engagement_score"],
                engagement_trend=row["engagement_trend"],
                deals=_deal_results(row),
                roster=[RosterEntry.model_validate(r) for r in roster] if roster else None,
                committees=committees,
            )
        return bases


class _SchemaRefused(Exception):
    """A statement of cypher/schema.cypher Neo4j refused: its number (from 1) and Neo4j's code."""

    def __init__(self, number: int, code: str | None) -> None:
        super().__init__(number)
        self.number = number
        self.code = code or "no code"


def _declared(statement: str) -> tuple[str, str] | None:
    """A schema statement's kind and name (`CREATE CONSTRAINT touch_id ...`: constraint, touch_id)."""
    words = statement.split()
    return (words[1].lower(), words[2]) if len(words) > 2 else None


def _schema_name(statement: str) -> str:
    """A schema statement's kind and name, as in "constraint touch_id"."""
    declared = _declared(statement)
    return " ".join(declared) if declared else statement[:40]


def _refused_statement(statements: Sequence[str], message: str) -> int | None:
    """The number of the statement whose constraint or index a server message names (`name='x'`)."""
    for number, statement in enumerate(statements, 1):
        declared = _declared(statement)
        if declared and f"name='{declared[1]}'" in message:
            return number
    return None
