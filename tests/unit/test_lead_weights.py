"""Lead-score weights learned from conversions (graph/analyses/lead_weights.py).

Each test plants its own effects: a small seeded simulation gives people behaviour (demo minutes,
webinars, downloads, page views, meetings) in the 90 days before a reference day and lets them
convert (a deal created with them on its committee) with a known logistic model. The fit must
recover the sign and order of the planted effects, and its bootstrap intervals must cover the true
coefficients in most runs.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.engagement import engagement
from graph.analyses.lead_weights import (
    BEHAVIOURS,
    _fit,
    _refit,
    conversions,
    fit_lead_weights,
    lead_examples,
    use_lead_weights,
)
from graph.errors import InvalidInputError
from graph.model import AccountGraph, CommitteeRole, Company, Deal, DealStatus, Person, Touch

AS_OF = date(2025, 6, 30)
#: The planted log-odds per unit (demo minutes per minute, the others per touch); meetings: none.
TRUTH = {
    "webinars": 0.9,
    "content_downloaded": 0.5,
    "pages_viewed": 0.15,
    "demo_minutes": 0.02,
    "meetings": 0.0,
}
INTERCEPT = -2.2
_KIND = {
    "webinars": "webinar",
    "content_downloaded": "content_download",
    "pages_viewed": "web_visit",
    "meetings": "meeting",
}


def simulate(seed: int, *, accounts: int = 30, people: int = 50, after: bool = True) -> list[AccountGraph]:
    """Accounts whose people converted with the planted effects (TRUTH) of their behaviour in the
    90 days before their reference day (their deal's creation day, or AS_OF)."""
    rng = np.random.default_rng(seed)
    out = []
    for a in range(accounts):
        company = Company(id=f"c{a}", name=f"Company {a}")
        persons, touches, deals, committee = [], [], [], []
        for i in range(people):
            pid = f"c{a}-p{i}"
            persons.append(Person(id=pid, name=f"Person {a}-{i}", company_id=company.id))
            counts = {b: int(rng.poisson(0.8)) for b in _KIND}
            demos = int(rng.poisson(0.3))
            minutes = [int(rng.integers(10, 60)) for _ in range(demos)]
            logit = (
                INTERCEPT
                + sum(TRUTH[b] * n for b, n in counts.items())
                + TRUTH["demo_minutes"] * sum(minutes)
            )
            converted = rng.random() < 1 / (1 + math.exp(-logit))
            day = AS_OF - timedelta(days=int(rng.integers(30, 400))) if converted else AS_OF
            for b, n in counts.items():
                for j in range(n):
                    at = datetime.combine(day - timedelta(days=int(rng.integers(1, 89))), datetime.min.time())
                    touches.append(Touch(id=f"{pid}-{b}-{j}", at=at, kind=_KIND[b], person_ids=[pid]))
            for j, m in enumerate(minutes):
                at = datetime.combine(day - timedelta(days=int(rng.integers(1, 89))), datetime.min.time())
                touches.append(
                    Touch(id=f"{pid}-demo-{j}", at=at, kind="demo", duration_s=m * 60, person_ids=[pid])
                )
            if converted:
                deal = Deal(id=f"{pid}-d", company_id=company.id, created_at=day, status=DealStatus.OPEN)
                deals.append(deal)
                committee.append(CommitteeRole(deal_id=deal.id, person_id=pid, role="champion"))
                # Behaviour after the conversion must not be read (no look-ahead): plant a lot of it.
                for j in range(5 if after else 0):
                    at = datetime.combine(day + timedelta(days=j), datetime.min.time())
                    touches.append(Touch(id=f"{pid}-after-{j}", at=at, kind="webinar", person_ids=[pid]))
        out.append(
            AccountGraph(company=company, people=persons, deals=deals, committee=committee, touches=touches)
        )
    return out


@pytest.fixture(scope="module")
def fits() -> list[tuple[int, object]]:
    return [
        (seed, fit_lead_weights(simulate(seed), as_of=AS_OF, bootstrap=200, seed=seed)) for seed in range(4)
    ]


def _by_behaviour(fit: object) -> dict[str, object]:
    return {w.behaviour: w for w in fit.learned}  # type: ignore[attr-defined]


def test_planted_effects_are_recovered_in_sign_and_order(fits: list[tuple[int, object]]) -> None:
    for seed, fit in fits:
        assert fit.enough, (seed, fit.summary)  # type: ignore[attr-defined]
        w = _by_behaviour(fit)
        coef = {b: w[b].coefficient for b in TRUTH}
        assert coef["webinars"] > coef["content_downloaded"] > coef["pages_viewed"], (seed, coef)
        for b in ("webinars", "content_downloaded", "demo_minutes"):
            assert w[b].coefficient_low > 0, (seed, b, w[b])
        # The learned points keep the order, on the lead score's scale.
        weights = fit.weights  # type: ignore[attr-defined]
        assert weights.webinar > weights.content_downloaded > weights.page_viewed > 0
        # Nobody watched videos or wrote in: those keep their configured weights.
        assert weights.video_watched == DEFAULT_CONFIG.lead_score.video_watched
        assert w["videos_watched"].coefficient is None


def test_intervals_cover_the_truth_in_most_runs(fits: list[tuple[int, object]]) -> None:
    covered = total = 0
    for _, fit in fits:
        w = _by_behaviour(fit)
        for b, true in TRUTH.items():
            total += 1
            covered += w[b].coefficient_low <= true <= w[b].coefficient_high
    # 95% intervals: with 20 of them, at least 16 should cover (a miss rate this high is < 1% likely).
    assert covered >= 16, f"{covered} of {total} intervals cover the planted effect"
    print(f"{covered} of {total} intervals cover the planted effect")


def test_learned_points_match_the_configured_total_and_reach_the_lead_score(
    fits: list[tuple[int, object]],
) -> None:
    seed, fit = fits[0]
    examples = lead_examples(simulate(seed), as_of=AS_OF)
    configured = np.array(
        [
            getattr(DEFAULT_CONFIG.lead_score, f)
            for f in (
                "demo_minute",
                "video_watched",
                "page_viewed",
                "content_downloaded",
                "webinar",
                "meeting",
                "inbound_email",
                "product_usage",
            )
        ]
    )
    learned = np.array(
        [
            getattr(fit.weights, f)
            for f in (  # type: ignore[attr-defined]
                "demo_minute",
                "video_watched",
                "page_viewed",
                "content_downloaded",
                "webinar",
                "meeting",
                "inbound_email",
                "product_usage",
            )
        ]
    )
    assert (examples.units @ learned).sum() == pytest.approx((examples.units @ configured).sum(), rel=1e-3)
    config = use_lead_weights(DEFAULT_CONFIG, fit)  # type: ignore[arg-type]
    assert config.lead_score == fit.weights  # type: ignore[attr-defined]
    t = [Touch(id="w", at=datetime(2025, 6, 1), kind="webinar", person_ids=["p"])]
    score = engagement(t, as_of=AS_OF, people={"p"}, status=None, function={}, seniority={}, config=config)
    assert score.people[0].lead_score == pytest.approx(round(fit.weights.webinar, 2))  # type: ignore[attr-defined]


def test_no_look_ahead_and_the_window() -> None:
    [account] = simulate(1, accounts=1, people=40)
    [without] = simulate(1, accounts=1, people=40, after=False)
    examples = lead_examples([account], as_of=AS_OF)
    assert examples.converted.sum() > 3
    # Five webinars planted on and after each conversion day change nothing.
    same = lead_examples([without], as_of=AS_OF)
    assert examples.person_ids == same.person_ids
    assert np.array_equal(examples.units, same.units)
    assert account.touch_days.count.sum() > without.touch_days.count.sum()
    # A shorter window sees less.
    short = lead_examples([account], as_of=AS_OF, window_days=10)
    assert short.units.sum() < examples.units.sum()
    with pytest.raises(InvalidInputError):
        lead_examples([account], as_of=AS_OF, window_days=0)


def test_conversions_after_as_of_do_not_count_yet() -> None:
    [account] = simulate(2, accounts=1, people=40)
    every = conversions([account], as_of=AS_OF)
    assert every
    first = min(c.on for c in every.values() if c.on)  # type: ignore[type-var]
    earlier = conversions([account], as_of=first)
    assert 0 < len(earlier) < len(every)
    assert all(c.on is not None and c.on <= first for c in earlier.values())


def test_below_the_minimum_history_the_configured_weights_stay() -> None:
    small = simulate(3, accounts=2, people=30)
    fit = fit_lead_weights(small, as_of=AS_OF)
    assert fit.converters < fit.min_converters == 80
    assert not fit.enough
    assert fit.weights == DEFAULT_CONFIG.lead_score
    assert not fit.learned
    assert "configured weights stay" in fit.summary
    assert use_lead_weights(DEFAULT_CONFIG, fit) is DEFAULT_CONFIG
    # A lower minimum is the caller's choice, and then the weights are fitted; 60 people are too few
    # for them to beat the configured ones out of sample, so those stay (and the fit says why).
    lower = fit_lead_weights(small, as_of=AS_OF, min_converters=5, min_non_converters=5, bootstrap=20)
    assert lower.enough and lower.learned and lower.auc is not None
    assert not lower.used and lower.weights == DEFAULT_CONFIG.lead_score
    assert "no better than the configured weights" in lower.verdict and "AUC" in lower.verdict
    # The result is JSON-able and reads back the same.
    assert type(lower).model_validate_json(lower.model_dump_json()) == lower


def test_converted_leads_without_a_date_are_left_out_of_the_fit() -> None:
    company = Company(id="c", name="C")
    people = [
        Person(id="a", name="A", company_id="c", lead_status="Closed - Converted"),
        Person(id="b", name="B", company_id="c", lead_status="Closed - Not Converted"),
    ]
    account = AccountGraph(company=company, people=people)
    found = conversions([account], as_of=AS_OF)
    assert set(found) == {"a"} and found["a"].on is None
    examples = lead_examples([account], as_of=AS_OF)
    assert examples.person_ids == ["b"] and examples.undated == 1


def test_bootstrap_refit_is_the_same_model_as_scikit_learn() -> None:
    examples = lead_examples(simulate(5, accounts=6), as_of=AS_OF)
    cols = [i for i in range(len(BEHAVIOURS)) if examples.units[:, i].std() > 0]
    x = examples.units[:, cols]
    reference, _ = _fit(x, examples.converted, 1.0)
    assert np.allclose(_refit(x, examples.converted, 1.0), reference, atol=1e-4)
    assert np.allclose(_refit(x, examples.converted, 0.05), _fit(x, examples.converted, 0.05)[0], atol=1e-4)


def test_bad_parameters_are_clear_errors() -> None:
    with pytest.raises(InvalidInputError):
        fit_lead_weights([], as_of=AS_OF, c=0)
    with pytest.raises(InvalidInputError):
        fit_lead_weights([], as_of=AS_OF, bootstrap=-1)


def test_configured_weights_are_what_the_config_says() -> None:
    config = AnalysisConfig.model_validate({"lead_score": {"webinar": 1.5}})
    fit = fit_lead_weights([], as_of=AS_OF, config=config)
    assert fit.weights.webinar == 1.5 and not fit.enough


def test_without_any_behaviour_there_is_nothing_to_learn() -> None:
    company = Company(id="c", name="C")
    people = [Person(id=f"p{i}", name=f"P{i}", company_id="c") for i in range(10)]
    deal = Deal(id="d", company_id="c", created_at=date(2025, 1, 1))
    committee = [CommitteeRole(deal_id="d", person_id=f"p{i}", role="influencer") for i in range(4)]
    account = AccountGraph(company=company, people=people, deals=[deal], committee=committee)
    fit = fit_lead_weights([account], as_of=AS_OF, min_converters=2, min_non_converters=2)
    assert (fit.converters, fit.non_converters) == (4, 6)
    assert not fit.enough and fit.weights == DEFAULT_CONFIG.lead_score
    assert "nothing to learn from" in fit.summary


def test_when_every_behaviour_comes_before_fewer_conversions_the_configured_weights_stay() -> None:
    company = Company(id="c", name="C")
    people = [Person(id=f"p{i}", name=f"P{i}", company_id="c") for i in range(12)]
    deal = Deal(id="d", company_id="c", created_at=date(2025, 1, 1))
    committee = [CommitteeRole(deal_id="d", person_id=f"p{i}", role="influencer") for i in range(6)]
    # Only the people who never converted went to webinars.
    touches = [
        Touch(id=f"t{i}-{j}", at=datetime(2025, 6, 1 + j), kind="webinar", person_ids=[f"p{i}"])
        for i in range(6, 12)
        for j in range(i - 5)
    ]
    account = AccountGraph(company=company, people=people, deals=[deal], committee=committee, touches=touches)
    fit = fit_lead_weights([account], as_of=AS_OF, min_converters=2, min_non_converters=2, bootstrap=10)
    assert not fit.enough and fit.weights == DEFAULT_CONFIG.lead_score
    assert "No behaviour came before more conversions" in fit.summary
