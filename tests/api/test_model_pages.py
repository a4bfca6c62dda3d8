"""The model page (`/model`) and the deals view's win likelihood, in English and Chinese, on both stores:
what `buyergraph learn` kept is shown (weights with intervals, calibration chart, back-test next to the
baselines, used or not, versions), "no model yet" without one, each open deal's likelihood and factors."""

from __future__ import annotations

import re
from datetime import date

from api.refresh import compute_results
from graph.analyses.config import LeadScoreWeights
from graph.analyses.lead_weights import LEAD_WEIGHTS_KIND
from graph.analyses.messages import Message, render
from graph.analyses.win_model import BackTest, CalibrationBin, Metrics, WinModel
from graph.stores.base import KeptModel
from tests.api.conftest import AS_OF, ApiEnv
from tests.api.test_models_api import _keep_lead
from tests.api.test_win_likelihood import FITTED, _model
from viz.i18n import Words
from viz.model_page import feature_name

POINT = re.compile(r'<circle [^>]*class="point"')
METRIC_ROW = re.compile(r"<tr><td>([^<]+)</td><td class=\"num\">([^<]+)</td>")


def _metrics(name: str, auc: float) -> Metrics:
    bins = [
        CalibrationBin(low=0.0, high=0.2, deals=12, predicted=0.12, won=0.1),
        CalibrationBin(low=0.2, high=0.4, deals=0, predicted=0.0, won=0.0),
        CalibrationBin(low=0.6, high=0.8, deals=9, predicted=0.7, won=0.66),
    ]
    return Metrics(name=name, auc=auc, brier=0.2, top_decile_lift=1.8, calibration=bins)


#: The paired figures of bench/check_learning.py's planted world (seed 3), as USE_RULE's messages take them.
USED_PARAMS: dict[str, float] = {
    "auc_difference": 0.2778,
    "auc_low": 0.1797,
    "auc_high": 0.3957,
    "brier_configured_difference": 0.0805,
    "brier_configured_low": 0.0526,
    "brier_configured_high": 0.1108,
    "brier_naive_bayes_difference": 0.0059,
    "brier_naive_bayes_low": -0.0185,
    "brier_naive_bayes_high": 0.0314,
}
#: A model used under USE_RULE: it beats the configured weights and ties naive Bayes.
USED_VERDICT = Message(
    key="win.verdict.use.ties_naive_bayes",
    params={**USED_PARAMS, "figures": Message(key="win.verdict.use.figures", params=USED_PARAMS)},
)


def _tested_model() -> WinModel:
    test = BackTest(
        split=date(2026, 1, 1),
        train_closed=80,
        train_won=40,
        test_closed=21,
        test_won=9,
        model=_metrics("model", 0.781),
        configured=_metrics("configured", 0.612),
        naive_bayes=_metrics("naive_bayes", 0.655),
        auc_low=0.7,
        auc_high=0.85,
        auc_vs_configured=[0.2778, 0.1797, 0.3957],
        brier_vs_configured=[0.0805, 0.0526, 0.1108],
        brier_vs_naive_bayes=[0.0059, -0.0185, 0.0314],
        better=True,
        verdict=render(USED_VERDICT),
        verdict_message=USED_VERDICT,
    )
    update = {
        "back_test": test,
        "first_close": date(2025, 1, 2),
        "reason": test.verdict,
        "reason_message": USED_VERDICT,
    }
    return _model().model_copy(update=update)


def _keep(api: ApiEnv, model: WinModel) -> None:
    api.store.write_model(
        KeptModel(
            id=model.id,
            kind="win_likelihood",
            fitted_at=FITTED,
            as_of=AS_OF,
            used=True,
            document=model.model_dump(mode="json"),
        )
    )


def test_model_page_without_a_model(api: ApiEnv) -> None:
    en = api.get("/model", params={"lang": "en"})
    assert en.status_code == 200 and 'id="no-model"' in en.text and "buyergraph learn" in en.text
    assert 'href="/model"' in en.text  # linked from the navigation
    zh = api.get("/model", params={"lang": "zh-CN"})
    assert "尚无模型" in zh.text
    assert api.get("/model", params={"lang": "xx"}).status_code == 400
    assert api.client.get("/model", follow_redirects=False).status_code in (302, 303, 307)


def test_model_page_shows_the_kept_models(api: ApiEnv) -> None:
    model = _tested_model()
    _keep(api, model)
    _keep_lead(api, "lead_weights-test", LeadScoreWeights(meeting=30.0))
    page = api.get("/model", params={"lang": "en"}).text
    assert 'id="no-model"' not in page and 'id="win-model"' in page and 'id="lead-model"' in page
    for w in model.weights:
        assert f'<th scope="row">{feature_name(w.feature, Words("en"))}</th>' in page
    # the calibration chart: one point per bin that holds deals
    assert len(POINT.findall(page)) == 2
    rows = METRIC_ROW.findall(page)
    assert rows == [("Learned model", "0.781"), ("Configured weights", "0.612"), ("Naive Bayes", "0.655")]
    assert "beats the configured weights; as good as naive Bayes, no better" in page
    assert "Brier score gain on the configured weights +0.0805 [+0.0526, +0.1108]" in page
    assert "on naive Bayes +0.0059 [-0.0185, +0.0314]" in page
    assert model.id in page and "lead_weights-test" in page
    zh = api.get("/model", params={"lang": "zh-CN"}).text
    assert "学习模型" in zh and "朴素贝叶斯" in zh and "正在使用" in zh
    assert "预算审批人保持接触" in zh and not any(f">{w.feature}<" in zh for w in model.weights)
    # the verdict (and the reason) in Chinese, not the English text the model also keeps
    assert "优于配置权重；与朴素贝叶斯相当，并不更好" in zh and "as good as naive Bayes" not in zh


