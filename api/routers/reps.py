"""`/api/v1/reps`: our reps, each with how many accounts they work on, and one rep with their accounts."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from api.deps import ReadKey, RuntimeDep, StoreDep
from api.errors import problem_responses
from api.listing import CSV_RESPONSE, ListFormatQuery, csv_response, wants_csv
from api.params import PageLimit, check_limit
from api.schemas import AccountPublic
from graph.model import FROM_STORE, Page, Rep, RepKind

router = APIRouter(prefix="/reps", tags=["reps"])

RepId = Annotated[str, Path(min_length=1, max_length=256, description="The rep id.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


class RepListItemPublic(Rep):
    """One of our reps; `accounts`: how many accounts they work on (accounts of the deals they own,
    current accounts of the people they touched)."""

    accounts: int


class RepsPublic(Page[RepListItemPublic]):
    """One page of reps ordered by name; `count` is the total that matched."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [
                        {
                            "id": "rep-1",
                            "name": "Sam Seller",
                            "email": "sam@ourco.example",
                            "team": "Enterprise East",
                            "kind": "sales",
                            "accounts": 12,
                        }
                    ],
                    "count": 1,
                    "offset": 0,
                    "limit": 50,
                }
            ]
        }
    )


class RepAccountPublic(BaseModel):
    """One account a rep works on: the deals they own there, their touches with its people, the day
    of the last one."""

    account: AccountPublic
    owned_deals: int
    touches: int
    last_touch: date | None = None


class RepAccountsPublic(Page[RepAccountPublic]):
    """One page of a rep's accounts, by account name."""


class RepDetailPublic(BaseModel):
    """One rep and a page of their accounts."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "rep": {"id": "rep-1", "name": "Sam Seller", "team": "Enterprise East", "kind": "sales"},
                    "accounts": {
                        "data": [
                            {
                                "account": {"id": "acme", "name": "Acme Corp", "domain": "acme.example"},
                                "owned_deals": 2,
                                "touches": 41,
                                "last_touch": "2026-06-12",
                            }
                        ],
                        "count": 1,
                        "offset": 0,
                        "limit": 50,
                    },
                }
            ]
        }
    )

    rep: Rep
    accounts: RepAccountsPublic


@router.get(
    "",
    response_model=RepsPublic,
    summary="List our reps with how many accounts each works on",
    responses={**problem_responses(401, 403, 422, 503), **CSV_RESPONSE},
)
def list_reps(
    request: Request,
    store: StoreDep,
    runtime: RuntimeDep,
    _key: ReadKey,
    search: Annotated[
        str | None,
        Query(max_length=200, description="Matches name, e-mail or id, ignoring case and accents."),
    ] = None,
    team: Annotated[str | None, Query(max_length=200, description="Exact team name.")] = None,
    kind: Annotated[RepKind | None, Query(description="What the rep does.")] = None,
    offset: Offset = 0,
    limit: PageLimit = 50,
    format_: ListFormatQuery = None,
) -> RepsPublic | Response:
    check_limit(limit, runtime.settings.max_page_size)
    page = store.list_reps(
        search=search or None,
        team=team or None,
        kind=kind.value if kind else None,
        offset=offset,
        limit=limit,
    )
    items = [
        RepListItemPublic.model_validate(
            {**item.rep.model_dump(), "accounts": item.accounts}, context=FROM_STORE
        )
        for item in page.data
    ]
    if wants_csv(request, format_):
        return csv_response(items, RepListItemPublic, "reps.csv")
    return RepsPublic(data=items, count=page.count, offset=page.offset, limit=page.limit)


@router.get(
    "/{rep_id}",
    response_model=RepDetailPublic,
    summary="One rep with the accounts they work on (deals they own, people they touched)",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def get_rep(
    rep_id: RepId,
    store: StoreDep,
    runtime: RuntimeDep,
    _key: ReadKey,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Offset into the rep's accounts.")] = 0,
    limit: PageLimit = 50,
) -> RepDetailPublic:
    check_limit(limit, runtime.settings.max_page_size)
    rep = store.get_rep(rep_id)
    page = store.rep_accounts(rep_id, offset=offset, limit=limit)
    return RepDetailPublic(
        rep=rep,
        accounts=RepAccountsPublic(
            data=[
                RepAccountPublic(
                    account=AccountPublic.model_validate(item.account.model_dump()),
                    owned_deals=item.owned_deals,
                    touches=item.touches,
                    last_touch=item.last_touch,
                )
                for item in page.data
            ],
            count=page.count,
            offset=page.offset,
            limit=page.limit,
        ),
    )
