"""AccountGraph -> NetworkX graphs, built once per analysis call and shared by every analysis.

Three graphs, all as of one date (touches after it, reporting lines not yet started or already
ended, and committee assertions made after it are left out, so a result can be reproduced):

- `org`: the reporting tree, a DiGraph with an edge manager -> report for every current solid line
  between people still at the account. An account without any reporting line gets an inferred
  tree instead (graph/analyses/org_inference.py): its edges carry `inferred=True`, `confidence`
  and `reason`, and they are kept in `inferred_lines`, apart from asserted lines.
- `interaction`: a DiGraph among current people, an arc a -> b where a turns to b: a KNOWS tie
  keeps its direction (advice sought, mail sent), and two people in the same meeting, call, visit or
  demo turn to each other (both arcs). Every arc has `weight` 1, so a tie counts once however many
  messages it carries (volume is not power); `strength` keeps the tie's strength.
- `reach`: an undirected Graph of current people *and our reps*: rep-person touches within
  `reach_days`, reporting lines (either direction) and KNOWS ties. Each edge has `strength` in
  (0, 1], `cost` = 1 / strength, `kind` and a `reason` in words (see graph/analyses/coverage.py).

Titles: when a person has no stored seniority but has a title, the caller may inject a pure
`classify` function (buyergraph passes `ingest.titles.classify_title`); graph/ never imports ingest.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import repeat
from operator import is_
from typing import Any, Protocol

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.engagement import TREND_PRIOR_DAYS, TREND_RECENT_DAYS, engagement_state
from graph.analyses.org_inference import InferredLine, infer_reporting_lines
from graph.model import (
    INBOUND_BEHAVIOUR,
    TOUCH_KINDS,
    AccountGraph,
    BuyingRole,
    CommitteeRole,
    Direction,
    Function,
    Person,
    Rep,
    ReportingKind,
    Seniority,
    TouchKind,
    TouchTable,
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
    #: Touches in the trend windows: the last TREND_RECENT_DAYS, and the TREND_PRIOR_DAYS before.
    last_30: int = 0
    prior_90: int = 0
    #: The last product-usage touch (the product-usage roll-up's active users).
    last_usage: date | None = None


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
    #: Touches up to as_of, oldest first.
    touches: TouchTable
    stats: dict[str, TouchStats]
    #: Touches up to as_of by kind.
    kind_counts: dict[TouchKind, int]
    #: (a, b) with a < b -> meetings, calls, visits and demos both attended (current people).
    met: dict[tuple[str, str], int] = field(default_factory=dict)
    #: Reporting lines inferred for an account without any (manager, report order as in `org`).
    inferred_lines: list[InferredLine] = field(default_factory=list)

    def engaged(self, person_id: str) -> bool:
        """True when a touch with the person falls within engaged_days before as_of."""
        stats = self.stats.get(person_id)
        if stats is None or stats.last is None:
            return False
        state = engagement_state(stats.last, as_of=self.as_of, engaged_days=self.config.engaged_days)
        return state == "engaged"

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


#: Every touch kind, in the order of the kind codes (TouchTable.kind_codes).
_KINDS = TOUCH_KINDS


def _kind_flags(kinds: Iterable[TouchKind]) -> npt.NDArray[np.bool_]:
    """A mask over kind codes (see _KINDS) that is True for the given kinds."""
    wanted = set(kinds)
    return np.array([kind in wanted for kind in _KINDS], dtype=bool)


_EPOCH = datetime(1970, 1, 1)
_EPOCH_DAY = _EPOCH.toordinal()
_MICROSECOND = timedelta(microseconds=1)
_DAY = timedelta(days=1) // _MICROSECOND


@dataclass(frozen=True, slots=True)
class _TouchColumns:
    """The touch fields the aggregates need as numpy columns, touches oldest first.

    The aggregates are bincounts and ufunc.at calls over these columns, which run in touch order, so
    every float sum adds up in the same order as a loop over the touches would add it.
    """

    #: Touches up to as_of, oldest first (touches at the same instant by id).
    touches: TouchTable
    #: Per touch: its day (date.toordinal), kind (index into _KINDS), rep (index into the reps; -1
    #: for none or not one of ours), whether it came in (direction inbound), how many people it had.
    day: npt.NDArray[np.int64]
    kind: npt.NDArray[np.intp]
    rep: npt.NDArray[np.intp]
    replied: npt.NDArray[np.bool_]
    size: npt.NDArray[np.intp]
    #: Everyone touched, in the order of their first touch.
    persons: list[str]
    #: Per (touch, person present) entry, touches in order: the person (index into persons) and touch.
    who: npt.NDArray[np.intp]
    touch: npt.NDArray[np.intp]


def _chronological(ids: Sequence[str], micros: npt.NDArray[np.int64], until: int) -> npt.NDArray[np.intp]:
    """Positions of the touches up to `until` (microseconds), oldest first, same instant by id.

    The order of a sort by id and then a stable sort by time, for one sort: after the sort by time
    only the runs of touches at the same instant (few) are put in id order.
    """
    order = np.argsort(micros, kind="stable")
    order = order[: np.searchsorted(micros[order], until, side="right")]
    at = micros[order]
    run = np.cumsum(np.concatenate(([True], at[1:] != at[:-1]))) - 1  # which instant, in order
    tied = np.flatnonzero(np.bincount(run)[run] > 1)  # positions that share their instant
    if tied.size:
        tied_ids = [ids[i] for i in order[tied].tolist()]
        id_rank = np.empty(len(tied_ids), dtype=np.intp)
        id_rank[sorted(range(len(tied_ids)), key=tied_ids.__getitem__)] = np.arange(len(tied_ids))
        order[tied] = order[tied][np.lexsort((id_rank, run[tied]))]
    return order


@dataclass(frozen=True, slots=True)
class _TouchCodes:
    """A touch table's columns as numpy arrays, in the table's order: what `_touch_columns` needs
    that depends on nothing but the table, so that it is worked out once per table (TouchTable.memo)."""

    micros: npt.NDArray[np.int64]  # microseconds since 1970
    kind: npt.NDArray[np.intp]  # index into _KINDS
    replied: npt.NDArray[np.bool_]  # direction inbound
    #: Each touch's rep id as an index into rep_names (which holds None for "no rep").
    rep: npt.NDArray[np.intp]
    rep_names: list[str | None]
    size: npt.NDArray[np.intp]  # attendees
    #: Every attendee id, in the order first met, and the attendees of all touches one after another
    #: as indices into it.
    named: list[str]
    who: npt.NDArray[np.intp]


def _touch_codes(touches: TouchTable) -> _TouchCodes:
    """Encode the columns with C-level maps, in the order the touches are stored (a Python loop over
    50,000 touches costs several times more); `_touch_columns` then puts the arrays in time order."""
    n = len(touches)
    rep_names, rep = touches.rep_codes()
    flat, size = touches.attendance()
    named = list(dict.fromkeys(flat))
    person_index = dict(zip(named, range(len(named)), strict=True))
    return _TouchCodes(
        micros=touches.at_micros(),
        kind=touches.kind_codes(),
        replied=np.fromiter(map(is_, touches.directions, repeat(Direction.INBOUND)), dtype=bool, count=n),
        rep=rep,
        rep_names=rep_names,
        size=size,
        named=named,
        who=np.fromiter(map(person_index.__getitem__, flat), dtype=np.intp, count=len(flat)),
    )


def _touch_columns(touches: TouchTable, until: datetime, reps: Sequence[str]) -> _TouchColumns:
    """The touches up to `until` as numpy columns in time order, from the table's codes."""
    codes = touches.memo("projection_codes", _touch_codes)
    micros, kind, replied, stored_size, named, stored_who = (
        codes.micros,
        codes.kind,
        codes.replied,
        codes.size,
        codes.named,
        codes.who,
    )
    rep_index: dict[str | None, int] = {rep_id: i for i, rep_id in enumerate(reps)}
    rep_of_name = np.array([rep_index.get(name, -1) for name in codes.rep_names], dtype=np.intp)
    rep = rep_of_name[codes.rep]

    order = _chronological(touches.ids, micros, (until - _EPOCH) // _MICROSECOND)
    # The (touch, person) entries in time order; people renumbered in the order of their first touch.
    size = stored_size[order]
    stored_start = np.cumsum(stored_size) - stored_size
    start = np.cumsum(size) - size
    who = stored_who[np.repeat(stored_start[order] - start, size) + np.arange(int(size.sum()))]
    met, first_entry = np.unique(who, return_index=True)
    by_first = met[np.argsort(first_entry)]
    renumber = np.zeros(len(named), dtype=np.intp)
    renumber[by_first] = np.arange(len(by_first))
    return _TouchColumns(
        touches=touches.take(order.tolist()),
        day=micros[order] // _DAY + _EPOCH_DAY,
        kind=kind[order],
        rep=rep[order],
        replied=replied[order],
        size=size,
        persons=[named[i] for i in by_first.tolist()],
        who=renumber[who],
        touch=np.repeat(np.arange(len(order), dtype=np.intp), size),
    )


def _person_stats(cols: _TouchColumns, *, engaged_since: date, as_of: date) -> dict[str, TouchStats]:
    """Every touched person's TouchStats, in the order of their first touch."""
    n = len(cols.persons)
    who = cols.who
    day = cols.day[cols.touch]
    inbound = (cols.replied | _kind_flags(INBOUND_BEHAVIOUR)[cols.kind])[cols.touch]
    usage = _kind_flags((TouchKind.PRODUCT_USAGE,))[cols.kind][cols.touch]
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, who, day)
    last = np.zeros(n, dtype=np.int64)
    np.maximum.at(last, who, day)
    # 0 is no day's ordinal (they start at 1): "never inbound".
    last_inbound = np.zeros(n, dtype=np.int64)
    np.maximum.at(last_inbound, who[inbound], day[inbound])
    last_usage = np.zeros(n, dtype=np.int64)
    np.maximum.at(last_usage, who[usage], day[usage])
    recent_from = as_of.toordinal() - TREND_RECENT_DAYS
    prior_from = recent_from - TREND_PRIOR_DAYS
    in_recent = day > recent_from
    in_prior = (day > prior_from) & ~in_recent
    dates = {d: date.fromordinal(d) for d in np.unique(day).tolist()}
    return {
        pid: TouchStats(
            first=dates[f],
            last=dates[lt],
            count=c,
            last_inbound=dates.get(li),
            inbound=i,
            recent=r,
            last_30=r30,
            prior_90=p90,
            last_usage=dates.get(lu),
        )
        for pid, f, lt, c, li, i, r, r30, p90, lu in zip(
            cols.persons,
            first.tolist(),
            last.tolist(),
            np.bincount(who, minlength=n).tolist(),
            last_inbound.tolist(),
            np.bincount(who[inbound], minlength=n).tolist(),
            np.bincount(who[day >= engaged_since.toordinal()], minlength=n).tolist(),
            np.bincount(who[in_recent], minlength=n).tolist(),
            np.bincount(who[in_prior], minlength=n).tolist(),
            last_usage.tolist(),
            strict=True,
        )
    }


