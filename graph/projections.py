"""AccountGraph -> NetworkX graphs, built once per analysis call and shared by every analysis.

Three graphs, all as of one date (touches after it, reporting lines not yet started or already
ended, and committee assertions made after it are left out, so a result can be reproduced):

- `org`: the reporting tree, a DiGraph with an edge manager -> report for every current solid line
  between people still at the account. An account without any reporting line gets an inferred
  tree instead (graph/analyses/org_inference.py): its edges carry `inferred=True`, `confidence`
  and `reason`, and they are kept in `inferred_lines`, apart from asserted lines.
- `interaction`: a DiGraph among current people, an arc a -> b where a turns to b: a KNOWS tie
  keeps its direction (advice sought, mail sent), and two people in the same meeting, call, visit or
  demo turn to each other (both arcs). The arcs carry no attributes (networkx still makes an empty
  data dict per arc): each weighs 1 (networkx's default for a missing weight), so a tie counts once
  however many messages it carries (volume is not power); the ties' strengths are kept beside the
  graph, in `arc_strength` (one dict for the ~30,000 arcs of a large account rather than two keys and
  a float in every arc's data).
- `reach`: an undirected Graph of current people *and our reps*: rep-person touches within
  `reach_days`, reporting lines (either direction) and KNOWS ties. Each edge has `strength` in
  (0, 1], `cost` = 1 / strength, `kind` and its reason: a touch tie's `touches`, `two_way`, `last`
  and `window`, or a catalogue key (`message`) with its parameters beside it, all plain values
  (nothing per edge for the garbage collector to walk), worded only for the hops that end up on a
  path (`hop_message` / `hop_reason` in graph/analyses/coverage.py).

Titles: when a person has no stored seniority but has a title, the caller may inject a pure
`classify` function (buyergraph passes `ingest.titles.classify_title`); graph/ never imports ingest.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from typing import Any, Protocol

import networkx as nx
import numpy as np

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.messages import hop_fields
from graph.analyses.org_inference import InferredLine, infer_reporting_lines
from graph.analyses.rules import (
    TouchStats,
    employment_status,
    engagement_state,
    kind_counts,
    rep_ties,
    tie_strength,
    touch_stats,
)
from graph.model import (
    AccountGraph,
    BuyingRole,
    CommitteeRole,
    Function,
    Person,
    Rep,
    ReportingKind,
    Seniority,
    TouchDays,
    TouchKind,
)

__all__ = [
    "AccountProjection",
    "TitleClassifier",
    "TouchStats",
    "project_account",
    "tie_strength",
]


class _TitleClass(Protocol):
    @property
    def seniority(self) -> Seniority: ...

    @property
    def function(self) -> Function: ...


#: A pure function from a title to its seniority and function (e.g. ingest.titles.classify_title).
TitleClassifier = Callable[[str], _TitleClass]


def knows_strength(stored: float | None, config: AnalysisConfig = DEFAULT_CONFIG) -> float:
    """A stored KNOWS strength in [0, 1] is used as is; above 1 it is read as a count of contacts."""
    if stored is None:
        return config.strength.knows_default
    if stored <= 1.0:
        return max(stored, config.strength.floor)
    return 1.0 - math.exp(-stored / config.strength.saturation)


@dataclass(slots=True)
class AccountProjection:
    """One account as of one date: its records indexed for the analyses, and its three graphs."""

    account: AccountGraph
    as_of: date
    config: AnalysisConfig
    people: dict[str, Person]
    reps: dict[str, Rep]
    current: set[str]
    departed: set[str]
    #: Where a departed person works now (their Person.company_id when it differs), if known.
    moved_to: dict[str, str]
    seniority: dict[str, Seniority]
    function: dict[str, Function | None]
    #: People whose seniority/function was read from their title here rather than stored.
    classified: set[str]
    org: nx.DiGraph
    interaction: nx.DiGraph
    reach: nx.Graph
    #: Committee assertions made up to as_of.
    committee: list[CommitteeRole]
    #: The account's daily touch aggregates (all of them: analyses keep to as_of themselves).
    touch_days: TouchDays
    stats: dict[str, TouchStats]
    #: Touches up to as_of by kind.
    kind_counts: dict[TouchKind, int]
    #: (a, b) with a < b -> meetings, calls, visits and demos both attended (current people).
    met: dict[tuple[str, str], int] = field(default_factory=dict)
    #: Every arc (a, b) of `interaction` -> the strength of the tie, in (0, 1].
    arc_strength: dict[tuple[str, str], float] = field(default_factory=dict)
    #: Reporting lines inferred for an account without any (manager, report order as in `org`).
    inferred_lines: list[InferredLine] = field(default_factory=list)

    def engaged(self, person_id: str) -> bool:
        """True when a touch with the person falls within engaged_days before as_of."""
        stats = self.stats.get(person_id)
        last = None if stats is None else stats.last
        return engagement_state(last, self.as_of, self.config) == "engaged"

    def touched(self, person_id: str) -> bool:
        """True when the person was ever touched up to as_of."""
        stats = self.stats.get(person_id)
        return stats is not None and stats.count > 0

    def label(self, node: str) -> str:
        """A display name for a person or rep id."""
        if node in self.people:
            return self.people[node].name
        if node in self.reps:
            return f"{self.reps[node].name} (our rep)"  # names a rep in English texts only
        return node


def _as_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def classify_people(
    people: Iterable[Person], classify: TitleClassifier | None
) -> tuple[dict[str, Seniority], dict[str, Function | None], set[str]]:
    seniority: dict[str, Seniority] = {}
    function: dict[str, Function | None] = {}
    classified: set[str] = set()
    for person in people:
        level = person.seniority
        func = person.function
        if (level is None or func is None) and person.title and classify is not None:
            guess = classify(person.title)
            if level is None and guess.seniority != Seniority.UNKNOWN:
                level = guess.seniority
                classified.add(person.id)
            if func is None:
                func = guess.function
        seniority[person.id] = level or Seniority.UNKNOWN
        function[person.id] = func
    return seniority, function, classified


def _co_attendance(days: TouchDays, current: set[str], *, as_of: date) -> dict[tuple[str, str], int]:
    """(a, b) with a < b -> how many meetings, calls, visits and demos (not events) both attended up
    to as_of, for pairs of current people (from the pair rows of the aggregates)."""
    names = days.names
    is_current = np.fromiter((*(name in current for name in names), False), dtype=bool, count=len(names) + 1)
    keep = days.pair & (days.day <= as_of.toordinal()) & is_current[days.actor] & is_current[days.person]
    if not keep.any():
        return {}
    n = len(names)
    pairs, pair_of = np.unique(days.actor[keep] * n + days.person[keep], return_inverse=True)
    counts = np.bincount(pair_of, weights=days.count[keep], minlength=len(pairs)).astype(np.int64)
    lower, higher = np.divmod(pairs, n)
    return {
        (names[a], names[b]): c
        for a, b, c in zip(lower.tolist(), higher.tolist(), counts.tolist(), strict=True)
    }


def project_account(
    account: AccountGraph,
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    classify: TitleClassifier | None = None,
) -> AccountProjection:
    """Build every graph of one account as of `as_of`, once, for all analyses to share.

    >>> from graph.model import AccountGraph, Company, Person, Reporting
    >>> acc = AccountGraph(company=Company(id="c", name="C"),
    ...     people=[Person(id="a", name="A"), Person(id="b", name="B")],
    ...     reporting=[Reporting(person_id="b", manager_id="a")])
    >>> sorted(project_account(acc, as_of=date(2025, 1, 1)).org.edges)
    [('a', 'b')]
    """
    cfg = config
    company_id = account.company.id
    people = {p.id: p for p in account.people}
    reps = {r.id: r for r in account.reps}

    # Who has left (the one rule: graph/analyses/rules.py).
    current, departed_on = employment_status(company_id, people, account.employment, as_of=as_of)
    departed = set(departed_on)
    moved_to = {
        pid: people[pid].company_id
        for pid in departed
        if people[pid].company_id and people[pid].company_id != company_id
    }
    moved = {pid: cid for pid, cid in moved_to.items() if cid is not None}

    seniority, function, classified = classify_people(account.people, classify)

    # The reporting tree: current solid lines between current people.
    by_id = sorted(current)
    org: nx.DiGraph = nx.DiGraph()
    org.add_nodes_from(by_id)
    current_lines: list[tuple[str, str]] = []
    solid_lines: list[tuple[str, str]] = []
    for line in account.reporting:
        if line.person_id not in current or line.manager_id not in current:
            continue
        if line.person_id == line.manager_id:
            continue
        if (line.since is not None and line.since > as_of) or (
            line.until is not None and line.until <= as_of
        ):
            continue
        current_lines.append((line.manager_id, line.person_id))
        if line.kind == ReportingKind.SOLID:
            solid_lines.append((line.manager_id, line.person_id))
    org.add_edges_from(solid_lines)

    # Per-person and per-(rep, person) aggregates of the touches up to as_of.
    as_of_end = datetime.combine(as_of, datetime.max.time())
    rep_ids = list(reps)
    days = account.touch_days
    stats = touch_stats(days, as_of=as_of, engaged_days=cfg.engaged_days)
    ties_of_reps = rep_ties(days, rep_ids, current, as_of=as_of, config=cfg)
    co_count = _co_attendance(days, current, as_of=as_of)

    # The interaction graph: who turns to whom. A KNOWS tie keeps its direction; people who met turn
    # to each other. Every arc weighs 1 (a tie counts once, whatever its volume); `arc_strength`
    # keeps how strong it is for anyone who needs that.
    known = [
        (tie.person_id, tie.other_id, knows_strength(tie.strength, cfg), tie.source)
        for tie in account.knows
        if tie.person_id != tie.other_id and tie.person_id in current and tie.other_id in current
    ]
    arcs: dict[tuple[str, str], float] = {}
    for a, b, strength, _ in known:
        arcs[(a, b)] = max(strength, arcs.get((a, b), 0.0))
    # Each way of every pair who met: min(1, tie so far + 1 - exp(-meetings)).
    co_arcs = [arc for a, b in co_count for arc in ((a, b), (b, a))]
    meetings = np.repeat(np.fromiter(co_count.values(), dtype=np.intp, count=len(co_count)), 2)
    decay = np.array([math.exp(-k) for k in range(int(meetings.max(initial=0)) + 1)])
    so_far = np.fromiter(map(arcs.get, co_arcs, repeat(0.0)), dtype=float, count=len(co_arcs))
    arcs.update(zip(co_arcs, np.minimum(1.0, so_far + 1.0 - decay[meetings]).tolist(), strict=True))
    interaction: nx.DiGraph = nx.DiGraph()
    interaction.add_nodes_from(by_id)
    interaction.add_edges_from(arcs)

    # No reporting line at all: an inferred org chart, kept apart (and flagged on every edge).
    inferred: list[InferredLine] = []
    if cfg.infer_org_chart and not account.reporting:
        inferred = infer_reporting_lines(
            by_id,
            seniority=seniority,
            function=function,
            interaction=interaction,
            department={pid: people[pid].department for pid in by_id},
        )
        org.add_edges_from(
            (
                line.manager_id,
                line.person_id,
                {"inferred": True, "confidence": line.confidence, "reason": line.reason},
            )
            for line in inferred
        )

    # The reach graph: people and reps; the strongest tie between two nodes wins. Each edge's data
    # holds plain values only (numbers, text, a date): no object per edge that the cyclic garbage
    # collector would have to walk while the projection lives. Its reason is a catalogue message
    # key with its parameters beside it (coverage.hop_message), worded only for the hops that end up
    # on a path (coverage.hop_reason).
    floor = cfg.strength.floor
    links: dict[tuple[str, str], dict[str, Any]] = {}

    def connect(a: str, b: str, strength: float, kind: str, fields: dict[str, Any]) -> None:
        """Keep the stronger of the tie given and the one stored."""
        strength = max(floor, min(1.0, strength))
        key = (a, b) if a < b else (b, a)
        link = links.get(key)
        if link is None or link["strength"] < strength:
            links[key] = {"strength": strength, "cost": 1.0 / strength, "kind": kind, **fields}

    # The rep ties come first, one per (rep, person) pair, with the strength of the one rule.
    window = cfg.reach_days
    for (rep_id, pid), tie in ties_of_reps.items():
        links[(rep_id, pid) if rep_id < pid else (pid, rep_id)] = {
            "strength": tie.strength,
            "cost": 1.0 / tie.strength,
            "kind": "touch",
            "touches": tie.touches,
            "two_way": tie.two_way,
            "last": tie.last,
            "window": window,
        }
    for manager, report in current_lines:
        connect(
            report,
            manager,
            cfg.strength.reporting,
            "reports_to",
            {"report": report, **hop_fields("hop.reports_to", people[report].name, people[manager].name)},
        )
    for guess in inferred:
        connect(
            guess.person_id,
            guess.manager_id,
            cfg.strength.reporting * guess.confidence,
            "reports_to",
            {
                "report": guess.person_id,
                **hop_fields(
                    "hop.reports_to_inferred",
                    people[guess.person_id].name,
                    people[guess.manager_id].name,
                    guess.confidence,
                ),
            },
        )
    knows_plain = hop_fields("hop.knows")
    for a, b, strength, source in known:
        if source:
            connect(a, b, strength, "knows", hop_fields("hop.knows_source", source))
        else:
            connect(a, b, strength, "knows", knows_plain)
    reach: nx.Graph = nx.Graph()
    reach.add_nodes_from(by_id, type="person")
    reach.add_nodes_from((r, {"type": "rep", "name": reps[r].name}) for r in sorted(reps))
    reach.add_edges_from((a, b, data) for (a, b), data in links.items())

    committee = [c for c in account.committee if c.asserted_at is None or c.asserted_at <= as_of_end]
    return AccountProjection(
        account=account,
        as_of=as_of,
        config=cfg,
        people=people,
        reps=reps,
        current=current,
        departed=departed,
        moved_to=moved,
        seniority=seniority,
        function=function,
        classified=classified,
        org=org,
        interaction=interaction,
        reach=reach,
        committee=committee,
        touch_days=days,
        stats=stats,
        kind_counts=kind_counts(days, as_of=as_of),
        met=co_count,
        arc_strength=arcs,
        inferred_lines=inferred,
    )


def committee_by_deal(committee: Iterable[CommitteeRole]) -> dict[str, list[CommitteeRole]]:
    """Committee assertions grouped by deal id."""
    grouped: dict[str, list[CommitteeRole]] = defaultdict(list)
    for row in committee:
        grouped[row.deal_id].append(row)
    return dict(grouped)


def roles_of(committee: Iterable[CommitteeRole]) -> dict[str, set[BuyingRole]]:
    """person_id -> every role asserted for them, whatever the source."""
    roles: dict[str, set[BuyingRole]] = defaultdict(set)
    for row in committee:
        roles[row.person_id].add(row.role)
    return dict(roles)
