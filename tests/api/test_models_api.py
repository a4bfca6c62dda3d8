"""`GET /api/v1/models` and `/models/{id}` list and show what `buyergraph learn` kept; kept lead weights
reach the lead scores of refresh and of answers computed on request, which say which model they used;
an account's deals computed on request carry the kept win model's likelihood and name it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.refresh import compute_results
from graph.analyses.config import LeadScoreWeights
from graph.analyses.lead_weights import LEAD_WEIGHTS_KIND, LeadWeightsFit
from graph.analyses.messages import Message
from graph.stores.base import KeptModel
from tests.api.conftest import AS_OF, ApiEnv
from tests.api.test_win_likelihood import FITTED, _model

WIN = "win_likelihood"


def _lead_fit(weights: LeadScoreWeights) -> LeadWeightsFit:
    message = Message(
        key="learn.lead.learned", params={"converters": 90, "others": 90, "days": 90, "as_of": "2026-06-30"}
    )
    return LeadWeightsFit(
        as_of=AS_OF,
        window_days=90,
        converters=90,
        non_converters=90,
        undated_converters=0,
        min_converters=80,
        min_non_converters=80,
        enough=True,
        method="test",
        bootstrap=0,
        seed=0,
        regularisation_c=1.0,
        weights=weights,
        summary="test",
        summary_message=message,
        used=True,
        auc=0.758,
        auc_low=0.727,
        auc_high=0.791,
        configured_auc=0.703,
        auc_difference=0.055,
        auc_difference_low=0.029,
        auc_difference_high=0.083,
        verdict_message=Message(
            key="learn.lead.verdict.paired.better",
            params={
                "auc": 0.758,
                "low": 0.727,
                "high": 0.791,
                "configured": 0.703,
                "difference": 0.055,
                "difference_low": 0.029,
                "difference_high": 0.083,
            },
        ),
    )


def _keep_win(api: ApiEnv, used: bool = True) -> str:
    model = _model()
    api.store.write_model(
        KeptModel(
            id=model.id,
            kind=WIN,
            fitted_at=FITTED,
            as_of=AS_OF,
            used=used,
            document=model.model_dump(mode="json"),
        )
    )
    return model.id


def _keep_lead(api: ApiEnv, model_id: str, weights: LeadScoreWeights, *, used: bool = True) -> None:
    api.store.write_model(
        KeptModel(
            id=model_id,
            kind=LEAD_WEIGHTS_KIND,
            fitted_at=FITTED + timedelta(minutes=1),
            as_of=AS_OF,
            used=used,
            document=_lead_fit(weights).model_dump(mode="json"),
        )
    )


def test_models_list_and_one_model(api: ApiEnv) -> None:
    empty = api.get("/api/v1/models")
    assert empty.status_code == 200 and empty.json() == {"data": [], "count": 0}
    win_id = _keep_win(api)
    _keep_lead(api, "lead_weights-test", LeadScoreWeights(meeting=30.0))
    body = api.get("/api/v1/models").json()
    assert body["count"] == 2 and {m["kind"] for m in body["data"]} == {WIN, LEAD_WEIGHTS_KIND}
    assert all(m["in_use"] and m["used"] for m in body["data"])
    only = api.get("/api/v1/models", params={"kind": WIN}).json()
    assert [m["id"] for m in only["data"]] == [win_id]
    one = api.get(f"/api/v1/models/{win_id}").json()
    assert one["kind"] == WIN and one["in_use"] is True
    assert [w["feature"] for w in one["document"]["weights"]][:1] == [_model().weights[0].feature]
    # an unused later version: listed, not in use, and the earlier one is no longer the latest
    api.store.write_model(
        KeptModel(id="win-later", kind=WIN, fitted_at=FITTED + timedelta(days=1), as_of=AS_OF, used=False)
    )
    listed = {m["id"]: m for m in api.get("/api/v1/models").json()["data"]}
    assert listed["win-later"]["in_use"] is False and listed[win_id]["in_use"] is False


def test_models_errors(api: ApiEnv) -> None:
    missing = api.get("/api/v1/models/nope")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert api.get("/api/v1/models", params={"kind": "astrology"}).status_code == 422
    assert api.get("/api/v1/models", params={"colour": "red"}).status_code == 422
    assert api.client.get("/api/v1/models").status_code == 401


def test_kept_lead_weights_reach_refresh_and_answers_on_request(api: ApiEnv) -> None:
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    ids = api.store.accounts_to_refresh(everything=True)
    before = compute_results(api.store, ids, as_of=AS_OF, config=runtime.config)
    assert all(r.detail is not None and r.detail.lead_model == "configuration" for r in before)
    heavy = LeadScoreWeights(**dict.fromkeys(("meeting", "inbound_email", "page_viewed", "webinar"), 40.0))
    _keep_lead(api, "lead_weights-heavy", heavy)
    # keeping a model moves the store's version: the next request uses it at once, although the
    # server looked the (older) lead weights up less than MODEL_LOOKUP_S seconds ago
    account = ids[0]
    body = api.get(f"/api/v1/accounts/{account}", params={"as_of": AS_OF.isoformat()}).json()
    assert body["source"] == "computed" and body["lead_model"] == "lead_weights-heavy"
    assert runtime.config.lead_score == heavy and runtime.lead_model == "lead_weights-heavy"
    after = compute_results(api.store, ids, as_of=AS_OF, config=runtime.base_config)
    assert all(r.detail is not None and r.detail.lead_model == "lead_weights-heavy" for r in after)
    changed = [
        (b.account_id, b.detail.engagement.account_score, a.detail.engagement.account_score)
        for b, a in zip(before, after, strict=True)
        if b.detail is not None and a.detail is not None
    ]
    assert any(old != new for _, old, new in changed)
    # an unused fit (too little history) is kept but not used: the configuration is
    _keep_lead(api, "lead_weights-unused", LeadScoreWeights(), used=False)
    api.store.write_model(
        KeptModel(
            id="lead_weights-unused",
            kind=LEAD_WEIGHTS_KIND,
            fitted_at=datetime.now(UTC),
            as_of=AS_OF,
            used=False,
        )
    )
    body = api.get(f"/api/v1/accounts/{account}", params={"as_of": AS_OF.isoformat()}).json()
    assert body["lead_model"] == "configuration"
    assert (
        runtime.lead_model == "configuration" and runtime.config.lead_score == runtime.base_config.lead_score
    )


def test_account_deals_on_request_say_which_win_model(api: ApiEnv) -> None:
    account = api.store.accounts_to_refresh(everything=True)[0]
    deals = [
        d
        for a in api.store.accounts_to_refresh(everything=True)
        for d in api.get(f"/api/v1/accounts/{a}/deals", params={"status": "open"}).json()["data"]
    ]
    assert deals and all(d["source"] == "computed" and d["win_model"] == "configuration" for d in deals)
    assert all(d["win_likelihood"] is None for d in deals)
    model_id = _keep_win(api)
    api.client.app.state.runtime.analysis_cache.clear()  # type: ignore[attr-defined]
    scored = [
        d
        for a in api.store.accounts_to_refresh(everything=True)
        for d in api.get(f"/api/v1/accounts/{a}/deals", params={"status": "open"}).json()["data"]
    ]
    assert scored and all(d["win_model"] == model_id and 0 < d["win_likelihood"] < 1 for d in scored)
    assert any(d["win_factors"] for d in scored)
    assert account
