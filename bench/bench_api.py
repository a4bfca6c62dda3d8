"""HTTP API latency and throughput on Neo4j with a generated world, next to /health as the floor.

    .venv/bin/python bench/bench_api.py                      # 1,000 accounts, 16 clients
    .venv/bin/python bench/bench_api.py --accounts 200 --requests 300

What it does, all in one run:

1. generates a synthetic world (`buyergraph generate`, cached between runs),
2. starts a private Neo4j 5.26 on a free port (its own files under `.neo4j/bench/`, so the shared
   development database and other people's tests are never touched) — or uses `--neo4j-uri`, which
   it then wipes and fills (only with `--wipe`),
3. loads the world once (reused by later runs while the account count matches),
4. starts a real `buyergraph serve` process against it,
5. after `--warmup` unmeasured requests per endpoint (a fresh Neo4j's JIT needs a few thousand queries
   before it runs them at its steady cost), sends `--requests` requests to each endpoint from
   `--clients` concurrent clients (threads, each
   with its own keep-alive connection), ids drawn at random from the whole world, and prints p50,
   p95, p99, mean and requests per second per endpoint, `/health` first as the framework's floor,
   and where the machine's CPU went per request: the clients, the server, the private Neo4j, and
   everything else.

The clients speak HTTP/1.1 with the standard library's `http.client`, the leanest client Python has:
Neo4j, the server and the clients share this machine's cores, and CPU spent by a heavier client
would be taken from the server it measures (real API clients run on other machines).

With `--refresh`, the world's accounts are refreshed first (`buyergraph refresh` for `DEFAULT_AS_OF`; only
what is not kept yet on later runs), and key people and deal gaps are measured twice in the same run:
read from the kept results (asked for the refreshed day) and, as the baseline, computed on request
(asked for the day before, which no refresh kept); the account list sorted by high gaps too.

With `--synthetic-accounts N` no world is generated: the store holds N synthetic accounts with kept
results and nothing else (written as `bench/bench_refresh.py --synthetic-only` writes them; kept while
the store holds exactly N), and the account list is measured on them: sorted by high gaps (issue 18's
target: 100,000 accounts under 100 ms at p95), the same with a filter every account passes
(`min_gaps=0`: a filtered count), and by name.

With `--baseline-tree DIR` (for example a `git archive` of another commit) a second server runs that
code against the same store, and each endpoint is measured on both servers in turn, in the same run
(`--rounds` times).

The analysis cache is switched off by default (`--cache-s 0`) so that every analysis request does the
full work (Neo4j reads + NetworkX); `--cache-s 60` shows what repeated questions cost.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.keys import KeyRing  # noqa: E402
from api.localneo4j import LocalNeo4j  # noqa: E402
from bench._common import free_port  # noqa: E402
from bench._common import private_neo4j as shared_private_neo4j  # noqa: E402
from graph.analyses.portfolio import SUMMARY_FORMAT, AccountFilter  # noqa: E402
from graph.model import Company  # noqa: E402
from graph.stores.neo4j import Neo4jStore  # noqa: E402
from ingest.loader import ingest_paths  # noqa: E402
from ingest.synthetic.generator import DEFAULT_AS_OF, generate_world  # noqa: E402

BENCH_DIR = REPO / ".neo4j" / "bench"


def private_neo4j() -> LocalNeo4j:
    return shared_private_neo4j("bench", keep_port=True)


def world(accounts: int, seed: int) -> Path:
    folder = BENCH_DIR / f"world-{accounts}-seed{seed}"
    if not (folder / "truth.json").exists() and not (folder / "truth").exists():
        print(f"generating a {accounts:,}-account world into {folder} ...", flush=True)
        generate_world(folder, accounts, seed=seed, force=True, progress=None)
    return folder


#: Bump when the way the Neo4j store writes records changes, so that a world loaded by older code is
#: loaded again rather than measured (2: touches keep their linked ids as properties).
WRITE_LAYOUT = 2


def load(store: Neo4jStore, folder: Path, marker: Path) -> None:
    """Load the world unless this Neo4j already holds exactly it (recorded in `marker`)."""
    counts = store.counts().nodes
    stamp = f"{folder.name} layout {WRITE_LAYOUT}"
    if marker.exists() and marker.read_text() == stamp and counts.get("Company", 0) > 0:
        print(
            f"Neo4j already holds this world ({counts['Company']:,} companies, {counts['Person']:,} people)"
        )
        return
    print("loading the world into Neo4j ...", flush=True)
    marker.unlink(missing_ok=True)
    store.clear()
    started = time.perf_counter()
    result = ingest_paths([folder], store, progress=None)
    loaded = sum(k.loaded for k in result.summary.kinds.values())
    print(f"loaded {loaded:,} records in {time.perf_counter() - started:.0f} s")
    marker.write_text(stamp)


_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def _process_tree(root: int) -> list[int]:
    """`root` and every process below it (a server started with several workers forks them)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def _cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total * _TICK_S


