"""Ingest throughput: touch rows per second into Neo4j and into the embedded store, next to a naive
loader (one row per transaction) measured in the same run.

    .venv/bin/python bench/bench_ingest.py                    # a world with >= 1,000,000 touches
    .venv/bin/python bench/bench_ingest.py --accounts 500     # a quick look
    .venv/bin/python bench/bench_ingest.py --stores neo4j --naive-sample 2000

What it does, all in one run:

1. generates a synthetic native bundle (`buyergraph generate`), cached under `.neo4j/bench-ingest/`
   between runs, with enough accounts for `--min-touches` touches (default 1,000,000);
2. reads, resolves and checks it once with the real ingest pipeline (`ingest.loader`), and times that
   ("prepare": CSV parsing, validation, title classification, identity resolution, reference checks);
3. for each store, loads everything in the loader's order and batch size and reports touch rows per
   second for the touches phase alone and for the whole load, then the naive baseline: the first
   `--naive-sample` touches again, one row per transaction (`store.upsert("touches", [row])`), into
   a fresh copy of the same graph;
4. prints the figures and the speed-up of the batched loader over the naive one.

Neo4j is a private server of the benchmark's own on a free port (files under `.neo4j/bench-ingest/`),
so neither the shared development database nor anyone's tests are touched; `--neo4j-uri` uses another
server instead, which is wiped (only with `--wipe`). The embedded store lives in a temporary folder.
Figures depend on the machine and on what else runs on it: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import cypher  # noqa: E402
from api.localneo4j import LocalNeo4j  # noqa: E402
from bench._common import private_neo4j as shared_private_neo4j  # noqa: E402
from graph.model import Record  # noqa: E402
from graph.stores.base import GraphStore  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from graph.stores.neo4j import Neo4jStore  # noqa: E402
from ingest.loader import DEFAULT_BATCH, LOAD_ORDER, _stored_identities  # noqa: E402
from ingest.readers import plan, read_paths  # noqa: E402
from ingest.rejects import Reject, SourceRecord  # noqa: E402
from ingest.resolve import (  # noqa: E402
    NODE_KINDS,
    apply_resolution,
    enrich,
    referenced_ids,
    resolve_identities,
)
from ingest.synthetic.generator import generate_world  # noqa: E402
from ingest.touch_columns import TouchColumns, source_records  # noqa: E402

BENCH_DIR = REPO / ".neo4j" / "bench-ingest"
#: Touches per account in generated worlds, measured; used to size the world for --min-touches.
TOUCHES_PER_ACCOUNT = 100


def private_neo4j() -> LocalNeo4j:
    return shared_private_neo4j("bench-ingest", keep_port=True)


def world(accounts: int, seed: int) -> Path:
    folder = BENCH_DIR / f"world-{accounts}-seed{seed}"
    if not (folder / "truth.json").exists():
        print(f"generating a {accounts:,}-account world into {folder} ...", flush=True)
        generate_world(folder, accounts, seed=seed, force=True, workers=os.cpu_count() or 1)
    return folder


def prepare(folder: Path) -> tuple[dict[str, list[Record]], float, int]:
    """The records the loader would write (read, enriched, resolved, checked), and the seconds taken."""
    started = time.perf_counter()
    items: list[SourceRecord] = []
    rejects = 0
    for item in read_paths(plan([folder])):
        if isinstance(item, Reject):
            rejects += 1
        elif isinstance(item, TouchColumns):  # this benchmark's own steps take records
            items += source_records(item)
        else:
            items.append(item)
    items, _ = enrich(items)
    empty = EmbeddedStore(tempfile.mkdtemp(prefix="bench-empty-"))
    stored = _stored_identities(empty, items)
    resolution = resolve_identities(items, stored)
    wanted = referenced_ids(items, resolution)
    stored_ids: dict[str, set[str]] = {kind: set() for kind in NODE_KINDS}
    for kind, ids in wanted.items():
        stored_ids[kind] |= empty.existing_ids(kind, ids) if ids else set()
    records, more = apply_resolution(items, resolution, stored_ids)
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for item in records:
        by_kind[item.kind].append(item.record)
    return by_kind, time.perf_counter() - started, rejects + len(more)


def load(store: GraphStore, by_kind: dict[str, list[Record]], batch: int) -> dict[str, float]:
    """Batched load in the loader's order; seconds per kind."""
    seconds: dict[str, float] = {}
    with store.bulk():
        for kind in LOAD_ORDER:
            records = by_kind.get(kind, [])
            started = time.perf_counter()
            for start in range(0, len(records), batch):
                store.upsert(kind, records[start : start + batch])
            seconds[kind] = time.perf_counter() - started
    return seconds


