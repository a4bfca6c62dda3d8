"""Benchmark: `buyergraph refresh` of a generated book of accounts, against analysing them one by one.

For each store (embedded, and Neo4j when NEO4J_URI / NEO4J_PASSWORD are set):

- baseline: today's on-request path, one account after the other in one process: `store.account_graph`
  + `analyze_account` with the ownership index built once (as a server does). Timed on every account
  (or on `--sample N` of them, extrapolated to the whole book);
- refresh: `api.refresh.refresh(..., everything=True)` in this process (the default), results written
  to the store; then on local Dask worker processes (one per core, or `--workers N`; 0 skips it),
  first on `--fixed-probe` accounts (which shows the fixed cost of a cluster) and then on all, and
  the crossover where Dask would win, from those figures;
- the ceiling, in the same run as the baseline: the kept analysis alone (no read, no write) per
  account, wall and this process's CPU, and baseline / that: what a refresh with free reads and writes
  could reach in one process. `--profile-kept N` adds a cProfile of it (top 15); each step prints
  the load average.

Then, with `--list-requests N`, the account list sorted by high gaps (`list_account_results`), asked
by 16 threads at once: p50 and p95 over the requests, on the refreshed book and, with
`--synthetic-accounts N`, on N synthetic accounts with kept results written straight into the
store (a generated world of 100,000 accounts takes too long to make on a 2-core machine).

    python bench/bench_refresh.py [--accounts 10000] [--world DIR] [--embedded-home DIR] [--reuse-store]
                                  [--sample N] [--workers N] [--no-neo4j] [--no-embedded]
                                  [--analysis-sample 300] [--profile-kept N]
                                  [--list-requests 200] [--synthetic-accounts 100000] [--synthetic-only]

With `--synthetic-only` no world is generated: the store holds only the synthetic accounts, and the
list is measured three ways: sorted by high gaps (one page from the index / sorted order, the count
from the count store), the same with a filter on a figure that every account passes (`min_gaps=0`:
the count then takes a pass over every account), and sorted by high gaps with a page deep in the list.

The Neo4j database named by NEO4J_URI is WIPED: point it at a scratch server.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.refresh import READ_BATCH, StoreAddress, _read_batch, _results_of, keep_results, refresh  # noqa: E402
from api.settings import Settings  # noqa: E402
from graph.analyses import DEFAULT_CONFIG, OwnershipIndex, analyze_account  # noqa: E402
from graph.analyses.portfolio import AccountFilter, AccountResult  # noqa: E402
from graph.analyses.results import GapKind, Severity  # noqa: E402
from graph.model import Company  # noqa: E402
from graph.stores.base import GraphStore  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from ingest.loader import ingest_paths  # noqa: E402
from ingest.synthetic.generator import DEFAULT_AS_OF, generate_world  # noqa: E402
from ingest.titles import classify_title  # noqa: E402

AS_OF: date = DEFAULT_AS_OF


def baseline_per_account(store: GraphStore, ids: list[str], sample: int) -> tuple[float, float]:
    """Seconds per account of the on-request path, measured on a random sample: wall, and this
    process's CPU (a Neo4j server's CPU is not in it)."""
    chosen = random.Random(7).sample(ids, min(sample, len(ids)))
    ownership = OwnershipIndex.build(*store.ownership())
    started, cpu = time.perf_counter(), time.process_time()
    for account_id in chosen:
        account = store.account_graph(account_id)
        analyze_account(
            account, as_of=AS_OF, config=DEFAULT_CONFIG, ownership=ownership, classify=classify_title
        )
    return (time.perf_counter() - started) / len(chosen), (time.process_time() - cpu) / len(chosen)


def analysis_only(
    store: GraphStore, ids: list[str], sample: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Seconds per account of the analysis alone, on records read beforehand: the on-request
    `analyze_account` (cross-sell, explanations) and the refresh's (what a kept result holds), each
    as (wall, this process's CPU). The kept analysis runs in batches of READ_BATCH, as a refresh
    runs it (a batch's results stay alive until it is written)."""
    chosen = random.Random(11).sample(ids, min(sample, len(ids)))
    graphs = [store.account_graph(account_id) for account_id in chosen]
    ownership = OwnershipIndex.build(*store.ownership())
    started, cpu = time.perf_counter(), time.process_time()
    for account in graphs:
        analyze_account(
            account, as_of=AS_OF, config=DEFAULT_CONFIG, ownership=ownership, classify=classify_title
        )
    full = ((time.perf_counter() - started) / len(graphs), (time.process_time() - cpu) / len(graphs))
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(graphs), READ_BATCH):
        batch = graphs[start : start + READ_BATCH]
        _results_of({g.company.id: g for g in batch}, datetime.now(UTC), AS_OF, DEFAULT_CONFIG)
    kept = ((time.perf_counter() - started) / len(graphs), (time.process_time() - cpu) / len(graphs))
    return full, kept


