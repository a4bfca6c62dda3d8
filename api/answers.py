"""The key people and deal gaps answers (api/schemas.py: KeyPeoplePublic, DealGapsPublic), defined once
for every path that gives them: computed for a request, read from a kept detail, and rendered as JSON
by refresh so that a request sends the kept JSON as it is (issue 18: no validation and encoding per
request).

A rendered answer is spliced from two parts: its head (freshness, ids, `as_of`), rendered per request
by the same public model, and its tail (`TAILS`: the fields that come from the analysis, the model's
last ones), rendered by refresh (`render_answers`, kept in `AccountResult.answers`). Both are
pydantic's JSON of the model, as FastAPI sends a `response_model` (by alias, nothing excluded), so
the body is byte for byte the one the model would give (tests/api/test_kept_json_answers.py).

Rendered answers carry the render-format token (`RENDER_FORMAT`) of the models they were rendered
by; one kept with another token (an upgrade changed a model's shape) is not sent: the endpoints
answer from the kept detail instead, as for results kept before answers were rendered.

The account list (`AccountsPublic`) is sent the same way (`accounts_response`): each row from the
company's stored properties and the kept figures' JSON text the store keeps with the result.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Final, Literal, TypedDict

from fastapi import Response
from pydantic import BaseModel, TypeAdapter

from api.schemas import AccountListItemPublic, AccountsPublic, DealGapsPublic, KeyPeoplePublic
from graph.analyses import DealAnalysis, KeyPerson
from graph.analyses.portfolio import (
    AccountRow,
    KeptAnswers,
    KeptDealGapsJson,
    KeptDetail,
    KeptKeyPeopleJson,
    key_people_json,
    summary_json_with_stale,
)
from graph.model import Page
from graph.shapes import shape_token

__all__ = [
    "RENDER_FORMAT",
    "TAILS",
    "Freshness",
    "accounts_response",
    "deal_gaps_public",
    "kept_deal_gaps_response",
    "kept_key_people_response",
    "key_people_public",
    "render_answers",
]

#: Per answer model, the fields refresh renders (the model's last fields, in order).
TAILS: Final[dict[type[BaseModel], tuple[str, ...]]] = {
    KeyPeoplePublic: ("data", "count", "notes"),
    DealGapsPublic: ("template", "required_roles", "data", "count"),
}


#: The render-format token of answers rendered by this version (KeptAnswers.format), computed once
#: (graph/shapes.py: shape_token).
RENDER_FORMAT: Final[str] = shape_token(TAILS)


class Freshness(TypedDict):
    """The freshness fields of an answer (api/schemas.py: FreshnessPublic)."""

    source: Literal["kept", "computed"]
    computed_at: datetime | None
    stale: bool


_MEDIA_TYPE = "application/json"
#: Placeholders for the tail fields of a head-only answer (`_head`): not rendered.
_NO_PEOPLE: dict[str, Any] = {"data": [], "count": 0}
_NO_GAPS: dict[str, Any] = {"template": "", "required_roles": [], "data": [], "count": 0}


def key_people_public(
    *,
    account_id: str,
    as_of: date,
    people: list[KeyPerson],
    notes: list[str],
    source: Literal["kept", "computed"],
    computed_at: datetime | None,
    stale: bool,
) -> KeyPeoplePublic:
    """The account's key people answer (`people` already cut to the request's limit)."""
    return KeyPeoplePublic(
        source=source,
        computed_at=computed_at,
        stale=stale,
        account_id=account_id,
        as_of=as_of,
        data=people,
        count=len(people),
        notes=notes,
    )


def deal_gaps_public(
    *,
    deal_id: str,
    account_id: str,
    as_of: date,
    analysis: DealAnalysis,
    source: Literal["kept", "computed"],
    computed_at: datetime | None,
    stale: bool,
) -> DealGapsPublic:
    """The deal's gaps answer from its analysis."""
    return DealGapsPublic(
        source=source,
        computed_at=computed_at,
        stale=stale,
        deal_id=deal_id,
        account_id=account_id,
        as_of=as_of,
        template=analysis.template,
        required_roles=analysis.required_roles,
        data=analysis.gaps,
        count=len(analysis.gaps),
    )


def _members(answer: BaseModel, fields: tuple[str, ...]) -> bytes:
    """These fields of the answer as pydantic renders them in the whole answer (`"a":1,"b":[]`)."""
    return answer.model_dump_json(by_alias=True, include=set(fields)).encode()[1:-1]


def _head(answer: BaseModel) -> bytes:
    """The answer's JSON without its tail fields and without the closing brace (`{"source":...`)."""
    return answer.model_dump_json(by_alias=True, exclude=set(TAILS[type(answer)])).encode()[:-1]


