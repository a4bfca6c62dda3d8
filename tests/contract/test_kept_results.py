"""Kept analysis results (`buyergraph refresh`): both stores keep, replace, read back and mark stale alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from api.answers import RENDER_FORMAT, render_answers
from graph.analyses import analyze_account
from graph.analyses.portfolio import AccountFilter, AccountResult, DealFilter, account_result
from graph.errors import InvalidInputError
from graph.model import CommitteeRole, Person
from graph.stores.base import GraphStore
from tests.contract.world import world
from tests.unit.generated_world import generate
from tests.unit.generated_world import load as load_world

AS_OF = date(2025, 6, 1)
COMPUTED = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def result_of(store: GraphStore, company_id: str, computed_at: datetime = COMPUTED) -> AccountResult:
    account = store.account_graph(company_id)
    return account_result(account, analyze_account(account, as_of=AS_OF), computed_at=computed_at)


def test_results_are_kept_and_read_back_whole(store: GraphStore) -> None:
    store.upsert_all(world())
    results = [result_of(store, cid) for cid in ("c-acme", "c-acme-cn", "c-globex")]
    acme_cn = results[1]
    assert acme_cn.open_deals == 1 and acme_cn.gaps_total > 0 and acme_cn.key_people
    assert store.write_results(results) == 3
    kept = store.read_results(["c-acme", "c-acme-cn", "c-globex", "c-nowhere"])
    assert set(kept) == {"c-acme", "c-acme-cn", "c-globex"}
    assert kept["c-acme-cn"] == acme_cn
    assert not kept["c-acme-cn"].stale


def test_a_new_result_replaces_the_old_one(store: GraphStore) -> None:
    store.upsert_all(world())
    first = result_of(store, "c-acme-cn")
    store.write_results([first])
    fewer = first.model_copy(
        update={
            "computed_at": COMPUTED + timedelta(hours=1),
            "deals": [d.model_copy(update={"gaps": d.gaps[:1]}) for d in first.deals],
            "key_people": first.key_people[:1],
        }
    )
    store.write_results([fewer])
    kept = store.read_results(["c-acme-cn"])["c-acme-cn"]
    assert kept == fewer
    assert len(kept.deals[0].gaps) == 1 and len(kept.key_people) == 1


def test_results_of_unknown_accounts_are_dropped(store: GraphStore) -> None:
    store.upsert_all(world())
    ghost = result_of(store, "c-globex").model_copy(update={"account_id": "c-ghost", "deals": []})
    assert store.write_results([ghost]) == 0
    assert store.read_results(["c-ghost"]) == {}


def test_a_change_after_the_refresh_makes_the_result_stale(store: GraphStore) -> None:
    store.upsert_all(world())
    ids = ["c-acme", "c-acme-cn", "c-globex"]
    assert store.accounts_to_refresh() == sorted(ids)  # nothing kept yet
    store.write_results([result_of(store, cid) for cid in ids])
    assert store.accounts_to_refresh() == []
    assert store.accounts_to_refresh(everything=True) == sorted(ids)

    # A person's account changes: only that account is stale.
    store.upsert("people", [Person(id="p-us", name="Jane Doe", title="CIO")])
    marked = store.mark_accounts_changed(person_ids=["p-us"], at=COMPUTED + timedelta(minutes=5))
    assert marked == {"c-acme"}
    assert store.read_results(["c-acme"])["c-acme"].stale
    assert not store.read_results(["c-globex"])["c-globex"].stale
    assert store.accounts_to_refresh() == ["c-acme"]

    # A deal names its account too; a refresh computed after the change is fresh again.
    assert store.mark_accounts_changed(deal_ids=["d-1"], at=COMPUTED + timedelta(minutes=5)) == {"c-acme-cn"}
    store.write_results(
        [result_of(store, cid, COMPUTED + timedelta(minutes=10)) for cid in ("c-acme", "c-acme-cn")]
    )
    assert store.accounts_to_refresh() == []
    assert not store.read_results(["c-acme"])["c-acme"].stale


def test_a_result_computed_before_the_last_change_is_not_kept(store: GraphStore) -> None:
    """A refresh that read an account before it changed must not overwrite the older result with a
    result as out of date: the old one stays, and reads stale until a later refresh."""
    store.upsert_all(world())
    old = result_of(store, "c-acme-cn")
    store.write_results([old, result_of(store, "c-globex"), result_of(store, "c-acme")])
    store.mark_accounts_changed(company_ids=["c-acme-cn"], at=COMPUTED + timedelta(minutes=5))
    racing = result_of(store, "c-acme-cn", COMPUTED + timedelta(minutes=1)).model_copy(
        update={"key_people": old.key_people[:1]}
    )
    later_globex = result_of(store, "c-globex", COMPUTED + timedelta(minutes=1))
    assert store.write_results([racing, later_globex]) == 1
    kept = store.read_results(["c-acme-cn", "c-globex"])
    assert kept["c-acme-cn"] == old.model_copy(update={"stale": True})
    assert kept["c-globex"] == later_globex
    assert store.accounts_to_refresh() == ["c-acme-cn"]
    # Computed at the very time of the change, or after it, it is kept.
    fresh = result_of(store, "c-acme-cn", COMPUTED + timedelta(minutes=5))
    assert store.write_results([fresh]) == 1
    assert store.read_results(["c-acme-cn"])["c-acme-cn"] == fresh
    assert store.accounts_to_refresh() == []


def test_a_refresh_racing_an_erasure_does_not_bring_the_name_back(store: GraphStore) -> None:
    """The refresh read the account before the person was erased and writes after: refused."""
    store.upsert_all(world())
    read_before = result_of(store, "c-acme-cn", datetime.now(UTC))
    assert "p-cfo" in {p.person_id for p in read_before.key_people}
    store.erase_person("p-cfo")
    assert store.write_results([read_before]) == 0
    assert store.read_results(["c-acme-cn"]) == {}
    assert "c-acme-cn" in store.accounts_to_refresh()
    after = result_of(store, "c-acme-cn", datetime.now(UTC))
    assert "p-cfo" not in {p.person_id for p in after.key_people}
    assert store.write_results([after]) == 1
    assert "Li Na" not in store.read_results(["c-acme-cn"])["c-acme-cn"].model_dump_json()


def test_erasing_a_person_removes_the_kept_results_that_name_them(store: GraphStore) -> None:
    """Gap texts and key-people lists name people: an erased person must not live on in them."""
    store.upsert_all(world())
    ids = ["c-acme", "c-acme-cn", "c-globex"]
    store.write_results([result_of(store, cid) for cid in ids])
    before = store.read_results(["c-acme-cn"])["c-acme-cn"]
    assert "p-cfo" in {p.person_id for p in before.key_people}
    store.erase_person("p-cfo")
    kept = store.read_results(ids)
    assert "c-acme-cn" not in kept  # gone, not merely stale
    assert "Li Na" not in "".join(r.model_dump_json() for r in kept.values())
    assert set(kept) == {"c-acme", "c-globex"}  # other accounts keep theirs
    assert store.accounts_to_refresh() == ["c-acme-cn"]


def test_erasing_a_committee_member_of_another_account_removes_that_accounts_results(
    store: GraphStore,
) -> None:
    """p-us works only at c-acme but sits on c-acme-cn's deal committee: both accounts' gap texts may
    name them, so both kept results go; c-globex's stays."""
    store.upsert_all(world())
    member = CommitteeRole(deal_id="d-1", person_id="p-us", role="influencer", source="crm")
    store.upsert("committee", [member])
    ids = ["c-acme", "c-acme-cn", "c-globex"]
    store.write_results([result_of(store, cid) for cid in ids])
    store.erase_person("p-us")
    assert set(store.read_results(ids)) == {"c-globex"}
    assert store.accounts_to_refresh() == ["c-acme", "c-acme-cn"]


