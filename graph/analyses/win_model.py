"""Win likelihood learned from closed deals, in the open: features a seller understands, a regularised
logistic model with an interval per weight, per-deal factors in words, and a time-split back-test next to
same-run baselines.

- Features of a deal as of a date (`deal_features`), all from the existing analyses (gaps, coverage,
  engagement) run on the account *as of that date*: a closed deal is seen as of its close date (the
  analyses keep to touches, assertions, employment and reporting lines up to as_of, so nothing that
  happened later leaks in); an open deal as of today.
- The model (`fit_win_model`): a logistic regression on standardised features with an L2 penalty whose
  strength is chosen by 5-fold cross-validation on the log-loss (so the probabilities are calibrated on
  held-out deals, not only ranked); a 95% interval per weight from a bootstrap of the closed deals (the
  deals resampled with replacement, the model refitted with the same penalty, the 2.5th and 97.5th
  percentiles of each weight).
- No model below the minimum history (`MIN_CLOSED` closed deals with at least `MIN_EACH` wins and
  `MIN_EACH` losses).
- The back-test (`back_test`): fit on the deals closed before a split date, score the deals closed on or
  after it; AUC, Brier score, a calibration table and top-decile lift for the model and two baselines fit
  on the same training deals: the configured weights (the deal's completeness, `deal_completeness`, made
  a probability by a one-variable Platt fit) and a naive Bayes per-feature frequency model. The model
  replaces the configured weights when it beats them clearly and is not clearly worse than naive Bayes
  (`USE_RULE`): a paired bootstrap of the scored deals (each resample scores the model and the
  baselines) gives a 90% interval of each difference; against the configured weights the lower ends of
  the AUC difference and of the Brier gain must be above 0 (a point estimate a hair better is not
  enough), against naive Bayes the Brier gain's interval must not lie entirely below 0. The verdict says
  whether it also beats naive Bayes or only ties it.

>>> rows = [DealRow(deal_id=str(i), as_of=date(2025, 1, 1), values={"engaged_people": i % 5},
...     won=i % 5 > 1) for i in range(10)]
>>> [r.won for r in rows[:5]]
[False, False, True, True, True]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from graph import projections
from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.messages import Message, render
from graph.analyses.portfolio import deal_completeness
from graph.analyses.report import ClosedDealAnalysis, closed_deal_analyses
from graph.analyses.results import AccountAnalysis, DealAnalysis, GapKind, Severity
from graph.analyses.stages import days_in_stage
from graph.model import AccountGraph, BuyingRole, Deal, Function, Seniority

__all__ = [
    "FEATURES",
    "MIN_CLOSED",
    "MIN_EACH",
    "STAGE_FEATURE",
    "USE_RULE",
    "WIN_MODEL_KIND",
    "BackTest",
    "DealRow",
    "Factor",
    "Metrics",
    "WinModel",
    "WinWeight",
    "back_test",
    "closed_deal_rows",
    "deal_features",
    "fit_win_model",
    "learn_win_model",
    "open_deal_rows",
    "score_deals",
    "win_factors",
    "win_features",
    "win_likelihood",
]

#: The kind of a kept win-likelihood model (`GraphStore.write_model`).
WIN_MODEL_KIND = "win_likelihood"
#: The features, in the order the model and its report use.
FEATURES: tuple[str, ...] = (
    "required_roles_missing",
    "stale_required_roles",
    "economic_buyer_engaged",
    "executive_engaged",
    "engaged_people",
    "engaged_functions",
    "coverage",
    "decision_maker_tie",
    "high_gaps",
    "size_band",
    "months_open",
)
#: The time feature used instead of `months_open` when every closed deal has a stage history
#: (`win_features`): days in the stage the deal was in on the day it is analysed (graph.analyses.stages).
STAGE_FEATURE = "days_in_stage"
#: Days in stage are counted up to this many: a deal stuck a year is as stuck as one stuck two.
DAYS_IN_STAGE_CAP = 365
#: Engaged people are counted up to this many: more adds little.
ENGAGED_PEOPLE_CAP = 4
#: The minimum history: no model is fit on fewer closed deals, or fewer wins or losses than MIN_EACH.
MIN_CLOSED = 40
MIN_EACH = 10
#: The back-test's scored part needs at least this many wins and as many losses.
MIN_TEST_EACH = 5
#: Share of the closed deals (the latest) that the default split date leaves for scoring.
TEST_SHARE = 0.3
USE_RULE = (
    "the learned model replaces the configured weights only when, in the back-test, on the same bootstrap "
    "resamples of the scored deals (a paired bootstrap), it beats them clearly: the lower end of the 90% "
    "interval of the model's AUC minus the configured weights' AUC is above 0, and so is that of the "
    "configured weights' Brier score minus the model's (the Brier score judges ranking and calibration "
    "together); and it is not clearly worse than naive Bayes: the 90% interval of naive Bayes' Brier score "
    "minus the model's does not lie entirely below 0; and the lower end of the model's AUC's 90% bootstrap "
    "interval is above 0.5 (better than chance); the verdict says whether it also beats naive Bayes (that "
    "interval entirely above 0) or is as good as naive Bayes, no better; otherwise the configured weights "
    "stay in use"
)
_EXECUTIVE = {Seniority.C_LEVEL, Seniority.VP}


class DealRow(BaseModel):
    """One deal's features as of one date; `won` is its outcome (None for an open deal)."""

    deal_id: str
    account_id: str = ""
    as_of: date
    values: dict[str, float]
    #: The configured heuristic (the deal's completeness, in [0, 1]): the baseline's input.
    configured: float = 0.0
    won: bool | None = None


