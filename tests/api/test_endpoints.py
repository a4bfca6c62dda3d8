"""Every read endpoint, on both stores, checked against the store and the analyses called directly."""

from __future__ import annotations

from typing import Any

from graph.analyses import analyze_account, warm_paths
from graph.model import DealStatus
from ingest.titles import classify_title
from tests.api.conftest import AS_OF, ApiEnv
from tests.touches import account_touches

PARAMS = {"as_of": AS_OF.isoformat()}


def _all_accounts(api: ApiEnv) -> list[dict[str, Any]]:
    response = api.get("/api/v1/accounts", params={"limit": 200})
    assert response.status_code == 200
    return list(response.json()["data"])


def _direct(api: ApiEnv, account_id: str, deal_id: str | None = None) -> Any:
    """The analysis computed straight from the store, as the command line does."""
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    return analyze_account(
        api.store.account_graph(account_id),
        as_of=AS_OF,
        config=runtime.config,
        deal_id=deal_id,
        ownership=runtime.ownership(),
        classify=classify_title,
    )


def test_account_list_matches_the_store_and_pages(api: ApiEnv) -> None:
    body = api.get("/api/v1/accounts").json()
    expected = api.store.list_accounts(limit=50)
    assert body["count"] == expected.count == api.store.counts().nodes["Company"]
    assert [a["id"] for a in body["data"]] == [c.id for c in expected.data]
    first = api.get("/api/v1/accounts", params={"limit": 2, "offset": 0}).json()
    second = api.get("/api/v1/accounts", params={"limit": 2, "offset": 2}).json()
    assert len(first["data"]) == 2 and first["limit"] == 2
    assert {a["id"] for a in first["data"]}.isdisjoint({a["id"] for a in second["data"]})
    assert first["count"] == second["count"] == body["count"]


def test_account_list_filters(api: ApiEnv) -> None:
    accounts = _all_accounts(api)
    target = accounts[-1]
    by_name = api.get("/api/v1/accounts", params={"search": target["name"][:6].upper()}).json()
    assert target["id"] in {a["id"] for a in by_name["data"]}
    assert all(
        target["name"][:6].lower() in (a["name"] + (a["domain"] or "")).lower() for a in by_name["data"]
    )
    industry = target["industry"]
    by_industry = api.get("/api/v1/accounts", params={"industry": industry}).json()
    assert by_industry["count"] == sum(1 for a in accounts if a["industry"] == industry)
    status = target["status"]
    by_status = api.get("/api/v1/accounts", params={"status": status}).json()
    assert by_status["count"] == sum(1 for a in accounts if a["status"] == status)
    assert api.get("/api/v1/accounts", params={"status": "no-such-status"}).status_code == 422


def test_account_detail_has_profile_and_engagement(api: ApiEnv) -> None:
    account_id = _all_accounts(api)[0]["id"]
    body = api.get(f"/api/v1/accounts/{account_id}", params=PARAMS).json()
    graph = api.store.account_graph(account_id)
    assert body["account"]["id"] == account_id
    assert body["people"] == len(graph.people)
    assert body["deals"] == len(graph.deals)
    assert body["open_deals"] == sum(1 for d in graph.deals if d.status in (None, DealStatus.OPEN))
    assert {p["product_id"] for p in body["products"]} == {h.product_id for h in graph.holdings}
    assert body["engagement"] == _direct(api, account_id).engagement.model_dump(mode="json")


def test_key_people_are_the_analysis_ranking(api: ApiEnv) -> None:
    account_id = _all_accounts(api)[0]["id"]
    body = api.get(f"/api/v1/accounts/{account_id}/key-people", params=PARAMS).json()
    direct = _direct(api, account_id)
    assert [p["person_id"] for p in body["data"]] == [k.person_id for k in direct.key_people]
    assert body["count"] == len(direct.key_people) > 0
    assert [p["rank"] for p in body["data"]] == sorted(p["rank"] for p in body["data"])
    limited = api.get(f"/api/v1/accounts/{account_id}/key-people", params={**PARAMS, "limit": 2}).json()
    assert [p["person_id"] for p in limited["data"]] == [k.person_id for k in direct.key_people[:2]]


