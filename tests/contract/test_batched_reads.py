"""Batched account reads (`account_graphs`, what refresh reads with): on both stores, a batch gives
exactly the AccountGraph that `account_graph` gives each account one by one, daily touch aggregates,
deal touches and sellers' corrections included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from graph.model import Correction
from graph.stores.base import GraphStore
from tests.unit.generated_world import generate
from tests.unit.generated_world import load as load_world


def test_a_batch_reads_exactly_what_single_reads_give(store: GraphStore, tmp_path: Path) -> None:
    load_world(generate(tmp_path / "world", 12, seed=33), store)
    ids = store.accounts_to_refresh(everything=True)
    assert len(ids) >= 10
    one = store.account_graph(ids[0])
    person = next(p for p in one.people if p.company_id == ids[0])
    store.add_correction(
        Correction(
            id="fix-left",
            kind="left",
            company_id=ids[0],
            person_id=person.id,
            on=date(2026, 5, 1),
            author="sam",
            at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
        )
    )
    one_by_one = {company_id: store.account_graph(company_id) for company_id in ids}
    assert one_by_one[ids[0]] != one  # the correction is laid over the single read ...
    # ... and over the batch: the batch in another order, with an unknown id and a repeat left out.
    batch = store.account_graphs([*reversed(ids), "no-such-account", ids[1]])
    assert batch == one_by_one
    assert sum(len(a.touch_days) for a in batch.values()) > 0
    assert any(a.deal_touches for a in batch.values())
    # Batches of any size agree (refresh reads READ_BATCH accounts at a time).
    halves = {**store.account_graphs(ids[: len(ids) // 2]), **store.account_graphs(ids[len(ids) // 2 :])}
    assert halves == one_by_one
    assert store.account_graphs([]) == {}