class WinWeight(BaseModel):
    """One learned weight: log-odds per unit of the feature, with its 95% bootstrap interval."""

    feature: str
    weight: float
    low: float
    high: float
    #: The feature's mean over the training deals (a deal's factor is measured from it).
    mean: float
    #: True when the feature had the same value on every training deal: nothing could be learned
    #: about it (the weight is 0), typically because the data has no committee or no touches.
    constant: bool = False


class CalibrationBin(BaseModel):
    low: float
    high: float
    deals: int
    predicted: float
    won: float


class Metrics(BaseModel):
    """How well one scorer did on the back-test's scored deals."""

    name: str
    auc: float | None
    brier: float
    top_decile_lift: float | None
    calibration: list[CalibrationBin]


class BackTest(BaseModel):
    split: date
    train_closed: int
    train_won: int
    test_closed: int
    test_won: int
    model: Metrics
    configured: Metrics
    naive_bayes: Metrics
    #: The 90% bootstrap interval of the model's AUC on the scored deals.
    auc_low: float | None
    auc_high: float | None
    #: USE_RULE's paired differences (positive: the model is better) with their 90% paired-bootstrap
    #: intervals, [difference, low, high]: the model's AUC minus the configured weights', each
    #: baseline's Brier score minus the model's. None in a back-test kept before the paired rule.
    auc_vs_configured: list[float] | None = None
    brier_vs_configured: list[float] | None = None
    brier_vs_naive_bayes: list[float] | None = None
    better: bool
    verdict: str
    #: The verdict in words of any language (messages.py); `verdict` is its English text.
    verdict_message: Message | None = None


class WinModel(BaseModel):
    """A fitted (or declined) win-likelihood model, as kept in the store."""

    id: str
    kind: str = WIN_MODEL_KIND
    fitted_at: datetime
    #: The model learned from the deals closed before this day.
    as_of: date
    features: list[str]
    intercept: float
    weights: list[WinWeight]
    scales: list[float]
    penalty_c: float
    closed: int
    won: int
    first_close: date | None
    last_close: date | None
    back_test: BackTest | None = None
    #: Whether refresh uses it (see USE_RULE); `reason` says why or why not.
    used: bool
    reason: str
    #: The reason in words of any language (messages.py); `reason` is its English text.
    reason_message: Message | None = None
    #: Sections that other learners add to the report (lead-score weights, what history says).
    extra: dict[str, object] = {}


class Factor(BaseModel):
    """One feature's part in a deal's likelihood: points against a typical deal, and the words."""

    feature: str
    value: float
    points: float
    message: Message
    text: str


# --- features -------------------------------------------------------------------------------------


