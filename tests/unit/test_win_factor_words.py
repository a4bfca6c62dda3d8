"""A win factor reads as a seller would say it, in both languages: a count of zero is not "0 ... roles"."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from graph.analyses.win_model import WinModel, WinWeight, win_factors


def _model(feature: str, weight: float) -> WinModel:
    return WinModel(
        id="m",
        fitted_at=datetime(2025, 1, 1),
        as_of=date(2025, 1, 1),
        features=[feature],
        intercept=0.0,
        scales=[1.0],
        penalty_c=1.0,
        closed=0,
        won=0,
        first_close=None,
        last_close=None,
        used=True,
        reason="",
        weights=[WinWeight(feature=feature, weight=weight, low=weight - 1, high=weight + 1, mean=1.0)],
    )


@pytest.mark.parametrize(
    ("feature", "weight", "en", "zh"),
    [
        (
            "stale_required_roles",
            -0.7,
            "no required role gone quiet: +17 points",
            "没有必需角色近期失去接触：+17 分",
        ),
        ("high_gaps", -0.5, "no high-severity gap: +12 points", "没有高严重度缺口：+12 分"),
        ("engaged_people", 0.6, "no committee member engaged: -15 points", "没有委员会成员保持接触：-15 分"),
    ],
)
def test_a_count_of_zero_has_its_own_words(feature: str, weight: float, en: str, zh: str) -> None:
    model = _model(feature, weight)
    assert [f.text for f in win_factors(model, {feature: 0})] == [en]
    assert [f.text for f in win_factors(model, {feature: 0}, lang="zh-CN")] == [zh]


def test_a_count_above_zero_keeps_its_number() -> None:
    model = _model("stale_required_roles", -0.7)
    (factor,) = win_factors(model, {"stale_required_roles": 3})
    assert factor.text.startswith("3 required roles held but not engaged lately: -")


def test_days_in_stage_and_months_open_say_which_time_they_measure() -> None:
    """A model learned from stage history speaks of days in the stage; one without, of months open."""
    model = _model("days_in_stage", -0.01)
    model.weights[0].mean = 20.0
    # 80 days, 60 above the average: logit -0.8 against -0.2 at the average
    points = round(100 * (1 / (1 + math.exp(0.8)) - 1 / (1 + math.exp(0.2))))
    (factor,) = win_factors(model, {"days_in_stage": 80})
    assert points < 0 and factor.text == f"80 days in its stage: {points} points"
    (zh,) = win_factors(model, {"days_in_stage": 80}, lang="zh-CN")
    assert zh.text == f"在当前阶段已 80 天：{points} 分"
    (one,) = win_factors(model, {"days_in_stage": 1})
    assert one.text.startswith("1 day in its stage: ")
    months = _model("months_open", -0.5)
    (factor,) = win_factors(months, {"months_open": 3})
    assert factor.text.startswith("open 3 months: ")
