"""First loads end to end: `ingest --initial` (Neo4j's offline importer) against the online ingest,
in the same run, from the files of a generated world to a queryable graph.

    .venv/bin/python bench/bench_initial_load.py --accounts 300        # a quick look
    .venv/bin/python bench/bench_initial_load.py --accounts 10000      # the 10,000-account world

Each path runs in a child process of its own (so that its peak memory is its own) against the
benchmark's private Neo4j (`.neo4j/bench-ingest/`, shared with bench_ingest.py), which is emptied
before each. Printed per path: seconds end to end and per phase (read = reading and checking files,
resolve, write; for --initial the write is split into building the import files, the importer's run
(the server stops meanwhile), the server's start on the new database, and the schema), touch rows
per second, the peak RSS of the Python process and of its children (the importer's JVM; the server's
own memory is its configured heap and page cache), and the graph's node and relationship counts,
which must agree. Then the speed-up of --initial over the
online path, and a linear extrapolation of time and memory to 10 million touches.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_ingest import private_neo4j, wipe, world  # noqa: E402


def one(mode: str, folder: Path) -> dict[str, Any]:
    """Load `folder` one way into the emptied private server; figures as a dict (in the child)."""
    from api.initial_load import InitialLoad
    from graph.stores.neo4j import Neo4jStore
    from ingest.loader import DEFAULT_BATCH, ingest_paths

    baseline_mb = _rss_mb()  # the interpreter and its modules: what a bigger world does not grow
    server = private_neo4j()
    store = Neo4jStore.connect(server.uri, "neo4j", server.password())
    wipe(store)
    store.apply_schema()
    files = server.folder / "bench-import-files"
    started = time.perf_counter()
    load = (
        InitialLoad(store, server.uri, files, batch_size=DEFAULT_BATCH, server=server)
        if mode == "initial"
        else None
    )
    result = ingest_paths([folder], store, progress=False, initial=load)
    elapsed = time.perf_counter() - started
    counts = store.counts()
    store.close()
    touches = result.summary.kinds.get("touches")
    return {
        "mode": mode,
        "seconds": round(elapsed, 2),
        "phases_s": result.summary.phases_s | (load.phases_s if load else {}),
        "touches": touches.loaded if touches else 0,
        "records": sum(k.loaded for k in result.summary.kinds.values()),
        "baseline_rss_mb": round(baseline_mb),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "children_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "counts": counts.model_dump(),
    }


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--modes", default="online,initial", help="which paths, in this order")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)  # the child's mode
    parser.add_argument("--keep-neo4j", action="store_true", help="leave the private Neo4j running")
    args = parser.parse_args()
    folder = world(args.accounts, args.seed)
    if args.one:
        print(json.dumps(one(args.one, folder)))
        return
    server = private_neo4j()
    started = not server.status().running
    if started:
        server.start()
    results: list[dict[str, Any]] = []
    try:
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            print(f"[{mode}] loading the {args.accounts:,}-account world ...", flush=True)
            child = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--accounts",
                    str(args.accounts),
                    "--seed",
                    str(args.seed),
                    "--one",
                    mode,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if child.returncode != 0:
                raise SystemExit(f"[{mode}] failed:\n{child.stderr[-3000:]}")
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))
            print(f"[{mode}] {json.dumps(results[-1])}", flush=True)
    finally:
        if started and not args.keep_neo4j:
            server.stop()
    _report(args, results)


def _report(args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    load1, load5, _ = os.getloadavg()
    print()
    print(f"world: {args.accounts:,} accounts; {os.cpu_count()} cores, load average {load1:.1f}/{load5:.1f}")
    print(f"{'path':<8} {'seconds':>8} {'touch rows/s':>13} {'py peak MB':>11} {'child MB':>9}  phases (s)")
    for r in results:
        phases = ", ".join(f"{k} {v:.1f}" for k, v in r["phases_s"].items())
        rate = r["touches"] / r["seconds"] if r["seconds"] else 0
        print(
            f"{r['mode']:<8} {r['seconds']:>8.1f} {rate:>13,.0f} {r['peak_rss_mb']:>11,} "
            f"{r['children_peak_rss_mb']:>9,}  {phases}"
        )
    by_mode = {r["mode"]: r for r in results}
    if {"online", "initial"} <= set(by_mode):
        online, initial = by_mode["online"], by_mode["initial"]
        same = online["counts"] == initial["counts"]
        print(f"same node and relationship counts: {same}")
        print(f"--initial is {online['seconds'] / initial['seconds']:.1f}x the online ingest end to end")
    for r in results:
        prepared = r["phases_s"].get("read", 0) + r["phases_s"].get("resolve", 0)
        if r["touches"] and prepared:
            print(
                f"{r['mode']}: preparation (read + resolve) {prepared:.1f} s, "
                f"{r['touches'] / prepared:,.0f} touch rows/s"
            )
    for r in results:
        if r["touches"]:
            scale = 10_000_000 / r["touches"]
            grown = r["baseline_rss_mb"] + (r["peak_rss_mb"] - r["baseline_rss_mb"]) * scale
            print(
                f"{r['mode']}: 10M touches, linearly: {r['seconds'] * scale / 60:,.0f} min, Python peak "
                f"{grown / 1024:,.1f} GB (the growth over the {r['baseline_rss_mb']} MB baseline, scaled)"
            )


if __name__ == "__main__":
    main()