def deal_features(
    deal: DealAnalysis,
    *,
    as_of: date,
    created_at: date | None,
    seniority: Mapping[str, Seniority],
    function: Mapping[str, Function | None],
    stage_days: int | None = None,
) -> dict[str, float]:
    """A deal's features from its analysis as of `as_of` (`DealAnalysis`) and its people's levels.

    `stage_days` is the deal's days in stage as of `as_of` (`graph.analyses.stages.days_in_stage`),
    when its stage history says; it adds the `days_in_stage` feature (capped at DAYS_IN_STAGE_CAP).

    >>> from graph.analyses.results import Coverage
    >>> d = DealAnalysis(deal_id="d", template="mid", required_roles=["champion", "economic_buyer"],
    ...     committee={"a": ["champion"], "b": ["economic_buyer"]}, engaged=["a"], gaps=[],
    ...     coverage=Coverage(score=0.5, reachable=[], unreachable=[]), amount_in_base=20000)
    >>> f = deal_features(d, as_of=date(2025, 3, 1), created_at=date(2025, 1, 1),
    ...     seniority={"a": "manager", "b": "vp"}, function={"a": "it", "b": "finance"})
    >>> f["economic_buyer_engaged"], f["stale_required_roles"], f["engaged_people"], f["size_band"]
    (0.0, 1.0, 1.0, 1.0)
    """
    engaged = set(deal.engaged)
    holders: dict[BuyingRole, set[str]] = {}
    for person, roles in deal.committee.items():
        for role in roles:
            holders.setdefault(role, set()).add(person)
    required = list(dict.fromkeys(deal.required_roles))
    missing = sum(1 for r in required if not holders.get(r))
    stale = sum(1 for r in required if holders.get(r) and not holders[r] & engaged)
    eb = bool(holders.get(BuyingRole.ECONOMIC_BUYER, set()) & engaged)
    executive = any(seniority.get(pid) in _EXECUTIVE for pid in engaged)
    functions = {function.get(pid) for pid in engaged} - {None}
    dm = holders.get(BuyingRole.DECISION_MAKER, set())
    # the decision maker engaged counts as the strongest tie, else the warmest way in to a holder
    tie = 1.0 if dm & engaged else max((deal.coverage.warmth.get(pid, 0.0) for pid in dm), default=0.0)
    amount = deal.amount_in_base or 0.0
    band = 0.0 if amount < 10_000 else 1.0 if amount < 100_000 else 2.0
    months = max((as_of - created_at).days, 0) / 30.0 if created_at is not None else 0.0
    values = {
        "required_roles_missing": float(missing),
        "stale_required_roles": float(stale),
        "economic_buyer_engaged": float(eb),
        "executive_engaged": float(executive),
        "engaged_people": float(min(len(engaged), ENGAGED_PEOPLE_CAP)),
        "engaged_functions": float(len(functions)),
        "coverage": round(float(deal.coverage.score), 4),
        "decision_maker_tie": round(float(tie), 4),
        "high_gaps": float(
            sum(1 for g in deal.gaps if g.severity == Severity.HIGH and g.kind != GapKind.STALE_ROLE)
        ),
        "size_band": band,
        "months_open": round(min(months, 24.0), 2),
    }
    if stage_days is not None:
        values[STAGE_FEATURE] = float(min(stage_days, DAYS_IN_STAGE_CAP))
    return values


def _row(
    account: AccountGraph,
    analysis: DealAnalysis,
    as_of: date,
    deal: Deal | None,
    seniority: Mapping[str, Seniority],
    function: Mapping[str, Function | None],
    won: bool | None,
    config: AnalysisConfig,
) -> DealRow:
    values = deal_features(
        analysis,
        as_of=as_of,
        created_at=deal.created_at if deal is not None else None,
        seniority=seniority,
        function=function,
        stage_days=days_in_stage(deal, as_of) if deal is not None else None,
    )
    return DealRow(
        deal_id=analysis.deal_id,
        account_id=account.company.id,
        as_of=as_of,
        values=values,
        configured=deal_completeness(analysis, config.role_values),
        won=won,
    )


