"""Suggested committee members: people a deal probably involves but nobody has put on its committee.

CRMs now add members "by an agent" with a confidence score; buyergraph does the same in the open,
and keeps its suggestions apart from asserted members (`DealAnalysis.suggested_members`, never a
committee row). Two kinds of evidence:

- **active on the deal**: touches about the deal itself (a touch whose deal is this one: a call
  logged on the opportunity, a demo for it) and meetings, calls, visits or demos shared with
  committee members. Confidence = min(0.9, 0.3 + 0.1 x touches about the deal + 0.15 x meetings
  with members); the role is the one their function and seniority fit (a required role still
  missing first), else influencer;
- **fits a missing role**: a required role has no holder, and the person's function and seniority fit
  it (`role_candidates`, the same rule the missing-role gap names its candidates by). Confidence =
  0.35 for the function (or any function, for roles open to all), + 0.2 when the seniority fits,
  + 0.15 when engaged lately, + 0.2 x influence (0-1).

A person suggested on both counts keeps the higher confidence and both pieces of evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date

from graph.analyses.gaps import ROLE_PROFILES, role_candidates
from graph.analyses.messages import Message, render
from graph.analyses.results import SuggestedMember
from graph.model import BuyingRole, Function, Seniority, seniority_rank

__all__ = ["suggest_committee_members"]

#: Most suggestions per deal.
LIMIT = 5


def _fits(role: BuyingRole, function: Function | None, level: Seniority) -> bool:
    functions, lowest = ROLE_PROFILES.get(role, (None, Seniority.INDIVIDUAL))
    return (functions is None or function in functions) and seniority_rank(level) <= seniority_rank(lowest)


def suggest_committee_members(
    members: Collection[str],
    missing: Sequence[BuyingRole],
    *,
    people: Collection[str],
    seniority: Mapping[str, Seniority],
    function: Mapping[str, Function | None],
    influence: Mapping[str, float],
    engaged: Collection[str],
    met: Mapping[tuple[str, str], int],
    about_deal: Mapping[str, tuple[int, date]] | None = None,
    label: Callable[[str], str] = str,
    limit: int = LIMIT,
) -> list[SuggestedMember]:
    """People not in `members` suggested for the deal, most confident first.

    `missing`: the required roles without a holder; `met`: (a, b) with a < b -> meetings both
    attended (any pair, the committee's are picked here); `about_deal`: person -> (touches about
    this deal, the last one's day).

    >>> from graph.model import Seniority as S, Function as F, BuyingRole as R
    >>> s = suggest_committee_members(
    ...     ["champ"], [R.ECONOMIC_BUYER], people=["champ", "cfo", "dev"],
    ...     seniority={"cfo": S.VP, "dev": S.INDIVIDUAL}, function={"cfo": F.FINANCE, "dev": F.IT},
    ...     influence={"cfo": 0.8}, engaged=["cfo"], met={("champ", "dev"): 3})
    >>> [(m.person_id, m.role.value, m.confidence) for m in s]
    [('cfo', 'economic_buyer', 0.86), ('dev', 'influencer', 0.75)]
    """
    member_set = set(members)
    present = set(people)
    candidates = [p for p in people if p not in member_set]

    # Numbers first, for everyone; the words (catalogue messages) only for the `limit` people shown:
    # in a large account thousands of people met a member, and a message each would dominate.
    fit_rows: list[tuple[str, float, BuyingRole, bool, Seniority]] = []
    for role in missing:
        functions, _ = ROLE_PROFILES.get(role, (None, Seniority.INDIVIDUAL))
        for pid in role_candidates(
            role, candidates, seniority=seniority, function=function, influence=influence, limit=2
        ):
            level = seniority.get(pid, Seniority.UNKNOWN)
            fits = _fits(role, function.get(pid), level)
            confidence = 0.35 + (0.2 if fits else 0.0) + (0.15 if pid in engaged else 0.0)
            confidence += 0.2 * min(1.0, influence.get(pid, 0.0))
            fit_rows.append((pid, confidence, role, functions is not None, level))

    together: dict[str, dict[str, int]] = {}
    for (a, b), count in met.items():
        if a in member_set and b not in member_set:
            together.setdefault(b, {})[a] = count
        elif b in member_set and a not in member_set:
            together.setdefault(a, {})[b] = count
    about = {pid: v for pid, v in (about_deal or {}).items() if pid not in member_set and pid in present}
    active: dict[str, float] = {}
    for pid in set(together) | set(about):
        if pid not in present:
            continue
        meetings = sum(together.get(pid, {}).values())
        on_deal = about.get(pid, (0, None))[0]
        if on_deal or meetings:
            active[pid] = min(0.9, 0.3 + 0.1 * on_deal + 0.15 * meetings)

    # A person's confidence is the highest of their suggestions (see `suggest` below).
    best = dict(active)
    for pid, confidence, *_ in fit_rows:
        best[pid] = max(confidence, best.get(pid, confidence))
    shown = set(sorted(best, key=lambda pid: (-best[pid], pid))[:limit])

    found: dict[str, tuple[float, BuyingRole, list[Message]]] = {}

    def suggest(pid: str, confidence: float, role: BuyingRole, evidence: Message) -> None:
        held = found.get(pid)
        if held is None:
            found[pid] = (confidence, role, [evidence])
        elif confidence > held[0]:
            found[pid] = (confidence, role, [evidence, *(m for m in held[2] if m.key != evidence.key)])
        elif all(m.key != evidence.key for m in held[2]):
            held[2].append(evidence)

    for pid, confidence, role, by_function, level in fit_rows:
        if pid in shown:
            suggest(
                pid,
                confidence,
                role,
                Message(
                    key="suggest.fits_role" if by_function else "suggest.fits_role_any",
                    params={"role": role, "seniority": level, "engaged": pid in engaged},
                ),
            )

    open_roles = [*missing, *(r for r in ROLE_PROFILES if r not in missing)]

    def fitting_role(pid: str) -> BuyingRole:
        level = seniority.get(pid, Seniority.UNKNOWN)
        return next(
            (r for r in open_roles if ROLE_PROFILES[r][0] is not None and _fits(r, function.get(pid), level)),
            BuyingRole.INFLUENCER,
        )

    for pid in sorted(shown & set(active)):
        with_members = together.get(pid, {})
        meetings = sum(with_members.values())
        on_deal, last = about.get(pid, (0, None))
        evidence = []
        if on_deal:
            evidence.append(
                Message(
                    key="suggest.touched_about_deal",
                    params={"count": on_deal, "last": last.isoformat() if last else ""},
                )
            )
        if meetings:
            names = [label(m) for m in sorted(with_members, key=lambda m: -with_members[m])[:3]]
            evidence.append(
                Message(key="suggest.met_committee", params={"count": meetings, "members": names})
            )
        for message in evidence:
            suggest(pid, active[pid], fitting_role(pid), message)

    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [
        SuggestedMember(
            person_id=pid,
            name=label(pid),
            role=role,
            confidence=round(confidence, 2),
            evidence=" ".join(render(m, "en") for m in evidence),
            evidence_messages=evidence,
        )
        for pid, (confidence, role, evidence) in ranked
    ]
