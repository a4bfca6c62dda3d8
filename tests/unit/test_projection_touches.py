"""The touch aggregates of the projection against a plain loop over the touches (the reference).

The projection reads touches as numpy columns; these tests check that it gives exactly what a loop
over the touches in (time, id) order gives: the same order, the same counts and bit-identical sums,
on shuffled input with shared instants, touches after as_of, unknown people and reps, and repeats.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import combinations
from operator import attrgetter
from typing import Any

import networkx as nx
import pytest

from graph.analyses import analyze_account
from graph.analyses.config import DEFAULT_CONFIG
from graph.analyses.coverage import edge_arrays
from graph.analyses.engagement import engagement
from graph.model import (
    INBOUND_BEHAVIOUR,
    AccountGraph,
    Company,
    Direction,
    Employment,
    Knows,
    Person,
    Rep,
    Touch,
    TouchKind,
)
from graph.projections import TouchStats, _co_attendance, _touch_columns, project_account

AS_OF = date(2026, 6, 30)
CO_ATTENDANCE = {TouchKind.MEETING, TouchKind.CALL, TouchKind.VISIT, TouchKind.DEMO}
CONVERSATION = {TouchKind.EMAIL, TouchKind.CALL, TouchKind.MEETING, TouchKind.VISIT, TouchKind.DEMO}


def reference(account: AccountGraph, current: set[str]) -> dict[str, Any]:
    """The aggregates as a plain loop over the touches computes them."""
    cfg = DEFAULT_CONFIG
    end = datetime.combine(AS_OF, datetime.max.time())
    by_id = sorted((t for t in account.touches if t.at <= end), key=attrgetter("id"))
    touches = sorted(by_id, key=attrgetter("at"))
    reps = {r.id for r in account.reps}
    stats: dict[str, TouchStats] = {}
    rep_ties: dict[tuple[str, str], list[Any]] = {}
    co: dict[tuple[str, str], int] = defaultdict(int)
    for t in touches:
        day = t.at.date()
        replied = t.direction is Direction.INBOUND
        inbound = replied or t.kind in INBOUND_BEHAVIOUR
        for pid in t.person_ids:
            st = stats.setdefault(pid, TouchStats(first=day))
            st.last = day
            st.count += 1
            st.recent += day >= AS_OF - timedelta(days=cfg.engaged_days)
            if inbound:
                st.last_inbound = day
                st.inbound += 1
        if t.rep_id in reps and day >= AS_OF - timedelta(days=cfg.reach_days):
            w = cfg.strength.touch_weights.get(t.kind, 0.5) * 0.5 ** (
                (AS_OF - day).days / cfg.strength.half_life_days
            )
            for pid in t.person_ids:
                if pid in current:
                    acc = rep_ties.setdefault((t.rep_id, pid), [0.0, 0, day, False])
                    acc[0] += w
                    acc[1] += 1
                    acc[2] = day
                    acc[3] = acc[3] or (replied and t.kind in CONVERSATION)
        if t.kind in CO_ATTENDANCE and 2 <= len(t.person_ids) <= 12:
            for pair in combinations(sorted(p for p in t.person_ids if p in current), 2):
                if pair[0] != pair[1]:  # a person listed twice is no pair
                    co[pair] += 1
    return {"touches": touches, "stats": stats, "rep_ties": rep_ties, "co": dict(co)}


def random_account(seed: int) -> AccountGraph:
    rng = random.Random(seed)
    people = [Person(id=f"p{i:02d}", name=f"P{i}") for i in range(30)]
    reps = [Rep(id=f"r{i}", name=f"R{i}") for i in range(3)]
    instants = [datetime(2025, 1, 1) + timedelta(minutes=rng.randrange(0, 800_000)) for _ in range(60)]
    touches = []
    for _ in range(600):
        kind = rng.choice(list(TouchKind))
        who = [rng.choice(people).id for _ in range(rng.choice([1, 1, 1, 2, 3, 4, 13]))]
        if rng.random() < 0.05:
            who.append("stranger")  # touched, but not one of the account's people
        touches.append(
            Touch(
                id=f"t{rng.randrange(10**6):06d}" if rng.random() < 0.95 else "dup",
                at=rng.choice(instants)  # many touches share an instant
                + (timedelta(microseconds=rng.choice([0, 1])) if rng.random() < 0.1 else timedelta()),
                kind=kind,
                person_ids=who,
                rep_id=rng.choice([None, "r0", "r1", "r2", "not-ours"]),
                direction=rng.choice([None, Direction.INBOUND, Direction.OUTBOUND]),
                duration_s=rng.choice([None, 600, 3600]),
            )
        )
    rng.shuffle(touches)
    return AccountGraph(
        company=Company(id="c", name="C", status="customer"),
        people=people,
        reps=reps,
        touches=touches,
        employment=[Employment(person_id="p03", company_id="c", until=date(2025, 6, 1))],
        knows=[Knows(person_id="p01", other_id="p02", strength=0.7), Knows(person_id="p05", other_id="p04")],
    )


@pytest.mark.parametrize("seed", range(8))
def test_aggregates_match_a_loop_over_the_touches(seed: int) -> None:
    account = random_account(seed)
    p = project_account(account, as_of=AS_OF)
    ref = reference(account, p.current)
    assert [id(t) for t in p.touches] == [id(t) for t in ref["touches"]]
    assert list(p.stats.items()) == list(ref["stats"].items())
    kinds: dict[TouchKind, int] = defaultdict(int)
    for t in ref["touches"]:
        kinds[t.kind] += 1
    assert {k: n for k, n in p.kind_counts.items() if n} == kinds

    for (rep, pid), (total, count, last, two_way) in ref["rep_ties"].items():
        data = p.reach.edges[rep, pid]
        assert (data["kind"], data["touches"], data["last"], data["two_way"]) == (
            "touch",
            count,
            last,
            two_way,
        )
        strength = min(1.0, (1 - math.exp(-total / 6.0)) * (1.5 if two_way else 1.0))
        assert data["strength"] == max(DEFAULT_CONFIG.strength.floor, strength)  # bit-identical
    for rep in p.reps:  # a rep's ties in the order of their first touch
        assert list(p.reach.adj[rep]) == [pid for r, pid in ref["rep_ties"] if r == rep]
    assert sum(d["kind"] == "touch" for *_, d in p.reach.edges(data=True)) == len(ref["rep_ties"])

    until = datetime.combine(AS_OF, datetime.max.time())
    columns = _touch_columns(account.touches, until, [r.id for r in account.reps])
    assert list(_co_attendance(columns, p.current).items()) == list(ref["co"].items())  # same order
    co_edges = {(a, b) if a < b else (b, a): d["strength"] for a, b, d in p.interaction.edges(data=True)}
    assert not any(a == b for a, b in co_edges)
    for pair, n in ref["co"].items():
        if pair not in {("p01", "p02"), ("p04", "p05")}:  # not also a KNOWS tie
            assert co_edges[pair] == min(1.0, 0.0 + 1.0 - math.exp(-n))


def test_touches_at_one_instant_are_in_id_order_whatever_the_input_order() -> None:
    at = datetime(2026, 1, 1, 9)
    touches = [Touch(id=i, at=at, kind="email", person_ids=["a"]) for i in ("t3", "t1", "t2")]
    touches.append(Touch(id="t0", at=at + timedelta(seconds=1), kind="email", person_ids=["a"]))
    touches.append(Touch(id="t9", at=at - timedelta(seconds=1), kind="email", person_ids=["a"]))
    account = AccountGraph(
        company=Company(id="c", name="C"), people=[Person(id="a", name="A")], touches=touches
    )
    assert [t.id for t in project_account(account, as_of=AS_OF).touches] == ["t9", "t1", "t2", "t3", "t0"]


def test_no_touches() -> None:
    account = AccountGraph(company=Company(id="c", name="C"), people=[Person(id="a", name="A")])
    p = project_account(account, as_of=AS_OF)
    assert p.touches == [] and p.stats == {} and not any(p.kind_counts.values())
    assert analyze_account(account, as_of=AS_OF).engagement.touches_by_kind == {}


@pytest.mark.parametrize("seed", range(3))
def test_engagement_with_and_without_the_projection_counts(seed: int) -> None:
    account = random_account(seed)
    p = project_account(account, as_of=AS_OF)
    args: dict[str, Any] = {
        "as_of": AS_OF,
        "people": set(p.people),
        "status": account.company.status,
        "function": p.function,
        "seniority": p.seniority,
    }
    given = engagement(
        p.touches,
        person_stats={
            pid: (st.first, st.last, st.count, st.inbound, st.last_inbound)
            for pid, st in p.stats.items()
            if st.first is not None and st.last is not None
        },
        kind_counts=p.kind_counts,
        **args,
    )
    assert given == engagement(p.touches, **args)


def test_edge_arrays_follow_graph_edges() -> None:
    g = nx.Graph()
    g.add_nodes_from(["z", "lonely"])
    g.add_edges_from([("b", "a", {"w": 2.0}), ("z", "b", {"w": 3.0}), ("a", "a", {}), ("c", "z", {"w": 0.5})])
    nodes, u, v, w = edge_arrays(g, "w")
    assert nodes == list(g)
    got = [(nodes[i], nodes[j], x) for i, j, x in zip(u.tolist(), v.tolist(), w.tolist(), strict=True)]
    assert got == list(g.edges(data="w", default=1.0))
    multi = nx.MultiGraph([("a", "b"), ("a", "b")])
    assert len(edge_arrays(multi, "w")[1]) == 2


def test_ties_are_stored_as_networkx_stores_them() -> None:
    from graph.projections import _add_ties

    ties = [("b", "a", {"w": 2.0}), ("z", "b", {"w": 3.0}), ("a", "a", {}), ("c", "z", {"w": 0.5})]
    ours, theirs = nx.Graph(), nx.Graph()
    for g in (ours, theirs):
        g.add_nodes_from(["z", "lonely"])
    theirs.add_edges_from((a, b, dict(data)) for a, b, data in ties)
    ours.degree  # noqa: B018  (a cached view, which adding ties must not leave stale)
    _add_ties(ours, ((a, b, dict(data)) for a, b, data in ties))
    assert list(ours.nodes) == list(theirs.nodes)
    assert list(ours.edges(data=True)) == list(theirs.edges(data=True))
    assert dict(ours.degree) == dict(theirs.degree)
    assert ours["a"]["b"] is ours["b"]["a"]  # one dict for both directions, as networkx keeps it
    ours["a"]["b"]["w"] = 9.0
    assert ours.edges["b", "a"]["w"] == 9.0