def _machine_busy_s() -> float:
    """CPU seconds the whole machine spent busy so far (all cores, /proc/stat)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks[:8]) - idle) * _TICK_S


@dataclass
class Figures:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    wall_s: float = 0.0
    #: CPU ms per request: (clients, server, Neo4j when it is ours, everything else on the machine).
    cpu_ms: tuple[float, ...] | None = None

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    def row(self) -> str:
        n = len(self.latencies_ms)
        rps = n / self.wall_s if self.wall_s else 0.0
        errors = ", ".join(f"{code}: {count}" for code, count in sorted(self.errors.items())) or "-"
        cpu = " ".join(f"{x:>6.1f}" for x in self.cpu_ms) if self.cpu_ms else ""
        return (
            f"{self.name:<34} {n:>6} {self.pct(0.50):>8.1f} {self.pct(0.95):>8.1f} {self.pct(0.99):>8.1f} "
            f"{statistics.fmean(self.latencies_ms) if n else float('nan'):>8.1f} {rps:>8.1f}  {cpu}  {errors}"
        )


def _get(conn: http.client.HTTPConnection, path: str, key: str) -> int:
    """One GET on a keep-alive connection; the body is read in full, as a client would."""
    conn.request("GET", path, headers={"X-API-Key": key})
    response = conn.getresponse()
    response.read()
    return response.status


def hammer(
    base: str,
    key: str,
    name: str,
    paths: Callable[[random.Random], str],
    requests: int,
    clients: int,
    server_pid: int | None = None,
    neo4j_pid: int | None = None,
) -> Figures:
    """`requests` requests from `clients` threads; each thread has its own keep-alive connection."""
    figures = Figures(name)
    lock = threading.Lock()
    remaining = [requests]
    host, port = base.removeprefix("http://").rsplit(":", 1)

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                path = paths(rng)
                started = time.perf_counter()
                try:
                    status = _get(conn, path, key)
                except (http.client.HTTPException, OSError):
                    conn.close()  # the server closed the connection: open a new one and ask again
                    status = _get(conn, path, key)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if status == 200:
                        figures.latencies_ms.append(elapsed)
                    else:
                        figures.errors[status] = figures.errors.get(status, 0) + 1
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    server_pids = _process_tree(server_pid) if server_pid else []
    neo4j_pids = [neo4j_pid] if neo4j_pid else []
    cpu0 = (time.process_time(), _cpu_s(server_pids), _cpu_s(neo4j_pids), _machine_busy_s())
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    figures.wall_s = time.perf_counter() - started
    if server_pid:
        client_s = time.process_time() - cpu0[0]
        server_s = _cpu_s(server_pids) - cpu0[1]
        neo4j_s = _cpu_s(neo4j_pids) - cpu0[2]
        other_s = max(0.0, _machine_busy_s() - cpu0[3] - client_s - server_s - neo4j_s)
        figures.cpu_ms = tuple(1000 * x / requests for x in (client_s, server_s, neo4j_s, other_s))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=800, help="requests per endpoint")
    parser.add_argument(
        "--warmup",
        type=int,
        default=1000,
        help="unmeasured requests per endpoint first: a freshly started Neo4j runs its queries at about "
        "three times the CPU cost until its JIT has compiled them, a few thousand queries in",
    )
    parser.add_argument(
        "--cache-s", type=float, default=0.0, help="BUYERGRAPH_ANALYSIS_CACHE_S of the server"
    )
    parser.add_argument("--workers", type=int, default=4, help="BUYERGRAPH_ANALYSIS_WORKERS of the server")
    parser.add_argument(
        "--server-processes", type=int, default=1, help="buyergraph serve --workers (server processes)"
    )
    parser.add_argument(
        "--warm-all",
        action="store_true",
        help="ask for every account and deal once before measuring (with --cache-s: repeated questions)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="keep the results of every account first; measure kept and computed (baseline) answers",
    )
    parser.add_argument("--neo4j-uri", help="use this Neo4j instead of a private one (needs --wipe)")
    parser.add_argument("--wipe", action="store_true", help="allow wiping and filling --neo4j-uri")
    parser.add_argument(
        "--neo4j-pid",
        type=int,
        default=None,
        help="with --neo4j-uri: its process, to count its CPU per request",
    )
    parser.add_argument("--keep-neo4j", action="store_true", help="leave the private Neo4j running")
    parser.add_argument(
        "--synthetic-accounts",
        type=int,
        default=0,
        help="measure the account list on this many synthetic accounts with kept results (no world)",
    )
    parser.add_argument(
        "--baseline-tree",
        type=Path,
        default=None,
        help="also serve the code of this source tree against the same store, measured in turn",
    )
    parser.add_argument("--rounds", type=int, default=1, help="with --baseline-tree: turns per server")
    parser.add_argument(
        "--only",
        default="",
        help="measure only the endpoints whose name holds one of these comma-separated texts (and the floor)",
    )
    args = parser.parse_args()

    server: LocalNeo4j | None = None
    if args.neo4j_uri:
        if not args.wipe:
            parser.error("--neo4j-uri is wiped and refilled by the benchmark; add --wipe to agree")
        uri, user, password = (
            args.neo4j_uri,
            os.environ.get("NEO4J_USERNAME", "neo4j"),
            os.environ["NEO4J_PASSWORD"],
        )
    else:
        server = private_neo4j()
        if not server.status().running:
            print(f"starting a private Neo4j on port {server.port} ...", flush=True)
            server.start(echo=False)
        uri, user, password = server.uri, "neo4j", server.password()
    servers: list[tuple[str, subprocess.Popen[str], str]] = []  # (label, process, base address)
    try:
        store = Neo4jStore.connect(uri, user, password)
        account_ids: list[str] = []
        deal_ids: list[str] = []
        companies: list[Company] = []
        try:
            if args.synthetic_accounts:
                _synthetic(store, args.synthetic_accounts)
            else:
                folder = world(args.accounts, args.seed)
                load(
                    store,
                    folder,
                    BENCH_DIR / (f"loaded-{uri.rsplit(':', 1)[-1]}" if args.neo4j_uri else "loaded"),
                )
                companies, _ = store.ownership()
                account_ids = [c.id for c in companies]
                deal_ids = _open_deal_ids(folder)
                if args.refresh:
                    _refresh(store, uri, user, password)
        finally:
            store.close()

        home = BENCH_DIR / "home"
        key = KeyRing.for_home(home).create(f"bench-{int(time.time())}", "read")
        env = {
            **os.environ,
            "NEO4J_URI": uri,
            "NEO4J_USERNAME": user,
            "NEO4J_PASSWORD": password,
            "BUYERGRAPH_HOME": str(home),
            "BUYERGRAPH_ANALYSIS_CACHE_S": str(args.cache_s),
            "BUYERGRAPH_ANALYSIS_WORKERS": str(args.workers),
        }
        trees: list[tuple[str, Path | None]] = [("this code", None)]
        if args.baseline_tree is not None:
            trees.insert(0, (f"baseline {args.baseline_tree.name}", args.baseline_tree.resolve()))
        for label, tree in trees:
            process, base = _serve(env, tree, args.server_processes, label)
            servers.append((label, process, base))

        as_of = DEFAULT_AS_OF.isoformat()
        day_before = (DEFAULT_AS_OF - timedelta(days=1)).isoformat()
        endpoints: list[tuple[str, Callable[[random.Random], str]]] = [
            ("GET /health (floor)", lambda r: "/health"),
        ]
        if args.synthetic_accounts:
            endpoints += [
                (
                    "GET /api/v1/accounts?sort=-gaps_high",
                    lambda r: "/api/v1/accounts?sort=-gaps_high&limit=50",
                ),
                (
                    "GET ...?sort=-gaps_high&min_gaps=0",
                    lambda r: "/api/v1/accounts?sort=-gaps_high&min_gaps=0&limit=50",
                ),
                ("GET /api/v1/accounts (by name)", lambda r: "/api/v1/accounts?limit=50"),
            ]
        else:
            endpoints += [
                (
                    "GET /api/v1/accounts",
                    lambda r: f"/api/v1/accounts?limit=50&offset={r.randrange(0, len(account_ids))}",
                ),
                (
                    "GET /api/v1/accounts?search=",
                    lambda r: f"/api/v1/accounts?search={quote(r.choice(companies).name[:4])}&limit=20",
                ),
                (
                    "GET .../accounts/{id}/key-people",
                    lambda r: f"/api/v1/accounts/{r.choice(account_ids)}/key-people?as_of={as_of}",
                ),
                (
                    "GET .../deals/{id}/gaps",
                    lambda r: f"/api/v1/deals/{r.choice(deal_ids)}/gaps?as_of={as_of}",
                ),
            ]
        if args.refresh and not args.synthetic_accounts:
            # as_of above is the refreshed day: those answers are kept ones; the day before is computed.
            endpoints[3] = ("GET .../key-people (kept)", endpoints[3][1])
            endpoints[4] = ("GET .../deals/{id}/gaps (kept)", endpoints[4][1])
            endpoints += [
                (
                    "GET /api/v1/accounts?sort=-gaps_high",
                    lambda r: "/api/v1/accounts?sort=-gaps_high&limit=50",
                ),
                (
                    "GET .../key-people (computed)",
                    lambda r: f"/api/v1/accounts/{r.choice(account_ids)}/key-people?as_of={day_before}",
                ),
                (
                    "GET .../deals/{id}/gaps (computed)",
                    lambda r: f"/api/v1/deals/{r.choice(deal_ids)}/gaps?as_of={day_before}",
                ),
            ]
        if args.only:
            wanted = [w for w in args.only.split(",") if w]
            endpoints = [e for i, e in enumerate(endpoints) if i == 0 or any(w in e[0] for w in wanted)]
        # Warm up connections, code paths, Neo4j's query caches and its JIT (not measured): the figures
        # are those of a server in service, not of its first minute.
        for _, _, base in servers:
            for name, paths in endpoints:
                hammer(base, key, name, paths, requests=args.warmup, clients=args.clients)
        if args.warm_all:
            print(
                f"asking once for each of {len(account_ids):,} accounts and {len(deal_ids):,} deals ...",
                flush=True,
            )
            for _, _, base in servers:
                todo = iter(
                    [f"/api/v1/accounts/{a}/key-people?as_of={as_of}" for a in account_ids]
                    + [f"/api/v1/deals/{d}/gaps?as_of={as_of}" for d in deal_ids]
                )
                lock = threading.Lock()

                def next_path(
                    _: random.Random, todo: Iterator[str] = todo, lock: threading.Lock = lock
                ) -> str:
                    with lock:
                        return next(todo, "/health")

                hammer(
                    base,
                    key,
                    "warm-all",
                    next_path,
                    requests=len(account_ids) + len(deal_ids),
                    clients=args.clients,
                )

        warmed = " (warmed: every account and deal asked once)" if args.warm_all else ""
        book = (
            f"{args.synthetic_accounts:,} synthetic accounts with kept results"
            if args.synthetic_accounts
            else f"{len(account_ids):,} accounts, {len(deal_ids):,} open deals"
        )
        print()
        print(
            f"buyergraph API on Neo4j: {book}; "
            f"{args.clients} concurrent clients, {args.requests} requests per endpoint; "
            f"analysis cache {args.cache_s:g} s{warmed}, "
            f"{args.server_processes} server process(es) with {args.workers} analysis threads each; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        header = ("endpoint", "ok", "p50 ms", "p95 ms", "p99 ms", "mean ms", "req/s")
        print(
            f"{header[0]:<34} {header[1]:>6}"
            + "".join(f" {h:>8}" for h in header[2:])
            + "  CPU ms/request: client server  neo4j  other  errors"
        )
        rounds = args.rounds if len(servers) > 1 else 1
        for name, paths in endpoints:
            for turn in range(rounds):
                for label, process, base in servers:
                    figures = hammer(
                        base,
                        key,
                        name
                        if len(servers) == 1
                        else f"{name} [{label}{f' #{turn + 1}' if rounds > 1 else ''}]",
                        paths,
                        requests=args.requests,
                        clients=args.clients,
                        server_pid=process.pid,
                        neo4j_pid=server.status().pid if server is not None else args.neo4j_pid,
                    )
                    print(figures.row(), flush=True)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        for _, process, _ in servers:
            process.send_signal(signal.SIGTERM)
        for _, process, _ in servers:  # each stopped, even when another one does not stop in time
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if server is not None and not args.keep_neo4j:
            server.stop()


def _serve(
    env: dict[str, str], tree: Path | None, processes: int, label: str
) -> tuple[subprocess.Popen[str], str]:
    """Start `buyergraph serve` (of this code, or of the source tree `tree`) and wait until it is healthy."""
    port = free_port()
    server_log = BENCH_DIR / f"serve-{port}.log"
    command = [str(Path(sys.executable).with_name("buyergraph"))]
    if tree is not None:
        # The other tree's modules come first on the path (this code is installed in editable mode).
        env = {**env, "PYTHONPATH": str(tree)}
        command = [sys.executable, "-c", "from api.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--log-level", "warning", "--workers", str(processes)],
        env=env,
        cwd=tree,
        stdout=server_log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            tail = server_log.read_text(errors="replace")[-3000:]
            raise SystemExit(
                f"buyergraph serve ({label}) did not become healthy; the end of its log:\n{tail}"
            )
        time.sleep(0.2)
    return process, base


def _synthetic(store: Neo4jStore, accounts: int) -> None:
    """Make the store hold exactly `accounts` synthetic accounts with kept results (as
    bench/bench_refresh.py --synthetic-only writes them), unless it already does, each result with
    its figures' JSON text in this version's shape (what the account list reads)."""
    from bench.bench_refresh import synthetic_results

    nodes = store.counts().nodes
    kept = store.list_account_results(AccountFilter(min_gaps=0), limit=1).count  # kept results
    texts = store._read("count_kept_summaries", summary_format=SUMMARY_FORMAT)[0]
    counts = (nodes.get("Company"), kept, texts["results"], texts["summaries"])
    if all(n == accounts for n in counts) and not nodes.get("Person"):
        print(f"the store already holds {accounts:,} synthetic accounts with kept results", flush=True)
        return
    print(f"writing {accounts:,} synthetic accounts with kept results ...", flush=True)
    store.clear()
    started = time.perf_counter()
    synthetic_results(store, accounts)
    print(f"wrote them in {time.perf_counter() - started:.0f} s", flush=True)


def _refresh(store: Neo4jStore, uri: str, user: str, password: str) -> None:
    """Keep the results of every account not kept yet, for DEFAULT_AS_OF (local Dask workers)."""
    from api.refresh import StoreAddress, refresh
    from api.settings import Settings
    from graph.analyses import DEFAULT_CONFIG

    settings = Settings(NEO4J_URI=uri, NEO4J_USERNAME=user, NEO4J_PASSWORD=password)
    started = time.perf_counter()
    summary = refresh(store, StoreAddress.of(settings), as_of=DEFAULT_AS_OF, config=DEFAULT_CONFIG)
    print(f"refreshed {summary.written:,} accounts in {time.perf_counter() - started:.0f} s", flush=True)


def _open_deal_ids(folder: Path) -> list[str]:
    """Open deals of the generated world, read from its deals file."""
    import csv

    with (folder / "deals.csv").open(encoding="utf-8") as fh:
        return [row["id"] for row in csv.DictReader(fh) if row.get("status") in ("open", "")]


if __name__ == "__main__":
    main()