def naive(store: GraphStore, touches: list[Record]) -> float:
    """One touch per transaction: the baseline. Returns rows per second."""
    started = time.perf_counter()
    for touch in touches:
        store.upsert("touches", [touch])
    return len(touches) / (time.perf_counter() - started)


def calibrate(store: GraphStore) -> float | None:
    """What this Neo4j, on this machine, right now, creates per second at best: 100k bare nodes with a
    uniquely constrained id in 10k batches. It puts the touch figures in context on a busy machine."""
    if not isinstance(store, Neo4jStore):
        return None
    driver = store._driver  # a benchmark may look inside
    driver.execute_query(cypher.query("calibration_schema"))
    started = time.perf_counter()
    for start in range(0, 100_000, 10_000):
        driver.execute_query(cypher.query("calibration_create"), start=start)
    rate = 100_000 / (time.perf_counter() - started)
    with driver.session() as session:
        for statement in cypher.statements("calibration_drop"):
            session.run(statement).consume()
    return rate


def wipe(store: GraphStore) -> None:
    """Empty the store; on Neo4j touches go first in small transactions (see delete_touches.cypher)."""
    if isinstance(store, Neo4jStore):
        delete_touches(store)
    store.clear()


def delete_touches(store: GraphStore) -> None:
    if isinstance(store, Neo4jStore):
        with store._driver.session() as session:
            session.run(cypher.query("delete_touches")).consume()
    else:
        assert isinstance(store, EmbeddedStore)
        with store.bulk():
            store._tables["touches"].clear()
            store._build_indexes()
            store._dirty = True


