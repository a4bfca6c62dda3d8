"""Benchmark: cross-sell for every account of a 100,000-account world.

Builds 100,000 companies (10 industries, sizes from 5 to 50,000 employees) and about 300,000
holdings of 40 products that come in bundles with industry preferences, then times

- buyergraph: `cross_sell_all()` (sparse account x product matrices, products x products
  co-ownership; top 5 per account with evidence), median of the runs;
- baseline: plain NetworkX on the bipartite account-product graph, one account at a time (walk to
  the accounts sharing a product, count what they own), timed on a sample of accounts and
  extrapolated to all of them; it also runs in the same process.

Target on a 2-core machine: under 60 s for 100,000 accounts.

    python bench/bench_cross_sell.py [--accounts 100000] [--runs 3] [--sample 300]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections import Counter

import networkx as nx

from graph.analyses.cross_sell import OwnershipIndex, cross_sell_all
from graph.model import Company, Holding

INDUSTRIES = [f"Industry {i}" for i in range(10)]
BUNDLES = [[f"PR{b * 5 + k:02d}" for k in range(5)] for b in range(8)]


def build_world(n: int, seed: int = 3) -> tuple[list[Company], list[Holding]]:
    rng = random.Random(seed)
    companies: list[Company] = []
    holdings: list[Holding] = []
    for i in range(n):
        industry = rng.randrange(len(INDUSTRIES))
        companies.append(
            Company(
                id=f"C{i:06d}",
                name=f"Company {i}",
                industry=INDUSTRIES[industry],
                employees=int(5 * 10 ** rng.uniform(0, 4)),
            )
        )
        # Each industry prefers two bundles; an account owns part of one or two bundles.
        owned: set[str] = set()
        for _ in range(rng.choice((1, 1, 2))):
            bundle = (
                BUNDLES[(industry * 2 + rng.randrange(2)) % len(BUNDLES)]
                if rng.random() < 0.8
                else rng.choice(BUNDLES)
            )
            owned |= set(rng.sample(bundle, rng.randint(1, 4)))
        holdings.extend(Holding(company_id=f"C{i:06d}", product_id=p) for p in sorted(owned))
    return companies, holdings


def baseline_one(graph: nx.Graph, account: str, top_n: int = 5) -> list[str]:
    """Plain NetworkX: accounts sharing a product vote for what they own, weighted by overlap."""
    mine = set(graph[account])
    votes: Counter[str] = Counter()
    for product in mine:
        for other in graph[product]:
            if other == account:
                continue
            for candidate in graph[other]:
                if candidate not in mine:
                    votes[candidate] += 1
    return [p for p, _ in votes.most_common(top_n)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=300)
    args = parser.parse_args()

    t0 = time.perf_counter()
    companies, holdings = build_world(args.accounts)
    print(
        f"world: {len(companies):,} accounts, {len(holdings):,} holdings of "
        f"{len({h.product_id for h in holdings})} products ({time.perf_counter() - t0:.1f} s to build)"
    )

    times, cpu = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        index = OwnershipIndex.build(companies, holdings)
        built = time.perf_counter() - t0
        result = cross_sell_all(companies, holdings, index=index)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    recommended = sum(len(items) for items in result.values())
    print(
        f"buyergraph cross_sell_all: median {statistics.median(times):.1f} s wall, "
        f"{statistics.median(cpu):.1f} s CPU (min {min(times):.1f}, max {max(times):.1f} s wall); "
        f"index build {built:.1f} s; {recommended:,} recommendations"
    )
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    t0 = time.perf_counter()
    graph = nx.Graph()
    graph.add_edges_from((h.company_id, h.product_id) for h in holdings)
    build_graph = time.perf_counter() - t0
    sample = random.Random(1).sample(
        [c.id for c in companies if c.id in graph], min(args.sample, len(companies))
    )
    t0 = time.perf_counter()
    for account in sample:
        baseline_one(graph, account)
    per_account = (time.perf_counter() - t0) / len(sample)
    print(
        f"baseline (plain NetworkX, per account): {per_account * 1000:.1f} ms per account "
        f"on {len(sample)} accounts "
        f"-> about {per_account * len(companies) + build_graph:.0f} s for all {len(companies):,} "
        f"(graph build {build_graph:.1f} s)"
    )


if __name__ == "__main__":
    main()
