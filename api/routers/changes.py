"""`/api/v1/changes`: what changed in the book, in the order it was found, paged by a cursor."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from api.deps import ReadKey, RuntimeDep, StoreDep
from api.errors import ApiProblem, problem_responses
from api.params import PageLimit, check_limit
from graph.analyses.changes import ChangeKind, LoggedChange

router = APIRouter(prefix="/changes", tags=["changes"])

#: The largest cursor a client may send (anything longer is no cursor of ours).
MAX_CURSOR = 10**15


class ChangesPublic(BaseModel):
    """One page of changes in cursor order. Ask again with `since=<next_cursor>` for the next ones
    (an empty page keeps the cursor: nothing new yet)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [
                        {
                            "cursor": 42,
                            "kind": "job_change",
                            "account_id": "acme",
                            "deal_id": None,
                            "person_id": "p-17",
                            "as_of": "2026-12-07",
                            "detected_at": "2026-12-07T06:00:12Z",
                            "summary": "Cy Champion moved from account acme to globex: a lead there",
                            "data": {
                                "from_account_id": "acme",
                                "roles": {"d-9": ["champion"]},
                                "lead": {
                                    "person_id": "p-17",
                                    "name": "Cy Champion",
                                    "title": "CIO",
                                    "company_id": "globex",
                                },
                            },
                        }
                    ],
                    "count": 1,
                    "next_cursor": 42,
                }
            ]
        }
    )

    data: list[LoggedChange]
    count: int
    next_cursor: int


def parse_since(value: str | None) -> tuple[int, datetime | None]:
    """`since` as (cursor, time): a whole number is a cursor; an ISO date or date-time (UTC unless it
    says otherwise) is a time."""
    if value is None or not value.strip():
        return 0, None
    text = value.strip()
    if text.isascii() and text.isdigit():
        cursor = int(text)
        if cursor > MAX_CURSOR:
            raise _bad_since(f"a cursor is at most {MAX_CURSOR}")
        return cursor, None
    try:
        if len(text) == 10:
            at = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            at = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise _bad_since("a cursor (a whole number) or an ISO 8601 date or date-time") from None
    return 0, at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _bad_since(detail: str) -> ApiProblem:
    return ApiProblem(422, "validation", "Invalid request", f"query:since: must be {detail}")


@router.get(
    "",
    response_model=ChangesPublic,
    summary="What changed in the book since a cursor or a time (gaps, people, engagement, win likelihood)",
    responses=problem_responses(401, 403, 422, 503),
)
def list_changes(
    store: StoreDep,
    runtime: RuntimeDep,
    _key: ReadKey,
    since: Annotated[
        str | None,
        Query(
            max_length=40,
            description=(
                "The `next_cursor` of the previous page, or an ISO 8601 date or date-time "
                "(changes found at or after it); none: from the start of the log."
            ),
            examples=["42", "2026-12-01T00:00:00Z"],
        ),
    ] = None,
    kind: Annotated[ChangeKind | None, Query(description="Only changes of this kind.")] = None,
    account_id: Annotated[
        str | None, Query(min_length=1, max_length=256, description="Only changes of this account.")
    ] = None,
    limit: PageLimit = 100,
) -> ChangesPublic:
    check_limit(limit, runtime.settings.max_page_size)
    after, at = parse_since(since)
    found = store.list_changes(
        after=after, since=at, kind=kind.value if kind else None, account_id=account_id, limit=limit
    )
    if found:
        next_cursor = found[-1].cursor
    elif at is not None:
        next_cursor = store.last_change_cursor()
    else:
        next_cursor = after
    return ChangesPublic(data=found, count=len(found), next_cursor=next_cursor)
