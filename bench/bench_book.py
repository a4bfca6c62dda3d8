"""Benchmark: the book of accounts (`GET /`) from kept results, against the per-row analysis it replaced.

One embedded store holds a generated world plus one 2,000-person account, refreshed once (the kept
results the page reads). It times, in the same run, on the same first page of 50 accounts:

- buyergraph: `GET /?sort=-gaps_high` through the app (TestClient): the store's sorted, filtered page
  of kept results, plus each account's touches read for its engagement chart; "cold" clears the
  server's cache before every request, "warm" does not;
- baseline: what the page did before, a full analysis per row (`analysis_sync`: the account's records
  and `analyze_account`), with the cache cleared, one row after the other.

    python bench/bench_book.py [--accounts 49] [--runs 5]

Prints the median, min and max of each over the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from api.app import create_app  # noqa: E402
from api.keys import KeyRing  # noqa: E402
from api.refresh import compute_results  # noqa: E402
from api.routers._analysis import analysis_sync  # noqa: E402
from api.settings import Settings  # noqa: E402
from graph.analyses.config import DEFAULT_CONFIG  # noqa: E402
from graph.analyses.portfolio import AccountFilter  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from ingest.loader import ingest_paths  # noqa: E402
from ingest.synthetic.generator import generate_world  # noqa: E402
from tests.unit.map_world import AS_OF, large_account  # noqa: E402


def timed(work: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def describe(label: str, times: list[float]) -> str:
    return (
        f"{label:<52} median {statistics.median(times) * 1000:8.1f} ms   "
        f"min {min(times) * 1000:8.1f}   max {max(times) * 1000:8.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=49)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-book-"))
    generate_world(root / "world", args.accounts, seed=5, progress=False)
    store_dir = root / "store"
    with EmbeddedStore(store_dir) as store:
        ingest_paths([root / "world"], store, progress=False)
        big, _ = large_account(2000)
        batches = [
            ("companies", [big.company]),
            ("people", big.people),
            ("reps", big.reps),
            ("deals", big.deals),
            ("committee", big.committee),
            ("touches", big.touches),
            ("reporting", big.reporting),
        ]
        store.upsert_all((k, r) for k, r in batches if r)
        ids = store.accounts_to_refresh(everything=True)
        store.write_results(compute_results(store, ids, as_of=AS_OF, config=DEFAULT_CONFIG))
        page_ids = [
            item.company.id
            for item in store.list_account_results(
                AccountFilter(sort="gaps_high", descending=True), offset=0, limit=50
            ).data
        ]
    home = root / "home"
    key = KeyRing.for_home(home).create("bench", "read")
    app = create_app(Settings(home=home, neo4j_uri=None), store_override=str(store_dir))
    print(f"{len(ids)} accounts ({big.company.id}: {len(big.people)} people, {len(big.touches)} touches)")
    with TestClient(app) as client:
        runtime = app.state.runtime
        headers = {"X-API-Key": key}

        def page() -> None:
            response = client.get("/", params={"sort": "-gaps_high"}, headers=headers)
            rows = response.text.count("<tr data-account-id=")
            assert response.status_code == 200 and rows == len(page_ids), (response.status_code, rows)

        def cold_page() -> None:
            runtime.analysis_cache.clear()
            page()

        def per_row_analysis() -> None:
            runtime.analysis_cache.clear()
            for account_id in page_ids:
                analysis_sync(runtime, account_id, AS_OF)

        page()  # imports and the store's first read, outside the timings
        print(describe("buyergraph: book page, cold cache", timed(cold_page, args.runs)))
        print(describe("buyergraph: book page, warm cache", timed(page, args.runs)))
        print(describe("baseline: one analysis per row (the old page)", timed(per_row_analysis, args.runs)))


if __name__ == "__main__":
    main()
