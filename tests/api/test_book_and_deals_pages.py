"""The book of accounts and the deals view: the pages list what the API lists, filtered and sorted on the
server, from the kept results, in English and Chinese, with money and days in the reader's locale."""

from __future__ import annotations

import re
from typing import Any

import pytest

from api.refresh import compute_results
from tests.api.conftest import AS_OF, ApiEnv
from viz.formats import Formats

ROW = re.compile(r'<tr data-account-id="([^"]+)"')
DEAL_ROW = re.compile(r'<tr data-deal-id="([^"]+)"')
#: Raw enum values must never reach a reader.
RAW = re.compile(r">[^<]*\b(former_customer|missing_role|single_threaded|no_executive|stale_role)\b")


def refreshed(api: ApiEnv) -> None:
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    ids = api.store.accounts_to_refresh(everything=True)
    api.store.write_results(compute_results(api.store, ids, as_of=AS_OF, config=runtime.config))


def api_ids(api: ApiEnv, path: str, **params: Any) -> list[str]:
    body = api.get(path, params={"limit": 50, **params}).json()
    return [item["id"] for item in body["data"]]


def test_every_filter_and_sort_of_the_page_is_the_apis(api: ApiEnv) -> None:
    refreshed(api)
    listed = api.get("/api/v1/accounts", params={"limit": 50}).json()["data"]
    some = listed[0]
    deal_owner = api.get("/api/v1/deals", params={"limit": 1}).json()["data"][0]["owner_rep_id"]
    cases: list[tuple[dict[str, str], dict[str, Any]]] = [
        ({"sort": "-gaps_total"}, {"sort": "-gaps_total"}),
        ({"sort": "completeness"}, {"sort": "completeness"}),
        ({"sort": "-engagement_score"}, {"sort": "-engagement_score"}),
        ({"trend": some["result"]["engagement_trend"]}, {"trend": some["result"]["engagement_trend"]}),
        ({"buying_stage": some["result"]["buying_stage"]}, {"buying_stage": some["result"]["buying_stage"]}),
        ({"at_risk": "false"}, {"at_risk": "false"}),
        ({"status": some["status"]}, {"status": some["status"]}),
        ({"industry": some["industry"]}, {"industry": some["industry"]}),
        ({"min_gaps_high": "1"}, {"min_gaps_high": 1}),
        ({"coverage": "low"}, {"max_coverage": 0.3999}),
        ({"completeness": "high"}, {"min_completeness": 0.7}),
        ({"owner": deal_owner}, {"owner": deal_owner}),
        ({"q": some["name"][:3]}, {"search": some["name"][:3]}),
    ]
    for page_params, api_params in cases:
        page = api.get("/", params=page_params)
        assert page.status_code == 200, (page_params, page.text[:300])
        assert ROW.findall(page.text) == api_ids(api, "/api/v1/accounts", **api_params), page_params
    # An empty form field is "any".
    everything = api.get("/", params={"gap_kind": "", "trend": "", "at_risk": "", "coverage": ""})
    assert ROW.findall(everything.text) == [a["id"] for a in listed]


@pytest.mark.parametrize(
    "params", [{"trend": "sideways"}, {"at_risk": "maybe"}, {"min_gaps": "-1"}, {"coverage": "0.5"}]
)
def test_a_bad_filter_is_a_clear_400_page(api: ApiEnv, params: dict[str, str]) -> None:
    page = api.get("/", params=params)
    assert page.status_code == 400
    assert next(iter(params)) in page.text and "<html" in page.text


def test_an_unknown_page_parameter_is_a_readable_422_page_for_a_browser(api: ApiEnv) -> None:
    """Programs get problem+json (tests/api/test_read_api.py); a browser gets a page naming it."""
    headers = {**api.headers("read"), "Accept": "text/html,*/*;q=0.8"}
    page = api.client.get("/", params={"colour": "red"}, headers=headers)
    assert page.status_code == 422
    assert "colour" in page.text and "<html" in page.text and "red" not in page.text.split("<body", 1)[-1]


def test_my_accounts_remembers_the_rep_chosen_as_me(api: ApiEnv) -> None:
    refreshed(api)
    owner = api.get("/api/v1/deals", params={"limit": 1}).json()["data"][0]["owner_rep_id"]
    first = api.get("/", params={"owner": owner, "me": "true"})
    assert first.cookies.get("buyergraph_me") == owner
    later = api.get("/")
    assert "My accounts" in later.text
    mine = re.search(r'<a class="mine-link" href="([^"]+)"', later.text)
    assert mine is not None
    page = api.get(mine.group(1).replace("&amp;", "&"))
    assert ROW.findall(page.text) == api_ids(api, "/api/v1/accounts", owner=owner)
    assert "All accounts" in page.text


