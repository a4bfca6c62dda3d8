"""What history says (graph/analyses/history.py), checked against a hand count on a small world,
and both learning analyses run on the shared real-format exports."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from graph.analyses.history import what_history_says, wilson_interval
from graph.analyses.lead_weights import fit_lead_weights
from graph.analyses.messages import LANGUAGES, render
from graph.model import AccountGraph, CommitteeRole, Company, Deal, Person, Touch
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.titles import classify_title

AS_OF = date(2025, 12, 31)
CLOSED = {
    "d1": ("won", date(2024, 1, 1)),
    "d2": ("won", date(2024, 6, 1)),
    "d3": ("lost", date(2025, 1, 1)),
    "d4": ("lost", date(2025, 6, 1)),
}
#: deal -> (person, role, source) assertions.
COMMITTEE = {
    "d1": [("dm", "decision_maker", "crm"), ("ch", "champion", "crm"), ("eb", "economic_buyer", "crm")],
    "d2": [("dm", "decision_maker", "crm"), ("ch", "champion", "sales"), ("eb", "economic_buyer", "crm")],
    "d3": [("dm", "decision_maker", "crm"), ("ch", "champion", "sales"), ("eb", "economic_buyer", "crm")],
    "d4": [("x", "decision_maker", "crm"), ("x", "influencer", "sales"), ("eb", "economic_buyer", "crm")],
}
#: deal -> the members touched 10 days before it closed (engaged at the close).
ENGAGED = {"d1": ["dm", "ch", "eb"], "d2": ["dm", "ch", "eb"], "d3": ["dm", "ch"], "d4": ["x"]}


def world() -> AccountGraph:
    company = Company(id="c", name="C")
    people = [
        Person(
            id="dm", name="Dee", company_id="c", seniority="c_level", function="executive", lead_source="Web"
        ),
        Person(id="ch", name="Cho", company_id="c", seniority="manager", function="it"),
        Person(id="eb", name="Eva", company_id="c", seniority="director", function="finance"),
        Person(id="x", name="Xu", company_id="c", seniority="individual", function="it", lead_source="Web"),
        Person(id="lw", name="Lee", company_id="c", lead_source="Web"),
        Person(
            id="lt", name="Tam", company_id="c", lead_source="Trade Show", lead_status="Closed - Converted"
        ),
        Person(id="lu", name="Uma", company_id="c", lead_source="Trade Show", lead_status="Working"),
    ]
    deals = [
        Deal(id=d, company_id="c", amount=5000, status=status, closed_at=closed)
        for d, (status, closed) in CLOSED.items()
    ]
    committee = [
        CommitteeRole(deal_id=d, person_id=p, role=role, source=src)
        for d, rows in COMMITTEE.items()
        for p, role, src in rows
    ]
    touches = [
        Touch(
            id=f"{d}-{p}",
            at=datetime.combine(CLOSED[d][1] - timedelta(days=10), datetime.min.time()),
            kind="meeting",
            person_ids=[p],
        )
        for d, members in ENGAGED.items()
        for p in members
    ]
    return AccountGraph(company=company, people=people, deals=deals, committee=committee, touches=touches)


def _row(rows: list, key: str):  # type: ignore[no-untyped-def, type-arg]
    [row] = [r for r in rows if r.key == key]
    return row


def test_counts_match_a_hand_count() -> None:
    report = what_history_says([world()], as_of=AS_OF)
    assert (report.closed_deals, report.won, report.lost) == (4, 2, 2)

    eb = _row(report.engaged_roles, "economic_buyer")  # d1, d2 with an engaged one; d3, d4 without
    assert (eb.won_with, eb.n_with, eb.won_without, eb.n_without) == (2, 2, 0, 2)
    assert eb.with_interval == wilson_interval(2, 2) and eb.without_interval == wilson_interval(0, 2)
    assert eb.text == (
        "Deals without an engaged economic buyer were won 0% of the time (0 of 2), with one 100% (2 of 2)."
    )
    champion = _row(report.missing_roles, "champion")  # only d4 misses one
    assert (champion.won_with, champion.n_with, champion.won_without, champion.n_without) == (0, 1, 2, 3)
    conflict = _row(report.gaps, "role_conflict")  # d4: crm says decision maker, sales influencer
    assert (conflict.won_with, conflict.n_with, conflict.won_without, conflict.n_without) == (0, 1, 2, 3)
    assert conflict.difference == pytest.approx(-2 / 3)

    # No rep touched anyone: no coverage at any close; every committee's touches fell in the 30 days
    # before its close and none in the 90 before: rising everywhere.
    low = _row(report.signals, "0.5")
    assert (low.won_with, low.n_with, low.n_without, low.rate_without) == (2, 4, 0, None)
    rising = _row(report.signals, "rising")
    assert (rising.won_with, rising.n_with, rising.n_without) == (2, 4, 0)

    personas = {(p.seniority.value, p.function): p for p in report.personas}
    assert (personas[("c_level", "executive")].won_with, personas[("c_level", "executive")].lost_with) == (
        2,
        1,
    )
    assert (personas[("director", "finance")].won_with, personas[("director", "finance")].lost_with) == (2, 2)
    assert (personas[("individual", "it")].won_with, personas[("individual", "it")].lost_with) == (0, 1)
    assert report.personas[-1].function == "it" and report.personas[-1].seniority.value == "individual"

    sources = {s.source.value: s for s in report.sources}
    crm, sales = sources["crm"], sources["sales"]
    assert (crm.assertions, crm.by_source, crm.by_outcome, crm.contradicted) == (9, 1, 0, 1)
    # sales: champion on won d2 (fine), champion on lost d3 (outcome), influencer on d4 (crm disagrees)
    assert (sales.assertions, sales.by_source, sales.by_outcome, sales.contradicted) == (3, 1, 1, 2)

    leads = {s.source: s for s in report.lead_sources}
    # Web: dm and x sat on deals (converted), lw did not; Trade Show: lt's status says converted.
    assert (leads["Web"].converted, leads["Web"].people) == (2, 3)
    assert (leads["Trade Show"].converted, leads["Trade Show"].people) == (1, 2)
    assert report.notes  # four deals: every rate is uncertain, and the report says so


def test_history_as_of_an_earlier_day_sees_only_what_had_closed() -> None:
    report = what_history_says([world()], as_of=date(2024, 12, 31))
    assert (report.closed_deals, report.won, report.lost) == (2, 2, 0)


def test_sentences_in_every_language_and_json() -> None:
    report = what_history_says([world()], as_of=AS_OF)
    rows = [*report.gaps, *report.engaged_roles, *report.personas, *report.lead_sources, *report.sources]
    messages = [r.text_message for r in rows if r.text_message is not None]
    assert len(messages) > 8
    for message in messages:
        for lang in LANGUAGES:
            text = render(message, lang)
            assert text and "{" not in text
    assert any("经济" in render(m, "zh-CN") or "预算" in render(m, "zh-CN") for m in messages)
    again = type(report).model_validate_json(report.model_dump_json())
    assert again == report


def test_wilson_interval() -> None:
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(21, 100)  # type: ignore[misc]
    assert low < 0.21 < high and high - low < 0.2
    assert wilson_interval(0, 5)[0] == 0.0 and wilson_interval(5, 5)[1] == 1.0  # type: ignore[index]


@pytest.mark.parametrize(
    "case", ["sf-weekly-export-devorg", "sf-bulk-query-sfdc-assets", "d365-contoso-coffee-demo"]
)
def test_real_exports(case: str, datasets: Path, tmp_path: Path) -> None:
    """Both analyses run on a real export; what they find is printed for docs/analyses.md."""
    store = EmbeddedStore(tmp_path / "store")
    ingest_paths([datasets / "crm-exports" / case], store, progress=False)
    companies, _ = store.ownership()
    accounts = list(store.account_graphs([c.id for c in companies]).values())
    people = {p.id: p for a in accounts for p in a.people}
    as_of = date(2026, 12, 1)
    fit = fit_lead_weights(accounts, as_of=as_of, bootstrap=50)
    report = what_history_says(accounts, as_of=as_of, classify=classify_title)
    closed = sum(1 for a in accounts for d in a.deals if d.status in ("won", "lost") and d.closed_at)
    assert report.closed_deals == closed
    assert fit.enough == (
        fit.converters >= fit.min_converters and fit.non_converters >= fit.min_non_converters
    )
    with_source = {p.id for p in people.values() if p.lead_source}
    assert sum(s.people for s in report.lead_sources) == len(with_source)
    print(f"\n{case}: {len(accounts)} accounts, {len(people)} people; {fit.summary}")
    print(f"  closed deals {report.closed_deals} (won {report.won}, lost {report.lost})")
    for row in [
        *report.engaged_roles[:3],
        *report.gaps[:3],
        *report.personas[:3],
        *report.lead_sources[:6],
        *report.sources,
    ]:
        if row.text:
            print("  " + row.text)


def planted(seed: int, deals: int = 80) -> list[AccountGraph]:
    """Deals won with probability 0.75 when their economic buyer was engaged at the close, else 0.3."""
    import random

    rng = random.Random(seed)
    accounts = []
    for i in range(deals):
        closed = date(2025, 1, 1) + timedelta(days=rng.randrange(300))
        engaged_eb = rng.random() < 0.5
        won = rng.random() < (0.75 if engaged_eb else 0.3)
        people = [Person(id=f"{i}-{r}", name=f"{r} {i}", company_id=f"c{i}") for r in ("dm", "ch", "eb")]
        committee = [
            CommitteeRole(deal_id=f"d{i}", person_id=f"{i}-{r}", role=role)
            for r, role in (("dm", "decision_maker"), ("ch", "champion"), ("eb", "economic_buyer"))
        ]
        touched = ["dm", "ch", "eb"] if engaged_eb else ["dm", "ch"]
        touches = [
            Touch(
                id=f"t{i}-{r}",
                at=datetime.combine(closed - timedelta(days=5), datetime.min.time()),
                kind="meeting",
                person_ids=[f"{i}-{r}"],
            )
            for r in touched
        ]
        deal = Deal(
            id=f"d{i}", company_id=f"c{i}", amount=5000, status="won" if won else "lost", closed_at=closed
        )
        accounts.append(
            AccountGraph(
                company=Company(id=f"c{i}", name=f"C{i}"),
                people=people,
                deals=[deal],
                committee=committee,
                touches=touches,
            )
        )
    return accounts


def test_a_planted_effect_is_found_and_its_intervals_cover_the_truth() -> None:
    covered = 0
    for seed in range(4):
        report = what_history_says(planted(seed), as_of=AS_OF)
        eb = _row(report.engaged_roles, "economic_buyer")
        assert eb.n_with + eb.n_without == report.closed_deals == 80
        assert eb.rate_with > eb.rate_without, (seed, eb.text)  # type: ignore[operator]
        covered += eb.with_interval[0] <= 0.75 <= eb.with_interval[1]  # type: ignore[index]
        covered += eb.without_interval[0] <= 0.3 <= eb.without_interval[1]  # type: ignore[index]
        # The champion was always there and engaged: no rate without one.
        assert _row(report.engaged_roles, "champion").n_without == 0
    assert covered >= 7, f"{covered} of 8 Wilson intervals cover the planted win rates"
