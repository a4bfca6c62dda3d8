"""What one server process holds: the store (one driver), the key ring, the analysis workers and caches.

`create_app`'s lifespan builds one `Runtime` and closes it at shutdown. Nothing here knows HTTP; the
routers reach it through the dependency aliases in `api/deps.py`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

import neo4j
from neo4j import Driver, ManagedTransaction

import cypher
from api.keys import KeyRing
from api.sessions import SessionStore
from api.settings import Settings
from graph.analyses import DEFAULT_CONFIG, AnalysisConfig, OwnershipIndex
from graph.analyses.portfolio import (
    AccountFilter,
    AccountListing,
    AccountRow,
    DealFilter,
    DealListing,
    KeptAnswer,
    KeptDealGapsJson,
    KeptKeyPeopleJson,
)
from graph.errors import BuyerGraphError, ConfigurationError, StoreUnavailableError, redact_uris
from graph.model import AccountGraph, Counts, Page
from graph.stores.base import GraphStore
from graph.stores.console import ConsoleResult
from graph.stores.neo4j import Neo4jStore

log = logging.getLogger("buyergraph.api")

T = TypeVar("T")

_NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def _neo4j_uri(settings: Settings, override: str | None) -> str | None:
    """The Neo4j URI to use, with the same precedence as the command line's `--store`."""
    if override:
        return override if override.startswith(_NEO4J_SCHEMES) else None
    return settings.neo4j_uri


def open_service_store(settings: Settings, override: str | None = None) -> GraphStore:
    """Open the store for a long-running server.

    Unlike the command line, a server must start while Neo4j is down and fail fast while it stays
    down (503 with Retry-After), then recover on its own: so the driver retries briefly, and the
    schema is applied once Neo4j answers rather than at start-up.
    """
    uri = _neo4j_uri(settings, override)
    if not uri:
        from api.stores import open_store

        return open_store(settings, override)
    store = ServerNeo4jStore(_driver_opener(settings, uri), database=settings.neo4j_database)
    store.ensure_schema()
    return store


def check_service_store(settings: Settings, override: str | None = None) -> None:
    """Refuse, before a server starts, settings that can never work (a Neo4j URI the driver does not
    accept, a missing or default password): a ConfigurationError, the command line's one line."""
    uri = _neo4j_uri(settings, override)
    if uri:
        _driver_opener(settings, uri)


def _driver_opener(settings: Settings, uri: str) -> Callable[[], Driver]:
    """How to open a driver for `uri`, once the URI and the credentials have been checked."""
    if redact_uris(uri) != uri:
        raise ConfigurationError(
            f"NEO4J_URI {redact_uris(uri)!r} must not hold a user name or password "
            "(the driver refuses them): set NEO4J_USERNAME and NEO4J_PASSWORD instead"
        )
    auth = (settings.neo4j_username, settings.neo4j_secret())

    def open_driver() -> Driver:
        return neo4j.GraphDatabase.driver(
            uri,
            auth=auth,
            notifications_min_severity="OFF",
            max_transaction_retry_time=2.0,
            connection_timeout=5.0,
            connection_acquisition_timeout=10.0,
            max_connection_pool_size=50,
        )

    try:
        open_driver().close()  # a URI the driver refuses is reported now, not at the first request
    except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
        # The driver's message quotes the URI: credentials in it are cut out before it is shown.
        raise ConfigurationError(
            f"NEO4J_URI {redact_uris(uri)!r} is not a usable Neo4j address: {redact_uris(str(exc))}"
        ) from None
    return open_driver


#: Threads that carry the server's calls to Neo4j (more than the analysis workers, reader threads and
#: request threads that can wait on them at once).
_CALL_THREADS = 64


