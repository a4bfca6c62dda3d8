"""What history says: which gaps, missing roles, personas, lead sources and sources of facts came
before won and lost deals.

Every closed deal (won or lost, with a close date up to `as_of`) is analysed as of its own close
date with the same analyses an open deal gets (its template, gaps, committee and who was engaged:
graph/analyses/report.py, gaps.py, coverage.py, rules.py), so nothing that happened after the deal
closed is read. Then:

- **gaps**: for each gap kind, the win rate of deals that had it against those that did not;
- **missing roles**: for each role a deal's template required, the win rate of deals that missed it
  against those that had it;
- **signals**: the win rate of deals whose coverage (coverage.py) was below 0.5 at the close against
  the others, and of deals per committee engagement trend at the close (engagement.py);
- **engaged roles**: for each buying role, the win rate of deals where an engaged person held it
  against the others ("deals without an engaged economic buyer were won 21% of the time, with one
  58%");
- **personas**: committee members' titles normalised to seniority and function (the projection's
  classification); for each persona, the share of won committees and of lost committees it sat on,
  sorted by the difference;
- **lead sources**: for each lead source (Person.lead_source, as the CRM wrote it), the share of its
  people who converted (`graph.analyses.lead_weights.conversions`, any kind, up to `as_of`);
- **sources of facts**: for each source of committee roles (crm, sales, presales, ...), how often an
  assertion was contradicted by another source (for the same person on the same deal the other
  source named roles without it, the rule of the role_conflict gap; or a sole role such as decision
  maker was asserted for someone else) or by how the deal went (a champion or executive sponsor on a
  lost deal, a blocker on a won one: a weak signal, reported apart).

Every rate comes with its counts and a 95% Wilson score interval (`wilson_interval`); a rate over
no deals is None. Sentences are catalogue messages (en, zh-CN).

>>> from datetime import date
>>> from graph.model import AccountGraph, Company
>>> what_history_says([AccountGraph(company=Company(id="c", name="C"))], as_of=date(2025, 1, 1)).closed_deals
0
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from pydantic import BaseModel

from graph import projections
from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.lead_weights import conversions
from graph.analyses.messages import Message, render
from graph.analyses.report import ClosedDealAnalysis, closed_deal_analyses
from graph.analyses.results import GapKind, Trend
from graph.model import AccountGraph, BuyingRole, Seniority, Source

__all__ = [
    "ClosedDeal",
    "HistoryReport",
    "LeadSourceRate",
    "PersonaRate",
    "SourceReliability",
    "WinRate",
    "closed_deal_facts",
    "what_history_says",
    "wilson_interval",
]

#: Roles whose holder on a lost deal contradicts the assertion (they were meant to carry it) ...
_SUPPORT_ROLES = frozenset({BuyingRole.CHAMPION, BuyingRole.EXECUTIVE_SPONSOR})
#: ... and whose holder on a won deal does.
_AGAINST_ROLES = frozenset({BuyingRole.BLOCKER})


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95% by default); None for n = 0.

    >>> [round(v, 3) for v in wilson_interval(3, 10)]
    [0.108, 0.603]
    """
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


class ClosedDeal(BaseModel):
    """What the analyses saw on one closed deal as of its close date."""

    deal_id: str
    account_id: str
    won: bool
    closed_at: date
    gap_kinds: list[GapKind]
    required_roles: list[BuyingRole]
    missing_roles: list[BuyingRole]
    #: Roles held by a committee member engaged at the close.
    engaged_roles: list[BuyingRole]
    #: The deal's coverage score and committee engagement trend at the close (coverage.py, engagement.py).
    coverage: float
    trend: Trend
    #: (seniority, function or "unknown") of each current committee member.
    personas: list[tuple[Seniority, str]]
    #: (source, person, role) of each committee assertion made up to the close.
    assertions: list[tuple[Source, str, BuyingRole]]


class WinRate(BaseModel):
    """The win rate of closed deals with a factor against those without it, with Wilson intervals."""

    #: gap, missing_role or engaged_role.
    factor: str
    #: The gap kind or the role.
    key: str
    n_with: int
    won_with: int
    rate_with: float | None
    with_interval: tuple[float, float] | None
    n_without: int
    won_without: int
    rate_without: float | None
    without_interval: tuple[float, float] | None
    #: rate_with - rate_without (None when either is None).
    difference: float | None
    text: str = ""
    text_message: Message | None = None


