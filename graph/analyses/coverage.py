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

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from itertools import compress, repeat
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.analyses.messages import HOP_PARAMS, Message, render
from graph.analyses.results import Coverage, Hop, HopKind, WarmPath

__all__ = [
    "HopBoundedPaths",
    "reachable_within",
    "best_paths",
    "k_warm_paths",
    "coverage_score",
    "edge_arrays",
]


#: Warmth (1 / path cost) from which a way in counts as warm: a direct tie of strength 0.3, or two
#: hops as strong as a reporting line each (0.6 -> 1 / (1/0.6 + 1/0.6) = 0.3).
WARM = 0.3


def edge_arrays(
    graph: nx.Graph, data: str, default: float = 1.0
) -> tuple[list[Any], npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """The nodes, and every edge as (u, v, data value) index arrays, in the order of graph.edges
    (of a DiGraph: every arc once, u -> v).

    Read from graph.adjacency() (plain dicts) with C-level maps: iterating graph.edges(data=...)
    runs a Python generator step per edge, several times slower on tens of thousands of edges.

    >>> g = nx.Graph([("a", "b", {"w": 2.0}), ("b", "c", {})])
    >>> nodes, u, v, w = edge_arrays(g, "w")
    >>> [(nodes[i], nodes[j], x) for i, j, x in zip(u.tolist(), v.tolist(), w.tolist())]
    [('a', 'b', 2.0), ('b', 'c', 1.0)]
    """
    nodes = list(graph)
    index = dict(zip(nodes, range(len(nodes)), strict=True))
    if graph.is_multigraph():  # parallel edges: the plain iteration
        edges = [(index[a], index[b], value) for a, b, value in graph.edges(data=data, default=default)]
        columns = list(zip(*edges, strict=True)) or [(), (), ()]
        return (
            nodes,
            np.array(columns[0], dtype=np.intp),
            np.array(columns[1], dtype=np.intp),
            np.array(columns[2], dtype=np.float64),
        )
    src: list[int] = []
    dst: list[int] = []
    attrs: list[dict[str, Any]] = []
    for node, nbrs in graph.adjacency():
        src.extend(repeat(index[node], len(nbrs)))
        dst.extend(map(index.__getitem__, nbrs))
        attrs.extend(nbrs.values())
    u = np.array(src, dtype=np.intp)
    v = np.array(dst, dtype=np.intp)
    # Each edge is in the adjacency of both ends; graph.edges yields it from the end it meets first.
    # Only those attribute dicts are read (one per edge, scattered in memory: the slow part). An arc
    # of a DiGraph is in its tail's adjacency alone.
    first = np.ones(len(u), dtype=bool) if graph.is_directed() else v >= u
    values = map(dict.get, compress(attrs, first.tolist()), repeat(data), repeat(default))
    return nodes, u[first], v[first], np.fromiter(values, dtype=np.float64, count=int(first.sum()))


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


def _touch_tie(data: Mapping[str, Any]) -> tuple[int, bool, date | None]:
    """(touches, two-way, last day) of a rep-person touch tie, from its edge's plain values."""
    return int(data.get("touches", 0)), bool(data.get("two_way")), data.get("last")


def hop_message(data: Mapping[str, Any]) -> Message:
    """Why two nodes of the reach graph know each other, as a catalogue message: a rep-person touch
    tie (how many touches, two-way or not, the last one), or the tie's own message: `message`, a
    catalogue key with its parameters beside it in the data (HOP_PARAMS).

    >>> hop_message({"kind": "knows", "message": "hop.knows_source", "source": "crm"}).params
    {'source': 'crm'}
    """
    own = data.get("message")
    if own is not None:
        return Message(key=own, params={name: data[name] for name in HOP_PARAMS[own]})
    count, two_way, last = _touch_tie(data)
    return Message(
        key="hop.touch",
        params={
            "count": count,
            "days": data.get("window", "?"),
            "two_way": two_way,
            "last": last.isoformat() if last else "",
        },
    )


def hop_reason(data: Mapping[str, Any]) -> str:
    """Words for a tie of the reach graph (English; `hop_message` for other languages)."""
    return data.get("reason") or render(hop_message(data))


#: A longer path ranks before a warm direct tie only when it costs this many times less.
CLEARLY_WARMER = 1.5


def _hop_words(data: Mapping[str, Any], kind: str, a: str, b: str, label: Callable[[str], Any]) -> Message:
    """One hop in words, as the seller would retell it."""
    if kind == "touch":
        count, two_way, last = _touch_tie(data)
        return Message(
            key="path.hop.touch",
            params={
                "count": count,
                "rep": label(a),
                "person": label(b),
                "two_way": two_way,
                "last": last.isoformat() if last else "",
            },
        )
    if kind == "reports_to":  # a reports to b: b is a's manager
        return Message(key="path.hop.manager", params={"person": label(b), "of": label(a)})
    if kind == "manages":
        return Message(key="path.hop.report", params={"person": label(b), "of": label(a)})
    return Message(key="path.hop.knows", params={"person": label(b), "of": label(a)})


def _rep_named(reach: nx.Graph, label: Callable[[str], Any]) -> Callable[[str], Any]:
    """`label`, except that one of our reps (a reach node of type rep that carries its name) is
    named by a message, so each language says "our rep" its own way."""

    def named(node: str) -> Any:
        info = reach.nodes[node] if node in reach else {}
        if info.get("type") == "rep" and info.get("name"):
            return Message(key="name.our_rep", params={"name": info["name"]})
        return label(node)

    return named


def _path_model(
    reach: nx.Graph, nodes: list[str], label: Callable[[str], str] | None = None, why: Message | None = None
) -> WarmPath:
    """The path as a result: its hops, cost and explanation (`why` says why it ranks where it does)."""
    name = label or str
    hops = []
    words = []
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
                reason=hop_reason(data),
                reason_message=hop_message(data),
                strength=round(data["strength"], 4),
            )
        )
        words.append(_hop_words(data, kind, a, b, _rep_named(reach, name)))
        cost += data["cost"]
    message = Message(
        key="path.explained",
        params={"hops": words, "cost": round(cost, 2), "why": why or Message(key="path.why.cheapest")},
    )
    return WarmPath(
        target_id=nodes[-1],
        nodes=nodes,
        hops=hops,
        cost=round(cost, 4),
        explanation=render(message, "en"),
        explanation_message=message,
    )


