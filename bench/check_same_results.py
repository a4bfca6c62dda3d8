"""Check: the analyses give the same results before and after a change, on generated worlds.

Generates a world (native bundle), loads it into an embedded store, analyses every account as of
one date and writes a digest of each result (key people ranks and scores, gaps, coverage,
completeness, engagement) as JSON. Run it once on the old code (`--write FILE`) and once on the new
(`--compare FILE`): it prints how many accounts agree and the first differences.

    python bench/check_same_results.py --accounts 60 --write before.json
    python bench/check_same_results.py --accounts 60 --compare before.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.analyses import analyze_account  # noqa: E402
from graph.stores.base import GraphStore  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from ingest.synthetic.generator import generate_world  # noqa: E402

AS_OF = date(2026, 6, 30)


def digest(store: GraphStore, company_id: str) -> dict[str, Any]:
    a = analyze_account(store.account_graph(company_id), as_of=AS_OF)
    e = a.engagement
    return {
        "key_people": [(k.person_id, k.rank, round(k.score, 6)) for k in a.key_people],
        "deals": [
            (
                d.deal_id,
                round(d.coverage.score, 6),
                sorted(d.coverage.reachable),
                sorted((g.kind.value, g.role.value if g.role else None, g.person_id) for g in d.gaps),
                d.engaged,
                {t: [(p.nodes, round(p.cost, 6)) for p in paths] for t, paths in d.paths.items()},
            )
            for d in a.deals
        ],
        "engagement": {
            "people": [
                (p.person_id, p.lead_score, p.touches, p.inbound, str(p.last_touch)) for p in e.people
            ],
            "by_kind": e.touches_by_kind,
            "score": e.account_score,
            "stage": e.buying_stage.value,
            "at_risk": e.at_risk,
            "days": e.days_since_last_touch,
            "active": [e.active_7d, e.active_30d, e.active_90d],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--neo4j",
        action="store_true",
        help="Use the Neo4j of NEO4J_URI (wiped!) instead of an embedded store.",
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()
    from tests.unit.generated_world import read_bundle

    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "world"
        generate_world(world, args.accounts, seed=args.seed, fmt="native", as_of=AS_OF, force=True, workers=1)
        store: GraphStore
        if args.neo4j:
            from graph.stores.neo4j import Neo4jStore

            store = Neo4jStore.connect(os.environ["NEO4J_URI"], "neo4j", os.environ["NEO4J_PASSWORD"])
            store.clear()
        else:
            store = EmbeddedStore(Path(tmp) / "store")
        store.upsert_all(read_bundle(world))
        ids = sorted(c.id for c in store.list_accounts(limit=500).data)
        results = {cid: digest(store, cid) for cid in ids}
    if args.write:
        args.write.write_text(json.dumps(results, default=str, sort_keys=True))
        print(f"wrote the results of {len(results)} accounts")
        return
    before = json.loads(args.compare.read_text())
    now = json.loads(json.dumps(results, default=str, sort_keys=True))
    same = [cid for cid in before if before[cid] == now.get(cid)]
    print(f"{len(same)} of {len(before)} accounts give the same results")
    for cid in before:
        if before[cid] != now.get(cid):
            for part in before[cid]:
                if before[cid][part] != now[cid][part]:
                    print(f"  {cid} {part}:\n    before {before[cid][part]}\n    after  {now[cid][part]}")
    sys.exit(0 if len(same) == len(before) else 1)


if __name__ == "__main__":
    main()