def _rep_ties(
    cols: _TouchColumns, reps: Sequence[str], current: set[str], *, as_of: date, config: AnalysisConfig
) -> dict[tuple[str, str], tuple[float, int, date, bool]]:
    """(rep, current person) -> (decayed kind-weighted touch sum, touches, last day, two-way), over
    our reps' touches within reach_days, in the order of each pair's first touch."""
    cfg = config.strength
    n = len(cols.persons)
    rep = cols.rep[cols.touch]
    in_window = cols.day[cols.touch] >= (as_of - timedelta(days=config.reach_days)).toordinal()
    is_current = np.fromiter(map(current.__contains__, cols.persons), dtype=bool, count=n)
    keep = (rep >= 0) & in_window & is_current[cols.who]
    touch = cols.touch[keep]
    pairs, first_entry, pair_of = np.unique(
        rep[keep] * n + cols.who[keep], return_index=True, return_inverse=True
    )
    # The decay is worked out once per day, in Python floats, as the formula reads.
    days, day_of = np.unique(cols.day[touch], return_inverse=True)
    half_life, today = cfg.half_life_days, as_of.toordinal()
    decay = np.array([0.5 ** ((today - d) / half_life) for d in days.tolist()], dtype=float)
    kind_weight = np.array([cfg.touch_weights.get(kind, 0.5) for kind in _KINDS], dtype=float)
    weight = kind_weight[cols.kind[touch]] * decay[day_of]
    two_way = (cols.replied & _kind_flags(_CONVERSATION_KINDS)[cols.kind])[touch]
    m = len(pairs)
    last = np.zeros(m, dtype=np.int64)
    np.maximum.at(last, pair_of, cols.day[touch])
    dates = {d: date.fromordinal(d) for d in days.tolist()}
    seq = np.argsort(first_entry)  # pairs in the order of their first touch
    rep_of, person_of = np.divmod(pairs[seq], n)
    return {
        (reps[r], cols.persons[p]): (total, count, dates[last_day], two)
        for r, p, total, count, last_day, two in zip(
            rep_of.tolist(),
            person_of.tolist(),
            np.bincount(pair_of, weights=weight, minlength=m)[seq].tolist(),
            np.bincount(pair_of, minlength=m)[seq].tolist(),
            last[seq].tolist(),
            (np.bincount(pair_of, weights=two_way, minlength=m) > 0)[seq].tolist(),
            strict=True,
        )
    }


