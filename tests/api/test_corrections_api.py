"""`/api/v1/corrections` on both stores: writes need the write scope (or a signed-in page with its
CSRF header), bad ids are 422 naming the field, corrections show in the person's detail and the
analyses, conflicts are reported, and withdrawing gives the CRM's value back."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from api.refresh import compute_results
from graph.analyses import DEFAULT_CONFIG
from tests.api.conftest import ApiEnv

URL = "/api/v1/corrections"


def _committee_member(api: ApiEnv) -> tuple[str, str, str, str]:
    """(account id, deal id, person id, the CRM's role) of a committee member of an open deal."""
    for company in api.store.list_accounts(limit=50).data:
        graph = api.store.account_graph(company.id)
        for seat in graph.committee:
            deal = next(d for d in graph.deals if d.id == seat.deal_id)
            if deal.status is None or deal.status.value == "open":
                return company.id, seat.deal_id, seat.person_id, seat.role.value
    raise AssertionError("the world has no committee of an open deal")


def _post(api: ApiEnv, body: dict[str, Any], scope: str = "write") -> Any:
    return api.client.post(URL, json=body, headers=api.headers(scope))


def _other_role(role: str) -> str:
    return "decision_maker" if role != "decision_maker" else "champion"


def test_a_role_correction_wins_shows_its_conflict_and_undo_restores(api: ApiEnv) -> None:
    account_id, deal_id, person_id, crm_role = _committee_member(api)
    new_role = _other_role(crm_role)
    # The book was refreshed for some day: a correction's refresh keeps the account on that day.
    book_day = date(2025, 6, 1)
    api.store.write_results(compute_results(api.store, [account_id], as_of=book_day, config=DEFAULT_CONFIG))
    created = _post(api, {"kind": "role", "deal_id": deal_id, "person_id": person_id, "role": new_role})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["source"] == "user" and body["author"] == "test-write" and body["company_id"] == account_id
    assert body["id"].startswith("cor-") and body["withdrawn_at"] is None
    # The account's kept result was refreshed after the answer, for the day the book was computed for.
    assert account_id not in api.store.accounts_to_refresh()
    kept = api.store.read_results([account_id])[account_id]
    assert not kept.stale and kept.as_of == book_day
    assert any(c["user_value"] == new_role and c["stored_value"] == crm_role for c in body["conflicts"])
    # The person's detail (another reader of the account) shows the corrected committee.
    detail = api.get(f"/api/v1/people/{person_id}").json()
    seats = {(s["deal_id"], s["role"], s["source"]) for s in detail["committee"]}
    assert (deal_id, new_role, "user") in seats and (deal_id, crm_role, "crm") not in seats
    assert any(c["stored_value"] == crm_role for c in detail["conflicts"])
    listed = api.get(URL, params={"account_id": account_id}).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == body["id"]
    assert listed["data"][0]["conflicts"] == body["conflicts"]
    assert api.get(URL, params={"person_id": person_id, "kind": "role"}).json()["count"] == 1
    assert api.get(URL, params={"kind": "left"}).json()["count"] == 0
    # Withdraw it: the CRM's role is back, the correction stays listed as withdrawn.
    undone = api.client.delete(f"{URL}/{body['id']}", headers=api.headers("write"))
    assert undone.status_code == 200, undone.text
    assert undone.json()["withdrawn_at"] is not None and undone.json()["withdrawn_by"] == "test-write"
    seats = {
        (s["deal_id"], s["role"], s["source"])
        for s in api.get(f"/api/v1/people/{person_id}").json()["committee"]
    }
    assert (deal_id, crm_role, "crm") in seats and (deal_id, new_role, "user") not in seats
    assert api.get(f"/api/v1/people/{person_id}").json()["conflicts"] == []
    assert api.get(URL, params={"account_id": account_id}).json()["count"] == 0
    everything = api.get(URL, params={"account_id": account_id, "include_withdrawn": "true"}).json()
    assert everything["count"] == 1 and everything["data"][0]["conflicts"] == []
    assert api.get(f"{URL}/{body['id']}").json()["withdrawn_by"] == "test-write"


def test_left_reporting_knows_and_touch_reach_the_person(api: ApiEnv) -> None:
    account_id, deal_id, person_id, _ = _committee_member(api)
    graph = api.store.account_graph(account_id)
    other = next(p.id for p in graph.people if p.id != person_id)
    assert _post(api, {"kind": "reporting", "person_id": person_id, "manager_id": other}).status_code == 201
    assert (
        _post(api, {"kind": "knows", "person_id": person_id, "other_id": other, "strength": 0.7}).status_code
        == 201
    )
    touch = _post(
        api,
        {
            "kind": "touch",
            "touch_kind": "visit",
            "at": "2026-03-02T10:00:00Z",
            "person_ids": [person_id, other],
            "deal_id": deal_id,
            "note": "site visit",
        },
    )
    assert touch.status_code == 201, touch.text
    left = _post(api, {"kind": "left", "person_id": other, "on": "2026-03-10"})
    assert left.status_code == 201, left.text
    detail = api.get(f"/api/v1/people/{person_id}").json()
    assert other in {m["id"] for m in detail["managers"]}
    assert {(k["id"], k["source"]) for k in detail["knows"]} >= {(other, "user")}
    touches = {t["id"]: t for t in detail["touches"]}
    touch_id = touch.json()["touch_id"]
    assert (
        touch_id in touches and touches[touch_id]["kind"] == "visit" and touches[touch_id]["source"] == "user"
    )
    gone = api.get(f"/api/v1/people/{other}").json()
    assert any(e["company_id"] == account_id and e["until"] == "2026-03-10" for e in gone["employment"])
    # Undo the touch: it leaves the person's history.
    assert api.client.delete(f"{URL}/{touch.json()['id']}", headers=api.headers("write")).status_code == 200
    assert touch_id not in {t["id"] for t in api.get(f"/api/v1/people/{person_id}").json()["touches"]}


def test_bad_corrections_are_422_naming_the_field(api: ApiEnv) -> None:
    _, deal_id, person_id, _ = _committee_member(api)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": "role", "deal_id": "no-such-deal", "person_id": person_id, "role": "champion"}, "deal_id"),
        (
            {"kind": "role", "deal_id": deal_id, "person_id": "no-such-person", "role": "champion"},
            "person_id",
        ),
        ({"kind": "role", "deal_id": deal_id, "person_id": person_id, "role": "boss"}, "role"),
        ({"kind": "left", "person_id": person_id, "on": "yesterday"}, "on"),
        ({"kind": "reporting", "person_id": person_id, "manager_id": person_id}, "manager_id"),
        ({"kind": "knows", "person_id": person_id, "other_id": "nobody"}, "other_id"),
        (
            {"kind": "touch", "touch_kind": "email", "at": "2026-01-01T00:00:00Z", "person_ids": [person_id]},
            "touch_kind",
        ),
        (
            {
                "kind": "touch",
                "touch_kind": "call",
                "at": "2026-01-01T00:00:00Z",
                "person_ids": [person_id],
                "rep_id": "x",
            },
            "rep_id",
        ),
        ({"kind": "rename", "person_id": person_id}, "kind"),
        ({"kind": "left", "person_id": person_id, "on": "2026-01-01", "color": "red"}, "color"),
    ]
    for body, field in cases:
        response = _post(api, body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in response.text, (field, response.text)
    assert api.get(URL).json()["count"] == 0  # nothing was stored
    assert api.get(URL, params={"colour": "red"}).status_code == 422
    missing = api.client.delete(f"{URL}/cor-nope", headers=api.headers("write"))
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert api.get(f"{URL}/cor-nope").status_code == 404


def test_writes_need_the_write_scope(api: ApiEnv) -> None:
    _, deal_id, person_id, _ = _committee_member(api)
    body = {"kind": "role", "deal_id": deal_id, "person_id": person_id, "role": "champion"}
    assert _post(api, body, scope="read").status_code == 403
    assert api.client.post(URL, json=body).status_code == 401
    assert api.get(URL).json()["count"] == 0
    created = _post(api, body, scope="write").json()
    assert api.client.delete(f"{URL}/{created['id']}", headers=api.headers("read")).status_code == 403
    assert api.get(f"{URL}/{created['id']}").json()["withdrawn_at"] is None


def test_page_session_writes_need_the_csrf_header(api: ApiEnv) -> None:
    _, deal_id, person_id, _ = _committee_member(api)
    form = api.client.get("/login")
    login_token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert login_token
    signed = api.client.post(
        "/login",
        data={"api_key": api.keys["write"], "next": "/", "login_token": login_token.group(1)},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', api.client.get("/").text)
    assert csrf
    body = {"kind": "role", "deal_id": deal_id, "person_id": person_id, "role": "champion"}
    same_origin = {"Origin": "http://testserver"}
    refused = api.client.post(URL, json=body, headers=same_origin)
    assert refused.status_code == 403 and "csrf" in refused.text.lower()
    forged = api.client.post(
        URL, json=body, headers={"Origin": "http://evil.example", "X-CSRF-Token": csrf.group(1)}
    )
    assert forged.status_code == 403
    assert api.client.get(URL).json()["count"] == 0
    ok = api.client.post(URL, json=body, headers={**same_origin, "X-CSRF-Token": csrf.group(1)})
    assert ok.status_code == 201, ok.text
    assert ok.json()["author"] == "test-write"


def _sign_in(api: ApiEnv, scope: str) -> str:
    """Sign the test client in with a key of `scope`; the page's CSRF token."""
    form = api.client.get("/login")
    login_token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert login_token
    signed = api.client.post(
        "/login",
        data={"api_key": api.keys[scope], "next": "/", "login_token": login_token.group(1)},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', api.client.get("/").text)
    assert csrf
    return csrf.group(1)


def test_the_map_offers_corrections_to_a_writer_and_lists_them(api: ApiEnv) -> None:
    account_id, deal_id, person_id, crm_role = _committee_member(api)
    _sign_in(api, "read")
    page = api.client.get(f"/accounts/{account_id}").text
    assert 'id="correct-panel"' not in page and "corrections.js" not in page
    csrf = _sign_in(api, "write")
    page = api.client.get(f"/accounts/{account_id}").text
    assert 'id="fix-left"' in page and "/static/corrections.js" in page and 'id="fix-role-add"' in page
    headers = {"Origin": "http://testserver", "X-CSRF-Token": csrf}
    body = {"kind": "role", "deal_id": deal_id, "person_id": person_id, "role": _other_role(crm_role)}
    created = api.client.post(URL, json=body, headers=headers)
    assert created.status_code == 201, created.text
    page = api.client.get(f"/accounts/{account_id}", params={"lang": "en"}).text
    assert f'data-correction-id="{created.json()["id"]}"' in page
    assert "Corrected; the CRM says: " in page  # the person's tooltip carries the conflict
    zh = api.client.get(f"/accounts/{account_id}", params={"lang": "zh-CN"}).text
    assert "已更正" in zh and "撤销" in zh
    assert api.client.get("/static/corrections.js").status_code == 200
