"""Key decision-makers: who has influence over buying decisions in an account, and why.

Influence is a weighted sum of up to five signals, each normalised to [0, 1] within the account:

- structure: how many people sit below the person in the reporting tree, log-scaled
  (log(1 + below) / log(1 + most below anyone has));
- seniority: the value of their seniority level (c_level 1.0 ... individual 0.1, unknown 0);
- centrality: who is sought out, on the directed interaction graph (an arc a -> b where a turns to
  b: advice sought, mail sent, and both ways for people who met): the lower of PageRank on the arcs
  (being turned to) and PageRank on the ties taken both ways (being connected), each divided by the
  account's highest. Both must be high: PageRank on arcs alone lifts whoever a powerful person
  turns to (the CEO's assistant), connections alone ignore who turns to whom. A tie counts once
  however many messages it carries, so a busy assistant who mails everyone all day does not outrank
  the people others need to reach; and being turned to counts, not turning to others (on real
  advice networks with titles withheld, the people sought out are the bosses:
  bench/check_influence.py);
- committee: the highest value of a role asserted for them on a deal (open deals count fully,
  closed ones half);
- engagement: how recently and how much we have been in touch, 0.5 ** (days since the last touch /
  engaged_days) scaled by min(1, touches in the last engaged_days / 5).

A signal that the account lacks entirely (no org chart, no titles, no interactions, no committee,
no touches) is left out and the remaining weights are renormalised; the result says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.coverage import edge_arrays
from graph.analyses.messages import Message, render
from graph.analyses.results import KeyPerson, ScoreComponent
from graph.model import BuyingRole, Function, Person, Seniority

__all__ = ["InfluenceRanking", "influence", "structure_scores", "centrality_scores"]

_SIGNALS = ("structure", "seniority", "centrality", "committee", "engagement")


@dataclass(frozen=True)
class InfluenceRanking:
    """Everyone's influence, and the explained models of the people at the top."""

    #: The top people (all, when no limit was given), as explained models.
    key_people: list[KeyPerson]
    #: Every candidate's id, most influential first.
    order: list[str]
    #: Every candidate's score in [0, 1].
    scores: dict[str, float]
    #: Signals that were missing and left out.
    notes: list[str]
    #: The same notes as catalogue messages, for other languages.
    note_messages: list[Message] = field(default_factory=list)


def structure_scores(org: nx.DiGraph) -> tuple[dict[str, float], dict[str, int]]:
    """log-scaled count of people below each person in a reporting tree (edges manager -> report).

    Returns (score in [0, 1], people below). Cycles (bad data) are tolerated: a person never counts
    themself.

    >>> g = nx.DiGraph([("ceo", "vp"), ("vp", "a"), ("vp", "b")])
    >>> scores, below = structure_scores(g)
    >>> below["ceo"], below["vp"], round(scores["vp"], 3)
    (3, 2, 0.792)
    """
    if not org.is_directed():
        raise nx.NetworkXNotImplemented("structure_scores needs a directed reporting tree")
    below: dict[str, int] = {}
    try:
        order = list(nx.topological_sort(org))
    except nx.NetworkXUnfeasible:  # a cycle
        order = None
    if order is not None:
        for node in reversed(order):
            # In a tree the subtrees of the reports are disjoint; dotted lines are not in `org`.
            below[node] = sum(1 + below[child] for child in org.successors(node))
        n = org.number_of_nodes()
        below = {node: min(count, n - 1) for node, count in below.items()}
    else:
        below = {node: len(nx.descendants(org, node)) for node in org}
    top = max(below.values(), default=0)
    if top == 0:
        return dict.fromkeys(org, 0.0), below
    denominator = math.log1p(top)
    return {node: math.log1p(count) / denominator for node, count in below.items()}, below


def centrality_scores(interaction: nx.Graph, *, weight: str = "weight") -> dict[str, float]:
    """How sought out each person is, in [0, 1]. On a DiGraph (an arc a -> b: a turns to b): the
    lower of PageRank on the arcs and PageRank on the ties taken both ways, each over its maximum,
    so that only someone both sought out and well connected scores high (a CEO's one arc to an aide
    lifts the aide's directed PageRank, not the aide's connections). On an undirected graph:
    PageRank over its maximum.

    >>> centrality_scores(nx.star_graph(4))[0]
    1.0
    >>> asks = nx.DiGraph([("a", "boss"), ("b", "boss"), ("c", "boss"), ("boss", "aide")])
    >>> scores = centrality_scores(asks)
    >>> round(scores["boss"], 2), round(scores["aide"], 2)
    (0.88, 0.28)
    """
    if interaction.is_multigraph():
        raise nx.NetworkXNotImplemented("centrality_scores needs a simple graph (one tie per pair)")
    if nx.is_empty(interaction):
        return dict.fromkeys(interaction, 0.0)
    nodes, u, v, w = edge_arrays(interaction, weight)
    if not interaction.is_directed():
        connected = _pagerank(len(nodes), *_both_ways(u, v, w))
        return dict(zip(nodes, (connected / connected.max()).tolist(), strict=True))
    sought = _pagerank(len(nodes), u, v, w)
    # The undirected view: one edge per pair, whichever way (or both ways) its arcs go.
    n = len(nodes)
    low, high = np.minimum(u, v), np.maximum(u, v)
    _, first = np.unique(low * n + high, return_index=True)
    connected = _pagerank(n, *_both_ways(low[first], high[first], w[first]))
    score = np.minimum(sought / sought.max(), connected / connected.max())
    return dict(zip(nodes, score.tolist(), strict=True))