def closed_deal_rows(
    account: AccountGraph,
    *,
    before: date | None = None,
    config: AnalysisConfig = DEFAULT_CONFIG,
    classify: projections.TitleClassifier | None = None,
    analysed: Sequence[ClosedDealAnalysis] | None = None,
) -> list[DealRow]:
    """Each won or lost deal of the account (closed before `before`, when given) as of its close date.

    The deal is analysed as the open deal it was that day: its status, stage and close date are hidden
    from the analyses, and the account is projected as of the close date, so no touch, assertion or
    job change after it counts. Deals without a close date are skipped.

    `analysed` is the account's `closed_deal_analyses` when the caller already has them (computed
    with the same `config` and `classify`, through any day): those closed before `before` are used
    instead of analysing the deals again.
    """
    through = before - timedelta(days=1) if before is not None else None
    if analysed is None:
        analysed = closed_deal_analyses(account, through=through, config=config, classify=classify)
    elif through is not None:
        analysed = [c for c in analysed if c.closed_at <= through]
    return [
        _row(
            account,
            c.analysis,
            c.closed_at,
            c.deal,
            c.projection.seniority,
            c.projection.function,
            c.won,
            config,
        )
        for c in analysed
    ]


def open_deal_rows(
    account: AccountGraph,
    analysis: AccountAnalysis,
    *,
    config: AnalysisConfig = DEFAULT_CONFIG,
    classify: projections.TitleClassifier | None = None,
) -> list[DealRow]:
    """The open deals' features from the account's analysis (what `analyze_account` gave), as of its
    `as_of`.

    The features read the seniority and function of each deal's engaged people as the analysis'
    projection classified them (`analysis.levels`): no title is classified again. An analysis without
    them (read back from JSON) has its deals' engaged people alone classified by the projection's
    rule (`projections.classify_people`, with `classify`), which gives them the same values;
    `classify` is used only then (when `analysis.levels` is None).
    """
    levels = analysis.levels
    if levels is None:
        engaged = {person_id for a in analysis.deals for person_id in a.engaged}
        seniority, function, _ = projections.classify_people(
            (person for person in account.people if person.id in engaged), classify
        )
        levels = (seniority, function)
    deals = {d.id: d for d in account.deals}
    return [
        _row(account, a, analysis.as_of, deals.get(a.deal_id), *levels, None, config) for a in analysis.deals
    ]


def win_features(rows: Sequence[DealRow]) -> tuple[str, ...]:
    """The features to learn from these closed deals: FEATURES, with `days_in_stage` in place of
    `months_open` when every one of them has a stage history that says its days in stage.

    >>> rows = [DealRow(deal_id="a", as_of=date(2025, 1, 1), values={"days_in_stage": 3.0}, won=True)]
    >>> win_features(rows)[-1], win_features(rows + [DealRow(deal_id="b", as_of=date(2025, 1, 1),
    ...     values={}, won=False)])[-1]
    ('days_in_stage', 'months_open')
    """
    if rows and all(STAGE_FEATURE in r.values for r in rows):
        return tuple(STAGE_FEATURE if f == "months_open" else f for f in FEATURES)
    return FEATURES


# --- the model ------------------------------------------------------------------------------------


def _matrix(rows: Sequence[DealRow], features: Sequence[str]) -> npt.NDArray[np.float64]:
    return np.array([[r.values.get(f, 0.0) for f in features] for r in rows], dtype=float).reshape(
        len(rows), len(features)
    )


def _outcomes(rows: Sequence[DealRow]) -> npt.NDArray[np.int_]:
    return np.array([1 if r.won else 0 for r in rows], dtype=int)


def enough_history(rows: Sequence[DealRow], *, minimum: int = MIN_CLOSED, each: int = MIN_EACH) -> str | None:
    """None when the closed deals are enough to fit a model, else why not (in English)."""
    won = sum(1 for r in rows if r.won)
    lost = len(rows) - won
    if len(rows) < minimum or won < each or lost < each:
        return (
            f"too little history: {len(rows)} closed deals ({won} won, {lost} lost); a model needs at least "
            f"{minimum} closed deals with at least {each} wins and {each} losses"
        )
    return None


