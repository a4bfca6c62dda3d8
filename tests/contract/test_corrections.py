"""Sellers' corrections on both stores: kept apart from the CRM's facts, laid over them by the one rule
(graph/analyses/corrections.py), surviving a re-ingest, and withdrawn to give the CRM's value back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import neo4j
import pytest

import cypher
from graph.analyses import analyze_account
from graph.analyses.portfolio import AccountResult, account_result
from graph.analyses.rules import employment_status
from graph.errors import NotFoundError
from graph.model import AccountGraph, Correction, CorrectionKind, Source, Touch
from graph.stores.base import GraphStore
from graph.stores.neo4j import Neo4jStore
from tests.contract.world import world

ACCOUNT = "c-acme-cn"
_ids = count(1)
_T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def fix(kind: str, **fields: Any) -> Correction:
    n = next(_ids)
    return Correction(
        id=f"fix-{n}", kind=kind, company_id=ACCOUNT, author="sam", at=_T0 + timedelta(minutes=n), **fields
    )


def load(store: GraphStore) -> None:
    store.upsert_all(world())


def roles(account: AccountGraph, person_id: str) -> set[tuple[str, str]]:
    return {(c.role.value, c.source.value) for c in account.committee if c.person_id == person_id}


def test_asserted_role_beats_the_crm_survives_reingest_and_undo_restores(store: GraphStore) -> None:
    load(store)
    assert roles(store.account_graph(ACCOUNT), "p-cfo") == {("economic_buyer", "crm")}
    added = store.add_correction(fix("role", deal_id="d-1", person_id="p-cfo", role="decision_maker"))
    assert added.source == Source.USER and added.author == "sam" and added.active
    account = store.account_graph(ACCOUNT)
    assert roles(account, "p-cfo") == {("decision_maker", "user")}
    [conflict] = account.conflicts
    assert (conflict.person_id, conflict.deal_id, conflict.correction_id) == ("p-cfo", "d-1", added.id)
    assert (conflict.user_value, conflict.stored_value, conflict.stored_source) == (
        "decision_maker",
        "economic_buyer",
        "crm",
    )
    assert [c.id for c in account.corrections] == [added.id]
    # The CRM delivers the same data again: the correction stands, the conflict is still shown.
    load(store)
    again = store.account_graph(ACCOUNT)
    assert roles(again, "p-cfo") == {("decision_maker", "user")}
    assert len(again.conflicts) == 1
    # The deal's own read agrees with the account's.
    assert roles(store.deal_account_graph("d-1"), "p-cfo") == {("decision_maker", "user")}
    undone = store.undo_correction(added.id, by="kim")
    assert undone.withdrawn_at is not None and undone.withdrawn_by == "kim"
    back = store.account_graph(ACCOUNT)
    assert roles(back, "p-cfo") == {("economic_buyer", "crm")}
    assert back.conflicts == [] and back.corrections == []


def test_withdrawn_role_hides_the_crms_until_undone(store: GraphStore) -> None:
    load(store)
    before = roles(store.account_graph(ACCOUNT), "p-it")
    assert ("champion", "crm") in before
    withdrawn = store.add_correction(fix("role_withdrawn", deal_id="d-1", person_id="p-it", role="champion"))
    after = store.account_graph(ACCOUNT)
    assert roles(after, "p-it") == before - {("champion", "crm")}
    assert [(c.kind, c.stored_value, c.user_value) for c in after.conflicts] == [
        (CorrectionKind.ROLE_WITHDRAWN, "champion", "no role")
    ]
    store.undo_correction(withdrawn.id, by="sam")
    assert roles(store.account_graph(ACCOUNT), "p-it") == before


def test_reporting_line_replaces_the_solid_one_and_keeps_the_crms(store: GraphStore) -> None:
    load(store)
    crm_lines = {
        (r.manager_id, r.kind.value) for r in store.account_graph(ACCOUNT).reporting if r.person_id == "p-eng"
    }
    assert ("p-it", "solid") in crm_lines
    line = store.add_correction(fix("reporting", person_id="p-eng", other_id="p-cfo", line_kind="solid"))
    account = store.account_graph(ACCOUNT)
    lines = {
        (r.manager_id, r.kind.value, r.source.value if r.source else None)
        for r in account.reporting
        if r.person_id == "p-eng"
    }
    assert ("p-cfo", "solid", "user") in lines
    assert not any(m == "p-it" and k == "solid" for m, k, _ in lines)
    assert [(c.stored_value, c.user_value) for c in account.conflicts] == [
        ("reports to p-it (solid)", "reports to p-cfo (solid)")
    ]
    load(store)
    assert store.account_graph(ACCOUNT).reporting == account.reporting
    store.undo_correction(line.id, by="sam")
    restored = {
        (r.manager_id, r.kind.value) for r in store.account_graph(ACCOUNT).reporting if r.person_id == "p-eng"
    }
    assert restored == crm_lines


def test_marked_as_left_counts_with_the_employment_rule(store: GraphStore) -> None:
    load(store)
    left = store.add_correction(fix("left", person_id="p-cfo", on=date(2026, 6, 15)))
    account = store.account_graph(ACCOUNT)
    people = [p.id for p in account.people]
    current, departed = employment_status(ACCOUNT, people, account.employment, as_of=date(2026, 7, 1))
    assert departed == {"p-cfo": date(2026, 6, 15)} | {
        pid: day for pid, day in departed.items() if pid != "p-cfo"
    }
    assert "p-cfo" not in current
    before, _ = employment_status(ACCOUNT, people, account.employment, as_of=date(2026, 6, 1))
    assert "p-cfo" in before  # the date given is honoured, not "now"
    load(store)
    again = store.account_graph(ACCOUNT)
    assert "p-cfo" in employment_status(ACCOUNT, people, again.employment, as_of=date(2026, 7, 1))[1]
    store.undo_correction(left.id, by="sam")
    undone = store.account_graph(ACCOUNT)
    assert "p-cfo" in employment_status(ACCOUNT, people, undone.employment, as_of=date(2026, 7, 1))[0]


def test_a_correction_marks_its_account_for_refresh(store: GraphStore) -> None:
    load(store)
    ids = ["c-acme", "c-acme-cn", "c-globex"]
    as_of = date(2026, 7, 1)

    def result(company_id: str) -> AccountResult:
        account = store.account_graph(company_id)
        analysis = analyze_account(account, as_of=as_of)
        return account_result(account, analysis, computed_at=datetime.now(UTC))

    store.write_results([result(cid) for cid in ids])
    assert store.accounts_to_refresh() == []
    before = {(g.kind.value, g.person_id) for d in result(ACCOUNT).deals for g in d.gaps}
    version = store.data_version()
    store.add_correction(fix("knows", person_id="p-ceo", other_id="p-eng", strength=0.8))
    assert store.data_version() != version
    ties = {(k.person_id, k.other_id): k for k in store.account_graph(ACCOUNT).knows}
    assert ties[("p-ceo", "p-eng")].source == "user" and ties[("p-ceo", "p-eng")].strength == 0.8
    assert store.accounts_to_refresh() == [ACCOUNT]  # only the corrected account
    assert store.read_results([ACCOUNT])[ACCOUNT].stale
    # The refresh reads the corrected account: marked as left, the CFO is a departed committee member.
    store.add_correction(fix("left", person_id="p-cfo", on=date(2026, 6, 15)))
    fresh = result(ACCOUNT)
    store.write_results([fresh])
    assert store.accounts_to_refresh() == []
    after = {(g.kind.value, g.person_id) for d in fresh.deals for g in d.gaps}
    assert ("departed_member", "p-cfo") in after - before


def test_logged_touch_reaches_the_daily_aggregates_and_goes_on_undo(store: GraphStore) -> None:
    load(store)
    before = store.account_graph(ACCOUNT).touch_days
    at = datetime(2026, 6, 2, 15, 0)
    correction = fix(
        "touch",
        touch_id="user-touch-x1",
        touch_at=at,
        touch_kind="meeting",
        person_ids=["p-ceo", "p-cfo"],
        rep_id="r-1",
    )
    touch = Touch(
        id="user-touch-x1", at=at, kind="meeting", person_ids=["p-ceo", "p-cfo"], rep_id="r-1", source="user"
    )
    store.add_correction(correction, touch=touch)
    days = store.account_graph(ACCOUNT).touch_days
    assert int(days.count.sum()) > int(before.count.sum())
    assert at.date().toordinal() in set(days.day.tolist())
    assert "user-touch-x1" in [t.id for t in store.person_touches("p-ceo")]
    load(store)  # a re-ingest keeps it
    assert "user-touch-x1" in [t.id for t in store.person_touches("p-cfo")]
    store.undo_correction(correction.id, by="sam")
    assert "user-touch-x1" not in [t.id for t in store.person_touches("p-ceo")]
    after = store.account_graph(ACCOUNT).touch_days
    assert at.date().toordinal() not in set(after.day.tolist())
    assert int(after.count.sum()) == int(before.count.sum())


def test_corrections_are_listed_filtered_and_kept_when_withdrawn(store: GraphStore) -> None:
    load(store)
    a = store.add_correction(fix("role", deal_id="d-1", person_id="p-eng", role="end_user"))
    b = store.add_correction(fix("knows", person_id="p-ceo", other_id="p-eng"))
    c = store.add_correction(fix("left", person_id="p-cfo", on=date(2026, 1, 1)))
    page = store.list_corrections(company_id=ACCOUNT)
    assert [x.id for x in page.data] == [c.id, b.id, a.id] and page.count == 3  # newest first
    assert [x.id for x in store.list_corrections(person_id="p-eng").data] == [b.id, a.id]
    assert [x.id for x in store.list_corrections(deal_id="d-1").data] == [a.id]
    assert [x.id for x in store.list_corrections(kind=CorrectionKind.LEFT).data] == [c.id]
    assert store.list_corrections(company_id="c-globex").count == 0
    second = store.list_corrections(company_id=ACCOUNT, offset=1, limit=1)
    assert [x.id for x in second.data] == [b.id] and second.count == 3
    store.undo_correction(b.id, by="sam")
    store.undo_correction(b.id, by="kim")  # twice: the first withdrawal stands
    assert [x.id for x in store.list_corrections(company_id=ACCOUNT).data] == [c.id, a.id]
    everything = store.list_corrections(company_id=ACCOUNT, include_withdrawn=True)
    assert everything.count == 3
    kept = store.get_correction(b.id)
    assert kept.withdrawn_by == "sam" and not kept.active
    assert store.get_correction(a.id) == a
    with pytest.raises(NotFoundError):
        store.get_correction("nope")
    with pytest.raises(NotFoundError):
        store.undo_correction("nope", by="sam")


def test_erasing_a_person_erases_the_corrections_that_name_them(store: GraphStore) -> None:
    load(store)
    about = store.add_correction(fix("left", person_id="p-eng", on=date(2026, 1, 1)))
    tie = store.add_correction(fix("knows", person_id="p-ceo", other_id="p-eng"))
    kept = store.add_correction(fix("role", deal_id="d-1", person_id="p-cfo", role="decision_maker"))
    at = datetime(2026, 6, 3, 9, 0)
    met = fix(
        "touch", touch_id="user-touch-x2", touch_at=at, touch_kind="call", person_ids=["p-eng", "p-ceo"]
    )
    touch = Touch(id="user-touch-x2", at=at, kind="call", person_ids=["p-eng", "p-ceo"], source="user")
    store.add_correction(met, touch=touch)
    store.erase_person("p-eng")
    left = {c.id: c for c in store.list_corrections(include_withdrawn=True).data}
    assert about.id not in left and tie.id not in left
    assert left[kept.id] == kept
    assert left[met.id].person_ids == ["p-ceo"]  # the call happened; the erased attendee is gone
    assert store.list_corrections(person_id="p-eng", include_withdrawn=True).count == 0


def test_a_refused_touch_correction_leaves_no_touch_behind(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing half-written: when the correction cannot be kept, the touch it logs is not kept either."""
    load(store)
    before = store.account_graph(ACCOUNT).touch_days
    at = datetime(2026, 6, 3, 10, 0)
    correction = fix(
        "touch", touch_id="user-touch-x2", touch_at=at, touch_kind="call", person_ids=["p-cfo"]
    )
    touch = Touch(id="user-touch-x2", at=at, kind="call", person_ids=["p-cfo"], source="user")
    if isinstance(store, Neo4jStore):
        # The server refuses the correction's own query (a fault in the second write).
        real = cypher.query
        def failing(name: str) -> str:
            return "RETURN 1/0 AS correction" if name == "correction_add" else real(name)

        monkeypatch.setattr(cypher, "query", failing)
    else:

        def refuse() -> None:
            raise OSError("disk full")

        monkeypatch.setattr(store, "_corrections_changed", refuse)
    with pytest.raises(Exception):  # noqa: B017 - whatever the store raises, it must not half-write
        store.add_correction(correction, touch=touch)
    monkeypatch.undo()
    assert "user-touch-x2" not in [t.id for t in store.person_touches("p-cfo")]
    after = store.account_graph(ACCOUNT).touch_days
    assert int(after.count.sum()) == int(before.count.sum())
    assert store.list_corrections(company_id=ACCOUNT).count == 0


