"""Engagement roll-ups on hand-built touches: activity windows, lead scores, at-risk, buying stage."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from graph.analyses import AnalysisConfig, BuyingStage, analyze_account
from graph.analyses.config import LeadScoreWeights
from graph.analyses.engagement import engagement
from graph.model import AccountGraph, Company, Person, Rep, Touch

AS_OF = date(2026, 6, 30)


def at(days_before: int) -> datetime:
    return datetime.combine(AS_OF - timedelta(days=days_before), datetime.min.time()).replace(hour=11)


def touches() -> list[Touch]:
    return [
        Touch(id="t1", at=at(200), kind="email", person_ids=["ann"], rep_id="r"),
        Touch(id="t2", at=at(40), kind="webinar", person_ids=["bob"]),
        Touch(id="t3", at=at(20), kind="web_visit", person_ids=["bob"]),
        Touch(id="t4", at=at(20), kind="web_visit", person_ids=["bob"]),
        Touch(id="t5", at=at(10), kind="demo", person_ids=["bob", "cat"], rep_id="r", duration_s=1800),
        Touch(id="t6", at=at(3), kind="email", person_ids=["cat"], rep_id="r", direction="inbound"),
        Touch(id="t7", at=at(-5), kind="meeting", person_ids=["ann"], rep_id="r"),  # after as_of
    ]


def roll_up(**kwargs: object) -> object:
    args: dict[str, object] = {
        "as_of": AS_OF,
        "people": {"ann", "bob", "cat"},
        "status": "customer",
        "function": {"ann": "finance", "bob": "it", "cat": "it"},
        "seniority": {},
    }
    args.update(kwargs)
    return engagement(touches(), **args)  # type: ignore[arg-type]


def test_windows_people_and_kinds() -> None:
    e = roll_up()
    assert e.first_person_id == "ann" and e.last_person_id == "cat"  # type: ignore[attr-defined]
    assert e.most_active_person_id == "bob"  # type: ignore[attr-defined]  # 4 touches
    assert e.active_7d == ["cat"]  # type: ignore[attr-defined]
    assert e.active_30d == ["bob", "cat"]  # type: ignore[attr-defined]
    assert e.active_90d == ["bob", "cat"]  # type: ignore[attr-defined]
    assert e.touches_by_kind == {"demo": 1, "email": 2, "web_visit": 2, "webinar": 1}  # type: ignore[attr-defined]
    assert e.days_since_last_touch == 3  # type: ignore[attr-defined]


def test_lead_scores_and_account_score() -> None:
    e = roll_up()
    people = {pe.person_id: pe for pe in e.people}  # type: ignore[attr-defined]
    # bob: webinar 8 + 2 pages x 1 + 30 demo minutes x 0.5 = 25.
    assert people["bob"].lead_score == pytest.approx(25.0)
    assert people["bob"].lead_components == {"demo_minutes": 15.0, "pages_viewed": 2.0, "webinars": 8.0}
    # cat: the same demo 15 + one inbound e-mail 4 = 19; ann's e-mail is outbound and 200 days old.
    assert people["cat"].lead_score == pytest.approx(19.0)
    assert people["ann"].lead_score == 0.0
    # Two people scoring: (25 + 19) * (1 + 0.25 * (2 - 1)).
    assert e.account_score == pytest.approx(44 * 1.25)  # type: ignore[attr-defined]
    lighter = AnalysisConfig(lead_score=LeadScoreWeights(webinar=0, breadth_bonus=0))
    assert roll_up(config=lighter).account_score == pytest.approx(17 + 19)  # type: ignore[attr-defined]


def test_several_people_beat_one_busy_person() -> None:
    one = [Touch(id=f"a{i}", at=at(5), kind="content_download", person_ids=["p1"]) for i in range(4)]
    two = [Touch(id=f"b{i}", at=at(5), kind="content_download", person_ids=[f"p{i % 2}"]) for i in range(4)]
    kwargs = {"as_of": AS_OF, "people": {"p0", "p1"}, "status": None, "function": {}, "seniority": {}}
    assert engagement(two, **kwargs).account_score > engagement(one, **kwargs).account_score  # type: ignore[arg-type]


def test_at_risk_flag() -> None:
    # Last inbound activity 3 days ago (cat's reply): not at risk with the default 7 days.
    assert roll_up().at_risk is False  # type: ignore[attr-defined]
    strict = AnalysisConfig(at_risk_days=2)
    e = roll_up(config=strict)
    assert e.at_risk is True and "3 days" in e.at_risk_reason  # type: ignore[attr-defined]
    assert roll_up(status="prospect", config=strict).at_risk is False  # type: ignore[attr-defined]


def test_buying_stage_grows_with_people_and_functions() -> None:
    assert roll_up().buying_stage == BuyingStage.CONSIDERATION  # type: ignore[attr-defined]  # 2 people, 1 function
    none = engagement([], as_of=AS_OF, people=set(), status=None, function={}, seniority={})
    assert none.buying_stage == BuyingStage.DORMANT
    functions = {"a": "it", "b": "finance", "c": "legal", "d": "operations"}
    recent = [Touch(id=p, at=at(5), kind="call", person_ids=[p], rep_id="r") for p in functions]
    kwargs = {"as_of": AS_OF, "people": set(functions), "status": None, "seniority": {}}
    assert engagement(recent[:1], function=functions, **kwargs).buying_stage == BuyingStage.AWARENESS  # type: ignore[arg-type]
    assert engagement(recent[:3], function=functions, **kwargs).buying_stage == BuyingStage.EVALUATION  # type: ignore[arg-type]
    assert engagement(recent, function=functions, **kwargs).buying_stage == BuyingStage.DECISION  # type: ignore[arg-type]


def test_account_analysis_uses_the_same_roll_up() -> None:
    account = AccountGraph(
        company=Company(id="c", name="C", status="customer"),
        people=[Person(id=p, name=p) for p in ("ann", "bob", "cat")],
        reps=[Rep(id="r", name="R")],
        touches=touches(),
    )
    result = analyze_account(account, as_of=AS_OF)
    plain = roll_up(function={})
    # The analysis adds the trends and splits the risk (graph/analyses/account_class.py); the rest is
    # the same roll-up.
    added = {"trend", "trend_reason", "usage_risk", "usage_risk_reason", "deal_risk", "deal_risk_reason"}
    added |= {"at_risk", "at_risk_reason", "people"}
    added |= {f"{name}_message" for name in added if name.endswith("_reason")}
    assert result.engagement.model_dump(exclude=added) == plain.model_dump(exclude=added)
    assert [p.model_dump(exclude={"trend"}) for p in result.engagement.people] == [
        p.model_dump(exclude={"trend"}) for p in plain.people
    ]
    assert result.engagement.usage_risk == plain.at_risk
    assert result.engagement.at_risk == (result.engagement.usage_risk or result.engagement.deal_risk)
