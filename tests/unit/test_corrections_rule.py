"""The one rule that lays corrections over an account's stored facts (graph/analyses/corrections.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from graph.analyses import analyze_account
from graph.analyses.corrections import apply_corrections
from graph.analyses.rules import employment_status
from graph.model import (
    AccountGraph,
    CommitteeRole,
    Company,
    Correction,
    Deal,
    Employment,
    Knows,
    Person,
    Reporting,
)

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def account() -> AccountGraph:
    people = [Person(id=p, name=p.upper(), company_id="c") for p in ("a", "b", "m", "n")]
    return AccountGraph(
        company=Company(id="c", name="C"),
        people=people,
        employment=[Employment(person_id="a", company_id="c", since=date(2020, 1, 1))],
        reporting=[
            Reporting(person_id="a", manager_id="m", source="crm"),
            Reporting(person_id="a", manager_id="n", kind="dotted", source="crm"),
        ],
        knows=[Knows(person_id="a", other_id="b", strength=0.2, source="crm")],
        deals=[Deal(id="d", company_id="c", status="open")],
        committee=[
            CommitteeRole(deal_id="d", person_id="a", role="influencer"),
            CommitteeRole(deal_id="d", person_id="a", role="end_user"),
            CommitteeRole(deal_id="d", person_id="b", role="champion"),
        ],
    )


def fix(n: int, kind: str, **fields: Any) -> Correction:
    return Correction(
        id=f"f{n}", kind=kind, company_id="c", author="sam", at=T0 + timedelta(hours=n), **fields
    )


def roles(acc: AccountGraph, pid: str) -> set[tuple[str, str]]:
    return {(c.role.value, c.source.value) for c in acc.committee if c.person_id == pid}


def test_no_corrections_leave_the_account_as_it_is() -> None:
    acc = account()
    assert apply_corrections(acc, []) is acc
    other = fix(1, "left", person_id="a", on=date(2026, 1, 1)).model_copy(update={"company_id": "x"})
    withdrawn = fix(2, "left", person_id="a", on=date(2026, 1, 1)).model_copy(update={"withdrawn_at": T0})
    assert apply_corrections(acc, [other, withdrawn]) is acc


def test_asserted_roles_replace_the_crms_and_each_dropped_one_is_a_conflict() -> None:
    out = apply_corrections(account(), [fix(1, "role", deal_id="d", person_id="a", role="decision_maker")])
    assert roles(out, "a") == {("decision_maker", "user")}
    assert sorted(c.stored_value for c in out.conflicts) == ["end_user", "influencer"]
    assert roles(out, "b") == {("champion", "crm")}  # nobody else is touched


def test_a_role_the_seller_also_asserts_is_kept_without_conflict() -> None:
    out = apply_corrections(account(), [fix(1, "role", deal_id="d", person_id="a", role="influencer")])
    assert roles(out, "a") == {("influencer", "crm"), ("influencer", "user")}
    assert [c.stored_value for c in out.conflicts] == ["end_user"]


def test_withdrawing_one_role_keeps_the_others_and_any_role_drops_all() -> None:
    one = apply_corrections(
        account(), [fix(1, "role_withdrawn", deal_id="d", person_id="a", role="end_user")]
    )
    assert roles(one, "a") == {("influencer", "crm")}
    assert [(c.kind.value, c.user_value) for c in one.conflicts] == [("role_withdrawn", "no role")]
    every = apply_corrections(account(), [fix(1, "role_withdrawn", deal_id="d", person_id="a")])
    assert roles(every, "a") == set() and len(every.conflicts) == 2


def test_later_corrections_win_over_earlier_ones() -> None:
    fixes = [
        fix(2, "role_withdrawn", deal_id="d", person_id="b", role="blocker"),
        fix(1, "role", deal_id="d", person_id="b", role="blocker"),  # older, whatever the order given
    ]
    assert roles(apply_corrections(account(), fixes), "b") == {("champion", "crm")}
    again = [*fixes, fix(3, "role", deal_id="d", person_id="b", role="blocker")]
    assert roles(apply_corrections(account(), again), "b") == {("blocker", "user")}


def test_a_solid_line_replaces_the_solid_one_and_a_dotted_line_adds() -> None:
    solid = apply_corrections(
        account(), [fix(1, "reporting", person_id="a", other_id="b", line_kind="solid")]
    )
    lines = {(r.manager_id, r.kind.value, r.source.value if r.source else None) for r in solid.reporting}
    assert lines == {("b", "solid", "user"), ("n", "dotted", "crm")}
    [conflict] = solid.conflicts
    assert (conflict.stored_manager_id, conflict.stored_line_kind) == ("m", "solid")
    dotted = apply_corrections(
        account(), [fix(1, "reporting", person_id="a", other_id="b", line_kind="dotted")]
    )
    assert len(dotted.reporting) == 3 and dotted.conflicts == []


def test_left_ends_the_open_employment_and_a_later_rehire_stays() -> None:
    acc = account().model_copy(
        update={
            "employment": [
                Employment(person_id="a", company_id="c", since=date(2020, 1, 1)),
                Employment(person_id="a", company_id="c", since=date(2026, 9, 1)),
            ]
        }
    )
    out = apply_corrections(acc, [fix(1, "left", person_id="a", on=date(2026, 6, 1))])
    people = [p.id for p in out.people]
    assert "a" in employment_status("c", people, out.employment, as_of=date(2026, 7, 1))[1]
    assert "a" in employment_status("c", people, out.employment, as_of=date(2026, 10, 1))[0]  # re-hired
    [conflict] = out.conflicts
    assert conflict.stored_until is None and conflict.stored_value == "works here"
    # Without an employment record at all, an ended one is added.
    nobody = apply_corrections(account(), [fix(1, "left", person_id="b", on=date(2026, 6, 1))])
    assert "b" in employment_status("c", people, nobody.employment, as_of=date(2026, 7, 1))[1]
    assert nobody.conflicts == []


def test_knows_ties_come_from_the_seller() -> None:
    out = apply_corrections(account(), [fix(1, "knows", person_id="a", other_id="b", strength=0.9)])
    assert [(k.person_id, k.other_id, k.strength, k.source) for k in out.knows] == [("a", "b", 0.9, "user")]


def test_the_analyses_read_the_corrected_account() -> None:
    acc = account()
    fixed = apply_corrections(acc, [fix(1, "role", deal_id="d", person_id="a", role="decision_maker")])
    before = analyze_account(acc, as_of=date(2026, 6, 1)).deals[0].committee
    after = analyze_account(fixed, as_of=date(2026, 6, 1)).deals[0].committee
    assert "decision_maker" not in {str(r) for r in before.get("a", [])}
    assert {str(r) for r in after["a"]} == {"decision_maker"}
