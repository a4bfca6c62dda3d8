"""The pages over HTTP: sign-in, the same key as the API, escaping, offline assets, warm-path data."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from api.refresh import compute_results
from api.routers.pages import CONTENT_SECURITY_POLICY
from tests.api.conftest import AS_OF, ApiEnv
from viz.formats import Formats

DAY = AS_OF.isoformat()


def first_account(api: ApiEnv) -> str:
    accounts = api.get("/api/v1/accounts", params={"limit": 50}).json()["data"]
    return str(max(accounts, key=lambda a: a["name"])["id"])


def test_browser_without_a_key_is_sent_to_the_login_form(api: ApiEnv) -> None:
    response = api.client.get("/accounts/whatever?deal=x", follow_redirects=False)
    assert response.status_code == 303
    location = urlparse(response.headers["location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/accounts/whatever?deal=x"]
    form = api.client.get("/login")
    assert form.status_code == 200 and 'name="api_key"' in form.text


def test_the_api_key_header_opens_the_account_list(api: ApiEnv) -> None:
    page = api.get("/", params={"as_of": DAY})
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert page.headers["cache-control"] == "no-store"
    accounts = api.get("/api/v1/accounts", params={"limit": 50}).json()["data"]
    for account in accounts:
        assert f'href="/accounts/{account["id"]}"' in page.text
    # Before any refresh a row says so, and shows no figures it does not have.
    assert page.text.count("not analysed yet") == len(accounts)
    assert '<svg class="spark"' not in page.text
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    ids = api.store.accounts_to_refresh(everything=True)
    api.store.write_results(compute_results(api.store, ids, as_of=AS_OF, config=runtime.config))
    page = api.get("/")
    assert page.text.count('<svg class="spark"') == len(accounts)
    assert "not analysed yet" not in page.text
    assert page.text.count(f"as of {Formats('en').day(AS_OF)}") == len(accounts)


def sign_in(api: ApiEnv, key: str, next_url: str = "/") -> Any:
    """Post the login form as the browser would: with the form's token and cookie, from this origin."""
    form = api.client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token, form.text
    return api.client.post(
        "/login",
        data={"api_key": key, "next": next_url, "login_token": token.group(1)},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )


