"""Engagement roll-ups per account: who is active, lead scores, at-risk flag and buying stage.

- Lead score of a person: the weighted sum of their behaviours within engaged_days before as_of
  (demo minutes, videos watched, pages viewed, content downloaded, webinars, meetings, inbound
  e-mails, product usage; weights in `LeadScoreWeights`). A demo without a duration counts 30 minutes.
- Account score: sum over people of min(lead score, person_cap), times 1 + breadth_bonus * (n - 1)
  for n people with a positive lead score: several people engaging beats one busy person.
- At risk: a customer with no inbound or product-usage activity for more than at_risk_days.
- Buying stage, from the people engaged within engaged_days and their functions: dormant (nobody),
  awareness (one person), consideration (several people, fewer than three functions), evaluation
  (three or more functions), decision (evaluation with four or more people including finance,
  procurement, legal or a vp/c-level).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

import numpy as np

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig, LeadScoreWeights
from graph.analyses.messages import Message, render
from graph.analyses.results import BuyingStage, DomainFlag, Engagement, PersonEngagement, Trend
from graph.analyses.rules import TREND_PRIOR_DAYS, TREND_RECENT_DAYS, aggregate_touches, touch_stats
from graph.analyses.rules import kind_counts as count_kinds
from graph.model import (
    DIRECTIONS,
    TOUCH_KINDS,
    CompanyStatus,
    Direction,
    Function,
    Seniority,
    Touch,
    TouchDays,
    TouchKind,
    seniority_rank,
)

__all__ = [
    "LEAD_BEHAVIOURS",
    "TREND_PRIOR_DAYS",
    "TREND_RECENT_DAYS",
    "engagement",
    "engagement_trend",
    "domain_flag",
    "lead_points",
    "lead_units",
    "trend_message",
    "trend_words",
]


#: Rising when the recent daily rate is at least this many times the prior one (falling: at most 1/it).
TREND_FACTOR = 1.5


def engagement_trend(recent: int, prior: int) -> Trend:
    """rising, steady or falling: touches in the last 30 days against the 90 before, as daily rates
    (a rate 1.5x the prior one rises, 1/1.5x falls; a single touch either way is steady); none
    without a touch in the 120 days.

    >>> engagement_trend(6, 6), engagement_trend(3, 9), engagement_trend(0, 9), engagement_trend(0, 0)
    (<Trend.RISING: 'rising'>, <Trend.STEADY: 'steady'>, <Trend.FALLING: 'falling'>, <Trend.NONE: 'none'>)
    """
    if recent == 0 and prior == 0:
        return Trend.NONE
    recent_rate = recent / TREND_RECENT_DAYS
    prior_rate = prior / TREND_PRIOR_DAYS
    if abs(recent - prior * TREND_RECENT_DAYS / TREND_PRIOR_DAYS) < 1:
        return Trend.STEADY
    if recent_rate >= prior_rate * TREND_FACTOR:
        return Trend.RISING
    if recent_rate * TREND_FACTOR <= prior_rate:
        return Trend.FALLING
    return Trend.STEADY


def trend_message(recent: int, prior: int) -> Message:
    """The trend's counts as a catalogue message: '12 touches in the last 30 days, against 9 in the 90
    before'."""
    return Message(key="trend.counts", params={"recent": recent, "prior": prior})


def trend_words(recent: int, prior: int) -> str:
    """`trend_message` in English."""
    return render(trend_message(recent, prior))


_DEFAULT_DEMO_MINUTES = 30.0
#: (first day, last day, touches, inbound touches, last inbound day) of one person.
PersonStats = tuple[date, date, int, int, date | None]
#: The instant of the stand-in touches that look up a kind's points.
_ANY_INSTANT = datetime(2000, 1, 1)
_DECIDING_FUNCTIONS = frozenset({Function.FINANCE, Function.PROCUREMENT, Function.LEGAL})


