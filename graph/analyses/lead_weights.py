"""Lead-score weights learned from conversions: which behaviours came before people converted.

Who converted, and when (`conversions`):

- a person on the committee of a deal (a committee assertion made by `as_of`) converted on the day
  the deal was created, or, for a won deal without a creation date, the day it was won; on a deal
  with neither date (a lost deal without a creation date, say) they converted on an unknown day;
- a lead with a conversion day (`Person.converted_on`: Salesforce's ConvertedDate, HubSpot's
  "Became an Opportunity" or "Became a Customer" date, the native `converted_on`) converted on that
  day, whatever its status says;
- a lead whose CRM status says it was converted (Salesforce "Closed - Converted", "Converted"; not
  "Closed - Not Converted") but without a conversion day converted too, on a day the export does not
  say: such a person counts as a converter for lead-source rates (graph/analyses/history.py) and is
  left out of the weight fit, which needs a date to look back from (so is anyone else converted on an
  unknown day).

The first conversion counts; conversions after `as_of` do not exist yet (those people are
non-converters as of `as_of`).

What is compared (`lead_examples`): for a converter, their behaviour in the `window_days` days
before the day they converted (the day itself excluded, so the deal's own first meeting does not
explain it); for everyone else at the accounts, their behaviour in the `window_days` days up to
`as_of`. Nothing after the conversion day, or after `as_of`, is read: no look-ahead. The window
defaults to the lead score's own (`engaged_days`, 90 days). The behaviours are exactly the lead
score's (`LEAD_BEHAVIOURS`: demo minutes and counts of videos, pages, downloads, webinars, meetings,
inbound e-mails, product-usage days), in the units the lead score multiplies by its weights.

How (`fit_lead_weights`): an L2-regularised logistic regression (scikit-learn, `C` on standardised
features) of converted / not converted on those units. A coefficient is the log-odds a unit adds.
Its 95% interval is a percentile bootstrap: `bootstrap` refits on resamples drawn with replacement
within converters and within non-converters (so both stay), the 2.5th and 97.5th percentiles.
Mapped to the lead score's scale: points per unit = coefficient x k, where k is chosen so that the
learned scores of the people in the fit sum to what the configured weights give them (the person
cap and the account score keep their meaning). A negative coefficient (the behaviour came before
fewer conversions) becomes 0 points: the lead score has no negative weights. A behaviour nobody in
the fit showed keeps its configured weight.

Minimum history: at least `min_converters` converters and `min_non_converters` non-converters,
by default 10 per behaviour each (80), the usual events-per-variable rule for a logistic model
(Peduzzi et al., 1996). Below it the configured weights are kept and the result says so.

No better than the configured weights, not used (`LEAD_USE_RULE`): above the minimum, a stratified
5-fold cross-validation scores every person of the fit with a model fit without them. The learned
weights are compared with the configured weights' lead score on the same people by a PAIRED
bootstrap: each resample (drawn with replacement within converters and within non-converters) scores
both, and the difference of the two AUCs (learned minus configured) is taken on that same resample,
so that what the two share (which people were drawn) cancels out. The learned weights are used only
when the lower end of the difference's 90% interval (its 5th percentile: a one-sided 95% bound) is
above 0, and the lower end of the learned AUC's own 90% interval is above 0.5 (better than chance).
A point estimate above the configured AUC is not enough: 0.753 against 0.748 is not "better".
Otherwise the configured weights stay, and the fit (kept, with its intervals) says why.
`use_lead_weights(config, fit)` is the one way the lead score takes learned weights.

>>> from datetime import date
>>> from graph.model import AccountGraph, Company
>>> fit = fit_lead_weights([AccountGraph(company=Company(id="c", name="C"))], as_of=date(2025, 1, 1))
>>> fit.enough, fit.used, fit.weights == DEFAULT_CONFIG.lead_score
(False, False, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, model_validator

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig, LeadScoreWeights
from graph.analyses.engagement import LEAD_BEHAVIOURS, lead_units
from graph.analyses.messages import Message, render
from graph.errors import InvalidInputError
from graph.model import AccountGraph, DealStatus, Person

__all__ = [
    "BEHAVIOURS",
    "LEAD_USE_RULE",
    "LEAD_WEIGHTS_KIND",
    "Conversion",
    "LeadExamples",
    "LeadWeightsFit",
    "LearnedWeight",
    "conversions",
    "fit_lead_weights",
    "is_converted_status",
    "lead_examples",
    "use_lead_weights",
]

#: The behaviours in the order of the feature columns.
BEHAVIOURS: tuple[str, ...] = tuple(LEAD_BEHAVIOURS)
#: The kind of kept model (`GraphStore.write_model`) that holds a `LeadWeightsFit` (`buyergraph learn`).
LEAD_WEIGHTS_KIND = "lead_weights"
#: Converters and non-converters needed per behaviour (events per variable).
EVENTS_PER_BEHAVIOUR = 10
#: Folds of the cross-validation that decides whether learned weights are used.
FOLDS = 5
#: When learned weights replace the configured ones (see the module doc).
LEAD_USE_RULE = (
    "used only above the minimum history and when, in a stratified 5-fold cross-validation, the lower "
    "end of the 90% paired-bootstrap interval of the out-of-fold AUC difference (learned weights minus "
    "configured weights, on the same resamples of the same people) is above 0, and the lower end of "
    "the learned weights' own 90% AUC interval is above 0.5 (better than chance)"
)


class Conversion(BaseModel):
    """A person's first conversion: how, and on which day (None when the export does not say)."""

    person_id: str
    account_id: str
    how: Literal["deal_created", "deal_won", "lead_converted"]
    on: date | None = None
    deal_id: str | None = None