def bench_store(
    name: str, make: Callable[[], GraphStore], by_kind: dict[str, list[Record]], args: argparse.Namespace
) -> dict[str, Any]:
    store = make()
    wipe(store)
    total_rows = sum(len(v) for v in by_kind.values())
    touches = by_kind.get("touches", [])
    print(f"[{name}] batched load of {total_rows:,} records ({len(touches):,} touches) ...", flush=True)
    started = time.perf_counter()
    seconds = load(store, by_kind, args.batch)
    whole = time.perf_counter() - started
    counts = store.counts()
    batched_touch_rate = len(touches) / seconds["touches"]
    print(
        f"[{name}] touches: {batched_touch_rate:,.0f} rows/s ({seconds['touches']:.1f} s); all "
        f"{total_rows:,} records in {whole:.1f} s; seconds per kind: "
        + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()),
        flush=True,
    )
    calibration = calibrate(store)
    # The naive baseline writes the same touches into the same graph without its touches, so that
    # every endpoint exists exactly as in the batched load.
    delete_touches(store)
    sample = touches[: args.naive_sample if name == "neo4j" else args.naive_sample_embedded]
    print(f"[{name}] naive load of {len(sample):,} touches, one per transaction ...", flush=True)
    naive_rate = naive(store, sample)
    print(f"[{name}] naive: {naive_rate:,.1f} rows/s", flush=True)
    store.close()
    return {
        "store": name,
        "records": total_rows,
        "touches": len(touches),
        "touch_nodes_stored": counts.nodes["Touch"],
        "load_s": round(whole, 2),
        "records_per_s": round(total_rows / whole),
        "touches_s": round(seconds["touches"], 2),
        "touch_rows_per_s": round(batched_touch_rate),
        "naive_sample": len(sample),
        "naive_touch_rows_per_s": round(naive_rate, 1),
        "speedup_vs_naive": round(batched_touch_rate / naive_rate, 1),
        "bare_nodes_per_s": round(calibration) if calibration else None,
        "seconds_per_kind": {k: round(v, 2) for k, v in seconds.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-touches", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=None, help="overrides --min-touches")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stores", default="neo4j,embedded")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--naive-sample", type=int, default=2000, help="touches the naive loader writes")
    parser.add_argument(
        "--naive-sample-embedded",
        type=int,
        default=50,
        help="the same for the embedded store, whose one-row transactions rewrite its whole file each",
    )
    parser.add_argument("--neo4j-uri", default=None, help="use this server instead of a private one")
    parser.add_argument("--wipe", action="store_true", help="allow wiping the server of --neo4j-uri")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument(
        "--keep-neo4j", action="store_true", help="leave the private Neo4j running for the next run"
    )
    args = parser.parse_args()

    accounts = args.accounts or -(-args.min_touches // TOUCHES_PER_ACCOUNT)
    folder = world(accounts, args.seed)
    print("reading, resolving and checking the world ...", flush=True)
    by_kind, prepare_s, rejects = prepare(folder)
    touches = len(by_kind.get("touches", []))
    print(
        f"prepared {sum(len(v) for v in by_kind.values()):,} records ({touches:,} touches, {rejects:,} "
        f"rejects) in {prepare_s:.1f} s: {touches / prepare_s:,.0f} touch rows/s end to end",
        flush=True,
    )

    results: list[dict[str, Any]] = []
    started: list[LocalNeo4j] = []  # private servers this run started, stopped again at the end
    try:
        _bench_stores(args, by_kind, results, started)
    finally:
        for server in started:
            if not args.keep_neo4j:
                server.stop()
    _report(args, accounts, touches, prepare_s, results)


def _bench_stores(
    args: argparse.Namespace,
    by_kind: dict[str, list[Record]],
    results: list[dict[str, Any]],
    started: list[LocalNeo4j],
) -> None:
    for name in [s.strip() for s in args.stores.split(",") if s.strip()]:
        if name == "embedded":
            home = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
            results.append(bench_store(name, partial(EmbeddedStore, home), by_kind, args))
        elif name == "neo4j":
            if args.neo4j_uri:
                if not args.wipe:
                    raise SystemExit("--neo4j-uri wipes that database: add --wipe to confirm")
                uri, password = args.neo4j_uri, os.environ.get("NEO4J_PASSWORD", "")
            else:
                server = private_neo4j()
                if not server.status().running:
                    server.start()
                    started.append(server)
                uri, password = server.uri, server.password()
            user = os.environ.get("NEO4J_USERNAME", "neo4j")
            results.append(
                bench_store(
                    name,
                    partial(Neo4jStore.connect, uri, user, password),
                    by_kind,
                    args,
                )
            )
        else:
            raise SystemExit(f"unknown store {name!r}; use neo4j and/or embedded")


def _report(
    args: argparse.Namespace, accounts: int, touches: int, prepare_s: float, results: list[dict[str, Any]]
) -> None:
    load1, load5, _ = os.getloadavg()
    import importlib.util

    rust = "yes" if importlib.util.find_spec("neo4j._rust") else "no"
    print()
    print(
        f"world: {accounts:,} accounts, {touches:,} touches; batch {args.batch:,}; {os.cpu_count()} cores, "
        f"load average {load1:.1f}/{load5:.1f} (1/5 min); neo4j-rust-ext: {rust}"
    )
    rate = touches / prepare_s
    print(f"prepare (read+resolve+check), all kinds: {prepare_s:7.1f} s = {rate:10,.0f} touch rows/s")
    columns = ("touch rows/s", "naive rows/s", "speed-up", "all records/s", "load s")
    print(f"{'store':<9} " + " ".join(f"{c:>13}" for c in columns))
    for r in results:
        print(
            f"{r['store']:<9} {r['touch_rows_per_s']:>13,} {r['naive_touch_rows_per_s']:>13,.1f} "
            f"{r['speedup_vs_naive']:>12}x {r['records_per_s']:>13,} {r['load_s']:>13.1f}"
        )
    for r in results:
        if r["bare_nodes_per_s"]:
            print(
                f"calibration: in the same run this Neo4j created {r['bare_nodes_per_s']:,} bare nodes/s "
                "(unique id, 10k per transaction): the ceiling of any loader here and now"
            )
    if args.json:
        print(json.dumps({"prepare_s": prepare_s, "results": results}, indent=2))


if __name__ == "__main__":
    main()
