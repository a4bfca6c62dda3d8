"""First loads end to end: `ingest --initial` (Neo4j's offline importer) against the online ingest,
in the same run, from the files of a generated world to a queryable graph.

    .venv/bin/python bench/bench_initial_load.py --accounts 300        # a quick look
    .venv/bin/python bench/bench_initial_load.py --accounts 10000      # the 10,000-account world
    mkdir ../before && git archive main | tar -x -C ../before          # a baseline: any other checkout
    .venv/bin/python bench/bench_initial_load.py --accounts 10000 --seed 5 --modes initial \
        --baseline ../before

Each path runs in a child process of its own (so that its peak memory is its own) against the
benchmark's private Neo4j (`.neo4j/bench-ingest/`, shared with bench_ingest.py), which is emptied
before each. Printed per path: seconds end to end and per phase (read = reading and checking files,
resolve, write; for --initial the write is split into building the import files, the importer's run
(the server stops meanwhile), the server's start on the new database, and the schema), touch rows
per second, the peak RSS of the Python process and of its children (the importer's JVM; the server's
own memory is its configured heap and page cache), and the graph's node and relationship counts,
which must agree. Then the speed-up of --initial over the
online path, and a linear extrapolation of time and memory to 10 million touches.

`--baseline DIR` runs every path a second time with the code of another checkout (its `api`,
`graph`, `ingest` and `cypher` packages; the world, the private server and this file's measuring
stay this checkout's), alternating this code and the baseline `--runs` times, in the same run.
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
#: The code measured: this checkout, or in a child run for `--baseline`, the baseline's (the
#: world and the private server stay this checkout's: see `_private_server`).
CODE = Path(sys.argv[sys.argv.index("--code") + 1]).resolve() if "--code" in sys.argv else REPO
sys.path.insert(0, str(CODE))
BENCH_DIR = REPO / ".neo4j" / "bench-ingest"


def _private_server() -> Any:
    """The private server of bench_ingest.py (`.neo4j/bench-ingest/`), opened with the code measured."""
    from api.localneo4j import LocalNeo4j

    return LocalNeo4j(folder=BENCH_DIR, port=int((BENCH_DIR / "port").read_text()))


def one(mode: str, folder: Path) -> dict[str, Any]:
    """Load `folder` one way into the emptied private server; figures as a dict (in the child)."""
    import cypher
    from api.initial_load import InitialLoad
    from graph.stores.neo4j import Neo4jStore
    from ingest.loader import DEFAULT_BATCH, ingest_paths

    baseline_mb = _rss_mb()  # the interpreter and its modules: what a bigger world does not grow
    server = _private_server()
    store = Neo4jStore.connect(server.uri, "neo4j", server.password())
    with store._driver.session() as session:  # emptied as bench_ingest.wipe does: touches first
        session.run(cypher.query("delete_touches")).consume()
    store.clear()
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
    parser.add_argument("--baseline", type=Path, default=None, help="a checkout of the code to compare with")
    parser.add_argument("--runs", type=int, default=1, help="with --baseline: alternations of the two")
    parser.add_argument("--code", default=None, help=argparse.SUPPRESS)  # the child's code (see CODE)
    args = parser.parse_args()
    if args.one:
        folder = BENCH_DIR / f"world-{args.accounts}-seed{args.seed}"
        print(json.dumps(one(args.one, folder)))
        return
    from bench.bench_ingest import private_neo4j, world

    world(args.accounts, args.seed)
    server = private_neo4j()
    started = not server.status().running
    if started:
        server.start()
    results: list[dict[str, Any]] = []
    codes = [("", REPO)] + ([("baseline ", args.baseline.resolve())] if args.baseline else [])
    try:
        for _ in range(args.runs if args.baseline else 1):
            for tag, code in codes:
                for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
                    print(f"[{tag}{mode}] loading the {args.accounts:,}-account world ...", flush=True)
                    load1 = os.getloadavg()[0]
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
                            "--code",
                            str(code),
                        ],
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                    if child.returncode != 0:
                        raise SystemExit(f"[{tag}{mode}] failed:\n{child.stderr[-3000:]}")
                    result = json.loads(child.stdout.strip().splitlines()[-1])
                    result["mode"] = f"{tag}{mode}"
                    result["load"] = f"{load1:.1f}/{os.getloadavg()[0]:.1f}"
                    results.append(result)
                    print(f"[{tag}{mode}] {json.dumps(result)}", flush=True)
    finally:
        if started and not args.keep_neo4j:
            server.stop()
    _report(args, results)


def _report(args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    load1, load5, _ = os.getloadavg()
    print()
    print(f"world: {args.accounts:,} accounts; {os.cpu_count()} cores, load average {load1:.1f}/{load5:.1f}")
    print(
        f"{'path':<17} {'load':>9} {'seconds':>8} {'touch rows/s':>13} {'py peak MB':>11} {'child MB':>9}"
        "  phases (s)"
    )
    for r in results:
        phases = ", ".join(f"{k} {v:.1f}" for k, v in r["phases_s"].items())
        rate = r["touches"] / r["seconds"] if r["seconds"] else 0
        print(
            f"{r['mode']:<17} {r['load']:>9} {r['seconds']:>8.1f} {rate:>13,.0f} {r['peak_rss_mb']:>11,} "
            f"{r['children_peak_rss_mb']:>9,}  {phases}"
        )
    after_files = [
        (r["mode"], sum(v for k, v in r["phases_s"].items() if k in ("import", "start", "schema")))
        for r in results
        if "import" in r["phases_s"]
    ]
    for mode, seconds in after_files:
        print(f"{mode}: after the files (import + start + schema) {seconds:.1f} s")
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
