"""Gaps in a deal's decision chain, checked against a committee template chosen by deal size.

Definitions (docs/analyses.md has the full text). A person is *engaged* when a touch with them falls
within engaged_days before as_of.

- missing_role: a required role that nobody holds on the deal;
- stale_role: a required role whose holders are none engaged;
- single_threaded: fewer than two engaged people on the committee;
- no_executive: a deal of executive_min_amount or more without an engaged vp or c_level member;
- unengaged_superior: someone at superior_min_seniority or above, up to superior_levels above an
  engaged member in the reporting tree, never touched;
- departed_member: a member who has left the company;
- role_conflict: the sources disagree on a member's roles, or a sole role has two holders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import networkx as nx

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig, CommitteeTemplate
from graph.analyses.results import Gap, GapKind, Severity, WarmPath
from graph.model import (
    BuyingRole,
    CommitteeRole,
    Deal,
    Function,
    Person,
    Seniority,
    Source,
    seniority_rank,
)

__all__ = ["choose_template", "deal_gaps", "role_candidates", "ROLE_PROFILES"]

#: For each role: the functions that usually hold it (None: any) and the lowest fitting seniority.
ROLE_PROFILES: dict[BuyingRole, tuple[frozenset[Function] | None, Seniority]] = {
    BuyingRole.DECISION_MAKER: (None, Seniority.VP),
    BuyingRole.ECONOMIC_BUYER: (frozenset({Function.FINANCE, Function.EXECUTIVE}), Seniority.VP),
    BuyingRole.EXECUTIVE_SPONSOR: (frozenset({Function.EXECUTIVE}), Seniority.VP),
    BuyingRole.CHAMPION: (None, Seniority.MANAGER),
    BuyingRole.TECHNICAL_EVALUATOR: (
        frozenset({Function.IT, Function.ENGINEERING, Function.PRODUCT}),
        Seniority.MANAGER,
    ),
    BuyingRole.PROCUREMENT: (frozenset({Function.PROCUREMENT}), Seniority.INDIVIDUAL),
    BuyingRole.LEGAL_COMPLIANCE: (frozenset({Function.LEGAL}), Seniority.INDIVIDUAL),
    BuyingRole.INFLUENCER: (None, Seniority.INDIVIDUAL),
    BuyingRole.END_USER: (None, Seniority.INDIVIDUAL),
    BuyingRole.BLOCKER: (None, Seniority.INDIVIDUAL),
    BuyingRole.GATEKEEPER: (None, Seniority.INDIVIDUAL),
    BuyingRole.OTHER: (None, Seniority.INDIVIDUAL),
}
_KEY_ROLES = frozenset({BuyingRole.DECISION_MAKER, BuyingRole.ECONOMIC_BUYER, BuyingRole.CHAMPION})


def _role_words(role: BuyingRole) -> str:
    return role.value.replace("_", " ")


def _currency_suffix(deal: Deal, config: AnalysisConfig) -> str:
    code = config.currency.currency_of(deal.currency)
    return f" {code}" if code else ""


def choose_template(
    amount: float | None, families: Iterable[str], templates: Sequence[CommitteeTemplate]
) -> CommitteeTemplate:
    """The template with the highest min_amount not above the amount; a family match wins ties.

    >>> from graph.analyses.config import DEFAULT_CONFIG
    >>> choose_template(25_000, [], DEFAULT_CONFIG.templates).name
    'mid'
    """
    value = amount or 0.0
    family_set = set(families)
    fitting = [
        t
        for t in templates
        if t.min_amount <= value and (t.product_family is None or t.product_family in family_set)
    ]
    return max(fitting, key=lambda t: (t.min_amount, t.product_family is not None, t.name))


def role_candidates(
    role: BuyingRole,
    people: Iterable[str],
    *,
    seniority: Mapping[str, Seniority],
    function: Mapping[str, Function | None],
    influence: Mapping[str, float],
    limit: int = 3,
) -> list[str]:
    """The likeliest holders of a role among people, by function, seniority and influence.

    >>> role_candidates(BuyingRole.PROCUREMENT, ["a", "b"], seniority={}, influence={},
    ...     function={"a": Function.SALES, "b": Function.PROCUREMENT})
    ['b']
    """
    functions, lowest = ROLE_PROFILES.get(role, (None, Seniority.INDIVIDUAL))
    scored: list[tuple[float, str]] = []
    for pid in people:
        func = function.get(pid)
        if functions is not None and func not in functions:
            continue
        level = seniority.get(pid, Seniority.UNKNOWN)
        fits = seniority_rank(level) <= seniority_rank(lowest)
        score = (
            (0.6 if fits else 0.0)
            + 0.1 * (5 - min(seniority_rank(level), 5)) / 5
            + 0.3 * influence.get(pid, 0.0)
        )
        scored.append((score, pid))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [pid for _, pid in scored[:limit]]


def _path_words(path: WarmPath | None, label: Callable[[str], str]) -> str:
    if path is None:
        return "no warm path from our reps within reach; ask the champion for an introduction"
    chain = " -> ".join(label(n) for n in path.nodes)
    return f"warmest path: {chain}"


def deal_gaps(
    org: nx.DiGraph,
    *,
    deal: Deal,
    committee: Sequence[CommitteeRole],
    template: CommitteeTemplate,
    people: Mapping[str, Person],
    current: set[str],
    departed: set[str],
    seniority: Mapping[str, Seniority],
    function: Mapping[str, Function | None],
    engaged: set[str],
    touched: set[str],
    influence: Mapping[str, float],
    warm_path: Callable[[str], WarmPath | None] | None = None,
    label: Callable[[str], str] | None = None,
    config: AnalysisConfig = DEFAULT_CONFIG,
) -> list[Gap]:
    """Every gap of one deal, most severe first.

    >>> from graph.model import Deal, CommitteeRole, Person
    >>> from graph.analyses.config import DEFAULT_CONFIG
    >>> people = {"a": Person(id="a", name="Ann")}
    >>> gaps = deal_gaps(nx.DiGraph(), deal=Deal(id="d", company_id="c", amount=5000),
    ...     committee=[CommitteeRole(deal_id="d", person_id="a", role="champion")],
    ...     template=DEFAULT_CONFIG.templates[0], people=people, current={"a"}, departed=set(),
    ...     seniority={}, function={}, engaged={"a"}, touched={"a"}, influence={})
    >>> sorted((g.kind.value, g.role and g.role.value) for g in gaps)
    [('missing_role', 'decision_maker'), ('single_threaded', None)]
    """
    name = label or (lambda pid: people[pid].name if pid in people else pid)
    find_path = warm_path or (lambda _pid: None)
    holders: dict[BuyingRole, set[str]] = defaultdict(set)
    by_source: dict[str, dict[Source, set[BuyingRole]]] = defaultdict(lambda: defaultdict(set))
    for row in committee:
        holders[row.role].add(row.person_id)
        by_source[row.person_id][row.source].add(row.role)
    members = set(by_source)
    engaged_members = members & engaged
    gaps: list[Gap] = []
    deal_words = f"deal {deal.name or deal.id}"

    for role in template.roles:
        holding = holders.get(role, set())
        if not holding:
            others = sorted(current - members)
            candidates = role_candidates(
                role,
                others,
                seniority=seniority,
                function=function,
                influence=influence,
                limit=config.candidates_per_role,
            )
            if candidates:
                best = candidates[0]
                who = ", ".join(name(c) for c in candidates)
                step = f"Likeliest {_role_words(role)}: {who}. {_path_words(find_path(best), name)}."
            else:
                step = (
                    f"Nobody in the account fits the {_role_words(role)} role yet; "
                    "ask the champion who it is."
                )
            gaps.append(
                Gap(
                    kind=GapKind.MISSING_ROLE,
                    role=role,
                    severity=Severity.HIGH if role in _KEY_ROLES else Severity.MEDIUM,
                    detail=f"The {template.name} template needs a {_role_words(role)}; "
                    f"nobody holds that role on {deal_words}.",
                    next_step=step,
                    people=candidates,
                )
            )
        elif not holding & engaged:
            names = ", ".join(name(p) for p in sorted(holding))
            gaps.append(
                Gap(
                    kind=GapKind.STALE_ROLE,
                    role=role,
                    severity=Severity.HIGH if role in _KEY_ROLES else Severity.MEDIUM,
                    detail=f"The {_role_words(role)} ({names}) has not been touched in the last "
                    f"{config.engaged_days} days.",
                    next_step=f"Re-engage {names}: book a meeting or a call this week.",
                    people=sorted(holding),
                )
            )

    if len(engaged_members) < 2:
        gaps.append(
            Gap(
                kind=GapKind.SINGLE_THREADED,
                severity=Severity.HIGH,
                detail=f"Only {len(engaged_members)} committee member"
                f"{'' if len(engaged_members) == 1 else 's'} engaged in the last {config.engaged_days} days.",
                next_step="Multi-thread: get introduced to a second stakeholder, ideally the economic buyer.",
                people=sorted(engaged_members),
            )
        )

    exec_rank = seniority_rank(Seniority.VP)
    in_base = config.currency.to_base(deal.amount, deal.currency)
    if (in_base or 0.0) >= config.executive_min_amount and not any(
        seniority_rank(seniority.get(p, Seniority.UNKNOWN)) <= exec_rank for p in engaged_members
    ):
        execs = sorted(
            (p for p in members if seniority_rank(seniority.get(p, Seniority.UNKNOWN)) <= exec_rank),
            key=lambda p: (-influence.get(p, 0.0), p),
        )
        if execs:
            step = f"Re-engage {name(execs[0])}. {_path_words(find_path(execs[0]), name)}."
        else:
            pool = sorted(
                (p for p in current if seniority_rank(seniority.get(p, Seniority.UNKNOWN)) <= exec_rank),
                key=lambda p: (-influence.get(p, 0.0), p),
            )
            step = (
                f"Bring in {name(pool[0])}. {_path_words(find_path(pool[0]), name)}."
                if pool
                else "Ask the champion which executive signs off, and for an introduction."
            )
        gaps.append(
            Gap(
                kind=GapKind.NO_EXECUTIVE,
                severity=Severity.HIGH,
                detail=f"A deal of {deal.amount:,.0f}{_currency_suffix(deal, config)} "
                "has no engaged vp or c-level member.",
                next_step=step,
                people=execs,
            )
        )

    min_rank = seniority_rank(config.superior_min_seniority)
    raised: set[str] = set()
    for member in sorted(engaged_members):
        node = member
        for level in range(config.superior_levels):
            managers = sorted(org.predecessors(node)) if node in org else []
            if not managers:
                break
            node = managers[0]
            if (
                node not in raised
                and seniority_rank(seniority.get(node, Seniority.UNKNOWN)) <= min_rank
                and node not in touched
            ):
                raised.add(node)
                gaps.append(
                    Gap(
                        kind=GapKind.UNENGAGED_SUPERIOR,
                        person_id=node,
                        severity=Severity.HIGH
                        if seniority.get(node) == Seniority.C_LEVEL
                        else Severity.MEDIUM,
                        detail=f"{name(node)} ({seniority.get(node, Seniority.UNKNOWN).value}) is "
                        f"{'the manager' if level == 0 else 'two levels above'} of engaged member "
                        f"{name(member)} and has never been touched.",
                        next_step=f"Ask {name(member)} to introduce {name(node)}. "
                        f"{_path_words(find_path(node), name)}.",
                        people=[member],
                    )
                )

    required = set(template.roles)
    for member in sorted(members & departed):
        held = {r for r in holders if member in holders[r]}
        held_words = ", ".join(sorted(_role_words(r) for r in held))
        gaps.append(
            Gap(
                kind=GapKind.DEPARTED_MEMBER,
                person_id=member,
                severity=Severity.HIGH if held & required else Severity.MEDIUM,
                detail=f"{name(member)} ({held_words}) has left the company.",
                next_step="Find who took over their responsibilities, and follow them to their new company "
                "as a relationship lead.",
            )
        )

    for member in sorted(members):
        per_source = by_source[member]
        if len({frozenset(roles) for roles in per_source.values()}) > 1:
            said = "; ".join(
                f"{src.value} says {', '.join(sorted(_role_words(r) for r in roles))}"
                for src, roles in sorted(per_source.items())
            )
            gaps.append(
                Gap(
                    kind=GapKind.ROLE_CONFLICT,
                    person_id=member,
                    severity=Severity.MEDIUM,
                    detail=f"Sources disagree on {name(member)}'s role: {said}.",
                    next_step=f"Confirm {name(member)}'s role with the account team and correct the CRM.",
                )
            )
    for role in config.sole_roles:
        holding = holders.get(role, set())
        if len(holding) > 1:
            names = " and ".join(name(p) for p in sorted(holding))
            gaps.append(
                Gap(
                    kind=GapKind.ROLE_CONFLICT,
                    role=role,
                    severity=Severity.MEDIUM,
                    detail=f"{names} are each recorded as the {_role_words(role)}; a deal has only one.",
                    next_step=f"Find out who really is the {_role_words(role)} and fix the others' roles.",
                    people=sorted(holding),
                )
            )

    order = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
    gaps.sort(key=lambda g: (order[g.severity], g.kind.value, g.role or "", g.person_id or ""))
    return gaps
