"""What the search keys (graph/search.py) cost and give: writing people with and without their key,
the one-time backfill, and a search in both scripts, measured in the same run.

    .venv/bin/python bench/bench_search.py                                  # embedded only
    NEO4J_URI=... NEO4J_PASSWORD=... .venv/bin/python bench/bench_search.py --neo4j --wipe

With `--neo4j` the Neo4j named by NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD is wiped and filled
(`--wipe` must say so: never point it at a database you keep). The baseline is the same writes with the
search keys switched off in this process (the code before them wrote none).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import graph.stores.embedded as embedded_module  # noqa: E402
import graph.stores.neo4j as neo4j_module  # noqa: E402
from graph.analyses.directory import PeopleFilter  # noqa: E402
from graph.model import Company, Person  # noqa: E402
from graph.search import search_key  # noqa: E402
from graph.stores.base import GraphStore  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from ingest.synthetic.generator import DEFAULT_AS_OF  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
LATIN = ["José García", "Zoë Ångström", "Betty Kelly", "Li Na", "Jean-Luc Picard", "Ana Müller"]
BATCH = 5_000


def people(n: int, seed: int = 7) -> tuple[list[Company], list[Person]]:
    rng = random.Random(seed)
    companies = [
        Company(id=f"c{i}", name=f"公司{i}" if i % 2 else f"Company {i}") for i in range(n // 100 + 1)
    ]
    result = []
    for i in range(n):
        if i % 2:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        else:
            name = f"{rng.choice(LATIN)} {i}"
        result.append(
            Person(id=f"p{i}", name=name, email=f"u{i}@example.com", title="经理", company_id=f"c{i // 100}")
        )
    return companies, result


@contextmanager
def keys_off() -> Iterator[None]:
    """The writes as before search keys: no key computed or written."""
    labels, with_key = neo4j_module._SEARCHED_LABELS, embedded_module._with_search_key
    neo4j_module._SEARCHED_LABELS = {}
    embedded_module._with_search_key = lambda row: row
    try:
        yield
    finally:
        neo4j_module._SEARCHED_LABELS, embedded_module._with_search_key = labels, with_key


def write(store: GraphStore, companies: list[Company], persons: list[Person]) -> float:
    start = time.perf_counter()
    store.upsert("companies", companies)
    for i in range(0, len(persons), BATCH):
        store.upsert("people", persons[i : i + BATCH])
    return time.perf_counter() - start


def timed(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def measure(name: str, fresh: Callable[[], GraphStore], n: int, runs: int) -> None:
    companies, persons = people(n)
    print(f"\n{name}: {n:,} people ({n // 2:,} with Chinese names), batches of {BATCH:,}")
    with keys_off():
        store = fresh()
        baseline = write(store, companies, persons)
    print(f"  baseline: write without search keys   {baseline:7.2f} s  ({baseline / n * 1e6:6.0f} us/person)")
    store = fresh()
    keyed = write(store, companies, persons)
    print(
        f"  write with search keys                {keyed:7.2f} s  ({keyed / n * 1e6:6.0f} us/person, "
        f"{keyed / baseline:.2f}x)"
    )
    for typed in ("li na", "王芳", "jose garcia", "zhangwei"):
        median, worst = timed(lambda typed=typed: store.search_people(typed, limit=50), runs)
        count = store.search_people(typed, limit=1).count
        print(f"  search_people({typed!r:14}) {count:6,} found  {median:8.1f} ms median {worst:8.1f} ms max")
    query = PeopleFilter(search="li na", as_of=DEFAULT_AS_OF)
    median, worst = timed(lambda: store.list_people_filtered(query, limit=50), runs)
    print(f"  list_people_filtered(search='li na')          {median:8.1f} ms median {worst:8.1f} ms max")
    median, worst = timed(lambda: store.list_people(limit=50), runs)
    print(f"  baseline: list_people page, no search         {median:8.1f} ms median {worst:8.1f} ms max")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--neo4j", action="store_true")
    parser.add_argument("--wipe", action="store_true")
    args = parser.parse_args()

    names = [p.name for p in people(10_000)[1]]
    start = time.perf_counter()
    for name in names:
        search_key(name)
    cold = (time.perf_counter() - start) / len(names) * 1e6
    print(f"search_key of one name (pinyin included): {cold:.0f} us, first time ({len(names):,} names)")

    with tempfile.TemporaryDirectory() as folder:
        counter = iter(range(1_000))
        measure("embedded", lambda: EmbeddedStore(Path(folder) / f"s{next(counter)}"), args.people, args.runs)

    if args.neo4j:
        if not args.wipe:
            sys.exit("--neo4j wipes the database named by NEO4J_URI: add --wipe to say so")
        from graph.stores.neo4j import Neo4jStore

        store = Neo4jStore.connect(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USERNAME", "neo4j"),
            os.environ["NEO4J_PASSWORD"],
            os.environ.get("NEO4J_DATABASE", "neo4j"),
        )

        def fresh() -> GraphStore:
            store.clear()
            return store

        measure("neo4j", fresh, args.people, args.runs)
        # The one-time backfill of a database written without keys (keys_off above), same run.
        with keys_off():
            fresh()
            write(store, *people(args.people))
        start = time.perf_counter()
        store.migrate_search_keys()  # the wipe removed the record that it was done
        print(f"  backfill of {args.people:,} people without keys  {time.perf_counter() - start:7.2f} s")
        print(f"  after it, search_people('li na') finds {store.search_people('li na', limit=1).count:,}")
        store.clear()
        store.close()


if __name__ == "__main__":
    main()