@pytest.mark.neo4j
def test_a_neo4j_account_read_is_one_query_with_its_corrections(
    neo4j_store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One round trip per account read (one account, a deal's account, a batch): the account's
    corrections come in the one `account_graph` query, and are laid over its facts as before."""
    store = neo4j_store
    load(store)
    added = store.add_correction(fix("role", deal_id="d-1", person_id="p-cfo", role="decision_maker"))
    sent: list[str] = []
    for kind in (neo4j.Session, neo4j.Transaction, neo4j.ManagedTransaction):
        real = kind.run

        def counted(self: Any, query: Any, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
            sent.append(str(query))
            return _real(self, query, *args, **kwargs)

        monkeypatch.setattr(kind, "run", counted)
    assert isinstance(store, Neo4jStore)
    driver = store._driver
    real_query = driver.execute_query

    def counted_query(*args: Any, **kwargs: Any) -> Any:
        sent.append("execute_query")
        return real_query(*args, **kwargs)

    monkeypatch.setattr(driver, "execute_query", counted_query)
    account = store.account_graph(ACCOUNT)
    of_deal = store.deal_account_graph("d-1")
    batch = store.account_graphs([ACCOUNT, "c-globex"])
    monkeypatch.undo()
    assert sent == [cypher.query("account_graph")] * 3
    assert [c.id for c in account.corrections] == [added.id]
    assert roles(account, "p-cfo") == {("decision_maker", "user")}
    assert of_deal == account == batch[ACCOUNT]
    assert batch["c-globex"].corrections == [] and batch["c-globex"].company.id == "c-globex"


def test_the_account_read_and_the_corrections_read_agree_on_what_is_active(store: GraphStore) -> None:
    """The active rule (not withdrawn) has one home in Cypher, cypher/fragment_active_corrections.cypher
    (corrections_list, the list with withdrawn ones on request, is its one named exception):
    the account read's corrections and `active_corrections` leave out the same withdrawn ones, for one
    account and for a batch, before and after an undo."""
    load(store)
    kept = store.add_correction(fix("role", deal_id="d-1", person_id="p-cfo", role="decision_maker"))
    gone = store.add_correction(fix("knows", person_id="p-ceo", other_id="p-eng"))
    left = store.add_correction(fix("left", person_id="p-eng", on=date(2026, 1, 1)))

    def both() -> tuple[list[str], list[str], list[str]]:
        by_read = sorted(c.id for c in store.account_graph(ACCOUNT).corrections)
        by_batch = sorted(c.id for c in store.account_graphs([ACCOUNT, "c-globex"])[ACCOUNT].corrections)
        active = sorted(c.id for c in store.active_corrections([ACCOUNT, "c-globex"]).get(ACCOUNT, []))
        return by_read, by_batch, active

    everyone = sorted([kept.id, gone.id, left.id])
    assert both() == (everyone, everyone, everyone)
    store.undo_correction(gone.id, by="sam")
    store.undo_correction(left.id, by="kim")
    assert not store.get_correction(gone.id).active and not store.get_correction(left.id).active
    assert both() == ([kept.id], [kept.id], [kept.id])
    assert store.active_corrections(["c-globex"]) == {}
    assert store.account_graph("c-globex").corrections == []
