"""Key people and deal gaps sent from the JSON refresh rendered (api/answers.py) are byte for byte the
answers built from the kept detail (the path of results kept before answers were rendered), on both
stores, for every account and open deal, with and without `limit`, fresh and stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.answers import deal_gaps_public, key_people_public
from graph.analyses.portfolio import AccountResult
from graph.model import DealStatus
from tests.api.conftest import AS_OF, ApiEnv
from tests.api.test_portfolio_lists import refresh_all

_PARAMS: list[dict[str, str | int]] = [
    {},
    {"as_of": AS_OF.isoformat()},
    {"limit": 1},
    {"limit": 3},
    {"limit": 500},
]


def _answers(
    api: ApiEnv, account_ids: list[str], deal_ids: list[str]
) -> dict[tuple[str, str], tuple[bytes, str]]:
    """(path, params) -> (body, content type) of every key people and gaps answer asked for."""
    found = {}
    paths = [f"/api/v1/accounts/{a}/key-people" for a in account_ids]
    paths += [f"/api/v1/deals/{d}/gaps" for d in deal_ids]
    for path in paths:
        for params in _PARAMS:
            if "limit" in params and "/deals/" in path:
                continue
            response = api.get(path, params=params)
            assert response.status_code == 200, (path, params, response.text)
            assert response.json()["source"] == "kept", (path, params)
            found[(path, repr(params))] = (response.content, response.headers["content-type"])
    return found


def test_rendered_answers_are_byte_for_byte_the_kept_detail_answers(api: ApiEnv) -> None:
    store = api.store
    account_ids = store.accounts_to_refresh(everything=True)
    deal_ids = [
        d.id
        for cid in account_ids
        for d in store.account_graph(cid).deals
        if d.status in (None, DealStatus.OPEN)
    ]
    kept = refresh_all(api)
    assert len(account_ids) >= 3 and len(deal_ids) >= 3
    assert all(r.answers is not None for r in kept.values())
    assert any(len(r.answers.key_people) > 3 for r in kept.values() if r.answers)

    rendered = _answers(api, account_ids, deal_ids)
    for cid in account_ids:  # the rendered path was the one taken
        fragment = store.read_kept_key_people(cid, limit=2)
        assert fragment is not None and fragment.items is not None and len(fragment.items) <= 2
    for did in deal_ids:
        gaps = store.read_kept_deal_gaps(did)
        assert gaps is not None and gaps.members is not None

    # The same results kept without rendered answers (as an older version kept them): the endpoints
    # answer from the kept detail, and say exactly the same bytes.
    without: list[AccountResult] = [r.model_copy(update={"answers": None}) for r in kept.values()]
    assert store.write_results(without) == len(without)
    for cid in account_ids:
        fragment = store.read_kept_key_people(cid)
        assert fragment is not None and fragment.items is None and fragment.notes is None
    for did in deal_ids:
        gaps = store.read_kept_deal_gaps(did)
        assert gaps is not None and gaps.members is None
    from_detail = _answers(api, account_ids, deal_ids)
    assert from_detail.keys() == rendered.keys()
    for key, answer in rendered.items():
        assert answer == from_detail[key], key

    # Kept with answers again, then the accounts change: the rendered answers say they are stale, and
    # are still exactly what the public models give for the kept detail.
    assert store.write_results(list(kept.values())) == len(kept)
    store.mark_accounts_changed(company_ids=account_ids, at=datetime.now(UTC) + timedelta(seconds=1))
    for cid in account_ids:
        answer = store.read_kept_answer(company_id=cid)
        assert answer is not None and answer.stale
        for limit in (None, 2):
            response = api.get(f"/api/v1/accounts/{cid}/key-people", params={"limit": limit} if limit else {})
            people = answer.detail.key_people[:limit] if limit else answer.detail.key_people
            expected = key_people_public(
                account_id=cid,
                as_of=answer.as_of,
                people=people,
                notes=answer.detail.key_people_notes,
                source="kept",
                computed_at=answer.computed_at,
                stale=True,
            )
            assert response.content == expected.model_dump_json().encode()
        for deal in answer.detail.deals:
            response = api.get(f"/api/v1/deals/{deal.deal_id}/gaps")
            expected_gaps = deal_gaps_public(
                deal_id=deal.deal_id,
                account_id=cid,
                as_of=answer.as_of,
                analysis=deal,
                source="kept",
                computed_at=answer.computed_at,
                stale=True,
            )
            assert response.content == expected_gaps.model_dump_json().encode()
            assert response.json()["stale"] is True


def test_a_deal_without_a_kept_answer_is_computed(api: ApiEnv) -> None:
    """A closed deal of a refreshed account has no kept gaps answer: it is analysed on request, as
    before; an unknown deal is a 404 problem."""
    store = api.store
    account_ids = store.accounts_to_refresh(everything=True)
    closed = next(
        (d.id for cid in account_ids for d in store.account_graph(cid).deals if d.status == DealStatus.WON),
        None,
    )
    refresh_all(api)
    assert closed is not None
    fragment = store.read_kept_deal_gaps(closed)
    assert fragment is not None and fragment.members is None
    body = api.get(f"/api/v1/deals/{closed}/gaps").json()
    assert body["source"] == "computed" and body["deal_id"] == closed
    missing = api.get("/api/v1/deals/d-nowhere/gaps")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_the_documented_answers_stay_the_public_models(embedded_env: ApiEnv) -> None:
    """The routes send rendered JSON but still document (and are checked against) their models."""
    paths = embedded_env.client.get("/openapi.json").json()["paths"]
    for path, model in (
        ("/api/v1/accounts/{account_id}/key-people", "KeyPeoplePublic"),
        ("/api/v1/deals/{deal_id}/gaps", "DealGapsPublic"),
    ):
        ok = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": f"#/components/schemas/{model}"}, path