def is_converted_status(status: str | None) -> bool:
    """A CRM lead status that says the lead was converted.

    >>> [is_converted_status(s) for s in ("Closed - Converted", "Closed - Not Converted", "Working", None)]
    [True, False, False, False]
    """
    text = (status or "").strip().lower()
    return "convert" in text and not any(w in text for w in ("not convert", "unconvert", "non-convert"))


def conversions(accounts: Iterable[AccountGraph], *, as_of: date) -> dict[str, Conversion]:
    """person id -> their first conversion up to `as_of` (see the module doc)."""
    found: dict[str, Conversion] = {}

    def keep(c: Conversion) -> None:
        old = found.get(c.person_id)
        if old is None or (c.on is not None and (old.on is None or c.on < old.on)):
            found[c.person_id] = c

    for account in accounts:
        deals = {d.id: d for d in account.deals}
        for row in account.committee:
            deal = deals.get(row.deal_id)
            if deal is None or (row.asserted_at is not None and row.asserted_at.date() > as_of):
                continue
            if deal.created_at is not None and deal.created_at <= as_of:
                keep(
                    Conversion(
                        person_id=row.person_id,
                        account_id=account.company.id,
                        how="deal_created",
                        on=deal.created_at,
                        deal_id=deal.id,
                    )
                )
            elif deal.status == DealStatus.WON and deal.closed_at is not None and deal.closed_at <= as_of:
                keep(
                    Conversion(
                        person_id=row.person_id,
                        account_id=account.company.id,
                        how="deal_won",
                        on=deal.closed_at,
                        deal_id=deal.id,
                    )
                )
            elif deal.created_at is None and (deal.closed_at is None or deal.closed_at <= as_of):
                # On a deal the export gives no creation day: converted, on a day nobody knows.
                keep(
                    Conversion(
                        person_id=row.person_id,
                        account_id=account.company.id,
                        how="deal_created",
                        deal_id=deal.id,
                    )
                )
        for person in account.people:
            if person.converted_on is not None:
                # A day after as_of: not converted yet as of as_of, whatever the status says now.
                if person.converted_on <= as_of:
                    keep(
                        Conversion(
                            person_id=person.id,
                            account_id=account.company.id,
                            how="lead_converted",
                            on=person.converted_on,
                        )
                    )
            elif is_converted_status(person.lead_status) and person.id not in found:
                found[person.id] = Conversion(
                    person_id=person.id, account_id=account.company.id, how="lead_converted"
                )
    return found


@dataclass(frozen=True)
class LeadExamples:
    """The rows a lead-weight fit reads: one per person, their behaviour units and whether they converted."""

    person_ids: list[str]
    #: n x len(BEHAVIOURS) units (demo minutes, counts), columns in `BEHAVIOURS` order.
    units: npt.NDArray[np.float64]
    converted: npt.NDArray[np.bool_]
    #: Converters without a conversion date, left out of the rows.
    undated: int = 0


