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
5. sends `--requests` requests to each endpoint from `--clients` concurrent clients (threads, each
   with its own keep-alive connection), ids drawn at random from the whole world, and prints p50,
   p95, p99, mean and requests per second per endpoint, `/health` first as the framework's floor.

The analysis cache is switched off by default (`--cache-s 0`) so that every analysis request does the
full work (Neo4j reads + NetworkX); `--cache-s 60` shows what repeated questions cost.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.keys import KeyRing  # noqa: E402
from api.localneo4j import LocalNeo4j  # noqa: E402
from bench._common import free_port  # noqa: E402
from bench._common import private_neo4j as shared_private_neo4j  # noqa: E402
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


@dataclass
class Figures:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    wall_s: float = 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    def row(self) -> str:
        n = len(self.latencies_ms)
        rps = n / self.wall_s if self.wall_s else 0.0
        errors = ", ".join(f"{code}: {count}" for code, count in sorted(self.errors.items())) or "-"
        return (
            f"{self.name:<34} {n:>6} {self.pct(0.50):>8.1f} {self.pct(0.95):>8.1f} {self.pct(0.99):>8.1f} "
            f"{statistics.fmean(self.latencies_ms) if n else float('nan'):>8.1f} {rps:>8.1f}  {errors}"
        )


def hammer(
    base: str, key: str, name: str, paths: Callable[[random.Random], str], requests: int, clients: int
) -> Figures:
    """`requests` requests from `clients` threads; each thread has its own keep-alive connection."""
    figures = Figures(name)
    lock = threading.Lock()
    remaining = [requests]

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                path = paths(rng)
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if response.status_code == 200:
                        figures.latencies_ms.append(elapsed)
                    else:
                        figures.errors[response.status_code] = figures.errors.get(response.status_code, 0) + 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    figures.wall_s = time.perf_counter() - started
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
    parser.add_argument("--neo4j-uri", help="use this Neo4j instead of a private one (needs --wipe)")
    parser.add_argument("--wipe", action="store_true", help="allow wiping and filling --neo4j-uri")
    parser.add_argument("--keep-neo4j", action="store_true", help="leave the private Neo4j running")
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
    serve: subprocess.Popen[str] | None = None
    try:
        folder = world(args.accounts, args.seed)
        store = Neo4jStore.connect(uri, user, password)
        try:
            load(
                store,
                folder,
                BENCH_DIR / (f"loaded-{uri.rsplit(':', 1)[-1]}" if args.neo4j_uri else "loaded"),
            )
            companies, _ = store.ownership()
            account_ids = [c.id for c in companies]
            deal_ids = _open_deal_ids(folder)
        finally:
            store.close()

        home = BENCH_DIR / "home"
        key = KeyRing.for_home(home).create(f"bench-{int(time.time())}", "read")
        port = free_port()
        env = {
            **os.environ,
            "NEO4J_URI": uri,
            "NEO4J_USERNAME": user,
            "NEO4J_PASSWORD": password,
            "BUYERGRAPH_HOME": str(home),
            "BUYERGRAPH_ANALYSIS_CACHE_S": str(args.cache_s),
            "BUYERGRAPH_ANALYSIS_WORKERS": str(args.workers),
        }
        serve = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("buyergraph")),
                "serve",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--workers",
                str(args.server_processes),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
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
            if time.monotonic() > deadline or serve.poll() is not None:
                raise SystemExit("buyergraph serve did not become healthy")
            time.sleep(0.2)

        as_of = DEFAULT_AS_OF.isoformat()
        endpoints: list[tuple[str, Callable[[random.Random], str]]] = [
            ("GET /health (floor)", lambda r: "/health"),
            (
                "GET /api/v1/accounts",
                lambda r: f"/api/v1/accounts?limit=50&offset={r.randrange(0, len(account_ids))}",
            ),
            (
                "GET /api/v1/accounts?search=",
                lambda r: f"/api/v1/accounts?search={r.choice(companies).name[:4]}&limit=20",
            ),
            (
                "GET .../accounts/{id}/key-people",
                lambda r: f"/api/v1/accounts/{r.choice(account_ids)}/key-people?as_of={as_of}",
            ),
            ("GET .../deals/{id}/gaps", lambda r: f"/api/v1/deals/{r.choice(deal_ids)}/gaps?as_of={as_of}"),
        ]
        # Warm up connections and code paths (not measured).
        for name, paths in endpoints:
            hammer(base, key, name, paths, requests=min(32, args.requests), clients=args.clients)
        if args.warm_all:
            print(
                f"asking once for each of {len(account_ids):,} accounts and {len(deal_ids):,} deals ...",
                flush=True,
            )
            todo = iter(
                [f"/api/v1/accounts/{a}/key-people?as_of={as_of}" for a in account_ids]
                + [f"/api/v1/deals/{d}/gaps?as_of={as_of}" for d in deal_ids]
            )
            lock = threading.Lock()

            def next_path(_: random.Random) -> str:
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
        print()
        print(
            f"buyergraph API on Neo4j: {len(account_ids):,} accounts, {len(deal_ids):,} open deals; "
            f"{args.clients} concurrent clients, {args.requests} requests per endpoint; "
            f"analysis cache {args.cache_s:g} s{warmed}, "
            f"{args.server_processes} server process(es) with {args.workers} analysis threads each; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        header = ("endpoint", "ok", "p50 ms", "p95 ms", "p99 ms", "mean ms", "req/s")
        print(f"{header[0]:<34} {header[1]:>6}" + "".join(f" {h:>8}" for h in header[2:]) + "  errors")
        for name, paths in endpoints:
            print(
                hammer(base, key, name, paths, requests=args.requests, clients=args.clients).row(), flush=True
            )
    finally:
        if serve is not None:
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=30)
        if server is not None and not args.keep_neo4j:
            server.stop()


def _open_deal_ids(folder: Path) -> list[str]:
    """Open deals of the generated world, read from its deals file."""
    import csv

    with (folder / "deals.csv").open(encoding="utf-8") as fh:
        return [row["id"] for row in csv.DictReader(fh) if row.get("status") in ("open", "")]


if __name__ == "__main__":
    main()