def test_clear_removes_kept_results(store: GraphStore) -> None:
    store.upsert_all(world())
    store.write_results([result_of(store, "c-globex")])
    store.clear()
    assert store.read_results(["c-globex"]) == {}


@pytest.fixture
def refreshed(store: GraphStore, tmp_path: Path) -> dict[str, AccountResult]:
    """A generated world of 10 accounts, every account but the last refreshed."""
    load_world(generate(tmp_path / "world", 10, seed=21), store)
    ids = store.accounts_to_refresh()
    results = []
    for cid in ids[:-1]:
        account = store.account_graph(cid)
        results.append(
            account_result(account, analyze_account(account, as_of=AS_OF), computed_at=datetime.now(UTC))
        )
    store.write_results(results)
    return store.read_results(ids)


def test_account_list_sorts_and_filters_every_account_on_kept_figures(
    store: GraphStore, refreshed: dict[str, AccountResult]
) -> None:
    everyone = store.list_account_results(AccountFilter(), limit=500)
    assert everyone.count == len(refreshed) + 1
    assert [r.company.name for r in everyone.data] == sorted(r.company.name for r in everyone.data)

    page = store.list_account_results(AccountFilter(sort="gaps_high", descending=True), limit=500)
    expected = sorted(refreshed.values(), key=lambda r: (-r.gaps_high, store.get_company(r.account_id).name))
    assert [r.company.id for r in page.data][: len(expected)] == [r.account_id for r in expected]
    assert page.data[-1].result is None  # never refreshed: last

    second = store.list_account_results(AccountFilter(sort="gaps_high", descending=True), offset=2, limit=3)
    assert [r.company.id for r in second.data] == [r.company.id for r in page.data[2:5]]
    assert second.count == page.count

    by_coverage = store.list_account_results(AccountFilter(sort="coverage", min_coverage=0.0), limit=500)
    name = {r.company.id: r.company.name for r in everyone.data}
    covered = [
        (r.coverage, r.account_id)
        for r in sorted(refreshed.values(), key=lambda r: (r.coverage or 0, name[r.account_id], r.account_id))
        if r.coverage is not None
    ]
    assert [(r.result.coverage, r.company.id) for r in by_coverage.data if r.result] == covered

    kind = next(k for r in refreshed.values() for k, n in r.gaps_by_kind.items() if n)
    with_kind = store.list_account_results(AccountFilter(gap_kind=kind), limit=500)
    assert {r.company.id for r in with_kind.data} == {
        r.account_id for r in refreshed.values() if r.gaps_by_kind[kind]
    }
    risky = store.list_account_results(AccountFilter(at_risk=True), limit=500)
    assert {r.company.id for r in risky.data} == {r.account_id for r in refreshed.values() if r.at_risk}
    stage = next(iter(refreshed.values())).buying_stage
    staged = store.list_account_results(AccountFilter(buying_stage=stage), limit=500)
    assert {r.company.id for r in staged.data} == {
        r.account_id for r in refreshed.values() if r.buying_stage == stage
    }