def _fit(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.int_], c: float
) -> tuple[npt.NDArray[np.float64], float]:
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=c, max_iter=1000).fit(x, y)
    return np.asarray(fit.coef_[0], dtype=float), float(fit.intercept_[0])


def _choose_c(x: npt.NDArray[np.float64], y: npt.NDArray[np.int_], seed: int) -> float:
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold

    folds = max(2, min(5, int(y.sum()), int(len(y) - y.sum())))
    with warnings.catch_warnings():  # scikit-learn 1.9 announces changes of defaults we do not rely on
        warnings.simplefilter("ignore", FutureWarning)
        cv = LogisticRegressionCV(
            Cs=np.logspace(-2, 2, 9).tolist(),
            cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
            scoring="neg_log_loss",
            max_iter=1000,
        ).fit(x, y)
    return float(cv.C_[0])


def fit_win_model(
    rows: Sequence[DealRow],
    *,
    as_of: date,
    features: Sequence[str] = FEATURES,
    penalty_c: float | None = None,
    bootstrap: int = 100,
    seed: int = 0,
    fitted_at: datetime | None = None,
) -> WinModel:
    """A regularised logistic model of `won` over `features`, with a 95% bootstrap interval per weight.

    `penalty_c` fixes the inverse L2 strength (on standardised features); by default 5-fold
    cross-validation on the log-loss chooses it. Raises ValueError below the minimum history
    (`enough_history`). The model is not yet judged: `used` is False until `learn_win_model` back-tests it.
    """
    why = enough_history(rows)
    if why is not None:
        raise ValueError(why)
    feats = list(features)
    x, y = _matrix(rows, feats), _outcomes(rows)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    constant = scale == 0
    scale[constant] = 1.0
    z = (x - mean) / scale
    c = penalty_c if penalty_c is not None else _choose_c(z, y, seed)
    coef, intercept = _fit(z, y, c)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(bootstrap):
        pick = rng.integers(0, len(y), len(y))
        if 0 < y[pick].sum() < len(pick):
            draws.append(_fit(z[pick], y[pick], c)[0])
    boot = np.array(draws) if draws else coef.reshape(1, -1)
    low, high = np.percentile(boot, 2.5, axis=0), np.percentile(boot, 97.5, axis=0)
    weights = [
        WinWeight(
            feature=f,
            weight=round(float(coef[k] / scale[k]), 4),
            low=round(float(low[k] / scale[k]), 4),
            high=round(float(high[k] / scale[k]), 4),
            mean=round(float(mean[k]), 4),
            constant=bool(constant[k]),
        )
        for k, f in enumerate(feats)
    ]
    raw_intercept = intercept - float(np.sum(coef * mean / scale))
    closes = sorted(r.as_of for r in rows)
    return WinModel(
        id=f"win-{as_of.isoformat()}",
        fitted_at=fitted_at or datetime.now().astimezone(),
        as_of=as_of,
        features=feats,
        intercept=round(raw_intercept, 4),
        weights=weights,
        scales=[round(float(s), 6) for s in scale],
        penalty_c=c,
        closed=len(rows),
        won=int(y.sum()),
        first_close=closes[0],
        last_close=closes[-1],
        used=False,
        reason="not back-tested",
    )


def _logit(model: WinModel, values: Mapping[str, float]) -> float:
    # a feature the deal's data cannot say (days in stage of a deal without stage history) counts as the
    # training deals' average: it moves the likelihood neither way
    return model.intercept + sum(w.weight * values.get(w.feature, w.mean) for w in model.weights)


def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(v, 50.0), -50.0)))


def win_likelihood(model: WinModel, values: Mapping[str, float]) -> float:
    """The model's probability that a deal with these feature values is won."""
    return _sigmoid(_logit(model, values))


_YES_NO = frozenset({"economic_buyer_engaged", "executive_engaged"})


#: Features that count something: a count of 0 has its own wording.
_COUNTS = frozenset(
    {"required_roles_missing", "stale_required_roles", "engaged_people", "engaged_functions", "high_gaps"}
)