def profile_kept(store: GraphStore, ids: list[str], sample: int, top: int = 15) -> None:
    """cProfile of the kept analysis (`_results_of`) on `sample` accounts read beforehand: the
    `top` functions by own time."""
    import cProfile
    import pstats

    chosen = random.Random(13).sample(ids, min(sample, len(ids)))
    graphs = [store.account_graph(account_id) for account_id in chosen]
    profiler = cProfile.Profile()
    profiler.enable()
    for start in range(0, len(graphs), READ_BATCH):
        batch = graphs[start : start + READ_BATCH]
        _results_of({g.company.id: g for g in batch}, datetime.now(UTC), AS_OF, DEFAULT_CONFIG)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def phases(store: GraphStore, ids: list[str], batches: int) -> tuple[float, float, float, int]:
    """Seconds per account of the refresh's three steps, one after the other (no overlap), on
    `batches` batches of READ_BATCH accounts: the batched read, the analysis (kept parts +
    `account_result`) and the write (`keep_results`: the old results for the change log, the new
    results, the log)."""
    read = analyse = write = 0.0
    done = 0
    for start in range(0, min(len(ids), batches * READ_BATCH), READ_BATCH):
        batch = ids[start : start + READ_BATCH]
        t0 = time.perf_counter()
        computed_at, graphs = _read_batch(store, batch)
        t1 = time.perf_counter()
        results = _results_of(graphs, computed_at, AS_OF, DEFAULT_CONFIG)
        t2 = time.perf_counter()
        keep_results(store, results)
        t3 = time.perf_counter()
        read, analyse, write = read + t1 - t0, analyse + t2 - t1, write + t3 - t2
        done += len(batch)
    return read / done, analyse / done, write / done, done


def list_latency(
    store: GraphStore,
    requests: int,
    clients: int = 16,
    query: AccountFilter | None = None,
    offset: int = 0,
) -> tuple[float, float]:
    """p50 and p95 (ms) of the account list sorted by high gaps, `clients` threads at once."""
    query = query or AccountFilter(sort="gaps_high", descending=True)

    def one(_: int) -> float:
        started = time.perf_counter()
        store.list_account_results(query, offset=offset, limit=50)
        return (time.perf_counter() - started) * 1000

    one(0)  # warm up (plans, caches)
    with ThreadPoolExecutor(clients) as pool:
        times = sorted(pool.map(one, range(requests)))
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def synthetic_results(store: GraphStore, count: int) -> None:
    """`count` companies with a kept result each (random figures), written in batches."""
    rng = random.Random(3)
    now = datetime.now(UTC)
    for start in range(0, count, 25000):
        ids = [f"SYN-{i:07d}" for i in range(start, min(count, start + 25000))]
        store.upsert_all([("companies", [Company(id=cid, name=f"Synthetic {cid}") for cid in ids])])
        results = []
        for cid in ids:
            high = rng.randint(0, 6)
            by_kind = {k.value: 0 for k in GapKind}
            by_kind["missing_role"] = high
            results.append(
                AccountResult(
                    account_id=cid,
                    as_of=AS_OF,
                    computed_at=now,
                    open_deals=1,
                    coverage=rng.random(),
                    completeness=rng.random(),
                    gaps_total=high,
                    gaps_by_kind=by_kind,
                    gaps_by_severity={
                        Severity.HIGH.value: high,
                        Severity.MEDIUM.value: 0,
                        Severity.LOW.value: 0,
                    },
                    engagement_score=rng.random() * 100,
                    engagement_trend="steady",
                    at_risk=False,
                    buying_stage="awareness",
                    key_people=[],
                    deals=[],
                )
            )
        store.write_results(results)


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def run_synthetic(name: str, store: GraphStore, args: argparse.Namespace) -> None:
    """The list on `--synthetic-accounts` accounts with kept results and nothing else."""
    held = store.list_account_results(AccountFilter(), limit=1).count
    if args.reuse and held == args.synthetic_accounts:
        print(f"[{name}] reusing the {held:,} synthetic accounts the store holds", flush=True)
    else:
        store.clear()
        started = time.perf_counter()
        synthetic_results(store, args.synthetic_accounts)
        print(
            f"[{name}] wrote {args.synthetic_accounts:,} synthetic accounts with kept results "
            f"in {time.perf_counter() - started:.0f} s (not measured)",
            flush=True,
        )
    store.ping()
    with ThreadPoolExecutor(16) as pool:
        floor = sorted(pool.map(lambda _: _timed(store.ping), range(args.list_requests)))
    print(
        f"[{name}] floor, the store's ping, 16 clients: p50 {statistics.median(floor):.1f} ms, "
        f"p95 {floor[int(0.95 * (len(floor) - 1))]:.1f} ms",
        flush=True,
    )
    sort = AccountFilter(sort="gaps_high", descending=True)
    for label, query, offset in (
        ("sorted by high gaps", sort, 0),
        ("same, filter min_gaps=0 (count passes every account)", sort.model_copy(update={"min_gaps": 0}), 0),
        ("sorted by high gaps, page at offset 50,000", sort, 50_000),
    ):
        if offset and args.no_deep_page:
            continue
        p50, p95 = list_latency(store, args.list_requests, query=query, offset=offset)
        print(
            f"[{name}] account list {label}, {args.synthetic_accounts:,} accounts, 16 clients: "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
            flush=True,
        )


