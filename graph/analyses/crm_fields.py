"""The figures buyergraph writes back into a CRM, per contact and per opportunity, from kept results.

`crm_scores(results)` turns the kept results of a refresh (graph/analyses/portfolio.py) into one row per
person (influence rank and score, suggested buying roles, lead score, engagement state) and one per
open deal (coverage, completeness, win likelihood when the results carry it, the number of gaps and the
top gap with its next step). api/crm_export.py writes them as the CRMs' import files.

The top gap of a deal is its most severe one (high before medium before low), the first listed among
equals (the analyses list a deal's gaps in their order of importance).

>>> from datetime import UTC, date, datetime
>>> from graph.analyses import analyze_account
>>> from graph.analyses.portfolio import account_result
>>> from graph.model import AccountGraph, Company, Deal
>>> account = AccountGraph(company=Company(id="c", name="C"), deals=[Deal(id="d", company_id="c")])
>>> kept = account_result(account, analyze_account(account, as_of=date(2025, 1, 1)),
...     computed_at=datetime(2025, 1, 1, tzinfo=UTC))
>>> _, deals = crm_scores([kept])
>>> deals[0].deal_id, deals[0].gaps, deals[0].top_gap_severity
('d', 3, 'high')
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.portfolio import AccountResult, KeptGap
from graph.analyses.results import Severity
from graph.analyses.rules import engagement_state

__all__ = ["ContactScores", "DealScores", "crm_scores", "top_gap"]

_SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


class ContactScores(BaseModel):
    person_id: str
    account_id: str
    as_of: date
    #: Influence in the account: 1 is the most influential; None when not ranked.
    influence_rank: int | None = None
    influence_score: float | None = None
    #: Roles the analyses suggest for the person on open deals they are not on the committee of.
    suggested_roles: list[str] = []
    lead_score: float = 0.0
    #: engaged, cooling or never (graph/analyses/rules.py: engagement_state).
    engagement: str
    last_touch: date | None = None


class DealScores(BaseModel):
    deal_id: str
    name: str | None = None
    account_id: str
    as_of: date
    coverage: float
    completeness: float
    #: From the kept deal result when it carries one (issue 21), else None (left blank in the files).
    win_likelihood: float | None = None
    gaps: int
    top_gap: str | None = None
    top_gap_severity: str | None = None
    next_step: str | None = None


def top_gap(gaps: list[KeptGap]) -> KeptGap | None:
    """The most severe gap, the first listed among equals; None without gaps."""
    if not gaps:
        return None
    return min(enumerate(gaps), key=lambda pair: (_SEVERITY_ORDER[pair[1].severity], pair[0]))[1]


def crm_scores(
    results: Iterable[AccountResult], config: AnalysisConfig = DEFAULT_CONFIG
) -> tuple[list[ContactScores], list[DealScores]]:
    """(contacts, deals) of these kept results, by account then id. A person appears when the kept
    result ranks them, scores their engagement, or suggests them for a role."""
    contacts: list[ContactScores] = []
    deals: list[DealScores] = []
    for result in sorted(results, key=lambda r: r.account_id):
        ranks = {p.person_id: p for p in result.key_people}
        engagement = {p.person_id: p for p in result.detail.engagement.people} if result.detail else {}
        suggested: dict[str, set[str]] = {}
        if result.detail is not None:
            for deal in result.detail.deals:
                for member in deal.suggested_members:
                    suggested.setdefault(member.person_id, set()).add(member.role.value)
        for person_id in sorted(ranks.keys() | engagement.keys() | suggested.keys()):
            rank, seen = ranks.get(person_id), engagement.get(person_id)
            last = seen.last_touch if seen else None
            contacts.append(
                ContactScores(
                    person_id=person_id,
                    account_id=result.account_id,
                    as_of=result.as_of,
                    influence_rank=rank.rank if rank else None,
                    influence_score=rank.score if rank else None,
                    suggested_roles=sorted(suggested.get(person_id, ())),
                    lead_score=seen.lead_score if seen else 0.0,
                    engagement=engagement_state(last, result.as_of, config).value,
                    last_touch=last,
                )
            )
        names = {d.deal_id: d.name for d in result.detail.deals} if result.detail else {}
        for kept in result.deals:
            gap = top_gap(kept.gaps)
            deals.append(
                DealScores(
                    deal_id=kept.deal_id,
                    name=names.get(kept.deal_id),
                    account_id=result.account_id,
                    as_of=result.as_of,
                    coverage=kept.coverage,
                    completeness=kept.completeness,
                    win_likelihood=kept.win_likelihood,
                    gaps=len(kept.gaps),
                    top_gap=gap.detail if gap else None,
                    top_gap_severity=gap.severity.value if gap else None,
                    next_step=gap.next_step if gap else None,
                )
            )
    return contacts, deals