def lead_points(touch: Touch, config: AnalysisConfig = DEFAULT_CONFIG) -> tuple[str, float] | None:
    """The behaviour a touch shows and the points it earns, or None when it scores nothing.

    >>> from datetime import datetime
    >>> lead_points(Touch(id="t", at=datetime(2025, 1, 1), kind="webinar", person_ids=["p"]))
    ('webinars', 8.0)
    """
    w = config.lead_score
    kind = touch.kind
    if kind == TouchKind.DEMO:
        minutes = touch.duration_s / 60 if touch.duration_s else _DEFAULT_DEMO_MINUTES
        return "demo_minutes", minutes * w.demo_minute
    if kind == TouchKind.VIDEO_VIEW:
        return "videos_watched", w.video_watched
    if kind == TouchKind.WEB_VISIT:
        return "pages_viewed", w.page_viewed
    if kind == TouchKind.CONTENT_DOWNLOAD:
        return "content_downloaded", w.content_downloaded
    if kind == TouchKind.WEBINAR:
        return "webinars", w.webinar
    if kind in (TouchKind.MEETING, TouchKind.VISIT):
        return "meetings", w.meeting
    if kind == TouchKind.PRODUCT_USAGE:
        return "product_usage", w.product_usage
    if kind == TouchKind.EMAIL and touch.direction == Direction.INBOUND:
        return "inbound_emails", w.inbound_email
    return None


#: Each behaviour of the lead score -> the `LeadScoreWeights` field that gives its points per unit
#: (a minute of demo, one touch otherwise).
LEAD_BEHAVIOURS: dict[str, str] = {
    "demo_minutes": "demo_minute",
    "videos_watched": "video_watched",
    "pages_viewed": "page_viewed",
    "content_downloaded": "content_downloaded",
    "webinars": "webinar",
    "meetings": "meeting",
    "inbound_emails": "inbound_email",
    "product_usage": "product_usage",
}
#: Every behaviour weighted 1: `_lead_parts` with it gives the units (minutes, counts) themselves.
_UNIT_CONFIG = AnalysisConfig(lead_score=LeadScoreWeights(**dict.fromkeys(LEAD_BEHAVIOURS.values(), 1.0)))


def lead_units(
    touches: TouchDays | Sequence[Touch], people: set[str], *, since: date, as_of: date
) -> dict[str, dict[str, float]]:
    """person -> behaviour -> units within [since, as_of]: the demo minutes and the counts of the
    other behaviours that the lead score multiplies by its weights (`LEAD_BEHAVIOURS`).

    >>> from datetime import datetime
    >>> t = [Touch(id="t", at=datetime(2025, 1, 1), kind="demo", duration_s=1200, person_ids=["p"])]
    >>> lead_units(t, {"p"}, since=date(2024, 12, 1), as_of=date(2025, 1, 1))
    {'p': {'demo_minutes': 20.0}}
    """
    days = touches if isinstance(touches, TouchDays) else aggregate_touches(touches)
    return _lead_parts(days, people, since=since, as_of=as_of, config=_UNIT_CONFIG)


def domain_flag(email: str | None, config: AnalysisConfig = DEFAULT_CONFIG) -> DomainFlag | None:
    """The flag of a lead whose e-mail domain is a configured competitor's or partner's (a domain
    covers its subdomains); None otherwise. A high lead score there is interest, not intent.

    >>> from graph.analyses.config import LeadDomains
    >>> config = AnalysisConfig(lead_domains=LeadDomains(competitors=["rival.com"]))
    >>> domain_flag("Ann@EU.Rival.com", config).kind, domain_flag("ann@acme.com", config)
    ('competitor', None)
    """
    if not email or "@" not in email:
        return None
    host = email.rsplit("@", 1)[1].strip().lower().rstrip(".")
    lists = config.lead_domains
    for kind, domains in (("competitor", lists.competitors), ("partner", lists.partners)):
        for domain in domains:
            if host == domain or host.endswith("." + domain):
                message = Message(key=f"lead.flag.{kind}", params={"domain": domain})
                return DomainFlag(kind=kind, domain=domain, reason=render(message), reason_message=message)
    return None


