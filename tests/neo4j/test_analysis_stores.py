"""The same generated world analysed from the embedded store and from Neo4j gives identical results."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.analyses import OwnershipIndex, analyze_account, warm_paths
from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore
from ingest.titles import classify_title
from tests.unit.generated_world import generate, load, truth

pytestmark = pytest.mark.neo4j


def test_analysis_is_identical_on_both_stores(neo4j_store: GraphStore, tmp_path: Path) -> None:
    folder = generate(tmp_path / "world", 25, seed=4)
    embedded = EmbeddedStore(tmp_path / "store")
    load(folder, embedded)
    load(folder, neo4j_store)
    doc, accounts = truth(folder)
    as_of = date.fromisoformat(doc["parameters"]["as_of"])
    indexes = [OwnershipIndex.build(*store.ownership()) for store in (embedded, neo4j_store)]
    compared = 0
    for t in accounts:
        results = [
            analyze_account(
                store.account_graph(t["account_id"]), as_of=as_of, ownership=index, classify=classify_title
            )
            for store, index in zip((embedded, neo4j_store), indexes, strict=True)
        ]
        assert results[0] == results[1], t["account_id"]
        # And both are right: the gaps of every open deal equal the truth.
        found = {d.deal_id: d for d in results[1].deals}
        for deal in t["open_deals"]:
            expected = {(g["kind"], g["role"], g["person_id"]) for g in deal["gaps"]}
            got = {
                (g.kind.value, g.role.value if g.role else None, g.person_id)
                for g in found[deal["deal_id"]].gaps
            }
            assert got == expected
        if t["warm_path"]:
            target = t["warm_path"]["target_id"]
            assert warm_paths(embedded.account_graph(t["account_id"]), target, as_of=as_of) == warm_paths(
                neo4j_store.account_graph(t["account_id"]), target, as_of=as_of
            )
        compared += 1
    assert compared == 25
