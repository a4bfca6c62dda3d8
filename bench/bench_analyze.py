"""Benchmark: the full analysis of one large account, fetch included, on the embedded store and Neo4j.

Builds one account of 2,000 people (a reporting tree with titles, ~6,000 KNOWS ties), 12 reps,
50,000 touches over two years (e-mails, calls, meetings with several people, demos, inbound web
visits, downloads, webinars, product usage) and 3 open deals, writes it to each store, then times

- buyergraph: `store.account_graph()` + `analyze_account()` (projections built once and shared,
  warm paths in one hop-bounded pass);
- baseline: the same fetch, then plain NetworkX that rebuilds the graphs for every analysis and
  searches warm paths target by target with Yen's k-shortest paths.

Prints the median, min and max of each over the runs. Targets on a 2-core machine: under 300 ms
(embedded) and 500 ms (Neo4j) for buyergraph.

    python bench/bench_analyze.py [--people 2000] [--touches 50000] [--runs 7] [--no-neo4j]
                                  [--baseline REV]

`--baseline REV` measures the code of another git revision in the same run, right after this code,
with the same options (its tree is extracted to a temporary folder and its own bench_analyze.py run
from there): e.g. the commit a change started from.

Neo4j is used when NEO4J_URI / NEO4J_PASSWORD are set (e.g. `eval "$(buyergraph neo4j env)"`). The
benchmark writes its records (ids starting `BENCH-`) into that database and leaves them there, so
point it at a scratch database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.localneo4j import LocalNeo4j  # noqa: E402
from bench._common import private_neo4j as shared_private_neo4j  # noqa: E402
from graph.analyses import analyze_account
from graph.analyses.config import DEFAULT_CONFIG
from graph.analyses.coverage import k_warm_paths
from graph.analyses.engagement import engagement
from graph.analyses.report import rank_key_people
from graph.errors import NotFoundError
from graph.model import (
    AccountGraph,
    CommitteeRole,
    Company,
    Deal,
    Holding,
    Knows,
    Person,
    Product,
    Record,
    Rep,
    Touch,
)
from graph.projections import project_account
from graph.stores.base import GraphStore

AS_OF = date(2026, 6, 30)
ACCOUNT = "BENCH-C1"
_LEVELS = [
    ("c_level", "Chief Executive Officer", "executive"),
    ("vp", "VP {f}", None),
    ("director", "Director of {f}", None),
    ("manager", "{f} Manager", None),
    ("individual", "{f} Specialist", None),
]
_FUNCTIONS = ["finance", "it", "engineering", "operations", "procurement", "legal", "sales", "marketing"]
_KINDS = [
    ("email", 0.45),
    ("call", 0.12),
    ("meeting", 0.1),
    ("demo", 0.03),
    ("web_visit", 0.12),
    ("content_download", 0.06),
    ("webinar", 0.04),
    ("product_usage", 0.08),
]


def build_world(n_people: int, n_touches: int, seed: int = 7) -> list[tuple[str, list[Record]]]:
    """One large account as bundle batches in loading order."""
    rng = random.Random(seed)
    people: list[Person] = []
    depth: dict[str, int] = {}
    func_of: dict[str, str] = {}
    for i in range(n_people):
        pid = f"BENCH-P{i:05d}"
        if i == 0:
            manager = None
            level = 0
            func = "executive"
        else:
            # Fill the tree breadth-first with a branching of about 7.
            manager_index = (i - 1) // 7
            manager = people[manager_index].id
            level = min(depth[manager] + 1, 4)
            func = _FUNCTIONS[i % len(_FUNCTIONS)] if depth[manager] == 0 else func_of[manager]
        seniority, title, fixed = _LEVELS[level]
        func = fixed or func
        depth[pid] = level
        func_of[pid] = func
        people.append(
            Person(
                id=pid,
                name=f"Person {i}",
                company_id=ACCOUNT,
                title=title.format(f=func.title()),
                seniority=seniority,
                function=func,
                reports_to_id=manager,
            )
        )
    knows: list[Knows] = []
    for i in range(1, n_people):
        for _ in range(3):
            j = rng.randrange(n_people)
            if j != i:
                knows.append(Knows(person_id=people[i].id, other_id=people[j].id, strength=rng.random()))
    reps = [Rep(id=f"BENCH-R{i:02d}", name=f"Rep {i}", kind="sales") for i in range(12)]
    products = [Product(id=f"BENCH-PR{i}", name=f"Product {i}", family=f"F{i % 3}") for i in range(6)]
    deals = [
        Deal(id=f"BENCH-D{i}", company_id=ACCOUNT, name=f"Deal {i}", status="open", amount=amount)
        for i, amount in enumerate((5_000, 50_000, 250_000))
    ]
    roles = [
        "decision_maker",
        "champion",
        "economic_buyer",
        "technical_evaluator",
        "procurement",
        "influencer",
    ]
    committee = [
        CommitteeRole(deal_id=d.id, person_id=people[rng.randrange(n_people)].id, role=role)
        for d in deals
        for role in roles
    ]
    kinds, weights = zip(*_KINDS, strict=True)
    start = datetime.combine(AS_OF, datetime.min.time()) - timedelta(days=730)
    touches: list[Touch] = []
    for t in range(n_touches):
        kind = rng.choices(kinds, weights)[0]
        at = start + timedelta(minutes=rng.randrange(730 * 24 * 60))
        # Activity concentrates on a fifth of the people, as in real accounts.
        who = [people[min(int(rng.paretovariate(1.2)) * 7 % n_people, n_people - 1)].id]
        if kind == "meeting":
            who += [people[rng.randrange(n_people)].id for _ in range(rng.randrange(1, 4))]
        inbound = kind in ("web_visit", "content_download", "webinar", "product_usage")
        touches.append(
            Touch(
                id=f"BENCH-T{t:06d}",
                at=at,
                kind=kind,
                person_ids=sorted(set(who)),
                rep_id=None if inbound else reps[rng.randrange(len(reps))].id,
                deal_id=deals[rng.randrange(len(deals))].id if rng.random() < 0.3 else None,
                direction="inbound" if inbound or rng.random() < 0.3 else "outbound",
                duration_s=1800 if kind in ("meeting", "demo", "call") else None,
            )
        )
    holdings = [Holding(company_id=ACCOUNT, product_id=products[0].id)]
    company = Company(id=ACCOUNT, name="Bench Industries", industry="Manufacturing", employees=n_people)
    return [
        ("companies", [company]),
        ("people", list(people)),
        ("reps", list(reps)),
        ("products", list(products)),
        ("deals", list(deals)),
        ("holdings", list(holdings)),
        ("committee", list(committee)),
        ("touches", list(touches)),
        ("knows", list(knows)),
    ]


def ours(store: GraphStore) -> None:
    analyze_account(store.account_graph(ACCOUNT), as_of=AS_OF)


def fetch_only(store: GraphStore) -> None:
    store.account_graph(ACCOUNT)


def analysis_only(account: AccountGraph, _store: GraphStore) -> None:
    analyze_account(account, as_of=AS_OF)


def baseline(store: GraphStore) -> None:
    """Plain NetworkX: rebuild the graphs for every analysis, warm paths target by target."""
    account = store.account_graph(ACCOUNT)
    ranked = rank_key_people(project_account(account, as_of=AS_OF)).key_people
    for deal in account.deals:
        # Each deal: its own projections, gaps and coverage, then a path search per key person.
        analyze_account(account, as_of=AS_OF, deal_id=deal.id)
        p = project_account(account, as_of=AS_OF)
        targets = {row.person_id for row in p.committee if row.deal_id == deal.id}
        targets |= {k.person_id for k in ranked[:5]}
        for target in sorted(targets & p.current):
            k_warm_paths(p.reach, sorted(p.reps), target, max_hops=3, k=1)
    q = project_account(account, as_of=AS_OF)
    engagement(
        q.touch_days,
        as_of=AS_OF,
        people=set(q.people),
        status=account.company.status,
        function=q.function,
        seniority=q.seniority,
        config=DEFAULT_CONFIG,
    )


#: The world, to write it again when a shared database was wiped by someone else mid-run.
WORLD: list[tuple[str, list[Record]]] = []


def private_neo4j() -> LocalNeo4j:
    return shared_private_neo4j("bench-analyze")


def ensure_loaded(store: GraphStore) -> None:
    """A shared Neo4j may be wiped by other test runs: write the world again (untimed) if it is gone."""
    try:
        store.get_company(ACCOUNT)
    except NotFoundError:
        print("  (the account had vanished from the store: written again before this run)")
        store.upsert_all(WORLD)


#: Untimed fetches and analyses of the account before a store is measured. A Neo4j that has just
#: started compiles its code paths (the JVM's JIT) over the first account reads: on this 2-core
#: machine a fresh server's fetch went 4.9 s, 640, 490, 420, 360 ms ... and settled after about 15
#: runs, which a server that has been up for a while does not see. Every store gets the same.
WARM_UP_RUNS = 20


def timed(fn: Callable[[GraphStore], None], store: GraphStore, runs: int) -> tuple[list[float], list[float]]:
    """(wall ms, CPU ms of this process) per run, after one warm-up run."""
    ensure_loaded(store)
    fn(store)  # warm-up: file reads, driver connections, imports
    wall: list[float] = []
    cpu: list[float] = []
    while len(wall) < runs:
        ensure_loaded(store)
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            fn(store)
        except NotFoundError:
            continue  # wiped during the run: write it again and measure this run again
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def report(label: str, measured: tuple[list[float], list[float]]) -> None:
    wall, cpu = measured
    print(
        f"  {label:<32} median {statistics.median(wall):8.1f} ms wall ({statistics.median(cpu):8.1f} ms CPU)"
        f"   min {min(wall):8.1f}   max {max(wall):8.1f}"
    )


def measure(name: str, store: GraphStore, runs: int) -> None:
    """One cold fetch and analysis, then the medians of buyergraph, its parts and the baseline."""
    ensure_loaded(store)
    t0 = time.perf_counter()
    account = store.account_graph(ACCOUNT)
    fetch = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    analyze_account(account, as_of=AS_OF)
    analysis = (time.perf_counter() - t0) * 1000
    touches = account.touch_days.touch_count()
    print(f"{name}: one fetch {fetch:.0f} ms + one analysis {analysis:.0f} ms ({touches:,} touches)")
    for _ in range(WARM_UP_RUNS):
        ours(store)
    report("buyergraph (fetch + analysis)", timed(ours, store, runs))
    report("  of which the fetch alone", timed(fetch_only, store, runs))
    report("  of which the analysis alone", timed(partial(analysis_only, account), store, runs))
    report("baseline (plain NetworkX)", timed(baseline, store, max(3, runs // 2)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--touches", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-neo4j", action="store_true", help="Measure the embedded store only.")
    parser.add_argument("--no-embedded", action="store_true", help="Measure Neo4j only.")
    parser.add_argument(
        "--private-neo4j",
        action="store_true",
        help="Start a Neo4j of the benchmark's own (files under .neo4j/bench-analyze/, jars shared with the "
        "local one) instead of NEO4J_URI, so that no other test run can wipe it mid-measurement; "
        "it is stopped at the end.",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="Then measure the code of this git revision the same way, in the same run (see above).",
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    world = build_world(args.people, args.touches)
    WORLD[:] = world
    print(
        f"world: {args.people:,} people, {args.touches:,} touches ({time.perf_counter() - t0:.1f} s to build)"
    )

    from graph.stores.embedded import EmbeddedStore

    stores: list[tuple[str, GraphStore]] = []
    private = private_neo4j() if args.private_neo4j and not args.no_neo4j else None
    try:
        with tempfile.TemporaryDirectory() as home:
            # Each store is measured before the next is set up: a Neo4j that was just loaded keeps
            # working in the background (checkpoints, garbage collection) and would slow the other.
            if not args.no_embedded:
                embedded = EmbeddedStore(home)
                embedded.upsert_all(world)
                stores.append(("embedded", embedded))
                measure("embedded", embedded, args.runs)
            uri = os.environ.get("NEO4J_URI")
            if private is not None:
                print(f"starting a private Neo4j on port {private.port} ...", flush=True)
                private.start(echo=False)
            if (uri or private) and not args.no_neo4j:
                from graph.stores.neo4j import Neo4jStore

                if private is not None:
                    neo = Neo4jStore.connect(private.uri, "neo4j", private.password(), "neo4j")
                else:
                    neo = Neo4jStore.connect(
                        uri or "",
                        os.environ.get("NEO4J_USERNAME", "neo4j"),
                        os.environ["NEO4J_PASSWORD"],
                        os.environ.get("NEO4J_DATABASE", "neo4j"),
                    )
                t0 = time.perf_counter()
                neo.upsert_all(world)
                print(f"loaded into Neo4j in {time.perf_counter() - t0:.1f} s")
                stores.append(("neo4j", neo))
                measure("neo4j", neo, args.runs)
            elif not args.no_neo4j:
                print("Neo4j: NEO4J_URI is not set; only the embedded store is measured")
            print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            for _, store in stores:
                store.close()
    finally:
        if private is not None:
            private.stop()
    if args.baseline:
        run_baseline(args.baseline)


def run_baseline(revision: str) -> None:
    """The benchmark of another revision, with this run's options but --baseline, from its own tree."""
    root = Path(__file__).resolve().parent.parent
    forwarded: list[str] = []
    skip = False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg == "--baseline":
            skip = True
        elif not arg.startswith("--baseline="):
            forwarded.append(arg)
    with tempfile.TemporaryDirectory() as tree:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", revision], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        print(f"\n== baseline: revision {revision}, same options", flush=True)
        subprocess.run(
            [sys.executable, str(Path(tree) / "bench" / "bench_analyze.py"), *forwarded],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": tree},
            check=True,
        )


if __name__ == "__main__":
    main()
