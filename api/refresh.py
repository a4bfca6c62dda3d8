"""`buyergraph refresh`: analyse the book of accounts once and keep the results in the store.

The accounts to refresh (changed since their last refresh, or all) are analysed in batches: in this
process by default, or split into tasks that Dask runs, on local worker processes (`--workers N`)
or on an existing cluster given by its scheduler address. Each batch is read from the store,
analysed with the same functions as `buyergraph analyze` (`analyze_account`, without the parts a
kept result does not hold) and summarised (`account_result`), then written back as one batch.

Where the time goes (bench/RESULTS.md): the analysis of one account is a few milliseconds, while a
local Dask cluster costs seconds to start and each fresh worker process seconds more to import the
analyses. So this process does the work unless Dask is asked for (`--workers N`, `--scheduler`,
$DASK_SCHEDULER_ADDRESS); the tasks sent to a cluster are few and large, each worker is warmed once
(api/refresh_plugin.py: imports and the title classifier) and keeps one open store for all its tasks.

Secrets never travel in a task: a `StoreAddress` pickles to the backend, the Neo4j URI, user and
database (or the embedded store's folder), and each worker reads the Neo4j password from its own
environment or `.env` (NEO4J_PASSWORD). Local worker processes started here get it in their
environment; the workers of a remote cluster need the same settings as the client (docs/refresh.md).

Where results are written: a Neo4j task writes each batch itself (Neo4j takes concurrent write
transactions). The embedded store is one file replaced atomically; its tasks only read, and return
their results to this process, which writes them in batches: one writer, so no worker ever waits on
another's file lock nor rewrites the file with a result set missing another worker's batch. Either
store refuses a result computed before its account's last change (it stays stale).
"""

from __future__ import annotations

import math
import os
import socket
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from api.answers import render_answers
from api.settings import Settings
from api.stores import _NEO4J_SCHEMES, _embedded_home, open_store
from graph.analyses import AnalysisConfig, analyze_account
from graph.analyses.changes import changes_of_refresh
from graph.analyses.lead_weights import LEAD_WEIGHTS_KIND, LeadWeightsFit, use_lead_weights
from graph.analyses.portfolio import AccountResult, KeptWinFactor, account_result
from graph.analyses.results import AccountAnalysis
from graph.analyses.win_model import WIN_MODEL_KIND, WinModel, open_deal_rows, score_deals
from graph.errors import ConfigurationError, redact_uris
from graph.model import AccountGraph
from graph.stores.base import GraphStore
from ingest.progress import Progress
from ingest.titles import classify_title

__all__ = [
    "RefreshSummary",
    "StoreAddress",
    "compute_results",
    "keep_results",
    "refresh",
    "refresh_task",
]

#: Accounts read, analysed and written per batch (one read and one write per batch).
READ_BATCH = 200
#: Results gathered before they are written to an embedded store (one rewrite of its results file).
CLIENT_WRITE_BATCH = 5000
#: Without `--workers N` or a scheduler, refresh runs in this process. Measured on a 2-core machine
#: with 2,000 accounts (bench/RESULTS.md, 2026-12-07, "Refresh of the book, second pass"): of five
#: same-run comparisons (2 embedded, 3 Neo4j), in-process took less time in four; 2 local workers
#: cost 10-34 s to start and warm (an embedded one loads the whole store) and then competed with
#: the store for the same two cores. No size where local workers reliably win on such a machine, so
#: they run only when asked for (`--workers N`), e.g. on a machine with more idle cores.
#: Environment variable naming an existing Dask scheduler (Dask's own convention).
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
#: Tasks per worker: enough that no worker idles while another finishes a long task.
TASKS_PER_WORKER = 3


