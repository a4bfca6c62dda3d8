"""Hand-built accounts and analyses for the committee-map tests (no store, no analyses run)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from graph.analyses.results import (
    AccountAnalysis,
    Coverage,
    DealAnalysis,
    Engagement,
    Gap,
    GapKind,
    KeyPerson,
    PersonEngagement,
    ScoreComponent,
    Severity,
)
from graph.model import (
    AccountGraph,
    BuyingRole,
    CommitteeRole,
    Company,
    Deal,
    Direction,
    Employment,
    Person,
    Rep,
    Reporting,
    Seniority,
    Touch,
    TouchKind,
)

AS_OF = date(2026, 6, 30)
HOSTILE = "<script>alert(1)</script>"
CHINESE = "王小明"


def small_account() -> tuple[AccountGraph, AccountAnalysis]:
    """A CEO with a CFO and CTO; the CTO has three engineers; one former VP left; two reps."""
    people = [
        Person(id="ceo", name="Ada Chief", title="CEO", seniority=Seniority.C_LEVEL, company_id="acme"),
        Person(
            id="cfo",
            name=CHINESE,
            title="财务总监",
            seniority=Seniority.VP,
            company_id="acme",
            department="Finance",
        ),
        Person(
            id="cto",
            name=HOSTILE,
            title="CTO & <b>boss</b>",
            seniority=Seniority.VP,
            company_id="acme",
            department="Engineering",
        ),
        Person(id="eng1", name="Eve One", title="Engineer", company_id="acme", department="Engineering"),
        Person(id="eng2", name="Finn Two", title="Engineer", company_id="acme", department="Engineering"),
        Person(id="eng3", name="Gus Three", title="Engineer", company_id="acme", department="Engineering"),
        Person(id="gone", name="Hal Former", title="VP Sales", company_id="acme", department="Sales"),
    ]
    reporting = [
        Reporting(person_id="cfo", manager_id="ceo"),
        Reporting(person_id="cto", manager_id="ceo"),
        Reporting(person_id="eng1", manager_id="cto"),
        Reporting(person_id="eng2", manager_id="cto"),
        Reporting(person_id="eng3", manager_id="cto"),
        Reporting(person_id="gone", manager_id="ceo", until=date(2026, 1, 31)),
    ]
    employment = [Employment(person_id=p.id, company_id="acme") for p in people if p.id != "gone"]
    employment.append(Employment(person_id="gone", company_id="acme", until=date(2026, 1, 31)))
    reps = [Rep(id="r1", name="Rita Rep"), Rep(id="r2", name="Sam Seller")]
    touches = [
        Touch(id="t1", at=datetime(2026, 6, 20), kind=TouchKind.MEETING, person_ids=["cto"], rep_id="r1"),
        Touch(
            id="t2",
            at=datetime(2026, 6, 21),
            kind=TouchKind.MEETING,
            person_ids=["cto"],
            rep_id="r1",
            direction=Direction.INBOUND,
        ),
        Touch(id="t3", at=datetime(2025, 11, 1), kind=TouchKind.EMAIL, person_ids=["cfo"], rep_id="r2"),
        Touch(id="t4", at=datetime(2026, 5, 1), kind=TouchKind.CALL, person_ids=["eng1"], rep_id="r2"),
    ]
    deal = Deal(id="d1", company_id="acme", name="Platform <rollout>", amount=250_000, stage="evaluation")
    committee = [
        CommitteeRole(deal_id="d1", person_id="cto", role=BuyingRole.CHAMPION),
        CommitteeRole(deal_id="d1", person_id="ceo", role=BuyingRole.DECISION_MAKER),
    ]
    account = AccountGraph(
        company=Company(id="acme", name="Acme & Sons <Ltd>"),
        people=people,
        employment=employment,
        reporting=reporting,
        deals=[deal],
        committee=committee,
        touches=touches,
        reps=reps,
    )
    component = ScoreComponent(
        name="seniority", value=1.0, weight=1.0, share=1.0, explanation="top of the chart"
    )
    analysis = AccountAnalysis(
        account_id="acme",
        name="Acme & Sons <Ltd>",
        as_of=AS_OF,
        key_people=[
            KeyPerson(
                person_id="ceo",
                name="Ada Chief",
                rank=1,
                score=0.9,
                components=[component],
                explanation="Runs the company",
            ),
            KeyPerson(
                person_id="cto",
                name=HOSTILE,
                rank=2,
                score=0.6,
                components=[component],
                explanation=f"Owns the stack {HOSTILE}",
            ),
        ],
        deals=[
            DealAnalysis(
                deal_id="d1",
                name="Platform <rollout>",
                amount=250_000,
                template="large",
                required_roles=[BuyingRole.DECISION_MAKER, BuyingRole.CHAMPION, BuyingRole.ECONOMIC_BUYER],
                committee={"cto": [BuyingRole.CHAMPION], "ceo": [BuyingRole.DECISION_MAKER]},
                engaged=["cto"],
                gaps=[
                    Gap(
                        kind=GapKind.MISSING_ROLE,
                        role=BuyingRole.ECONOMIC_BUYER,
                        severity=Severity.HIGH,
                        detail="Nobody holds the budget",
                        next_step="Ask the CTO who signs",
                        people=["cfo", "ceo"],
                    ),
                    Gap(
                        kind=GapKind.MISSING_ROLE,
                        role=BuyingRole.PROCUREMENT,
                        severity=Severity.MEDIUM,
                        detail="No procurement contact",
                        next_step="Find procurement",
                        people=[],
                    ),
                ],
                coverage=Coverage(score=0.5, reachable=["cto"], unreachable=["ceo"], explanation="half"),
            )
        ],
        cross_sell=[],
        relationship_leads=[],
        engagement=Engagement(
            people=[
                PersonEngagement(person_id="cto", last_touch=date(2026, 6, 21), touches=2),
                PersonEngagement(person_id="cfo", last_touch=date(2025, 11, 1), touches=1),
                PersonEngagement(person_id="eng1", last_touch=date(2026, 5, 1), touches=1),
            ],
            at_risk=True,
            at_risk_reason="no inbound activity",
        ),
    )
    return account, analysis


def large_account_touches(people_count: int = 2000, seed: int = 7) -> list[Touch]:
    """The touches of `large_account` (the account itself carries their daily aggregates)."""
    return [
        Touch(
            id=f"t{i}",
            at=datetime(2026, 6, 1) - timedelta(days=(i * 13) % 300),
            kind=TouchKind.EMAIL,
            person_ids=[f"p{(i * 37 + seed) % people_count}"],
            rep_id=f"r{i % 5}",
        )
        for i in range(400)
    ]


def large_account(people_count: int = 2000, seed: int = 7) -> tuple[AccountGraph, AccountAnalysis]:
    """A deterministic org of `people_count` people in 10 departments, with touches and one deal."""
    departments = [
        "Engineering",
        "Sales",
        "Finance",
        "IT",
        "Operations",
        "Marketing",
        "HR",
        "Legal",
        "Support",
        "Product",
    ]
    people = [
        Person(
            id="p0",
            name="Chief Executive",
            seniority=Seniority.C_LEVEL,
            company_id="big",
            department="Executive",
        )
    ]
    reporting = []
    for i in range(1, people_count):
        # A branching factor that gives deep and wide teams: managers 1..n/6 get the rest.
        manager = (i - 1) // 6 if i > 6 else 0
        department = departments[(i if i <= 10 else int(people[manager].id[1:]) % 10) % 10]
        if manager > 0:
            department = people[manager].department or department
        people.append(
            Person(id=f"p{i}", name=f"Person {i:04d}", title="Staff", company_id="big", department=department)
        )
        reporting.append(Reporting(person_id=f"p{i}", manager_id=f"p{manager}"))
    reps = [Rep(id=f"r{i}", name=f"Rep {i}") for i in range(5)]
    touches = large_account_touches(people_count, seed)
    committee_ids = ["p0", "p1", "p2", "p15"]
    account = AccountGraph(
        company=Company(id="big", name="Big Corp"),
        people=people,
        reporting=reporting,
        reps=reps,
        touches=touches,
        deals=[Deal(id="bd", company_id="big", name="Enterprise", amount=1_000_000)],
        committee=[
            CommitteeRole(deal_id="bd", person_id=p, role=BuyingRole.INFLUENCER) for p in committee_ids
        ],
    )
    analysis = AccountAnalysis(
        account_id="big",
        as_of=AS_OF,
        key_people=[
            KeyPerson(person_id=f"p{i}", rank=i + 1, score=1 / (i + 1), components=[], explanation="senior")
            for i in range(30)
        ],
        deals=[
            DealAnalysis(
                deal_id="bd",
                name="Enterprise",
                amount=1_000_000,
                template="large",
                required_roles=[BuyingRole.INFLUENCER],
                committee={p: [BuyingRole.INFLUENCER] for p in committee_ids},
                engaged=[],
                gaps=[],
                coverage=Coverage(score=0.2, reachable=[], unreachable=[]),
            )
        ],
        cross_sell=[],
        relationship_leads=[],
        engagement=Engagement(),
    )
    return account, analysis
