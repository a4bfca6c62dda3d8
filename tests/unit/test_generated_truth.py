"""The analyses on generated worlds, checked against the generator's truth files.

The truth is computed by the generator from its own clean world with the definitions of issue 5,
independently of graph/analyses; here the world goes through the bundle files and a store first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graph.analyses import AccountAnalysis, AnalysisConfig, OwnershipIndex, analyze_account, warm_paths
from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore
from ingest.titles import classify_title
from tests.unit.generated_world import generate, load, truth

ACCOUNTS = 60
SEED = 4  # a seed whose 60 accounts exercise every gap kind (checked below)


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[GraphStore, dict[str, Any], list[dict[str, Any]]]:
    folder = generate(tmp_path_factory.mktemp("world"), ACCOUNTS, SEED)
    store = EmbeddedStore(tmp_path_factory.mktemp("store"))
    load(folder, store)
    doc, accounts = truth(folder)
    return store, doc, accounts


def config_from_truth(doc: dict[str, Any]) -> AnalysisConfig:
    params = doc["parameters"]
    return AnalysisConfig(
        engaged_days=params["engaged_days"],
        executive_min_amount=params["executive_min_amount"],
        superior_levels=params["superior_levels"],
        superior_min_seniority=params["superior_min_seniority"],
        sole_roles=tuple(params["sole_roles"]),
    )


def analyse_all(
    world: tuple[GraphStore, dict[str, Any], list[dict[str, Any]]],
) -> list[tuple[dict[str, Any], AccountAnalysis]]:
    store, doc, accounts = world
    config = config_from_truth(doc)
    as_of = date.fromisoformat(doc["parameters"]["as_of"])
    companies, holdings = store.ownership()
    index = OwnershipIndex.build(companies, holdings)
    return [
        (
            t,
            analyze_account(
                store.account_graph(t["account_id"]),
                as_of=as_of,
                config=config,
                ownership=index,
                classify=classify_title,
            ),
        )
        for t in accounts
    ]


def test_every_open_deal_has_exactly_the_true_gaps(world: Any) -> None:
    checked = 0
    kinds: set[str] = set()
    for t, result in analyse_all(world):
        found = {d.deal_id: d for d in result.deals}
        for deal in t["open_deals"]:
            expected = {(g["kind"], g["role"], g["person_id"]) for g in deal["gaps"]}
            got = {
                (g.kind.value, g.role.value if g.role else None, g.person_id)
                for g in found[deal["deal_id"]].gaps
            }
            assert got == expected, f"{t['account_id']} {deal['deal_id']}"
            kinds |= {k for k, _, _ in expected}
            checked += 1
        assert set(found) == {d["deal_id"] for d in t["open_deals"]}
    assert checked >= 30
    # The world must exercise every gap kind, or this test proves less than it claims.
    assert kinds == {
        "missing_role",
        "stale_role",
        "single_threaded",
        "no_executive",
        "unengaged_superior",
        "departed_member",
        "role_conflict",
    }


def test_key_people_hit_the_true_decision_makers(world: Any) -> None:
    hits = total = ceo_first = accounts = 0
    for t, result in analyse_all(world):
        k = len(t["key_people"])
        top = [kp.person_id for kp in result.key_people[:k]]
        hits += len(set(top) & set(t["key_people"]))
        total += k
        accounts += 1
        # The CEO is the true first: never below second (a head of department who holds the deal's
        # top role and whom a large team turns to may pass a CEO with no role and no touches);
        # volume decoys (busy assistants) are never near the top.
        assert t["key_people"][0] in top[:2], t["account_id"]
        ceo_first += top[0] == t["key_people"][0]
        assert not set(t["volume_decoys"]) & set(top), t["account_id"]
    assert hits / total >= 0.8, f"{hits}/{total}"
    assert ceo_first >= 0.95 * accounts, f"{ceo_first}/{accounts}"


def test_warm_path_to_the_unreached_executive(world: Any) -> None:
    store, doc, accounts = world
    as_of = date.fromisoformat(doc["parameters"]["as_of"])
    found = 0
    for t in accounts:
        truth_path = t["warm_path"]
        if truth_path is None:
            continue
        # The truth starts from anyone a rep ever touched, and counts hops between people: allow the
        # whole history and one more hop (from the rep to the first person).
        config = AnalysisConfig(
            reach_days=doc["parameters"]["history_days"] + 1, max_hops=truth_path["hops"] + 1
        )
        paths = warm_paths(
            store.account_graph(t["account_id"]), truth_path["target_id"], as_of=as_of, config=config
        )
        assert paths, t["account_id"]
        # No shorter path exists (the truth is a shortest one), so every path found has exactly its length.
        assert all(len(p.nodes) == truth_path["hops"] + 2 for p in paths)
        assert all(p.nodes[-1] == truth_path["target_id"] for p in paths)
        assert [p.cost for p in paths] == sorted(p.cost for p in paths)
        found += 1
    assert found >= 5


def test_held_out_cross_sell_products_are_recommended(world: Any) -> None:
    hits = total = 0
    for t, result in analyse_all(world):
        held_out = {c["product_id"] for c in t["cross_sell"]}
        recommended = {item.product_id for item in result.cross_sell}
        hits += len(held_out & recommended)
        total += len(held_out)
    assert total >= 5
    assert hits / total >= 0.8, f"{hits}/{total}"


def test_analysis_is_reproducible(world: Any) -> None:
    store, doc, accounts = world
    as_of = date.fromisoformat(doc["parameters"]["as_of"])
    account = store.account_graph(accounts[3]["account_id"])
    first = analyze_account(account, as_of=as_of, classify=classify_title)
    second = analyze_account(
        store.account_graph(accounts[3]["account_id"]), as_of=as_of, classify=classify_title
    )
    assert first == second


def test_coverage_spreads_and_is_low_where_the_committee_was_planted_barely_engaged(world: Any) -> None:
    """Reach weighted by how warm the way in is: deals planted single-threaded (fewer than two
    members touched lately) score lower than the others, and scores spread over the range."""
    weak: list[float] = []
    others: list[float] = []
    for t, result in analyse_all(world):
        planted = {
            d["deal_id"] for d in t["open_deals"] if any(g["kind"] == "single_threaded" for g in d["gaps"])
        }
        for deal in result.deals:
            (weak if deal.deal_id in planted else others).append(deal.coverage.score)
    assert len(weak) >= 5 and len(others) >= 20
    assert sum(weak) / len(weak) < sum(others) / len(others)
    assert len({min(9, int(score * 10)) for score in weak + others}) >= 4
    assert max(weak + others) < 1.0  # no deal is "fully covered" by a cold touch somewhere