def _stage(
    engaged: Sequence[str], function: Mapping[str, Function | None], seniority: Mapping[str, Seniority]
) -> tuple[BuyingStage, Message]:
    n = len(engaged)
    functions = {function.get(p) for p in engaged} - {None}
    counts = {"people": n, "functions": len(functions)}
    if n == 0:
        return BuyingStage.DORMANT, Message(key="stage.dormant")
    if n == 1:
        return BuyingStage.AWARENESS, Message(key="stage.awareness")
    if len(functions) < 3:
        return BuyingStage.CONSIDERATION, Message(key="stage.consideration", params=counts)
    deciders = any(
        function.get(p) in _DECIDING_FUNCTIONS or seniority_rank(seniority.get(p, Seniority.UNKNOWN)) <= 1
        for p in engaged
    )
    if n >= 4 and deciders:
        return BuyingStage.DECISION, Message(key="stage.decision", params=counts)
    return BuyingStage.EVALUATION, Message(key="stage.evaluation", params=counts)


def _lead_parts(
    days: TouchDays, people: set[str], *, since: date, as_of: date, config: AnalysisConfig
) -> dict[str, dict[str, float]]:
    """person -> behaviour -> lead points, from the rows within [since, as_of] (see lead_points)."""
    behaviours: list[str] = []
    # Per (kind, direction) code: the behaviour's index and the points per touch (None: nothing);
    # a demo scores by its minutes instead (points per minute).
    per_touch = np.zeros((len(TOUCH_KINDS), len(DIRECTIONS)))
    behaviour = np.full((len(TOUCH_KINDS), len(DIRECTIONS)), -1, dtype=np.int64)
    for k, kind in enumerate(TOUCH_KINDS):
        for d, direction in enumerate(DIRECTIONS):
            stand_in = Touch(
                id="-", at=_ANY_INSTANT, kind=kind, direction=direction, duration_s=60, person_ids=["-"]
            )
            scored = lead_points(stand_in, config)
            if scored is None:
                continue
            if scored[0] not in behaviours:
                behaviours.append(scored[0])
            behaviour[k, d] = behaviours.index(scored[0])
            per_touch[k, d] = scored[1]
    names = days.names
    in_people = np.fromiter((*(name in people for name in names), False), dtype=bool, count=len(names) + 1)
    keep = (
        ~days.pair
        & (days.person >= 0)
        & (days.day >= since.toordinal())
        & (days.day <= as_of.toordinal())
        & in_people[days.person]
    )
    kind, direction = days.kind[keep], days.direction[keep]
    which = behaviour[kind, direction]
    scored = which >= 0
    is_demo = kind == TOUCH_KINDS.index(TouchKind.DEMO)
    # A demo earns its minutes (a demo without a duration counts _DEFAULT_DEMO_MINUTES).
    minutes = days.seconds[keep] / 60 + days.untimed[keep] * _DEFAULT_DEMO_MINUTES
    rate = per_touch[kind, direction]
    points = np.where(is_demo, minutes * rate, days.count[keep] * rate)
    who = days.person[keep][scored]
    keys, key_of = np.unique(who * len(behaviours) + which[scored], return_inverse=True)
    sums = np.bincount(key_of, weights=points[scored], minlength=len(keys))
    lead: dict[str, dict[str, float]] = {}
    for key, total in zip(keys.tolist(), sums.tolist(), strict=True):
        person, b = divmod(key, len(behaviours))
        lead.setdefault(names[person], {})[behaviours[b]] = total
    return lead


