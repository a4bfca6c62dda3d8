"""What sellers' corrections cost: reading accounts with corrections laid over them (the one rule,
graph/analyses/corrections.py) next to the same reads without any, measured in the same run, plus the
cost of one correction written, listed and undone.

    .venv/bin/python bench/bench_corrections.py                            # embedded only, 30 accounts
    NEO4J_URI=... NEO4J_PASSWORD=... .venv/bin/python bench/bench_corrections.py --neo4j --wipe

With `--neo4j` the Neo4j named by NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD is wiped and filled
(`--wipe` must say so: never point it at a database you keep). Prints medians and maxima of `--runs`
calls: the baseline (no correction anywhere), then the same reads with `--per-account` corrections on
every account (roles, reporting lines, departures, KNOWS ties).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._common import generated_store  # noqa: E402
from graph.analyses.corrections import apply_corrections  # noqa: E402
from graph.model import AccountGraph, Correction, CorrectionKind  # noqa: E402
from graph.stores.base import GraphStore  # noqa: E402
from ingest.loader import ingest_paths  # noqa: E402
from ingest.synthetic.generator import DEFAULT_AS_OF  # noqa: E402

_ids = count(1)


def timed(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    call()  # warm caches and query plans
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def corrections_for(account: AccountGraph, n: int) -> list[Correction]:
    """`n` corrections of mixed kinds on one account's people and deals."""
    people = [p.id for p in account.people]
    deals = [d.id for d in account.deals]
    kinds = [CorrectionKind.ROLE, CorrectionKind.REPORTING, CorrectionKind.KNOWS, CorrectionKind.LEFT]
    out: list[Correction] = []
    at = datetime(2026, 6, 1, tzinfo=UTC)
    for i in range(n):
        if len(people) < 2:
            break
        kind = kinds[i % len(kinds)]
        a, b = people[i % len(people)], people[(i * 7 + 1) % len(people)]
        if a == b:
            b = people[(i + 1) % len(people)]
        fields: dict[str, Any] = {"person_id": a}
        if kind == CorrectionKind.ROLE:
            if not deals:
                continue
            fields.update(deal_id=deals[i % len(deals)], role="decision_maker")
        elif kind in (CorrectionKind.REPORTING, CorrectionKind.KNOWS):
            fields.update(other_id=b)
        else:
            fields.update(on=date(2026, 1, 1))
        out.append(
            Correction(
                id=f"bench-{next(_ids)}",
                kind=kind,
                company_id=account.company.id,
                author="bench",
                at=at + timedelta(minutes=i),
                **fields,
            )
        )
    return out


def measure(name: str, store: GraphStore, ids: list[str], per_account: int, runs: int) -> None:
    biggest = max(ids, key=lambda cid: len(store.account_graph(cid).people))
    people = len(store.account_graph(biggest).people)
    print(f"\n{name}: {len(ids)} accounts; one-account reads on the biggest ({people} people)")
    rows: list[tuple[str, float, float, float, float]] = []
    base_one = timed(lambda: store.account_graph(biggest), runs)
    base_all = timed(lambda: store.account_graphs(ids), max(3, runs // 4))
    fixes = [fix for cid in ids for fix in corrections_for(store.account_graph(cid), per_account)]
    start = time.perf_counter()
    for fix in fixes:
        store.add_correction(fix)
    write_ms = (time.perf_counter() - start) * 1000 / max(1, len(fixes))
    with_one = timed(lambda: store.account_graph(biggest), runs)
    with_all = timed(lambda: store.account_graphs(ids), max(3, runs // 4))
    rows.append(("account_graph (biggest account)", *base_one, *with_one))
    rows.append((f"account_graphs (all {len(ids)})", *base_all, *with_all))
    print(f"  {'read':36} {'baseline (no corrections)':>26}   {'with corrections':>24}")
    for label, bm, bx, wm, wx in rows:
        print(
            f"  {label:36} {bm:9.1f} ms med {bx:7.1f} max   {wm:9.1f} ms med {wx:7.1f} max  ({wm / bm:4.2f}x)"
        )
    account = store.account_graph(biggest)
    active = store.active_corrections([biggest])[biggest]
    raw = account.model_copy(update={"corrections": [], "conflicts": []})
    rule = timed(lambda: apply_corrections(raw, active), runs)
    print(f"  the rule alone on the biggest account ({len(active)} corrections): {rule[0]:.2f} ms median")
    print(f"  add_correction: {write_ms:.1f} ms per correction ({len(fixes)} written)")
    listed = timed(lambda: store.list_corrections(limit=50), runs)
    print(f"  list_corrections page of 50 (of {len(fixes)}): {listed[0]:.1f} ms median {listed[1]:.1f} max")
    undo = timed(
        lambda: store.undo_correction(fixes[0].id, by="bench"), runs
    )  # the first undoes, the rest no-op
    print(f"  undo_correction: {undo[0]:.1f} ms median")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=30)
    parser.add_argument("--per-account", type=int, default=8, help="corrections per account")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--neo4j", action="store_true", help="also measure the Neo4j of NEO4J_URI")
    parser.add_argument("--wipe", action="store_true", help="allow wiping that Neo4j")
    args = parser.parse_args()
    with generated_store(args.accounts, args.seed, DEFAULT_AS_OF) as (store, folder):
        ids = [c.id for c in store.list_accounts(limit=500).data]
        measure("embedded", store, ids, args.per_account, args.runs)
        if args.neo4j:
            if not args.wipe:
                parser.error("--neo4j wipes the database of NEO4J_URI: say --wipe to allow it")
            from graph.stores.neo4j import Neo4jStore

            neo = Neo4jStore.connect(
                os.environ["NEO4J_URI"],
                os.environ.get("NEO4J_USERNAME", "neo4j"),
                os.environ["NEO4J_PASSWORD"],
                os.environ.get("NEO4J_DATABASE", "neo4j"),
            )
            try:
                neo.apply_schema()
                neo.clear()
                ingest_paths([folder], neo, progress=False)
                measure("neo4j", neo, ids, args.per_account, args.runs)
                neo.clear()
            finally:
                neo.close()


if __name__ == "__main__":
    main()
