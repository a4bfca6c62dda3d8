"""Change detection (graph/analyses/changes.py): pure comparisons of two kept results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from graph.analyses import analyze_account
from graph.analyses.changes import ChangeKind, result_changes, roster_of
from graph.analyses.portfolio import AccountResult, account_result
from graph.model import AccountGraph, CommitteeRole, Company, Deal, Employment, Person, Touch

AS_OF = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)


def account(*, champion_at: str | None = "c", cfo_role: bool = False, touches: int = 0) -> AccountGraph:
    people = [
        Person(id="ceo", name="Ann Chief", company_id="c", title="CEO", seniority="c_level"),
        Person(
            id="champ", name="Cy Champion", company_id=champion_at, title="IT Director", seniority="director"
        ),
        Person(id="cfo", name="Flo Finance", company_id="c", title="CFO", seniority="c_level"),
    ]
    employment = []
    if champion_at != "c":
        employment.append(
            Employment(person_id="champ", company_id="c", since="2020-01-01", until="2026-02-01")
        )
    committee = [CommitteeRole(deal_id="d", person_id="champ", role="champion", source="crm")]
    if cfo_role:
        committee.append(CommitteeRole(deal_id="d", person_id="cfo", role="economic_buyer", source="crm"))
    return AccountGraph(
        company=Company(id="c", name="C"),
        people=people,
        employment=employment,
        deals=[Deal(id="d", company_id="c", amount=50_000)],
        committee=committee,
        touches=[
            Touch(
                id=f"t{i}",
                at=datetime(2026, 2, 20, tzinfo=UTC) - timedelta(days=i),
                kind="meeting",
                person_ids=["cfo"],
                rep_id="r",
            )
            for i in range(touches)
        ],
    )


def kept(graph: AccountGraph, at: datetime = NOW) -> AccountResult:
    return account_result(graph, analyze_account(graph, as_of=AS_OF), computed_at=at)


def kinds(old: AccountResult | None, new: AccountResult) -> list[str]:
    return [c.kind.value for c in result_changes(old, new, detected_at=NOW)]


def test_a_first_result_and_an_unchanged_one_change_nothing() -> None:
    assert kinds(None, kept(account())) == []
    assert kinds(kept(account()), kept(account())) == []


def test_a_champion_who_leaves_is_a_change_and_a_lead_into_their_new_company() -> None:
    changes = result_changes(kept(account()), kept(account(champion_at="other-co")), detected_at=NOW)
    left = [c for c in changes if c.kind == ChangeKind.MEMBER_LEFT]
    assert [(c.person_id, c.data["roles"]) for c in left] == [("champ", {"d": ["champion"]})]
    moved = [c for c in changes if c.kind == ChangeKind.JOB_CHANGE]
    assert len(moved) == 1
    assert moved[0].data["lead"] == {
        "person_id": "champ",
        "name": "Cy Champion",
        "title": "IT Director",
        "company_id": "other-co",
    }
    assert moved[0].data["from_account_id"] == "c"


def test_a_champion_who_leaves_without_a_new_company_is_no_job_change() -> None:
    found = kinds(kept(account()), kept(account(champion_at=None)))
    assert "member_left" in found and "job_change" not in found


def test_a_gap_that_closes_and_one_that_opens() -> None:
    without, with_cfo = kept(account()), kept(account(cfo_role=True))
    closed = [
        c for c in result_changes(without, with_cfo, detected_at=NOW) if c.kind == ChangeKind.GAP_CLOSED
    ]
    assert closed and all(c.deal_id == "d" for c in closed)
    assert "economic_buyer" in {c.data["gap"]["role"] for c in closed}
    opened = [
        c for c in result_changes(with_cfo, without, detected_at=NOW) if c.kind == ChangeKind.GAP_OPENED
    ]
    assert "economic_buyer" in {c.data["gap"]["role"] for c in opened}


def test_a_new_senior_person_and_a_new_reporting_line() -> None:
    old = kept(account())
    graph = account()
    graph.people.append(Person(id="vp", name="Vi Vice", company_id="c", title="VP Sales", seniority="vp"))
    graph.people.append(Person(id="intern", name="In Tern", company_id="c", seniority="individual"))
    graph.people[2] = graph.people[2].model_copy(update={"reports_to_id": "ceo"})
    from graph.model import Reporting

    graph.reporting.append(Reporting(person_id="cfo", manager_id="ceo"))
    changes = result_changes(old, kept(graph), detected_at=NOW)
    assert [c.person_id for c in changes if c.kind == ChangeKind.SENIOR_JOINED] == ["vp"]
    reorg = [c for c in changes if c.kind == ChangeKind.REORG]
    assert reorg[0].data["lines"] == [{"person_id": "cfo", "before": [], "after": ["ceo"]}]


def test_engagement_that_falls_is_a_change_and_rising_is_not() -> None:
    busy, quiet = kept(account(touches=12)), kept(account(touches=0))
    assert busy.engagement_score > quiet.engagement_score
    assert "engagement_fell" in kinds(busy, quiet)
    assert "engagement_fell" not in kinds(quiet, busy)


def with_likelihood(result: AccountResult, value: float | None) -> AccountResult:
    deals = [d.model_copy(update={"win_likelihood": value}) for d in result.deals]
    return result.model_copy(update={"deals": deals})


def test_a_win_likelihood_that_moves_is_a_change_when_results_carry_one() -> None:
    base = kept(account())
    moved = result_changes(with_likelihood(base, 0.3), with_likelihood(base, 0.55), detected_at=NOW)
    assert [(c.kind, c.deal_id, c.data) for c in moved] == [
        (ChangeKind.WIN_LIKELIHOOD_MOVED, "d", {"before": 0.3, "after": 0.55})
    ]
    assert kinds(with_likelihood(base, 0.3), with_likelihood(base, 0.35)) == []
    assert kinds(with_likelihood(base, None), with_likelihood(base, 0.9)) == []
    assert kinds(base, base) == []  # scored with the configured weights: no likelihood


def test_the_gaps_of_a_deal_that_opened_since_are_logged_as_opened_on_a_new_deal() -> None:
    graph = account()
    old = kept(graph)
    graph.deals.append(Deal(id="d2", company_id="c", amount=50_000))
    new = kept(graph)
    fresh = next(d for d in new.deals if d.deal_id == "d2")
    assert fresh.gaps
    opened = [c for c in result_changes(old, new, detected_at=NOW) if c.kind == ChangeKind.GAP_OPENED]
    assert [(c.deal_id, c.data["gap"]["detail"]) for c in opened] == [("d2", g.detail) for g in fresh.gaps]
    assert all(c.data["new_deal"] is True and "new deal d2" in c.summary for c in opened)
    # The deal that was open before logs nothing; a gap opening on it later is not a new deal's.
    assert kinds(new, new) == []
    reopened = [
        c
        for c in result_changes(kept(account(cfo_role=True)), old, detected_at=NOW)
        if c.kind == ChangeKind.GAP_OPENED
    ]
    assert reopened and all(c.data["new_deal"] is False for c in reopened)


def test_the_roster_says_who_is_current_and_where_they_went() -> None:
    roster = {r.person_id: r for r in roster_of(account(champion_at="other-co"), as_of=AS_OF)}
    assert not roster["champ"].current and roster["champ"].company_id == "other-co"
    assert roster["ceo"].current
