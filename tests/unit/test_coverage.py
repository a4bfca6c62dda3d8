"""Relationship strength, reachability, coverage and warm paths, worked out by hand."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

import networkx as nx
import pytest

from graph.analyses import AnalysisConfig, analyze_account, warm_paths
from graph.analyses.coverage import (
    HopBoundedPaths,
    best_paths,
    coverage_score,
    k_warm_paths,
    reachable_within,
)
from graph.analyses.rules import aggregate_touches
from graph.errors import NotFoundError
from graph.model import (
    AccountGraph,
    CommitteeRole,
    Company,
    Deal,
    Knows,
    Person,
    Rep,
    Reporting,
    Touch,
)
from graph.projections import project_account, tie_strength

AS_OF = date(2026, 6, 30)


def at(days_before: int) -> datetime:
    return datetime.combine(AS_OF - timedelta(days=days_before), datetime.min.time()).replace(hour=9)


def test_strength_formula() -> None:
    # One meeting today: S = 3, strength = 1 - exp(-3 / 6).
    assert tie_strength(3.0, False) == pytest.approx(1 - math.exp(-0.5))
    # An inbound reply makes it two-way: times 1.5.
    assert tie_strength(3.0, True) == pytest.approx(1.5 * (1 - math.exp(-0.5)))
    assert tie_strength(100.0, True) == 1.0


def chain_account() -> AccountGraph:
    """rep --touch--> p1 --knows--> p2 --reports to--> p3 --knows--> p4 (4 hops from the rep)."""
    people = [Person(id=f"p{i}", name=f"P{i}", seniority="vp" if i == 3 else "manager") for i in range(1, 5)]
    return AccountGraph(
        company=Company(id="c", name="C"),
        people=people,
        reps=[Rep(id="rep", name="Rex")],
        knows=[Knows(person_id="p1", other_id="p2", strength=0.8), Knows(person_id="p3", other_id="p4")],
        reporting=[Reporting(person_id="p2", manager_id="p3")],
        touches=[Touch(id="t", at=at(0), kind="meeting", person_ids=["p1"], rep_id="rep")],
        deals=[Deal(id="d", company_id="c", amount=1_000, status="open")],
        committee=[
            CommitteeRole(deal_id="d", person_id="p3", role="decision_maker"),
            CommitteeRole(deal_id="d", person_id="p4", role="champion"),
        ],
    )


def test_reach_graph_edges_carry_the_documented_strengths() -> None:
    p = project_account(chain_account(), as_of=AS_OF)
    assert p.reach.edges["rep", "p1"]["strength"] == pytest.approx(1 - math.exp(-0.5))
    assert p.reach.edges["p1", "p2"]["strength"] == pytest.approx(0.8)
    assert p.reach.edges["p2", "p3"]["strength"] == pytest.approx(0.6)  # reporting line default
    assert p.reach.edges["p3", "p4"]["strength"] == pytest.approx(0.5)  # KNOWS without a strength
    # A meeting 90 days ago (one half-life) counts half: S = 1.5.
    old = chain_account()
    old.touch_days = aggregate_touches(
        [Touch(id="t", at=at(90), kind="meeting", person_ids=["p1"], rep_id="rep")]
    )
    q = project_account(old, as_of=AS_OF)
    assert q.reach.edges["rep", "p1"]["strength"] == pytest.approx(1 - math.exp(-1.5 / 6))


def test_reachable_within_max_hops_and_coverage_weighted_by_influence() -> None:
    result = analyze_account(chain_account(), as_of=AS_OF)
    deal = result.deals[0]
    # p3 is 3 hops from the rep (reachable), p4 is 4 (not).
    assert "p3" in deal.coverage.reachable and "p4" in deal.coverage.unreachable
    scores = {k.person_id: k.score for k in result.key_people}
    key = set(deal.coverage.reachable) | set(deal.coverage.unreachable)
    # The warmest path to the decision maker, hop by hop, with its cost = sum of 1 / strength.
    path = deal.paths["p3"][0]
    assert path.nodes == ["rep", "p1", "p2", "p3"]
    assert [h.kind.value for h in path.hops] == ["touch", "knows", "reports_to"]
    assert path.cost == pytest.approx(1 / (1 - math.exp(-0.5)) + 1 / 0.8 + 1 / 0.6, abs=1e-3)
    # Each reachable key person counts with the warmth of the way in: 1 / the path cost.
    assert deal.coverage.warmth["p3"] == pytest.approx(1 / path.cost, abs=1e-3)
    warmth = deal.coverage.warmth
    expected = sum(scores[p] * warmth[p] for p in deal.coverage.reachable) / sum(scores[p] for p in key)
    assert deal.coverage.score == pytest.approx(expected, abs=1e-3)
    assert 0 < deal.coverage.score < 1
    assert "p4" not in deal.paths


def test_touches_older_than_reach_days_do_not_reach() -> None:
    account = chain_account()
    account.touch_days = aggregate_touches(
        [Touch(id="t", at=at(400), kind="meeting", person_ids=["p1"], rep_id="rep")]
    )
    deal = analyze_account(account, as_of=AS_OF).deals[0]
    assert deal.coverage.reachable == [] and deal.coverage.score == 0.0
    longer = AnalysisConfig(reach_days=500, max_hops=4)
    deal = analyze_account(account, as_of=AS_OF, config=longer).deals[0]
    assert set(deal.coverage.reachable) >= {"p3", "p4"}


def test_hop_bound_beats_a_cheaper_longer_path() -> None:
    g = nx.Graph()
    edges = [
        ("rep", "a", 1.0),
        ("a", "b", 1.0),
        ("b", "c", 1.0),
        ("c", "t", 1.0),
        ("rep", "x", 5.0),
        ("x", "t", 5.0),
    ]
    for u, v, cost in edges:
        g.add_edge(u, v, cost=cost, strength=1 / cost, kind="knows", reason="")
    # Cheapest overall is 4 hops (cost 4); within 3 hops only rep-x-t (cost 10) qualifies.
    assert best_paths(g, ["rep"], ["t"], max_hops=3)["t"].nodes == ["rep", "x", "t"]
    assert best_paths(g, ["rep"], ["t"], max_hops=4)["t"].nodes == ["rep", "a", "b", "c", "t"]
    assert nx.dijkstra_path(g, "rep", "t", weight="cost") == ["rep", "a", "b", "c", "t"]
    assert reachable_within(g, ["rep"], max_hops=1) == {"rep": 0, "a": 1, "x": 1}


def test_k_warm_paths_are_cheapest_first_and_bounded() -> None:
    g = nx.Graph()
    for u, v, cost in [("r", "a", 1.0), ("a", "t", 1.0), ("r", "b", 2.0), ("b", "t", 1.0), ("r", "c", 3.0)]:
        g.add_edge(u, v, cost=cost, strength=1 / cost, kind="knows", reason="")
    g.add_edge("c", "t", cost=3.0, strength=1 / 3, kind="knows", reason="")
    g.add_edge("r2", "t", cost=9.0, strength=1 / 9, kind="touch", reason="")
    paths = k_warm_paths(g, ["r", "r2"], "t", max_hops=3, k=3)
    assert [p.nodes for p in paths] == [["r", "a", "t"], ["r", "b", "t"], ["r", "c", "t"]]
    assert [p.cost for p in paths] == [2.0, 3.0, 6.0]
    assert len(k_warm_paths(g, ["r", "r2"], "t", max_hops=3, k=4)) == 4
    assert k_warm_paths(g, ["r"], "t", max_hops=1) == []


def test_warm_paths_entry_point_and_unknown_person() -> None:
    account = chain_account()
    paths = warm_paths(account, "p3", as_of=AS_OF)
    assert paths and paths[0].nodes == ["rep", "p1", "p2", "p3"]
    assert warm_paths(account, "p4", as_of=AS_OF) == []
    with pytest.raises(NotFoundError):
        warm_paths(account, "nobody", as_of=AS_OF)


def test_coverage_score_plain_mean_warmth_without_influence() -> None:
    assert coverage_score(["a", "b", "c", "d"], {"a": 1.0}, {}).score == 0.25
    assert coverage_score(["a", "b"], {"a": 0.5, "b": 0.1}, {}).score == 0.3
    assert coverage_score([], {}, {}).score == 0.0


def test_a_stale_three_hop_chain_counts_little_and_a_warm_direct_tie_nearly_fully() -> None:
    """Warmth is 1 / the path cost: each hop and each weak (stale) tie lowers it."""
    g = nx.Graph()
    g.add_edge("rep", "fan", cost=1 / 0.95)  # met weekly: strength 0.95
    g.add_edge("rep", "old", cost=1 / 0.1)  # one touch long ago
    g.add_edge("old", "mid", cost=1 / 0.6)  # reporting lines
    g.add_edge("mid", "boss", cost=1 / 0.6)
    warmth = HopBoundedPaths(g, ["rep"], max_hops=3).warmth()
    assert warmth["fan"] == pytest.approx(0.95)
    assert warmth["boss"] == pytest.approx(1 / (10 + 1 / 0.6 + 1 / 0.6))
    assert "rep" not in warmth
    influence = {"fan": 0.5, "boss": 0.5}
    both = coverage_score(["fan", "boss"], warmth, influence)
    assert both.reachable == ["fan", "boss"] and both.score == pytest.approx(
        (0.95 + warmth["boss"]) / 2, abs=1e-4
    )
    assert both.warmth["boss"] < 0.1 and "1 of them warmly" in both.explanation


@pytest.mark.parametrize("seed", range(6))
def test_the_hop_bounded_pass_reaches_exactly_the_nodes_a_breadth_first_walk_reaches(seed: int) -> None:

    rng = random.Random(seed)
    g = nx.gnm_random_graph(60, 90, seed=seed)
    g = nx.relabel_nodes(g, {i: f"n{i}" for i in g})
    for u, v in g.edges:
        g.edges[u, v]["cost"] = rng.choice([0.5, 1.0, 4.0])
    g.add_node("alone")
    sources = ["n0", "n1", "not-in-the-graph"]
    for hops in (1, 2, 3):
        reached = HopBoundedPaths(g, sources, max_hops=hops).reached()
        assert reached == set(reachable_within(g, sources, max_hops=hops)) and "alone" not in reached


def _direct_and_detour(direct: float, detour: float) -> nx.Graph:
    """rep -t directly (strength `direct`) and through `a` (two hops of strength `detour` each)."""
    g = nx.Graph()
    g.add_edge("rep", "t", cost=1 / direct, strength=direct, kind="touch", reason="", touches=3, last=None)
    g.add_edge("rep", "a", cost=1 / detour, strength=detour, kind="touch", reason="", touches=9, last=None)
    g.add_edge("a", "t", cost=1 / detour, strength=detour, kind="knows", reason="know each other")
    return g


@pytest.mark.parametrize(
    ("direct", "detour", "first"),
    [(0.5, 0.95, ["rep", "t"]), (0.31, 0.95, ["rep", "a", "t"])],
    ids=["direct-tie-first", "clearly-warmer-detour-first"],
)
def test_a_warm_direct_tie_ranks_first_unless_a_longer_way_is_clearly_warmer(
    direct: float, detour: float, first: list[str]
) -> None:
    """Cheapest by cost, except that a warm direct tie is not passed by a detour within 1.5x of it."""
    g = _direct_and_detour(direct, detour)
    ranked = k_warm_paths(g, ["rep"], "t", max_hops=3)
    assert ranked[0].nodes == first
    assert HopBoundedPaths(g, ["rep"], max_hops=3).path("t").nodes == first  # the deal view agrees
    if first == ["rep", "t"]:
        assert "no longer way is clearly warmer" in ranked[0].explanation
    else:
        assert "ranked before the direct tie (cost 3.23)" in ranked[0].explanation
        assert ranked[1].nodes == ["rep", "t"]
    assert ranked[0].explanation.startswith(f"rep: {9 if len(first) == 3 else 3} touches with")
    assert f"cost {round(ranked[0].cost, 2)}" in ranked[0].explanation