def _co_attendance(cols: _TouchColumns, current: set[str]) -> dict[tuple[str, str], int]:
    """(a, b) with a < b -> how many meetings, calls, visits and demos (not events) both attended, in
    the order of each pair's first such touch (within a touch, as combinations of the sorted ids).

    Worked out on the (touch, person) columns: the touches with c people present are a c-column
    matrix of their ids' ranks, whose pairs are its upper-triangle columns; a Counter over the pairs of
    every touch took about 15 ms on a large account. A person listed twice on a touch is no pair.
    """
    shared = (
        _kind_flags(_CO_ATTENDANCE_KINDS)[cols.kind] & (cols.size >= 2) & (cols.size <= _MAX_CO_ATTENDEES)
    )
    persons = cols.persons
    n = len(persons)
    is_current = np.fromiter(map(current.__contains__, persons), dtype=bool, count=n)
    keep = shared[cols.touch] & is_current[cols.who]
    by_rank = sorted(range(n), key=persons.__getitem__)  # person indexes in id order
    rank = np.empty(n, dtype=np.intp)
    rank[by_rank] = np.arange(n)
    touch, ranked = cols.touch[keep], rank[cols.who[keep]]
    order = np.lexsort((ranked, touch))  # each touch's people in id order
    touch, ranked = touch[order], ranked[order]
    starts = np.flatnonzero(np.concatenate(([True], touch[1:] != touch[:-1]))) if len(touch) else touch
    present = np.diff(np.append(starts, len(touch)))
    most_pairs = _MAX_CO_ATTENDEES * (_MAX_CO_ATTENDEES - 1) // 2
    keys: list[npt.NDArray[np.intp]] = []
    sequence: list[npt.NDArray[np.intp]] = []
    for c in np.unique(present[present >= 2]).tolist():
        first = starts[present == c]
        people = ranked[first[:, None] + np.arange(c)]  # one row per touch, ranks ascending
        i, j = np.triu_indices(c, k=1)  # the pairs in the order combinations() gives them
        a, b = people[:, i].ravel(), people[:, j].ravel()
        distinct = a != b
        keys.append((a * n + b)[distinct])
        sequence.append((first[:, None] * most_pairs + np.arange(len(i))).ravel()[distinct])
    if not keys:
        return {}
    pair_keys = np.concatenate(keys)[np.argsort(np.concatenate(sequence), kind="stable")]
    pairs, first_seen, counts = np.unique(pair_keys, return_index=True, return_counts=True)
    in_order = np.argsort(first_seen)
    lower, higher = np.divmod(pairs[in_order], n)
    names = [persons[i] for i in by_rank]
    return dict(
        zip(
            zip(map(names.__getitem__, lower.tolist()), map(names.__getitem__, higher.tolist()), strict=True),
            counts[in_order].tolist(),
            strict=True,
        )
    )


