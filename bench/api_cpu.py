"""Server CPU per request of the kept answers, in process, and their bodies for a before/after check.

    .venv/bin/python bench/api_cpu.py --store STORE_DIR --save before.json     # on one tree
    .venv/bin/python bench/api_cpu.py --store STORE_DIR --compare before.json  # on the other
    .venv/bin/python bench/api_cpu.py --store STORE_DIR --profile key-people   # where the CPU goes

The first run generates a world (`--accounts`), loads it into an embedded store in `--store` (or, with
`--neo4j`, into the Neo4j named by NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD, which it wipes) and
keeps every account's results; later runs on the same `--store` reuse it, so that the kept results
(and their `computed_at`) are the same for both trees. It then asks the app (through `TestClient`, so
the whole ASGI stack runs: dependencies, the unknown-parameter check, validation, serialisation) for
key people, deal gaps and account-list pages sorted by high gaps, and prints the CPU milliseconds per
request of this process (client included: the same for both trees) and the p50 wall time.
`--save` writes every body it got; `--compare` checks that this tree answers byte for byte the same.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from api.keys import KeyRing  # noqa: E402
from api.refresh import compute_results  # noqa: E402
from api.settings import Settings  # noqa: E402
from graph.stores.base import GraphStore  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from graph.stores.neo4j import Neo4jStore  # noqa: E402
from ingest.loader import ingest_paths  # noqa: E402
from ingest.synthetic.generator import DEFAULT_AS_OF, generate_world  # noqa: E402


def _open(args: argparse.Namespace) -> tuple[GraphStore, bool]:
    """The store, and whether it was filled by this run."""
    fresh = not (args.store / "loaded").exists()
    store: GraphStore
    if args.neo4j:
        store = Neo4jStore.connect(
            os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"]
        )
        store.apply_schema()
    else:
        store = EmbeddedStore(args.store / "store")
    if fresh:
        world = args.store / "world"
        if not world.exists():
            generate_world(world, args.accounts, seed=args.seed, progress=False)
        if args.neo4j:
            store.clear()
        ingest_paths([world], store, progress=False)
        ids = store.accounts_to_refresh(everything=True)
        from graph.analyses.config import DEFAULT_CONFIG

        store.write_results(compute_results(store, ids, as_of=DEFAULT_AS_OF, config=DEFAULT_CONFIG))
        (args.store / "loaded").write_text("yes\n")
    return store, fresh


def _profile(app: FastAPI, headers: dict[str, str], paths: list[str]) -> None:
    """cProfile of the requests served in this thread: the ASGI app driven by httpx's ASGI transport on
    an event loop here, and every thread-pool call made to run inline, so that one profile holds the
    whole server side (no HTTP client or socket in between)."""

    async def serve() -> None:
        async with app.router.lifespan_context(app):
            runtime = app.state.runtime
            runtime.submit = _inline  # the store read and analysis in this thread, for the profile
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                for path in paths[:20]:
                    await client.get(path, headers=headers)
                profiler = cProfile.Profile()
                cpu = time.process_time()
                profiler.enable()
                for path in paths:
                    await client.get(path, headers=headers)
                profiler.disable()
                per_request = (time.process_time() - cpu) * 1000 / len(paths)
                print(f"in-process CPU {per_request:.2f} ms/request (profiled)")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    asyncio.run(serve())


def _inline(work: Callable[[], object]) -> Future[object]:
    future: Future[object] = Future()
    future.set_result(work())
    return future


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path, required=True, help="folder kept between runs")
    parser.add_argument("--accounts", type=int, default=60)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--neo4j", action="store_true", help="the Neo4j of NEO4J_URI (wiped on the first run)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="passes over every request for the timing")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--profile", choices=["key-people", "gaps", "list"])
    args = parser.parse_args()
    args.store.mkdir(parents=True, exist_ok=True)
    store, _ = _open(args)
    ids = sorted(store.accounts_to_refresh(everything=True))
    kept = store.read_results(ids)
    deal_ids = sorted(d.deal_id for r in kept.values() for d in r.deals)
    store.close()

    home = args.store / "home"
    key_file = args.store / "key"
    if not key_file.exists():
        key_file.write_text(KeyRing.for_home(home).create("cpu", "read"))
    values: dict[str, object] = {"home": home, "analysis_cache_s": 0.0}
    if args.neo4j:
        values.update(
            neo4j_uri=os.environ["NEO4J_URI"],
            neo4j_username=os.environ.get("NEO4J_USERNAME", "neo4j"),
            neo4j_password=os.environ["NEO4J_PASSWORD"],
        )
        app = create_app(Settings(**values))  # type: ignore[arg-type]
    else:
        values["neo4j_uri"] = None
        app = create_app(Settings(**values), store_override=str(args.store / "store"))  # type: ignore[arg-type]
    headers = {"X-API-Key": key_file.read_text().strip()}
    pages = max(1, len(ids) // 50 + 1)
    groups: dict[str, list[str]] = {
        "key-people": [f"/api/v1/accounts/{a}/key-people" for a in ids],
        "gaps": [f"/api/v1/deals/{d}/gaps" for d in deal_ids],
        "list": [f"/api/v1/accounts?sort=-gaps_high&offset={50 * i}&limit=50" for i in range(pages)]
        + [f"/api/v1/accounts?sort=gaps_high&offset={50 * i}&limit=50" for i in range(pages)]
        + ["/api/v1/accounts?limit=50", "/api/v1/accounts?sort=-coverage&limit=20&format=csv"]
        + ["/api/v1/accounts?min_gaps_high=1&sort=-gaps_total", "/api/v1/accounts?search=a&offset=5"],
        "other": [f"/api/v1/accounts/{a}" for a in ids[:20]]
        + [f"/api/v1/accounts/{a}/deals" for a in ids[:20]]
        + [f"/api/v1/deals/{d}" for d in deal_ids[:20]]
        + [f"/api/v1/accounts/{a}/key-people?limit=2" for a in ids[:5]]
        + [f"/api/v1/accounts/{a}/coverage" for a in ids[:5]]
        + [f"/api/v1/deals/{d}/coverage" for d in deal_ids[:5]]
        + ["/api/v1/deals?limit=50", "/api/v1/deals?sort=-amount&limit=30&format=csv"],
    }
    bodies: dict[str, str] = {}
    with TestClient(app) as client:

        def get(path: str) -> None:
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
            bodies[path] = f"{response.headers['content-type']}\n{response.text}"

        for paths in groups.values():  # warm up
            for path in paths:
                get(path)
        for name, paths in groups.items():
            if name == "other":
                continue
            walls: list[float] = []
            cpu = time.process_time()
            for _ in range(args.rounds):
                for path in paths:
                    started = time.perf_counter()
                    get(path)
                    walls.append(time.perf_counter() - started)
            cpu_ms = (time.process_time() - cpu) * 1000 / len(walls)
            where = "Neo4j" if args.neo4j else "embedded"
            print(
                f"{name:12s} {len(walls):5d} requests: CPU {cpu_ms:6.2f} ms/request (client and server, "
                f"{where}), wall p50 {statistics.median(walls) * 1000:6.2f} ms"
            )
    if args.profile:
        _profile(app, headers, groups[args.profile] * args.rounds)
    if args.save:
        args.save.write_text(json.dumps(bodies, indent=0, sort_keys=True))
        print(f"saved {len(bodies)} bodies to {args.save}")
    if args.compare:
        before: dict[str, str] = json.loads(args.compare.read_text())
        differ = [p for p in before if bodies.get(p) != before[p]]
        for path in differ[:5]:
            print(f"DIFFERS: {path}\n  before {before[path][:400]}\n  after  {bodies.get(path, '')[:400]}")
        print(f"compared {len(before)} bodies: {len(before) - len(differ)} identical, {len(differ)} differ")
        if differ:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