@dataclass(frozen=True)
class StoreAddress:
    """Which store a task opens: the backend and where it lives, never a driver nor a secret.

    `kind` is "neo4j" (`target` is the URI, with `username` and `database`) or "embedded" (`target`
    is the store's folder, absolute). The Neo4j password stays in this process (`secret`, which is
    neither pickled nor shown): a worker reads its own NEO4J_PASSWORD.
    """

    kind: Literal["neo4j", "embedded"]
    target: str
    username: str = "neo4j"
    database: str = "neo4j"
    secret: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, settings: Settings, override: str | None = None) -> StoreAddress:
        """The store `open_store(settings, override)` opens, as an address."""
        uri = override if override and override.startswith(_NEO4J_SCHEMES) else None
        if uri is None and override is None:
            uri = settings.neo4j_uri
        if uri:
            secret = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
            return cls("neo4j", uri, settings.neo4j_username, settings.neo4j_database, secret)
        return cls("embedded", str(_embedded_home(settings, override).resolve()))

    def __reduce__(self) -> tuple[Any, tuple[str, str, str, str]]:
        # Pickled into Dask tasks and plugins: everything but the secret.
        return (StoreAddress, (self.kind, self.target, self.username, self.database))

    def describe(self) -> str:
        """Where the store lives, for messages; never includes credentials."""
        if self.kind == "neo4j":
            return f"Neo4j at {redact_uris(self.target)}"
        return f"embedded store in {self.target}"

    def worker_env(self) -> dict[str, str]:
        """The environment local worker processes need to open this store (the Neo4j password)."""
        return {"NEO4J_PASSWORD": self.secret} if self.kind == "neo4j" and self.secret else {}

    def open(self) -> GraphStore:
        """Open the store; on a worker, with that worker's own credentials."""
        if self.kind == "embedded":
            folder = Path(self.target)
            if not (folder / "graph.json").is_file():
                raise ConfigurationError(
                    f"the embedded store {self.target} is not visible on {socket.gethostname()}: "
                    "Dask workers of an embedded store must see its folder at the same path (a shared "
                    "file system), or refresh in this process (no --scheduler)"
                )
            return open_store(Settings(NEO4J_URI=None), str(folder))
        password = self.secret
        if password is None:
            env = Settings()
            if env.neo4j_password is None or not env.neo4j_password.get_secret_value():
                raise ConfigurationError(
                    f"no NEO4J_PASSWORD on {socket.gethostname()}: each Dask worker reads the Neo4j "
                    "credentials from its own environment or .env (they never travel in a task)"
                )
            password = env.neo4j_password.get_secret_value()
        settings = Settings(
            NEO4J_URI=self.target,
            NEO4J_USERNAME=self.username,
            NEO4J_PASSWORD=password,
            NEO4J_DATABASE=self.database,
        )
        return open_store(settings, self.target)


@dataclass(frozen=True)
class RefreshSummary:
    accounts: int
    written: int
    as_of: date
    workers: str
    elapsed_s: float


def _account_graphs(store: GraphStore, account_ids: Sequence[str]) -> dict[str, AccountGraph]:
    """The records of these accounts, read as one batch by the store (`account_graphs`); accounts
    removed meanwhile are left out. The one place refresh reads accounts."""
    found = store.account_graphs(account_ids)
    return {account_id: found[account_id] for account_id in account_ids if account_id in found}


def _read_batch(store: GraphStore, account_ids: Sequence[str]) -> tuple[datetime, dict[str, AccountGraph]]:
    """The batch's `computed_at`, taken before its records are read, and the records."""
    computed_at = datetime.now(UTC)
    return computed_at, _account_graphs(store, account_ids)


#: What results say they used when no learned model is in use: the configured weights.
CONFIGURATION = "configuration"


def kept_lead_weights(store: GraphStore, config: AnalysisConfig) -> tuple[AnalysisConfig, str]:
    """(the configuration whose lead score uses the latest lead weights `buyergraph learn` kept, when
    their fit was used; the kept model's id) or (config, "configuration"): the one place the analyses
    (refresh, analyze, the API) take learned lead weights, through `use_lead_weights`."""
    kept = store.read_model(LEAD_WEIGHTS_KIND)
    if kept is None or not kept.used:
        return config, CONFIGURATION
    return use_lead_weights(config, LeadWeightsFit.model_validate(kept.document)), kept.id


def kept_win_model(store: GraphStore) -> WinModel | None:
    """The latest model `buyergraph learn` kept, when its back-test let it be used; else None (the
    configured weights stay)."""
    kept = store.read_model(WIN_MODEL_KIND)
    if kept is None or not kept.used:
        return None
    return WinModel.model_validate(kept.document)


