"""PROFILE the statements that keep refresh results on Neo4j, on the world the store holds.

Computes the kept results of `--accounts N` accounts (as refresh does), then runs the statements of
`Neo4jStore.write_results` for them with PROFILE, one after the other in one transaction that is
rolled back (nothing is kept), and prints per statement: rows in, the server's database hits, and
the time as the client saw it. Then the same write for real, `--runs` times (the store's own
`write_results`, the results kept), for a figure per account; and the read of the results kept
before, which refresh does for the change log (`read_change_bases`).

    python bench/profile_result_writes.py [--accounts 200] [--runs 3]

Needs NEO4J_URI / NEO4J_PASSWORD pointing at a store that holds a loaded (and ideally refreshed)
world. The PROFILE pass writes nothing; the timed writes overwrite those accounts' kept results
with equal ones.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cypher  # noqa: E402
from api.refresh import compute_results  # noqa: E402
from api.settings import Settings  # noqa: E402
from api.stores import open_store  # noqa: E402
from graph.analyses import DEFAULT_CONFIG  # noqa: E402
from graph.stores.neo4j import Neo4jStore, result_write_statements  # noqa: E402
from ingest.synthetic.generator import DEFAULT_AS_OF  # noqa: E402


def _hits(plan: Any) -> int:
    """Database hits of a profiled plan, summed over its operators."""
    if plan is None:
        return 0
    own = int(plan.get("dbHits", 0)) if isinstance(plan, dict) else 0
    children = plan.get("children", []) if isinstance(plan, dict) else []
    return own + sum(_hits(child) for child in children)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with open_store(Settings()) as store:
        if not isinstance(store, Neo4jStore):
            sys.exit("NEO4J_URI must name a Neo4j store")
        ids = store.accounts_to_refresh(everything=True)[: args.accounts]
        results = compute_results(store, ids, as_of=DEFAULT_AS_OF, config=DEFAULT_CONFIG)
        stamps = [{"account_id": r.account_id, "computed_at": r.computed_at} for r in results]
        statements = [
            ("results_write_lock", cypher.query("results_write_lock"), stamps),
            *result_write_statements(results),
        ]
        print(f"{len(results)} results; {len(statements)} statements per write")
        driver = store._driver  # noqa: SLF001 - a benchmark looks inside
        with driver.session(database=store._database) as session:  # noqa: SLF001
            tx = session.begin_transaction()
            try:
                for name, text, rows in statements:
                    started = time.perf_counter()
                    summary = tx.run("PROFILE " + text, rows=rows).consume()
                    took = (time.perf_counter() - started) * 1000
                    hits = _hits(summary.profile)
                    print(f"  {name:<28} {len(rows):>6} rows  {hits:>9,} db hits  {took:8.1f} ms")
            finally:
                tx.rollback()
        for run in range(args.runs):
            stamped = [r.model_copy(update={"computed_at": datetime.now(UTC)}) for r in results]
            started = time.perf_counter()
            bases = store.read_change_bases(ids)
            read = time.perf_counter() - started
            started = time.perf_counter()
            written = store.write_results(stamped)
            took = time.perf_counter() - started
            print(
                f"run {run + 1}: read_change_bases {read * 1000:.0f} ms ({len(bases)} results), "
                f"write_results {took * 1000:.0f} ms for {written} results "
                f"({took / max(written, 1) * 1000:.2f} ms/account)"
            )


if __name__ == "__main__":
    main()