def _people(account: AccountGraph) -> list[Person]:
    return list({p.id: p for p in account.people}.values())


def lead_examples(
    accounts: Iterable[AccountGraph], *, as_of: date, window_days: int = DEFAULT_CONFIG.engaged_days
) -> LeadExamples:
    """One row per person of the accounts: the lead-score behaviour units in the window before they
    converted (converters) or before `as_of` (everyone else); see the module doc."""
    if window_days < 1:
        raise InvalidInputError("window_days must be at least 1")
    accounts = list(accounts)
    converted = conversions(accounts, as_of=as_of)
    ids: list[str] = []
    rows: list[list[float]] = []
    labels: list[bool] = []
    undated = 0
    seen: set[str] = set()
    for account in accounts:
        by_day: dict[date, set[str]] = {}
        for person in _people(account):
            if person.id in seen:
                continue
            seen.add(person.id)
            c = converted.get(person.id)
            if c is not None and c.on is None:
                undated += 1
                continue
            end = as_of if c is None or c.on is None else c.on - timedelta(days=1)
            by_day.setdefault(end, set()).add(person.id)
        for end, people in sorted(by_day.items()):
            units = lead_units(
                account.touch_days, people, since=end - timedelta(days=window_days - 1), as_of=end
            )
            for pid in sorted(people):
                got = units.get(pid, {})
                ids.append(pid)
                rows.append([got.get(b, 0.0) for b in BEHAVIOURS])
                labels.append(pid in converted)
    return LeadExamples(
        person_ids=ids,
        units=np.array(rows, dtype=float).reshape(len(rows), len(BEHAVIOURS)),
        converted=np.array(labels, dtype=bool),
        undated=undated,
    )


class LearnedWeight(BaseModel):
    """One behaviour's learned effect and the points it is worth."""

    behaviour: str
    #: The `LeadScoreWeights` field it sets.
    field: str
    configured: float
    #: Log-odds of converting one unit adds, with its 95% bootstrap interval (None: not fitted).
    coefficient: float | None = None
    coefficient_low: float | None = None
    coefficient_high: float | None = None
    #: Points per unit on the lead score's scale (coefficient x points_per_logit, at least 0), and the
    #: interval on that scale (it may reach below 0).
    points: float
    points_low: float | None = None
    points_high: float | None = None
    #: People in the fit who showed the behaviour at all.
    people_with: int = 0
    note: str = ""
    text: str = ""
    text_message: Message | None = None


class LeadWeightsFit(BaseModel):
    """The learned lead-score weights, how they were fitted, and whether they are used."""

    as_of: date
    window_days: int
    converters: int
    non_converters: int
    #: Converted leads without a conversion date (left out of the fit).
    undated_converters: int
    min_converters: int
    min_non_converters: int
    #: True when the history met the minimum (and the weights were fitted).
    enough: bool
    #: True when the learned weights beat the configured ones out of sample (LEAD_USE_RULE) and
    #: `weights` are the learned ones. A fit kept before this field existed: its `enough`.
    used: bool = False
    #: The cross-validation of LEAD_USE_RULE: the learned weights' out-of-fold AUC with its 90%
    #: bootstrap interval, and the configured weights' AUC on the same people (None: not run).
    auc: float | None = None
    auc_low: float | None = None
    auc_high: float | None = None
    configured_auc: float | None = None
    #: LEAD_USE_RULE's test: the learned minus the configured AUC and its 90% paired-bootstrap
    #: interval (the same resamples score both); used only when `auc_difference_low` is above 0.
    auc_difference: float | None = None
    auc_difference_low: float | None = None
    auc_difference_high: float | None = None
    verdict: str = ""
    verdict_message: Message | None = None
    method: str
    bootstrap: int
    seed: int
    regularisation_c: float
    #: Lead-score points per unit of log-odds (the k of the module doc); None without a fit.
    points_per_logit: float | None = None
    intercept: float | None = None
    #: The weights to use: learned when `enough`, else the configured ones.
    weights: LeadScoreWeights
    learned: list[LearnedWeight] = []
    summary: str
    summary_message: Message

    @model_validator(mode="before")
    @classmethod
    def _used_of_old_fits(cls, data: Any) -> Any:
        if isinstance(data, dict) and "used" not in data and "enough" in data:
            return {**data, "used": data["enough"]}
        return data