def test_account_deals_coverage_and_cross_sell(api: ApiEnv) -> None:
    for account in _all_accounts(api):
        account_id = account["id"]
        direct = _direct(api, account_id)
        deals = api.get(f"/api/v1/accounts/{account_id}/deals", params=PARAMS).json()
        assert {d["id"] for d in deals["data"]} == {d.id for d in api.store.account_graph(account_id).deals}
        analysed = {d["id"] for d in deals["data"] if d["analysis"]}
        assert analysed == {d.deal_id for d in direct.deals}
        coverage = api.get(f"/api/v1/accounts/{account_id}/coverage", params=PARAMS).json()
        assert {c["deal_id"]: c["coverage"]["score"] for c in coverage["data"]} == {
            d.deal_id: d.coverage.score for d in direct.deals
        }
        cross = api.get(f"/api/v1/accounts/{account_id}/cross-sell", params=PARAMS).json()
        assert [c["product_id"] for c in cross["data"]] == [c.product_id for c in direct.cross_sell]
        open_only = api.get(
            f"/api/v1/accounts/{account_id}/deals", params={**PARAMS, "status": "open"}
        ).json()
        assert all(d["status"] == "open" for d in open_only["data"])


def test_account_graph_json(api: ApiEnv) -> None:
    account_id = _all_accounts(api)[0]["id"]
    body = api.get(f"/api/v1/accounts/{account_id}/graph", params=PARAMS).json()
    graph = api.store.account_graph(account_id)
    people = {n["id"]: n for n in body["nodes"] if n["kind"] == "person"}
    assert set(people) == {p.id for p in graph.people}
    ids = {n["id"] for n in body["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in body["edges"])
    kinds = {e["kind"] for e in body["edges"]}
    assert {"reports_to", "touch"} <= kinds
    direct = _direct(api, account_id)
    top = direct.key_people[0]
    assert people[top.person_id]["influence"] == top.score and people[top.person_id]["rank"] == 1
    for seat in graph.committee:
        assert seat.role.value in people[seat.person_id]["roles"]
    touched = {
        pid for t in account_touches(api.store, account_id) if t.at.date() <= AS_OF for pid in t.person_ids
    }
    for pid, node in people.items():
        assert (node["engagement"] == "never") == (pid not in touched)


def test_deal_gaps_and_coverage(api: ApiEnv) -> None:
    checked = 0
    for account in _all_accounts(api):
        for deal in api.get(f"/api/v1/accounts/{account['id']}/deals", params=PARAMS).json()["data"]:
            # Closed deals are analysed too when asked for by id (a post-mortem of a lost deal).
            direct = next(d for d in _direct(api, account["id"], deal["id"]).deals if d.deal_id == deal["id"])
            gaps = api.get(f"/api/v1/deals/{deal['id']}/gaps", params=PARAMS).json()
            assert gaps["account_id"] == account["id"]
            assert gaps["data"] == [g.model_dump(mode="json") for g in direct.gaps]
            assert gaps["count"] == len(direct.gaps)
            coverage = api.get(f"/api/v1/deals/{deal['id']}/coverage", params=PARAMS).json()
            assert coverage["coverage"] == direct.coverage.model_dump(mode="json")
            one = api.get(f"/api/v1/deals/{deal['id']}", params=PARAMS).json()
            assert one["id"] == deal["id"] and one["analysis"]["deal_id"] == deal["id"]
            checked += 1
    assert checked > 0


def test_person_detail_and_warm_paths(api: ApiEnv) -> None:
    account_id = _all_accounts(api)[0]["id"]
    graph = api.store.account_graph(account_id)
    direct = _direct(api, account_id)
    person_id = direct.key_people[0].person_id
    body = api.get(f"/api/v1/people/{person_id}", params=PARAMS).json()
    assert body["person"]["id"] == person_id and body["company"]["id"] == account_id
    assert {m["id"] for m in body["managers"]} == {
        r.manager_id for r in graph.reporting if r.person_id == person_id
    }
    assert {r["id"] for r in body["reports"]} == {
        r.person_id for r in graph.reporting if r.manager_id == person_id
    }
    touches = [
        t
        for t in account_touches(api.store, account_id)
        if person_id in t.person_ids and t.at.date() <= AS_OF
    ]
    assert len(body["touches"]) == len(touches)
    assert [t["at"] for t in body["touches"]] == sorted((t["at"] for t in body["touches"]), reverse=True)
    assert {c["deal_id"] for c in body["committee"]} == {
        c.deal_id for c in graph.committee if c.person_id == person_id
    }

    paths = api.get(f"/api/v1/people/{person_id}/warm-paths", params={**PARAMS, "k": 2}).json()
    expected = warm_paths(
        graph, person_id, as_of=AS_OF, config=direct_config(api), k=2, classify=classify_title
    )
    names = ("source_kind", "source_name", "source_title", "target_kind", "target_name", "target_title")
    without_names = [
        {**p, "hops": [{k: v for k, v in hop.items() if k not in names} for hop in p["hops"]]}
        for p in paths["data"]
    ]
    assert without_names == [p.model_dump(mode="json") for p in expected]
    assert paths["count"] <= 2
    assert all(p["nodes"][-1] == person_id for p in paths["data"])


def direct_config(api: ApiEnv) -> Any:
    return api.client.app.state.runtime.config  # type: ignore[attr-defined]


def test_people_list(api: ApiEnv) -> None:
    account_id = _all_accounts(api)[0]["id"]
    body = api.get("/api/v1/people", params={"account_id": account_id, "limit": 5}).json()
    assert body["count"] == api.store.list_people(company_id=account_id).count
    assert len(body["data"]) == min(5, body["count"])


def test_unknown_ids_are_404_problems(api: ApiEnv) -> None:
    for path in (
        "/api/v1/accounts/no-such-account",
        "/api/v1/accounts/no-such-account/key-people",
        "/api/v1/accounts/no-such-account/graph",
        "/api/v1/deals/no-such-deal/gaps",
        "/api/v1/people/no-such-person",
        "/api/v1/people/no-such-person/warm-paths",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 404 and problem["instance"] == path
        assert "no-such" in problem["detail"] and problem["type"].endswith("not-found")


def test_erasure_removes_the_person_everywhere(api: ApiEnv) -> None:
    account_id = _all_accounts(api)[0]["id"]
    graph = api.store.account_graph(account_id)
    raw = account_touches(api.store, account_id)
    solo = {t.id for t in raw if len(t.person_ids) == 1}
    person_id = next(p.id for p in graph.people if any(t.person_ids == [p.id] for t in raw))
    before = api.get(f"/api/v1/accounts/{account_id}/graph", params=PARAMS).json()
    assert person_id in {n["id"] for n in before["nodes"]}
    response = api.client.delete(f"/api/v1/people/{person_id}", headers=api.headers("admin"))
    assert response.status_code == 200
    report = response.json()
    own_touches = {t.id for t in raw if t.person_ids == [person_id]}
    assert report["removed_nodes"] == {"Person": 1, "Touch": len(own_touches)} and own_touches <= solo
    assert api.get(f"/api/v1/people/{person_id}").status_code == 404
    after = api.get(f"/api/v1/accounts/{account_id}/graph", params=PARAMS).json()
    assert person_id not in {n["id"] for n in after["nodes"]}
    assert all(person_id not in (e["source"], e["target"]) for e in after["edges"])
    again = api.client.delete(f"/api/v1/people/{person_id}", headers=api.headers("admin"))
    assert again.status_code == 404