def deal_wins(
    model: WinModel, account: AccountGraph, analysis: AccountAnalysis, config: AnalysisConfig
) -> dict[str, tuple[float, list[KeptWinFactor]]]:
    """deal id -> each open deal's win likelihood under `model` and its factors as kept: the one way
    refresh and the on-request answers (api/routers/_analysis.py `win_of_sync`) score deals."""
    rows = open_deal_rows(account, analysis, config=config, classify=classify_title)
    return {
        deal_id: (
            likelihood,
            [
                KeptWinFactor(feature=f.feature, points=f.points, text=f.text, message=f.message)
                for f in factors
            ],
        )
        for deal_id, (likelihood, factors) in score_deals(model, rows).items()
    }


def _with_win(
    result: AccountResult,
    account: AccountGraph,
    analysis: AccountAnalysis,
    model: WinModel | None,
    config: AnalysisConfig,
) -> AccountResult:
    """The result with each open deal's win likelihood and factors from `model` (or "configuration")."""
    if model is None or not result.deals:
        return result
    scored = deal_wins(model, account, analysis, config)
    deals = []
    for d in result.deals:
        if d.deal_id not in scored:
            deals.append(d)
            continue
        likelihood, kept = scored[d.deal_id]
        deals.append(
            d.model_copy(update={"win_likelihood": likelihood, "win_model": model.id, "win_factors": kept})
        )
    return result.model_copy(update={"deals": deals})


def _results_of(
    graphs: dict[str, AccountGraph],
    computed_at: datetime,
    as_of: date,
    config: AnalysisConfig,
    model: WinModel | None = None,
    lead_model: str = CONFIGURATION,
) -> list[AccountResult]:
    results = []
    for account in graphs.values():
        analysis = analyze_account(account, as_of=as_of, config=config, classify=classify_title)
        result = account_result(account, analysis, computed_at=computed_at)
        if result.detail is not None:
            detail = result.detail.model_copy(update={"lead_model": lead_model})
            # The busiest read answers rendered once here, sent as kept by the API (api/answers.py).
            result = result.model_copy(update={"detail": detail, "answers": render_answers(detail)})
        results.append(_with_win(result, account, analysis, model, config))
    return results


def compute_results(
    store: GraphStore, account_ids: Sequence[str], *, as_of: date, config: AnalysisConfig
) -> list[AccountResult]:
    """The kept results of these accounts, from `analyze_account` on the accounts as read now.

    The batch's `computed_at` is taken before its records are read, so a change written while it is
    analysed leaves the result stale (the store refuses to keep it). Accounts removed in the meantime
    are skipped. Only what a kept result holds is computed (no cross-sell); the kept result equals
    what `buyergraph analyze` reports, key people's explanations included (the read endpoints answer
    from it).
    """
    model = kept_win_model(store)
    config, lead_model = kept_lead_weights(store, config)
    computed_at, graphs = _read_batch(store, account_ids)
    return _results_of(graphs, computed_at, as_of, config, model, lead_model)


def _analysed_batches(
    store: GraphStore, ids: Sequence[str], as_of: date, config: AnalysisConfig
) -> Iterator[tuple[int, list[AccountResult]]]:
    """(accounts in the batch, their results) per READ_BATCH accounts, as `compute_results` gives
    them; from Neo4j the next batch is read on a thread while this one is analysed, so that the
    server's side of a read overlaps the analysis."""
    batches = [ids[i : i + READ_BATCH] for i in range(0, len(ids), READ_BATCH)]
    if not batches:
        return
    model = kept_win_model(store)
    config, lead_model = kept_lead_weights(store, config)
    if store.backend == "embedded":  # reads are this process's own work: a thread would only contend
        for batch in batches:
            computed_at, graphs = _read_batch(store, batch)
            yield len(batch), _results_of(graphs, computed_at, as_of, config, model, lead_model)
        return
    with ThreadPoolExecutor(1, thread_name_prefix="refresh-read") as reader:
        ahead = reader.submit(_read_batch, store, batches[0])
        for index, batch in enumerate(batches):
            computed_at, graphs = ahead.result()
            if index + 1 < len(batches):
                ahead = reader.submit(_read_batch, store, batches[index + 1])
            yield len(batch), _results_of(graphs, computed_at, as_of, config, model, lead_model)


