"""Key people and deal gaps sent from the JSON refresh rendered (api/answers.py) are byte for byte the
answers built from the kept detail (the path of results kept before answers were rendered), on both
stores, for every account and open deal, with and without `limit`, fresh and stale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel, Field

from api.answers import RENDER_FORMAT, TAILS, Freshness, deal_gaps_public, key_people_public
from api.routers import accounts as accounts_router
from api.routers import deals as deals_router
from api.schemas import DealGapsPublic, KeyPeoplePublic
from graph.analyses.portfolio import SUMMARY_FORMAT, AccountResult, AccountSummary
from graph.model import DealStatus
from graph.shapes import shape_token
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


def _fresh_renders(api: ApiEnv, account_ids: list[str]) -> dict[str, bytes]:
    """path -> the answer the public models give for the kept detail (what a fresh render says)."""
    expected: dict[str, bytes] = {}
    for cid in account_ids:
        answer = api.store.read_kept_answer(company_id=cid)
        assert answer is not None
        freshness: Freshness = {"source": "kept", "computed_at": answer.computed_at, "stale": answer.stale}
        people = key_people_public(
            account_id=cid,
            as_of=answer.as_of,
            people=answer.detail.key_people,
            notes=answer.detail.key_people_notes,
            **freshness,
        )
        expected[f"/api/v1/accounts/{cid}/key-people"] = people.model_dump_json().encode()
        for deal in answer.detail.deals:
            gaps = deal_gaps_public(
                deal_id=deal.deal_id, account_id=cid, as_of=answer.as_of, analysis=deal, **freshness
            )
            expected[f"/api/v1/deals/{deal.deal_id}/gaps"] = gaps.model_dump_json().encode()
    return expected


def test_answers_rendered_in_another_format_are_rendered_again_from_the_detail(
    api: ApiEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rendered answer is sent only while its render-format token is the current one: kept with
    another token (an upgrade changed `KeyPerson` or `DealGapsPublic`), or with none (before tokens),
    the endpoints answer from the kept detail, with exactly the bytes of a fresh render."""
    store = api.store
    account_ids = store.accounts_to_refresh(everything=True)
    kept = refresh_all(api)
    assert all(r.answers is not None and r.answers.format == RENDER_FORMAT for r in kept.values())
    expected = _fresh_renders(api, account_ids)
    assert any("/deals/" in path for path in expected)

    # Which path answers: the detail path builds the answer with these (the rendered path never does).
    built: list[str] = []

    def counting(name: str, build: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(**kwargs: Any) -> Any:
            built.append(name)
            return build(**kwargs)

        return wrapper

    monkeypatch.setattr(accounts_router, "key_people_public", counting("people", key_people_public))
    monkeypatch.setattr(deals_router, "deal_gaps_public", counting("gaps", deal_gaps_public))

    def ask() -> None:
        for path, body in expected.items():
            response = api.get(path)
            assert response.status_code == 200, (path, response.text)
            assert response.content == body, path

    ask()  # the current token: the rendered answers are sent as kept
    assert built == []
    for cid in account_ids:
        fragment = store.read_kept_key_people(cid)
        assert fragment is not None and fragment.format == RENDER_FORMAT

    for token in ("an-older-shape", ""):
        other = [
            r.model_copy(update={"answers": r.answers.model_copy(update={"format": token})})
            for r in kept.values()
            if r.answers is not None
        ]
        assert store.write_results(other) == len(other)
        for cid in account_ids:
            fragment = store.read_kept_key_people(cid)
            assert fragment is not None and fragment.items is not None and fragment.format == token
        deal_id = next(p.rsplit("/", 2)[1] for p in expected if "/deals/" in p)
        gaps = store.read_kept_deal_gaps(deal_id)
        assert gaps is not None and gaps.members is not None and gaps.format == token
        built.clear()
        ask()  # another token: every answer is built from the kept detail, the same bytes
        assert built.count("people") == len(account_ids), token
        assert built.count("gaps") == len(expected) - len(account_ids), token


def test_the_render_format_follows_the_answer_models() -> None:
    """The token is derived from the models' shape: the same models give the same token, a model with
    one more field (or a field renamed) another one; refresh renders with the current token."""

    class Wider(KeyPeoplePublic):
        extra: int = 0

    class Renamed(DealGapsPublic):
        template: str = Field(default="", serialization_alias="committee_template")

    assert shape_token(TAILS) == RENDER_FORMAT == shape_token([KeyPeoplePublic, DealGapsPublic])
    assert shape_token([Wider, DealGapsPublic]) != RENDER_FORMAT
    assert shape_token([KeyPeoplePublic, Renamed]) != RENDER_FORMAT
    assert len(RENDER_FORMAT) == 16 and RENDER_FORMAT.isalnum()


def test_the_shape_token_ignores_documentation() -> None:
    """Titles, descriptions and examples do not change the JSON, nor the token; a field's type does,
    and so does a field named like a documentation keyword."""

    class Figures(BaseModel):
        """Some figures."""

        count: int = Field(description="how many", examples=[1])

    class Described(BaseModel):
        """The same figures, documented otherwise."""

        count: int = Field(description="how many there are", title="Count!", examples=[2, 3])

    class Changed(BaseModel):
        """Some figures."""

        count: float = Field(description="how many", examples=[1])

    class Titled(BaseModel):
        """Some figures."""

        count: int = Field(description="how many", examples=[1])
        title: str = ""

    Described.__name__ = Changed.__name__ = Titled.__name__ = "Figures"
    assert shape_token([Described]) == shape_token([Figures])
    assert shape_token([Changed]) != shape_token([Figures])
    assert shape_token([Titled]) != shape_token([Figures])
    assert SUMMARY_FORMAT == shape_token([AccountSummary]) != shape_token([AccountSummary, Figures])
