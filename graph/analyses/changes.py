"""What changed in the book between two refreshes: the rules behind `GET /api/v1/changes` and webhooks.

A refresh replaces an account's kept result (graph/analyses/portfolio.py). Comparing the result kept
before with the new one tells what changed: a gap of an open deal opened or closed (the gaps of a deal
that opened since are logged as opened, with `new_deal` true), a committee member
left (and, when their record now names another company, joined it: a job change, with a lead into the
new company), a new senior person appeared, reporting lines changed (a re-organisation), the account's
engagement fell, or a deal's win likelihood moved. Ingest changes employment and reporting lines and
marks the accounts it touched; the refresh that follows it (or the daily one) finds the people
changes in the account's roster (`roster_of`), kept with the result.

Everything here is pure: `result_changes(old, new, detected_at=...)` compares two kept results.

>>> from datetime import UTC, date, datetime
>>> from graph.analyses.portfolio import AccountResult, DealResult, KeptGap
>>> def kept(gaps):
...     return AccountResult(account_id="a", as_of=date(2026, 1, 1), computed_at=datetime(2026, 1, 1,
...         tzinfo=UTC), open_deals=1, coverage=0.5, completeness=0.5, gaps_total=len(gaps),
...         gaps_by_kind={}, gaps_by_severity={}, engagement_score=0.5, engagement_trend="steady",
...         at_risk=False, buying_stage="evaluation", key_people=[],
...         deals=[DealResult(deal_id="d", coverage=0.5, completeness=0.5, gaps=gaps)])
>>> gap = KeptGap(kind="missing_role", role="champion", severity="high", detail="no champion",
...     next_step="find one")
>>> [c.kind.value for c in result_changes(kept([gap]), kept([]), detected_at=datetime(2026, 1, 2))]
['gap_closed']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from graph.analyses.portfolio import AccountResult, DealResult
from graph.analyses.roster import RosterEntry, roster_of  # noqa: F401 - part of this module's API
from graph.model import SENIORITY_ORDER, Seniority

__all__ = [
    "CHANGE_KINDS",
    "REDACTED_SUMMARY",
    "ENGAGEMENT_DROP_SHARE",
    "SENIOR_LEVELS",
    "WIN_LIKELIHOOD_STEP",
    "Change",
    "ChangeBasis",
    "ChangeKind",
    "LoggedChange",
    "RosterEntry",
    "basis_of",
    "committees_of_detail",
    "changes_of_refresh",
    "result_changes",
    "roster_of",
    "win_likelihood_of",
]


class ChangeKind(StrEnum):
    GAP_OPENED = "gap_opened"
    GAP_CLOSED = "gap_closed"
    #: A member of an open deal's committee is no longer employed at the account.
    MEMBER_LEFT = "member_left"
    #: A committee member who left now works at another company: a lead into it.
    JOB_CHANGE = "job_change"
    #: Someone at director level or above who was not employed at the account before.
    SENIOR_JOINED = "senior_joined"
    #: Reporting lines of people who stayed changed.
    REORG = "reorg"
    ENGAGEMENT_FELL = "engagement_fell"
    WIN_LIKELIHOOD_MOVED = "win_likelihood_moved"


CHANGE_KINDS = tuple(k.value for k in ChangeKind)
#: What an erased person's changes say instead (they keep their cursor, kind, account and time).
REDACTED_SUMMARY = "redacted: a person this change named was erased"

#: Seniority levels that count as senior (a new one at an account is a change).
SENIOR_LEVELS = frozenset(SENIORITY_ORDER[: SENIORITY_ORDER.index(Seniority.DIRECTOR) + 1])
#: The engagement score has fallen when it lost at least this share of its value (or the trend turned
#: falling).
ENGAGEMENT_DROP_SHARE = 0.25
#: A deal's win likelihood has moved when it changed by at least this much (likelihoods in [0, 1]).
WIN_LIKELIHOOD_STEP = 0.10


class Change(BaseModel):
    """One thing that changed in an account, found when its result was refreshed."""

    kind: ChangeKind
    account_id: str
    deal_id: str | None = None
    person_id: str | None = None
    #: The date the new result was computed for, and when the change was found.
    as_of: date
    detected_at: datetime
    #: One line in English, for people reading a feed.
    summary: str
    #: The particulars (kind-specific: the gap, the roles, the new company, the figures before/after).
    data: dict[str, Any] = {}


class LoggedChange(Change):
    """A change as the change log keeps it: `cursor` increases with every change appended."""

    cursor: int


class ChangeBasis(BaseModel):
    """What the comparison reads of a kept result: its figures, its open deals' results, the roster
    and who sits on which open deal's committee (person -> deal -> roles). Stores may read just this
    (`GraphStore.read_change_bases`) instead of whole results."""

    account_id: str
    engagement_score: float
    engagement_trend: str
    deals: list[DealResult]
    #: None when the result was kept without a roster (before issue 22): people are not compared.
    roster: list[RosterEntry] | None = None
    committees: dict[str, dict[str, list[str]]] = {}


def committees_of_detail(raw_deals: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """Who sits on which deal's committee (person -> deal -> roles, `ChangeBasis.committees`) from a
    kept detail's deals as JSON (`KeptDetail.deals` dumped in JSON mode: `deal_id`, `committee`)."""
    committees: dict[str, dict[str, list[str]]] = {}
    for deal in raw_deals:
        for person_id, roles in (deal.get("committee") or {}).items():
            committees.setdefault(person_id, {})[deal["deal_id"]] = list(roles)
    return committees