class ServerNeo4jStore(Neo4jStore):
    """A Neo4j store that owns its driver, applies the schema as soon as Neo4j answers, and never lets
    a frozen Neo4j hold its callers.

    The driver has no read timeout, and a transaction timeout is enforced by the server, so a stopped
    or hung server (or a half-open connection) would block a caller until the freeze ends. Every
    call therefore runs on a thread of this store while the caller waits in short slices: whenever
    it has waited `watch_s`, a ping (one at a time, shared by all waiters) must answer within
    `probe_s`, else the caller gets `StoreUnavailableError` (503 with Retry-After). A slow query on a
    live server keeps running. Once Neo4j failed to answer, the store is *frozen*: calls fail at once
    until a ping answers again (one every `watch_s` at most, each on a new connection), and a fresh
    driver replaces the one whose connections are stuck (the old one is closed once its calls
    return). Each change between reachable and unreachable is logged once.
    """

    _owns_driver = True

    def __init__(
        self,
        open_driver: Callable[[], Driver],
        *,
        database: str = "neo4j",
        watch_s: float = 1.0,
        probe_s: float = 2.0,
    ) -> None:
        super().__init__(open_driver(), database=database, apply_schema=False)
        self._open_driver = open_driver
        self._watch_s = watch_s
        self._probe_s = probe_s
        self._calls = ThreadPoolExecutor(max_workers=_CALL_THREADS, thread_name_prefix="buyergraph-neo4j")
        self._state_lock = threading.Lock()
        self._reachable = True
        self._frozen = False
        self._probe: tuple[float, Future[bool]] | None = None
        self._schema_applied = False
        self._schema_lock = threading.Lock()

    def ensure_schema(self) -> bool:
        """Apply the schema once; False while Neo4j cannot be reached (a later call retries)."""
        if self._schema_applied:
            return True
        with self._schema_lock:
            if not self._schema_applied:
                try:
                    self.apply_schema()
                except StoreUnavailableError:
                    return False
                self._schema_applied = True
        return True

    # --- every call to Neo4j, bounded ------------------------------------------------------------

    def _bounded(self, work: Callable[[], T]) -> T:
        """`work()` on a call thread; StoreUnavailableError as soon as Neo4j is found not to answer."""
        if self._frozen and not self._alive():
            raise StoreUnavailableError(f"Neo4j did not answer within {self._probe_s:g} seconds")
        future = self._submit(work)
        try:
            while True:
                try:
                    result = future.result(timeout=self._watch_s)
                    break
                except FutureTimeout:
                    if not self._alive():
                        raise StoreUnavailableError(
                            f"Neo4j did not answer within {self._probe_s:g} seconds"
                        ) from None
        except StoreUnavailableError:
            self._set_reachable(False)
            raise
        self._set_reachable(True)
        return result

    def _submit(self, work: Callable[[], T]) -> Future[T]:
        """`work` on a call thread; once the store is closed (the server shutting down, while a warm-up
        or a request still runs) no call starts any more, and the caller gets StoreUnavailableError."""
        try:
            return self._calls.submit(work)
        except RuntimeError:
            raise StoreUnavailableError("the server is shutting down") from None

    def _alive(self) -> bool:
        """Whether a ping answers: one ping at a time, its answer shared for `watch_s`. No answer within
        `probe_s` freezes the store; a refused connection is merely unreachable (it fails fast anyway)."""
        now = time.monotonic()
        with self._state_lock:
            probe = self._probe
            if probe is None or (probe[1].done() and now - probe[0] >= self._watch_s):
                probe = self._probe = (now, self._submit(self._ping_once))
            elif self._frozen and not probe[1].done():
                return False  # a ping of the frozen server is still out: fail fast
        started, answer = probe
        try:
            alive = answer.result(timeout=max(0.0, started + self._probe_s - time.monotonic()))
        except FutureTimeout:
            self._freeze()
            return False
        if alive:
            with self._state_lock:
                self._frozen = False
        return alive

    def _ping_once(self) -> bool:
        """One auto-commit ping (not retried: a refused connection answers at once) on a connection of
        its own: a pooled one may be the stuck one, and a new one's handshake is bounded by the
        driver's connection timeout, so a probe of a frozen server does not hang for the freeze."""
        try:
            with (
                self._errors(),
                self._open_driver() as driver,
                driver.session(database=self._database, default_access_mode="READ") as session,
            ):
                return session.run(cypher.query("ping")).single() is not None
        except BuyerGraphError:
            return False

    def _freeze(self) -> None:
        """Fail fast from now on, and leave the stuck connections to a driver of their own."""
        with self._state_lock:
            if self._frozen:
                return
            self._frozen = True
            stuck_driver, stuck_calls = self._driver, self._calls
            self._driver = self._open_driver()
            self._calls = ThreadPoolExecutor(max_workers=_CALL_THREADS, thread_name_prefix="buyergraph-neo4j")
            self._probe = None
        threading.Thread(target=_retire, args=(stuck_driver, stuck_calls), daemon=True).start()

    def _set_reachable(self, reachable: bool) -> None:
        """Log each change between reachable and unreachable once (not once per failed request)."""
        with self._state_lock:
            if reachable == self._reachable:
                return
            self._reachable = reachable
        if reachable:
            log.warning("Neo4j answers again; requests are served")
        else:
            log.warning("Neo4j is not reachable; requests get 503 with Retry-After until it answers")

    def _read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self._bounded(lambda: super(ServerNeo4jStore, self)._read(name, **params))

    def _write(self, work: Callable[[ManagedTransaction], T]) -> T:
        return self._bounded(lambda: super(ServerNeo4jStore, self)._write(work))

    def _account_graphs(self, *, company_ids: list[str] | None, deal_id: str | None) -> list[AccountGraph]:
        return self._bounded(
            lambda: super(ServerNeo4jStore, self)._account_graphs(company_ids=company_ids, deal_id=deal_id)
        )

    # The API's hot reads run several queries in one session (Neo4jStore._reading): bounded whole.
    def read_kept_answer(
        self, *, company_id: str | None = None, deal_id: str | None = None
    ) -> KeptAnswer | None:
        return self._bounded(
            lambda: super(ServerNeo4jStore, self).read_kept_answer(company_id=company_id, deal_id=deal_id)
        )

    def read_kept_key_people(self, company_id: str, *, limit: int | None = None) -> KeptKeyPeopleJson | None:
        return self._bounded(
            lambda: super(ServerNeo4jStore, self).read_kept_key_people(company_id, limit=limit)
        )

    def read_kept_deal_gaps(self, deal_id: str) -> KeptDealGapsJson | None:
        return self._bounded(lambda: super(ServerNeo4jStore, self).read_kept_deal_gaps(deal_id))

    def list_account_results(
        self, query: AccountFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[AccountListing]:
        return self._bounded(
            lambda: super(ServerNeo4jStore, self).list_account_results(query, offset=offset, limit=limit)
        )

    def list_account_rows(
        self, query: AccountFilter, *, offset: int = 0, limit: int = 50
    ) -> Page[AccountRow]:
        return self._bounded(
            lambda: super(ServerNeo4jStore, self).list_account_rows(query, offset=offset, limit=limit)
        )

    def list_deal_results(self, query: DealFilter, *, offset: int = 0, limit: int = 50) -> Page[DealListing]:
        return self._bounded(
            lambda: super(ServerNeo4jStore, self).list_deal_results(query, offset=offset, limit=limit)
        )

    def apply_schema(self) -> None:
        self._bounded(super().apply_schema)

    def counts(self) -> Counts:
        return self._bounded(super().counts)

    def existing_ids(self, kind: str, ids: Collection[str]) -> set[str]:
        return self._bounded(lambda: super(ServerNeo4jStore, self).existing_ids(kind, ids))

    def clear(self) -> None:
        self._bounded(super().clear)

    def run_read_only(
        self, text: str, parameters: dict[str, Any], *, timeout_s: float, max_rows: int, max_bytes: int
    ) -> ConsoleResult:
        return self._bounded(
            lambda: super(ServerNeo4jStore, self).run_read_only(
                text, parameters, timeout_s=timeout_s, max_rows=max_rows, max_bytes=max_bytes
            )
        )

    def close(self) -> None:
        """No call starts any more; the driver closes once the calls still running have returned (the
        driver's connections are not safe to close under a running call), waited for at most
        `probe_s` so that a frozen server cannot hold a shutdown: past that, it closes in the
        background when they return."""
        calls = self._calls
        calls.shutdown(wait=False, cancel_futures=True)

        def close_after_calls() -> None:
            calls.shutdown(wait=True)
            super(ServerNeo4jStore, self).close()

        closer = threading.Thread(target=close_after_calls, name="buyergraph-neo4j-close", daemon=True)
        closer.start()
        closer.join(timeout=self._probe_s)


def _retire(driver: Driver, calls: ThreadPoolExecutor) -> None:
    """Close a driver once the calls stuck on it have returned (after a freeze ends)."""
    calls.shutdown(wait=True)
    driver.close()


class TtlCache:
    """A small LRU cache whose entries expire, cleared whenever the store changes through the API,
    and keyed on the store's version when given one: each read asks `version()` first (cheap) and
    forgets every entry when it moved, so a change made by another process (an erasure through
    another worker of `serve --workers N`) is never answered from this one's cache.

    Concurrent requests for the same missing entry are computed once: a page that asks for an
    account's key people, deals and graph at the same moment runs one analysis, not three.
    """

    def __init__(
        self, ttl_s: float, max_entries: int = 2048, *, version: Callable[[], Hashable] | None = None
    ) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._version = version
        self._seen_version: Hashable = None
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._in_flight: dict[Hashable, Future[Any]] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        if self.ttl_s <= 0:
            return compute()
        current = self._version() if self._version is not None else None
        with self._lock:
            if current != self._seen_version:
                self._entries.clear()
                self._generation += 1
                self._seen_version = current
            hit = self._entries.get(key)
            if hit is not None and hit[0] > time.monotonic():
                self._entries.move_to_end(key)
                value: T = hit[1]
                return value
            flight = self._in_flight.get(key)
            owner = flight is None
            if flight is None:
                flight = self._in_flight[key] = Future()
            generation = self._generation
        if not owner:
            shared: T = flight.result()  # the owner's value, or its exception
            return shared
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                self._in_flight.pop(key, None)
            flight.set_exception(exc)
            raise
        with self._lock:
            if generation == self._generation:  # a write meanwhile: do not keep a stale answer
                self._entries[key] = (time.monotonic() + self.ttl_s, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            self._in_flight.pop(key, None)
        flight.set_result(value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1


class Runtime:
    """The process-wide state of one server: opened in `lifespan`, closed at shutdown."""

    def __init__(
        self,
        settings: Settings,
        store: GraphStore,
        *,
        keys: KeyRing | None = None,
        config: AnalysisConfig = DEFAULT_CONFIG,
    ) -> None:
        self.settings = settings
        self.store = store
        self.keys = keys or KeyRing.for_home(settings.home)
        #: Page sessions live beside the keys, so every worker process shares them.
        self.sessions = SessionStore.for_home(settings.home)
        #: The configuration as loaded; `config` is it with the kept lead weights (`buyergraph learn`).
        self.base_config = config
        self._config: tuple[float, AnalysisConfig, str] | None = None
        #: Moves whenever `_config` is forgotten: a lookup that started before keeps its answer to itself.
        self._config_generation = 0
        self.analysis_pool = ThreadPoolExecutor(
            max_workers=settings.analysis_workers, thread_name_prefix="buyergraph-analysis"
        )
        self.analysis_cache = TtlCache(settings.analysis_cache_s, version=self.store_version)
        self._store_version: Hashable = None
        self._ownership: tuple[float, OwnershipIndex] | None = None
        self._ownership_lock = threading.Lock()
        self._ownership_refreshing = False
        self._health: tuple[float, bool, str | None] | None = None
        from api.jobs import JobRegistry

        self.jobs = JobRegistry(settings.home.expanduser() / "jobs")

    #: Seconds a looked-up lead-weights model is trusted before the store is asked again.
    MODEL_LOOKUP_S = 30.0

    def _effective_config(self) -> tuple[AnalysisConfig, str]:
        cached = self._config
        if cached is not None and cached[0] > time.monotonic():
            return cached[1], cached[2]
        from api.refresh import kept_lead_weights

        generation = self._config_generation
        try:
            config, model = kept_lead_weights(self.store, self.base_config)
        except BuyerGraphError:
            if cached is not None:
                return cached[1], cached[2]
            raise
        if generation == self._config_generation:  # not forgotten meanwhile (a newly kept model)
            self._config = (time.monotonic() + self.MODEL_LOOKUP_S, config, model)
        return config, model

    def _forget_config(self) -> None:
        self._config = None
        self._config_generation += 1

    @property
    def config(self) -> AnalysisConfig:
        """The analysis configuration the analyses on request use: the loaded one, with the lead
        weights of the latest used lead-weights model `buyergraph learn` kept (`lead_model`)."""
        return self._effective_config()[0]

    @config.setter
    def config(self, value: AnalysisConfig) -> None:
        self.base_config = value
        self._forget_config()

    @property
    def lead_model(self) -> str:
        """The kept lead-weights model `config` uses, or "configuration"."""
        return self._effective_config()[1]

    def submit(self, work: Callable[[], T]) -> Future[T]:
        return self.analysis_pool.submit(work)

    def store_changed(self, *, mark_store: bool = True) -> None:
        """Forget cached results after a write through this server (ingest, erasure), and move the
        store's version so that the other worker processes forget theirs (`mark_store=False` when
        the write moved it already, as an erasure does in its own transaction)."""
        self._forget()
        if mark_store:
            try:
                self.store.mark_changed()
            except BuyerGraphError:
                log.warning(
                    "the store version could not be moved; other workers see the change when caches expire"
                )

    def _forget(self) -> None:
        self.analysis_cache.clear()
        self._forget_config()
        self._health = None
        with self._ownership_lock:
            self._ownership = None

    def store_version(self) -> Hashable:
        """The store's version (see `GraphStore.data_version`); when it moved since the last look,
        the cross-sell index is rebuilt too. A store that does not answer keeps the last version
        (its outage is reported by the read itself)."""
        try:
            current = self.store.data_version()
        except BuyerGraphError:
            return self._store_version
        if current != self._store_version:
            self._store_version = current
            self._forget_config()  # a newly kept lead-weights model moves the version (`learn`)
            with self._ownership_lock:
                self._ownership = None
        return current

    def ensure_schema(self) -> None:
        ensure = getattr(self.store, "ensure_schema", None)
        if ensure is not None:
            ensure()

    def ownership(self) -> OwnershipIndex:
        """The cross-sell ownership index of all accounts (one query over every holding).

        Built once, then refreshed in the background every `cross_sell_refresh_s` seconds while
        requests keep using the previous one; a write through any worker forces a rebuild.
        """
        self.store_version()
        with self._ownership_lock:
            current = self._ownership
            if current is not None:
                if current[0] <= time.monotonic() and not self._ownership_refreshing:
                    self._ownership_refreshing = True
                    threading.Thread(target=self._refresh_ownership, daemon=True).start()
                return current[1]
            return self._build_ownership()

    def _build_ownership(self) -> OwnershipIndex:
        companies, holdings = self.store.ownership()
        index = OwnershipIndex.build(companies, holdings, names=self.store.product_names())
        self._ownership = (time.monotonic() + self.settings.cross_sell_refresh_s, index)
        return index

    def _refresh_ownership(self) -> None:
        try:
            companies, holdings = self.store.ownership()
            index = OwnershipIndex.build(companies, holdings, names=self.store.product_names())
            with self._ownership_lock:
                if self._ownership is not None:  # a write meanwhile forces a synchronous rebuild
                    self._ownership = (time.monotonic() + self.settings.cross_sell_refresh_s, index)
        except BuyerGraphError:
            log.warning("the cross-sell index could not be refreshed; the previous one stays in use")
        finally:
            self._ownership_refreshing = False

    def store_health(self) -> tuple[bool, str | None]:
        """Whether the store answers, and why not; the answer is reused for `health_cache_s` seconds."""
        now = time.monotonic()
        cached = self._health
        if cached is not None and cached[0] > now:
            return cached[1], cached[2]
        try:
            reachable, detail = bool(self.store.ping()), None
        except BuyerGraphError as exc:
            reachable, detail = False, str(exc)
        self._health = (now + self.settings.health_cache_s, reachable, detail)
        return reachable, detail

    def warm_up(self) -> None:
        """Build the shared indexes in the background at start, so no request waits for them."""

        def work() -> None:
            try:
                self.ensure_schema()
                with self._ownership_lock:
                    if self._ownership is None:
                        self._build_ownership()
            except BuyerGraphError:
                log.warning("the store did not answer at start; indexes are built at the first request")

        threading.Thread(target=work, daemon=True).start()

    def close(self) -> None:
        self.analysis_pool.shutdown(wait=False, cancel_futures=True)
        self.jobs.close()
        self.store.close()