def _direct_cost(reach: nx.Graph, sources: Iterable[str], target: str) -> tuple[str, float] | None:
    """The cheapest direct tie from a source to target as (source, cost), when it is warm."""
    ties = [(float(reach.edges[s, target]["cost"]), s) for s in sources if reach.has_edge(s, target)]
    if not ties:
        return None
    cost, source = min(ties)
    return (source, cost) if 1.0 / cost >= WARM else None


class HopBoundedPaths:
    """Cheapest paths of at most max_hops hops from a set of sources to every node, computed once.

    A hop-bounded Bellman-Ford, vectorised over the edge list with numpy: layer h holds the cheapest
    cost of reaching each node in exactly h hops, so the answer respects max_hops exactly (a plain
    Dijkstra could return a cheaper but longer path and miss a valid shorter one). With positive
    costs the cheapest walk over all layers is a simple path; ties go to the fewest hops.
    """

    def __init__(
        self,
        reach: nx.Graph,
        sources: Iterable[str],
        *,
        max_hops: int,
        cost: str = "cost",
        label: Callable[[str], str] | None = None,
    ) -> None:
        if reach.is_directed():
            raise nx.NetworkXNotImplemented("HopBoundedPaths expects an undirected reach graph")
        self.reach = reach
        self.label = label
        self.nodes, a_idx, b_idx, weights = edge_arrays(reach, cost)
        index = {node: i for i, node in enumerate(self.nodes)}
        self.index = index
        n = len(self.nodes)
        src = np.concatenate([a_idx, b_idx]).astype(np.int64)
        dst = np.concatenate([b_idx, a_idx]).astype(np.int64)
        w = np.concatenate([weights, weights]).astype(float)
        self.sources = {s for s in sources if s in index}
        current = np.full(n, np.inf)
        for s in self.sources:
            current[index[s]] = 0.0
        self.best = current.copy()
        self.best_layer = np.where(np.isfinite(current), 0, -1)
        self.predecessors: list[np.ndarray] = []
        for h in range(1, max_hops + 1):
            candidate = current[src] + w
            live = np.isfinite(candidate)
            if not live.any():
                break
            s_live, d_live, c_live = src[live], dst[live], candidate[live]
            order = np.lexsort((c_live, d_live))
            d_sorted = d_live[order]
            first = np.ones(len(order), dtype=bool)
            first[1:] = d_sorted[1:] != d_sorted[:-1]
            chosen = order[first]
            nxt = np.full(n, np.inf)
            nxt[d_live[chosen]] = c_live[chosen]
            pred = np.full(n, -1, dtype=np.int64)
            pred[d_live[chosen]] = s_live[chosen]
            better = nxt < self.best
            self.best[better] = nxt[better]
            self.best_layer[better] = h
            self.predecessors.append(pred)
            current = nxt

    def warmth(self) -> dict[str, float]:
        """1 / the cost of the warmest way in (at most max_hops hops), for every node reached but
        the sources: the strength of a direct tie, less for every further hop or a stale tie."""
        reached = np.flatnonzero(np.isfinite(self.best) & (self.best > 0)).tolist()
        return {
            self.nodes[i]: 1.0 / float(self.best[i]) for i in reached if self.nodes[i] not in self.sources
        }

    def reached(self) -> set[str]:
        """Every node within max_hops of a source, the sources included: `reachable_within`'s nodes,
        read off the costs this pass worked out anyway (a second walk of a large account's reach
        graph in Python cost about 10 ms)."""
        return {self.nodes[i] for i in np.flatnonzero(np.isfinite(self.best)).tolist()}

    def path(self, target: str) -> WarmPath | None:
        """The cheapest path to target within max_hops, or None (also for a source itself)."""
        i = self.index.get(target)
        if i is None or target in self.sources or self.best_layer[i] <= 0:
            return None
        nodes = [i]
        node = i
        for h in range(int(self.best_layer[i]), 0, -1):
            node = int(self.predecessors[h - 1][node])
            nodes.append(node)
        nodes.reverse()
        chain = [self.nodes[k] for k in nodes]
        direct = _direct_cost(self.reach, self.sources, target) if len(chain) > 2 else None
        best = float(self.best[i])
        if direct is not None and best * CLEARLY_WARMER > direct[1]:
            # A warm direct tie comes first unless a longer way is clearly warmer.
            return _path_model(self.reach, [direct[0], target], self.label, Message(key="path.why.direct"))
        why = (
            Message(key="path.why.warmer_than_direct", params={"direct": round(direct[1], 2)})
            if direct is not None
            else None
        )
        return _path_model(self.reach, chain, self.label, why)


