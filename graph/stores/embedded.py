"""The embedded store: the zero-setup default, in process, kept in one local file.

The whole graph lives in memory as plain JSON-ready dicts and is written to `graph.json` by
writing a temporary file, fsync-ing it and renaming it over the old one. A crash in the middle
of a write therefore leaves the previous file whole; the temporary file is readable by its owner
only (it holds the same personal data), and one a killed writer left behind is removed as soon as
a store opens the folder or writes. Writers take an exclusive file lock and reload first if another
process wrote since, so a CLI ingest and a running server do not overwrite each other; readers
reload when the file changed. A whole ingest holds a second lock, the ingest lock, so that ingests
run one after the other (see `ingest_lock`).

It mirrors `Neo4jStore` exactly, including its edge cases: a relationship whose endpoint does not
exist (yet) is not created, a None never erases a stored value, and an inferred seniority never
overwrites an asserted one. The contract suite holds both to that.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO, Final, TypeVar

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
    AccountFilter,
    AccountListing,
    AccountResult,
    AccountSummary,
    DealFilter,
    DealListing,
    DealResult,
    KeptAnswer,
    KeptDealGapsJson,
    KeptKeyPeopleJson,
    PersonResult,
    key_people_json,
    sort_key,
    summary_of,
)
from graph.analyses.rules import EngagementState, aggregate_touches, engagement_state
from graph.errors import IngestBusyError, InvalidInputError, NotFoundError, StoreUnavailableError
from graph.model import (
    DOMAIN_ACCOUNT_PREFIX,
    FROM_STORE,
    NODE_LABELS,
    RELATIONSHIP_TYPES,
    AccountGraph,
    Alias,
    BuyingRole,
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
    Source,
    Touch,
    TouchDays,
    deal_touches_of,
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

FORMAT_VERSION = 1
FILE_NAME = "graph.json"
#: The kept analysis results (see `write_results`), apart from the graph so that a refresh never
#: rewrites the graph file (nor moves `data_version`).
RESULTS_FILE_NAME = "results.json"
#: The format of results.json when some result has rendered answers without their key people
#: (`_NOT_IN_FILE`: this version keeps them once, in the detail), and the formats this version reads
#: (1: every result's answers hold their key people, or there are no answers; read as they are). A
#: rewrite writes format 1 while every result is a format-1 one (`_results_format`), so that an older
#: version still reads a file no result of this version's refresh is in; an older version refuses
#: format 2 with a clear error rather than reading results it cannot validate.
RESULTS_FORMAT = 2
RESULTS_FORMATS_READ = (1, 2)
#: The kept models (`buyergraph learn`), in their own file next to the results.
MODELS_FILE_NAME = "models.json"
#: The change log (issue 22), one logged change per line.
CHANGES_FILE_NAME = "changes.jsonl"
#: The temporaries `_persist` writes before renaming one over FILE_NAME.
_TEMP_GLOB = ".graph-*.tmp"
#: How often a waiting ingest tries the ingest lock again, and how often it says it still waits.
_LOCK_POLL_S = 0.2
_WAIT_NOTICE_S = 5.0

Row = dict[str, Any]
M = TypeVar("M", bound=Record)
Key = tuple[str, ...]

#: Relationship tables keyed by the fields that identify one relationship (as Neo4j MERGEs them).
_REL_KEYS: dict[str, tuple[str, ...]] = {
    "deal_products": ("deal_id", "product_id"),
    "holdings": ("company_id", "product_id"),
    "committee": ("deal_id", "person_id", "role", "source"),
    "knows": ("person_id", "other_id"),
    "reporting": ("person_id", "manager_id"),
    "employment": ("person_id", "company_id"),
}
#: Which node table each endpoint field of a relationship must exist in.
_REL_ENDPOINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "deal_products": (("deal_id", "deals"), ("product_id", "products")),
    "holdings": (("company_id", "companies"), ("product_id", "products")),
    "committee": (("deal_id", "deals"), ("person_id", "people")),
    "knows": (("person_id", "people"), ("other_id", "people")),
    "reporting": (("person_id", "people"), ("manager_id", "people")),
    "employment": (("person_id", "people"), ("company_id", "companies")),
}
_NODE_TABLES = ("companies", "people", "reps", "products", "deals", "touches")
#: Merged ids kept as aliases of their survivors, keyed (kind, id); not a node or relationship.
_ALIASES = "aliases"
#: Sellers' corrections (graph.model.Correction) by id: apart from the ingested facts, never touched
#: by an ingest.
_CORRECTIONS = "corrections"
_SENIORITY_FIELDS = ("seniority", "function", "seniority_source", "seniority_confidence", "seniority_rule")


def _merge(old: Row | None, new: Row) -> Row:
    """Upsert semantics: given values replace, missing (None) values keep what was stored."""
    if old is None:
        return dict(new)
    merged = dict(old)
    merged.update({k: v for k, v in new.items() if v is not None})
    return merged


def _keep_asserted_seniority(old: Row | None, new: Row) -> Row:
    """An inferred seniority or function must not overwrite one a source asserted."""
    inferred = Source.INFERRED.value
    if (
        old is not None
        and new.get("seniority_source") == inferred
        and old.get("seniority_source") not in (None, inferred)
    ):
        new = {k: v for k, v in new.items() if k not in _SENIORITY_FIELDS}
    return new


def _with_search_key(row: Row) -> Row:
    """A company, person, rep or deal row with the search key (graph/search.py) of its values."""
    row["search_key"] = search_key(*(row.get(field) for field in SEARCHED_FIELDS))
    return row


def _key(row: Row) -> str:
    """A row's search key; a row of a file written before buyergraph kept keys gets it now (the
    one-time backfill: kept in memory, and in the file from its next write on)."""
    key: str | None = row.get("search_key")
    if key is None:
        key = _with_search_key(row)["search_key"]
    return key


def _figure(summary: AccountSummary | None, name: str | None) -> float | None:
    if summary is None or name is None:
        return None
    value: float | None = getattr(summary, name)
    return value


#: What results.json leaves out of a kept result: its staleness (derived on read), and its rendered
#: key people, which are its detail's key people rendered (`key_people_json`): the file keeps them
#: once, in the detail, and a read renders them again (`_result_of_raw`).
_NOT_IN_FILE: Final[dict[str, Any]] = {"stale": True, "answers": {"key_people": True}}


def _results_format(results: Mapping[str, Any]) -> int:
    """The format of a results file holding these results as kept in it: RESULTS_FORMAT when some
    result's rendered answers are without their key people (`_NOT_IN_FILE`), else 1."""
    for raw in results.values():
        answers = raw.get("answers") if isinstance(raw, dict) else None
        if isinstance(answers, dict) and "key_people" not in answers:
            return RESULTS_FORMAT
    return 1


def _result_of_raw(raw: Mapping[str, Any]) -> AccountResult:
    """A kept result of results.json as a model, its rendered key people rendered again from its
    detail (files written before they were left out hold them, and are read as they are)."""
    answers = raw.get("answers")
    if answers is None or "key_people" in answers:
        return AccountResult.model_validate(raw)
    result = AccountResult.model_validate({**raw, "answers": {**answers, "key_people": []}})
    if result.answers is None or result.detail is None:
        return result
    rendered = key_people_json(result.detail.key_people)
    return result.model_copy(update={"answers": result.answers.model_copy(update={"key_people": rendered})})


class _KeptResults(Mapping[str, AccountResult]):
    """The kept results of results.json as models, each validated when first asked for: a process
    that only replaces results (a refresh) never validates the ones it replaces (that was most of an
    embedded refresh in a freshly started process; bench/RESULTS.md, fourth pass)."""

    def __init__(self, raw: Mapping[str, Any], models: Mapping[str, AccountResult] | None = None) -> None:
        self._raw = raw
        self._models: dict[str, AccountResult] = dict(models or {})

    def __getitem__(self, company_id: str) -> AccountResult:
        model = self._models.get(company_id)
        if model is None:
            model = self._models[company_id] = _result_of_raw(self._raw[company_id])
        return model

    def __contains__(self, company_id: object) -> bool:
        return company_id in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def validated(self, company_id: str) -> AccountResult | None:
        """The model of this result when it was validated (or given) already, else None."""
        return self._models.get(company_id)


class _AccountListingIndex:
    """Every account with its kept figures, and the orders account lists sort them in (built on first
    use per sort): a snapshot of one version of the graph and results files, never changed after."""

    def __init__(
        self,
        *,
        version: Hashable,
        rows: list[tuple[Row, AccountSummary | None]],
        owners: dict[str, set[str]],
    ) -> None:
        self.version = version
        self.rows = rows
        self.owners = owners
        self._orders: dict[tuple[str | None, bool], list[int]] = {}
        self._facts: list[_Facts] | None = None
        self._lock = threading.Lock()

    def facts(self) -> list[_Facts]:
        """What the filters look at, one plain tuple per row (built on first use): a filtered list
        reads these rather than models, in a loop short enough to run over every account."""
        with self._lock:
            if self._facts is None:
                self._facts = [_facts_of(row, summary) for row, summary in self.rows]
            return self._facts

    def order(self, figure: str | None, descending: bool) -> list[int]:
        """Positions in `rows` sorted by `figure` (accounts without it last), then name and id."""
        key = (figure, descending if figure else False)
        with self._lock:
            found = self._orders.get(key)
            if found is None:
                rows = self.rows
                found = sorted(
                    range(len(rows)),
                    key=lambda i: (
                        *sort_key(_figure(rows[i][1], figure), descending),
                        rows[i][0]["name"],
                        rows[i][0]["id"],
                    ),
                )
                self._orders[key] = found
            return found