def _factor_message(feature: str, value: float, points: int) -> Message:
    key = f"win.factor.{feature}"
    if feature in _YES_NO:
        key += ".yes" if value else ".no"
    elif feature in _COUNTS and not value:
        key += ".none"  # "no required role gone quiet", not "0 required roles ... not engaged"
    shown: float | int = int(value) if float(value).is_integer() else round(value, 2)
    return Message(key=key, params={"value": shown, "points": f"{points:+d}"})


def win_factors(
    model: WinModel, values: Mapping[str, float], *, lang: str = "en", limit: int = 5
) -> list[Factor]:
    """The features that move this deal's likelihood most, in points (percentage points of the
    likelihood) against the same deal with that feature at the training deals' average.

    >>> m = WinModel(id="m", fitted_at=datetime(2025, 1, 1), as_of=date(2025, 1, 1),
    ...     features=["economic_buyer_engaged"], intercept=0.0, scales=[1.0], penalty_c=1.0, closed=0,
    ...     won=0, first_close=None, last_close=None, used=True, reason="",
    ...     weights=[WinWeight(feature="economic_buyer_engaged", weight=1.5, low=1, high=2, mean=0.5)])
    >>> [f.text for f in win_factors(m, {"economic_buyer_engaged": 0})]
    ['no engaged economic buyer: -18 points']
    """
    p = win_likelihood(model, values)
    full = _logit(model, values)
    found: list[Factor] = []
    for w in model.weights:
        if w.feature not in values:
            continue  # unknown for this deal: counted at the average (`_logit`), so no factor
        value = values[w.feature]
        without = _sigmoid(full - w.weight * (value - w.mean))
        points = round(100 * (p - without))
        if points == 0:
            continue
        message = _factor_message(w.feature, value, points)
        found.append(
            Factor(feature=w.feature, value=value, points=points, message=message, text=render(message, lang))
        )
    found.sort(key=lambda f: -abs(f.points))
    return found[:limit]


# --- back-test ------------------------------------------------------------------------------------


def _auc(y: npt.NDArray[np.int_], p: npt.NDArray[np.float64]) -> float | None:
    if y.min() == y.max():
        return None
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p))


def _metrics(name: str, y: npt.NDArray[np.int_], p: npt.NDArray[np.float64]) -> Metrics:
    edges = np.linspace(0, 1, 6)
    bins: list[CalibrationBin] = []
    for k in range(5):
        inside = (p >= edges[k]) & ((p < edges[k + 1]) if k < 4 else (p <= 1))
        if inside.any():
            bins.append(
                CalibrationBin(
                    low=round(float(edges[k]), 2),
                    high=round(float(edges[k + 1]), 2),
                    deals=int(inside.sum()),
                    predicted=round(float(p[inside].mean()), 4),
                    won=round(float(y[inside].mean()), 4),
                )
            )
    top = max(1, math.ceil(len(y) / 10))
    order = np.argsort(-p, kind="stable")[:top]
    base = float(y.mean())
    lift = round(float(y[order].mean()) / base, 3) if base > 0 else None
    auc = _auc(y, p)
    return Metrics(
        name=name,
        auc=None if auc is None else round(auc, 4),
        brier=round(float(np.mean((p - y) ** 2)), 4),
        top_decile_lift=lift,
        calibration=bins,
    )


def _platt(train: Sequence[DealRow]) -> Callable[[Sequence[DealRow]], npt.NDArray[np.float64]]:
    """The configured heuristic (completeness) made a probability by a one-variable logistic fit."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([[r.configured] for r in train])
    fit = LogisticRegression(C=1e6, max_iter=1000).fit(x, _outcomes(train))

    def score(rows: Sequence[DealRow]) -> npt.NDArray[np.float64]:
        return np.asarray(fit.predict_proba(np.array([[r.configured] for r in rows]))[:, 1], dtype=float)

    return score


def _bins_of(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Bin edges of one feature: its distinct values when few, else its tertiles."""
    distinct = np.unique(values)
    if len(distinct) <= 5:
        return (distinct[:-1] + distinct[1:]) / 2
    return np.unique(np.quantile(values, [1 / 3, 2 / 3]))