def best_paths(
    reach: nx.Graph, sources: Iterable[str], targets: Iterable[str], *, max_hops: int, cost: str = "cost"
) -> dict[str, WarmPath]:
    """The cheapest path of at most max_hops hops from any source to each target (see HopBoundedPaths).

    >>> g = nx.Graph()
    >>> g.add_edge("rep", "a", cost=1.0, strength=1.0, kind="touch", reason="met")
    >>> g.add_edge("a", "b", cost=2.0, strength=0.5, kind="knows", reason="friends")
    >>> best_paths(g, ["rep"], ["b"], max_hops=3)["b"].nodes
    ['rep', 'a', 'b']
    """
    finder = HopBoundedPaths(reach, sources, max_hops=max_hops, cost=cost)
    found = {t: finder.path(t) for t in sorted(set(targets))}
    return {t: path for t, path in found.items() if path is not None}


def k_warm_paths(
    reach: nx.Graph,
    sources: Iterable[str],
    target: str,
    *,
    max_hops: int,
    k: int = 3,
    cost: str = "cost",
    max_candidates: int = 200,
    label: Callable[[str], str] | None = None,
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
    chains: list[list[str]] = []
    for examined, nodes in enumerate(nx.shortest_simple_paths(sub, start, target, weight=cost)):
        if examined >= max_candidates or len(chains) >= k:
            break
        real = nodes[1:]
        if len(real) - 1 <= max_hops and not any(n in source_list for n in real[1:]):
            chains.append(real)
    # A warm direct tie comes first unless a longer way is clearly warmer (as HopBoundedPaths.path).
    direct = _direct_cost(reach, source_list, target)
    ranked: list[tuple[list[str], Message | None]] = []
    if direct is not None:
        first = [direct[0], target]
        chains = [c for c in chains if c != first]
        cheaper = [c for c in chains if _cost_of(reach, c, cost) * CLEARLY_WARMER <= direct[1]]
        warmer: Message | None = Message(
            key="path.why.warmer_than_direct", params={"direct": round(direct[1], 2)}
        )
        ranked = [(c, warmer) for c in cheaper]
        ranked.append((first, Message(key="path.why.direct")))
        ranked += [(c, None) for c in chains if c not in cheaper]
    else:
        ranked = [(c, None) for c in chains]
    return [_path_model(reach, c, label, why) for c, why in ranked[:k]]


def _cost_of(reach: nx.Graph, nodes: list[str], cost: str) -> float:
    return sum(float(reach.edges[a, b][cost]) for a, b in zip(nodes, nodes[1:], strict=False))


def coverage_score(
    key_people: Iterable[str],
    warmth: Mapping[str, float],
    influence: Mapping[str, float],
) -> Coverage:
    """Σ influence × warmth / Σ influence over the key people (the plain mean warmth when all
    influences are 0). `warmth` maps each reachable person to 1 / the cost of the warmest way in
    (`HopBoundedPaths.warmth`): a key person reached only through a stale three-hop chain counts
    little, one we meet every week nearly fully.

    >>> coverage_score(["a", "b"], {"a": 0.5}, {"a": 0.75, "b": 0.25}).score
    0.375
    """
    people = list(dict.fromkeys(key_people))
    if not people:
        nobody = Message(key="coverage.nobody")
        return Coverage(
            score=0.0, reachable=[], unreachable=[], explanation=render(nobody), explanation_message=nobody
        )
    yes = [p for p in people if warmth.get(p, 0.0) > 0]
    no = [p for p in people if warmth.get(p, 0.0) <= 0]
    total = sum(influence.get(p, 0.0) for p in people)
    if total > 0:
        score = sum(influence.get(p, 0.0) * warmth.get(p, 0.0) for p in people) / total
    else:
        score = sum(warmth.get(p, 0.0) for p in people) / len(people)
    warm = sum(warmth.get(p, 0.0) >= WARM for p in people)
    message = Message(
        key="coverage.warmth",
        params={"reached": len(yes), "total": len(people), "warm": warm, "share": min(1.0, score)},
    )
    return Coverage(
        score=round(min(1.0, score), 4),
        reachable=yes,
        unreachable=no,
        explanation=render(message),
        explanation_message=message,
        warmth={p: round(min(1.0, warmth[p]), 4) for p in yes},
    )