def timed_refresh(
    store: GraphStore, address: StoreAddress, ids: list[str] | None, workers: int | None
) -> tuple[float, int, str]:
    summary = refresh(
        store,
        address,
        as_of=AS_OF,
        config=DEFAULT_CONFIG,
        everything=ids is None,
        account_ids=ids,
        workers=workers,
        progress=False,
    )
    return summary.elapsed_s, summary.written, summary.workers


def run(name: str, store: GraphStore, address: StoreAddress, folder: Path, args: argparse.Namespace) -> None:
    if args.reuse_store and store.accounts_to_refresh(everything=True):
        print(f"[{name}] reusing the loaded store (not measured)")
    else:
        store.clear()
        started = time.perf_counter()
        ingest_paths([folder], store, progress=False)
        print(f"[{name}] ingest: {time.perf_counter() - started:.1f} s (not measured)")
    ids = store.accounts_to_refresh(everything=True)
    print(f"[{name}] {_load()}", flush=True)
    per, per_cpu = baseline_per_account(store, ids, args.sample or len(ids))
    loop = per * len(ids)
    measured = min(args.sample or len(ids), len(ids))
    print(
        f"[{name}] baseline, one by one: {per * 1000:.1f} ms/account on {measured:,} accounts -> "
        f"{loop:.1f} s for {len(ids):,}"
        + (" (extrapolated)" if measured < len(ids) else "")
        + f"; this process's CPU {per_cpu * 1000:.1f} ms/account; {_load()}",
        flush=True,
    )
    (full, full_cpu), (kept, kept_cpu) = analysis_only(store, ids, args.analysis_sample)
    print(
        f"[{name}] analysis alone, {min(args.analysis_sample, len(ids))} accounts read beforehand: "
        f"on-request {full * 1000:.1f} ms/account (CPU {full_cpu * 1000:.1f}), refresh's (kept parts "
        f"only, + account_result, batches of {READ_BATCH}) {kept * 1000:.1f} ms/account (CPU "
        f"{kept_cpu * 1000:.1f}); {_load()}",
        flush=True,
    )
    print(
        f"[{name}] ceiling: baseline / kept analysis alone = {per / kept:.1f}x wall, "
        f"{per_cpu / kept_cpu:.1f}x this process's CPU (a refresh with free reads and writes, in one "
        "process)",
        flush=True,
    )
    if args.profile_kept:
        profile_kept(store, ids, args.profile_kept)
    if args.phase_batches:
        with address.open() as fresh:  # as a refresh process finds it: nothing read yet
            read, analyse, write, done = phases(fresh, ids, args.phase_batches)
        print(
            f"[{name}] where the time goes, {done:,} accounts in batches of {READ_BATCH}, steps one after "
            f"the other: read {read * 1000:.1f}, analysis {analyse * 1000:.1f}, write {write * 1000:.1f} "
            "ms/account"
        )
    # Refresh runs on the store as `buyergraph refresh` opens it: the baseline above has read (and an
    # embedded store has cached) every account in this process already.
    with address.open() as fresh:
        elapsed, written, where = timed_refresh(fresh, address, None, 0)
    print(
        f"[{name}] refresh in process (the default): {written:,} accounts in {elapsed:.1f} s "
        f"({elapsed / max(written, 1) * 1000:.1f} ms/account) -> {loop / elapsed:.1f}x the baseline"
    )
    if args.workers != 0:
        workers = args.workers or os.cpu_count() or 1
        small = ids[: args.fixed_probe]
        fixed, _, _ = timed_refresh(store, address, small, workers)
        print(
            f"[{name}] refresh of {len(small)} accounts on {workers} local Dask workers: {fixed:.1f} s "
            "(~ the fixed cost: cluster start, worker warm-up)"
        )
        elapsed_d, written_d, where = timed_refresh(store, address, None, workers)
        print(
            f"[{name}] refresh on {where}: {written_d:,} accounts in {elapsed_d:.1f} s "
            f"-> {loop / elapsed_d:.1f}x the baseline"
        )
        per_in = elapsed / max(written, 1)
        per_d = max(elapsed_d - fixed, 0.001) / max(written_d, 1)
        if per_d < per_in:
            print(
                f"[{name}] crossover: Dask wins above ~{fixed / (per_in - per_d):,.0f} accounts "
                f"({per_in * 1000:.1f} ms/account in process, {per_d * 1000:.1f} ms/account on Dask "
                f"after {fixed:.1f} s fixed)"
            )
        else:
            print(
                f"[{name}] crossover: none, Dask is not faster per account here ({per_in * 1000:.1f} "
                f"ms/account in process, {per_d * 1000:.1f} ms/account on Dask after {fixed:.1f} s)"
            )
    if args.list_requests:
        p50, p95 = list_latency(store, args.list_requests)
        print(
            f"[{name}] account list sorted by high gaps, {len(ids):,} accounts, 16 clients: "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
        )
    if args.synthetic_accounts:
        synthetic_results(store, args.synthetic_accounts)
        p50, p95 = list_latency(store, args.list_requests)
        print(
            f"[{name}] account list sorted by high gaps, +{args.synthetic_accounts:,} synthetic accounts, "
            f"16 clients: p50 {p50:.1f} ms, p95 {p95:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--world", type=Path, default=None, help="a generated world to use (else generated)")
    parser.add_argument("--embedded-home", type=Path, default=None, help="embedded store folder to use")
    parser.add_argument("--reuse-store", action="store_true", help="use the stores as loaded, no ingest")
    parser.add_argument("--sample", type=int, default=0, help="baseline accounts (0: all)")
    parser.add_argument("--workers", type=int, default=None, help="local Dask workers (0: none)")
    parser.add_argument("--fixed-probe", type=int, default=20)
    parser.add_argument("--phase-batches", type=int, default=2, help="batches timed step by step (0: none)")
    parser.add_argument(
        "--analysis-sample", type=int, default=300, help="accounts for the analysis-alone figures"
    )
    parser.add_argument(
        "--profile-kept", type=int, default=0, help="cProfile the kept analysis on N accounts (top 15)"
    )
    parser.add_argument("--list-requests", type=int, default=0)
    parser.add_argument("--synthetic-accounts", type=int, default=0)
    parser.add_argument("--synthetic-only", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="with --synthetic-only: keep a store holding exactly N accounts"
    )
    parser.add_argument(
        "--no-deep-page", action="store_true", help="skip the page at offset 50,000 (slow on Neo4j)"
    )
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument("--no-embedded", action="store_true")
    args = parser.parse_args()
    if args.synthetic_only:
        args.synthetic_accounts = args.synthetic_accounts or 100_000
        with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
            if not args.no_embedded:
                with EmbeddedStore(Path(tmp) / "store") as store:
                    run_synthetic("embedded", store, args)
            if not args.no_neo4j and os.environ.get("NEO4J_URI"):
                from api.stores import open_store

                with open_store(Settings()) as store:
                    run_synthetic("neo4j", store, args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        folder = args.world or Path(tmp) / "world"
        if not (folder / "companies.csv").exists():
            started = time.perf_counter()
            generate_world(folder, args.accounts, seed=5, progress=False)
            took = time.perf_counter() - started
            print(f"generated {args.accounts:,} accounts in {took:.1f} s (not measured)")
        if not args.no_embedded:
            home = args.embedded_home or Path(tmp) / "store"
            with EmbeddedStore(home) as store:
                run("embedded", store, StoreAddress.of(Settings(NEO4J_URI=None), str(home)), folder, args)
        if not args.no_neo4j and os.environ.get("NEO4J_URI"):
            settings = Settings()
            from api.stores import open_store

            with open_store(settings) as store:
                run("neo4j", store, StoreAddress.of(settings), folder, args)


if __name__ == "__main__":
    main()
