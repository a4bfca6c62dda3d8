"""Inferred org charts: each person's likely manager where the CRM has no reporting lines.

Most CRMs have no org chart (HubSpot has no reporting lines; most Salesforce orgs leave ReportsToId
empty), and without one the structure signal, `unengaged_superior` gaps and reporting-line paths
are silent. This module guesses, for each person of known seniority, the manager they most likely
report to, from evidence a seller would accept:

- seniority: a manager is more senior, preferably one level up (each further level costs);
- function and department: people report inside their function; the head of a function (nobody
  more senior in it) reports to the top of the company;
- who turns to whom: a person who turns to a more senior colleague (advice sought, mail sent, the
  meetings they attend together) more likely reports to them.

Each candidate gets a score (the weights below); the best one is the inferred manager, with a
confidence (its softmax share among the candidates: 1.0 when there was no other choice) and a
reason in words. Inferred lines are returned apart from the asserted ones and never replace one:
a person who has an asserted manager gets none.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.analyses.messages import Message, render
from graph.model import SENIORITY_ORDER, Function, Seniority

__all__ = ["InferredLine", "infer_reporting_lines", "most_senior_in_function"]

#: Score of each piece of evidence for "p reports to m".
SAME_FUNCTION = 2.0
SAME_DEPARTMENT = 1.0
TURNS_TO = 1.5
TURNED_TO_BY = 0.5
HEAD_TO_TOP = 1.5
#: Cost of every seniority level between p and m beyond the first.
LEVEL_SKIPPED = 0.75

_RANK = {level: len(SENIORITY_ORDER) - i for i, level in enumerate(SENIORITY_ORDER)}


@dataclass(frozen=True)
class InferredLine:
    """`person_id` likely reports to `manager_id` (source `inferred`)."""

    person_id: str
    manager_id: str
    confidence: float
    reason: str
    #: The reason as a catalogue message, for other languages.
    reason_message: Message | None = None


def _level(seniority: Mapping[str, Seniority], node: str) -> int:
    """c_level 5 ... individual 1; unknown 0."""
    return _RANK.get(seniority.get(node, Seniority.UNKNOWN), 0)


def _top(
    people: Sequence[str], seniority: Mapping[str, Seniority], function: Mapping[str, Function | None]
) -> str | None:
    """The top of the company: the most senior person, an executive first, then by id."""
    ranked = [p for p in people if _level(seniority, p) > 0]
    if not ranked:
        return None
    return min(ranked, key=lambda p: (-_level(seniority, p), function.get(p) != Function.EXECUTIVE, p))


def infer_reporting_lines(
    people: Sequence[str],
    *,
    seniority: Mapping[str, Seniority],
    function: Mapping[str, Function | None],
    interaction: nx.DiGraph | None = None,
    department: Mapping[str, str | None] | None = None,
    managed: Collection[str] = (),
    below_asserted: nx.DiGraph | None = None,
) -> list[InferredLine]:
    """The likely manager of every person of known seniority except the top and those in `managed`
    (people with an asserted manager), in the order of `people`. `below_asserted` (the asserted
    tree, manager -> report) keeps anyone below a person from being guessed as their manager.

    >>> from graph.model import Seniority as S, Function as F
    >>> lines = infer_reporting_lines(
    ...     ["ceo", "cfo", "ctrl", "eng"],
    ...     seniority={"ceo": S.C_LEVEL, "cfo": S.VP, "ctrl": S.MANAGER, "eng": S.VP},
    ...     function={"ceo": F.EXECUTIVE, "cfo": F.FINANCE, "ctrl": F.FINANCE, "eng": F.ENGINEERING},
    ... )
    >>> [(line.person_id, line.manager_id) for line in lines]
    [('cfo', 'ceo'), ('ctrl', 'cfo'), ('eng', 'ceo')]
    """
    department = department or {}
    arcs = interaction if interaction is not None else nx.DiGraph()
    top = _top(people, seniority, function)
    if top is None:
        return []
    known = [p for p in people if _level(seniority, p) > 0]
    # Candidates worth scoring: the same function or department, the people one turns to or is
    # turned to by, and the top; anyone else scores at most 0 against a same-function manager's 2
    # (looked at only when there is nobody else: every more senior person).
    by_function: dict[Function, list[str]] = {}
    by_department: dict[str, list[str]] = {}
    for p in known:
        f, d = function.get(p), department.get(p)
        if f is not None:
            by_function.setdefault(f, []).append(p)
        if d:
            by_department.setdefault(d, []).append(p)
    highest = {f: max(_level(seniority, p) for p in members) for f, members in by_function.items()}
    lines: list[InferredLine] = []
    for person in people:
        level = _level(seniority, person)
        if person == top or person in managed or level == 0:
            continue
        own_function = function.get(person)
        own_department = department.get(person)
        is_head = own_function is None or highest.get(own_function, 0) <= level
        below = (
            nx.descendants(below_asserted, person)
            if below_asserted is not None and person in below_asserted
            else set()
        )
        pool = set(by_function.get(own_function, ()) if own_function is not None else ())
        pool.update(by_department.get(own_department, ()) if own_department else ())
        if person in arcs:
            pool.update(arcs.successors(person))
            pool.update(arcs.predecessors(person))
        pool.add(top)
        candidates = [c for c in pool if c != person and c not in below and _level(seniority, c) > level]
        if not candidates:
            candidates = [c for c in known if c != person and c not in below and _level(seniority, c) > level]
        scored: list[tuple[float, str, list[Message]]] = []
        for candidate in candidates:
            gap = _level(seniority, candidate) - level
            score = -LEVEL_SKIPPED * (gap - 1)
            why: list[Message] = []
            if own_function is not None and function.get(candidate) == own_function:
                score += SAME_FUNCTION
                why.append(Message(key="infer.same_function", params={"function": own_function.value}))
            if own_department and department.get(candidate) == own_department:
                score += SAME_DEPARTMENT
                why.append(Message(key="infer.same_department", params={"department": own_department}))
            if is_head and candidate == top:
                score += HEAD_TO_TOP
                why.append(Message(key="infer.head_to_top"))
            if arcs.has_edge(person, candidate):
                score += TURNS_TO
                why.append(Message(key="infer.turns_to"))
            if arcs.has_edge(candidate, person):
                score += TURNED_TO_BY
                why.append(Message(key="infer.turned_to_by"))
            why.append(
                Message(key="infer.one_level_up")
                if gap == 1
                else Message(key="infer.levels_up", params={"levels": gap})
            )
            scored.append((score, candidate, why))
        if not scored:
            continue
        scored.sort(key=lambda item: (-item[0], item[1]))
        best_score, manager, why = scored[0]
        total = sum(math.exp(score - best_score) for score, _, _ in scored)
        lines.append(
            InferredLine(
                person_id=person,
                manager_id=manager,
                confidence=round(1.0 / total, 4),
                reason=render(reason := Message(key="infer.reasons", params={"reasons": why})),
                reason_message=reason,
            )
        )
    return lines


def most_senior_in_function(
    people: Sequence[str],
    *,
    seniority: Mapping[str, Seniority],
    function: Mapping[str, Function | None],
) -> dict[str, str]:
    """The simple baseline: everyone reports to the most senior person of their function; that
    person (and anyone of no known function) to the top of the company."""
    top = _top(people, seniority, function)
    if top is None:
        return {}
    head: dict[Function | None, str] = {}
    for person in sorted(people):
        f = function.get(person)
        if f is None or _level(seniority, person) == 0:
            continue
        current = head.get(f)
        if current is None or _level(seniority, person) > _level(seniority, current):
            head[f] = person
    managers: dict[str, str] = {}
    for person in people:
        if person == top or _level(seniority, person) == 0:
            continue
        f = function.get(person)
        boss = head.get(f) if f is not None else None
        managers[person] = top if boss is None or boss == person else boss
    return managers
