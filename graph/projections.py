"""AccountGraph -> NetworkX graphs, built once per analysis call and shared by every analysis.

Three graphs, all as of one date (touches after it, reporting lines not yet started or already
ended, and committee assertions made after it are left out, so a result can be reproduced):

- `org`: the reporting tree, a DiGraph with an edge manager -> report for every current solid line
  between people still at the account.
- `interaction`: an undirected Graph among current people from KNOWS ties and co-attendance (two
  people in the same meeting, call, visit or demo). Every edge has `weight` 1, so a tie counts once
  however many messages it carries (volume is not power); `strength` keeps the tie's strength.
- `reach`: an undirected Graph of current people *and our reps*: rep-person touches within
  `reach_days`, reporting lines (either direction) and KNOWS ties. Each edge has `strength` in
  (0, 1], `cost` = 1 / strength, `kind` and a `reason` in words (see graph/analyses/coverage.py).

Titles: when a person has no stored seniority but has a title, the caller may inject a pure
`classify` function (buyergraph passes `ingest.titles.classify_title`); graph/ never imports ingest.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import combinations
from operator import attrgetter
from typing import Any, Protocol

import networkx as nx

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.model import (
    INBOUND_BEHAVIOUR,
    AccountGraph,
    BuyingRole,
    CommitteeRole,
    Direction,
    Function,
    Person,
    Rep,
    ReportingKind,
    Seniority,
    Touch,
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

#: Touch kinds in which the people present meet each other (co-attendance ties).
_CO_ATTENDANCE_KINDS = frozenset({TouchKind.MEETING, TouchKind.CALL, TouchKind.VISIT, TouchKind.DEMO})
#: Touch kinds that can carry a reply, so that an inbound one makes a tie two-way.
_CONVERSATION_KINDS = frozenset(
    {TouchKind.EMAIL, TouchKind.CALL, TouchKind.MEETING, TouchKind.VISIT, TouchKind.DEMO}
)
#: Meetings with more people than this are events, not ties between every pair present.
_MAX_CO_ATTENDEES = 12


def tie_strength(decayed_sum: float, two_way: bool, config: AnalysisConfig = DEFAULT_CONFIG) -> float:
    """Relationship strength in [0, 1] from the recency-decayed, kind-weighted touch sum.

    strength = min(1, (1 - exp(-S / saturation)) * (two_way_factor if two-way else 1))

    >>> round(tie_strength(3.0, False), 3)
    0.393
    """
    cfg = config.strength
    base = 1.0 - math.exp(-max(decayed_sum, 0.0) / cfg.saturation)
    return min(1.0, base * (cfg.two_way_factor if two_way else 1.0))


def knows_strength(stored: float | None, config: AnalysisConfig = DEFAULT_CONFIG) -> float:
    """A stored KNOWS strength in [0, 1] is used as is; above 1 it is read as a count of contacts."""
    if stored is None:
        return config.strength.knows_default
    if stored <= 1.0:
        return max(stored, config.strength.floor)
    return 1.0 - math.exp(-stored / config.strength.saturation)


@dataclass(slots=True)
class TouchStats:
    """One person's touches up to as_of."""

    first: date | None = None
    last: date | None = None
    count: int = 0
    last_inbound: date | None = None
    inbound: int = 0
    #: Touches within engaged_days before as_of.
    recent: int = 0


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
    interaction: nx.Graph
    reach: nx.Graph
    #: Committee assertions made up to as_of.
    committee: list[CommitteeRole]
    #: Touches up to as_of, oldest first.
    touches: list[Touch]
    stats: dict[str, TouchStats]

    def engaged(self, person_id: str) -> bool:
        """True when a touch with the person falls within engaged_days before as_of."""
        stats = self.stats.get(person_id)
        if stats is None or stats.last is None:
            return False
        return (self.as_of - stats.last).days <= self.config.engaged_days

    def touched(self, person_id: str) -> bool:
        """True when the person was ever touched up to as_of."""
        stats = self.stats.get(person_id)
        return stats is not None and stats.count > 0

    def label(self, node: str) -> str:
        """A display name for a person or rep id."""
        if node in self.people:
            return self.people[node].name
        if node in self.reps:
            return f"{self.reps[node].name} (our rep)"
        return node


