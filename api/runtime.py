"""What one server process holds: the store (one driver), the key ring, the analysis workers and caches.

`create_app`'s lifespan builds one `Runtime` and closes it at shutdown. Nothing here knows HTTP; the
routers reach it through the dependency aliases in `api/deps.py`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import neo4j
from neo4j import Driver

from api.keys import KeyRing
from api.sessions import SessionStore
from api.settings import Settings
from graph.analyses import DEFAULT_CONFIG, AnalysisConfig, OwnershipIndex
from graph.errors import BuyerGraphError, ConfigurationError, StoreUnavailableError
from graph.stores.base import GraphStore
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
    try:
        driver = neo4j.GraphDatabase.driver(
            uri,
            auth=(settings.neo4j_username, settings.neo4j_secret()),
            notifications_min_severity="OFF",
            max_transaction_retry_time=2.0,
            connection_timeout=5.0,
            connection_acquisition_timeout=10.0,
            max_connection_pool_size=50,
        )
    except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
        raise ConfigurationError(f"NEO4J_URI {uri!r} is not a usable Neo4j address: {exc}") from None
    store = ServerNeo4jStore(driver, database=settings.neo4j_database)
    store.ensure_schema()
    return store


class ServerNeo4jStore(Neo4jStore):
    """A Neo4j store that owns its driver and applies the schema as soon as Neo4j answers."""

    _owns_driver = True

    def __init__(self, driver: Driver, *, database: str = "neo4j") -> None:
        super().__init__(driver, database=database, apply_schema=False)
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
                    log.warning("Neo4j is not reachable yet; the schema will be applied when it is")
                    return False
                self._schema_applied = True
        return True


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
        self.config = config
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

        self.jobs = JobRegistry()

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
        index = OwnershipIndex.build(companies, holdings)
        self._ownership = (time.monotonic() + self.settings.cross_sell_refresh_s, index)
        return index

    def _refresh_ownership(self) -> None:
        try:
            companies, holdings = self.store.ownership()
            index = OwnershipIndex.build(companies, holdings)
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