def basis_of(result: AccountResult | ChangeBasis) -> ChangeBasis:
    """The part of a kept result that `result_changes` compares."""
    if isinstance(result, ChangeBasis):
        return result
    committees = (
        committees_of_detail(
            d.model_dump(mode="json", include={"deal_id", "committee"}) for d in result.detail.deals
        )
        if result.detail is not None
        else {}
    )
    return ChangeBasis(
        account_id=result.account_id,
        engagement_score=result.engagement_score,
        engagement_trend=result.engagement_trend,
        deals=result.deals,
        roster=result.detail.roster if result.detail is not None and result.detail.roster else None,
        committees=committees,
    )


def win_likelihood_of(deal: DealResult) -> float | None:
    """A kept deal result's win likelihood in [0, 1] (issue 21: written by refresh while a model that
    `buyergraph learn` kept is used), or None with the configured weights."""
    return deal.win_likelihood


def _gap_key(deal_id: str, gap: Any) -> tuple[str, str, str | None, str | None]:
    role = gap.role.value if gap.role is not None else None
    return (deal_id, gap.kind.value, role, gap.person_id)


def _gap_changes(old: ChangeBasis, new: ChangeBasis, base: dict[str, Any]) -> list[Change]:
    old_deals = {d.deal_id: d for d in old.deals}
    found: list[Change] = []
    for deal in new.deals:
        before = old_deals.get(deal.deal_id)
        if before is None:
            # A deal open now and not in the result before (a new deal, or one reopened): each of its
            # gaps is logged as opened, marked `new_deal`, so that a feed hears of the new deal's gaps.
            for gap in deal.gaps:
                found.append(
                    Change(
                        kind=ChangeKind.GAP_OPENED,
                        deal_id=deal.deal_id,
                        person_id=gap.person_id,
                        summary=f"gap on new deal {deal.deal_id}: {gap.detail}",
                        data={"gap": gap.model_dump(mode="json"), "new_deal": True},
                        **base,
                    )
                )
            continue
        was = {_gap_key(deal.deal_id, g): g for g in before.gaps}
        now = {_gap_key(deal.deal_id, g): g for g in deal.gaps}
        for key in sorted(now.keys() - was.keys(), key=str):
            gap = now[key]
            found.append(
                Change(
                    kind=ChangeKind.GAP_OPENED,
                    deal_id=deal.deal_id,
                    person_id=gap.person_id,
                    summary=f"gap opened on deal {deal.deal_id}: {gap.detail}",
                    data={"gap": gap.model_dump(mode="json"), "new_deal": False},
                    **base,
                )
            )
        for key in sorted(was.keys() - now.keys(), key=str):
            gap = was[key]
            found.append(
                Change(
                    kind=ChangeKind.GAP_CLOSED,
                    deal_id=deal.deal_id,
                    person_id=gap.person_id,
                    summary=f"gap closed on deal {deal.deal_id}: {gap.detail}",
                    data={"gap": gap.model_dump(mode="json")},
                    **base,
                )
            )
        was_wl, now_wl = win_likelihood_of(before), win_likelihood_of(deal)
        if was_wl is not None and now_wl is not None and abs(now_wl - was_wl) >= WIN_LIKELIHOOD_STEP - 1e-9:
            found.append(
                Change(
                    kind=ChangeKind.WIN_LIKELIHOOD_MOVED,
                    deal_id=deal.deal_id,
                    summary=f"win likelihood of deal {deal.deal_id} moved from {was_wl:.0%} to {now_wl:.0%}",
                    data={"before": was_wl, "after": now_wl},
                    **base,
                )
            )
    return found


