"""Micro-benchmark: one Neo4j account read (`Neo4jStore.account_graph`) of a small account with
sellers' corrections, the fetch alone, so that a round trip more or less shows.

Writes the contract tests' small world (tests/contract/world.py) and a few active corrections of
its account `c-acme-cn` into the Neo4j of NEO4J_URI (it WIPES that database first: point it at a
scratch one), then reads the account `--reads` times, `--runs` times, and prints the median, min
and max per read in milliseconds (wall and process CPU).

    python bench/bench_account_read.py [--runs 7] [--reads 200] [--code DIR]

`--code DIR` imports buyergraph from another tree (e.g. a `git archive` of the commit a change
started from), to compare in the same session: run it right after this code, same options.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--corrections", type=int, default=3)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    from graph.model import Correction
    from graph.stores.neo4j import Neo4jStore
    from tests.contract.world import world

    print(f"code: {Path(sys.modules[Neo4jStore.__module__].__file__ or '').parent.parent.parent.name}")

    store = Neo4jStore.connect(
        os.environ["NEO4J_URI"],
        os.environ.get("NEO4J_USERNAME", "neo4j"),
        os.environ["NEO4J_PASSWORD"],
        os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
    try:
        store.clear()
        store.upsert_all(world())
        t0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
        for n in range(args.corrections):
            store.add_correction(
                Correction(
                    id=f"bench-fix-{n}",
                    kind="role",
                    company_id="c-acme-cn",
                    author="bench",
                    at=t0 + timedelta(minutes=n),
                    deal_id="d-1",
                    person_id="p-cfo",
                    role="decision_maker",
                )
            )
        assert len(store.account_graph("c-acme-cn").corrections) == args.corrections
        for _ in range(20):  # warm the driver's pool and the server's query cache
            store.account_graph("c-acme-cn")
        walls, cpus = [], []
        for _ in range(args.runs):
            w, c = time.perf_counter(), time.process_time()
            for _ in range(args.reads):
                store.account_graph("c-acme-cn")
            walls.append((time.perf_counter() - w) * 1000 / args.reads)
            cpus.append((time.process_time() - c) * 1000 / args.reads)
        for name, values in (("wall", walls), ("CPU", cpus)):
            print(
                f"account_graph, {args.corrections} corrections, {name} ms per read: "
                f"median {statistics.median(values):.2f} min {min(values):.2f} max {max(values):.2f}"
            )
        try:
            load = os.getloadavg()[0]
            print(f"load average {load:.1f}")
        except OSError:
            pass
    finally:
        store.clear()
        store.close()


if __name__ == "__main__":
    main()
