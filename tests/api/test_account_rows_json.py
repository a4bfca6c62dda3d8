"""`GET /api/v1/accounts` sends its rows as the store keeps them (api/answers.py: accounts_response),
without validating them again: the body is byte for byte the `AccountsPublic` the model would give
for the same page, on both stores, refreshed or not, stale or not, sorted and filtered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.schemas import AccountListItemPublic, AccountsPublic
from graph.analyses.portfolio import AccountFilter
from tests.api.conftest import ApiEnv
from tests.api.test_portfolio_lists import refresh_all


def _model_body(api: ApiEnv, query: AccountFilter, offset: int, limit: int) -> bytes:
    page = api.store.list_account_results(query, offset=offset, limit=limit)
    items = [
        AccountListItemPublic.model_validate({**item.company.model_dump(), "result": item.result})
        for item in page.data
    ]
    return AccountsPublic(data=items, count=page.count, offset=offset, limit=limit).model_dump_json().encode()


CASES = [
    ({}, AccountFilter(), 0, 50),
    ({"sort": "-gaps_high", "limit": 7}, AccountFilter(sort="gaps_high", descending=True), 0, 7),
    ({"sort": "coverage", "offset": 3, "limit": 5}, AccountFilter(sort="coverage"), 3, 5),
    (
        {"min_gaps": 0, "sort": "-gaps_total"},
        AccountFilter(min_gaps=0, sort="gaps_total", descending=True),
        0,
        50,
    ),
    ({"offset": 10_000}, AccountFilter(), 10_000, 50),
]


def test_the_list_body_is_the_models_json(api: ApiEnv) -> None:
    for params, query, offset, limit in CASES:  # nothing refreshed yet: every result null
        response = api.get("/api/v1/accounts", params=params)
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        assert response.content == _model_body(api, query, offset, limit), params
    kept = refresh_all(api)
    changed = sorted(kept)[0]
    api.store.mark_accounts_changed(company_ids=[changed], at=datetime.now(UTC) + timedelta(seconds=1))
    for params, query, offset, limit in CASES:
        response = api.get("/api/v1/accounts", params=params)
        assert response.content == _model_body(api, query, offset, limit), params
    body = api.get("/api/v1/accounts", params={"limit": 200}).json()
    assert {a["id"] for a in body["data"] if a["result"] and a["result"]["stale"]} == {changed}
