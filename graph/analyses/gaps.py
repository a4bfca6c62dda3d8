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
from typing import Any

import networkx as nx

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig, CommitteeTemplate
from graph.analyses.messages import Message, render
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


def _path_words(path: WarmPath | None, label: Callable[[str], str]) -> Message:
    if path is None:
        return Message(key="path.none")
    return Message(key="path.warmest", params={"chain": " -> ".join(label(n) for n in path.nodes)})


def _introduction(person: str, member: str, path: WarmPath | None, label: Callable[[str], str]) -> Message:
    """Who should introduce `person`: the last person on the warmest path (so that the next step
    and the path name the same introducer); our rep directly when the path is one hop; the engaged
    member below them when there is no warm path."""
    words = _path_words(path, label)
    if path is not None and len(path.nodes) == 2:
        return Message(
            key="gap.unengaged_superior.next_direct",
            params={"person": label(person), "rep": label(path.nodes[0]), "path": words},
        )
    introducer = path.nodes[-2] if path is not None and len(path.nodes) > 2 else member
    return Message(
        key="gap.unengaged_superior.next",
        params={"person": label(person), "introducer": label(introducer), "path": words},
    )


def _gap(detail: Message, next_step: Message, **fields: Any) -> Gap:
    """A gap whose texts are catalogue messages; `detail` and `next_step` hold their English."""
    return Gap(
        detail=render(detail, "en"),
        next_step=render(next_step, "en"),
        detail_message=detail,
        next_step_message=next_step,
        **fields,
    )


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
    deal_name = deal.name or deal.id

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
                step = Message(
                    key="gap.missing_role.next",
                    params={
                        "role": role,
                        "candidates": [name(c) for c in candidates],
                        "path": _path_words(find_path(candidates[0]), name),
                    },
                )
            else:
                step = Message(key="gap.missing_role.nobody", params={"role": role})
            gaps.append(
                _gap(
                    Message(
                        key="gap.missing_role",
                        params={"template": template.name, "role": role, "deal": deal_name},
                    ),
                    step,
                    kind=GapKind.MISSING_ROLE,
                    role=role,
                    severity=Severity.HIGH if role in _KEY_ROLES else Severity.MEDIUM,
                    people=candidates,
                )
            )
        elif not holding & engaged:
            names = [name(p) for p in sorted(holding)]
            gaps.append(
                _gap(
                    Message(
                        key="gap.stale_role",
                        params={"role": role, "holders": names, "days": config.engaged_days},
                    ),
                    Message(key="gap.stale_role.next", params={"holders": names}),
                    kind=GapKind.STALE_ROLE,
                    role=role,
                    severity=Severity.HIGH if role in _KEY_ROLES else Severity.MEDIUM,
                    people=sorted(holding),
                )
            )

    if len(engaged_members) < 2:
        gaps.append(
            _gap(
                Message(
                    key="gap.single_threaded",
                    params={"count": len(engaged_members), "days": config.engaged_days},
                ),
                Message(key="gap.single_threaded.next"),
                kind=GapKind.SINGLE_THREADED,
                severity=Severity.HIGH,
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
            step = Message(
                key="gap.no_executive.reengage",
                params={"person": name(execs[0]), "path": _path_words(find_path(execs[0]), name)},
            )
        else:
            pool = sorted(
                (p for p in current if seniority_rank(seniority.get(p, Seniority.UNKNOWN)) <= exec_rank),
                key=lambda p: (-influence.get(p, 0.0), p),
            )
            step = (
                Message(
                    key="gap.no_executive.bring_in",
                    params={"person": name(pool[0]), "path": _path_words(find_path(pool[0]), name)},
                )
                if pool
                else Message(key="gap.no_executive.ask")
            )
        gaps.append(
            _gap(
                Message(
                    key="gap.no_executive",
                    params={"amount": deal.amount, "currency": _currency_suffix(deal, config)},
                ),
                step,
                kind=GapKind.NO_EXECUTIVE,
                severity=Severity.HIGH,
                people=execs,
            )
        )

    min_rank = seniority_rank(config.superior_min_seniority)
    raised: set[str] = set()
    for member in sorted(engaged_members):
        node = member
        # The lowest confidence of an inferred line climbed so far (1.0: asserted lines only).
        confidence = 1.0
        for level in range(config.superior_levels):
            managers = sorted(org.predecessors(node)) if node in org else []
            if not managers:
                break
            line = org.edges[managers[0], node]
            if line.get("inferred"):
                confidence = min(confidence, float(line.get("confidence", 0.0)))
            node = managers[0]
            if (
                node not in raised
                and seniority_rank(seniority.get(node, Seniority.UNKNOWN)) <= min_rank
                and node not in touched
            ):
                raised.add(node)
                severity = Severity.HIGH if seniority.get(node) == Seniority.C_LEVEL else Severity.MEDIUM
                key = "gap.unengaged_superior." + ("manager" if level == 0 else "two_levels")
                if confidence < 1.0:  # resting on an inferred line: said so, one step less severe
                    key += "_inferred"
                    severity = Severity.MEDIUM if severity == Severity.HIGH else Severity.LOW
                gaps.append(
                    _gap(
                        Message(
                            key=key,
                            params={
                                "person": name(node),
                                "seniority": seniority.get(node, Seniority.UNKNOWN),
                                "member": name(member),
                                "confidence": round(confidence, 2),
                            },
                        ),
                        _introduction(node, member, find_path(node), name),
                        kind=GapKind.UNENGAGED_SUPERIOR,
                        person_id=node,
                        severity=severity,
                        people=[member],
                    )
                )

    required = set(template.roles)
    for member in sorted(members & departed):
        held = {r for r in holders if member in holders[r]}
        gaps.append(
            _gap(
                Message(
                    key="gap.departed_member",
                    params={"person": name(member), "roles": sorted(held, key=_role_words)},
                ),
                Message(key="gap.departed_member.next"),
                kind=GapKind.DEPARTED_MEMBER,
                person_id=member,
                severity=Severity.HIGH if held & required else Severity.MEDIUM,
            )
        )

    for member in sorted(members):
        per_source = by_source[member]
        if len({frozenset(roles) for roles in per_source.values()}) > 1:
            said = [
                Message(
                    key="gap.role_conflict.source_says",
                    params={"source": src.value, "roles": sorted(roles, key=_role_words)},
                )
                for src, roles in sorted(per_source.items())
            ]
            gaps.append(
                _gap(
                    Message(key="gap.role_conflict.sources", params={"person": name(member), "said": said}),
                    Message(key="gap.role_conflict.sources.next", params={"person": name(member)}),
                    kind=GapKind.ROLE_CONFLICT,
                    person_id=member,
                    severity=Severity.MEDIUM,
                )
            )
    for role in config.sole_roles:
        holding = holders.get(role, set())
        if len(holding) > 1:
            gaps.append(
                _gap(
                    Message(
                        key="gap.role_conflict.sole",
                        params={"holders": [name(p) for p in sorted(holding)], "role": role},
                    ),
                    Message(key="gap.role_conflict.sole.next", params={"role": role}),
                    kind=GapKind.ROLE_CONFLICT,
                    role=role,
                    severity=Severity.MEDIUM,
                    people=sorted(holding),
                )
            )

    order = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
    gaps.sort(key=lambda g: (order[g.severity], g.kind.value, g.role or "", g.person_id or ""))
    return gaps