def use_lead_weights(config: AnalysisConfig, fit: LeadWeightsFit) -> AnalysisConfig:
    """The configuration whose lead score uses the fit's weights (the configured ones stay when the
    history was too small): the one way learned weights reach the lead score.

    >>> from datetime import date
    >>> from graph.model import AccountGraph, Company
    >>> fit = fit_lead_weights([AccountGraph(company=Company(id="c", name="C"))], as_of=date(2025, 1, 1))
    >>> use_lead_weights(DEFAULT_CONFIG, fit) == DEFAULT_CONFIG
    True
    """
    if not fit.used:
        return config
    return config.model_copy(update={"lead_score": fit.weights})


def _standardise(
    x: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    return (x - mean) / scale, mean, scale


def _fit(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], c: float
) -> tuple[npt.NDArray[np.float64], float]:
    """Coefficients per unit (not per standard deviation) and the intercept: scikit-learn's
    L2-regularised LogisticRegression on standardised features."""
    from sklearn.linear_model import LogisticRegression

    z, mean, scale = _standardise(x)
    model = LogisticRegression(C=c, solver="newton-cholesky", max_iter=100)
    model.fit(z, y)
    coef = model.coef_[0] / scale
    return coef, float(model.intercept_[0] - (coef * mean).sum())


def _refit(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], c: float, iterations: int = 50
) -> npt.NDArray[np.float64]:
    """The same model as `_fit` (the same penalised likelihood, minimised by Newton's method in
    numpy: 0.5 |w|^2 + c * log-loss on standardised features, the intercept unpenalised), for the
    bootstrap's many refits, where scikit-learn's per-call checks cost more than the fit itself."""
    return _newton(x, y, c, iterations)[0]


def _newton(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], c: float, iterations: int = 50
) -> tuple[npt.NDArray[np.float64], float]:
    """`_refit`'s coefficients per unit and the intercept on the units' scale."""
    z, mean, scale = _standardise(x)
    n, k = z.shape
    design = np.hstack([z, np.ones((n, 1))])
    target = y.astype(float)
    ridge = np.ones(k + 1)
    ridge[k] = 0.0
    w = np.zeros(k + 1)
    for _ in range(iterations):
        prob = 1.0 / (1.0 + np.exp(-(design @ w)))
        gradient = c * design.T @ (prob - target) + ridge * w
        hessian = c * (design.T * (prob * (1 - prob))) @ design + np.diag(ridge) + 1e-10 * np.eye(k + 1)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    result: npt.NDArray[np.float64] = w[:k] / scale
    return result, float(w[k] - (result * mean).sum())


def _auc(y: npt.NDArray[np.bool_], score: npt.NDArray[np.float64]) -> float | None:
    """The probability that a converter scores above a non-converter (ties count half)."""
    from sklearn.metrics import roc_auc_score

    if y.all() or not y.any():
        return None
    return float(roc_auc_score(y, score))


@dataclass(frozen=True)
class _CrossCheck:
    auc: float | None
    auc_low: float | None
    auc_high: float | None
    configured_auc: float | None
    difference: float | None = None
    difference_low: float | None = None
    difference_high: float | None = None