def keep_results(store: GraphStore, results: Sequence[AccountResult]) -> int:
    """Keep these results (`write_results`) and append what changed against the results kept before
    them to the store's change log (graph/analyses/changes.py). The one place refresh writes results.
    Returns how many results the store kept; results it refused (stale) log nothing."""
    if not results:
        return 0
    ids = [r.account_id for r in results]
    before = store.read_change_bases(ids)
    written = store.write_results(results)
    kept: Sequence[AccountResult] = results
    if written < len(results):  # some were refused: only those the store now holds changed anything
        now = store.read_results(ids)
        kept = [
            r for r in results if (k := now.get(r.account_id)) is not None and k.computed_at == r.computed_at
        ]
    store.append_changes(changes_of_refresh(before, kept, detected_at=datetime.now(UTC)))
    return written


class _WriteBehind:
    """Writes batches of results to Neo4j on one thread, one batch at a time, while the caller
    analyses the next batch (a Neo4j write is mostly the server's work; an embedded store is written
    in line); a failed write surfaces at the next write or at the end. `written` counts the results
    the store kept."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="refresh-write")
        self._last: Future[int] | None = None
        self.written = 0

    def write(self, results: list[AccountResult]) -> None:
        self._collect()
        if self._store.backend == "embedded":  # this process's own work: written in line
            self.written += keep_results(self._store, results)
            return
        self._last = self._pool.submit(keep_results, self._store, results)

    def _collect(self) -> None:
        if self._last is not None:
            last, self._last = self._last, None
            self.written += last.result()

    def __enter__(self) -> _WriteBehind:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._collect()
        finally:
            self._pool.shutdown(wait=True)


# --- on a Dask worker ---------------------------------------------------------------------------

_stores: dict[StoreAddress, GraphStore] = {}
_stores_lock = threading.Lock()


def _worker_store(address: StoreAddress) -> GraphStore:
    """This worker process's open store for `address`: opened by its first task, kept for the next
    ones (an embedded store is loaded once, a Neo4j driver connects once), closed by the plugin."""
    with _stores_lock:
        store = _stores.get(address)
        if store is None:
            store = _stores[address] = address.open()
        return store


def warm_up() -> None:
    """Import the analyses and load the title classifier, so that a worker's first task does not pay
    for them: one small analysis of a made-up account runs every lazy import."""
    from graph.model import Company, Deal, Person

    account = AccountGraph(
        company=Company(id="warm-up", name="Warm-up"),
        people=[Person(id="p", name="P", title="Chief Financial Officer", company_id="warm-up")],
        deals=[Deal(id="d", company_id="warm-up", amount=10_000)],
    )
    analyze_account(account, as_of=date(2025, 1, 1), classify=classify_title)


def close_worker_stores() -> None:
    """Close the stores this worker process's tasks opened (when the worker stops)."""
    with _stores_lock:
        stores = list(_stores.values())
        _stores.clear()
    for store in stores:
        store.close()


def refresh_task(
    address: StoreAddress, account_ids: Sequence[str], as_of: date, config: AnalysisConfig, write: bool
) -> list[AccountResult] | int:
    """One Dask task: read, analyse and (with `write`) keep its accounts in batches, with the
    worker's open store. Returns how many results were written, or the results when the caller
    writes them."""
    store = _worker_store(address)
    kept: list[AccountResult] = []
    with _WriteBehind(store) as writer:
        for _, results in _analysed_batches(store, account_ids, as_of, config):
            if write:
                writer.write(results)
            else:
                kept.extend(results)
    return writer.written if write else kept


# --- in the client ------------------------------------------------------------------------------


def _tasks(ids: Sequence[str], workers: int) -> list[list[str]]:
    """`TASKS_PER_WORKER` tasks per worker (so that a slow task does not hold the end back), at most
    1,000 accounts each (so that the progress bar moves)."""
    count = max(1, workers * TASKS_PER_WORKER, math.ceil(len(ids) / 1000))
    size = max(1, math.ceil(len(ids) / count))
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


