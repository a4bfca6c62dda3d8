"""One rule, one home: the map, the API's graph and the analyses agree on tie strength, on who is a
current employee and on engagement state, because all of them call graph/analyses/rules.py."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from api.routers.accounts import _current_people, build_graph
from graph.analyses import analyze_account
from graph.analyses.config import DEFAULT_CONFIG
from graph.analyses.rules import EngagementState, employment_status, engagement_state, rep_ties, tie_strength
from graph.model import AccountGraph, Company, Deal, Employment, Person, Rep, Touch, TouchKind
from graph.projections import project_account
from viz.committee_map import build_committee_map

AS_OF = date(2026, 6, 30)


def account_with(touches: list[Touch], employment: list[Employment] | None = None) -> AccountGraph:
    return AccountGraph(
        company=Company(id="c", name="C"),
        people=[Person(id="p", name="Pat", seniority="vp"), Person(id="q", name="Quinn")],
        reps=[Rep(id="r", name="Rita")],
        deals=[Deal(id="d", company_id="c", name="D", amount=10_000, owner_rep_id="r")],
        employment=employment or [],
        touches=touches,
    )


def meeting_and_webinar() -> AccountGraph:
    return account_with(
        [
            Touch(
                id="m",
                at=datetime(2026, 6, 30, 9),
                kind="meeting",
                direction="outbound",
                person_ids=["p"],
                rep_id="r",
            ),
            Touch(
                id="w",
                at=datetime(2026, 6, 30, 15),
                kind="webinar",
                direction="inbound",
                person_ids=["p"],
                rep_id="r",
            ),
        ]
    )


def test_an_outbound_meeting_and_an_inbound_webinar_give_one_strength_everywhere() -> None:
    account = meeting_and_webinar()
    analysis_strength = project_account(account, as_of=AS_OF).reach.edges["r", "p"]["strength"]
    # Both touches today; a webinar carries no reply, so the tie is one-way (the old map called any
    # mix of directions two-way and multiplied by two_way_factor).
    weights = DEFAULT_CONFIG.strength.touch_weights
    expected = tie_strength(weights[TouchKind.MEETING] + weights[TouchKind.WEBINAR], False)
    assert analysis_strength == pytest.approx(expected)
    analysis = analyze_account(account, as_of=AS_OF)
    committee_map = build_committee_map(account, analysis, as_of=AS_OF)
    [edge] = [e for e in committee_map.edges if e.id == "touch:r:p"]
    assert edge.width == round(0.5 + 7.5 * analysis_strength, 2)
    assert f"{analysis_strength:.2f}" in (edge.title or "")
    graph = build_graph(account, analysis)
    [api_edge] = [e for e in graph.edges if e.kind == "touch"]
    assert api_edge.strength == analysis_strength and api_edge.touches == 2


def test_an_inbound_email_makes_the_tie_two_way_everywhere() -> None:
    account = account_with(
        [
            Touch(
                id="e",
                at=datetime(2026, 6, 29),
                kind="email",
                direction="inbound",
                person_ids=["p"],
                rep_id="r",
            )
        ]
    )
    tie = rep_ties(account.touch_days, ["r"], {"p"}, as_of=AS_OF)["r", "p"]
    assert tie.two_way
    assert project_account(account, as_of=AS_OF).reach.edges["r", "p"]["strength"] == tie.strength


def test_a_re_hired_person_is_current_everywhere() -> None:
    jobs = [
        Employment(person_id="p", company_id="c", since=date(2019, 1, 1), until=date(2022, 3, 1)),
        Employment(person_id="p", company_id="c", since=date(2024, 2, 1)),
        Employment(person_id="q", company_id="c", since=date(2019, 1, 1), until=date(2025, 3, 1)),
    ]
    account = account_with([], jobs)
    current, departed = employment_status("c", ["p", "q"], jobs, as_of=AS_OF)
    assert current == {"p"} and departed == {"q": date(2025, 3, 1)}
    p = project_account(account, as_of=AS_OF)
    assert p.current == {"p"} and p.departed == {"q"}
    assert _current_people(account, AS_OF) == {"p"}
    analysis = analyze_account(account, as_of=AS_OF)
    nodes = {n.id: n for n in build_graph(account, analysis).nodes}
    assert nodes["p"].current and not nodes["q"].current
    cards = {n.id: n for n in build_committee_map(account, analysis, as_of=AS_OF).nodes}
    assert not cards["p"].departed and cards["q"].departed


def test_engagement_state_is_the_analyses_engaged() -> None:
    account = account_with(
        [
            Touch(id="a", at=datetime(2026, 6, 1), kind="email", person_ids=["p"], rep_id="r"),
            Touch(id="b", at=datetime(2025, 6, 1), kind="email", person_ids=["q"], rep_id="r"),
        ]
    )
    p = project_account(account, as_of=AS_OF)
    analysis = analyze_account(account, as_of=AS_OF)
    nodes = {n.id: n for n in build_graph(account, analysis).nodes}
    cards = {n.id: n for n in build_committee_map(account, analysis, as_of=AS_OF).nodes}
    for pid, state in (("p", EngagementState.ENGAGED), ("q", EngagementState.COOLING)):
        assert p.engaged(pid) == (state == EngagementState.ENGAGED)
        assert nodes[pid].engagement == state
        assert cards[pid].engagement == state
    assert engagement_state(None, AS_OF) == EngagementState.NEVER