def _cross_check(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.bool_],
    configured: npt.NDArray[np.float64],
    c: float,
    seed: int,
    resamples: int = 200,
) -> _CrossCheck:
    """LEAD_USE_RULE's figures: out-of-fold AUC of the model (stratified FOLDS-fold), its 90%
    bootstrap interval, the configured weights' AUC on the same people, and the AUC difference
    (model minus configured) with its 90% paired-bootstrap interval (each resample scores both)."""
    rng = np.random.default_rng(seed + 1)
    fold = np.empty(len(y), dtype=int)
    for members in (np.flatnonzero(y), np.flatnonzero(~y)):
        order = rng.permutation(members)
        fold[order] = np.arange(len(order)) % FOLDS
    score = np.zeros(len(y))
    for f in range(FOLDS):
        train, test = fold != f, fold == f
        varies = x[train].std(axis=0) > 0
        if not varies.any():
            continue
        coef, intercept = _newton(x[train][:, varies], y[train], c)
        score[test] = x[test][:, varies] @ coef + intercept
    auc = _auc(y, score)
    theirs = x @ configured
    configured_auc = _auc(y, theirs)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    draws: list[float] = []
    differences: list[float] = []
    for _ in range(resamples):
        pick = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        a = _auc(y[pick], score[pick])
        b = _auc(y[pick], theirs[pick])
        if a is not None:
            draws.append(a)
            if b is not None:
                differences.append(a - b)

    def pct(values: list[float], q: float) -> float | None:
        return round(float(np.percentile(values, q)), 4) if values else None

    return _CrossCheck(
        auc=_round(auc),
        auc_low=pct(draws, 5),
        auc_high=pct(draws, 95),
        configured_auc=_round(configured_auc),
        difference=None if auc is None or configured_auc is None else round(auc - configured_auc, 4),
        difference_low=pct(differences, 5),
        difference_high=pct(differences, 95),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def fit_lead_weights(
    accounts: Iterable[AccountGraph] | LeadExamples,
    *,
    as_of: date,
    config: AnalysisConfig = DEFAULT_CONFIG,
    window_days: int | None = None,
    min_converters: int | None = None,
    min_non_converters: int | None = None,
    c: float = 1.0,
    bootstrap: int = 200,
    seed: int = 0,
) -> LeadWeightsFit:
    """Learn the lead score's weights from who converted (see the module doc for the window, the
    model, the intervals and the minimum history). `accounts` may also be the `lead_examples` of them."""
    if bootstrap < 0 or c <= 0:
        raise InvalidInputError("bootstrap must be at least 0 and c above 0")
    window = config.engaged_days if window_days is None else window_days
    examples = (
        accounts
        if isinstance(accounts, LeadExamples)
        else lead_examples(accounts, as_of=as_of, window_days=window)
    )
    need_yes = EVENTS_PER_BEHAVIOUR * len(BEHAVIOURS) if min_converters is None else min_converters
    need_no = EVENTS_PER_BEHAVIOUR * len(BEHAVIOURS) if min_non_converters is None else min_non_converters
    x, y = examples.units, examples.converted
    yes, no = int(y.sum()), int((~y).sum())
    configured = config.lead_score
    base = {
        "as_of": as_of,
        "window_days": window,
        "converters": yes,
        "non_converters": no,
        "undated_converters": examples.undated,
        "min_converters": need_yes,
        "min_non_converters": need_no,
        "method": "L2-regularised logistic regression on behaviour units; "
        "percentile bootstrap within classes",
        "bootstrap": bootstrap,
        "seed": seed,
        "regularisation_c": c,
    }
    if yes < max(need_yes, 2) or no < max(need_no, 2):
        message = Message(
            key="learn.lead.too_little",
            params={"converters": yes, "others": no, "min_converters": need_yes, "min_others": need_no},
        )
        return LeadWeightsFit(
            **base, enough=False, weights=configured, summary=render(message), summary_message=message
        )
    shown = (x > 0).sum(axis=0)
    varies = x.std(axis=0) > 0
    cols = np.flatnonzero(varies)
    if len(cols) == 0:
        message = Message(key="learn.lead.no_behaviour", params={"converters": yes, "others": no})
        return LeadWeightsFit(
            **base, enough=False, weights=configured, summary=render(message), summary_message=message
        )
    coef = np.zeros(len(BEHAVIOURS))
    coef[cols], intercept = _fit(x[:, cols], y, c)
    draws = np.full((bootstrap, len(BEHAVIOURS)), np.nan)
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    for b in range(bootstrap):
        pick = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        xb = x[pick][:, cols]
        ok = xb.std(axis=0) > 0
        if not ok.any():
            continue
        draws[b, cols[ok]] = _refit(xb[:, ok], y[pick], c)
        draws[b, cols[~ok]] = 0.0
    conf = np.array([getattr(configured, LEAD_BEHAVIOURS[b]) for b in BEHAVIOURS])
    positive = np.where(varies, np.maximum(coef, 0.0), 0.0)
    learned_total = float((x @ positive).sum())
    configured_total = float((x @ np.where(varies, conf, 0.0)).sum())
    if learned_total <= 0 or configured_total <= 0:
        # No behaviour came before more conversions (or the configured weights give nobody a point):
        # there is no scale to map onto, and a lead score of 0 for everyone would help nobody.
        message = Message(key="learn.lead.no_positive", params={"converters": yes, "others": no})
        return LeadWeightsFit(
            **base, enough=False, weights=configured, summary=render(message), summary_message=message
        )
    k = configured_total / learned_total
    weights: dict[str, float] = {}
    rows: list[LearnedWeight] = []
    for i, behaviour in enumerate(BEHAVIOURS):
        field = LEAD_BEHAVIOURS[behaviour]
        if not varies[i]:
            weights[field] = float(conf[i])
            nobody = Message(
                key="learn.lead.nobody", params={"behaviour": behaviour, "configured": float(conf[i])}
            )
            rows.append(
                LearnedWeight(
                    behaviour=behaviour,
                    field=field,
                    configured=float(conf[i]),
                    points=float(conf[i]),
                    note="nobody in the fit showed this behaviour: the configured weight stays",
                    text=render(nobody),
                    text_message=nobody,
                )
            )
            continue
        column = draws[:, i][~np.isnan(draws[:, i])]
        low, high = (
            (float(np.percentile(column, 2.5)), float(np.percentile(column, 97.5)))
            if len(column)
            else (None, None)
        )
        points = round(float(positive[i] * k), 4)
        weights[field] = points
        message = Message(
            key="learn.lead.weight",
            params={
                "behaviour": behaviour,
                "weight": points,
                "low": (low or 0.0) * k,
                "high": (high or 0.0) * k,
                "configured": float(conf[i]),
            },
        )
        rows.append(
            LearnedWeight(
                behaviour=behaviour,
                field=field,
                configured=float(conf[i]),
                coefficient=float(coef[i]),
                coefficient_low=low,
                coefficient_high=high,
                points=points,
                points_low=None if low is None else round(low * k, 4),
                points_high=None if high is None else round(high * k, 4),
                people_with=int(shown[i]),
                note="came before fewer conversions: 0 points" if coef[i] < 0 else "",
                text=render(message),
                text_message=message,
            )
        )
    check = _cross_check(x[:, cols], y, conf[cols], c, seed)
    auc_ok = check.difference_low is not None and check.difference_low > 0
    chance_ok = check.auc_low is not None and check.auc_low > 0.5
    used = auc_ok and chance_ok
    figures = {
        "auc": check.auc if check.auc is not None else 0.0,
        "low": check.auc_low if check.auc_low is not None else 0.0,
        "high": check.auc_high if check.auc_high is not None else 0.0,
        "configured": check.configured_auc if check.configured_auc is not None else 0.0,
        "difference": check.difference if check.difference is not None else 0.0,
        "difference_low": check.difference_low if check.difference_low is not None else 0.0,
        "difference_high": check.difference_high if check.difference_high is not None else 0.0,
    }
    if used:
        verdict_message = Message(key="learn.lead.verdict.paired.better", params=figures)
    else:
        failed = [
            key
            for key, ok in (
                ("learn.lead.verdict.paired.auc", auc_ok),
                ("learn.lead.verdict.chance", chance_ok),
            )
            if not ok
        ]
        verdict_message = Message(
            key="learn.lead.verdict.paired.not_better",
            params={**figures, "reasons": [Message(key=key) for key in failed]},
        )
    message = Message(
        key="learn.lead.learned" if used else "learn.lead.not_better",
        params={"converters": yes, "others": no, "days": window, "as_of": as_of.isoformat()},
    )
    return LeadWeightsFit(
        **base,
        enough=True,
        used=used,
        auc=check.auc,
        auc_low=check.auc_low,
        auc_high=check.auc_high,
        configured_auc=check.configured_auc,
        auc_difference=check.difference,
        auc_difference_low=check.difference_low,
        auc_difference_high=check.difference_high,
        verdict=render(verdict_message),
        verdict_message=verdict_message,
        points_per_logit=round(k, 6),
        intercept=intercept,
        weights=configured.model_copy(update=weights) if used else configured,
        learned=rows,
        summary=render(message),
        summary_message=message,
    )
