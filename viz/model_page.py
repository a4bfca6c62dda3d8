"""The model page (`/model`): what `buyergraph learn` kept, shown in the open. The win model's weights
with their 95% intervals as bars, the back-test's calibration as an inline SVG chart, the back-test
figures next to the baselines, whether each model is used and why, the lead-score weights likewise, and
every kept version. No script: the charts are SVG drawn here."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from graph.analyses.lead_weights import LeadWeightsFit
from graph.analyses.messages import render
from graph.analyses.win_model import WinModel
from graph.stores.base import KeptModel
from viz.i18n import PAGE_TEXT, Words

__all__ = ["CalibrationPoint", "ModelView", "WeightBar", "model_view"]

#: The weight chart: pixels of the bar area and the label column.
BAR_WIDTH = 240
#: The calibration chart's square side in pixels (the SVG scales down on small screens).
CHART_SIZE = 220


class WeightBar(BaseModel):
    """One weight drawn on a symmetric axis: x positions (0..BAR_WIDTH) of 0, the value and its interval."""

    name: str
    value_text: str
    interval_text: str
    zero: float
    x: float
    low: float
    high: float
    positive: bool
    note: str = ""


class CalibrationPoint(BaseModel):
    x: float
    y: float
    r: float
    label: str


class MetricRow(BaseModel):
    name: str
    auc: str
    brier: str
    lift: str


class ModelView(BaseModel):
    """Everything the template shows; None sections are "no model yet"."""

    win: dict[str, Any] | None = None
    lead: dict[str, Any] | None = None
    versions: list[KeptModel] = []
    in_use: list[str] = []


def feature_name(name: str, t: Words) -> str:
    """A feature or behaviour as the reader's language names it (the name itself when unknown)."""
    key = f"model.feature.{name}"
    return t(key) if key in PAGE_TEXT else name


def _bars(rows: list[tuple[str, float, float, float, str]]) -> list[WeightBar]:
    """(name, value, low, high, note) rows on one axis, symmetric around 0."""
    reach = max((max(abs(v), abs(lo), abs(hi)) for _, v, lo, hi, _ in rows), default=0.0) or 1.0
    half = BAR_WIDTH / 2

    def at(v: float) -> float:
        return round(half + v / reach * (half - 4), 1)

    return [
        WeightBar(
            name=name,
            value_text=f"{v:+.2f}",
            interval_text=f"[{lo:+.2f}, {hi:+.2f}]",
            zero=half,
            x=at(v),
            low=at(lo),
            high=at(hi),
            positive=v >= 0,
            note=note,
        )
        for name, v, lo, hi, note in rows
    ]


def _win(kept: KeptModel, t: Words) -> dict[str, Any]:
    model = WinModel.model_validate(kept.document)
    bars = _bars(
        [
            (feature_name(w.feature, t), w.weight, w.low, w.high, t("model.constant") if w.constant else "")
            for w in model.weights
        ]
    )
    view: dict[str, Any] = {
        "id": kept.id,
        "as_of": t.fmt.day(model.as_of),
        "fitted_at": t.fmt.day(model.fitted_at.date()),
        "closed": model.closed,
        "won": model.won,
        "first_close": t.fmt.day(model.first_close),
        "last_close": t.fmt.day(model.last_close),
        "used": kept.used,
        "reason": t.message(model.reason_message, model.reason),
        "bars": bars,
        "metrics": [],
        "points": [],
        "back_test": None,
    }
    test = model.back_test
    if test is not None:
        view["back_test"] = {
            "split": t.fmt.day(test.split),
            "train": test.train_closed,
            "test": test.test_closed,
            "test_won": test.test_won,
            "verdict": t.message(test.verdict_message, test.verdict),
        }
        view["metrics"] = [
            MetricRow(
                name=t(f"model.scorer.{m.name}") if f"model.scorer.{m.name}" in _SCORERS else m.name,
                auc="–" if m.auc is None else f"{m.auc:.3f}",
                brier=f"{m.brier:.3f}",
                lift="–" if m.top_decile_lift is None else f"{m.top_decile_lift:.2f}",
            )
            for m in (test.model, test.configured, test.naive_bayes)
        ]
        most = max((b.deals for b in test.model.calibration), default=1) or 1
        pad = 20
        span = CHART_SIZE - 2 * pad
        view["points"] = [
            CalibrationPoint(
                x=round(pad + b.predicted * span, 1),
                y=round(CHART_SIZE - pad - b.won * span, 1),
                r=round(3 + 6 * (b.deals / most) ** 0.5, 1),
                label=t(
                    "model.calibration_point",
                    deals=b.deals,
                    predicted=f"{b.predicted:.0%}",
                    won=f"{b.won:.0%}",
                ),
            )
            for b in test.model.calibration
            if b.deals
        ]
        view["chart"] = {"size": CHART_SIZE, "pad": pad, "end": CHART_SIZE - pad}
    return view


def _lead(kept: KeptModel, t: Words) -> dict[str, Any]:
    fit = LeadWeightsFit.model_validate(kept.document)
    rows = [
        (
            feature_name(w.behaviour, t),
            w.points,
            w.points if w.points_low is None else w.points_low,
            w.points if w.points_high is None else w.points_high,
            w.note,
        )
        for w in fit.learned
    ]
    return {
        "id": kept.id,
        "as_of": t.fmt.day(fit.as_of),
        "used": kept.used,
        "summary": render(fit.summary_message, t.lang),
        "verdict": render(fit.verdict_message, t.lang) if fit.verdict_message is not None else "",
        "converters": fit.converters,
        "non_converters": fit.non_converters,
        "minimum": f"{fit.min_converters} / {fit.min_non_converters}",
        "bars": _bars(rows),
        "configured": {feature_name(w.behaviour, t): f"{w.configured:.2f}" for w in fit.learned},
    }


_SCORERS = frozenset({"model.scorer.model", "model.scorer.configured", "model.scorer.naive_bayes"})


def model_view(
    win: KeptModel | None, lead: KeptModel | None, versions: list[KeptModel], t: Words
) -> ModelView:
    """The page's sections from the latest kept models of each kind and the list of every version."""
    in_use = [m.id for m in (win, lead) if m is not None and m.used]
    return ModelView(
        win=_win(win, t) if win is not None else None,
        lead=_lead(lead, t) if lead is not None else None,
        versions=versions,
        in_use=in_use,
    )
