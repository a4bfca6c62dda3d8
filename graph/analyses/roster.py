"""An account's roster as a refresh saw it: kept with its result (graph/analyses/portfolio.py) so that
the next refresh can tell who left, who is new and whose reporting lines changed (graph/analyses/changes.py).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from graph.analyses.rules import employment_status
from graph.model import AccountGraph, Seniority

__all__ = ["RosterEntry", "roster_of"]


class RosterEntry(BaseModel):
    """One person of an account as a refresh saw them: enough to tell who left, who is new and whose
    reporting lines changed at the next refresh."""

    person_id: str
    name: str
    title: str | None = None
    seniority: Seniority | None = None
    #: Employed at the account on the result's as_of (the rule of graph/analyses/rules.py).
    current: bool
    #: The company the person's record names now (another one than the account after a job change).
    company_id: str | None = None
    #: Their managers on as_of (solid and dotted lines to people still at the account), sorted.
    managers: list[str] = []


def roster_of(account: AccountGraph, *, as_of: date) -> list[RosterEntry]:
    """Everyone who works or worked at the account, as of `as_of`, by id.

    >>> from graph.model import Company, Person, Reporting
    >>> acc = AccountGraph(company=Company(id="c", name="C"),
    ...     people=[Person(id="a", name="A"), Person(id="b", name="B")],
    ...     reporting=[Reporting(person_id="b", manager_id="a")])
    >>> [(r.person_id, r.current, r.managers) for r in roster_of(acc, as_of=date(2025, 1, 1))]
    [('a', True, []), ('b', True, ['a'])]
    """
    company_id = account.company.id
    current, _ = employment_status(
        company_id, (p.id for p in account.people), account.employment, as_of=as_of
    )
    managers: dict[str, set[str]] = {}
    for line in account.reporting:
        if (
            line.person_id not in current
            or line.manager_id not in current
            or line.person_id == line.manager_id
        ):
            continue
        if (line.since is not None and line.since > as_of) or (
            line.until is not None and line.until <= as_of
        ):
            continue
        managers.setdefault(line.person_id, set()).add(line.manager_id)
    return [
        RosterEntry(
            person_id=p.id,
            name=p.name,
            title=p.title,
            seniority=p.seniority,
            current=p.id in current,
            company_id=p.company_id,
            managers=sorted(managers.get(p.id, ())),
        )
        for p in sorted(account.people, key=lambda p: p.id)
    ]
