"""The one rule that lays sellers' corrections over the stored (CRM) facts of an account.

Both stores call `apply_corrections` on every account they read, so the analyses, the API, the
refresh and the pages all see the same corrected account. The stored facts themselves are never
changed: withdrawing a correction (it is then no longer passed here) gives the CRM's value back.

Which fact wins, per kind of correction (corrections apply oldest first):

- role / role_withdrawn: once a seller asserted a role of a person on a deal, the seller's roles
  are the person's roles there: each is added with source `user`, and a role another source holds
  that the seller did not assert is dropped from the account and reported as a conflict. A role
  the seller withdrew is dropped (a conflict when another source holds it); without any asserted
  role, the other roles stored stay.
- reporting: a solid line replaces the person's other current solid lines (each a conflict when it
  names another manager); a dotted line is added. A line the seller drew has source `user`.
- left: the person's employment at the account ends on the day given (an open one, or one that
  ends later, is a conflict: the CRM says otherwise); without any, an ended employment is added.
  The existing rule (rules.employment_status) then reads them as departed.
- knows: a KNOWS tie with source `user` (its strength when given) replaces a stored one.
- touch: nothing to do here; a logged touch is a stored Touch (source `user`) and reaches the daily
  aggregates like an ingested one.

>>> from datetime import datetime
>>> from graph.model import AccountGraph, CommitteeRole, Company, Correction, Deal, Person
>>> acc = AccountGraph(company=Company(id="c", name="C"), people=[Person(id="p", name="P")],
...     deals=[Deal(id="d", company_id="c")],
...     committee=[CommitteeRole(deal_id="d", person_id="p", role="influencer")])
>>> fix = Correction(id="1", kind="role", company_id="c", deal_id="d", person_id="p",
...     role="champion", author="me", at=datetime(2026, 1, 1))
>>> out = apply_corrections(acc, [fix])
>>> [(c.role.value, c.source.value) for c in out.committee]
[('champion', 'user')]
>>> [(c.user_value, c.stored_value) for c in out.conflicts]
[('champion', 'influencer')]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from graph.model import (
    AccountGraph,
    BuyingRole,
    CommitteeRole,
    Conflict,
    Correction,
    CorrectionKind,
    Employment,
    Knows,
    Reporting,
    ReportingKind,
    Source,
)

__all__ = ["apply_corrections", "describe_line"]


def describe_line(manager_id: str, kind: ReportingKind) -> str:
    """A reporting line in the words a conflict uses."""
    return f"reports to {manager_id} ({kind.value})"


def _source(value: Source | str | None) -> str:
    if value is None:
        return Source.CRM.value
    return value.value if isinstance(value, Source) else str(value)


def _roles(account: AccountGraph, fixes: list[Correction], conflicts: list[Conflict]) -> list[CommitteeRole]:
    # (deal, person) -> role -> (the correction that spoke last about it, asserted or withdrawn).
    spoken: dict[tuple[str, str], dict[BuyingRole, tuple[Correction, bool]]] = {}
    last: dict[tuple[str, str], Correction] = {}
    for fix in fixes:
        if fix.deal_id is None or fix.person_id is None:
            continue
        key = (fix.deal_id, fix.person_id)
        roles = spoken.setdefault(key, {})
        last[key] = fix
        if fix.kind == CorrectionKind.ROLE and fix.role is not None:
            roles[fix.role] = (fix, True)
        elif fix.role is None:  # withdraw every role
            stored = (c.role for c in account.committee if (c.deal_id, c.person_id) == key)
            for role in [*roles, *stored]:
                roles[role] = (fix, False)
        else:
            roles[fix.role] = (fix, False)
    if not spoken:
        return account.committee
    kept: list[CommitteeRole] = []
    for row in account.committee:
        key = (row.deal_id, row.person_id)
        said_of = spoken.get(key)
        if said_of is None or row.source == Source.USER:
            kept.append(row)
            continue
        said = said_of.get(row.role)
        replaced = any(yes for _, yes in said_of.values())  # the seller named the person's roles
        if (said is not None and said[1]) or (said is None and not replaced):
            kept.append(row)  # the seller agrees, or said nothing against it
            continue
        fix = said[0] if said is not None else last[key]
        asserted = sorted(r.value for r, (_, yes) in said_of.items() if yes)
        conflicts.append(
            Conflict(
                correction_id=fix.id,
                kind=fix.kind,
                person_id=row.person_id,
                deal_id=row.deal_id,
                user_value=", ".join(asserted) if asserted else "no role",
                stored_value=row.role.value,
                stored_source=_source(row.source),
            )
        )
    for (deal_id, person_id), roles in sorted(spoken.items()):
        for role, (fix, yes) in sorted(roles.items(), key=lambda item: item[0].value):
            if not yes:
                continue
            kept.append(
                CommitteeRole(
                    deal_id=deal_id,
                    person_id=person_id,
                    role=role,
                    source=Source.USER,
                    confidence=1.0,
                    asserted_at=fix.at,
                )
            )
    return kept


def _reporting(account: AccountGraph, fixes: list[Correction], conflicts: list[Conflict]) -> list[Reporting]:
    lines = list(account.reporting)
    for fix in fixes:
        if fix.person_id is None or fix.other_id is None:
            continue
        kind = fix.line_kind or ReportingKind.SOLID
        kept: list[Reporting] = []
        for line in lines:
            if line.person_id != fix.person_id or line.until is not None:
                kept.append(line)
                continue
            same_pair = line.manager_id == fix.other_id and line.kind == kind
            replaced = kind == ReportingKind.SOLID and line.kind == ReportingKind.SOLID
            if not (same_pair or replaced):
                kept.append(line)
                continue
            if not same_pair and line.source != Source.USER:
                conflicts.append(
                    Conflict(
                        correction_id=fix.id,
                        kind=fix.kind,
                        person_id=fix.person_id,
                        user_value=describe_line(fix.other_id, kind),
                        stored_value=describe_line(line.manager_id, line.kind),
                        stored_source=_source(line.source),
                        stored_manager_id=line.manager_id,
                        stored_line_kind=line.kind,
                    )
                )
        kept.append(
            Reporting(
                person_id=fix.person_id, manager_id=fix.other_id, since=fix.on, kind=kind, source=Source.USER
            )
        )
        lines = kept
    return lines


def _employment(
    account: AccountGraph, fixes: list[Correction], conflicts: list[Conflict]
) -> list[Employment]:
    company_id = account.company.id
    jobs = list(account.employment)
    for fix in fixes:
        if fix.person_id is None or fix.on is None:
            continue
        left_on: date = fix.on
        changed: list[Employment] = []
        found = False
        for job in jobs:
            if job.person_id != fix.person_id or job.company_id != company_id:
                changed.append(job)
                continue
            if job.since is not None and job.since > left_on:
                changed.append(job)  # a later re-hire the CRM knows of stays
                continue
            found = True
            if job.until is None or job.until > left_on:
                conflicts.append(
                    Conflict(
                        correction_id=fix.id,
                        kind=fix.kind,
                        person_id=fix.person_id,
                        user_value=f"left on {left_on.isoformat()}",
                        stored_value="works here"
                        if job.until is None
                        else f"left on {job.until.isoformat()}",
                        stored_source=Source.CRM.value,
                        stored_until=job.until,
                    )
                )
                job = job.model_copy(update={"until": left_on})
            changed.append(job)
        if not found:
            changed.append(Employment(person_id=fix.person_id, company_id=company_id, until=left_on))
        jobs = changed
    return jobs


def _knows(account: AccountGraph, fixes: list[Correction]) -> list[Knows]:
    ties = {(k.person_id, k.other_id): k for k in account.knows}
    for fix in fixes:
        if fix.person_id is None or fix.other_id is None:
            continue
        ties[(fix.person_id, fix.other_id)] = Knows(
            person_id=fix.person_id, other_id=fix.other_id, strength=fix.strength, source=Source.USER.value
        )
    return [ties[key] for key in sorted(ties)]


def apply_corrections(account: AccountGraph, corrections: Iterable[Correction]) -> AccountGraph:
    """The account with its active corrections laid over the stored facts (see the module's rules),
    `corrections` and `conflicts` filled in. Withdrawn corrections and those of other accounts are
    ignored; an account without any comes back as it is."""
    active = sorted(
        (c for c in corrections if c.active and c.company_id == account.company.id),
        key=lambda c: (c.at, c.id),
    )
    if not active:
        return account
    by_kind: dict[CorrectionKind, list[Correction]] = {}
    for fix in active:
        by_kind.setdefault(fix.kind, []).append(fix)
    conflicts: list[Conflict] = []
    role_fixes = [c for c in active if c.kind in (CorrectionKind.ROLE, CorrectionKind.ROLE_WITHDRAWN)]
    update = {
        "committee": _roles(account, role_fixes, conflicts),
        "reporting": _reporting(account, by_kind.get(CorrectionKind.REPORTING, []), conflicts),
        "employment": _employment(account, by_kind.get(CorrectionKind.LEFT, []), conflicts),
        "knows": _knows(account, by_kind.get(CorrectionKind.KNOWS, [])),
        "corrections": active,
        "conflicts": conflicts,
    }
    return account.model_copy(update=update)
