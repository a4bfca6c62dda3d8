"""Coverage and warm paths: which key people our reps can reach, and through whom.

The reach graph (graph/projections.py) joins our reps and the account's current people with three
kinds of ties, each with a strength in (0, 1]:

- touch (rep - person): strength = min(1, (1 - exp(-S / saturation)) * (two_way_factor if any
  inbound reply)), S = sum of kind weights (meeting 3, call 2, e-mail 1, ...) times
  0.5 ** (age in days / half_life_days), over touches within reach_days;
- reporting line, either direction: a fixed strength (0.6 by default);
- KNOWS: its stored strength (values above 1 are read as a count and saturate like touches).

A hop costs 1 / strength, so a warm path is a cheapest path; a person is reachable when some path
from any rep has at most max_hops hops.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from graph.analyses.results import Coverage, Hop, HopKind, WarmPath

__all__ = ["reachable_within", "best_paths", "k_warm_paths", "coverage_score"]


def reachable_within(reach: nx.Graph, sources: Iterable[str], *, max_hops: int) -> dict[str, int]:
    """Hops from the nearest source to every node within max_hops (sources themselves at 0).

    >>> g = nx.path_graph(["rep", "a", "b", "c", "d"])
    >>> sorted(reachable_within(g, ["rep"], max_hops=3).items())
    [('a', 1), ('b', 2), ('c', 3), ('rep', 0)]
    """
    if reach.is_directed():
        raise nx.NetworkXNotImplemented("reachable_within expects an undirected reach graph")
    frontier = [s for s in sources if s in reach]
    hops = dict.fromkeys(frontier, 0)
    for depth in range(1, max_hops + 1):
        nxt: list[str] = []
        for node in frontier:
            for other in reach.adj[node]:
                if other not in hops:
                    hops[other] = depth
                    nxt.append(other)
        frontier = nxt
        if not frontier:
            break
    return hops


def _path_model(reach: nx.Graph, nodes: list[str]) -> WarmPath:
    hops = []
    cost = 0.0
    for a, b in zip(nodes, nodes[1:], strict=False):
        data = reach.edges[a, b]
        kind = data["kind"]
        if kind == "reports_to":
            # The stored edge is symmetric; say which way the line runs along the path.
            kind = "reports_to" if data.get("report") in (None, a) else "manages"
        hops.append(
            Hop(
                source=a,
                target=b,
                kind=HopKind(kind),
                reason=data["reason"],
                strength=round(data["strength"], 4),
            )
        )
        cost += data["cost"]
    return WarmPath(target_id=nodes[-1], nodes=nodes, hops=hops, cost=round(cost, 4))


def best_paths(
    reach: nx.Graph, sources: Iterable[str], targets: Iterable[str], *, max_hops: int, cost: str = "cost"
) -> dict[str, WarmPath]:
    """The cheapest path of at most max_hops hops from any source to each target, in one pass.

    A hop-bounded Bellman-Ford: layer h holds the cheapest cost of reaching each node in exactly h
    hops, so the answer respects max_hops exactly (a plain Dijkstra could return a cheaper but longer
    path and miss a valid shorter one).

    >>> g = nx.Graph()
    >>> g.add_edge("rep", "a", cost=1.0, strength=1.0, kind="touch", reason="met")
    >>> g.add_edge("a", "b", cost=2.0, strength=0.5, kind="knows", reason="friends")
    >>> best_paths(g, ["rep"], ["b"], max_hops=3)["b"].nodes
    ['rep', 'a', 'b']
    """
    wanted = {t for t in targets if t in reach}
    source_list = [s for s in sources if s in reach]
    best: dict[str, tuple[float, int]] = dict.fromkeys(source_list, (0.0, 0))
    layers: list[dict[str, tuple[float, str]]] = [{s: (0.0, s) for s in source_list}]
    for _ in range(max_hops):
        nxt: dict[str, tuple[float, str]] = {}
        for node, (so_far, _) in layers[-1].items():
            for other, data in reach.adj[node].items():
                c = so_far + data[cost]
                old = nxt.get(other)
                if old is None or c < old[0]:
                    nxt[other] = (c, node)
        # Keep only improvements: a node reached more cheaply in fewer hops need not expand again.
        pruned = {n: v for n, v in nxt.items() if n not in best or v[0] < best[n][0]}
        depth = len(layers)
        for n, (c, _) in pruned.items():
            best[n] = (c, depth)
        layers.append(pruned)
        if not pruned:
            break
    result: dict[str, WarmPath] = {}
    for target in sorted(wanted):
        if target not in best or target in source_list:
            continue
        _, depth = best[target]
        nodes = [target]
        node = target
        for h in range(depth, 0, -1):
            node = layers[h][node][1]
            nodes.append(node)
        nodes.reverse()
        result[target] = _path_model(reach, nodes)
    return result


def k_warm_paths(
    reach: nx.Graph,
    sources: Iterable[str],
    target: str,
    *,
    max_hops: int,
    k: int = 3,
    cost: str = "cost",
    max_candidates: int = 200,
) -> list[WarmPath]:
    """Up to k cheapest simple paths of at most max_hops hops from any source to target (Yen).

    The graph is first cut down to nodes that can lie on such a path (hops from the sources plus hops
    to the target at most max_hops), then networkx's shortest_simple_paths enumerates paths in order
    of cost from a virtual start joined to every source.

    >>> g = nx.Graph()
    >>> for a, b, c in [("rep", "a", 1.0), ("a", "t", 1.0), ("rep", "b", 2.0), ("b", "t", 2.0)]:
    ...     g.add_edge(a, b, cost=c, strength=1 / c, kind="knows", reason="")
    >>> [p.nodes for p in k_warm_paths(g, ["rep"], "t", max_hops=3)]
    [['rep', 'a', 't'], ['rep', 'b', 't']]
    """
    if reach.is_directed():
        raise nx.NetworkXNotImplemented("k_warm_paths expects an undirected reach graph")
    source_list = [s for s in sources if s in reach]
    if target not in reach or not source_list or target in source_list:
        return []
    from_sources = reachable_within(reach, source_list, max_hops=max_hops)
    if target not in from_sources:
        return []
    to_target = reachable_within(reach, [target], max_hops=max_hops)
    keep = [n for n, h in from_sources.items() if n in to_target and h + to_target[n] <= max_hops]
    sub = nx.Graph(reach.subgraph(keep))
    start = ("__start__",)
    for s in source_list:
        if s in sub:
            sub.add_edge(start, s, **{cost: 0.0})
    paths: list[WarmPath] = []
    for examined, nodes in enumerate(nx.shortest_simple_paths(sub, start, target, weight=cost)):
        if examined >= max_candidates or len(paths) >= k:
            break
        real = nodes[1:]
        if len(real) - 1 <= max_hops and not any(n in source_list for n in real[1:]):
            paths.append(_path_model(reach, real))
    return paths


def coverage_score(
    key_people: Iterable[str],
    reachable: set[str] | Mapping[str, int],
    influence: Mapping[str, float],
) -> Coverage:
    """Influence-weighted share of key people that are reachable; plain share when all weigh 0.

    >>> coverage_score(["a", "b"], {"a"}, {"a": 0.75, "b": 0.25}).score
    0.75
    """
    people = list(dict.fromkeys(key_people))
    if not people:
        return Coverage(score=0.0, reachable=[], unreachable=[], explanation="the deal has no key people yet")
    yes = [p for p in people if p in reachable]
    no = [p for p in people if p not in reachable]
    total = sum(influence.get(p, 0.0) for p in people)
    score = sum(influence.get(p, 0.0) for p in yes) / total if total > 0 else len(yes) / len(people)
    text = (
        f"our reps can reach {len(yes)} of {len(people)} key people, "
        f"carrying {score:.0%} of their combined influence"
    )
    return Coverage(score=round(score, 4), reachable=yes, unreachable=no, explanation=text)
