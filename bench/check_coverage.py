"""Does coverage discriminate? Its distribution over the open deals of a generated world, next to the
old rule (the influence share of key people reachable at all) computed in the same run, and the
deals whose committee the generator planted as barely engaged (a `single_threaded` gap in truth.json:
fewer than two members touched lately) against the others.

    python bench/check_coverage.py [--accounts 500] [--seed 5]

Prints a histogram of both rules in tenths, and the mean coverage of the planted weak deals and of
the others; exit code 1 when coverage does not spread (fewer than five tenths used) or the planted
weak deals do not score lower.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import generated_store  # noqa: E402
from graph.analyses import analyze_account  # noqa: E402
from graph.analyses.portfolio import account_coverage  # noqa: E402
from graph.errors import NotFoundError  # noqa: E402
from ingest.titles import classify_title  # noqa: E402

AS_OF = date(2026, 6, 30)


@dataclass(frozen=True)
class DealCoverage:
    deal_id: str
    coverage: float
    #: The old rule: the influence share of the key people reachable at all.
    reach_share: float
    planted_weak: bool


def deal_coverages(accounts: int, seed: int) -> tuple[list[DealCoverage], list[float]]:
    """Every open deal's coverage, and every account's (its open deals' weighted by amount, the
    figure the account list shows), for accounts with an open deal."""
    out: list[DealCoverage] = []
    per_account: list[float] = []
    with generated_store(accounts, seed, AS_OF) as (store, folder):
        lines = (folder / "truth" / "accounts.jsonl").read_text(encoding="utf-8").splitlines()
        for t in (json.loads(line) for line in lines if line.strip()):
            weak = {
                d["deal_id"]
                for d in t["open_deals"]
                if any(g["kind"] == "single_threaded" for g in d["gaps"])
            }
            try:
                account = store.account_graph(t["account_id"])
            except NotFoundError:  # a planted duplicate, merged into another account on ingest
                continue
            analysis = analyze_account(account, as_of=AS_OF, classify=classify_title)
            scores = {k.person_id: k.score for k in analysis.key_people}
            for deal in analysis.deals:
                c = deal.coverage
                key = c.reachable + c.unreachable
                total = sum(scores.get(p, 0.0) for p in key)
                share = sum(scores.get(p, 0.0) for p in c.reachable) / total if total else 0.0
                out.append(DealCoverage(deal.deal_id, c.score, share, deal.deal_id in weak))
            overall = account_coverage(analysis.deals)
            if overall is not None:
                per_account.append(overall)
    return out, per_account


def histogram(values: list[float]) -> list[int]:
    """How many values fall in each tenth [0, 0.1), ..., [0.9, 1.0]."""
    counts = [0] * 10
    for v in values:
        counts[min(9, int(v * 10))] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    deals, accounts = deal_coverages(args.accounts, args.seed)
    new, old = histogram([d.coverage for d in deals]), histogram([d.reach_share for d in deals])
    print(
        f"{len(deals)} open deals in {len(accounts)} accounts with one (of {args.accounts}, seed {args.seed})"
    )
    print("tenth             " + " ".join(f"{i / 10:>4.1f}" for i in range(10)))
    print("account coverage  " + " ".join(f"{n:>4}" for n in histogram(accounts)))
    print("deal coverage     " + " ".join(f"{n:>4}" for n in new))
    print("old reach share   " + " ".join(f"{n:>4}" for n in old))
    weak = [d.coverage for d in deals if d.planted_weak]
    healthy = [d.coverage for d in deals if not d.planted_weak]
    median = statistics.median(healthy) if healthy else 0.0
    below = sum(v < median for v in weak)
    print(
        f"planted weak deals: {len(weak)}, mean coverage {statistics.fmean(weak) if weak else 0:.2f}; "
        f"others: {len(healthy)}, mean {statistics.fmean(healthy) if healthy else 0:.2f}, "
        f"median {median:.2f}; "
        f"weak deals below the others' median: {below} of {len(weak)}"
    )
    spreads = sum(n > 0 for n in new) >= 5
    lower = bool(weak) and statistics.fmean(weak) < statistics.fmean(healthy)
    sys.exit(0 if spreads and lower else 1)


if __name__ == "__main__":
    main()
