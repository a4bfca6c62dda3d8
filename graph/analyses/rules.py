"""The business rules every part of buyergraph shares, defined once: the projections, the API and
the pages call these and never restate them (docs/analyses.md has the formulas).

- **What a daily touch aggregate counts** (`aggregate_touches`): the rows both stores keep next to
  the touches (`graph.model.TouchDay`), recomputed from the touches of each (account, day) changed.
- **Tie strength** between one of our reps and a person (`rep_ties`, `tie_strength`): over the
  touches within `reach_days` before as_of, S = sum of kind weight * 0.5 ** (age in days /
  half_life_days); strength = min(1, (1 - exp(-S / saturation)) * (two_way_factor if the person
  answered: an inbound e-mail, call, meeting, visit or demo)), at least `strength.floor`.
- **Current or departed** (`employment_status`): a person has left the account when an employment
  there ended on or before as_of and none is open (a re-hire: an open employment after an ended
  one means current); people without an employment record there are current.
- **Engagement state** (`engagement_state`): engaged when the last touch up to as_of is at most
  `engaged_days` old, cooling when older, never when there is none.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import combinations

import numpy as np
import numpy.typing as npt

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.model import (
    DIRECTIONS,
    INBOUND_BEHAVIOUR,
    TOUCH_KINDS,
    Direction,
    Employment,
    Touch,
    TouchDays,
    TouchKind,
)

__all__ = [
    "CO_ATTENDANCE_KINDS",
    "CONVERSATION_KINDS",
    "MAX_CO_ATTENDEES",
    "EngagementState",
    "RepTie",
    "TouchStats",
    "aggregate_touches",
    "add_touch_rows",
    "touch_row_columns",
    "TouchRowKey",
    "employment_status",
    "engagement_state",
    "rep_ties",
    "tie_strength",
    "touch_stats",
]

#: Touch kinds in which the people present meet each other (co-attendance ties).
CO_ATTENDANCE_KINDS = frozenset({TouchKind.MEETING, TouchKind.CALL, TouchKind.VISIT, TouchKind.DEMO})
#: Touch kinds that can carry a reply, so that an inbound one makes a tie two-way.
CONVERSATION_KINDS = frozenset(
    {TouchKind.EMAIL, TouchKind.CALL, TouchKind.MEETING, TouchKind.VISIT, TouchKind.DEMO}
)
#: Meetings with more people than this are events, not ties between every pair present.
MAX_CO_ATTENDEES = 12
_INBOUND_CODE = DIRECTIONS.index(Direction.INBOUND)


def _kind_flags(kinds: Iterable[TouchKind]) -> npt.NDArray[np.bool_]:
    """A mask over kind codes (TOUCH_KINDS) that is True for the given kinds."""
    wanted = set(kinds)
    return np.array([kind in wanted for kind in TOUCH_KINDS], dtype=bool)


_CONVERSATION = _kind_flags(CONVERSATION_KINDS)
_INBOUND_BEHAVIOUR = _kind_flags(INBOUND_BEHAVIOUR)
_USAGE_CODE = TOUCH_KINDS.index(TouchKind.PRODUCT_USAGE)
#: The engagement trend compares the touches of the last TREND_RECENT_DAYS with the
#: TREND_PRIOR_DAYS before (graph/analyses/engagement.py, `engagement_trend`).
TREND_RECENT_DAYS = 30
TREND_PRIOR_DAYS = 90


#: One daily aggregate row's key: (day ordinal, pair, actor, person, kind, direction), ids and the
#: direction as text ("" for none); its value: [count, seconds, untimed]. Keys sort as the rows do.
TouchRowKey = tuple[int, bool, str, str, str, str]
_CO_ATTENDANCE_VALUES = frozenset(kind.value for kind in CO_ATTENDANCE_KINDS)


def add_touch_rows(
    rows: dict[TouchRowKey, list[int]],
    *,
    day: int,
    kind: str,
    direction: str,
    seconds: int,
    rep: str,
    people: Sequence[str],
) -> None:
    """Count one touch into daily aggregate rows (the rule of `aggregate_touches`, for callers that
    aggregate a stream of touches without building them: the first load's import files).

    `day` is the touch's date ordinal, `kind` and `direction` values ("" for none), `seconds` its
    duration (0 for none), `rep` its rep id ("" for none), `people` its people, sorted and distinct.
    """
    untimed = 0 if seconds else 1
    keys: list[TouchRowKey] = [(day, False, "", "", kind, "")]  # the touch itself: by day and kind
    keys += [(day, False, rep, person, kind, direction) for person in people]
    if kind in _CO_ATTENDANCE_VALUES and 2 <= len(people) <= MAX_CO_ATTENDEES:
        keys += [(day, True, a, b, kind, direction) for a, b in combinations(people, 2)]
    for key in keys:
        row = rows.get(key)
        if row is None:
            rows[key] = [1, seconds, untimed]
        else:
            row[0] += 1
            row[1] += seconds
            row[2] += untimed


TouchRowColumns = tuple[
    list[str], list[str], list[bool], list[int], list[str], list[str], list[int], list[int], list[int]
]


def touch_row_columns(rows: dict[TouchRowKey, list[int]]) -> TouchRowColumns:
    """The rows of `add_touch_rows` in order, as columns: actors, persons, pairs, days, kinds,
    directions, counts, seconds, untimed (the arguments of `TouchDays.from_columns`)."""
    keys = sorted(rows)
    counts = [rows[k] for k in keys]
    return (
        [k[2] for k in keys],
        [k[3] for k in keys],
        [k[1] for k in keys],
        [k[0] for k in keys],
        [k[4] for k in keys],
        [k[5] for k in keys],
        [c[0] for c in counts],
        [c[1] for c in counts],
        [c[2] for c in counts],
    )


def aggregate_touches(touches: Iterable[Touch]) -> TouchDays:
    """The daily aggregate rows of these touches (see graph.model.TouchDay): per day and kind, one
    row for the touches themselves; per day, kind, direction and rep, one per person present, and
    one per pair of people who met (CO_ATTENDANCE_KINDS, 2 to MAX_CO_ATTENDEES people).

    Stores call it on the touches of every (account, day) a write changed, so the rows are always
    recomputed, never incremented: writing the same touches again changes nothing.

    >>> from datetime import datetime
    >>> days = aggregate_touches([Touch(id="t", at=datetime(2025, 1, 2, 9), kind="meeting",
    ...     person_ids=["a", "b"], rep_id="r", duration_s=1800)])
    >>> for r in days.rows():
    ...     print(r.actor_id, r.pair, r.person_id, r.count, r.seconds)
    None False None 1 1800
    r False a 1 1800
    r False b 1 1800
    a True b 1 1800
    """
    rows: dict[TouchRowKey, list[int]] = {}
    for touch in touches:
        add_touch_rows(
            rows,
            day=touch.at.toordinal(),
            kind=touch.kind.value,
            direction=touch.direction.value if touch.direction else "",
            seconds=touch.duration_s or 0,
            rep=touch.rep_id or "",
            people=sorted(set(touch.person_ids)),
        )
    return TouchDays.from_columns(*touch_row_columns(rows))


def tie_strength(decayed_sum: float, two_way: bool, config: AnalysisConfig = DEFAULT_CONFIG) -> float:
    """Relationship strength in [0, 1] from the recency-decayed, kind-weighted touch sum.

    strength = min(1, (1 - exp(-S / saturation)) * (two_way_factor if two-way else 1))

    >>> round(tie_strength(3.0, False), 3)
    0.393
    """
    cfg = config.strength
    base = 1.0 - math.exp(-max(decayed_sum, 0.0) / cfg.saturation)
    return min(1.0, base * (cfg.two_way_factor if two_way else 1.0))


@dataclass(frozen=True, slots=True)
class RepTie:
    """One rep-person tie as of a date (see `rep_ties`)."""

    #: In [strength.floor, 1]: what the reach graph, the coverage and the map use.
    strength: float
    #: The recency-decayed, kind-weighted touch sum S.
    decayed_sum: float
    #: Touches within reach_days.
    touches: int
    last: date
    two_way: bool


def _codes_of(names: Sequence[str], wanted: Collection[str]) -> npt.NDArray[np.bool_]:
    """A mask over name codes, with one more entry (False) for code -1 (none)."""
    return np.fromiter((*(name in wanted for name in names), False), dtype=bool, count=len(names) + 1)


def rep_ties(
    days: TouchDays,
    reps: Sequence[str],
    people: Collection[str],
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
) -> dict[tuple[str, str], RepTie]:
    """(rep, person) -> the tie between one of `reps` and one of `people`, from the touches within
    reach_days before as_of; pairs without such a touch are left out. The rule is in this module's
    docstring.

    >>> from datetime import datetime
    >>> days = aggregate_touches([
    ...     Touch(id="m", at=datetime(2025, 1, 1), kind="meeting", direction="outbound",
    ...           person_ids=["p"], rep_id="r"),
    ...     Touch(id="w", at=datetime(2025, 1, 1), kind="webinar", direction="inbound",
    ...           person_ids=["p"], rep_id="r")])
    >>> round(rep_ties(days, ["r"], {"p"}, as_of=date(2025, 1, 1))["r", "p"].strength, 2)
    0.44
    """
    cfg = config.strength
    names = days.names
    n = len(names)
    rep_index = {rep_id: i for i, rep_id in enumerate(reps)}
    rep_of_code = np.fromiter((*(rep_index.get(name, -1) for name in names), -1), dtype=np.int64, count=n + 1)
    is_person = _codes_of(names, people)
    today = as_of.toordinal()
    rep = rep_of_code[days.actor]
    keep = (
        ~days.pair
        & (rep >= 0)
        & is_person[days.person]
        & (days.day <= today)
        & (days.day >= (as_of - timedelta(days=config.reach_days)).toordinal())
    )
    if not keep.any():
        return {}
    person, day, kind, count = days.person[keep], days.day[keep], days.kind[keep], days.count[keep]
    pairs, pair_of = np.unique(rep[keep] * n + person, return_inverse=True)
    # The decay is worked out once per day, in Python floats, as the formula reads.
    unique_days, day_of = np.unique(day, return_inverse=True)
    half_life = cfg.half_life_days
    decay = np.array([0.5 ** ((today - d) / half_life) for d in unique_days.tolist()], dtype=float)
    kind_weight = np.array([cfg.touch_weights.get(k, 0.5) for k in TOUCH_KINDS], dtype=float)
    weight = kind_weight[kind] * decay[day_of] * count
    answered = (days.direction[keep] == _INBOUND_CODE) & _CONVERSATION[kind]
    m = len(pairs)
    last = np.zeros(m, dtype=np.int64)
    np.maximum.at(last, pair_of, day)
    totals = np.bincount(pair_of, weights=weight, minlength=m).tolist()
    counts = np.bincount(pair_of, weights=count, minlength=m).astype(np.int64).tolist()
    two_way = (np.bincount(pair_of, weights=answered, minlength=m) > 0).tolist()
    rep_of, person_of = np.divmod(pairs, n)
    floor = cfg.floor
    dates = {d: date.fromordinal(d) for d in unique_days.tolist()}
    ties: dict[tuple[str, str], RepTie] = {}
    for r, p, total, touches, last_day, two in zip(
        rep_of.tolist(), person_of.tolist(), totals, counts, last.tolist(), two_way, strict=True
    ):
        ties[(reps[r], names[p])] = RepTie(
            strength=max(floor, min(1.0, tie_strength(total, two, config))),
            decayed_sum=total,
            touches=touches,
            last=dates[last_day],
            two_way=two,
        )
    return ties


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
    #: Touches in the engagement trend's windows: the last 30 days and the 90 before (engagement.py).
    last_30: int = 0
    prior_90: int = 0
    #: The last product-usage touch (the product-usage roll-up's active users).
    last_usage: date | None = None


def touch_stats(days: TouchDays, *, as_of: date, engaged_days: int) -> dict[str, TouchStats]:
    """Every person touched up to as_of -> their TouchStats, ordered by first touch (then id). A
    touch is inbound when its direction is inbound or its kind is inbound behaviour."""
    until = as_of.toordinal()
    keep = ~days.pair & (days.person >= 0) & (days.day <= until)
    if not keep.any():
        return {}
    who, day, count, kind = days.person[keep], days.day[keep], days.count[keep], days.kind[keep]
    inbound = (days.direction[keep] == _INBOUND_CODE) | _INBOUND_BEHAVIOUR[kind]
    recent = day >= (as_of - timedelta(days=engaged_days)).toordinal()
    # The engagement trend's windows (graph/analyses/engagement.py): (as_of - 30, as_of] and the 90
    # days before.
    in_last_30 = day > until - TREND_RECENT_DAYS
    in_prior_90 = (day > until - TREND_RECENT_DAYS - TREND_PRIOR_DAYS) & ~in_last_30
    usage = kind == _USAGE_CODE
    persons, idx = np.unique(who, return_inverse=True)
    m = len(persons)
    first = np.full(m, np.iinfo(np.int64).max)
    np.minimum.at(first, idx, day)
    last = np.zeros(m, dtype=np.int64)
    np.maximum.at(last, idx, day)
    last_in = np.zeros(m, dtype=np.int64)  # 0 is no day's ordinal: never inbound
    np.maximum.at(last_in, idx[inbound], day[inbound])
    totals = np.bincount(idx, weights=count, minlength=m).astype(np.int64)
    inbounds = np.bincount(idx[inbound], weights=count[inbound], minlength=m).astype(np.int64)
    recents = np.bincount(idx[recent], weights=count[recent], minlength=m).astype(np.int64)
    last_30 = np.bincount(idx[in_last_30], weights=count[in_last_30], minlength=m).astype(np.int64)
    prior_90 = np.bincount(idx[in_prior_90], weights=count[in_prior_90], minlength=m).astype(np.int64)
    last_use = np.zeros(m, dtype=np.int64)
    np.maximum.at(last_use, idx[usage], day[usage])
    names = days.names
    dates = {d: date.fromordinal(d) for d in np.unique(day).tolist()}
    rows = sorted(
        zip(
            first.tolist(),
            [names[p] for p in persons.tolist()],
            last.tolist(),
            totals.tolist(),
            last_in.tolist(),
            inbounds.tolist(),
            recents.tolist(),
            last_30.tolist(),
            prior_90.tolist(),
            last_use.tolist(),
            strict=True,
        )
    )
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
        for f, pid, lt, c, li, i, r, r30, p90, lu in rows
    }


def kind_counts(days: TouchDays, *, as_of: date) -> dict[TouchKind, int]:
    """Touches up to as_of by kind (each touch once)."""
    keep = (days.person < 0) & ~days.pair & (days.day <= as_of.toordinal())
    counts = np.bincount(days.kind[keep], weights=days.count[keep], minlength=len(TOUCH_KINDS))
    return dict(zip(TOUCH_KINDS, counts.astype(np.int64).tolist(), strict=True))


def employment_status(
    company_id: str, people: Iterable[str], employment: Iterable[Employment], *, as_of: date
) -> tuple[set[str], dict[str, date]]:
    """(current people, departed person -> the day they left) among `people` at the account.

    Departed: an employment at the account ended on or before as_of, and none there is open on
    as_of (an open one after an ended one is a re-hire: current). Everyone else is current, people
    without an employment record there too.

    >>> from graph.model import Employment
    >>> jobs = [Employment(person_id="p", company_id="c", since=date(2020, 1, 1), until=date(2022, 1, 1)),
    ...         Employment(person_id="p", company_id="c", since=date(2023, 1, 1))]
    >>> employment_status("c", ["p"], jobs, as_of=date(2024, 1, 1))
    ({'p'}, {})
    """
    ended: dict[str, date] = {}
    still_here: set[str] = set()
    for job in employment:
        if job.company_id != company_id:
            continue
        if job.until is not None and job.until <= as_of:
            ended[job.person_id] = max(job.until, ended.get(job.person_id, job.until))
        elif job.since is None or job.since <= as_of:
            still_here.add(job.person_id)
    everyone = set(people)
    departed = {pid: day for pid, day in ended.items() if pid not in still_here and pid in everyone}
    return everyone - set(departed), departed


class EngagementState(StrEnum):
    """How recently our side touched a person."""

    ENGAGED = "engaged"
    COOLING = "cooling"
    NEVER = "never"


def engaged_since(as_of: date, engaged_days: int) -> date:
    """The first day whose touch still makes a person engaged on `as_of` (the people list's Cypher,
    cypher/list_people_filtered.cypher, receives this day as a parameter).

    >>> engaged_since(date(2025, 4, 1), 90)
    datetime.date(2025, 1, 1)
    """
    return as_of - timedelta(days=engaged_days)


def engagement_state(
    last_touch: date | None,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    *,
    engaged_days: int | None = None,
) -> EngagementState:
    """Engaged when the last touch (up to as_of) is at most engaged_days old (the configuration's,
    unless given), cooling when older, never when there is none.

    >>> engagement_state(date(2025, 1, 1), date(2025, 1, 20)).value
    'engaged'
    >>> engagement_state(date(2025, 3, 1), date(2025, 4, 1), engaged_days=20).value
    'cooling'
    """
    if last_touch is None:
        return EngagementState.NEVER
    window = config.engaged_days if engaged_days is None else engaged_days
    if last_touch >= engaged_since(as_of, window):
        return EngagementState.ENGAGED
    return EngagementState.COOLING
