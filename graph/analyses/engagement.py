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

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.results import BuyingStage, Engagement, PersonEngagement
from graph.model import (
    INBOUND_BEHAVIOUR,
    CompanyStatus,
    Direction,
    Function,
    Seniority,
    Touch,
    TouchKind,
    seniority_rank,
)

__all__ = ["engagement", "lead_points"]

_DEFAULT_DEMO_MINUTES = 30.0
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


def _stage(
    engaged: Sequence[str], function: Mapping[str, Function | None], seniority: Mapping[str, Seniority]
) -> tuple[BuyingStage, str]:
    n = len(engaged)
    functions = {function.get(p) for p in engaged} - {None}
    if n == 0:
        return BuyingStage.DORMANT, "nobody engaged recently"
    if n == 1:
        return BuyingStage.AWARENESS, "one person engaged"
    if len(functions) < 3:
        return BuyingStage.CONSIDERATION, f"{n} people engaged across {len(functions)} function(s)"
    deciders = any(
        function.get(p) in _DECIDING_FUNCTIONS or seniority_rank(seniority.get(p, Seniority.UNKNOWN)) <= 1
        for p in engaged
    )
    if n >= 4 and deciders:
        return (
            BuyingStage.DECISION,
            f"{n} people across {len(functions)} functions, "
            "including finance, procurement, legal or an executive",
        )
    return BuyingStage.EVALUATION, f"{n} people engaged across {len(functions)} functions"


def engagement(
    touches: Sequence[Touch],
    *,
    as_of: date,
    people: set[str],
    status: CompanyStatus | None,
    function: Mapping[str, Function | None],
    seniority: Mapping[str, Seniority],
    config: AnalysisConfig = DEFAULT_CONFIG,
) -> Engagement:
    """Roll up touches (oldest first, none after as_of) with the account's people.

    >>> from datetime import datetime
    >>> t = [Touch(id="t", at=datetime(2025, 1, 1), kind="meeting", person_ids=["p"])]
    >>> result = engagement(t, as_of=date(2025, 1, 10), people={"p"}, status=None, function={}, seniority={})
    >>> result.active_30d
    ['p']
    """
    per: dict[str, PersonEngagement] = {}
    kinds: Counter[str] = Counter()
    lead_window = as_of - timedelta(days=config.engaged_days)
    last_inbound: date | None = None
    lead: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    last_touch: date | None = None
    for touch in touches:
        day = touch.at.date()
        if day > as_of:
            continue
        kinds[touch.kind.value] += 1
        inbound = touch.direction == Direction.INBOUND or touch.kind in INBOUND_BEHAVIOUR
        if inbound:
            last_inbound = day
        last_touch = day
        points = lead_points(touch, config) if day >= lead_window else None
        for pid in touch.person_ids:
            if pid not in people:
                continue
            pe = per.get(pid)
            if pe is None:
                pe = per[pid] = PersonEngagement(person_id=pid, first_touch=day)
            pe.last_touch = day
            pe.touches += 1
            pe.inbound += int(inbound)
            if points is not None:
                lead[pid][points[0]] += points[1]

    for pid, parts in lead.items():
        per[pid].lead_components = {k: round(v, 2) for k, v in sorted(parts.items())}
        per[pid].lead_score = round(sum(parts.values()), 2)

    def active(days: int) -> list[str]:
        since = as_of - timedelta(days=days)
        return sorted(p for p, pe in per.items() if pe.last_touch is not None and pe.last_touch >= since)

    ranked = sorted(per.values(), key=lambda pe: (pe.first_touch or as_of, pe.person_id))
    first = ranked[0].person_id if ranked else None
    last = max(per.values(), key=lambda pe: (pe.last_touch or as_of, pe.person_id)).person_id if per else None
    most = max(per.values(), key=lambda pe: (pe.touches, pe.person_id)).person_id if per else None

    w = config.lead_score
    scoring = [pe for pe in per.values() if pe.lead_score > 0]
    base = sum(min(pe.lead_score, w.person_cap) for pe in scoring)
    account_score = base * (1 + w.breadth_bonus * max(len(scoring) - 1, 0))

    at_risk = False
    reason = ""
    if status == CompanyStatus.CUSTOMER:
        quiet = None if last_inbound is None else (as_of - last_inbound).days
        if quiet is None or quiet > config.at_risk_days:
            at_risk = True
            reason = (
                "no inbound or product-usage activity on record"
                if quiet is None
                else f"no inbound or product-usage activity for {quiet} days (limit {config.at_risk_days})"
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
        at_risk=at_risk,
        at_risk_reason=reason,
        account_score=round(account_score, 2),
        buying_stage=stage,
        buying_stage_reason=stage_reason,
        people=sorted(per.values(), key=lambda pe: (-pe.lead_score, pe.person_id)),
    )
