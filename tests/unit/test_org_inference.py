"""Inferred org charts: the likely manager of each person, against withheld real and planted lines."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import networkx as nx

from graph.analyses import analyze_account
from graph.analyses.org_inference import infer_reporting_lines, most_senior_in_function
from graph.analyses.results import GapKind, Severity
from graph.model import (
    AccountGraph,
    BuyingRole,
    CommitteeRole,
    Company,
    Deal,
    DealStatus,
    Knows,
    Person,
    Rep,
    Reporting,
    Touch,
    TouchKind,
)
from graph.model import Function as F
from graph.model import Seniority as S
from tests.unit.test_real_data import bench_module

SENIORITY = {"ceo": S.C_LEVEL, "cfo": S.VP, "fd1": S.DIRECTOR, "fd2": S.DIRECTOR, "acc": S.INDIVIDUAL}
FUNCTION = {"ceo": F.EXECUTIVE, "cfo": F.FINANCE, "fd1": F.FINANCE, "fd2": F.FINANCE, "acc": F.FINANCE}


def test_who_a_person_turns_to_picks_between_equal_candidates() -> None:
    people = sorted(SENIORITY)
    plain = {
        line.person_id: line for line in infer_reporting_lines(people, seniority=SENIORITY, function=FUNCTION)
    }
    asks = nx.DiGraph([("acc", "fd2")])
    told = {
        line.person_id: line
        for line in infer_reporting_lines(people, seniority=SENIORITY, function=FUNCTION, interaction=asks)
    }
    assert plain["cfo"].manager_id == "ceo" and plain["fd1"].manager_id == "cfo"
    # Two directors of finance: without evidence the first by id, with it the one turned to.
    assert plain["acc"].manager_id == "fd1" and told["acc"].manager_id == "fd2"
    assert told["acc"].confidence > plain["acc"].confidence
    assert "turns to them" in told["acc"].reason and "same function (finance)" in told["acc"].reason
    assert "ceo" not in plain  # the top of the company reports to nobody


def test_asserted_managers_are_never_replaced_and_unknown_seniority_is_left_alone() -> None:
    people = [*sorted(SENIORITY), "ghost"]
    lines = infer_reporting_lines(people, seniority=SENIORITY, function=FUNCTION, managed={"acc"})
    assert {line.person_id for line in lines} == {"cfo", "fd1", "fd2"}
    assert all(0 < line.confidence <= 1 for line in lines)


def test_baseline_sends_everyone_to_the_head_of_their_function() -> None:
    managers = most_senior_in_function(sorted(SENIORITY), seniority=SENIORITY, function=FUNCTION)
    assert managers == {"cfo": "ceo", "fd1": "cfo", "fd2": "cfo", "acc": "cfo"}


def test_inferred_lines_beat_the_baseline_on_krackhardt_and_on_a_generated_world(datasets: Path) -> None:
    check = bench_module("check_org_inference")
    ours, baseline = check.score_krackhardt(datasets, with_department=True)
    assert ours.correct == ours.true == 20  # CEO, four VPs and their departments: exact
    ours, baseline = check.score_krackhardt(datasets, with_department=False)
    assert ours.correct > baseline.correct  # advice ties tell which VP a manager reports to
    ours, baseline = check.score_generated(20, 4)
    assert ours.true > 100
    assert ours.correct > baseline.correct
    assert ours.correct / ours.inferred >= 0.85 and ours.correct / ours.true >= 0.85


def _account_without_org_chart(*, with_line: bool) -> AccountGraph:
    """A CFO (never touched) above an engaged finance manager who holds a deal's champion role."""
    people = [
        Person(id="ceo", name="Ada CEO", company_id="c", seniority=S.C_LEVEL, function=F.EXECUTIVE),
        Person(id="cfo", name="Bo CFO", company_id="c", seniority=S.VP, function=F.FINANCE),
        Person(id="mgr", name="Cy Manager", company_id="c", seniority=S.MANAGER, function=F.FINANCE),
    ]
    return AccountGraph(
        company=Company(id="c", name="C"),
        people=people,
        reps=[Rep(id="r", name="Rep")],
        deals=[Deal(id="d", company_id="c", name="D", status=DealStatus.OPEN, amount=50_000)],
        committee=[CommitteeRole(deal_id="d", person_id="mgr", role=BuyingRole.CHAMPION)],
        knows=[Knows(person_id="mgr", other_id="cfo")],
        touches=[
            Touch(id="t", at=datetime(2026, 6, 1), kind=TouchKind.MEETING, person_ids=["mgr"], rep_id="r")
        ],
        reporting=[Reporting(person_id="cfo", manager_id="ceo")] if with_line else [],
    )


def test_an_account_without_reporting_lines_is_analysed_on_an_inferred_chart_said_so() -> None:
    inferred = analyze_account(_account_without_org_chart(with_line=False), as_of=date(2026, 6, 30))
    lines = {(line.person_id, line.manager_id) for line in inferred.inferred_lines}
    assert lines == {("cfo", "ceo"), ("mgr", "cfo")}
    assert any("were inferred" in note for note in inferred.notes)
    gaps = {g.person_id: g for d in inferred.deals for g in d.gaps if g.kind == GapKind.UNENGAGED_SUPERIOR}
    assert set(gaps) == {"cfo", "ceo"}
    assert all("inferred reporting line" in g.detail for g in gaps.values())
    # One step less severe than on asserted lines: a VP medium -> low, a CEO high -> medium.
    assert gaps["cfo"].severity == Severity.LOW and gaps["ceo"].severity == Severity.MEDIUM
    # One asserted line: the account has an org chart; nothing is inferred, nothing is said.
    asserted = analyze_account(_account_without_org_chart(with_line=True), as_of=date(2026, 6, 30))
    assert asserted.inferred_lines == []
    assert not any("inferred" in g.detail for d in asserted.deals for g in d.gaps)


def test_the_next_step_names_the_introducer_on_the_warmest_path() -> None:
    """The CFO is reached through the manager (a KNOWS tie): the manager introduces, as the path says."""
    analysis = analyze_account(_account_without_org_chart(with_line=False), as_of=date(2026, 6, 30))
    gap = next(g for d in analysis.deals for g in d.gaps if g.person_id == "cfo")
    assert gap.next_step.startswith("Ask Cy Manager to introduce Bo CFO.")
    assert "Rep (our rep) -> Cy Manager -> Bo CFO" in gap.next_step


def test_the_map_draws_inferred_lines_dotted_with_their_reason_and_asserted_ones_solid() -> None:
    from viz.committee_map import build_committee_map

    for with_line in (False, True):
        account = _account_without_org_chart(with_line=with_line)
        analysis = analyze_account(account, as_of=date(2026, 6, 30))
        m = build_committee_map(account, analysis, as_of=date(2026, 6, 30))
        lines = {(e.source, e.to): e for e in m.edges if e.kind == "reports_to"}
        if with_line:  # the CRM's one line, solid; nothing inferred
            assert list(lines) == [("ceo", "cfo")] and lines[("ceo", "cfo")].dashes is False
        else:
            assert set(lines) == {("ceo", "cfo"), ("cfo", "mgr")}
            assert all(e.dashes and e.title and "inferred reporting line" in e.title for e in lines.values())