class PersonaRate(BaseModel):
    """How often a persona (seniority x function) sat on won and on lost committees."""

    seniority: Seniority
    function: str
    won_with: int
    won: int
    won_share: float | None
    won_interval: tuple[float, float] | None
    lost_with: int
    lost: int
    lost_share: float | None
    lost_interval: tuple[float, float] | None
    #: won_share - lost_share: above 0 the persona is more present in won committees.
    difference: float | None
    #: The win rate of deals this persona sat on.
    win_rate: float | None
    win_interval: tuple[float, float] | None
    text: str = ""
    text_message: Message | None = None


class LeadSourceRate(BaseModel):
    """How many people of one lead source converted."""

    source: str
    people: int
    converted: int
    rate: float
    interval: tuple[float, float]
    text: str
    text_message: Message


class SourceReliability(BaseModel):
    """How often the committee roles one source asserted were contradicted."""

    source: Source
    assertions: int
    by_source: int
    by_outcome: int
    #: Assertions contradicted either way.
    contradicted: int
    rate: float
    interval: tuple[float, float]
    text: str
    text_message: Message


class HistoryReport(BaseModel):
    """Everything `what_history_says` found, JSON-able."""

    as_of: date
    closed_deals: int
    won: int
    lost: int
    gaps: list[WinRate] = []
    missing_roles: list[WinRate] = []
    engaged_roles: list[WinRate] = []
    #: Deals with coverage below LOW_COVERAGE at the close, and each committee engagement trend.
    signals: list[WinRate] = []
    personas: list[PersonaRate] = []
    lead_sources: list[LeadSourceRate] = []
    sources: list[SourceReliability] = []
    notes: list[str] = []
    note_messages: list[Message] = []


def closed_deal_facts(
    accounts: Iterable[AccountGraph],
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    classify: projections.TitleClassifier | None = None,
    analysed: Mapping[str, Sequence[ClosedDealAnalysis]] | None = None,
) -> list[ClosedDeal]:
    """Each closed deal (won or lost, closed by `as_of`) as the analyses saw it on its close date.

    `analysed` (account id -> its `closed_deal_analyses`, computed with the same `config` and
    `classify` through `as_of` or later) spares analysing the deals again; an account missing from
    it is analysed here."""
    facts: list[ClosedDeal] = []
    for account in accounts:
        given = None if analysed is None else analysed.get(account.company.id)
        closed_deals = (
            closed_deal_analyses(account, through=as_of, config=config, classify=classify)
            if given is None
            else [c for c in given if c.closed_at <= as_of]
        )
        for closed in closed_deals:
            deal, result, p, day = closed.deal, closed.analysis, closed.projection, closed.closed_at
            committee = projections.committee_by_deal(p.committee)
            engaged = set(result.engaged)
            missing = sorted({g.role for g in result.gaps if g.kind == GapKind.MISSING_ROLE and g.role})
            facts.append(
                ClosedDeal(
                    deal_id=deal.id,
                    account_id=account.company.id,
                    won=closed.won,
                    closed_at=day,
                    gap_kinds=sorted({g.kind for g in result.gaps}),
                    required_roles=result.required_roles,
                    missing_roles=missing,
                    engaged_roles=sorted(
                        {r for pid, roles in result.committee.items() if pid in engaged for r in roles}
                    ),
                    coverage=result.coverage.score,
                    trend=result.engagement_trend,
                    personas=sorted(
                        {
                            (p.seniority.get(pid, Seniority.UNKNOWN), (p.function.get(pid) or "unknown"))
                            for pid in result.committee
                            if pid in p.current
                        }
                    ),
                    assertions=sorted(
                        {(row.source, row.person_id, row.role) for row in committee.get(deal.id, [])}
                    ),
                )
            )
    return facts


def _share(k: int, n: int) -> float | None:
    return k / n if n else None