def _as_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _classify_people(
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

    # Who has left: an ended employment here and no open one.
    ended: set[str] = set()
    still_here: set[str] = set()
    for job in account.employment:
        if job.company_id != company_id:
            continue
        if job.until is not None and job.until <= as_of:
            ended.add(job.person_id)
        elif job.since is None or job.since <= as_of:
            still_here.add(job.person_id)
    departed = {pid for pid in ended - still_here if pid in people}
    current = set(people) - departed
    moved_to = {
        pid: people[pid].company_id
        for pid in departed
        if people[pid].company_id and people[pid].company_id != company_id
    }
    moved = {pid: cid for pid, cid in moved_to.items() if cid is not None}

    seniority, function, classified = _classify_people(account.people, classify)

    # The reporting tree: current solid lines between current people.
    org: nx.DiGraph = nx.DiGraph()
    org.add_nodes_from(sorted(current))
    current_lines: list[tuple[str, str]] = []
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
            org.add_edge(line.manager_id, line.person_id)

    # Touches up to as_of, and per-person and per-(rep, person) aggregates.
    as_of_end = datetime.combine(as_of, datetime.max.time())
    by_id = sorted((t for t in account.touches if t.at <= as_of_end), key=attrgetter("id"))
    touches = sorted(by_id, key=attrgetter("at"))  # stable: same instant -> by id
    stats: dict[str, TouchStats] = {}
    engaged_since = as_of - timedelta(days=cfg.engaged_days)
    reach_since = as_of - timedelta(days=cfg.reach_days)
    half_life = cfg.strength.half_life_days
    weights = cfg.strength.touch_weights
    #: (rep, person) -> [decayed weighted sum, touches, last day, two-way]
    rep_ties: dict[tuple[str, str], list[Any]] = {}
    co_count: dict[tuple[str, str], int] = defaultdict(int)
    decay_by_day: dict[date, float] = {}
    inbound_dir = Direction.INBOUND
    # This loop runs once per touch (50,000 on a large account): plain locals, no per-touch models.
    # Per-kind facts looked up by the kind's identity: hashing an enum member runs Python code,
    # and this loop runs once per touch (50,000 on a large account).
    kind_facts = {
        id(k): (
            k in INBOUND_BEHAVIOUR,
            k in _CONVERSATION_KINDS,
            k in _CO_ATTENDANCE_KINDS,
            weights.get(k, 0.5),
        )
        for k in TouchKind
    }
    for touch in touches:
        # Field values straight from the model's __dict__ (where pydantic keeps them): attribute
        # access on a model costs several times more.
        fields = touch.__dict__
        day = fields["at"].date()
        behaviour, conversation, co_attendance, kind_weight = kind_facts[id(fields["kind"])]
        rep_id = fields["rep_id"]
        person_ids = fields["person_ids"]
        replied = fields["direction"] is inbound_dir
        inbound = replied or behaviour
        recent = day >= engaged_since
        for pid in person_ids:
            st = stats.get(pid)
            if st is None:
                st = stats[pid] = TouchStats(first=day)
            st.last = day
            st.count += 1
            if recent:
                st.recent += 1
            if inbound:
                st.last_inbound = day
                st.inbound += 1
        if rep_id is not None and day >= reach_since and rep_id in reps:
            decay = decay_by_day.get(day)
            if decay is None:
                decay = decay_by_day[day] = 0.5 ** ((as_of - day).days / half_life)
            w = kind_weight * decay
            two_way = replied and conversation
            for pid in person_ids:
                if pid in current:
                    key = (rep_id, pid)
                    acc = rep_ties.get(key)
                    if acc is None:
                        acc = rep_ties[key] = [0.0, 0, day, False]
                    acc[0] += w
                    acc[1] += 1
                    acc[2] = day
                    if two_way:
                        acc[3] = True
        if co_attendance and 2 <= len(person_ids) <= _MAX_CO_ATTENDEES:
            present = sorted(pid for pid in person_ids if pid in current)
            for a, b in combinations(present, 2):
                co_count[(a, b)] += 1

    # The interaction graph: KNOWS and co-attendance. Every tie has weight 1 (a tie counts once,
    # whatever its volume); `strength` keeps how strong it is for anyone who needs that.
    # Edges are gathered in plain dicts keyed by the (sorted) pair and added in one call each.
    ties: dict[tuple[str, str], float] = {}
    for tie in account.knows:
        a, b = tie.person_id, tie.other_id
        if a == b or a not in current or b not in current:
            continue
        key = (a, b) if a < b else (b, a)
        ties[key] = max(knows_strength(tie.strength, cfg), ties.get(key, 0.0))
    for key, n in co_count.items():
        ties[key] = min(1.0, ties.get(key, 0.0) + 1.0 - math.exp(-n))
    interaction: nx.Graph = nx.Graph()
    interaction.add_nodes_from(sorted(current))
    interaction.add_edges_from((a, b, {"weight": 1.0, "strength": s}) for (a, b), s in ties.items())

    # The reach graph: people and reps; the strongest tie between two nodes wins.
    floor = cfg.strength.floor
    links: dict[tuple[str, str], dict[str, Any]] = {}

    def connect(a: str, b: str, strength: float, kind: str, reason: str, report: str | None = None) -> None:
        strength = max(floor, min(1.0, strength))
        key = (a, b) if a < b else (b, a)
        old = links.get(key)
        if old is None or old["strength"] < strength:
            links[key] = {
                "strength": strength,
                "cost": 1.0 / strength,
                "kind": kind,
                "reason": reason,
                "report": report,
            }

    for (rep_id, pid), (total, count, last_day, two_way) in rep_ties.items():
        # The reason is worded only for hops that end up on a path (see coverage.hop_reason).
        connect(rep_id, pid, tie_strength(total, two_way, cfg), "touch", "")
        links[(rep_id, pid) if rep_id < pid else (pid, rep_id)].update(
            touches=count, two_way=two_way, last=last_day, window=cfg.reach_days
        )
    for manager, report in current_lines:
        connect(
            report,
            manager,
            cfg.strength.reporting,
            "reports_to",
            f"{people[report].name} reports to {people[manager].name}",
            report=report,
        )
    for tie in account.knows:
        a, b = tie.person_id, tie.other_id
        if a != b and a in current and b in current:
            via = f" ({tie.source})" if tie.source else ""
            connect(a, b, knows_strength(tie.strength, cfg), "knows", f"know each other{via}")
    reach: nx.Graph = nx.Graph()
    reach.add_nodes_from(sorted(current), type="person")
    reach.add_nodes_from(sorted(reps), type="rep")
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
        touches=touches,
        stats=stats,
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
