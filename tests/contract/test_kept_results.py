"""Kept analysis results (`buyergraph refresh`): both stores keep, replace, read back and mark stale alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from graph.analyses import analyze_account
from graph.analyses.portfolio import AccountResult, account_result
from graph.model import Person
from graph.stores.base import GraphStore
from tests.contract.world import world

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


def test_clear_removes_kept_results(store: GraphStore) -> None:
    store.upsert_all(world())
    store.write_results([result_of(store, "c-globex")])
    store.clear()
    assert store.read_results(["c-globex"]) == {}
