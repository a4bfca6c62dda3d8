"""Turning a seller's correction request into a stored `Correction`: which account it is about, that
every id it names exists there, and who made it. The API and the pages (through the API) use this; how a
correction is then laid over the CRM's facts is the one rule of graph/analyses/corrections.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from api.schemas import (
    CorrectionCreate,
    CorrectionPublic,
    KnowsCorrectionCreate,
    LeftCorrectionCreate,
    ReportingCorrectionCreate,
    RoleCorrectionCreate,
    RoleWithdrawalCreate,
    TouchCorrectionCreate,
)
from graph.errors import InvalidInputError, NotFoundError
from graph.model import (
    USER_TOUCH_PREFIX,
    AccountGraph,
    Conflict,
    Correction,
    CorrectionKind,
    Source,
    Touch,
    TouchKind,
)
from graph.stores.base import GraphStore

__all__ = ["build_correction", "with_conflicts"]


def _new_id() -> str:
    return f"cor-{uuid.uuid4().hex[:16]}"


def _field_error(field: str, detail: str) -> InvalidInputError:
    return InvalidInputError(f"{field}: {detail}")


def _person_account(store: GraphStore, field: str, person_id: str, account_id: str | None = None) -> str:
    """The account a correction about this person concerns: the one given, or the person's current one."""
    try:
        person = store.get_person(person_id)
    except NotFoundError:
        raise _field_error(field, f"no person has the id {person_id!r}") from None
    company_id = account_id or person.company_id
    if not company_id:
        raise _field_error("account_id", f"the person {person_id!r} has no current account; name the account")
    return company_id


def _account(store: GraphStore, company_id: str) -> AccountGraph:
    try:
        return store.account_graph(company_id)
    except NotFoundError:
        raise _field_error("account_id", f"no account has the id {company_id!r}") from None


def _member(account: AccountGraph, field: str, person_id: str) -> None:
    if all(p.id != person_id for p in account.people):
        raise _field_error(
            field, f"no person {person_id!r} works or worked at the account {account.company.id!r}"
        )


def _deal_account(store: GraphStore, deal_id: str) -> AccountGraph:
    try:
        deal = store.get_deal(deal_id)
    except NotFoundError:
        raise _field_error("deal_id", f"no deal has the id {deal_id!r}") from None
    return _account(store, deal.company_id)


def build_correction(
    store: GraphStore, body: CorrectionCreate, *, author: str, at: datetime | None = None
) -> tuple[Correction, Touch | None]:
    """The correction to store (and the touch it logs), after checking every id it names; raises
    InvalidInputError naming the body field that is wrong."""
    now = at or datetime.now(UTC)
    cid = _new_id()
    common = {"id": cid, "author": author, "at": now, "note": body.note, "source": Source.USER}
    if isinstance(body, RoleCorrectionCreate | RoleWithdrawalCreate):
        account = _deal_account(store, body.deal_id)
        _member(account, "person_id", body.person_id)
        kind = (
            CorrectionKind.ROLE if isinstance(body, RoleCorrectionCreate) else CorrectionKind.ROLE_WITHDRAWN
        )
        return (
            Correction(
                **common,
                kind=kind,
                company_id=account.company.id,
                deal_id=body.deal_id,
                person_id=body.person_id,
                role=body.role,
            ),
            None,
        )
    if isinstance(body, ReportingCorrectionCreate):
        if body.person_id == body.manager_id:
            raise _field_error("manager_id", "a person cannot report to themselves")
        account = _account(store, _person_account(store, "person_id", body.person_id))
        _member(account, "manager_id", body.manager_id)
        return (
            Correction(
                **common,
                kind=CorrectionKind.REPORTING,
                company_id=account.company.id,
                person_id=body.person_id,
                other_id=body.manager_id,
                line_kind=body.line_kind,
                on=body.since,
            ),
            None,
        )
    if isinstance(body, LeftCorrectionCreate):
        account = _account(store, _person_account(store, "person_id", body.person_id, body.account_id))
        _member(account, "person_id", body.person_id)
        return (
            Correction(
                **common,
                kind=CorrectionKind.LEFT,
                company_id=account.company.id,
                person_id=body.person_id,
                on=body.on,
            ),
            None,
        )
    if isinstance(body, KnowsCorrectionCreate):
        if body.person_id == body.other_id:
            raise _field_error("other_id", "a KNOWS tie links two different people")
        account = _account(store, _person_account(store, "person_id", body.person_id))
        _member(account, "other_id", body.other_id)
        return (
            Correction(
                **common,
                kind=CorrectionKind.KNOWS,
                company_id=account.company.id,
                person_id=body.person_id,
                other_id=body.other_id,
                strength=body.strength,
            ),
            None,
        )
    return _touch_correction(store, body, common)


def _touch_correction(
    store: GraphStore, body: TouchCorrectionCreate, common: dict[str, object]
) -> tuple[Correction, Touch]:
    if body.deal_id is not None:
        account = _deal_account(store, body.deal_id)
    else:
        account = _account(store, _person_account(store, "person_ids", body.person_ids[0]))
    for person_id in body.person_ids:
        _member(account, "person_ids", person_id)
    if body.rep_id is not None:
        try:
            store.get_rep(body.rep_id)
        except NotFoundError:
            raise _field_error("rep_id", f"no rep of ours has the id {body.rep_id!r}") from None
    touch_id = f"{USER_TOUCH_PREFIX}{common['id']}"
    kind = TouchKind(body.touch_kind)
    touch = Touch(
        id=touch_id,
        at=body.at,
        kind=kind,
        person_ids=body.person_ids,
        rep_id=body.rep_id,
        deal_id=body.deal_id,
        duration_s=body.duration_s,
        source=Source.USER.value,
        subject=body.note,
    )
    correction = Correction.model_validate(
        {
            **common,
            "kind": CorrectionKind.TOUCH,
            "company_id": account.company.id,
            "deal_id": body.deal_id,
            "touch_id": touch_id,
            "touch_at": touch.at,
            "touch_kind": kind,
            "person_ids": touch.person_ids,
            "rep_id": body.rep_id,
            "duration_s": body.duration_s,
        }
    )
    return correction, touch


def with_conflicts(store: GraphStore, corrections: Sequence[Correction]) -> list[CorrectionPublic]:
    """The corrections as the API shows them: each active one with its conflicts, read from its
    account as the one rule lays it out (each account read once)."""
    accounts = {c.company_id for c in corrections if c.active}
    found = store.account_graphs(sorted(accounts)) if accounts else {}
    conflicts: dict[str, list[Conflict]] = {}
    for account in found.values():
        for conflict in account.conflicts:
            conflicts.setdefault(conflict.correction_id, []).append(conflict)
    return [
        CorrectionPublic.model_validate({**c.model_dump(), "conflicts": conflicts.get(c.id, [])})
        for c in corrections
    ]