#: (industry, status, search key (graph/search.py), id, has a kept result, gap kinds present, trend, at_risk,
#: buying stage, coverage, completeness, gaps_total, gaps_high) of one account.
_Facts = tuple[Any, ...]
#: One filter: (position in the facts, test of that fact against the value, the value).
_Check = tuple[int, Callable[[Any, Any], bool], Any]


def _facts_of(row: Row, summary: AccountSummary | None) -> _Facts:
    base = (row.get("industry"), row.get("status"), _key(row), row["id"])
    if summary is None:
        return (*base, False, frozenset(), None, None, None, None, None, None, None)
    return (
        *base,
        True,
        frozenset(kind for kind, n in summary.gaps_by_kind.items() if n),
        summary.engagement_trend,
        summary.at_risk,
        summary.buying_stage,
        summary.coverage,
        summary.completeness,
        summary.gaps_total,
        summary.gaps_high,
    )


def _equals(fact: Any, value: Any) -> bool:
    return bool(fact == value)


def _contains(fact: Any, value: Any) -> bool:
    return bool(value in fact)


def _member_of(fact: Any, value: Any) -> bool:
    return bool(fact in value)


def _at_least(fact: Any, value: Any) -> bool:
    return fact is not None and bool(fact >= value)


def _at_most(fact: Any, value: Any) -> bool:
    return fact is not None and bool(fact <= value)


def _checks(query: AccountFilter, search: str | None, owned: set[str] | None) -> list[_Check]:
    """The filters a list asks for, as tests of an account's facts (`_facts_of`); the same rules as
    `_summary_matches` (filters on figures leave out accounts without a kept result)."""
    checks: list[_Check] = []
    if query.industry is not None:
        checks.append((0, _equals, query.industry))
    if query.status is not None:
        checks.append((1, _equals, query.status))
    if search is not None:
        checks.append((2, _contains, search))
    if owned is not None:
        checks.append((3, _member_of, owned))
    if not _summary_matches(None, query):
        checks.append((4, _equals, True))
    if query.gap_kind is not None:
        checks.append((5, _contains, query.gap_kind.value))
    for position, value in ((6, query.trend), (7, query.at_risk), (8, query.buying_stage)):
        if value is not None:
            checks.append((position, _equals, value))
    for position, low, high in (
        (9, query.min_coverage, query.max_coverage),
        (10, query.min_completeness, query.max_completeness),
        (11, query.min_gaps, None),
        (12, query.min_gaps_high, None),
    ):
        if low is not None:
            checks.append((position, _at_least, low))
        if high is not None:
            checks.append((position, _at_most, high))
    return checks


def _summary_matches(summary: AccountSummary | None, query: AccountFilter) -> bool:
    """Whether an account's kept figures pass the filters on them (none kept: only when none is asked)."""
    asks = (
        query.gap_kind,
        query.trend,
        query.at_risk,
        query.buying_stage,
        query.min_coverage,
        query.max_coverage,
        query.min_completeness,
        query.max_completeness,
        query.min_gaps,
        query.min_gaps_high,
    )
    if summary is None:
        return all(value is None for value in asks)
    checks = (
        query.gap_kind is None or summary.gaps_by_kind.get(query.gap_kind.value, 0) > 0,
        query.trend is None or summary.engagement_trend == query.trend,
        query.at_risk is None or summary.at_risk == query.at_risk,
        query.buying_stage is None or summary.buying_stage == query.buying_stage,
        query.min_coverage is None
        or (summary.coverage is not None and summary.coverage >= query.min_coverage),
        query.max_coverage is None
        or (summary.coverage is not None and summary.coverage <= query.max_coverage),
        query.min_completeness is None
        or (summary.completeness is not None and summary.completeness >= query.min_completeness),
        query.max_completeness is None
        or (summary.completeness is not None and summary.completeness <= query.max_completeness),
        query.min_gaps is None or summary.gaps_total >= query.min_gaps,
        query.min_gaps_high is None or summary.gaps_high >= query.min_gaps_high,
    )
    return all(checks)


