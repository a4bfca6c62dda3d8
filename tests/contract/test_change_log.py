"""The change log (issue 22): both stores append with a cursor and page alike, and a refresh logs what
changed in an account (a champion who left for another account, a new senior person, a re-organisation,
a gap that closed)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from api.commands.learn import learn_report
from api.config_file import load_config
from api.refresh import compute_results, keep_results
from graph.analyses import analyze_account
from graph.analyses.changes import WIN_LIKELIHOOD_STEP, Change, ChangeKind, basis_of
from graph.analyses.portfolio import AccountResult, account_result
from graph.errors import InvalidInputError
from graph.model import CommitteeRole, Employment, Person, Reporting
from graph.stores.base import GraphStore
from tests.contract.world import world
from tests.unit.generated_world import AS_OF as WORLD_AS_OF
from tests.unit.generated_world import load

AS_OF = date(2026, 6, 1)
T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def change(kind: ChangeKind, account: str, minutes: int = 0, **extra: object) -> Change:
    return Change(
        kind=kind,
        account_id=account,
        as_of=AS_OF,
        detected_at=T0 + timedelta(minutes=minutes),
        summary=f"{kind.value} at {account}",
        data={"n": minutes, "nested": {"roles": ["champion"]}},
        **extra,  # type: ignore[arg-type]
    )


def test_changes_get_increasing_cursors_and_page_by_cursor(store: GraphStore) -> None:
    assert store.last_change_cursor() == 0
    assert store.list_changes() == []
    first = store.append_changes(
        [change(ChangeKind.GAP_OPENED, "a", 0, deal_id="d"), change(ChangeKind.REORG, "b", 1)]
    )
    second = store.append_changes([change(ChangeKind.GAP_CLOSED, "a", 2, person_id="p")])
    cursors = [c.cursor for c in first + second]
    assert cursors == sorted(cursors) and len(set(cursors)) == 3 and cursors[0] >= 1
    assert store.last_change_cursor() == cursors[-1]
    everything = store.list_changes()
    assert everything == first + second  # read back whole, data included
    assert everything[0].data == {"n": 0, "nested": {"roles": ["champion"]}}
    assert everything[2].person_id == "p" and everything[0].deal_id == "d"
    # Paging: after a cursor, with a limit.
    assert store.list_changes(after=cursors[0], limit=1) == [first[1]]
    assert store.list_changes(after=cursors[-1]) == []
    # Filters: kind, account, time.
    assert [c.cursor for c in store.list_changes(kind="gap_closed")] == [cursors[2]]
    assert [c.cursor for c in store.list_changes(account_id="a")] == [cursors[0], cursors[2]]
    assert [c.cursor for c in store.list_changes(since=T0 + timedelta(minutes=1))] == cursors[1:]
    assert store.append_changes([]) == []
    assert store.last_change_cursor() == cursors[-1]


def test_change_queries_outside_the_allow_list_are_refused(store: GraphStore) -> None:
    with pytest.raises(InvalidInputError, match="change kind"):
        store.list_changes(kind="everything")
    with pytest.raises(InvalidInputError):
        store.list_changes(after=-1)
    with pytest.raises(InvalidInputError):
        store.list_changes(limit=0)


def refreshed(store: GraphStore, account_id: str) -> AccountResult:
    account = store.account_graph(account_id)
    return account_result(account, analyze_account(account, as_of=AS_OF), computed_at=datetime.now(UTC))


def test_a_refresh_logs_what_changed_in_the_account(store: GraphStore) -> None:
    store.upsert_all(world())
    assert keep_results(store, [refreshed(store, "c-acme-cn")]) == 1
    assert store.list_changes() == []  # a first result has nothing to compare with
    first = store.read_results(["c-acme-cn"])["c-acme-cn"]
    # What change detection reads of a kept result is the same part of the whole result on each store.
    basis = store.read_change_bases(["c-acme-cn", "c-nowhere"])
    assert set(basis) == {"c-acme-cn"} and basis["c-acme-cn"] == basis_of(first)
    assert basis["c-acme-cn"].roster and basis["c-acme-cn"].committees["p-it"]["d-1"]
    missing = sorted(g.role.value for g in first.deals[0].gaps if g.kind.value == "missing_role" and g.role)
    assert missing, "the contract world's deal misses roles"

    # The champion (p-it) leaves for Globex; a new CTO arrives; the engineer now reports to the CTO;
    # someone takes the first missing role.
    store.upsert(
        "people",
        [
            Person(id="p-it", name="Zhang San", company_id="c-globex", title="CIO"),
            Person(id="p-cto", name="Sun Li", company_id="c-acme-cn", title="CTO", seniority="c_level"),
        ],
    )
    store.upsert(
        "employment",
        [
            Employment(person_id="p-it", company_id="c-acme-cn", since="2020-01-01", until="2026-05-20"),
            Employment(person_id="p-it", company_id="c-globex", since="2026-05-21"),
            Employment(person_id="p-cto", company_id="c-acme-cn", since="2026-05-01"),
        ],
    )
    store.upsert("reporting", [Reporting(person_id="p-eng", manager_id="p-cto", source="crm")])
    store.upsert(
        "committee", [CommitteeRole(deal_id="d-1", person_id="p-ceo", role=missing[0], source="crm")]
    )
    assert keep_results(store, [refreshed(store, "c-acme-cn")]) == 1

    logged = store.list_changes(account_id="c-acme-cn")
    kinds = {c.kind for c in logged}
    left = [c for c in logged if c.kind == ChangeKind.MEMBER_LEFT]
    assert [c.person_id for c in left] == ["p-it"]
    assert "champion" in left[0].data["roles"]["d-1"]
    moved = [c for c in logged if c.kind == ChangeKind.JOB_CHANGE]
    assert len(moved) == 1 and moved[0].data["lead"]["company_id"] == "c-globex"
    assert moved[0].data["lead"]["person_id"] == "p-it"
    assert [c.person_id for c in logged if c.kind == ChangeKind.SENIOR_JOINED] == ["p-cto"]
    reorg = [c for c in logged if c.kind == ChangeKind.REORG]
    assert len(reorg) == 1 and {line["person_id"] for line in reorg[0].data["lines"]} == {"p-eng"}
    closed = [c for c in logged if c.kind == ChangeKind.GAP_CLOSED]
    assert any(c.data["gap"]["role"] == missing[0] and c.deal_id == "d-1" for c in closed)
    assert ChangeKind.GAP_OPENED in kinds  # the champion's departure opens a gap
    cursors = [c.cursor for c in logged]
    assert cursors == sorted(cursors)

    # The same result again changes nothing.
    before = store.last_change_cursor()
    keep_results(store, [refreshed(store, "c-acme-cn")])
    assert store.last_change_cursor() == before


def test_erasing_a_person_redacts_the_changes_that_name_them(store: GraphStore) -> None:
    store.upsert_all(world())
    kept = store.append_changes(
        [
            change(ChangeKind.MEMBER_LEFT, "c-acme-cn", 0, person_id="p-cfo"),
            change(ChangeKind.REORG, "c-acme-cn", 1).model_copy(
                update={"data": {"lines": [{"person_id": "p-cfo", "before": [], "after": ["p-ceo"]}]}}
            ),
            change(ChangeKind.GAP_OPENED, "c-acme-cn", 2).model_copy(
                update={"summary": "gap opened: Likeliest champion: Li Na"}
            ),
            change(ChangeKind.GAP_CLOSED, "c-globex", 3, person_id="p-left"),
        ]
    )
    store.erase_person("p-cfo")  # Li Na
    after = store.list_changes()
    assert [c.cursor for c in after] == [c.cursor for c in kept]  # the log keeps its order
    assert [c.kind for c in after] == [c.kind for c in kept]
    for redacted in after[:3]:
        assert redacted.person_id is None and redacted.data == {} and "redacted" in redacted.summary
    assert "Li Na" not in "".join(c.model_dump_json() for c in after)
    assert "p-cfo" not in "".join(c.model_dump_json() for c in after)
    assert after[3] == kept[3]  # a change about someone else is untouched


def test_a_result_the_store_refuses_logs_no_change(store: GraphStore) -> None:
    store.upsert_all(world())
    first = refreshed(store, "c-acme-cn")
    other = refreshed(store, "c-globex").model_copy(update={"engagement_trend": "steady"})
    assert first.deals[0].gaps
    keep_results(store, [first, other])
    # c-acme-cn loses a gap, c-globex's engagement turns falling; the account c-acme-cn changes before
    # its new result is written: that one is refused, and only c-globex's change is logged.
    now = datetime.now(UTC)
    fewer = first.model_copy(
        update={"computed_at": now, "deals": [d.model_copy(update={"gaps": d.gaps[1:]}) for d in first.deals]}
    )
    falling = other.model_copy(update={"computed_at": now, "engagement_trend": "falling"})
    store.mark_accounts_changed(company_ids=["c-acme-cn"], at=now + timedelta(minutes=1))
    assert keep_results(store, [fewer, falling]) == 1
    logged = store.list_changes()
    assert [(c.account_id, c.kind) for c in logged] == [("c-globex", ChangeKind.ENGAGEMENT_FELL)]


def test_a_moved_win_likelihood_is_logged_with_before_and_after(store: GraphStore, tmp_path: Path) -> None:
    """End to end: a world with signal, `learn` keeps a used model, refresh writes likelihoods; the
    committee of the likeliest deal leaves, and the next refresh logs the likelihood that moved."""
    from ingest.synthetic.generator import generate_world

    generate_world(tmp_path / "world", 100, seed=12, fmt="native", as_of=WORLD_AS_OF, force=True, workers=1)
    load(tmp_path / "world", store)
    config = load_config(None)
    report = learn_report(store, as_of=WORLD_AS_OF, config=config, bootstrap=20)
    assert report.win_model is not None and report.win_model.used and report.kept_id
    ids = store.accounts_to_refresh(everything=True)
    keep_results(store, compute_results(store, ids, as_of=WORLD_AS_OF, config=config))
    assert store.list_changes() == []  # first results: nothing to compare with
    before = {d.deal_id: (r.account_id, d) for r in store.read_results(ids).values() for d in r.deals}
    assert before and all(d.win_model == report.kept_id for _, d in before.values())
    # The change bases carry the likelihoods the store kept.
    bases = store.read_change_bases(ids)
    assert {d.deal_id: d.win_likelihood for b in bases.values() for d in b.deals} == {
        k: d.win_likelihood for k, (_, d) in before.items()
    }

    deal_id, (account_id, likeliest) = max(before.items(), key=lambda kv: kv[1][1].win_likelihood or 0.0)
    account = store.account_graph(account_id)
    members = sorted({m.person_id for m in account.committee if m.deal_id == deal_id})
    assert members and likeliest.win_likelihood is not None
    left = WORLD_AS_OF - timedelta(days=45)
    store.upsert(
        "employment",
        [Employment(person_id=p, company_id=account_id, until=left) for p in members],
    )
    keep_results(store, compute_results(store, [account_id], as_of=WORLD_AS_OF, config=config))
    after = {d.deal_id: d for d in store.read_results([account_id])[account_id].deals}
    moved = [
        c for c in store.list_changes(account_id=account_id) if c.kind == ChangeKind.WIN_LIKELIHOOD_MOVED
    ]
    expected = {
        d: (before[d][1].win_likelihood, after[d].win_likelihood)
        for d in after
        if d in before
        and before[d][1].win_likelihood is not None
        and after[d].win_likelihood is not None
        and abs(after[d].win_likelihood - before[d][1].win_likelihood) >= WIN_LIKELIHOOD_STEP - 1e-9  # type: ignore[operator]
    }
    assert deal_id in expected, f"the committee's departure moved {deal_id} too little"
    assert {c.deal_id: (c.data["before"], c.data["after"]) for c in moved} == expected
    change_of_deal = next(c for c in moved if c.deal_id == deal_id)
    assert change_of_deal.data["after"] < change_of_deal.data["before"] == likeliest.win_likelihood
    assert "win likelihood" in change_of_deal.summary