def test_deals_view_shows_win_likelihood_and_factors(api: ApiEnv) -> None:
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    ids = api.store.accounts_to_refresh(everything=True)
    api.store.write_results(compute_results(api.store, ids, as_of=AS_OF, config=runtime.config))
    before = api.get("/deals", params={"lang": "en"}).text
    assert "Win likelihood" in before and 'class="win-value"' not in before
    _keep(api, _model())
    api.store.write_results(compute_results(api.store, ids, as_of=AS_OF, config=runtime.config))
    listed = api.get("/api/v1/deals", params={"limit": 50}).json()["data"]
    scored = [d for d in listed if d["result"] and d["result"]["win_likelihood"] is not None]
    assert scored
    en = api.get("/deals", params={"lang": "en"}).text
    assert en.count('class="win-value"') == len(scored)
    first = scored[0]["result"]
    assert f"{first['win_likelihood']:.0%}" in en or f"{round(first['win_likelihood'] * 100)}%" in en
    if first["win_factors"]:
        assert first["win_factors"][0]["text"] in en
    zh = api.get("/deals", params={"lang": "zh-CN"}).text
    assert "赢单可能性" in zh and zh.count('class="win-value"') == len(scored)
    assert "原因" in zh and "分" in zh
    _keep_lead(api, LEAD_WEIGHTS_KIND + "-unused", LeadScoreWeights(), used=False)


def test_a_declined_model_says_why_in_the_readers_language(api: ApiEnv) -> None:
    """The verdict and the reason are messages: the Chinese page gives them in Chinese, not the
    English text the model also keeps."""
    failed = Message(
        key="win.verdict.not_better",
        params={"reasons": [Message(key="win.verdict.brier"), Message(key="win.verdict.chance")]},
    )
    tested = _tested_model()
    assert tested.back_test is not None
    test = tested.back_test.model_copy(
        update={"better": False, "verdict": render(failed), "verdict_message": failed}
    )
    model = tested.model_copy(
        update={"back_test": test, "used": False, "reason": test.verdict, "reason_message": failed}
    )
    _keep(api, model)
    en = api.get("/model", params={"lang": "en"}).text
    assert "no better than the baselines: its Brier score is not below both baselines" in en
    zh = api.get("/model", params={"lang": "zh-CN"}).text
    assert "不优于基准：其 Brier 分数没有低于两个基准；其 AUC 没有明显好于随机" in zh
    assert "no better than the baselines" not in zh


def test_the_paired_rule_is_shown_with_its_interval_in_both_languages(api: ApiEnv) -> None:
    """A win model declined by the paired rule and lead weights used by it: the page gives each
    difference with its paired 90% interval, in the reader's language."""
    params = {
        "auc_difference": 0.278,
        "auc_low": 0.18,
        "auc_high": 0.396,
        "brier_configured_difference": 0.0805,
        "brier_configured_low": 0.0526,
        "brier_configured_high": 0.1108,
        "brier_naive_bayes_difference": 0.0059,
        "brier_naive_bayes_low": -0.0185,
        "brier_naive_bayes_high": 0.0314,
    }
    failed = Message(
        key="win.verdict.paired.not_better",
        params={**params, "reasons": [Message(key="win.verdict.paired.brier")]},
    )
    tested = _tested_model()
    assert tested.back_test is not None
    test = tested.back_test.model_copy(
        update={
            "better": False,
            "verdict": render(failed),
            "verdict_message": failed,
            "auc_vs_configured": [0.278, 0.18, 0.396],
            "brier_vs_configured": [0.0805, 0.0526, 0.1108],
            "brier_vs_naive_bayes": [0.0059, -0.0185, 0.0314],
        }
    )
    _keep(api, tested.model_copy(update={"back_test": test, "used": False, "reason_message": failed}))
    _keep_lead(api, LEAD_WEIGHTS_KIND + "-paired", LeadScoreWeights(page_viewed=7.5), used=True)
    en = api.get("/model", params={"lang": "en"}).text
    assert "its Brier score is not clearly below both baselines" in en
    assert "on naive Bayes +0.0059 [-0.0185, +0.0314]" in en
    assert "the configured weights 0.703: +0.055 (paired 90% interval +0.029 to +0.083, above 0)" in en
    zh = api.get("/model", params={"lang": "zh-CN"}).text
    assert "其 Brier 分数没有明显低于两个基准" in zh and "相对朴素贝叶斯 +0.0059 [-0.0185, +0.0314]" in zh
    assert "配对 90% 区间 +0.029 至 +0.083，高于 0" in zh
    assert "paired 90%" not in zh
    models = api.get("/api/v1/models").json()["data"]
    lead = next(m for m in models if m["id"] == LEAD_WEIGHTS_KIND + "-paired")
    whole = api.get(f"/api/v1/models/{lead['id']}").json()
    assert whole["document"]["auc_difference_low"] == 0.029 and whole["document"]["auc_difference"] == 0.055