def _naive_bayes(
    train: Sequence[DealRow], features: Sequence[str]
) -> Callable[[Sequence[DealRow]], npt.NDArray[np.float64]]:
    """A naive Bayes per-feature frequency model (each feature binned, Laplace-smoothed counts)."""
    x, y = _matrix(train, features), _outcomes(train)
    edges = [_bins_of(x[:, k]) for k in range(len(features))]
    won, lost = max(int(y.sum()), 0), int(len(y) - y.sum())
    tables = []
    for k in range(len(features)):
        b = np.digitize(x[:, k], edges[k])
        n = len(edges[k]) + 1
        w = np.bincount(b[y == 1], minlength=n) + 1.0
        lo = np.bincount(b[y == 0], minlength=n) + 1.0
        tables.append(np.log(w / (won + n)) - np.log(lo / (lost + n)))
    prior = math.log((won + 1) / (lost + 1))

    def score(rows: Sequence[DealRow]) -> npt.NDArray[np.float64]:
        xs = _matrix(rows, features)
        logit = np.full(len(rows), prior)
        for k in range(len(features)):
            logit += tables[k][np.digitize(xs[:, k], edges[k])]
        return np.asarray(1 / (1 + np.exp(-np.clip(logit, -50, 50))), dtype=float)

    return score


def default_split(rows: Sequence[DealRow]) -> date:
    """The close date that leaves the latest TEST_SHARE of the closed deals for scoring."""
    days = sorted(r.as_of for r in rows)
    return days[min(len(days) - 1, int(len(days) * (1 - TEST_SHARE)))]


def back_test(
    rows: Sequence[DealRow],
    *,
    split: date | None = None,
    features: Sequence[str] = FEATURES,
    bootstrap: int = 50,
    seed: int = 0,
) -> BackTest:
    """Fit on the deals closed before `split`, score those closed on or after it, next to the baselines.

    Raises ValueError when either part is below the minimum history (the training part: MIN_CLOSED
    deals, MIN_EACH wins and losses; the scored part: MIN_TEST_EACH wins and losses).
    """
    day = split or default_split(rows)
    train = [r for r in rows if r.as_of < day]
    test = [r for r in rows if r.as_of >= day]
    why = enough_history(train)
    if why is not None:
        raise ValueError(f"back-test training part before {day}: {why}")
    why = enough_history(test, minimum=2 * MIN_TEST_EACH, each=MIN_TEST_EACH)
    if why is not None:
        raise ValueError(f"back-test scored part from {day}: {why}")
    model = fit_win_model(train, as_of=day, features=features, bootstrap=0, seed=seed)
    y = _outcomes(test)
    p_model = np.array([win_likelihood(model, r.values) for r in test])
    p_conf = _platt(train)(test)
    p_nb = _naive_bayes(train, features)(test)
    m, c, nb = (
        _metrics("model", y, p_model),
        _metrics("configured", y, p_conf),
        _metrics("naive_bayes", y, p_nb),
    )
    rng = np.random.default_rng(seed)
    aucs: list[float] = []
    auc_diffs: list[float] = []
    brier_c: list[float] = []
    brier_nb: list[float] = []
    for _ in range(200):
        # one resample scores the model and both baselines: the differences are paired
        pick = rng.integers(0, len(y), len(y))
        yb = y[pick]
        brier_m = float(np.mean((p_model[pick] - yb) ** 2))
        brier_c.append(float(np.mean((p_conf[pick] - yb) ** 2)) - brier_m)
        brier_nb.append(float(np.mean((p_nb[pick] - yb) ** 2)) - brier_m)
        a = _auc(yb, p_model[pick])
        if a is not None:
            aucs.append(a)
            b = _auc(yb, p_conf[pick])
            if b is not None:
                auc_diffs.append(a - b)
    auc_low = round(float(np.percentile(aucs, 5)), 4) if aucs else None
    auc_high = round(float(np.percentile(aucs, 95)), 4) if aucs else None

    def paired(point: float | None, draws: list[float]) -> list[float] | None:
        if point is None or not draws:
            return None
        return [
            round(point, 4),
            round(float(np.percentile(draws, 5)), 4),
            round(float(np.percentile(draws, 95)), 4),
        ]

    auc_vs_c = paired(None if m.auc is None or c.auc is None else m.auc - c.auc, auc_diffs)
    brier_vs_c = paired(c.brier - m.brier, brier_c)
    brier_vs_nb = paired(nb.brier - m.brier, brier_nb)
    auc_ok = auc_vs_c is not None and auc_vs_c[1] > 0
    brier_ok = brier_vs_c is not None and brier_vs_c[1] > 0
    # naive Bayes is a rival, not the incumbent: the model must not be clearly worse than it
    nb_ok = brier_vs_nb is not None and brier_vs_nb[2] >= 0
    chance_ok = auc_low is not None and auc_low > 0.5
    better = auc_ok and brier_ok and nb_ok and chance_ok
    figures = {
        "auc": (auc_vs_c or [0.0, 0.0, 0.0]),
        "brier_configured": (brier_vs_c or [0.0, 0.0, 0.0]),
        "brier_naive_bayes": (brier_vs_nb or [0.0, 0.0, 0.0]),
    }
    params = {
        f"{name}_{part}": values[i]
        for name, values in figures.items()
        for i, part in enumerate(("difference", "low", "high"))
    }
    # the figures in words, nested, and flat for readers of the numbers
    worded: dict[str, object] = {**params, "figures": Message(key="win.verdict.use.figures", params=params)}
    if better:
        beats_nb = brier_vs_nb is not None and brier_vs_nb[1] > 0
        key = "win.verdict.use.beats_both" if beats_nb else "win.verdict.use.ties_naive_bayes"
        verdict_message = Message(key=key, params=worded)
    else:
        failed = [
            name
            for name, ok in (
                ("use.auc", auc_ok),
                ("use.brier", brier_ok),
                ("use.naive_bayes", nb_ok),
                ("chance", chance_ok),
            )
            if not ok
        ]
        verdict_message = Message(
            key="win.verdict.use.declined",
            params={**worded, "reasons": [Message(key=f"win.verdict.{name}") for name in failed]},
        )
    verdict = render(verdict_message)
    return BackTest(
        split=day,
        train_closed=len(train),
        train_won=int(_outcomes(train).sum()),
        test_closed=len(test),
        test_won=int(y.sum()),
        model=m,
        configured=c,
        naive_bayes=nb,
        auc_low=auc_low,
        auc_high=auc_high,
        auc_vs_configured=auc_vs_c,
        brier_vs_configured=brier_vs_c,
        brier_vs_naive_bayes=brier_vs_nb,
        better=better,
        verdict=verdict,
        verdict_message=verdict_message,
    )


