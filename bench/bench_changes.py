"""Benchmark: what change detection (issue 22) adds to a refresh's writes, and webhook delivery speed.

On a generated book (embedded store; Neo4j too when NEO4J_URI / NEO4J_PASSWORD are set: that database is
WIPED), every account's result is computed once and kept. Then, alternating in the same run:

- baseline: `store.write_results(results)` (what refresh did before issue 22);
- with changes: `api.refresh.keep_results(store, results)` (read the kept results, write, diff, append
  the changes to the log).

It prints the median of each over `--repeat` rounds and the overhead per account. Then `--deliveries N`
changes are appended and delivered by `deliver_round` to a receiver on 127.0.0.1 (an http.server
thread): deliveries per second, with the outbox file's size.

    python bench/bench_changes.py [--accounts 200] [--repeat 3] [--deliveries 200] [--no-neo4j]
    python bench/bench_changes.py --log-paging 100000   # paging a long embedded change log by cursor
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.refresh import StoreAddress, compute_results, keep_results, refresh  # noqa: E402
from api.settings import Settings  # noqa: E402
from api.webhooks import WebhookBook, deliver_round  # noqa: E402
from bench._common import generated_store  # noqa: E402
from graph.analyses import DEFAULT_CONFIG  # noqa: E402
from graph.analyses.changes import Change, ChangeKind  # noqa: E402
from graph.analyses.portfolio import AccountResult  # noqa: E402
from graph.stores.base import GraphStore  # noqa: E402

AS_OF = date(2026, 6, 1)


def restamped(results: list[AccountResult]) -> list[AccountResult]:
    now = datetime.now(UTC)
    return [r.model_copy(update={"computed_at": now}) for r in results]


def without_roster(results: list[AccountResult]) -> list[AccountResult]:
    return [
        r.model_copy(update={"detail": r.detail.model_copy(update={"roster": []})}) if r.detail else r
        for r in results
    ]


def compare(store: GraphStore, results: list[AccountResult], repeat: int) -> None:
    store.write_results(restamped(results))
    base: list[float] = []
    with_changes: list[float] = []
    no_roster: list[float] = []
    bare = without_roster(results)
    for _ in range(repeat):
        batch = restamped(bare)
        started = time.perf_counter()
        store.write_results(batch)
        no_roster.append(time.perf_counter() - started)
        batch = restamped(results)
        started = time.perf_counter()
        store.write_results(batch)
        base.append(time.perf_counter() - started)
        batch = restamped(results)
        started = time.perf_counter()
        keep_results(store, batch)
        with_changes.append(time.perf_counter() - started)
    b, c, r = statistics.median(base), statistics.median(with_changes), statistics.median(no_roster)
    n = len(results)
    print(f"[{store.backend}] {n} accounts: write_results without the rosters {r:.3f} s (before issue 22)")
    print(
        f"[{store.backend}] {n} accounts: write_results {b:.3f} s (baseline), keep_results {c:.3f} s; "
        f"overhead {(c - b) / n * 1000:.2f} ms per account ({(c / b - 1) * 100:+.0f} %)"
    )


def refresh_compare(store: GraphStore, address: StoreAddress, repeat: int) -> None:
    """Whole `refresh --all` runs in this process: with change detection, and with refresh's writes
    swapped back to a plain `write_results` (the baseline), alternating."""
    import api.refresh as refresh_module

    real = refresh_module.keep_results

    def plain(s: GraphStore, results: Any) -> int:
        return s.write_results(results)

    times: dict[str, list[float]] = {"baseline": [], "with changes": []}
    for _ in range(repeat):
        for name, writer in (("baseline", plain), ("with changes", real)):
            refresh_module.keep_results = writer  # type: ignore[assignment]
            try:
                started = time.perf_counter()
                refresh(store, address, as_of=AS_OF, config=DEFAULT_CONFIG, everything=True, progress=False)
                times[name].append(time.perf_counter() - started)
            finally:
                refresh_module.keep_results = real
    b, c = statistics.median(times["baseline"]), statistics.median(times["with changes"])
    print(
        f"[{store.backend}] refresh --all of {len(store.accounts_to_refresh(everything=True))} accounts: "
        f"{b:.2f} s baseline, {c:.2f} s with change detection ({(c / b - 1) * 100:+.0f} %)"
    )


def deliveries(store: GraphStore, count: int) -> None:
    received = 0

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            nonlocal received
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received += 1
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as home:
        book = WebhookBook.for_home(home, backoff_base_s=0)
        book.register(
            f"http://127.0.0.1:{server.server_address[1]}/", kinds=[], start_after=store.last_change_cursor()
        )
        t0 = datetime(2026, 6, 1, tzinfo=UTC)
        store.append_changes(
            [
                Change(
                    kind=ChangeKind.GAP_OPENED,
                    account_id=f"acc-{i}",
                    as_of=AS_OF,
                    detected_at=t0 + timedelta(seconds=i),
                    summary=f"bench change {i}",
                    data={"i": i},
                )
                for i in range(count)
            ]
        )
        started = time.perf_counter()
        delivered = 0
        while delivered < count:
            outcome = deliver_round(store, book)
            delivered += outcome.delivered
            if outcome.attempted == 0 and outcome.enqueued == 0:
                break
        elapsed = time.perf_counter() - started
        size = (Path(home) / "webhooks.json").stat().st_size
    server.shutdown()
    print(
        f"[{store.backend}] {delivered} of {count} changes delivered to a local receiver in {elapsed:.2f} s "
        f"({delivered / elapsed:.0f}/s; receiver got {received}); outbox file {size / 1024:.0f} KiB"
    )


def log_paging(entries: int, repeat: int) -> None:
    """Paging a long embedded change log by cursor: `list_changes(after=...)` near the end (it seeks by
    cursor) against a read that must parse every line (an account filter matching only the last page:
    what every call cost before the seek)."""
    from graph.stores.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory() as home:
        store = EmbeddedStore(Path(home))
        now = datetime.now(UTC)
        batch = [
            Change(
                kind=ChangeKind.GAP_OPENED,
                account_id=f"a-{i % 500}",
                deal_id=f"d-{i}",
                as_of=AS_OF,
                detected_at=now,
                summary=f"gap opened on deal d-{i}: no champion",
                data={"gap": {"kind": "missing_role", "role": "champion", "severity": "high"}},
            )
            for i in range(entries)
        ]
        for start in range(0, entries, 10_000):
            store.append_changes(batch[start : start + 10_000])
        last = store.last_change_cursor()
        tail = store.list_changes(after=last - 50)
        store.append_changes([batch[0].model_copy(update={"account_id": "a-last"})])
        seek: list[float] = []
        scan: list[float] = []
        for _ in range(repeat):
            started = time.perf_counter()
            paged = store.list_changes(after=last - 50)
            seek.append(time.perf_counter() - started)
            started = time.perf_counter()
            scanned = store.list_changes(account_id="a-last")
            scan.append(time.perf_counter() - started)
        assert paged[:50] == tail and len(paged) == 51 and len(scanned) == 1
        size = store.home.joinpath("changes.jsonl").stat().st_size
        print(
            f"[embedded] change log of {entries + 1} lines ({size / 1024 / 1024:.1f} MiB): the last page by "
            f"cursor {statistics.median(seek) * 1000:.2f} ms; a read parsing every line (baseline) "
            f"{statistics.median(scan) * 1000:.0f} ms (medians of {repeat})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--no-embedded", action="store_true")
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument(
        "--log-paging", type=int, default=0, metavar="N", help="only time paging a change log of N lines"
    )
    args = parser.parse_args()
    if args.log_paging:
        log_paging(args.log_paging, args.repeat)
        return
    with generated_store(args.accounts, 7, AS_OF) as (store, world):
        ids = store.accounts_to_refresh(everything=True)
        results = compute_results(store, ids, as_of=AS_OF, config=DEFAULT_CONFIG)
        if not args.no_embedded:
            compare(store, results, args.repeat)
            refresh_compare(store, StoreAddress("embedded", str(store.home)), args.repeat)
            deliveries(store, args.deliveries)
        if args.no_neo4j or not os.environ.get("NEO4J_URI"):
            return
        from api.stores import open_store
        from ingest.loader import ingest_paths

        neo = open_store(Settings())
        try:
            neo.clear()
            ingest_paths([world], neo, progress=False)
            results = compute_results(neo, ids, as_of=AS_OF, config=DEFAULT_CONFIG)
            compare(neo, results, args.repeat)
            refresh_compare(neo, StoreAddress.of(Settings()), args.repeat)
            deliveries(neo, args.deliveries)
        finally:
            neo.close()


if __name__ == "__main__":
    main()