def _lead(entry: RosterEntry) -> dict[str, Any]:
    return {
        "person_id": entry.person_id,
        "name": entry.name,
        "title": entry.title,
        "company_id": entry.company_id,
    }


def _people_changes(old: ChangeBasis, new: ChangeBasis, base: dict[str, Any]) -> list[Change]:
    if not old.roster or not new.roster:
        return []  # results kept before rosters were: nothing to compare with
    before = {r.person_id: r for r in old.roster}
    after = {r.person_id: r for r in new.roster}
    committees = {person_id: dict(deals) for person_id, deals in old.committees.items()}
    for person_id, deals in new.committees.items():
        committees.setdefault(person_id, {}).update(deals)
    account = new.account_id
    found: list[Change] = []
    for person_id in sorted(after):
        now = after[person_id]
        was = before.get(person_id)
        if was is not None and was.current and not now.current and person_id in committees:
            roles = committees[person_id]
            found.append(
                Change(
                    kind=ChangeKind.MEMBER_LEFT,
                    person_id=person_id,
                    summary=f"{now.name} ({', '.join(sorted({r for rs in roles.values() for r in rs}))}) "
                    f"left account {account}",
                    data={"roles": roles, "name": now.name, "title": now.title},
                    **base,
                )
            )
            if now.company_id and now.company_id != account:
                found.append(
                    Change(
                        kind=ChangeKind.JOB_CHANGE,
                        person_id=person_id,
                        summary=f"{now.name} moved from account {account} to {now.company_id}: a lead there",
                        data={"from_account_id": account, "roles": roles, "lead": _lead(now)},
                        **base,
                    )
                )
        if now.current and (was is None or not was.current) and now.seniority in SENIOR_LEVELS:
            found.append(
                Change(
                    kind=ChangeKind.SENIOR_JOINED,
                    person_id=person_id,
                    summary=f"new {now.seniority.value if now.seniority else ''} at account {account}: "
                    f"{now.name}" + (f", {now.title}" if now.title else ""),
                    data={"name": now.name, "title": now.title, "seniority": now.seniority},
                    **base,
                )
            )
    lines = [
        {"person_id": pid, "before": before[pid].managers, "after": after[pid].managers}
        for pid in sorted(after)
        if pid in before
        and before[pid].current
        and after[pid].current
        and before[pid].managers != after[pid].managers
    ]
    if lines:
        found.append(
            Change(
                kind=ChangeKind.REORG,
                summary=f"reporting lines changed at account {account} ({len(lines)} people)",
                data={"lines": lines},
                **base,
            )
        )
    return found


def _engagement_change(old: ChangeBasis, new: ChangeBasis, base: dict[str, Any]) -> list[Change]:
    turned = new.engagement_trend == "falling" and old.engagement_trend != "falling"
    dropped = old.engagement_score > 0 and new.engagement_score <= old.engagement_score * (
        1 - ENGAGEMENT_DROP_SHARE
    )
    if not (turned or dropped):
        return []
    return [
        Change(
            kind=ChangeKind.ENGAGEMENT_FELL,
            summary=f"engagement of account {new.account_id} fell from {old.engagement_score:.2f} "
            f"({old.engagement_trend}) to {new.engagement_score:.2f} ({new.engagement_trend})",
            data={
                "before": {"score": old.engagement_score, "trend": old.engagement_trend},
                "after": {"score": new.engagement_score, "trend": new.engagement_trend},
            },
            **base,
        )
    ]


def result_changes(
    old: AccountResult | ChangeBasis | None, new: AccountResult, *, detected_at: datetime
) -> list[Change]:
    """What changed in one account between its kept result `old` (or what a store read of it,
    `ChangeBasis`) and the new one (none for a first result: there is nothing to compare with). Gaps and
    win likelihoods are compared for deals open in both (a deal open only in `new` has each of its gaps
    logged as opened, `new_deal` true); people for results that carry a roster."""
    if old is None:
        return []
    base: dict[str, Any] = {"account_id": new.account_id, "as_of": new.as_of, "detected_at": detected_at}
    was, now = basis_of(old), basis_of(new)
    return [
        *_gap_changes(was, now, base),
        *_people_changes(was, now, base),
        *_engagement_change(was, now, base),
    ]


def changes_of_refresh(
    old: Mapping[str, AccountResult | ChangeBasis], new: Iterable[AccountResult], *, detected_at: datetime
) -> list[Change]:
    """Every change between the kept results `old` (by account id) and the new results of a refresh."""
    found: list[Change] = []
    for result in new:
        found.extend(result_changes(old.get(result.account_id), result, detected_at=detected_at))
    return found