def test_account_list_filters_by_owner_and_refuses_unknown_sorts(
    store: GraphStore, refreshed: dict[str, AccountResult]
) -> None:
    deals = store.list_deal_results(DealFilter(), limit=500).data
    owner = next(d.deal.owner_rep_id for d in deals if d.deal.owner_rep_id)
    owned = store.list_account_results(AccountFilter(owner=owner), limit=500)
    assert {r.company.id for r in owned.data} == {
        d.deal.company_id for d in deals if d.deal.owner_rep_id == owner
    }
    with pytest.raises(InvalidInputError):
        store.list_account_results(AccountFilter(sort="name; DROP"))
    with pytest.raises(InvalidInputError):
        store.list_deal_results(DealFilter(sort="secret"))


def test_deal_list_filters_and_sorts_every_deal(
    store: GraphStore, refreshed: dict[str, AccountResult]
) -> None:
    everything = store.list_deal_results(DealFilter(), limit=500)
    open_kept = {d.deal_id: d for r in refreshed.values() for d in r.deals}
    open_deals = store.list_deal_results(DealFilter(status="open", sort="amount", descending=True), limit=500)
    amounts = [d.deal.amount for d in open_deals.data if d.deal.amount is not None]
    assert amounts == sorted(amounts, reverse=True) and open_deals.count < everything.count
    for row in open_deals.data:
        if row.deal.id in open_kept:
            assert row.result == open_kept[row.deal.id] and row.as_of == AS_OF and not row.stale
    big = store.list_deal_results(DealFilter(min_amount=50000, max_amount=200000), limit=500)
    assert big.data and all(50000 <= (d.deal.amount or 0) <= 200000 for d in big.data)
    kind = next(g.kind for d in open_kept.values() for g in d.gaps)
    with_kind = store.list_deal_results(DealFilter(gap_kind=kind), limit=500)
    assert {d.deal.id for d in with_kind.data} == {
        d.deal_id for d in open_kept.values() if any(g.kind == kind for g in d.gaps)
    }