def test_login_keeps_a_session_in_an_http_only_cookie_and_logout_ends_it(api: ApiEnv) -> None:
    response = sign_in(api, api.keys["read"], "/?q=a")
    assert response.status_code == 303 and response.headers["location"] == "/?q=a"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("buyergraph_session="))
    assert api.keys["read"] not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    page = api.client.get("/", params={"as_of": DAY})
    assert page.status_code == 200  # the session now signs in
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    out = api.client.post(
        "/logout",
        data={"csrf_token": token.group(1)},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert out.status_code == 303
    assert api.client.get("/", follow_redirects=False).status_code == 303


def test_login_refuses_unknown_keys_without_echoing_them(api: ApiEnv) -> None:
    response = sign_in(api, "bg_not-a-real-key-123")
    assert response.status_code == 401
    assert "bg_not-a-real-key-123" not in response.text
    assert "buyergraph_session" not in response.headers.get("set-cookie", "")


def test_login_never_redirects_to_another_site(api: ApiEnv) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = sign_in(api, api.keys["read"], target)
        assert response.headers["location"] == "/"


def test_committee_map_page_embeds_escaped_data_and_local_assets_only(api: ApiEnv) -> None:
    account_id = first_account(api)
    page = api.get(f"/accounts/{account_id}", params={"as_of": DAY})
    assert page.status_code == 200
    assert '<script type="application/json" id="map-data">' in page.text
    assert "/static/vendor/vis-network/vis-network.min.js" in page.text
    assert "http://" not in page.text.split("<body", 1)[1].split("</body>")[0].replace(
        "http://www.w3.org", ""
    )
    for asset in (
        "/static/vendor/vis-network/vis-network.min.js",
        "/static/vendor/vis-network/vis-network.css",
        "/static/committee_map.js",
        "/static/buyergraph.css",
        "/static/account_list.js",
    ):
        response = api.client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 500
    assert "vis-network" in api.client.get("/static/vendor/vis-network/vis-network.min.js").text[:200]


def test_static_files_cannot_climb_out_of_their_folder(api: ApiEnv) -> None:
    for path in (
        "/static/../pages.py",
        "/static/%2e%2e/pages.py",
        "/static/vendor/vis-network/../../pages.py",
        "/static/templates/base.html",
    ):
        assert api.client.get(path).status_code == 404, path


def test_unknown_account_gets_a_readable_404_page(api: ApiEnv) -> None:
    page = api.get("/accounts/no-such-account")
    assert page.status_code == 404
    assert "Account not found" in page.text and "text/html" in page.headers["content-type"]


def test_warm_path_data_uses_the_map_ids(api: ApiEnv) -> None:
    account_id = first_account(api)
    page = api.get(f"/accounts/{account_id}", params={"as_of": DAY}).text
    found = re.search(r'id="map-data">(.*?)</script>', page, re.S)
    assert found is not None
    payload = json.loads(found.group(1))
    tie = next(e for e in payload["edges"] if e["kind"] == "touch")
    person = tie["to"]
    answer = api.get(f"/accounts/{account_id}/paths/{person}", params={"as_of": DAY})
    assert answer.status_code == 200
    body = answer.json()
    assert body["target"]["map_id"] == person
    assert body["paths"], body
    best = body["paths"][0]
    map_ids = {n["id"] for n in payload["nodes"]}
    assert best["stops"][0]["map_id"].startswith("rep:") and best["stops"][-1]["map_id"] == person
    assert all(stop["map_id"] in map_ids for stop in best["stops"])
    assert [h["source"] for h in best["hops"]] == [s["map_id"] for s in best["stops"][:-1]]


def test_warm_path_data_needs_the_key_and_a_person_of_the_account(api: ApiEnv) -> None:
    account_id = first_account(api)
    assert api.client.get(f"/accounts/{account_id}/paths/p1").status_code == 401
    missing = api.get(f"/accounts/{account_id}/paths/nobody")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_pages_speak_the_browsers_language_or_the_one_chosen(api: ApiEnv) -> None:
    account_id = first_account(api)
    path = f"/accounts/{account_id}"
    headers = {**api.headers("read"), "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    chinese = api.client.get(path, params={"as_of": DAY}, headers=headers)
    assert chinese.status_code == 200 and '<html lang="zh-CN">' in chinese.text
    assert "图例" in chinese.text and "Legend" not in chinese.text
    # A choice on the page wins over the browser, and is remembered.
    chosen = api.client.get(path, params={"as_of": DAY, "lang": "en"}, headers=headers)
    assert '<html lang="en">' in chosen.text and "Legend" in chosen.text
    assert chosen.cookies.get("buyergraph_lang") == "en"
    remembered = api.client.get(path, params={"as_of": DAY}, headers=headers)
    assert '<html lang="en">' in remembered.text
    api.client.cookies.clear()
    listing = api.client.get("/", params={"as_of": DAY, "lang": "zh"}, headers=api.headers("read"))
    assert '<html lang="zh-CN">' in listing.text
    api.client.cookies.clear()
    plain = api.client.get(path, params={"as_of": DAY}, headers=api.headers("read"))
    assert '<html lang="en">' in plain.text


def test_an_unknown_page_language_is_a_clear_400(api: ApiEnv) -> None:
    account_id = first_account(api)
    page = api.get(f"/accounts/{account_id}", params={"as_of": DAY, "lang": "klingon"})
    assert page.status_code == 400
    assert "en or zh-CN" in page.text


def test_error_and_login_pages_speak_the_pages_language(api: ApiEnv) -> None:
    """The error and sign-in pages follow Accept-Language and the page switch, like every other page."""
    zh = {**api.headers(), "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    missing = api.client.get("/accounts/no-such-account", headers=zh)
    assert missing.status_code == 404 and 'lang="zh-CN"' in missing.text
    assert "找不到客户" in missing.text and "Account not found" not in missing.text
    chosen = api.client.get("/accounts/no-such-account", headers=api.headers(), params={"lang": "zh-CN"})
    assert "找不到客户" in chosen.text
    bad_lang = api.client.get("/", headers=zh, params={"lang": "fr"})
    assert (
        bad_lang.status_code == 400
        and "未知语言" in bad_lang.text
        and "Unknown language" not in bad_lang.text
    )
    bad_filter = api.client.get("/", headers=zh, params={"at_risk": "maybe"})
    assert bad_filter.status_code == 400 and "筛选条件无效" in bad_filter.text, bad_filter.text
    assert "Invalid filter" not in bad_filter.text
    unknown = api.client.get("/", headers={**zh, "Accept": "text/html"}, params={"nonsense": "1"})
    assert unknown.status_code == 422 and "未知参数" in unknown.text and "&#39;nonsense&#39;" in unknown.text
    english = api.client.get("/", headers={**api.headers(), "Accept": "text/html"}, params={"nonsense": "1"})
    assert "Unknown parameter" in english.text
    api.client.cookies.clear()
    form = api.client.get("/login", headers={"Accept-Language": "zh-CN"})
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token and 'lang="zh-CN"' in form.text
    refused = api.client.post(
        "/login",
        data={"api_key": "bg_not-a-real-key-456", "next": "/", "login_token": token.group(1)},
        headers={"Origin": "http://testserver", "Accept-Language": "zh-CN"},
        follow_redirects=False,
    )
    assert refused.status_code == 401 and "该密钥不存在或已被吊销" in refused.text
    assert "That key is unknown" not in refused.text and "bg_not-a-real-key-456" not in refused.text
    assert "That key is unknown or revoked" in sign_in(api, "bg_not-a-real-key-456").text