def test_the_book_speaks_chinese_with_chinese_dates(api: ApiEnv) -> None:
    refreshed(api)
    page = api.get("/", params={"lang": "zh-CN"})
    assert '<html lang="zh-CN">' in page.text
    for word in ("覆盖率", "委员会完整度", "缺口", "采购阶段", "筛选与排序"):
        assert word in page.text
    assert f"截至 {Formats('zh-CN').day(AS_OF)}" in page.text
    assert not RAW.search(page.text)
    for stage in ("dormant", "awareness", "consideration", "evaluation", "decision"):
        assert f">{stage}<" not in page.text


def test_the_deals_view_lists_open_deals_with_money_and_close_dates(api: ApiEnv) -> None:
    refreshed(api)
    deals = api.get("/api/v1/deals", params={"status": "open", "limit": 50}).json()["data"]
    assert deals
    for lang in ("en", "zh-CN"):
        page = api.get("/deals", params={"lang": lang})
        assert page.status_code == 200
        assert DEAL_ROW.findall(page.text) == [d["id"] for d in deals]
        f = Formats(lang)
        for deal in deals:
            if deal["amount"] is not None:
                assert f.money(deal["amount"], deal["currency"]) in page.text
            close = deal.get("expected_close") or deal.get("closed_at")
            if close:
                from datetime import date

                assert f.day(date.fromisoformat(close)) in page.text
        assert not RAW.search(page.text)
    zh = api.get("/deals", params={"lang": "zh-CN"}).text
    assert "预计成交日期" in zh and "金额" in zh
    kinds = {g["kind"] for d in deals for g in (d["result"] or {}).get("gaps", [])}
    assert kinds and all(f'data-kind="{kind}"' in zh for kind in kinds)


def test_the_deals_view_filters_as_the_api_does(api: ApiEnv) -> None:
    refreshed(api)
    deals = api.get("/api/v1/deals", params={"status": "open", "limit": 50}).json()["data"]
    kind = next(g["kind"] for d in deals for g in (d["result"] or {}).get("gaps", []))
    cases: list[tuple[dict[str, str], dict[str, Any]]] = [
        ({"gap_kind": kind}, {"status": "open", "gap_kind": kind}),
        ({"sort": "-amount"}, {"status": "open", "sort": "-amount"}),
        ({"status": "all", "sort": "-gaps_high"}, {"sort": "-gaps_high"}),
        ({"status": "won"}, {"status": "won"}),
        ({"min_amount": "50000"}, {"status": "open", "min_amount": 50000}),
    ]
    for page_params, api_params in cases:
        page = api.get("/deals", params=page_params)
        assert page.status_code == 200, page_params
        assert DEAL_ROW.findall(page.text) == api_ids(api, "/api/v1/deals", **api_params), page_params
    assert api.get("/deals", params={"status": "pending"}).status_code == 400
    assert api.get("/deals", params={"sort": "password"}).status_code == 422


def test_warm_path_texts_speak_the_pages_language(api: ApiEnv) -> None:
    """Hop reasons, the cost in words and the rep's subtitle follow the page's language."""
    accounts = api.get("/api/v1/accounts", params={"limit": 50}).json()["data"]
    for account in accounts:
        people = api.get("/api/v1/people", params={"account_id": account["id"], "limit": 50}).json()["data"]
        for person in people:
            path = f"/accounts/{account['id']}/paths/{person['id']}"
            en = api.client.get(path, headers={**api.headers("read"), "Accept-Language": "en"}).json()
            if not en["paths"]:
                continue
            zh = api.client.get(path, headers={**api.headers("read"), "Accept-Language": "zh-CN"}).json()
            assert "lower is warmer" in en["paths"][0]["cost_text"]
            assert "越低越热" in zh["paths"][0]["cost_text"]
            assert all(re.search(r"[\u4e00-\u9fff]", h["reason"]) for h in zh["paths"][0]["hops"])
            assert zh["paths"][0]["stops"][0]["subtitle"] == "我方团队"
            return
    pytest.fail("the world has no warm path at all")


def test_the_sign_in_page_speaks_the_browsers_language(api: ApiEnv) -> None:
    zh = api.client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-CN">' in zh.text and "API 密钥" in zh.text and "登录" in zh.text
    en = api.client.get("/login", headers={"Accept-Language": "en-GB"})
    assert '<html lang="en">' in en.text and "API key" in en.text
