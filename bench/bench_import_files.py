"""The files phase of `ingest --initial` alone, watched as it goes: does it grow faster than the world?

    .venv/bin/python bench/bench_import_files.py --accounts 2000 --seed 5
    .venv/bin/python bench/bench_import_files.py --accounts 10000 --seed 5

Prepares a generated world's records as the loader would (bench_ingest.prepare: read, enrich,
resolve, check), then writes the importer's files (`write_import_files`) into a temporary folder
while printing, per 100,000 touches counted into the daily aggregates, the wall and CPU seconds
and the resident memory, plus every full garbage collection (generation 2) and how long it took.
At the end: the files phase's wall and CPU seconds, and CPU microseconds per touch, the figure to
compare between worlds of different sizes (wall seconds on a shared machine also measure the load).
No Neo4j is needed.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import graph.stores.neo4j_import as import_files  # noqa: E402
from bench.bench_ingest import prepare, world  # noqa: E402
from graph.model import WRITE_ORDER  # noqa: E402
from ingest.loader import DEFAULT_BATCH  # noqa: E402

STEP = 100_000


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    by_kind, seconds, _ = prepare(world(args.accounts, args.seed))
    touches = len(by_kind.get("touches", ()))
    print(f"prepared {touches:,} touches in {seconds:.1f} s, RSS {_rss_mb():,.0f} MB", flush=True)

    full: dict[str, Any] = {"count": 0, "seconds": 0.0, "started": 0.0}

    def watch_gc(phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            full["started"] = time.perf_counter()
            return
        took = time.perf_counter() - full["started"]
        full["count"] += 1
        full["seconds"] += took
        print(f"  full garbage collection: {took:.2f} s", flush=True)

    counted = {"n": 0, "wall": 0.0, "cpu": 0.0}
    add_touch_rows = import_files.add_touch_rows

    def counting(*a: Any, **k: Any) -> None:
        counted["n"] += 1
        if counted["n"] % STEP == 0:
            wall, cpu = time.perf_counter(), time.process_time()
            print(
                f"  {counted['n']:>9,} touches: {wall - counted['wall']:5.2f} s wall, "
                f"{cpu - counted['cpu']:5.2f} s CPU, RSS {_rss_mb():,.0f} MB",
                flush=True,
            )
            counted["wall"], counted["cpu"] = wall, cpu
        add_touch_rows(*a, **k)

    import_files.add_touch_rows = counting  # type: ignore[assignment]
    gc.callbacks.append(watch_gc)
    folder = Path(tempfile.mkdtemp(prefix="bench-import-files-"))
    try:
        wall0 = counted["wall"] = time.perf_counter()
        cpu0 = counted["cpu"] = time.process_time()
        import_files.write_import_files(
            by_kind,
            [],
            folder,
            order=WRITE_ORDER,
            batch_size=DEFAULT_BATCH,
            migrated_at=datetime.now().replace(microsecond=0),
        )
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    finally:
        gc.callbacks.remove(watch_gc)
        import_files.add_touch_rows = add_touch_rows
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"files: {wall:.1f} s wall, {cpu:.1f} s CPU, {cpu / max(touches, 1) * 1e6:.1f} µs CPU per touch; "
        f"{full['count']} full garbage collections, {full['seconds']:.1f} s; RSS {_rss_mb():,.0f} MB"
    )


if __name__ == "__main__":
    main()