def learn_win_model(
    rows: Iterable[DealRow],
    *,
    as_of: date,
    split: date | None = None,
    bootstrap: int = 100,
    seed: int = 0,
    fitted_at: datetime | None = None,
) -> tuple[WinModel | None, str]:
    """Back-test, then fit on every deal closed before `as_of`: (the model, or None below the minimum
    history, and what happened in words). The model's `used` follows USE_RULE."""
    closed = [r for r in rows if r.won is not None and r.as_of < as_of]
    why = enough_history(closed)
    if why is not None:
        return None, why
    features = win_features(closed)
    try:
        test: BackTest | None = back_test(closed, split=split, features=features, seed=seed)
    except ValueError as exc:
        test, note = None, str(exc)
    model = fit_win_model(
        closed, as_of=as_of, features=features, bootstrap=bootstrap, seed=seed, fitted_at=fitted_at
    )
    model.back_test = test
    if test is None:
        model.used = False
        model.reason_message = Message(key="win.reason.no_back_test", params={"note": note})
        model.reason = render(model.reason_message)
    else:
        model.used = test.better
        model.reason, model.reason_message = test.verdict, test.verdict_message
    return model, model.reason


def score_deals(
    model: WinModel, rows: Sequence[DealRow], *, lang: str = "en"
) -> dict[str, tuple[float, list[Factor]]]:
    """deal id -> (win likelihood, its factors) of each row (open deals' features as of today)."""
    return {
        r.deal_id: (round(win_likelihood(model, r.values), 4), win_factors(model, r.values, lang=lang))
        for r in rows
    }
