"""The cross-account people list (`GET /api/v1/people` filters) and the rep lists on both stores,
next to the plain people page it replaced, measured in the same run.

    .venv/bin/python bench/bench_people_list.py                          # embedded only, 100 accounts
    NEO4J_URI=... NEO4J_PASSWORD=... .venv/bin/python bench/bench_people_list.py --neo4j --wipe

With `--neo4j` the Neo4j named by NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD is wiped and filled
(`--wipe` must say so: never point it at a database you keep). Prints, per store and query, the median
and the slowest of `--runs` calls for one page of 50, and the baseline: `list_people` (the unfiltered
page by name, what `/api/v1/people` answered before it took filters).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.refresh import compute_results  # noqa: E402
from graph.analyses import DEFAULT_CONFIG  # noqa: E402
from graph.analyses.directory import PeopleFilter  # noqa: E402
from graph.stores.base import GraphStore  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from ingest.loader import ingest_paths  # noqa: E402
from ingest.synthetic.generator import DEFAULT_AS_OF, generate_world  # noqa: E402

QUERIES: dict[str, dict[str, Any]] = {
    "by name, no filter": {},
    "seniority=c_level": {"seniorities": ["c_level"]},
    "engagement=engaged": {"engagement": ["engaged"]},
    "max_rank=3, sort=rank": {"max_rank": 3, "sort": "rank"},
    "sort=-last_touch": {"sort": "last_touch", "descending": True},
    "role=champion&engagement=cooling": {"roles": ["champion"], "engagement": ["cooling"]},
}


def timed(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    call()  # warm caches and query plans
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def measure(name: str, store: GraphStore, runs: int) -> None:
    people = store.counts().nodes["Person"]
    print(f"\n{name}: {people:,} people")
    median, worst = timed(lambda: store.list_people(limit=50), runs)
    print(f"  {'baseline: list_people page':36} {median:8.1f} ms median {worst:8.1f} ms max")
    for label, filters in QUERIES.items():
        query = PeopleFilter(as_of=DEFAULT_AS_OF, **filters)
        count = store.list_people_filtered(query, limit=50).count
        median, worst = timed(lambda q=query: store.list_people_filtered(q, limit=50), runs)  # type: ignore[misc]
        print(f"  {label:36} {median:8.1f} ms median {worst:8.1f} ms max  ({count:,} matched)")
    reps = store.list_reps(limit=50)
    median, worst = timed(lambda: store.list_reps(limit=50), runs)
    label = "reps page with accounts counts"
    print(f"  {label:36} {median:8.1f} ms median {worst:8.1f} ms max  ({reps.count} reps)")
    busiest = max(reps.data, key=lambda r: r.accounts)
    median, worst = timed(lambda: store.rep_accounts(busiest.rep.id, limit=50), runs)
    print(
        f"  {'busiest rep accounts page':36} {median:8.1f} ms median {worst:8.1f} ms max  "
        f"({busiest.accounts} accounts)"
    )


def fill(store: GraphStore, world: Path) -> None:
    start = time.perf_counter()
    ingest_paths([world], store, progress=False)
    ids = store.accounts_to_refresh(everything=True)
    store.write_results(compute_results(store, ids, as_of=DEFAULT_AS_OF, config=DEFAULT_CONFIG))
    print(f"  loaded and refreshed {len(ids)} accounts in {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--neo4j", action="store_true", help="also measure the Neo4j of NEO4J_URI")
    parser.add_argument("--wipe", action="store_true", help="allow wiping that Neo4j")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "world"
        generate_world(world, args.accounts, seed=7, progress=False)
        embedded = EmbeddedStore(Path(tmp) / "store")
        print("embedded store:")
        fill(embedded, world)
        measure("embedded", embedded, args.runs)
        embedded.close()
        if args.neo4j:
            if not args.wipe:
                sys.exit("--neo4j wipes the database of NEO4J_URI: add --wipe to confirm")
            from graph.stores.neo4j import Neo4jStore

            neo4j = Neo4jStore.connect(
                os.environ["NEO4J_URI"],
                os.environ.get("NEO4J_USERNAME", "neo4j"),
                os.environ["NEO4J_PASSWORD"],
                os.environ.get("NEO4J_DATABASE", "neo4j"),
            )
            neo4j.clear()
            print("\nneo4j:")
            fill(neo4j, world)
            measure("neo4j", neo4j, args.runs)
            neo4j.clear()
            neo4j.close()


if __name__ == "__main__":
    main()
