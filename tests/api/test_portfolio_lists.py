"""`GET /api/v1/accounts` and `GET /api/v1/deals` sort and filter every account and deal on the server,
from the kept results of `buyergraph refresh`, and say how fresh they are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.refresh import compute_results
from graph.analyses.portfolio import AccountResult
from graph.model import DealStatus
from tests.api.conftest import AS_OF, ApiEnv


def refresh_all(api: ApiEnv) -> dict[str, AccountResult]:
    store = api.store
    ids = store.accounts_to_refresh(everything=True)
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    store.write_results(compute_results(store, ids, as_of=AS_OF, config=runtime.config))
    return store.read_results(ids)


def test_accounts_sort_and_filter_on_kept_figures(api: ApiEnv) -> None:
    before = api.get("/api/v1/accounts").json()
    assert all(a["result"] is None for a in before["data"])  # nothing refreshed yet
    kept = refresh_all(api)
    body = api.get("/api/v1/accounts", params={"sort": "-gaps_high", "limit": 200}).json()
    names = {a["id"]: a["name"] for a in body["data"]}
    expected = sorted(kept.values(), key=lambda r: (-r.gaps_high, names[r.account_id], r.account_id))
    assert [a["id"] for a in body["data"]] == [r.account_id for r in expected]
    first = body["data"][0]["result"]
    assert first["as_of"] == AS_OF.isoformat() and first["computed_at"] and first["stale"] is False
    assert first["gaps_by_severity"]["high"] == expected[0].gaps_high

    kind = next(k for r in kept.values() for k, n in r.gaps_by_kind.items() if n)
    by_kind = api.get("/api/v1/accounts", params={"gap_kind": kind, "limit": 200}).json()
    assert {a["id"] for a in by_kind["data"]} == {r.account_id for r in kept.values() if r.gaps_by_kind[kind]}
    calm = api.get("/api/v1/accounts", params={"at_risk": "false", "limit": 200}).json()
    assert calm["count"] == sum(1 for r in kept.values() if not r.at_risk)
    high = api.get("/api/v1/accounts", params={"min_gaps_high": 1, "sort": "coverage"}).json()
    assert high["count"] == sum(1 for r in kept.values() if r.gaps_high >= 1)

    account_id = expected[0].account_id
    api.store.mark_accounts_changed(company_ids=[account_id], at=datetime.now(UTC) + timedelta(seconds=1))
    again = api.get("/api/v1/accounts", params={"sort": "-gaps_high", "limit": 200}).json()
    stale = {a["id"] for a in again["data"] if a["result"]["stale"]}
    assert stale == {account_id}


def test_account_list_refuses_unknown_parameters_and_sorts(api: ApiEnv) -> None:
    for params in ({"sortt": "name"}, {"sort": "password"}, {"trend": "sideways"}, {"min_coverage": 2}):
        response = api.get("/api/v1/accounts", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith("application/problem+json")
    assert "sortt" in api.get("/api/v1/accounts", params={"sortt": "x"}).json()["detail"]


def test_deals_list_every_deal_filtered_and_sorted(api: ApiEnv) -> None:
    kept = refresh_all(api)
    every = api.get("/api/v1/deals", params={"limit": 200}).json()
    assert every["count"] == api.store.counts().nodes["Deal"]
    open_deals = api.get("/api/v1/deals", params={"status": "open", "sort": "-amount", "limit": 200}).json()
    amounts = [d["amount"] for d in open_deals["data"] if d["amount"] is not None]
    assert amounts == sorted(amounts, reverse=True)
    kept_deals = {d.deal_id: d for r in kept.values() for d in r.deals}
    for deal in open_deals["data"]:
        assert deal["status"] in (None, "open")
        if deal["id"] in kept_deals:
            assert deal["result"] == kept_deals[deal["id"]].model_dump(mode="json")
            assert deal["as_of"] == AS_OF.isoformat() and deal["stale"] is False
    kind = next(g.kind.value for d in kept_deals.values() for g in d.gaps)
    with_kind = api.get("/api/v1/deals", params={"gap_kind": kind, "limit": 200}).json()
    assert {d["id"] for d in with_kind["data"]} == {
        d.deal_id for d in kept_deals.values() if any(g.kind == kind for g in d.gaps)
    }
    ranged = api.get("/api/v1/deals", params={"min_amount": 10000, "max_amount": 90000, "limit": 200}).json()
    assert all(10000 <= d["amount"] <= 90000 for d in ranged["data"])
    for params in ({"min_amount": 5, "max_amount": 1}, {"colour": "red"}, {"sort": "owner_secret"}):
        response = api.get("/api/v1/deals", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith("application/problem+json")


def test_read_endpoints_answer_from_the_kept_result_and_say_how_fresh(api: ApiEnv) -> None:
    """Asked for the kept day (or no day), key people, deals, gaps, coverage and the account come from
    the latest refresh, equal to what the analysis of that day says; another day is computed."""
    ids = api.store.accounts_to_refresh(everything=True)
    account_id, deal_id = next(
        (cid, d.id)
        for cid in ids
        for d in api.store.account_graph(cid).deals
        if d.status in (None, DealStatus.OPEN)
    )
    day = {"as_of": AS_OF.isoformat()}
    paths = [
        f"/api/v1/accounts/{account_id}",
        f"/api/v1/accounts/{account_id}/key-people",
        f"/api/v1/accounts/{account_id}/deals",
        f"/api/v1/accounts/{account_id}/coverage",
        f"/api/v1/deals/{deal_id}",
        f"/api/v1/deals/{deal_id}/gaps",
        f"/api/v1/deals/{deal_id}/coverage",
    ]
    computed = {path: api.get(path, params=day).json() for path in paths}
    assert all(body["source"] == "computed" and body["stale"] is False for body in computed.values())
    kept = refresh_all(api)[account_id]

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("source", "computed_at")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    for path in paths:
        for params in ({}, day):
            body = api.get(path, params=params).json()
            assert body["source"] == "kept", path
            assert datetime.fromisoformat(body["computed_at"]) == kept.computed_at
            assert body["stale"] is False and body.get("as_of", AS_OF.isoformat()) == AS_OF.isoformat()
            assert strip(body) == strip(computed[path]), path
    earlier = (AS_OF - timedelta(days=30)).isoformat()
    other = api.get(paths[1], params={"as_of": earlier}).json()
    assert other["source"] == "computed" and other["as_of"] == earlier

    api.store.mark_accounts_changed(company_ids=[account_id], at=datetime.now(UTC) + timedelta(seconds=1))
    stale = api.get(paths[1]).json()
    assert stale["source"] == "kept" and stale["stale"] is True