@pytest.mark.parametrize("sort", ["coverage", "completeness", "gaps_high", "engagement_score", "name"])
@pytest.mark.parametrize("descending", [False, True])
def test_account_list_pages_join_up_across_accounts_without_the_figure(
    store: GraphStore, refreshed: dict[str, AccountResult], sort: str, descending: bool
) -> None:
    """Pages of any size, at any offset, make up the one whole list: accounts with the figure in its
    order, then those without it (never refreshed, or no open deal for coverage) by name."""
    query = AccountFilter(sort=sort, descending=descending)
    whole = store.list_account_results(query, limit=500)
    names = {r.company.id: r.company.name for r in whole.data}

    def figure(cid: str) -> float | None:
        kept = refreshed.get(cid)
        value = None if kept is None or sort == "name" else getattr(kept, sort)
        return None if value is None else float(value)

    def key(cid: str) -> tuple[bool, float, str, str]:
        value = figure(cid)
        return (value is None, 0.0 if value is None else (-value if descending else value), names[cid], cid)

    assert [r.company.id for r in whole.data] == sorted(names, key=key)
    assert whole.count == len(names) == 10
    for size in (1, 3, 4):
        paged = [
            row.company.id
            for offset in range(0, whole.count + size, size)
            for row in store.list_account_results(query, offset=offset, limit=size).data
        ]
        assert paged == [r.company.id for r in whole.data]
    past = store.list_account_results(query, offset=50, limit=5)
    assert past.data == [] and past.count == whole.count
    filtered = store.list_account_results(query.model_copy(update={"min_gaps": 1}), limit=2)
    assert filtered.count == sum(1 for r in refreshed.values() if r.gaps_total >= 1)


def test_a_new_result_replaces_what_the_read_endpoints_show(store: GraphStore) -> None:
    store.upsert_all(world())
    first = result_of(store, "c-acme-cn")
    assert first.detail is not None and first.detail.key_people and first.detail.deals
    store.write_results([first])
    store.write_results([first])  # the same again: nothing piles up
    assert store.read_results(["c-acme-cn"])["c-acme-cn"] == first
    second = first.model_copy(
        update={
            "computed_at": COMPUTED + timedelta(hours=1),
            "detail": first.detail.model_copy(
                update={"key_people": first.detail.key_people[:1], "key_people_notes": ["changed"]}
            ),
        }
    )
    store.write_results([second])
    kept = store.read_results(["c-acme-cn"])["c-acme-cn"]
    assert kept == second and kept.detail is not None and len(kept.detail.key_people) == 1