class EmbeddedStore(GraphStore):
    backend = "embedded"

    def __init__(self, home: str | os.PathLike[str]) -> None:
        self.home = Path(home)
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailableError(
                f"cannot create the embedded store folder {self.home}: {exc}"
            ) from exc
        self.path = self.home / FILE_NAME
        self._lock_path = self.home / ".lock"
        self._ingest_lock_path = self.home / ".ingest.lock"
        self._mutex = threading.RLock()
        self._bulk_depth = 0
        self._holding_file_lock = False
        self._dirty = False
        self._loaded_stamp: tuple[int, int, int] | None = None
        self._results_path = self.home / RESULTS_FILE_NAME
        self._results_stamp: tuple[int, int, int] | None = None
        self._results: _KeptResults = _KeptResults({})
        #: The results as the file holds them (JSON-shaped), and each one's JSON text once encoded:
        #: a rewrite encodes only the results that changed, and never reads back its own file.
        self._results_raw: dict[str, Any] = {}
        self._results_text: dict[str, str] = {}
        self._summaries: dict[str, AccountSummary] | None = None
        self._changed_at: dict[str, datetime] = {}
        self._listing_index: _AccountListingIndex | None = None
        self._reset_memory()
        self._sweep_stale_temporaries()
        self._reload_if_changed()

    # --- persistence -----------------------------------------------------------------------

    def _reset_memory(self) -> None:
        self._tables: dict[str, dict[Any, Row]] = {name: {} for name in (*_NODE_TABLES, *_REL_KEYS)}
        self._tables[_ALIASES] = {}
        self._tables[_CORRECTIONS] = {}
        self._build_indexes()

    def _stamp(self) -> tuple[int, int, int] | None:
        """Inode, modification time and size: every write replaces the file (a new inode), so two
        writes within one clock tick that keep the size still count as a change."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def data_version(self) -> Hashable:
        """The store file's identity (see `_stamp`): every write replaces the file; and the kept
        models file's, since a new model changes what the analyses say (win likelihood, lead scores)."""
        try:
            models = self.home / MODELS_FILE_NAME
            st = models.stat()
            kept: tuple[int, int, int] | None = (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            kept = None
        return (self._stamp(), kept)

    def _reload_if_changed(self) -> None:
        stamp = self._stamp()
        if stamp == self._loaded_stamp:
            return
        if stamp is None:
            self._reset_memory()
        else:
            self._load()
        self._loaded_stamp = stamp

    def _load(self) -> None:
        try:
            with self.path.open("r", encoding="utf-8") as fh:
                doc = json.load(fh)
        except (OSError, ValueError) as exc:
            raise StoreUnavailableError(f"the embedded store file {self.path} cannot be read: {exc}") from exc
        if doc.get("format") != FORMAT_VERSION:
            raise StoreUnavailableError(
                f"the embedded store file {self.path} has format {doc.get('format')!r}; "
                f"this buyergraph reads format {FORMAT_VERSION}"
            )
        tables: dict[str, dict[Any, Row]] = {}
        for name in _NODE_TABLES:
            tables[name] = {row["id"]: row for row in doc["tables"].get(name, [])}
        for name, key_fields in _REL_KEYS.items():
            tables[name] = {tuple(row[f] for f in key_fields): row for row in doc["tables"].get(name, [])}
        tables[_ALIASES] = {(row["kind"], row["id"]): row for row in doc["tables"].get(_ALIASES, [])}
        tables[_CORRECTIONS] = {row["id"]: row for row in doc["tables"].get(_CORRECTIONS, [])}
        self._tables = tables
        self._build_indexes()

    def _persist(self) -> None:
        """Write the whole graph to a temporary file and atomically rename it into place."""
        doc = {
            "format": FORMAT_VERSION,
            "tables": {name: list(table.values()) for name, table in self._tables.items()},
        }
        fd, tmp = tempfile.mkstemp(prefix=".graph-", suffix=".tmp", dir=self.home)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                # dumps, not dump: only the one-shot form uses the C encoder (~10x faster on big graphs).
                fh.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            dir_fd = os.open(self.home, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._loaded_stamp = self._stamp()
        self._dirty = False

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the process-wide file lock while changing the graph, then persist."""
        with self._mutex:
            if self._bulk_depth:
                yield
                self._dirty = True
                return
            with self._file_lock():
                self._reload_if_changed()
                yield
                self._persist()

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Exclusive across processes; the holder also sweeps temporaries a killed writer left."""
        with self._lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._holding_file_lock = True
            try:
                self._remove_temporaries()
                yield
            finally:
                self._holding_file_lock = False
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _remove_temporaries(self) -> None:
        """Only while holding the writer lock: then no temporary belongs to a live writer."""
        for stale in self.home.glob(_TEMP_GLOB):
            stale.unlink(missing_ok=True)

    def _sweep_stale_temporaries(self) -> None:
        """On opening: remove the temporaries (full copies of the graph, personal data included) a
        killed writer left, unless a writer is at work right now (it sweeps them itself)."""
        if not any(self.home.glob(_TEMP_GLOB)):
            return
        with self._lock_path.open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            try:
                self._remove_temporaries()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextmanager
    def ingest_lock(
        self, *, wait_s: float = DEFAULT_INGEST_WAIT_S, on_wait: OnLockWait | None = None
    ) -> Iterator[None]:
        """An exclusive OS file lock (`.ingest.lock`) for a whole ingest, apart from the writer lock,
        which every write takes briefly: a running server can still write while an ingest resolves.

        The operating system drops the lock when its holder dies, however it dies. The holder writes
        who it is into the file, for the message of an ingest that waits.
        """
        fd = os.open(self._ingest_lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + wait_s
            next_notice = 0.0
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    now = time.monotonic()
                    holder = self._ingest_lock_holder()
                    if now >= deadline:
                        who = holder.describe() if holder else "holder unknown"
                        raise IngestBusyError(
                            f"another ingest ({who}) still holds the embedded store after {wait_s:g} s "
                            "of waiting; run this ingest again when it has finished"
                        ) from None
                    if on_wait is not None and now >= next_notice:
                        on_wait(holder)
                        next_notice = now + _WAIT_NOTICE_S
                    time.sleep(min(_LOCK_POLL_S, deadline - now))
            me = IngestLockHolder.this_process()
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(asdict(me)).encode("utf-8"), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _ingest_lock_holder(self) -> IngestLockHolder | None:
        try:
            data = json.loads(self._ingest_lock_path.read_text(encoding="utf-8"))
            return IngestLockHolder(str(data["started_at"]), data.get("pid"), data.get("host"))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # being written, or empty between two holders

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Apply many batches in memory and write the file once at the end.

        If the process dies inside the block, the file keeps the state from before the block;
        since upserts are idempotent, running the same ingest again reaches the same end state.
        """
        with self._mutex:
            if self._bulk_depth:
                self._bulk_depth += 1
                try:
                    yield
                finally:
                    self._bulk_depth -= 1
                return
            with self._file_lock():
                self._reload_if_changed()
                self._bulk_depth = 1
                try:
                    yield
                except BaseException:
                    # Drop the half-applied block: reread the last whole state.
                    self._bulk_depth = 0
                    self._loaded_stamp = None
                    self._reload_if_changed()
                    raise
                self._bulk_depth = 0
                if self._dirty:
                    self._persist()

    def _read(self) -> None:
        if not self._bulk_depth:
            self._reload_if_changed()

    # --- indexes (derived, never persisted) ------------------------------------------------

    def _build_indexes(self) -> None:
        self._models: dict[tuple[str, Any], Record] = {}
        #: The active corrections by account (see `_active_corrections`), dropped at every change.
        self._fix_index: tuple[dict[Any, Row], int, dict[str, list[Correction]]] | None = None
        #: Each account's daily touch aggregates (graph/analyses/rules.py), recomputed from its
        #: touches after any write that may change them.
        self._touch_days: dict[str, TouchDays] = {}
        #: Each account's touches about its deals (graph.model.deal_touches_of), kept with its aggregates.
        self._deal_touches: dict[str, DealTouches] = {}
        #: Indexes of the people and rep lists (each person's touch days; each rep's touches), built at
        #: first need and dropped at every write.
        self._directory: dict[str, Any] = {}
        self._rels_by_first: dict[str, dict[str, set[Key]]] = {kind: defaultdict(set) for kind in _REL_KEYS}
        for kind, index in self._rels_by_first.items():
            for key in self._tables[kind]:
                index[key[0]].add(key)
        self._people_by_company: dict[str, set[str]] = defaultdict(set)
        self._touches_by_person: dict[str, set[str]] = defaultdict(set)
        self._deals_by_company: dict[str, set[str]] = defaultdict(set)
        self._children: dict[str, set[str]] = defaultdict(set)
        for cid, row in self._tables["companies"].items():
            if row.get("parent_id"):
                self._children[row["parent_id"]].add(cid)
        for pid, cid in self._tables["employment"]:
            self._people_by_company[cid].add(pid)
        for tid, row in self._tables["touches"].items():
            for pid in row["person_ids"]:
                self._touches_by_person[pid].add(tid)
        for did, row in self._tables["deals"].items():
            self._deals_by_company[row["company_id"]].add(did)

    # --- writes ----------------------------------------------------------------------------

    def _forget_derived(self) -> None:
        """Drop what is derived from the tables (models, touch aggregates, deal touches, directory):
        every write that changes the tables calls this, so no derived copy outlives them."""
        self._models.clear()
        self._touch_days.clear()
        self._deal_touches.clear()
        self._directory.clear()

    def upsert(self, kind: str, records: Sequence[Record]) -> int:
        model = check_kind(kind)
        for record in records:
            if not isinstance(record, model):
                raise InvalidInputError(f"a {kind} batch holds a {type(record).__name__} record")
        rows = [record.model_dump(mode="json") for record in records]
        with self._writing():
            self._forget_derived()
            apply = getattr(self, f"_apply_{kind}", None)
            if apply is not None:
                apply(rows)
            else:
                self._apply_relationship(kind, rows)
        return len(rows)

    def _apply_companies(self, rows: list[Row]) -> None:
        table = self._tables["companies"]
        for row in rows:
            old = table.get(row["id"])
            if old and old.get("parent_id") and row.get("parent_id"):
                self._children[old["parent_id"]].discard(row["id"])
            table[row["id"]] = merged = _with_search_key(_merge(old, row))
            if merged.get("parent_id"):
                self._children[merged["parent_id"]].add(row["id"])

    def _apply_people(self, rows: list[Row]) -> None:
        table = self._tables["people"]
        for row in rows:
            old = table.get(row["id"])
            table[row["id"]] = merged = _with_search_key(_merge(old, _keep_asserted_seniority(old, row)))
            company_id = row.get("company_id")
            if company_id and company_id in self._tables["companies"]:
                self._put_relationship(
                    "employment",
                    (row["id"], company_id),
                    {"person_id": row["id"], "company_id": company_id, "title": row.get("title")},
                )
                self._people_by_company[company_id].add(row["id"])
            manager_id = merged.get("reports_to_id") if row.get("reports_to_id") else None
            if manager_id and manager_id in table:
                self._put_relationship(
                    "reporting",
                    (row["id"], manager_id),
                    {"person_id": row["id"], "manager_id": manager_id, "kind": "solid"},
                )

    def _put_relationship(self, kind: str, key: Key, row: Row) -> None:
        """Merge one relationship row and keep the index by its first key field current."""
        table = self._tables[kind]
        table[key] = _merge(table.get(key), row)
        self._rels_by_first[kind][key[0]].add(key)

    def _apply_reps(self, rows: list[Row]) -> None:
        table = self._tables["reps"]
        for row in rows:
            table[row["id"]] = _with_search_key(_merge(table.get(row["id"]), row))

    def _apply_products(self, rows: list[Row]) -> None:
        self._apply_nodes("products", rows)

    def _apply_nodes(self, table_name: str, rows: list[Row]) -> None:
        table = self._tables[table_name]
        for row in rows:
            table[row["id"]] = _merge(table.get(row["id"]), row)

    def _apply_deals(self, rows: list[Row]) -> None:
        table = self._tables["deals"]
        for row in rows:
            old = table.get(row["id"])
            if old:
                self._deals_by_company[old["company_id"]].discard(row["id"])
            table[row["id"]] = merged = _with_search_key(_merge(old, row))
            self._deals_by_company[merged["company_id"]].add(row["id"])

    def _apply_touches(self, rows: list[Row]) -> None:
        table = self._tables["touches"]
        people = self._tables["people"]
        for row in rows:
            old = table.get(row["id"])
            known = [pid for pid in row["person_ids"] if pid in people]
            previous = old["person_ids"] if old else []
            row = {**row, "person_ids": list(dict.fromkeys([*previous, *known]))}
            table[row["id"]] = _merge(old, row)
            for pid in known:
                self._touches_by_person[pid].add(row["id"])

    def _apply_relationship(self, kind: str, rows: list[Row]) -> None:
        key_fields = _REL_KEYS[kind]
        endpoints = _REL_ENDPOINTS[kind]
        for row in rows:
            if any(row[field] not in self._tables[node_table] for field, node_table in endpoints):
                continue
            self._put_relationship(kind, tuple(row[f] for f in key_fields), row)
            if kind == "employment":
                self._people_by_company[row["company_id"]].add(row["person_id"])

    def erase_person(self, person_id: str) -> ErasureReport:
        with self._writing():
            self._forget_derived()
            if person_id not in self._tables["people"]:
                raise NotFoundError("person", person_id)
            domain_account = self._domain_account_only_of(self._tables["people"][person_id])
            self._erase_results_naming(person_id)
            self._redact_changes(person_id, self._tables["people"][person_id].get("name"))
            removed_rels = 0
            removed_touches = 0
            for tid in sorted(self._touches_by_person.pop(person_id, set())):
                touch = self._tables["touches"][tid]
                others = [p for p in touch["person_ids"] if p != person_id]
                if others:
                    touch["person_ids"] = others
                    removed_rels += 1
                else:
                    del self._tables["touches"][tid]
                    removed_touches += 1
                    removed_rels += 1 + bool(touch.get("rep_id") in self._tables["reps"])
                    removed_rels += bool(touch.get("deal_id") in self._tables["deals"])
            for kind, key_fields in _REL_KEYS.items():
                person_fields = [
                    i for i, f in enumerate(key_fields) if f in {"person_id", "other_id", "manager_id"}
                ]
                if not person_fields:
                    continue
                table = self._tables[kind]
                doomed = [key for key in table if any(key[i] == person_id for i in person_fields)]
                for key in doomed:
                    del table[key]
                    self._rels_by_first[kind][key[0]].discard(key)
                removed_rels += len(doomed)
            for members in self._people_by_company.values():
                members.discard(person_id)
            for other in self._tables["people"].values():
                if other.get("reports_to_id") == person_id:
                    other["reports_to_id"] = None
            del self._tables["people"][person_id]
            # Corrections that name the person go too (a logged touch others attended keeps its own).
            corrections = self._tables[_CORRECTIONS]
            self._corrections_changed()
            for cid, row in list(corrections.items()):
                attendees = row.get("person_ids") or []
                others = [p for p in attendees if p != person_id]
                if person_id not in (row.get("person_id"), row.get("other_id"), *attendees):
                    continue
                if row["kind"] == "touch" and others and row.get("person_id") != person_id:
                    row["person_ids"] = others
                else:
                    del corrections[cid]
            # The person's other source ids go too: an erased person is found by none of them.
            aliases = self._tables[_ALIASES]
            for key in [k for k, row in aliases.items() if k[0] == "people" and row["into"] == person_id]:
                del aliases[key]
            if domain_account is not None:
                del self._tables["companies"][domain_account]
                self._people_by_company.pop(domain_account, None)
        removed_nodes = {"Person": 1, "Touch": removed_touches}
        if domain_account is not None:
            removed_nodes["Company"] = 1
        return ErasureReport(
            person_id=person_id, removed_nodes=removed_nodes, removed_relationships=removed_rels
        )

    def _erase_results_naming(self, person_id: str) -> None:
        """Drop the kept results of every account the person belongs to (where they work or worked,
        sit on a deal's committee, or are named by a kept result: gap texts and key-people lists name
        people; the rule of cypher/erase_person_results.cypher) and mark the accounts
        changed, so that the next refresh computes them again without the person."""
        accounts = {key[1] for key in self._rels_by_first["employment"].get(person_id, ())}
        company_id = self._tables["people"][person_id].get("company_id")
        if company_id:
            accounts.add(company_id)
        deals = self._tables["deals"]
        accounts |= {
            deals[key[0]]["company_id"]
            for key in self._tables["committee"]
            if key[1] == person_id and key[0] in deals
        }
        self._load_results()
        accounts |= {
            cid
            for cid, result in self._results.items()
            if any(p.person_id == person_id for p in result.key_people)
            or any(g.person_id == person_id for d in result.deals for g in d.gaps)
        }
        if not accounts:
            return
        when = datetime.now(UTC).isoformat()

        def change(doc: dict[str, Any]) -> None:
            for cid in accounts:
                doc["results"].pop(cid, None)
            doc["changed"].update(dict.fromkeys(accounts, when))

        self._update_results(change)

    def _domain_account_only_of(self, person: Row) -> str | None:
        """The person's account when ingest created it for their e-mail domain alone (the rule of
        cypher/erase_domain_account.cypher) and nothing but this person refers to it."""
        company_id = person.get("company_id")
        company = self._tables["companies"].get(company_id) if company_id else None
        if company is None:
            return None
        domain = company.get("domain") or ""
        email = (person.get("email") or "").lower()
        if (
            not domain
            or company_id != DOMAIN_ACCOUNT_PREFIX + domain
            or company.get("name") != domain
            or not email.endswith("@" + domain.lower())
        ):
            return None
        person_id = person["id"]
        if self._people_by_company.get(company_id, set()) - {person_id}:
            return None
        people = self._tables["people"].values()
        if any(p.get("company_id") == company_id and p["id"] != person_id for p in people):
            return None
        if self._deals_by_company.get(company_id) or self._rels_by_first["holdings"].get(company_id):
            return None
        if company.get("parent_id") or self._children.get(company_id):
            return None
        return str(company_id)

    def clear(self) -> None:
        with self._writing():
            self._reset_memory()
            self._update_results(lambda doc: doc.clear())
            with self._change_log_lock():
                self._changes_path.unlink(missing_ok=True)

    # --- kept analysis results ------------------------------------------------------------
    #
    # results.json holds {"format", "results": {account id: result}, "changed": {account id: time}};
    # a result's rendered key people are not in it (`_NOT_IN_FILE`).
    # It is written like graph.json (temporary file, fsync, rename) under the same writer lock, so
    # several processes may write results; `buyergraph refresh` still writes them from one process
    # (its workers return results to it), which keeps each batch one atomic rename.

    def _load_results(self) -> None:
        """Reread results.json when another process replaced it."""
        try:
            st = self._results_path.stat()
        except FileNotFoundError:
            self._results, self._changed_at, self._results_stamp = _KeptResults({}), {}, None
            self._results_raw, self._results_text, self._summaries = {}, {}, None
            return
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if stamp == self._results_stamp:
            return
        try:
            doc = json.loads(self._results_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreUnavailableError(
                f"the embedded store file {self._results_path} cannot be read: {exc}"
            ) from exc
        if doc.get("format") not in RESULTS_FORMATS_READ:
            raise StoreUnavailableError(
                f"the embedded store file {self._results_path} has format {doc.get('format')!r}; "
                f"this buyergraph reads formats {', '.join(map(str, RESULTS_FORMATS_READ))}"
            )
        self._results = _KeptResults(doc["results"])
        self._results_raw, self._results_text = doc["results"], {}
        self._changed_at = {cid: datetime.fromisoformat(at) for cid, at in doc["changed"].items()}
        self._summaries = None
        self._results_stamp = stamp

    def _account_summaries(self) -> dict[str, AccountSummary]:
        # Lists read the figures of every account on each call: derived once per version of the
        # file, when a list first asks (a refresh that only writes results never needs them).
        if self._summaries is None:
            self._summaries = {
                cid: summary_of(r).model_copy(update={"stale": self._is_stale(cid, r)})
                for cid, r in self._results.items()
            }
        return self._summaries

    def _update_results(
        self, change: Callable[[dict[str, Any]], None], models: Mapping[str, AccountResult] | None = None
    ) -> None:
        """Apply `change` to the freshest results document under the writer lock, then replace the
        file atomically. Within `bulk` (or a graph write) the lock is already held. `models`: the
        results `change` writes, as models (so that they need no validation again)."""
        with self._mutex:
            if self._bulk_depth or self._holding_file_lock:
                self._rewrite_results(change, {} if models is None else models)
                return
            with self._file_lock():
                self._rewrite_results(change, {} if models is None else models)

    def _rewrite_results(
        self, change: Callable[[dict[str, Any]], None], models: Mapping[str, AccountResult]
    ) -> None:
        """Rewrite results.json after `change`, under the writer lock. What this process holds stays
        valid: the results `change` left alone keep their model and their encoded JSON text, so a
        rewrite encodes and validates only the results it changes (`models` it is given are taken as
        they are) and does not read back the file it wrote (a refresh wrote a 1,000-account file in
        37 s that way, of which 26 s reading it back; bench/RESULTS.md)."""
        self._load_results()
        before = self._results_raw
        doc: dict[str, Any] = {
            "results": dict(before),
            "changed": {cid: at.isoformat() for cid, at in self._changed_at.items()},
        }
        change(doc)
        results: dict[str, Any] = doc.get("results", {})
        changed: dict[str, str] = doc.get("changed", {})
        texts: dict[str, str] = {}
        kept: dict[str, AccountResult] = {}  # the models known already; the others stay unvalidated
        parts: list[str] = []
        for cid, raw in results.items():
            text = self._results_text.get(cid) if before.get(cid) is raw else None
            if text is None:
                text = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
            texts[cid] = text
            parts.append(f"{json.dumps(cid, ensure_ascii=False)}:{text}")
            if before.get(cid) is raw:
                if (model := self._results.validated(cid)) is not None:
                    kept[cid] = model
            elif cid in models:
                kept[cid] = models[cid]
        body = (
            f'{{"format":{_results_format(results)},"results":{{{",".join(parts)}}},'
            f'"changed":{json.dumps(changed, ensure_ascii=False, separators=(",", ":"))}}}'
        )
        fd, tmp = tempfile.mkstemp(prefix=".graph-results-", suffix=".tmp", dir=self.home)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self._results_path)
            st = self._results_path.stat()  # no other writer: the writer lock is held
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            self._results_stamp = None
            raise
        self._results, self._results_raw, self._results_text = _KeptResults(results, kept), results, texts
        self._changed_at = {cid: datetime.fromisoformat(at) for cid, at in changed.items()}
        self._summaries = None
        self._results_stamp = (st.st_ino, st.st_mtime_ns, st.st_size)

    def mark_accounts_changed(
        self,
        *,
        company_ids: Collection[str] = (),
        person_ids: Collection[str] = (),
        deal_ids: Collection[str] = (),
        at: datetime | None = None,
    ) -> set[str]:
        when = (at or datetime.now(UTC)).isoformat()
        with self._mutex:
            self._read()
            companies = self._tables["companies"]
            marked = {cid for cid in company_ids if cid in companies}
            for pid in person_ids:
                marked.update(key[1] for key in self._rels_by_first["employment"].get(pid, ()))
            deals = self._tables["deals"]
            marked.update(deals[did]["company_id"] for did in deal_ids if did in deals)
            marked &= companies.keys()
            if marked:

                def change(doc: dict[str, Any]) -> None:
                    doc["changed"].update(dict.fromkeys(marked, when))

                self._update_results(change)
        return marked

    def accounts_to_refresh(self, *, everything: bool = False) -> list[str]:
        with self._mutex:
            self._read()
            self._load_results()
            ids = sorted(self._tables["companies"])
            if everything:
                return ids
            return [cid for cid in ids if cid not in self._results or self._is_stale(cid, self._results[cid])]

    def _is_stale(self, company_id: str, result: AccountResult) -> bool:
        changed = self._changed_at.get(company_id)
        return changed is not None and changed > result.computed_at

    def write_results(self, results: Sequence[AccountResult]) -> int:
        with self._mutex:
            self._read()
            companies = self._tables["companies"]
            known = [r for r in results if r.account_id in companies]
            kept: list[AccountResult] = []
            models: dict[str, AccountResult] = {}

            def change(doc: dict[str, Any]) -> None:
                # A result computed before its account's last change (an ingest, an erasure) is not
                # kept: the account stays stale, and an erased person's name is not written back.
                kept.clear()
                models.clear()
                for result in known:
                    changed = doc["changed"].get(result.account_id)
                    if changed is not None and datetime.fromisoformat(changed) > result.computed_at:
                        continue
                    kept.append(result)
                    doc["results"][result.account_id] = result.model_dump(mode="json", exclude=_NOT_IN_FILE)
                    models[result.account_id] = result.model_copy(update={"stale": False})

            if known:
                self._update_results(change, models)
        return len(kept)

    def read_results(self, company_ids: Collection[str]) -> dict[str, AccountResult]:
        with self._mutex:
            self._load_results()
            found: dict[str, AccountResult] = {}
            for cid in company_ids:
                result = self._results.get(cid)
                if result is not None:
                    found[cid] = result.model_copy(update={"stale": self._is_stale(cid, result)})
            return found

    def read_kept_answer(
        self, *, company_id: str | None = None, deal_id: str | None = None
    ) -> KeptAnswer | None:
        if company_id is None and deal_id is None:
            raise InvalidInputError("read_kept_answer needs a company_id or a deal_id")
        with self._mutex:
            result = self._kept_result(company_id, deal_id)
            if result is None:
                return None
            return KeptAnswer(**self._kept_head(result), detail=result.detail)

    def _kept_result(self, company_id: str | None, deal_id: str | None) -> AccountResult | None:
        """The kept result (with its detail) of the account, or else of the deal's account (call with
        the mutex held)."""
        if company_id is None:
            self._read()
            deal = self._tables["deals"].get(deal_id)
            company_id = deal.get("company_id") if deal else None
        self._load_results()
        result = self._results.get(company_id) if company_id is not None else None
        return None if result is None or result.detail is None else result

    def _kept_head(self, result: AccountResult) -> dict[str, Any]:
        """The account, day, time and staleness of a kept answer (call with the mutex held)."""
        return {
            "account_id": result.account_id,
            "as_of": result.as_of,
            "computed_at": result.computed_at,
            "stale": self._is_stale(result.account_id, result),
        }

    def read_kept_key_people(self, company_id: str, *, limit: int | None = None) -> KeptKeyPeopleJson | None:
        check_kept_limit(limit)
        with self._mutex:
            result = self._kept_result(company_id, None)
            if result is None:
                return None
            answers = result.answers
            return KeptKeyPeopleJson(
                **self._kept_head(result),
                items=None if answers is None else answers.key_people[:limit],
                notes=None if answers is None else answers.key_people_notes,
                format=None if answers is None else answers.format,
            )

    def read_kept_deal_gaps(self, deal_id: str) -> KeptDealGapsJson | None:
        with self._mutex:
            result = self._kept_result(None, deal_id)
            if result is None:
                return None
            answers = result.answers
            members = None if answers is None else answers.deal_gaps.get(deal_id)
            return KeptDealGapsJson(
                **self._kept_head(result),
                members=members,
                format=None if answers is None or members is None else answers.format,
            )

    def _account_listing(self) -> _AccountListingIndex:
        """The account lists' index for the current graph and results (call with the mutex held):
        built once per version of the two files and reused, so a list never walks the tables under
        the lock; inside `bulk`, where the tables change before the file does, built afresh."""
        version = (self._loaded_stamp, self._results_stamp)
        index = self._listing_index
        if index is not None and index.version == version and not (self._bulk_depth or self._dirty):
            return index
        summaries = self._account_summaries()
        owners: dict[str, set[str]] = defaultdict(set)
        for row in self._tables["deals"].values():
            if row.get("owner_rep_id"):
                owners[row["owner_rep_id"]].add(row["company_id"])
        index = _AccountListingIndex(
            version=version,
            rows=[(row, summaries.get(cid)) for cid, row in self._tables["companies"].items()],
            owners=owners,
        )
        if not (self._bulk_depth or self._dirty):
            self._listing_index = index
        return index

    def list_account_results(
        self, query: AccountFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[AccountListing]:
        check_page(offset, limit)
        check_account_filter(query)
        with self._mutex:
            self._read()
            self._load_results()
            index = self._account_listing()
        # The index is never changed once built (a write builds a new one): read it without the lock.
        owned = index.owners.get(query.owner, set()) if query.owner else None
        search = search_needle(query.search)
        checks = _checks(query, search, owned)
        order = index.order(query.sort if query.sort != "name" else None, query.descending)
        if not checks:
            page = [index.rows[i] for i in order[offset : offset + limit]]
            count = len(order)
        else:
            facts = index.facts()
            matched = [i for i in order if all(test(facts[i][p], v) for p, test, v in checks)]
            page = [index.rows[i] for i in matched[offset : offset + limit]]
            count = len(matched)
        return Page[AccountListing](
            data=[
                AccountListing(company=Company.model_validate(row, context=FROM_STORE), result=summary)
                for row, summary in page
            ],
            count=count,
            offset=offset,
            limit=limit,
        )

    def list_deal_results(self, query: DealFilter, *, offset: int = 0, limit: int = 50) -> Page[DealListing]:
        check_page(offset, limit)
        check_deal_filter(query)
        needle = search_needle(query.search)
        with self._mutex:
            self._read()
            self._load_results()
            kept_deals: dict[str, tuple[AccountResult, DealResult]] = {
                d.deal_id: (r, d) for r in self._results.values() for d in r.deals
            }
            rows: list[tuple[Row, AccountResult | None, DealResult | None]] = []
            for did, row in self._tables["deals"].items():
                if query.status is not None and (row.get("status") or "open") != query.status:
                    continue
                if query.stage is not None and row.get("stage") != query.stage:
                    continue
                amount = row.get("amount")
                if query.min_amount is not None and (amount is None or amount < query.min_amount):
                    continue
                if query.max_amount is not None and (amount is None or amount > query.max_amount):
                    continue
                if query.owner is not None and row.get("owner_rep_id") != query.owner:
                    continue
                if query.account_id is not None and row["company_id"] != query.account_id:
                    continue
                if needle is not None and needle not in _key(row):
                    company = self._tables["companies"].get(row["company_id"])
                    if company is None or needle not in _key(company):
                        continue
                account, deal = kept_deals.get(did, (None, None))
                if account is not None and account.account_id != row["company_id"]:
                    account, deal = None, None  # the deal moved to another account since
                if query.gap_kind is not None and (
                    deal is None or all(g.kind != query.gap_kind for g in deal.gaps)
                ):
                    continue
                rows.append((row, account, deal))

        def figure(row: Row, deal: DealResult | None) -> float | None:
            if query.sort == "amount":
                value: float | None = row.get("amount")
                return value
            if deal is None or query.sort == "name":
                return None
            if query.sort == "gaps_total":
                return len(deal.gaps)
            if query.sort == "gaps_high":
                return sum(1 for g in deal.gaps if g.severity == "high")
            return float(getattr(deal, query.sort))

        rows.sort(
            key=lambda item: (
                *sort_key(figure(item[0], item[2]), query.descending),
                item[0].get("name") or "",
                item[0]["id"],
            )
        )
        return Page[DealListing](
            data=[
                DealListing(
                    deal=self._model("deals", row["id"], Deal),
                    result=deal,
                    as_of=account.as_of if account else None,
                    computed_at=account.computed_at if account else None,
                    stale=bool(account and self._is_stale(account.account_id, account)),
                )
                for row, account, deal in rows[offset : offset + limit]
            ],
            count=len(rows),
            offset=offset,
            limit=limit,
        )

    # --- lookups for identity resolution --------------------------------------------------

    def find_people_by_email_keys(self, keys: Collection[str]) -> dict[str, str]:
        wanted = set(keys)
        found: dict[str, str] = {}
        with self._mutex:
            self._read()
            for pid, row in self._tables["people"].items():
                key = row.get("email_key")
                if key in wanted and (key not in found or pid < found[key]):
                    found[key] = pid
        return found

    def find_companies_by_keys(
        self, name_keys: Collection[str], domains: Collection[str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        wanted_names, wanted_domains = set(name_keys), set(domains)
        by_name: dict[str, str] = {}
        by_domain: dict[str, str] = {}
        with self._mutex:
            self._read()
            for cid, row in self._tables["companies"].items():
                name_key, domain = row.get("name_key"), row.get("domain")
                if name_key in wanted_names and (name_key not in by_name or cid < by_name[name_key]):
                    by_name[name_key] = cid
                if domain in wanted_domains and (domain not in by_domain or cid < by_domain[domain]):
                    by_domain[domain] = cid
        return by_name, by_domain

    def upsert_aliases(self, aliases: Sequence[Alias]) -> int:
        if not aliases:
            return 0
        with self._writing():
            table = self._tables[_ALIASES]
            for alias in aliases:
                check_alias_kind(alias.kind)
                table[(alias.kind, alias.id)] = alias.model_dump()
        return len(aliases)

    def find_aliases(self, kind: str, ids: Collection[str]) -> dict[str, Alias]:
        check_alias_kind(kind)
        with self._mutex:
            self._read()
            table = self._tables[_ALIASES]
            return {id_: Alias(**table[(kind, id_)]) for id_ in ids if (kind, id_) in table}

    def aliases_into(self, kind: str, ids: Collection[str]) -> dict[str, list[Alias]]:
        check_alias_kind(kind)
        wanted = set(ids)
        found: dict[str, list[Alias]] = {}
        with self._mutex:
            self._read()
            for (alias_kind, _), row in self._tables[_ALIASES].items():
                if alias_kind == kind and row["into"] in wanted:
                    found.setdefault(row["into"], []).append(Alias(**row))
        return {into: sorted(aliases, key=lambda a: a.id) for into, aliases in found.items()}

    def existing_ids(self, kind: str, ids: Collection[str]) -> set[str]:
        check_node_kind(kind)
        with self._mutex:
            self._read()
            table = self._tables[kind]
            return {id_ for id_ in ids if id_ in table}

    # --- reads -----------------------------------------------------------------------------

    def counts(self) -> Counts:
        with self._mutex:
            self._read()
            t = self._tables
            industries = {row["industry"] for row in t["companies"].values() if row.get("industry")}
            nodes = {
                "Company": len(t["companies"]),
                "Person": len(t["people"]),
                "Rep": len(t["reps"]),
                "Deal": len(t["deals"]),
                "Product": len(t["products"]),
                "Touch": len(t["touches"]),
                "Industry": len(industries),
            }
            touches = t["touches"].values()
            rels = {
                "WORKS_AT": len(t["employment"]),
                "REPORTS_TO": len(t["reporting"]),
                "KNOWS": len(t["knows"]),
                "SUBSIDIARY_OF": sum(
                    1 for row in t["companies"].values() if row.get("parent_id") in t["companies"]
                ),
                "IN_INDUSTRY": sum(1 for row in t["companies"].values() if row.get("industry")),
                "FOR": sum(1 for row in t["deals"].values() if row["company_id"] in t["companies"]),
                "OWNED_BY": sum(1 for row in t["deals"].values() if row.get("owner_rep_id") in t["reps"]),
                "INCLUDES": len(t["deal_products"]),
                "OWNS": len(t["holdings"]),
                "IN_COMMITTEE": len(t["committee"]),
                "BY": sum(1 for row in touches if row.get("rep_id") in t["reps"]),
                "WITH": sum(len(row["person_ids"]) for row in touches),
                "ABOUT": sum(1 for row in touches if row.get("deal_id") in t["deals"]),
            }
        assert set(nodes) == set(NODE_LABELS) and set(rels) == set(RELATIONSHIP_TYPES)
        return Counts(nodes=nodes, relationships=rels)

    def _model(self, table: str, key: Any, model: type[M], shape: Callable[[Row], Row] | None = None) -> M:
        """The validated model of one stored row (first passed through `shape`, if given), cached
        until the next write or reload.

        Validation is most of the cost of a read; the API reads the same accounts again and again.
        """
        cached = self._models.get((table, key))
        if cached is None:
            row = self._tables[table][key]
            cached = model.model_validate(row if shape is None else shape(row), context=FROM_STORE)
            self._models[(table, key)] = cached
        return cached  # type: ignore[return-value]

    def _get(self, table: str, kind: str, id_: str, model: type[M]) -> M:
        with self._mutex:
            self._read()
            if id_ not in self._tables[table]:
                raise NotFoundError(kind, id_)
            return self._model(table, id_, model)

    def get_company(self, company_id: str) -> Company:
        return self._get("companies", "account", company_id, Company)

    def get_person(self, person_id: str) -> Person:
        return self._get("people", "person", person_id, Person)

    def get_people(self, person_ids: Collection[str]) -> dict[str, Person]:
        with self._mutex:
            self._read()
            table = self._tables["people"]
            return {id_: self._model("people", id_, Person) for id_ in set(person_ids) if id_ in table}

    def get_deal(self, deal_id: str) -> Deal:
        return self._get("deals", "deal", deal_id, Deal)

    def _rels(self, kind: str, firsts: Iterable[str]) -> list[Key]:
        """Keys of the relationships whose first key field is one of `firsts`, sorted."""
        index = self._rels_by_first[kind]
        return sorted(key for first in firsts for key in index.get(first, ()))

    def _touch_as_read(self, row: Row) -> Row:
        """A touch as Neo4j returns it: attendees sorted, rep and deal only when they exist."""
        rep_id, deal_id = row.get("rep_id"), row.get("deal_id")
        return {
            **row,
            "person_ids": sorted(row["person_ids"]),
            "rep_id": rep_id if rep_id in self._tables["reps"] else None,
            "deal_id": deal_id if deal_id in self._tables["deals"] else None,
        }

    def account_graphs(self, company_ids: Sequence[str]) -> dict[str, AccountGraph]:
        with self._mutex:
            self._read()
            known = self._tables["companies"]
            return {cid: self._account_graph(cid) for cid in dict.fromkeys(company_ids) if cid in known}

    def account_graph(self, company_id: str) -> AccountGraph:
        with self._mutex:
            self._read()
            return self._account_graph(company_id)

    def _account_touch_ids(self, people_ids: Iterable[str]) -> set[str]:
        touch_ids: set[str] = set()
        for pid in people_ids:
            touch_ids |= self._touches_by_person.get(pid, set())
        return touch_ids

    def person_touches(self, person_id: str) -> list[Touch]:
        with self._mutex:
            self._read()
            if person_id not in self._tables["people"]:
                raise NotFoundError("person", person_id)
            touches = [
                self._model("touches", tid, Touch, self._touch_as_read)
                for tid in self._touches_by_person.get(person_id, ())
            ]
            return sorted(sorted(touches, key=attrgetter("id")), key=attrgetter("at"), reverse=True)

    def _account_graph(self, company_id: str) -> AccountGraph:
        """One account with its sellers' corrections laid over it (the one rule), under the mutex."""
        account = self._stored_account_graph(company_id)
        fixes = self._active_corrections([company_id]).get(company_id)
        return apply_corrections(account, fixes) if fixes else account

    def _stored_account_graph(self, company_id: str) -> AccountGraph:
        """One account as stored, under the mutex, the store read."""
        t = self._tables
        company_row = t["companies"].get(company_id)
        if company_row is None:
            raise NotFoundError("account", company_id)
        people_ids = set(self._people_by_company.get(company_id, ()))
        deal_ids = sorted(self._deals_by_company.get(company_id, ()))
        committee_keys = self._rels("committee", deal_ids)
        people_ids |= {key[1] for key in committee_keys}
        days = self._touch_days.get(company_id)
        about_deals = self._deal_touches.get(company_id)
        if days is None or about_deals is None:
            touches = [
                self._model("touches", tid, Touch, self._touch_as_read)
                for tid in sorted(self._account_touch_ids(people_ids))
            ]
            days = self._touch_days[company_id] = aggregate_touches(touches)
            own_deals = set(deal_ids)
            about_deals = self._deal_touches[company_id] = deal_touches_of(
                t for t in touches if t.deal_id in own_deals
            )
        deals = [self._model("deals", did, Deal) for did in deal_ids]
        reps = t["reps"]
        rep_ids = {
            name
            for code in set(days.actor[~days.pair].tolist())
            if code >= 0 and (name := days.names[code]) in reps
        }
        rep_ids |= {rid for deal in deals if (rid := deal.owner_rep_id) is not None and rid in t["reps"]}
        holding_keys = self._rels("holdings", [company_id])
        deal_product_keys = self._rels("deal_products", deal_ids)
        product_ids = {key[1] for key in holding_keys} | {key[1] for key in deal_product_keys}
        parent_id = company_row.get("parent_id")
        ordered_people = sorted(people_ids)
        return AccountGraph(
            company=self._model("companies", company_id, Company),
            people=[self._model("people", pid, Person) for pid in ordered_people],
            employment=[
                self._model("employment", (pid, company_id), Employment)
                for pid in ordered_people
                if (pid, company_id) in t["employment"]
            ],
            reporting=[
                self._model("reporting", key, Reporting)
                for key in self._rels("reporting", ordered_people)
                if key[1] in people_ids
            ],
            knows=[
                self._model("knows", key, Knows)
                for key in self._rels("knows", ordered_people)
                if key[1] in people_ids
            ],
            deals=deals,
            deal_products=[self._model("deal_products", key, DealProduct) for key in deal_product_keys],
            committee=[self._model("committee", key, CommitteeRole) for key in committee_keys],
            touch_days=days,
            deal_touches=about_deals,
            reps=[self._model("reps", rid, Rep) for rid in sorted(rep_ids)],
            holdings=[self._model("holdings", key, Holding) for key in holding_keys],
            products=[self._model("products", pid, Product) for pid in sorted(product_ids)],
            parent=self._model("companies", parent_id, Company) if parent_id in t["companies"] else None,
            subsidiaries=[
                self._model("companies", cid, Company)
                for cid in sorted(self._children.get(company_id, ()))
                if cid in t["companies"]
            ],
        )

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
        needle = search_needle(search)
        with self._mutex:
            self._read()
            rows = [
                row
                for row in self._tables["companies"].values()
                if (industry is None or row.get("industry") == industry)
                and (status is None or row.get("status") == status)
                and (needle is None or needle in _key(row))
            ]
        rows.sort(key=lambda row: (row["name"], row["id"]))
        return Page[Company](
            data=[self._model("companies", row["id"], Company) for row in rows[offset : offset + limit]],
            count=len(rows),
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
        needle = search_needle(search)
        with self._mutex:
            self._read()
            people = self._tables["people"]
            candidates = (
                (people[pid] for pid in self._people_by_company.get(company_id, ()) if pid in people)
                if company_id is not None
                else people.values()
            )
            rows = [row for row in candidates if needle is None or needle in _key(row)]
        rows.sort(key=lambda row: (row["name"], row["id"]))
        return Page[Person](
            data=[self._model("people", row["id"], Person) for row in rows[offset : offset + limit]],
            count=len(rows),
            offset=offset,
            limit=limit,
        )

    def ownership(self) -> tuple[list[Company], list[Holding]]:
        with self._mutex:
            self._read()
            companies = [self._model("companies", cid, Company) for cid in sorted(self._tables["companies"])]
            holdings = [self._model("holdings", key, Holding) for key in sorted(self._tables["holdings"])]
        return companies, holdings

    def product_names(self) -> dict[str, str]:
        with self._mutex:
            self._read()
            return {pid: row["name"] for pid, row in sorted(self._tables["products"].items())}

    def search_accounts(
        self, search: str | None = None, *, offset: int = 0, limit: int = 50
    ) -> Page[Company]:
        check_page(offset, limit)
        needle = search_needle(search)
        with self._mutex:
            self._read()
            rows = [
                row for row in self._tables["companies"].values() if needle is None or needle in _key(row)
            ]
            rows.sort(key=lambda row: (row["name"], row["id"]))
            data = [self._model("companies", row["id"], Company) for row in rows[offset : offset + limit]]
        return Page[Company](data=data, count=len(rows), offset=offset, limit=limit)

    def search_people(
        self, search: str | None = None, *, company_id: str | None = None, offset: int = 0, limit: int = 50
    ) -> Page[Person]:
        check_page(offset, limit)
        needle = search_needle(search)
        with self._mutex:
            self._read()
            people = self._tables["people"]
            candidates = (
                (people[pid] for pid in self._people_by_company.get(company_id, ()) if pid in people)
                if company_id is not None
                else people.values()
            )
            rows = [row for row in candidates if needle is None or needle in _key(row)]
            rows.sort(key=lambda row: (row["name"], row["id"]))
            data = [self._model("people", row["id"], Person) for row in rows[offset : offset + limit]]
        return Page[Person](data=data, count=len(rows), offset=offset, limit=limit)

    # --- who is who across the book -------------------------------------------------------

    def list_people_filtered(
        self, query: PeopleFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[PersonListing]:
        check_page(offset, limit)
        check_people_filter(query)
        needle = search_needle(query.search)
        roles = {r.value for r in query.roles}
        seniorities = {s.value for s in query.seniorities}
        functions = {f.value for f in query.functions}
        states = set(query.engagement)
        with self._mutex:
            self._read()
            self._load_results()
            people = self._tables["people"]
            best: dict[str, PersonResult] = {}
            for result in self._results.values():
                for held in result.key_people:
                    if held.person_id not in best or held.rank < best[held.person_id].rank:
                        best[held.person_id] = held
            roles_of: dict[str, set[str]] = defaultdict(set)
            for _deal_id, person_id, role, _source in self._tables["committee"]:
                roles_of[person_id].add(role)
            candidates = (
                [people[pid] for pid in self._people_by_company.get(query.account_id, ()) if pid in people]
                if query.account_id is not None
                else list(people.values())
            )
            #: (row, roles, last touch, state, kept rank and score) of each match.
            found: list[tuple[Row, set[str], date | None, EngagementState, PersonResult | None]] = []
            # The last touch costs a pass over the person's touches: only worked out before paging
            # when a filter or the sort needs it, else for the page's people alone.
            needs_last = bool(states) or query.sort == "last_touch"

            touch_days = self._person_touch_days()

            def last_touch(pid: str) -> date | None:
                days = touch_days.get(pid, [])
                before = bisect_right(days, query.as_of)
                return days[before - 1] if before else None

            for row in candidates:
                pid = row["id"]
                if seniorities and (row.get("seniority") or "unknown") not in seniorities:
                    continue
                if functions and row.get("function") not in functions:
                    continue
                if roles and not roles_of.get(pid, set()) & roles:
                    continue
                kept = best.get(pid)
                if query.max_rank is not None and (kept is None or kept.rank > query.max_rank):
                    continue
                if needle is not None and needle not in _key(row):
                    continue
                last = last_touch(pid) if needs_last else None
                state = engagement_state(last, query.as_of, engaged_days=query.engaged_days)
                if states and state not in states:
                    continue
                found.append((row, roles_of.get(pid, set()), last, state, kept))

            def figure(last: date | None, kept: PersonResult | None) -> float | None:
                if query.sort == "rank":
                    return kept.rank if kept else None
                if query.sort == "last_touch":
                    return last.toordinal() if last else None
                return None

            found.sort(
                key=lambda item: (
                    *sort_key(figure(item[2], item[4]), query.descending),
                    item[0]["name"],
                    item[0]["id"],
                )
            )
            data = []
            for row, held_roles, last, state, kept in found[offset : offset + limit]:
                if not needs_last:
                    last = last_touch(row["id"])
                    state = engagement_state(last, query.as_of, engaged_days=query.engaged_days)
                data.append(
                    PersonListing(
                        person=self._model("people", row["id"], Person),
                        roles=sorted(BuyingRole(r) for r in held_roles),
                        last_touch=last,
                        engagement=state,
                        rank=kept.rank if kept else None,
                        influence=kept.score if kept else None,
                    )
                )
        return Page[PersonListing](data=data, count=len(found), offset=offset, limit=limit)

    def _person_touch_days(self) -> dict[str, list[date]]:
        """{person id: the days of their touches, sorted}, kept until the next write."""
        cached: dict[str, list[date]] | None = self._directory.get("touch_days")
        if cached is None:
            days: dict[str, list[date]] = defaultdict(list)
            for row in self._tables["touches"].values():
                day = date.fromisoformat(row["at"][:10])
                for pid in row["person_ids"]:
                    days[pid].append(day)
            for values in days.values():
                values.sort()
            cached = self._directory["touch_days"] = dict(days)
        return cached

    def _rep_touches(self) -> dict[str, list[tuple[date, set[str]]]]:
        """{rep id: [(day, the current accounts of the people touched)]}, kept until the next write."""
        cached: dict[str, list[tuple[date, set[str]]]] | None = self._directory.get("rep_touches")
        if cached is None:
            companies, people = self._tables["companies"], self._tables["people"]
            by_rep: dict[str, list[tuple[date, set[str]]]] = defaultdict(list)
            for row in self._tables["touches"].values():
                rid = row.get("rep_id")
                if not rid:
                    continue
                accounts: set[str] = {
                    people[pid]["company_id"]
                    for pid in row["person_ids"]
                    if pid in people and people[pid].get("company_id") in companies
                }
                by_rep[rid].append((date.fromisoformat(row["at"][:10]), accounts))
            cached = self._directory["rep_touches"] = dict(by_rep)
        return cached

    def _rep_work(self, rep_ids: Collection[str]) -> dict[str, dict[str, list[Any]]]:
        """{rep id: {account id: [owned deals, touches, last touch day]}} for these reps."""
        wanted = set(rep_ids)
        work: dict[str, dict[str, list[Any]]] = {rid: {} for rid in wanted}
        companies = self._tables["companies"]
        for row in self._tables["deals"].values():
            rid, cid = row.get("owner_rep_id"), row["company_id"]
            if rid in wanted and cid in companies:
                work[rid].setdefault(cid, [0, 0, None])[0] += 1
        touches = self._rep_touches()
        for rid in wanted:
            for day, accounts in touches.get(rid, ()):
                for cid in accounts:
                    entry = work[rid].setdefault(cid, [0, 0, None])
                    entry[1] += 1
                    entry[2] = day if entry[2] is None or day > entry[2] else entry[2]
        return work

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
        needle = search_needle(search)
        with self._mutex:
            self._read()
            rows = [
                row
                for row in self._tables["reps"].values()
                if (team is None or row.get("team") == team)
                and (kind is None or row.get("kind") == kind)
                and (needle is None or needle in _key(row))
            ]
            rows.sort(key=lambda row: (row["name"], row["id"]))
            page = rows[offset : offset + limit]
            work = self._rep_work([row["id"] for row in page])
            data = [
                RepListing(rep=self._model("reps", row["id"], Rep), accounts=len(work[row["id"]]))
                for row in page
            ]
        return Page[RepListing](data=data, count=len(rows), offset=offset, limit=limit)

    def get_rep(self, rep_id: str) -> Rep:
        return self._get("reps", "rep", rep_id, Rep)

    def rep_accounts(self, rep_id: str, *, offset: int = 0, limit: int = 50) -> Page[RepAccount]:
        check_page(offset, limit)
        with self._mutex:
            self._read()
            if rep_id not in self._tables["reps"]:
                raise NotFoundError("rep", rep_id)
            work = self._rep_work([rep_id])[rep_id]
            companies = self._tables["companies"]
            ordered = sorted(work, key=lambda cid: (companies[cid]["name"], cid))
            data = [
                RepAccount(
                    account=self._model("companies", cid, Company),
                    owned_deals=work[cid][0],
                    touches=work[cid][1],
                    last_touch=work[cid][2],
                )
                for cid in ordered[offset : offset + limit]
            ]
        return Page[RepAccount](data=data, count=len(ordered), offset=offset, limit=limit)

    # --- corrections: sellers' own assertions (issue 22) -------------------------------------

    def add_correction(self, correction: Correction, *, touch: Touch | None = None) -> Correction:
        row = correction.model_dump(mode="json")
        with self.bulk():
            if touch is not None:
                self.upsert("touches", [touch])
            with self._writing():
                table = self._tables[_CORRECTIONS]
                row = table.setdefault(correction.id, row)
                self._corrections_changed()
        self.mark_accounts_changed(company_ids=[correction.company_id])  # now: kept results go stale
        return Correction.model_validate(row)

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
        with self._mutex:
            self._read()
            rows = list(self._tables[_CORRECTIONS].values())
        found = [
            fix
            for fix in map(Correction.model_validate, rows)
            if (company_id is None or fix.company_id == company_id)
            and (person_id is None or person_id in fix.person_refs())
            and (deal_id is None or fix.deal_id == deal_id)
            and (kind is None or fix.kind == kind)
            and (include_withdrawn or fix.active)
        ]
        found.sort(key=attrgetter("id"))
        found.sort(key=attrgetter("at"), reverse=True)
        return Page[Correction](
            data=found[offset : offset + limit], count=len(found), offset=offset, limit=limit
        )

    def get_correction(self, correction_id: str) -> Correction:
        with self._mutex:
            self._read()
            row = self._tables[_CORRECTIONS].get(correction_id)
        if row is None:
            raise NotFoundError("correction", correction_id)
        return Correction.model_validate(row)

    def undo_correction(self, correction_id: str, *, by: str, at: datetime | None = None) -> Correction:
        when = at or datetime.now(UTC)
        with self._writing():
            row = self._tables[_CORRECTIONS].get(correction_id)
            if row is None:
                raise NotFoundError("correction", correction_id)
            if row.get("withdrawn_at") is not None:
                return Correction.model_validate(row)
            row["withdrawn_at"] = when.isoformat()
            row["withdrawn_by"] = by
            self._corrections_changed()
            touch = self._tables["touches"].pop(row.get("touch_id") or "", None)
            if touch is not None:
                for pid in touch["person_ids"]:
                    self._touches_by_person[pid].discard(touch["id"])
            self._forget_derived()
            fix = Correction.model_validate(row)
        self.mark_accounts_changed(company_ids=[fix.company_id], at=when)
        return fix

    def active_corrections(self, company_ids: Collection[str]) -> dict[str, list[Correction]]:
        with self._mutex:
            self._read()
            return self._active_corrections(company_ids)

    def _active_corrections(self, company_ids: Collection[str]) -> dict[str, list[Correction]]:
        """Under the mutex: from an index by account, built at first need after every change."""
        index = self._fix_index
        table = self._tables[_CORRECTIONS]
        if index is None or index[0] is not table or index[1] != len(table):
            by_account: dict[str, list[Correction]] = {}
            for row in table.values():
                if row.get("withdrawn_at") is None:
                    by_account.setdefault(row["company_id"], []).append(Correction.model_validate(row))
            index = self._fix_index = (table, len(table), by_account)
        return {cid: index[2][cid] for cid in company_ids if cid in index[2]}

    def _corrections_changed(self) -> None:
        self._fix_index = None

    # --- kept models (issue 21: `buyergraph learn`) -----------------------------------------------
    # models.json holds {"format", "models": {model id: KeptModel}}, written atomically (a new file
    # renamed over the old one) under the store's file lock.

    def _models_doc(self) -> dict[str, Any]:
        path = self.home / MODELS_FILE_NAME
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"format": FORMAT_VERSION, "models": {}}
        except (OSError, ValueError) as exc:
            raise StoreUnavailableError(f"cannot read the kept models in {path}: {exc}") from exc
        return doc if isinstance(doc, dict) and isinstance(doc.get("models"), dict) else {"models": {}}

    def write_model(self, model: KeptModel) -> None:
        with self._mutex, self._file_lock():
            doc = self._models_doc()
            doc["format"] = FORMAT_VERSION
            doc["models"][model.id] = model.model_dump(mode="json")
            fd, tmp = tempfile.mkstemp(prefix=".graph-models-", suffix=".tmp", dir=self.home)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.home / MODELS_FILE_NAME)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def _kept_models(self, kind: str | None) -> list[KeptModel]:
        models = [KeptModel.model_validate(m) for m in self._models_doc()["models"].values()]
        chosen = [m for m in models if kind is None or m.kind == kind]
        return sorted(chosen, key=lambda m: (m.fitted_at, m.id), reverse=True)

    def read_model(self, kind: str, model_id: str | None = None) -> KeptModel | None:
        for model in self._kept_models(kind):
            if model_id is None or model.id == model_id:
                return model
        return None

    def list_models(self, kind: str | None = None) -> list[KeptModel]:
        return [m.model_copy(update={"document": {}}) for m in self._kept_models(kind)]

    # --- the change log (issue 22) ----------------------------------------------------------
    #
    # changes.jsonl: one logged change per line, appended under its own file lock (a change is a
    # small line; the graph and results files are never rewritten for it). The cursor is the line's
    # position: the next one is the last line's cursor plus one.

    @property
    def _changes_path(self) -> Path:
        return self.home / CHANGES_FILE_NAME

    @contextmanager
    def _change_log_lock(self) -> Iterator[None]:
        with (self.home / ".changes.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _last_logged(self) -> int:
        """The cursor on the log's last line (0 for no log), read from the end of the file."""
        try:
            with self._changes_path.open("rb") as fh:
                fh.seek(0, os.SEEK_END)
                end = fh.tell()
                if end == 0:
                    return 0
                step = 4096
                start = end
                tail = b""
                while start > 0:
                    start = max(0, start - step)
                    fh.seek(start)
                    tail = fh.read(end - start)
                    if tail.rstrip(b"\n").count(b"\n") >= 1:
                        break
                last = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        except FileNotFoundError:
            return 0
        try:
            return int(json.loads(last)["cursor"])
        except (ValueError, KeyError) as exc:
            raise StoreUnavailableError(f"the change log {self._changes_path} cannot be read: {exc}") from exc

    def append_changes(self, changes: Sequence[Change]) -> list[LoggedChange]:
        if not changes:
            return []
        with self._change_log_lock():
            last = self._last_logged()
            logged = [
                LoggedChange(**change.model_dump(), cursor=last + i)
                for i, change in enumerate(changes, start=1)
            ]
            data = "".join(
                json.dumps(c.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")) + "\n"
                for c in logged
            )
            with self._changes_path.open("a", encoding="utf-8") as fh:
                fh.write(data)  # one write of whole lines: a reader never sees half a batch's line
                fh.flush()
                os.fsync(fh.fileno())
        return logged

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
        found: list[LoggedChange] = []
        try:
            fh = self._changes_path.open("rb")
        except FileNotFoundError:
            return found
        with fh:
            if after > 0:
                fh.seek(_first_line_after(fh, after))
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break  # a line being appended right now
                row = json.loads(raw)
                if row["cursor"] <= after or (kind is not None and row["kind"] != kind):
                    continue
                if account_id is not None and row["account_id"] != account_id:
                    continue
                change = LoggedChange.model_validate(row)
                if since is not None and change.detected_at < since:
                    continue
                found.append(change)
                if len(found) >= limit:
                    break
        return found

    def last_change_cursor(self) -> int:
        return self._last_logged()

    def _redact_changes(self, person_id: str, name: str | None) -> None:
        """Erasure: the logged changes that name the person (by id, or by name in their text) keep
        their place (cursor, kind, account, time) but lose what named them; the log is rewritten
        atomically under its lock."""
        quoted = json.dumps(person_id, ensure_ascii=False)
        with self._change_log_lock():
            try:
                lines = self._changes_path.read_text(encoding="utf-8").splitlines(keepends=True)
            except FileNotFoundError:
                return
            changed = False
            for i, line in enumerate(lines):
                row = json.loads(line)
                text = json.dumps(row["data"], ensure_ascii=False)
                named = name is not None and len(name) > 1 and (name in row["summary"] or name in text)
                if row.get("person_id") == person_id or quoted in text or named:
                    row.update(person_id=None, summary=REDACTED_SUMMARY, data={})
                    lines[i] = json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
                    changed = True
            if not changed:
                return
            fd, tmp = tempfile.mkstemp(prefix=".graph-changes-", suffix=".tmp", dir=self.home)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write("".join(lines))
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self._changes_path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def read_change_bases(self, company_ids: Collection[str]) -> dict[str, ChangeBasis]:
        """As `basis_of` reads the kept results, but from the results file's JSON when a result has
        not been validated in this process (as the Neo4j store reads them): a refresh compares what
        it replaces without validating every old result whole."""
        with self._mutex:
            self._load_results()
            bases: dict[str, ChangeBasis] = {}
            for cid in company_ids:
                if cid not in self._results:
                    continue
                model = self._results.validated(cid)
                if model is not None:
                    bases[cid] = basis_of(model)
                    continue
                raw = self._results_raw[cid]
                detail = raw.get("detail") or {}
                bases[cid] = ChangeBasis.model_validate(
                    {
                        "account_id": raw["account_id"],
                        "engagement_score": raw["engagement_score"],
                        "engagement_trend": raw["engagement_trend"],
                        "deals": raw["deals"],
                        "roster": detail.get("roster") or None,
                        "committees": committees_of_detail(detail.get("deals", [])),
                    }
                )
            return bases


def _first_line_after(fh: BinaryIO, after: int) -> int:
    """A line start of the change log at or before the first line whose cursor is above `after`, close
    to it: where a read of the changes after `after` starts (it still skips lines at or below it).

    Cursors increase line by line (appends only; an erasure rewrites lines in place of themselves), so
    a binary search over byte offsets finds it in a few reads instead of parsing the log from its
    start: a client paging with `after` costs about the same on a long log as on a short one.
    """
    fh.seek(0, os.SEEK_END)
    low, high = 0, fh.tell()  # low: a line start with only lines at or below `after` before it
    while low < high:
        mid = (low + high) // 2
        fh.seek(mid - 1 if mid > 0 else 0)
        if mid > 0:
            fh.readline()  # to the first line start at or after mid
        start = fh.tell()
        line = fh.readline()
        if line.endswith(b"\n") and int(json.loads(line)["cursor"]) <= after:
            low = start + len(line)
        else:
            high = mid
    return low
