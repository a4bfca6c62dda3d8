"""The complete read API (issue 22, item 2): unknown query parameters are refused on every route, people
across accounts are filtered on the server, reps list their accounts, lists come as CSV and the
account graph as GraphML and GEXF, and warm paths name both ends of every hop."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import networkx as nx
import pytest
from fastapi.routing import iter_route_contexts

from graph.model import Person
from tests.api.conftest import AS_OF, ApiEnv
from tests.api.test_portfolio_lists import refresh_all

DAY = {"as_of": AS_OF.isoformat()}


def _all(api: ApiEnv, path: str, **params: Any) -> list[dict[str, Any]]:
    body = api.get(path, params={**params, "limit": 200}).json()
    assert body["count"] == len(body["data"]), "the test world fits one page"
    data: list[dict[str, Any]] = body["data"]
    return data


def test_every_route_refuses_an_unknown_query_parameter(embedded_env: ApiEnv) -> None:
    api = embedded_env
    routes = [
        (method, route.path)
        for route in iter_route_contexts(api.client.app.routes)  # type: ignore[attr-defined]
        if getattr(route, "dependant", None) is not None
        for method in sorted(route.methods or ())
    ]
    assert ("GET", "/api/v1/reps") in routes and ("POST", "/login") in routes and len(routes) > 25
    for method, path in routes:
        url = path.replace("{file_path:path}", "x")
        for name in ("account_id", "person_id", "deal_id", "rep_id", "job_id"):
            url = url.replace("{" + name + "}", "x")
        response = api.client.request(method, url, params={"bogus": "1"}, headers=api.headers("admin"))
        assert response.status_code == 422, (method, path, response.status_code)
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert "bogus" in problem["detail"] and problem["invalid_params"][0]["name"] == "query:bogus"


def test_people_filter_by_seniority_instead_of_returning_everyone(api: ApiEnv) -> None:
    everyone = _all(api, "/api/v1/people", **DAY)
    c_level = _all(api, "/api/v1/people", seniority="c_level", **DAY)
    assert 0 < len(c_level) < len(everyone)
    assert {p["id"] for p in c_level} == {p["id"] for p in everyone if p["seniority"] == "c_level"}
    several = _all(api, "/api/v1/people", seniority=["c_level", "vp"], **DAY)
    assert {p["id"] for p in several} == {p["id"] for p in everyone if p["seniority"] in ("c_level", "vp")}
    function = next(p["function"] for p in everyone if p["function"])
    assert {p["id"] for p in _all(api, "/api/v1/people", function=function, **DAY)} == {
        p["id"] for p in everyone if p["function"] == function
    }
    role = next(r for p in everyone for r in p["roles"])
    assert {p["id"] for p in _all(api, "/api/v1/people", role=role, **DAY)} == {
        p["id"] for p in everyone if role in p["roles"]
    }
    for params in ({"seniority": "ceo"}, {"engagement": "hot"}, {"max_rank": 0}, {"sort": "email"}):
        response = api.get("/api/v1/people", params=params)
        assert response.status_code == 422, params


def test_people_engagement_is_the_account_graphs_engagement(api: ApiEnv) -> None:
    account_id = _all(api, "/api/v1/accounts")[0]["id"]
    graph = api.get(f"/api/v1/accounts/{account_id}/graph", params=DAY).json()
    state = {n["id"]: n["engagement"] for n in graph["nodes"] if n["kind"] == "person"}
    staff = {p["id"] for p in _all(api, "/api/v1/people", account_id=account_id, **DAY)}
    assert staff and staff <= set(state)
    seen: Counter[str] = Counter()
    for engagement in ("engaged", "cooling", "never"):
        listed = _all(api, "/api/v1/people", account_id=account_id, engagement=engagement, **DAY)
        assert {p["id"] for p in listed} == {pid for pid in staff if state[pid] == engagement}
        assert all(p["engagement"] == engagement for p in listed)
        seen[engagement] = len(listed)
    assert sum(seen.values()) == len(staff) and seen["engaged"] > 0


def test_people_filter_by_kept_key_person_rank(api: ApiEnv) -> None:
    kept = refresh_all(api)
    best: dict[str, int] = {}
    for result in kept.values():
        for k in result.key_people:
            best[k.person_id] = min(best.get(k.person_id, k.rank), k.rank)
    top = _all(api, "/api/v1/people", max_rank=3, sort="rank", **DAY)
    assert {p["id"] for p in top} == {pid for pid, rank in best.items() if rank <= 3}
    assert [p["rank"] for p in top] == sorted(p["rank"] for p in top)
    assert all(p["rank"] == best[p["id"]] and p["influence"] is not None for p in top)


def test_reps_and_their_accounts(api: ApiEnv) -> None:
    reps = _all(api, "/api/v1/reps")
    assert len(reps) == api.store.counts().nodes["Rep"]
    assert [r["name"] for r in reps] == sorted(r["name"] for r in reps)
    busy = max(reps, key=lambda r: r["accounts"])
    assert busy["accounts"] > 0
    detail = api.get(f"/api/v1/reps/{busy['id']}", params={"limit": 200}).json()
    assert detail["rep"]["id"] == busy["id"] and detail["accounts"]["count"] == busy["accounts"]
    owned = api.get("/api/v1/deals", params={"owner": busy["id"], "limit": 200}).json()["count"]
    assert sum(a["owned_deals"] for a in detail["accounts"]["data"]) == owned
    assert all(a["owned_deals"] or a["touches"] for a in detail["accounts"]["data"])
    page = api.get(f"/api/v1/reps/{busy['id']}", params={"limit": 1, "offset": 0}).json()["accounts"]
    assert page["count"] == busy["accounts"] and len(page["data"]) == 1
    missing = api.get("/api/v1/reps/nobody-at-all")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )


def _csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # a BOM: Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("path", ["/api/v1/accounts", "/api/v1/deals", "/api/v1/people", "/api/v1/reps"])
def test_lists_come_as_csv(api: ApiEnv, path: str) -> None:
    as_json = api.get(path, params={"limit": 7}).json()
    by_param = _csv_rows(api.get(path, params={"limit": 7, "format": "csv"}))
    by_accept = _csv_rows(
        api.client.get(path, params={"limit": 7}, headers={**api.headers(), "Accept": "text/csv"})
    )
    assert [r["id"] for r in by_param] == [item["id"] for item in as_json["data"]]
    assert by_accept == by_param
    assert [r["name"] for r in by_param] == [item["name"] for item in as_json["data"]]


def test_csv_keeps_chinese_names_and_defuses_formulas(api: ApiEnv) -> None:
    api.store.upsert(
        "people",
        [
            Person(id="zz-1", name="陈洋", title="财务总监"),
            Person(id="zz-2", name='=HYPERLINK("http://x.example","y")', title="Clerk"),
        ],
    )
    rows = {
        r["id"]: r for r in _csv_rows(api.get("/api/v1/people", params={"search": "zz-", "format": "csv"}))
    }
    assert rows["zz-1"]["name"] == "陈洋" and rows["zz-1"]["title"] == "财务总监"
    assert rows["zz-2"]["name"].startswith("'=")


def _edges(graph: dict[str, Any]) -> Counter[tuple[str, str, str]]:
    return Counter((e["source"], e["target"], e["kind"]) for e in graph["edges"])


@pytest.mark.parametrize(
    ("fmt", "media_type", "read"),
    [
        ("graphml", "application/graphml+xml", lambda f: nx.read_graphml(f, force_multigraph=True)),
        ("gexf", "application/gexf+xml", nx.read_gexf),
    ],
)
def test_account_graph_as_graphml_and_gexf(api: ApiEnv, fmt: str, media_type: str, read: Any) -> None:
    account_id = _all(api, "/api/v1/accounts")[0]["id"]
    graph = api.get(f"/api/v1/accounts/{account_id}/graph", params=DAY).json()
    response = api.get(f"/api/v1/accounts/{account_id}/graph", params={**DAY, "format": fmt})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
    back = read(io.BytesIO(response.content))
    assert set(back.nodes) == {n["id"] for n in graph["nodes"]}
    assert back.is_directed()
    kinds: Counter[tuple[str, str, str]] = Counter(
        (source, target, data["kind"]) for source, target, data in back.edges(data=True)
    )
    assert kinds == _edges(graph) and sum(kinds.values()) > 0
    person = next(n for n in graph["nodes"] if n["kind"] == "person" and n.get("title"))
    assert back.nodes[person["id"]]["label"] == person["label"]
    assert back.nodes[person["id"]]["title"] == person["title"]
    refused = api.get(f"/api/v1/accounts/{account_id}/graph", params={"format": "dot"})
    assert refused.status_code == 422


def test_warm_path_hops_name_both_ends(api: ApiEnv) -> None:
    account_id = _all(api, "/api/v1/accounts")[0]["id"]
    people = [p.id for p in api.store.account_graph(account_id).people if p.company_id == account_id]
    hops = []
    for person_id in people[:15]:
        body = api.get(f"/api/v1/people/{person_id}/warm-paths", params=DAY).json()
        hops += [hop for path in body["data"] for hop in path["hops"]]
    assert hops, "some warm path in the test world"
    for hop in hops:
        for end in ("source", "target"):
            node_id, kind = hop[end], hop[f"{end}_kind"]
            if kind == "rep":
                rep = api.store.get_rep(node_id)
                assert (hop[f"{end}_name"], hop[f"{end}_title"]) == (rep.name, rep.team)
            else:
                person = api.store.get_person(node_id)
                assert (hop[f"{end}_name"], hop[f"{end}_title"]) == (person.name, person.title)
    assert any(h["source_kind"] == "rep" for h in hops) and any(h["target_kind"] == "person" for h in hops)


def test_docs_api_md_names_every_endpoint(tmp_path: Any) -> None:
    import re
    from pathlib import Path

    from api.app import create_app
    from tests.api.conftest import settings_for

    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    schema = create_app(settings_for(tmp_path / "home")).openapi()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if f"`{method.upper()} {re.sub(r'{[a-z_]+}', '{id}', path)}`" not in docs
    ]
    assert not missing, f"docs/api.md does not name {missing}"
