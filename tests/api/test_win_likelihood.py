"""`GET /api/v1/deals` carries each open deal's win likelihood, the kept model it came from and its factors
once `buyergraph refresh` ran with a used model; "configuration" without one."""

from __future__ import annotations

from datetime import UTC, datetime

from api.refresh import compute_results
from graph.analyses.win_model import FEATURES, WIN_MODEL_KIND, WinModel, WinWeight
from graph.stores.base import KeptModel
from tests.api.conftest import AS_OF, ApiEnv

FITTED = datetime(2026, 6, 30, 6, 0, tzinfo=UTC)


def _refresh(api: ApiEnv) -> None:
    store = api.store
    ids = store.accounts_to_refresh(everything=True)
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    store.write_results(compute_results(store, ids, as_of=AS_OF, config=runtime.config))


def _model() -> WinModel:
    weights = {"economic_buyer_engaged": 1.5, "engaged_people": 0.5, "stale_required_roles": -0.8}
    return WinModel(
        id="win_likelihood-test",
        fitted_at=FITTED,
        as_of=AS_OF,
        features=list(FEATURES),
        intercept=-1.0,
        weights=[
            WinWeight(feature=f, weight=weights.get(f, 0.0), low=-1, high=2, mean=0.5) for f in FEATURES
        ],
        scales=[1.0] * len(FEATURES),
        penalty_c=1.0,
        closed=100,
        won=50,
        first_close=None,
        last_close=None,
        used=True,
        reason="test",
    )


def test_deal_list_carries_the_win_likelihood_of_the_kept_model(api: ApiEnv) -> None:
    _refresh(api)
    before = [
        d["result"] for d in api.get("/api/v1/deals", params={"limit": 200}).json()["data"] if d["result"]
    ]
    assert before and all(r["win_model"] == "configuration" and r["win_likelihood"] is None for r in before)

    model = _model()
    api.store.write_model(
        KeptModel(
            id=model.id,
            kind=WIN_MODEL_KIND,
            fitted_at=FITTED,
            as_of=AS_OF,
            used=True,
            document=model.model_dump(mode="json"),
        )
    )
    _refresh(api)
    after = [
        d["result"] for d in api.get("/api/v1/deals", params={"limit": 200}).json()["data"] if d["result"]
    ]
    assert len(after) == len(before)
    assert all(r["win_model"] == model.id and 0 < r["win_likelihood"] < 1 for r in after)
    assert len({r["win_likelihood"] for r in after}) > 1
    factors = [f for r in after for f in r["win_factors"]]
    assert factors and all(
        f["text"].endswith("points") and f["message"]["key"].startswith("win.factor.") for f in factors
    )


def test_account_deals_carry_the_kept_win_likelihood(api: ApiEnv) -> None:
    model = _model()
    api.store.write_model(
        KeptModel(
            id=model.id,
            kind=WIN_MODEL_KIND,
            fitted_at=FITTED,
            as_of=AS_OF,
            used=True,
            document=model.model_dump(mode="json"),
        )
    )
    _refresh(api)
    listed = api.get("/api/v1/deals", params={"limit": 200}).json()["data"]
    scored = next(d for d in listed if d["result"] and d["result"]["win_likelihood"] is not None)
    body = api.get(
        f"/api/v1/accounts/{scored['company_id']}/deals", params={"as_of": AS_OF.isoformat()}
    ).json()
    deal = next(d for d in body["data"] if d["id"] == scored["id"])
    assert deal["win_likelihood"] == scored["result"]["win_likelihood"] and deal["win_model"] == model.id
    assert deal["win_factors"] == scored["result"]["win_factors"]