def test_the_read_endpoints_answer_is_read_alone_by_account_or_by_deal(store: GraphStore) -> None:
    """`read_kept_answer`: the kept detail with its freshness, named by the account or by one of its
    deals, the same as the whole kept result says; None for what has no kept result."""
    store.upsert_all(world())
    kept = result_of(store, "c-acme-cn")
    assert kept.detail is not None and kept.deals
    store.write_results([kept])
    deal_id = kept.deals[0].deal_id
    for answer in (
        store.read_kept_answer(company_id="c-acme-cn"),
        store.read_kept_answer(deal_id=deal_id),
    ):
        assert answer is not None
        assert answer.account_id == "c-acme-cn" and answer.detail == kept.detail
        assert (answer.as_of, answer.computed_at, answer.stale) == (AS_OF, COMPUTED, False)
    assert store.read_kept_answer(company_id="c-globex") is None  # never refreshed
    assert store.read_kept_answer(company_id="c-nowhere") is None
    assert store.read_kept_answer(deal_id="d-nowhere") is None
    with pytest.raises(InvalidInputError):
        store.read_kept_answer()

    # A change after the refresh: the answer says it is stale, as the whole result does.
    later = COMPUTED + timedelta(minutes=5)
    assert store.mark_accounts_changed(deal_ids=[deal_id], at=later) == {"c-acme-cn"}
    stale = store.read_kept_answer(deal_id=deal_id)
    assert stale is not None and stale.stale and store.read_results(["c-acme-cn"])["c-acme-cn"].stale


def test_the_rendered_answers_are_read_alone_by_account_or_by_deal(store: GraphStore) -> None:
    """`read_kept_key_people` / `read_kept_deal_gaps`: the answers refresh rendered (api/answers.py),
    the first `limit` key people, with the kept result's freshness; None fields for a result kept
    without them; None for what has no kept result."""
    store.upsert_all(world())
    plain = result_of(store, "c-acme-cn")
    assert plain.detail is not None and plain.deals and plain.answers is None
    store.write_results([plain])
    old = store.read_kept_key_people("c-acme-cn")
    assert old is not None and old.items is None and old.notes is None and old.format is None
    assert not old.stale
    old_gaps = store.read_kept_deal_gaps(plain.deals[0].deal_id)
    assert old_gaps is not None and old_gaps.members is None and old_gaps.account_id == "c-acme-cn"
    assert old_gaps.format is None

    kept = plain.model_copy(update={"answers": render_answers(plain.detail)})
    answers = kept.answers
    assert (
        answers is not None
        and answers.key_people
        and set(answers.deal_gaps) == {d.deal_id for d in kept.deals}
    )
    store.write_results([kept])
    assert store.read_results(["c-acme-cn"])["c-acme-cn"] == kept
    for limit in (None, 1, len(answers.key_people) + 5):
        got = store.read_kept_key_people("c-acme-cn", limit=limit)
        assert got is not None
        assert got.items == answers.key_people[:limit] and got.notes == answers.key_people_notes
        assert got.format == answers.format == RENDER_FORMAT
        assert (got.account_id, got.as_of, got.computed_at, got.stale) == (
            "c-acme-cn",
            AS_OF,
            COMPUTED,
            False,
        )
    for deal_id, members in answers.deal_gaps.items():
        gaps = store.read_kept_deal_gaps(deal_id)
        assert gaps is not None and gaps.members == members
        assert gaps.format == RENDER_FORMAT
        assert (gaps.account_id, gaps.as_of, gaps.computed_at, gaps.stale) == (
            "c-acme-cn",
            AS_OF,
            COMPUTED,
            False,
        )
    assert store.read_kept_key_people("c-globex") is None  # never refreshed
    assert store.read_kept_key_people("c-nowhere") is None
    assert store.read_kept_deal_gaps("d-nowhere") is None
    with pytest.raises(InvalidInputError):
        store.read_kept_key_people("c-acme-cn", limit=0)

    later = COMPUTED + timedelta(minutes=5)
    deal_id = kept.deals[0].deal_id
    assert store.mark_accounts_changed(deal_ids=[deal_id], at=later) == {"c-acme-cn"}
    stale_people, stale_gaps = store.read_kept_key_people("c-acme-cn"), store.read_kept_deal_gaps(deal_id)
    assert stale_people is not None and stale_people.stale and stale_people.items == answers.key_people
    assert stale_gaps is not None and stale_gaps.stale and stale_gaps.members == answers.deal_gaps[deal_id]