def _win_rate(factor: str, key: str, with_: list[ClosedDeal], without: list[ClosedDeal]) -> WinRate:
    won_with = sum(d.won for d in with_)
    won_without = sum(d.won for d in without)
    rate_with, rate_without = _share(won_with, len(with_)), _share(won_without, len(without))
    row = WinRate(
        factor=factor,
        key=key,
        n_with=len(with_),
        won_with=won_with,
        rate_with=rate_with,
        with_interval=wilson_interval(won_with, len(with_)),
        n_without=len(without),
        won_without=won_without,
        rate_without=rate_without,
        without_interval=wilson_interval(won_without, len(without)),
        difference=None if rate_with is None or rate_without is None else rate_with - rate_without,
    )
    if rate_with is None or rate_without is None:
        return row
    params: dict[str, object] = {
        "n_with": len(with_),
        "won_with": won_with,
        "rate_with": rate_with,
        "n_without": len(without),
        "won_without": won_without,
        "rate_without": rate_without,
    }
    if factor == "gap":
        message = Message(key="history.gap", params={**params, "gap": Message(key=f"history.gap_kind.{key}")})
    elif factor == "low_coverage":
        message = Message(key="history.low_coverage", params={**params, "threshold": float(key)})
    elif factor == "trend":
        message = Message(key="history.trend", params={**params, "trend": key})
    else:
        message = Message(key=f"history.{factor}", params={**params, "role": BuyingRole(key)})
    return row.model_copy(update={"text": render(message), "text_message": message})


def _by_difference(rows: list[WinRate]) -> list[WinRate]:
    """Rows whose factor comes with the lowest win rates first; rates over no deals last."""
    return sorted(rows, key=lambda r: (r.difference is None, r.difference or 0.0, r.key))


def _personas(deals: list[ClosedDeal]) -> list[PersonaRate]:
    won = [d for d in deals if d.won]
    lost = [d for d in deals if not d.won]
    rows: list[PersonaRate] = []
    for seniority, function in sorted({persona for d in deals for persona in d.personas}):
        persona = (seniority, function)
        won_with = sum(persona in d.personas for d in won)
        lost_with = sum(persona in d.personas for d in lost)
        won_share, lost_share = _share(won_with, len(won)), _share(lost_with, len(lost))
        present = won_with + lost_with
        row = PersonaRate(
            seniority=seniority,
            function=function,
            won_with=won_with,
            won=len(won),
            won_share=won_share,
            won_interval=wilson_interval(won_with, len(won)),
            lost_with=lost_with,
            lost=len(lost),
            lost_share=lost_share,
            lost_interval=wilson_interval(lost_with, len(lost)),
            difference=None if won_share is None or lost_share is None else won_share - lost_share,
            win_rate=_share(won_with, present),
            win_interval=wilson_interval(won_with, present),
        )
        if won_share is not None and lost_share is not None:
            message = Message(
                key="history.persona",
                params={
                    "seniority": seniority,
                    "function": Message(key=f"history.function.{function}"),
                    "won_share": won_share,
                    "won_with": won_with,
                    "won": len(won),
                    "lost_share": lost_share,
                    "lost_with": lost_with,
                    "lost": len(lost),
                },
            )
            row = row.model_copy(update={"text": render(message), "text_message": message})
        rows.append(row)
    return sorted(rows, key=lambda r: (r.difference is None, -(r.difference or 0.0), r.seniority, r.function))


def _lead_sources(accounts: list[AccountGraph], *, as_of: date) -> list[LeadSourceRate]:
    converted = conversions(accounts, as_of=as_of)
    people: dict[str, str] = {}
    for account in accounts:
        for person in account.people:
            source = (person.lead_source or "").strip()
            if source:
                people.setdefault(person.id, source)
    rows: list[LeadSourceRate] = []
    for source in sorted(set(people.values())):
        ids = [pid for pid, s in people.items() if s == source]
        k = sum(pid in converted for pid in ids)
        interval = wilson_interval(k, len(ids))
        assert interval is not None
        message = Message(
            key="history.lead_source",
            params={"source": source, "rate": k / len(ids), "converted": k, "n": len(ids)},
        )
        rows.append(
            LeadSourceRate(
                source=source,
                people=len(ids),
                converted=k,
                rate=k / len(ids),
                interval=interval,
                text=render(message),
                text_message=message,
            )
        )
    return sorted(rows, key=lambda r: (-r.rate, -r.people, r.source))