@contextmanager
def _dask_client(
    scheduler: str | None, workers: int | None, address: StoreAddress
) -> Iterator[tuple[Any, str]]:
    """A client of the cluster at `scheduler`, else of `workers` local worker processes, with every
    worker warmed by `RefreshWorkerPlugin`."""
    try:
        from distributed import Client, LocalCluster

        from api.refresh_plugin import RefreshWorkerPlugin
    except ImportError as exc:  # pragma: no cover - a dependency of buyergraph
        raise ConfigurationError("refresh needs the 'distributed' package (Dask)") from exc
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise ConfigurationError(
                f"no Dask scheduler answers at {scheduler!r} ({type(exc).__name__})"
            ) from None
        try:
            client.register_plugin(RefreshWorkerPlugin())
            yield client, f"Dask cluster at {scheduler}"
        finally:
            client.close()  # type: ignore[no-untyped-call]
        return
    n = workers or os.cpu_count() or 1
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
            env=address.worker_env(),
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        client.register_plugin(RefreshWorkerPlugin())
        yield client, f"{n} local Dask worker process(es)"


def _in_process(
    store: GraphStore, ids: Sequence[str], as_of: date, config: AnalysisConfig, bar: Progress
) -> int:
    """Read and analyse READ_BATCH accounts at a time; write each batch to Neo4j, and to an embedded
    store every CLIENT_WRITE_BATCH results (each of its writes rewrites and rereads the whole results
    file: per read batch, that was a fifth of a 2,000-account refresh). Reads and writes run on
    their own threads beside the analysis."""
    write_every = CLIENT_WRITE_BATCH if store.backend == "embedded" else 1
    pending: list[AccountResult] = []
    with _WriteBehind(store) as writer:
        for size, results in _analysed_batches(store, ids, as_of, config):
            pending.extend(results)
            if len(pending) >= write_every:
                writer.write(pending)
                pending = []
            bar.update(size)
        if pending:
            writer.write(pending)
    return writer.written


def _on_dask(
    client: Any,
    store: GraphStore,
    address: StoreAddress,
    ids: Sequence[str],
    as_of: date,
    config: AnalysisConfig,
    bar: Progress,
) -> int:
    from distributed import as_completed

    write_in_tasks = address.kind != "embedded"
    chunks = _tasks(ids, len(client.scheduler_info().get("workers", {})) or 1)
    futures = [
        client.submit(refresh_task, address, chunk, as_of, config, write_in_tasks, pure=False)
        for chunk in chunks
    ]
    size_of = {f.key: len(chunk) for f, chunk in zip(futures, chunks, strict=True)}
    written = 0
    pending: list[AccountResult] = []
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        outcome = future.result()
        if isinstance(outcome, int):
            written += outcome
        else:
            pending.extend(outcome)
            if len(pending) >= CLIENT_WRITE_BATCH:
                written += keep_results(store, pending)
                pending = []
        bar.update(size_of[future.key])
    if pending:
        written += keep_results(store, pending)
    return written


def refresh(
    store: GraphStore,
    address: StoreAddress,
    *,
    as_of: date,
    config: AnalysisConfig,
    everything: bool = False,
    account_ids: Sequence[str] | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool | None = None,
) -> RefreshSummary:
    """Refresh the accounts that changed since their last refresh (all with `everything`, or exactly
    `account_ids`) and keep their results. `scheduler` (or $DASK_SCHEDULER_ADDRESS) names an existing
    Dask cluster; `workers` N > 0 starts N local worker processes; otherwise (and with 0) this process
    does the work (see the measurements above). `progress`: None draws a bar only on a terminal."""
    started = datetime.now(UTC)
    ids = list(account_ids) if account_ids is not None else store.accounts_to_refresh(everything=everything)
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    written = 0
    where = "this process"
    local = scheduler is None and not workers
    with Progress(len(ids), "refreshing accounts", enabled=progress) as bar:
        if ids and local:
            written = _in_process(store, ids, as_of, config, bar)
        elif ids:
            with _dask_client(scheduler, workers, address) as (client, where):
                written = _on_dask(client, store, address, ids, as_of, config, bar)
    elapsed = (datetime.now(UTC) - started).total_seconds()
    return RefreshSummary(accounts=len(ids), written=written, as_of=as_of, workers=where, elapsed_s=elapsed)
