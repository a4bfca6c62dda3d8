"""`buyergraph refresh`: analyse the book of accounts once and keep the results in the store.

The accounts to refresh (changed since their last refresh, or all) are split into tasks that Dask
runs: on local worker processes (one per core) by default, or on an existing cluster given by its
scheduler address. Each task opens the store from its configuration (a live driver never travels to
a worker), reads its accounts one batch at a time, runs the same analysis as `buyergraph analyze`
(`analyze_account`) and summarises it (`account_result`).

Where results are written: a Neo4j task writes each batch itself (Neo4j takes concurrent write
transactions). The embedded store is one file replaced atomically; its tasks only read, and return
their results to this process, which writes them in batches: one writer, so no worker ever waits on
another's file lock nor rewrites the file with a result set missing another worker's batch.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from api.settings import Settings
from api.stores import open_store
from graph.analyses import AnalysisConfig, analyze_account
from graph.analyses.portfolio import AccountResult, account_result
from graph.errors import ConfigurationError
from graph.stores.base import GraphStore
from ingest.progress import Progress
from ingest.titles import classify_title

__all__ = ["StoreAddress", "RefreshSummary", "compute_results", "refresh", "refresh_task"]

#: Accounts read, analysed and written per batch inside a task.
READ_BATCH = 100
#: Results the client gathers before writing them to an embedded store.
CLIENT_WRITE_BATCH = 2000
#: Up to this many accounts are refreshed in this process, without starting Dask workers (after a
#: small ingest, starting a local cluster would cost more than the work).
IN_PROCESS_MAX = 50
#: Environment variable naming an existing Dask scheduler (Dask's own convention).
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


@dataclass(frozen=True)
class StoreAddress:
    """How a task opens the store: the settings and the `--store` override, never a driver."""

    settings: Settings
    override: str | None = None

    def open(self) -> GraphStore:
        return open_store(self.settings, self.override)


@dataclass(frozen=True)
class RefreshSummary:
    accounts: int
    written: int
    as_of: date
    workers: str
    elapsed_s: float


def compute_results(
    store: GraphStore, account_ids: Sequence[str], *, as_of: date, config: AnalysisConfig
) -> list[AccountResult]:
    """The kept results of these accounts, each from `analyze_account` on the account as read now.

    The accounts are read in one batch (`account_graphs`); `computed_at` is taken before the read, so
    a change written while they are analysed leaves the results stale. Accounts removed in the
    meantime are skipped.
    """
    results = []
    computed_at = datetime.now(UTC)
    accounts = store.account_graphs(account_ids)
    for account_id in account_ids:
        account = accounts.get(account_id)
        if account is None:
            continue
        analysis = analyze_account(account, as_of=as_of, config=config, classify=classify_title)
        results.append(account_result(account, analysis, computed_at=computed_at))
    return results


def refresh_task(
    address: StoreAddress, account_ids: Sequence[str], as_of: date, config: AnalysisConfig, write: bool
) -> list[AccountResult] | int:
    """One Dask task: open the store, then read, analyse and (with `write`) keep its accounts in
    batches. Returns how many results were written, or the results when the caller writes them."""
    kept: list[AccountResult] = []
    written = 0
    with address.open() as store:
        for start in range(0, len(account_ids), READ_BATCH):
            results = compute_results(
                store, account_ids[start : start + READ_BATCH], as_of=as_of, config=config
            )
            if write:
                written += store.write_results(results)
            else:
                kept.extend(results)
    return written if write else kept


def _tasks(ids: Sequence[str], workers: int, per_worker: int) -> list[list[str]]:
    """`per_worker` tasks per worker (several, so that a slow task does not hold the end back), at
    most 1,000 accounts each (so that the progress bar moves)."""
    count = max(1, workers * per_worker, math.ceil(len(ids) / 1000))
    size = max(1, math.ceil(len(ids) / count))
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


@contextmanager
def _dask_client(scheduler: str | None, workers: int | None) -> Iterator[tuple[Any, str]]:
    """A client of the cluster at `scheduler`, else of local worker processes (one per core)."""
    try:
        from distributed import Client, LocalCluster
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
            yield client, f"Dask cluster at {scheduler}"
        finally:
            client.close()  # type: ignore[no-untyped-call]
        return
    n = workers or os.cpu_count() or 1
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client, f"{n} local Dask worker process(es)"


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
    Dask cluster; otherwise `workers` local processes run the tasks (default: one per core), or this
    process alone for a handful of accounts. `progress`: None draws a bar only on a terminal."""
    started = datetime.now(UTC)
    ids = list(account_ids) if account_ids is not None else store.accounts_to_refresh(everything=everything)
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    written = 0
    where = "this process"
    write_in_tasks = store.backend != "embedded"
    with Progress(len(ids), "refreshing accounts", enabled=progress) as bar:
        if ids and scheduler is None and (len(ids) <= IN_PROCESS_MAX or workers == 0):
            for start in range(0, len(ids), READ_BATCH):
                batch = ids[start : start + READ_BATCH]
                written += store.write_results(compute_results(store, batch, as_of=as_of, config=config))
                bar.update(len(batch))
        elif ids:
            from distributed import as_completed

            with _dask_client(scheduler, workers) as (client, where):
                # An embedded-store task first loads the whole store file: fewer, larger tasks.
                per_worker = 4 if write_in_tasks else 2
                chunks = _tasks(ids, len(client.scheduler_info().get("workers", {})) or 1, per_worker)
                futures = [
                    client.submit(refresh_task, address, chunk, as_of, config, write_in_tasks, pure=False)
                    for chunk in chunks
                ]
                size_of = {f.key: len(chunk) for f, chunk in zip(futures, chunks, strict=True)}
                pending: list[AccountResult] = []
                for future in as_completed(futures):  # type: ignore[no-untyped-call]
                    outcome = future.result()
                    if isinstance(outcome, int):
                        written += outcome
                    else:
                        pending.extend(outcome)
                        if len(pending) >= CLIENT_WRITE_BATCH:
                            written += store.write_results(pending)
                            pending = []
                    bar.update(size_of[future.key])
                if pending:
                    written += store.write_results(pending)
    elapsed = (datetime.now(UTC) - started).total_seconds()
    return RefreshSummary(accounts=len(ids), written=written, as_of=as_of, workers=where, elapsed_s=elapsed)