def _sources(deals: list[ClosedDeal], config: AnalysisConfig) -> list[SourceReliability]:
    counts: dict[Source, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for deal in deals:
        said: dict[tuple[str, Source], set[BuyingRole]] = defaultdict(set)
        for source, person, role in deal.assertions:
            said[(person, source)].add(role)
        for source, person, role in deal.assertions:
            others = [roles for (who, src), roles in said.items() if who == person and src != source]
            by_source = any(role not in roles for roles in others) or (
                role in config.sole_roles
                and any(src != source and r == role and who != person for src, who, r in deal.assertions)
            )
            by_outcome = (role in _SUPPORT_ROLES and not deal.won) or (role in _AGAINST_ROLES and deal.won)
            row = counts[source]
            row[0] += 1
            row[1] += int(by_source)
            row[2] += int(by_outcome)
            row[3] += int(by_source or by_outcome)
    rows: list[SourceReliability] = []
    for source, (n, n_by_source, n_by_outcome, contradicted) in sorted(counts.items()):
        interval = wilson_interval(contradicted, n)
        assert interval is not None
        message = Message(
            key="history.source_reliability",
            params={
                "source": source.value,
                "rate": contradicted / n,
                "contradicted": contradicted,
                "n": n,
                "by_source": n_by_source,
                "by_outcome": n_by_outcome,
            },
        )
        rows.append(
            SourceReliability(
                source=source,
                assertions=n,
                by_source=n_by_source,
                by_outcome=n_by_outcome,
                contradicted=contradicted,
                rate=contradicted / n,
                interval=interval,
                text=render(message),
                text_message=message,
            )
        )
    return rows


#: Below this many closed deals the report says that every rate is uncertain.
FEW_DEALS = 30
#: Coverage below this at the close counts as low.
LOW_COVERAGE = 0.5


def what_history_says(
    accounts: Iterable[AccountGraph],
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    classify: projections.TitleClassifier | None = None,
    analysed: Mapping[str, Sequence[ClosedDealAnalysis]] | None = None,
) -> HistoryReport:
    """What the closed deals and converted leads of `accounts` up to `as_of` say (see the module doc).

    `classify` reads seniority and function from titles where none is stored (buyergraph passes
    `ingest.titles.classify_title`). `analysed`: the accounts' closed deals already analysed
    (`closed_deal_facts`), so that a caller that needs them for the win model too analyses them once.
    """
    accounts = list(accounts)
    deals = closed_deal_facts(accounts, as_of=as_of, config=config, classify=classify, analysed=analysed)
    gaps = [
        _win_rate(
            "gap",
            kind.value,
            [d for d in deals if kind in d.gap_kinds],
            [d for d in deals if kind not in d.gap_kinds],
        )
        for kind in GapKind
        if any(kind in d.gap_kinds for d in deals)
    ]
    required = sorted({r for d in deals for r in d.required_roles})
    missing = [
        _win_rate(
            "missing_role",
            role.value,
            [d for d in deals if role in d.missing_roles],
            [d for d in deals if role in d.required_roles and role not in d.missing_roles],
        )
        for role in required
    ]
    roles = sorted({r for d in deals for r in d.engaged_roles} | set(required))
    engaged = [
        _win_rate(
            "role_engaged",
            role.value,
            [d for d in deals if role in d.engaged_roles],
            [d for d in deals if role not in d.engaged_roles],
        )
        for role in roles
    ]
    signals = [
        _win_rate(
            "low_coverage",
            str(LOW_COVERAGE),
            [d for d in deals if d.coverage < LOW_COVERAGE],
            [d for d in deals if d.coverage >= LOW_COVERAGE],
        ),
        *(
            _win_rate(
                "trend",
                trend.value,
                [d for d in deals if d.trend == trend],
                [d for d in deals if d.trend != trend],
            )
            for trend in Trend
            if any(d.trend == trend for d in deals)
        ),
    ]
    notes: list[Message] = []
    if len(deals) < FEW_DEALS:
        notes.append(Message(key="history.too_few", params={"n": len(deals)}))
    won = sum(d.won for d in deals)
    return HistoryReport(
        as_of=as_of,
        closed_deals=len(deals),
        won=won,
        lost=len(deals) - won,
        gaps=_by_difference(gaps),
        missing_roles=_by_difference(missing),
        engaged_roles=_by_difference(engaged),
        signals=_by_difference(signals) if deals else [],
        personas=_personas(deals),
        lead_sources=_lead_sources(accounts, as_of=as_of),
        sources=_sources(deals, config),
        notes=[render(m) for m in notes],
        note_messages=notes,
    )
