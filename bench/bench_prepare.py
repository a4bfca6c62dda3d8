"""Preparation alone (reading, checking, normalising, resolving a load's files), this code against a
baseline checkout of another revision, in the same run.

    mkdir ../before && git archive main | tar -x -C ../before   # the baseline: any other checkout
    .venv/bin/python bench/bench_prepare.py --accounts 1000 --seed 5 --baseline ../before
    .venv/bin/python bench/bench_prepare.py --accounts 10000 --seed 5 --baseline ../before --runs 1

With `--online`, the whole online ingest (writes included, into an empty embedded store) is timed
too, once per checkout.

Preparation is what `ingest_paths` does before its first write, the same for the online ingest and
`ingest --initial`: here it runs the real loader into an empty embedded store with a first-load
writer that writes nothing, and the loader's own phases (read, resolve) are the figure. Each
checkout runs in a child process of its own (so its peak memory is its own), alternating, `--runs`
times each. Printed per run: seconds and CPU seconds of preparation, touch rows per second, the peak
RSS of the process and the RSS of a bare interpreter with the modules loaded, and a linear
extrapolation of that memory to 10 million touches. The world is the cached one of
bench_ingest.py (`.neo4j/bench-ingest/world-N-seedS`; generated when missing). CPU seconds count
every thread; on a machine shared with other work they are the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

#: The child's program: run the loader's preparation of one world and print figures as JSON.
_CHILD = """
import json, os, resource, sys, tempfile, time
from pathlib import Path

def rss_mb():
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths

base = rss_mb()
store = EmbeddedStore(tempfile.mkdtemp(prefix="bench-prepare-"))
held = {}

prepared_cpu = []

def no_write(by_kind, aliases):
    prepared_cpu.append(time.process_time())  # preparation ends where the writer is called
    held.update(by_kind)  # what a first load hands to its writer
    return {kind: len(records) for kind, records in by_kind.items()}

online = sys.argv[2] == "online"
wall, cpu = time.perf_counter(), time.process_time()
started_cpu = cpu
result = ingest_paths([Path(sys.argv[1])], store, progress=False, initial=None if online else no_write)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
phases = result.summary.phases_s
touches = result.summary.kinds["touches"].loaded
print(json.dumps({
    "prepare_s": phases["read"] + phases["resolve"],
    "phases_s": phases,
    "process_cpu_s": cpu,
    "prepare_cpu_s": prepared_cpu[0] - started_cpu if prepared_cpu else None,
    "ingest_s": wall,
    "touches": touches,
    "records": sum(k.loaded for k in result.summary.kinds.values()),
    "rejects": len(result.rejects),
    "base_rss_mb": base,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run(checkout: Path, folder: Path, online: bool = False) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), "online" if online else "prepare"],
        cwd=checkout,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--baseline", type=Path, default=None, help="a checkout of the code to compare with")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--online",
        action="store_true",
        help="also time the whole online ingest into an empty embedded store (writes included) once each",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from bench.bench_ingest import world

    folder = world(args.accounts, args.seed)
    checkouts = [("this", REPO)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    results: list[dict[str, Any]] = []
    for run_number in range(args.runs):
        for name, checkout in checkouts:
            started = time.perf_counter()
            figures = run(checkout, folder)
            figures |= {"code": name, "run": run_number + 1, "child_s": time.perf_counter() - started}
            results.append(figures)
            _line(figures)
    if args.online:
        for name, checkout in checkouts:
            figures = run(checkout, folder, online=True)
            print(
                f"{name:<9} online ingest into the embedded store: {figures['ingest_s']:.1f} s "
                f"(CPU {figures['process_cpu_s']:.1f} s; "
                + ", ".join(f"{k} {v:.1f}" for k, v in figures["phases_s"].items())
                + f"); {figures['records']:,} records loaded",
                flush=True,
            )
    load1, load5, _ = os.getloadavg()
    machine = f"{os.cpu_count()} cores, load {load1:.1f}/{load5:.1f}"
    print(f"world: {args.accounts:,} accounts (seed {args.seed}); {machine}")
    for name, _ in checkouts:
        mine = [r for r in results if r["code"] == name]
        best = min(mine, key=lambda r: r["prepare_s"])
        grown = best["peak_rss_mb"] - best["base_rss_mb"]
        extrapolated_gb = (best["base_rss_mb"] + grown * 10_000_000 / best["touches"]) / 1024
        rate = best["touches"] / best["prepare_s"]
        cpu = best["prepare_cpu_s"] or 0.0
        per_cpu = best["touches"] / cpu if cpu else 0.0
        print(
            f"{name:<9} best of {len(mine)}: {rate:,.0f} touch rows/s ({best['prepare_s']:.1f} s; CPU "
            f"{cpu:.1f} s, {per_cpu:,.0f} touch rows per CPU second); "
            f"peak RSS {best['peak_rss_mb']:,.0f} MB; "
            f"10M touches, linearly: {extrapolated_gb:.1f} GB"
        )
    if args.json:
        print(json.dumps(results, indent=2))


def _line(r: dict[str, Any]) -> None:
    phases = ", ".join(f"{k} {v:.1f}" for k, v in r["phases_s"].items())
    rate = r["touches"] / r["prepare_s"]
    print(
        f"{r['code']:<9} run {r['run']}: prepare {r['prepare_s']:6.1f} s = {rate:9,.0f} touch rows/s "
        f"(CPU {r['prepare_cpu_s'] or 0:.1f} s; {phases}); {r['touches']:,} touches, "
        f"{r['records']:,} records, {r['rejects']:,} report lines; peak RSS {r['peak_rss_mb']:,.0f} MB "
        f"(bare {r['base_rss_mb']:,.0f} MB)",
        flush=True,
    )


if __name__ == "__main__":
    main()