def _both_ways(
    u: npt.NDArray[np.intp], v: npt.NDArray[np.intp], w: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Both directions of every edge, (u, v) then (v, u) edge by edge."""
    return np.column_stack((u, v)).ravel(), np.column_stack((v, u)).ravel(), np.repeat(w, 2)


#: Graphs up to this many people iterate on a dense matrix (a few microseconds per product).
_DENSE_UP_TO = 128


def _pagerank(
    n: int,
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    w: npt.NDArray[np.float64],
    *,
    alpha: float = 0.85,
    tol: float = 1e-6,
) -> npt.NDArray[np.float64]:
    """networkx's PageRank (uniform teleport, dangling mass spread evenly) of the arcs rows -> cols
    with weights w, node by index: built from the edge arrays directly, since converting through
    nx.to_scipy_sparse_array costs more than the iteration itself."""
    # x @ transition, as the transpose times x: transposed once here, not by every product below
    # (on a small account the per-iteration transpose cost more than the whole product).
    pull: sp.csr_array | npt.NDArray[np.float64]
    if n <= _DENSE_UP_TO:
        # On a small graph scipy's overhead (building, scaling, multiplying) outweighs the work:
        # a dense matrix instead, repeated edges summed as scipy sums them.
        dense = np.zeros((n, n))
        np.add.at(dense, (rows, cols), w)
        out = dense.sum(axis=1)
        scale = np.divide(1.0, out, out=np.zeros(n), where=out != 0)
        pull = (dense * scale[:, None]).T.copy()
    else:
        matrix = sp.csr_array((w, (rows, cols)), shape=(n, n))
        out = np.asarray(matrix.sum(axis=1)).ravel()
        scale = np.divide(1.0, out, out=np.zeros(n), where=out != 0)
        pull = (sp.diags_array(scale) @ matrix).T.tocsr()
    dangling = out == 0
    x = np.full(n, 1.0 / n)
    for _ in range(1000):
        previous = x
        x = alpha * (pull @ x + previous[dangling].sum() / n) + (1 - alpha) / n
        if np.abs(x - previous).sum() < n * tol:
            break
    return x


def _centrality_message(interaction: nx.Graph, node: str, value: float) -> Message:
    """How sought out a person is: who turns to them, and how many they are in touch with."""
    if node not in interaction or not interaction.degree(node):
        return Message(key="signal.centrality.none")
    best = value >= 0.75
    if not interaction.is_directed():
        return Message(
            key="signal.centrality.linked", params={"linked": interaction.degree(node), "best": best}
        )
    sought = interaction.in_degree(node)
    linked = len(set(interaction.predecessors(node)) | set(interaction.successors(node)))
    return Message(key="signal.centrality", params={"sought": sought, "linked": linked, "best": best})


def _share_message(rank: int, components: list[ScoreComponent]) -> Message:
    """Why a person ranks where they do: the (at most three) signals with the largest shares."""
    parts = sorted((c for c in components if c.share >= 0.05), key=lambda c: -c.share)[:3]
    if not parts:
        return Message(key="key.rank_alike", params={"rank": rank})
    return Message(key="key.rank", params={"rank": rank, "shares": [[c.name, c.share] for c in parts]})


def influence(
    org: nx.DiGraph,
    interaction: nx.Graph,
    *,
    people: Mapping[str, Person],
    seniority: Mapping[str, Seniority],
    function: Mapping[str, Function | None] | None = None,
    roles: Mapping[str, Mapping[BuyingRole, float]] | None = None,
    role_deals: Mapping[str, str] | None = None,
    engagement: Mapping[str, tuple[int | None, int]] | None = None,
    candidates: set[str] | None = None,
    config: AnalysisConfig = DEFAULT_CONFIG,
    engaged_days: int | None = None,
    limit: int | None = None,
    explain: bool = True,
) -> InfluenceRanking:
    """Rank people by influence: everyone's score and order, explained models for the top `limit`
    (`explain=False`: the models without their components and explanation, for callers that keep
    only ranks and scores).

    `roles` maps a person to {role: weight of the deal status}; `engagement` maps a person to
    (days since the last touch or None, touches in the last engaged_days).

    >>> from graph.model import Person, Seniority
    >>> org = nx.DiGraph([("boss", "dev")])
    >>> people = {"boss": Person(id="boss", name="B"), "dev": Person(id="dev", name="D")}
    >>> ranking = influence(org, nx.Graph(), people=people, seniority={})
    >>> [(k.person_id, k.rank) for k in ranking.key_people]
    [('boss', 1), ('dev', 2)]
    """
    roles = roles or {}
    engagement = engagement or {}
    function = function or {}
    role_deals = role_deals or {}
    window = engaged_days or config.engaged_days
    nodes = sorted(candidates if candidates is not None else set(org) | set(interaction))
    if not nodes:
        return InfluenceRanking(key_people=[], order=[], scores={}, notes=[])

    structure, below = structure_scores(org)
    centrality = centrality_scores(interaction)
    levels = config.seniority_values

    available = {
        "structure": not nx.is_empty(org),
        "seniority": any(seniority.get(n, Seniority.UNKNOWN) != Seniority.UNKNOWN for n in nodes),
        "centrality": not nx.is_empty(interaction),
        "committee": any(roles.get(n) for n in nodes),
        "engagement": any(engagement.get(n, (None, 0))[0] is not None for n in nodes),
    }
    raw_weights = config.influence.model_dump()
    total_weight = sum(raw_weights[s] for s in _SIGNALS if available[s])
    note_messages = [Message(key=f"note.no_{signal}") for signal in _SIGNALS if not available[signal]]
    if total_weight <= 0:
        total_weight = 1.0
    if len(nodes) == 1:
        note_messages.append(Message(key="note.one_person"))
    notes = [render(m) for m in note_messages]

    ranked: list[tuple[float, str, dict[str, float]]] = []
    role_values = config.role_values

    def best_role(node: str) -> tuple[BuyingRole | None, float]:
        held = roles.get(node, {})
        if not held:
            return None, 0.0
        role = max(held, key=lambda r: (role_values.get(r, 0.0) * held[r], r.value))
        return role, role_values.get(role, 0.0) * held[role]

    def describe(signal: str, node: str, value: float) -> Message:
        """The seller-facing words for one signal of one person (only for people shown)."""
        if signal == "structure":
            count = below.get(node, 0)
            if count:
                return Message(key="signal.structure.below", params={"count": count})
            in_chart = node in org and org.degree(node)
            return Message(key="signal.structure.leaf" if in_chart else "signal.structure.outside")
        if signal == "seniority":
            level = seniority.get(node, Seniority.UNKNOWN)
            if level == Seniority.UNKNOWN:
                return Message(key="signal.seniority.unknown")
            title = people[node].title if node in people else None
            return Message(key="signal.seniority", params={"seniority": level, "title": title or ""})
        if signal == "centrality":
            return _centrality_message(interaction, node, value)
        if signal == "committee":
            role, _ = best_role(node)
            if role is None:
                return Message(key="signal.committee.none")
            return Message(key="signal.committee", params={"role": role, "deal": role_deals.get(node) or ""})
        days, recent = engagement.get(node, (None, 0))
        if days is None:
            return Message(key="signal.engagement.never")
        return Message(key="signal.engagement", params={"days": days, "recent": recent, "window": window})

    used = [s for s in _SIGNALS if available[s]]
    for node in nodes:
        values: dict[str, float] = {}
        if available["structure"]:
            values["structure"] = structure.get(node, 0.0)
        if available["seniority"]:
            values["seniority"] = levels.get(seniority.get(node, Seniority.UNKNOWN), 0.0)
        if available["centrality"]:
            values["centrality"] = centrality.get(node, 0.0)
        if available["committee"]:
            values["committee"] = best_role(node)[1]
        if available["engagement"]:
            days, recent = engagement.get(node, (None, 0))
            values["engagement"] = 0.0 if days is None else (0.5 ** (days / window)) * min(1.0, recent / 5)
        score = sum([raw_weights[s] * values[s] for s in used]) / total_weight
        ranked.append((score, node, values))

    ranked.sort(key=lambda item: (-item[0], -below.get(item[1], 0), item[1]))
    result: list[KeyPerson] = []
    # Models (with their explanations) only for the people that will be shown.
    for rank, (score, node, values) in enumerate(ranked[:limit], start=1):
        components: list[ScoreComponent] = []
        for s, v in values.items() if explain else ():
            words = describe(s, node, v)
            components.append(
                ScoreComponent(
                    name=s,
                    value=round(v, 4),
                    weight=round(raw_weights[s] / total_weight, 4),
                    share=round((raw_weights[s] * v / total_weight) / score, 4) if score > 0 else 0.0,
                    explanation=render(words),
                    explanation_message=words,
                )
            )
        person = people.get(node)
        explanation = _share_message(rank, components)
        result.append(
            KeyPerson(
                person_id=node,
                name=person.name if person else None,
                title=person.title if person else None,
                seniority=seniority.get(node, Seniority.UNKNOWN),
                function=function.get(node),
                rank=rank,
                score=round(score, 4),
                components=components,
                explanation=render(explanation) if explain else "",
                explanation_message=explanation if explain else None,
            )
        )
    return InfluenceRanking(
        key_people=result,
        order=[node for _, node, _ in ranked],
        scores={node: round(score, 4) for score, node, _ in ranked},
        notes=notes,
        note_messages=note_messages,
    )