def _check_tails() -> None:
    for model, tail in TAILS.items():
        names = list(model.model_fields)
        if tuple(names[-len(tail) :]) != tail or any(model.model_fields[n].alias for n in tail):
            raise TypeError(f"{model.__name__}: {tail} must be its last fields, without aliases")


_check_tails()
#: Render the notes as the answer's `notes` (its field type; the key people: `key_people_json`).
_NOTES: Final = TypeAdapter(list[str])
if (KeyPeoplePublic.model_fields["data"].annotation, KeyPeoplePublic.model_fields["notes"].annotation) != (
    list[KeyPerson],
    list[str],
):
    raise TypeError("KeyPeoplePublic's data and notes are no longer rendered as render_answers renders them")


def render_answers(detail: KeptDetail) -> KeptAnswers:
    """The key people and every open deal's gaps answer of a kept detail, rendered for keeping (the
    tails; requests add the heads): one JSON text per key person in rank order, the notes' JSON, and
    per deal the members of its gaps answer."""
    key_people = key_people_json(detail.key_people)
    deal_gaps = {
        d.deal_id: _members(
            deal_gaps_public(
                deal_id=d.deal_id,
                account_id="",
                as_of=date.min,
                analysis=d,
                source="kept",
                computed_at=None,
                stale=False,
            ),
            TAILS[DealGapsPublic],
        ).decode()
        for d in detail.deals
    }
    return KeptAnswers(
        key_people=key_people,
        key_people_notes=_NOTES.dump_json(detail.key_people_notes, by_alias=True).decode(),
        deal_gaps=deal_gaps,
        format=RENDER_FORMAT,
    )


def kept_key_people_response(account_id: str, kept: KeptKeyPeopleJson) -> Response | None:
    """The key people answer sent from its rendered JSON (None when the kept result has none, or has
    it in another render format: the caller answers from the kept detail)."""
    if kept.items is None or kept.notes is None or kept.format != RENDER_FORMAT:
        return None
    head = _head(
        KeyPeoplePublic(
            source="kept",
            computed_at=kept.computed_at,
            stale=kept.stale,
            account_id=account_id,
            as_of=kept.as_of,
            **_NO_PEOPLE,
        )
    )
    items = ",".join(kept.items)
    tail = f'"data":[{items}],"count":{len(kept.items)},"notes":{kept.notes}'
    return Response(content=head + b"," + tail.encode() + b"}", media_type=_MEDIA_TYPE)


def kept_deal_gaps_response(deal_id: str, kept: KeptDealGapsJson) -> Response | None:
    """The deal's gaps answer sent from its rendered JSON (None when the kept result has none, or has
    it in another render format: the caller answers from the kept detail)."""
    if kept.members is None or kept.format != RENDER_FORMAT:
        return None
    head = _head(
        DealGapsPublic(
            source="kept",
            computed_at=kept.computed_at,
            stale=kept.stale,
            deal_id=deal_id,
            account_id=kept.account_id,
            as_of=kept.as_of,
            **_NO_GAPS,
        )
    )
    return Response(content=head + b"," + kept.members.encode() + b"}", media_type=_MEDIA_TYPE)


#: An account list item's fields before `result` (its last): the company's, in the model's order.
_ACCOUNT_FIELDS: Final = tuple(name for name in AccountListItemPublic.model_fields if name != "result")
if (
    list(AccountListItemPublic.model_fields)[-1] != "result"
    or list(AccountsPublic.model_fields) != ["data", "count", "offset", "limit"]
    or any(f.alias or f.serialization_alias for f in AccountListItemPublic.model_fields.values())
):
    raise TypeError("AccountListItemPublic / AccountsPublic changed: accounts_response renders them by hand")


def accounts_response(page: Page[AccountRow]) -> Response:
    """A page of the account list sent from the rows as stored, without validating each again: the
    JSON of `AccountsPublic` (the company's fields in its order, then `result`: the kept summary's
    text with `stale`, or null), byte for byte what the model gives (tests/api/test_account_rows_json.py).
    The company's values are plain JSON values (strings, integers, null) as stored from its model."""
    rows = []
    for row in page.data:
        company = row.company
        head = json.dumps(
            {name: company.get(name) for name in _ACCOUNT_FIELDS}, ensure_ascii=False, separators=(",", ":")
        )
        result = "null" if row.summary_json is None else summary_json_with_stale(row.summary_json, row.stale)
        rows.append(f'{head[:-1]},"result":{result}}}')
    body = f'{{"data":[{",".join(rows)}],"count":{page.count},"offset":{page.offset},"limit":{page.limit}}}'
    return Response(content=body.encode(), media_type=_MEDIA_TYPE)