def engagement(
    touches: TouchDays | Sequence[Touch],
    *,
    as_of: date,
    people: set[str],
    status: CompanyStatus | None,
    function: Mapping[str, Function | None],
    seniority: Mapping[str, Seniority],
    config: AnalysisConfig = DEFAULT_CONFIG,
    person_stats: dict[str, PersonStats] | None = None,
    kind_counts: Mapping[TouchKind, int] | None = None,
    emails: Mapping[str, str | None] | None = None,
) -> Engagement:
    """Roll up an account's daily touch aggregates (or touches, aggregated first) with its people;
    touches after as_of are ignored.

    `person_stats` (person -> (first day, last day, touches, inbound touches, last inbound day) up to
    as_of) and `kind_counts` (touches up to as_of by kind) may be passed when the caller has them
    already (a projection does). `emails` (person -> e-mail) lets each person be flagged when their
    domain is a configured competitor's or partner's (`domain_flag`).

    >>> from datetime import datetime
    >>> t = [Touch(id="t", at=datetime(2025, 1, 1), kind="meeting", person_ids=["p"])]
    >>> result = engagement(t, as_of=date(2025, 1, 10), people={"p"}, status=None, function={}, seniority={})
    >>> result.active_30d
    ['p']
    """
    days = touches if isinstance(touches, TouchDays) else aggregate_touches(touches)
    lead_window = as_of - timedelta(days=config.engaged_days)
    if person_stats is None:
        person_stats = {
            pid: (st.first, st.last, st.count, st.inbound, st.last_inbound)
            for pid, st in touch_stats(days, as_of=as_of, engaged_days=config.engaged_days).items()
            if st.first is not None and st.last is not None
        }
    acc = {pid: row for pid, row in person_stats.items() if pid in people}
    inbound_days = [row[4] for row in person_stats.values() if row[4] is not None]
    last_inbound: date | None = max(inbound_days, default=None)
    if kind_counts is None:
        kind_counts = count_kinds(days, as_of=as_of)
    kinds = {kind.value: n for kind, n in kind_counts.items() if n}
    visible = days.day[(days.person < 0) & (days.day <= as_of.toordinal())]
    last_touch: date | None = date.fromordinal(int(visible.max())) if len(visible) else None
    lead = _lead_parts(days, people, since=lead_window, as_of=as_of, config=config)

    per: dict[str, PersonEngagement] = {}
    for pid, (first_day, last_day, count, inbound_count, _) in acc.items():
        parts = lead.get(pid, {})
        per[pid] = PersonEngagement(
            person_id=pid,
            first_touch=first_day,
            last_touch=last_day,
            touches=count,
            inbound=inbound_count,
            lead_score=round(sum(parts.values()), 2),
            lead_components={k: round(v, 2) for k, v in sorted(parts.items())},
            domain_flag=domain_flag(emails.get(pid), config) if emails else None,
        )

    by_id = sorted(per)

    def active(days: int) -> list[str]:
        since = as_of - timedelta(days=days)
        return [p for p in by_id if (last := per[p].last_touch) is not None and last >= since]

    first = (
        min(per.values(), key=lambda pe: (pe.first_touch or as_of, pe.person_id)).person_id if per else None
    )
    last = max(per.values(), key=lambda pe: (pe.last_touch or as_of, pe.person_id)).person_id if per else None
    most = max(per.values(), key=lambda pe: (pe.touches, pe.person_id)).person_id if per else None

    w = config.lead_score
    scoring = [pe for pe in per.values() if pe.lead_score > 0]
    base = sum(min(pe.lead_score, w.person_cap) for pe in scoring)
    account_score = base * (1 + w.breadth_bonus * max(len(scoring) - 1, 0))

    reason: Message | None = None
    if status == CompanyStatus.CUSTOMER:
        quiet = None if last_inbound is None else (as_of - last_inbound).days
        if quiet is None or quiet > config.at_risk_days:
            reason = (
                Message(key="risk.usage.never")
                if quiet is None
                else Message(key="risk.usage.quiet", params={"days": quiet, "limit": config.at_risk_days})
            )
    engaged_now = active(config.engaged_days)
    stage, stage_reason = _stage(engaged_now, function, seniority)
    return Engagement(
        first_person_id=first,
        last_person_id=last,
        most_active_person_id=most,
        active_7d=active(7),
        active_30d=active(30),
        active_90d=active(90),
        touches_by_kind=dict(sorted(kinds.items())),
        days_since_last_touch=None if last_touch is None else (as_of - last_touch).days,
        at_risk=reason is not None,
        at_risk_reason=render(reason) if reason is not None else "",
        at_risk_reason_message=reason,
        account_score=round(account_score, 2),
        buying_stage=stage,
        buying_stage_reason=render(stage_reason),
        buying_stage_reason_message=stage_reason,
        people=sorted(per.values(), key=lambda pe: (-pe.lead_score, pe.person_id)),
    )
