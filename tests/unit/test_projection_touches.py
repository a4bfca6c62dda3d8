"""The projection's touch statistics and ties against a plain loop over the touches (the reference).

The projection reads daily touch aggregates (graph/analyses/rules.py) as numpy columns; these tests
check that it gives what a loop over the raw touches gives: the same counts, days and ties, and the
same sums up to float rounding, on shuffled input with shared instants, touches after as_of, unknown
people and reps, and people listed twice.
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
from graph.analyses.rules import TouchStats, aggregate_touches
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
from graph.projections import _co_attendance, project_account

AS_OF = date(2026, 6, 30)
CO_ATTENDANCE = {TouchKind.MEETING, TouchKind.CALL, TouchKind.VISIT, TouchKind.DEMO}
CONVERSATION = {TouchKind.EMAIL, TouchKind.CALL, TouchKind.MEETING, TouchKind.VISIT, TouchKind.DEMO}


def reference(account: AccountGraph, raw: list[Touch], current: set[str]) -> dict[str, Any]:
    """The aggregates as a plain loop over the touches computes them (a person listed twice on a
    touch counts once)."""
    cfg = DEFAULT_CONFIG
    end = datetime.combine(AS_OF, datetime.max.time())
    by_id = sorted((t for t in raw if t.at <= end), key=attrgetter("id"))
    touches = sorted(by_id, key=attrgetter("at"))
    reps = {r.id for r in account.reps}
    stats: dict[str, TouchStats] = {}
    rep_ties: dict[tuple[str, str], list[Any]] = {}
    co: dict[tuple[str, str], int] = defaultdict(int)
    for t in touches:
        t = t.model_copy(update={"person_ids": list(dict.fromkeys(t.person_ids))})
        day = t.at.date()
        replied = t.direction is Direction.INBOUND
        inbound = replied or t.kind in INBOUND_BEHAVIOUR
        for pid in t.person_ids:
            st = stats.setdefault(pid, TouchStats(first=day))
            st.last = day
            st.count += 1
            st.recent += day >= AS_OF - timedelta(days=cfg.engaged_days)
            st.last_30 += day > AS_OF - timedelta(days=30)
            st.prior_90 += AS_OF - timedelta(days=120) < day <= AS_OF - timedelta(days=30)
            if t.kind == TouchKind.PRODUCT_USAGE:
                st.last_usage = day
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


def random_account(seed: int) -> tuple[AccountGraph, list[Touch]]:
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
    account = AccountGraph(
        company=Company(id="c", name="C", status="customer"),
        people=people,
        reps=reps,
        touches=touches,
        employment=[Employment(person_id="p03", company_id="c", until=date(2025, 6, 1))],
        knows=[Knows(person_id="p01", other_id="p02", strength=0.7), Knows(person_id="p05", other_id="p04")],
    )
    return account, touches


@pytest.mark.parametrize("seed", range(8))
def test_aggregates_match_a_loop_over_the_touches(seed: int) -> None:
    account, raw = random_account(seed)
    p = project_account(account, as_of=AS_OF)
    ref = reference(account, raw, p.current)
    assert p.stats == ref["stats"]
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
        assert data["strength"] == pytest.approx(max(DEFAULT_CONFIG.strength.floor, strength), rel=1e-12)
    assert sum(d["kind"] == "touch" for *_, d in p.reach.edges(data=True)) == len(ref["rep_ties"])

    assert _co_attendance(account.touch_days, p.current, as_of=AS_OF) == ref["co"]
    assert set(p.arc_strength) == set(p.interaction.edges)
    co_edges = {(a, b) if a < b else (b, a): s for (a, b), s in p.arc_strength.items()}
    assert not any(a == b for a, b in co_edges)
    for pair, n in ref["co"].items():
        if pair not in {("p01", "p02"), ("p04", "p05")}:  # not also a KNOWS tie
            assert co_edges[pair] == min(1.0, 0.0 + 1.0 - math.exp(-n))


def test_aggregating_the_same_touches_again_gives_the_same_rows() -> None:
    _, raw = random_account(1)
    once = aggregate_touches(raw).rows()
    assert aggregate_touches(list(reversed(raw))).rows() == once
    assert sum(r.count for r in once if r.person_id is None) == len(raw)


def test_no_touches() -> None:
    account = AccountGraph(company=Company(id="c", name="C"), people=[Person(id="a", name="A")])
    p = project_account(account, as_of=AS_OF)
    assert len(p.touch_days) == 0 and p.stats == {} and not any(p.kind_counts.values())
    assert analyze_account(account, as_of=AS_OF).engagement.touches_by_kind == {}


@pytest.mark.parametrize("seed", range(3))
def test_engagement_with_and_without_the_projection_counts(seed: int) -> None:
    account, _ = random_account(seed)
    p = project_account(account, as_of=AS_OF)
    args: dict[str, Any] = {
        "as_of": AS_OF,
        "people": set(p.people),
        "status": account.company.status,
        "function": p.function,
        "seniority": p.seniority,
    }
    given = engagement(
        p.touch_days,
        person_stats={
            pid: (st.first, st.last, st.count, st.inbound, st.last_inbound)
            for pid, st in p.stats.items()
            if st.first is not None and st.last is not None
        },
        kind_counts=p.kind_counts,
        **args,
    )
    assert given == engagement(p.touch_days, **args)


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
