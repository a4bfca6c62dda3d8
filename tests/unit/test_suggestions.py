"""Suggested committee members: kept apart from the committee, with a role, a confidence and evidence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from graph.analyses import analyze_account
from graph.analyses.messages import render
from graph.model import (
    AccountGraph,
    BuyingRole,
    CommitteeRole,
    Company,
    Deal,
    DealStatus,
    Person,
    Rep,
    Touch,
    TouchKind,
)
from graph.model import Function as F
from graph.model import Seniority as S
from tests.unit.test_generated_truth import analyse_all, world  # noqa: F401 - the shared fixture

AS_OF = date(2026, 6, 30)


def _meetings() -> list[Touch]:
    return [
        Touch(
            id=f"m{i}",
            at=datetime(2026, 6, 1 + i),
            kind=TouchKind.MEETING,
            person_ids=["champ", "arch"],
            rep_id="r",
        )
        for i in range(3)
    ]


def _account() -> AccountGraph:
    people = [
        Person(id="champ", name="Cy Champ", company_id="c", seniority=S.MANAGER, function=F.OPERATIONS),
        Person(id="cfo", name="Bo Money", company_id="c", seniority=S.VP, function=F.FINANCE),
        Person(id="arch", name="Di Arch", company_id="c", seniority=S.MANAGER, function=F.IT),
        Person(id="intern", name="Ed Intern", company_id="c", seniority=S.INDIVIDUAL, function=F.SALES),
    ]
    meetings = _meetings()
    return AccountGraph(
        company=Company(id="c", name="C"),
        people=people,
        reps=[Rep(id="r", name="Rep")],
        deals=[Deal(id="d", company_id="c", name="D", status=DealStatus.OPEN, amount=50_000)],
        committee=[CommitteeRole(deal_id="d", person_id="champ", role=BuyingRole.CHAMPION)],
        touches=meetings,
    )


def test_people_active_on_the_deal_and_fits_for_missing_roles_are_suggested_apart_from_the_committee() -> (
    None
):
    deal = analyze_account(_account(), as_of=AS_OF).deals[0]
    suggested = {m.person_id: m for m in deal.suggested_members}
    assert "champ" not in suggested and set(deal.committee) == {"champ"}
    # Met the champion three times; an IT manager fits the missing technical evaluator role.
    arch = suggested["arch"]
    assert arch.role == BuyingRole.TECHNICAL_EVALUATOR
    # Both pieces of evidence; the higher confidence (the role fit, engaged lately) wins.
    assert arch.confidence >= 0.75 and "3 meetings with the committee (Cy Champ)" in arch.evidence
    assert "missing technical evaluator role" in arch.evidence
    assert any(render(m, "zh-CN").startswith("与委员会成员开会 3 次") for m in arch.evidence_messages)
    # The finance VP fits the missing economic buyer (and decision maker) roles.
    assert suggested["cfo"].role in {BuyingRole.ECONOMIC_BUYER, BuyingRole.DECISION_MAKER}
    assert "missing" in suggested["cfo"].evidence
    assert all(0 < m.confidence <= 1 for m in deal.suggested_members)
    ranked = [m.confidence for m in deal.suggested_members]
    assert ranked == sorted(ranked, reverse=True)


def test_suggestions_on_a_generated_world_name_the_gap_candidates_and_never_a_member(
    world: Any,  # noqa: F811 - the fixture imported above
) -> None:
    named = total = 0
    for _, result in analyse_all(world):
        for deal in result.deals:
            suggested = {m.person_id for m in deal.suggested_members}
            assert not suggested & set(deal.committee)
            for gap in deal.gaps:
                if gap.kind.value == "missing_role" and gap.people:
                    total += 1
                    named += gap.people[0] in suggested
    assert total >= 10 and named / total >= 0.8, (named, total)


def test_touches_about_the_deal_make_someone_active_on_it() -> None:
    account = _account()
    touches = [
        Touch(
            id=f"d{i}", at=datetime(2026, 6, 10 + i), kind=TouchKind.CALL, person_ids=["intern"], deal_id="d"
        )
        for i in range(2)
    ]
    account = AccountGraph.model_validate(
        {**account.model_dump(exclude={"touch_days", "deal_touches"}), "touches": [*touches, *_meetings()]}
    )
    assert sum(row.count for row in account.deal_touches if row.person_id == "intern") == 2
    deal = analyze_account(account, as_of=AS_OF).deals[0]
    intern = next(m for m in deal.suggested_members if m.person_id == "intern")
    assert "2 touches about this deal (last on 2026-06-11)" in intern.evidence
    assert intern.confidence == 0.5  # 0.3 + 0.1 x 2 touches about the deal
    # Touches about another deal, or after as_of, do not count.
    later = analyze_account(account, as_of=date(2026, 6, 10)).deals[0]
    assert (
        "about this deal (last on 2026-06-10)"
        in next(m for m in later.suggested_members if m.person_id == "intern").evidence
    )