def _add_ties(graph: nx.Graph, ties: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
    """Add undirected edges, each pair once, each with the attribute dict given: stored the way
    `add_edges_from` stores them (one dict shared by both directions), without its per-edge copy of
    the attributes and node checks, which cost about 25 ms per graph on the 20,000-40,000 ties of a
    large account. Endpoints that are not nodes yet are added first."""
    adjacency: dict[str, dict[str, dict[str, Any]]] = graph._adj
    for a, b, data in ties:
        if a not in adjacency:
            graph.add_node(a)
        if b not in adjacency:
            graph.add_node(b)
        adjacency[a][b] = data
        adjacency[b][a] = data
    nx._clear_cache(graph)


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

    # Touches up to as_of, and per-person and per-(rep, person) aggregates.
    as_of_end = datetime.combine(as_of, datetime.max.time())
    rep_ids = list(reps)
    columns = _touch_columns(account.touches, as_of_end, rep_ids)
    touches = columns.touches
    stats = _person_stats(columns, engaged_since=as_of - timedelta(days=cfg.engaged_days), as_of=as_of)
    rep_ties = _rep_ties(columns, rep_ids, current, as_of=as_of, config=cfg)
    co_count = _co_attendance(columns, current)

    # The interaction graph: who turns to whom. A KNOWS tie keeps its direction; people who met turn
    # to each other. Every arc has weight 1 (a tie counts once, whatever its volume); `strength`
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
    interaction.add_edges_from((a, b, {"weight": 1.0, "strength": s}) for (a, b), s in arcs.items())

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

    # The reach graph: people and reps; the strongest tie between two nodes wins.
    floor = cfg.strength.floor
    links: dict[tuple[str, str], dict[str, Any]] = {}

    def connect(
        a: str,
        b: str,
        strength: float,
        kind: str,
        reason: str,
        report: str | None = None,
        message: tuple[str, dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Keep the stronger of the tie given and the one stored; return the one stored."""
        strength = max(floor, min(1.0, strength))
        key = (a, b) if a < b else (b, a)
        link = links.get(key)
        if link is None or link["strength"] < strength:
            link = links[key] = {
                "strength": strength,
                "cost": 1.0 / strength,
                "kind": kind,
                "reason": reason,
                "report": report,
                "message": message,
            }
        return link

    # The rep ties come first, one per (rep, person) pair, so each is stored as `connect` would store
    # it into an empty map, without its call (about 25,000 pairs on a large account). The reason is
    # worded only for hops that end up on a path (see coverage.hop_reason).
    window = cfg.reach_days
    for (rep_id, pid), (total, count, last_day, two_way) in rep_ties.items():
        strength = max(floor, min(1.0, tie_strength(total, two_way, cfg)))  # clamped as connect does
        links[(rep_id, pid) if rep_id < pid else (pid, rep_id)] = {
            "strength": strength,
            "cost": 1.0 / strength,
            "kind": "touch",
            "reason": "",
            "report": None,
            "touches": count,
            "two_way": two_way,
            "last": last_day,
            "window": window,
        }
    for manager, report in current_lines:
        connect(
            report,
            manager,
            cfg.strength.reporting,
            "reports_to",
            f"{people[report].name} reports to {people[manager].name}",
            report=report,
            message=("hop.reports_to", {"person": people[report].name, "manager": people[manager].name}),
        )
    for guess in inferred:
        connect(
            guess.person_id,
            guess.manager_id,
            cfg.strength.reporting * guess.confidence,
            "reports_to",
            f"{people[guess.person_id].name} likely reports to {people[guess.manager_id].name} "
            f"(inferred, {guess.confidence:.0%} confident)",
            report=guess.person_id,
        )
    for a, b, strength, source in known:
        connect(
            a,
            b,
            strength,
            "knows",
            f"know each other ({source})" if source else "know each other",
            message=("hop.knows_source", {"source": str(source)}) if source else ("hop.knows", {}),
        )
    reach: nx.Graph = nx.Graph()
    reach.add_nodes_from(by_id, type="person")
    reach.add_nodes_from(sorted(reps), type="rep")
    _add_ties(reach, ((a, b, data) for (a, b), data in links.items()))

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
        met=co_count,
        inferred_lines=inferred,
        committee=committee,
        touches=touches,
        stats=stats,
        kind_counts=dict(zip(_KINDS, np.bincount(columns.kind, minlength=len(_KINDS)).tolist(), strict=True)),
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
