"""Inside `bulk()` the Neo4j store writes behind the caller; order, counts and failures stay exact."""

from __future__ import annotations

import pytest

from graph.errors import BuyerGraphError
from graph.model import Company, Person, Touch
from graph.stores.base import GraphStore
from tests.touches import account_touches

pytestmark = pytest.mark.neo4j


def test_batches_written_behind_the_caller_are_all_there_in_order(neo4j_store: GraphStore) -> None:
    with neo4j_store.bulk():
        neo4j_store.upsert("companies", [Company(id="c-1", name="Acme")])
        neo4j_store.upsert("people", [Person(id=f"p-{i}", name=f"P{i}", company_id="c-1") for i in range(50)])
        # touches need the people of the batch before: order between batches must hold
        for start in range(0, 50, 10):
            neo4j_store.upsert(
                "touches",
                [
                    Touch(id=f"t-{i}", at="2026-01-01T10:00:00", kind="email", person_ids=[f"p-{i}"])
                    for i in range(start, start + 10)
                ],
            )
        # a later batch updates a touch of an earlier one: the later value wins
        neo4j_store.upsert(
            "touches", [Touch(id="t-3", at="2026-01-01T10:00:00", kind="call", person_ids=["p-4"])]
        )
    counts = neo4j_store.counts()
    assert counts.nodes["Touch"] == 50
    assert counts.relationships["WITH"] == 51
    touch = next(t for t in account_touches(neo4j_store, "c-1") if t.id == "t-3")
    assert (touch.kind.value, touch.person_ids) == ("call", ["p-3", "p-4"])


def test_a_failed_batch_stops_the_block_and_is_reported(neo4j_store: GraphStore) -> None:
    # An id over Neo4j's index key limit (the model refuses it, so it is built unchecked here): the
    # server refuses the whole batch.
    refused = Company.model_construct(id="x" * 40_000, name="Too long")
    with pytest.raises(BuyerGraphError), neo4j_store.bulk():
        neo4j_store.upsert("companies", [Company(id="c-1", name="Acme")])
        neo4j_store.upsert("companies", [Company(id="c-2", name="B"), refused])
        neo4j_store.upsert("companies", [Company(id="c-3", name="After")])
        neo4j_store.upsert("companies", [Company(id="c-4", name="After too")])
    ids = {c.id for c in neo4j_store.list_accounts(limit=50).data}
    assert "c-1" in ids  # written before
    assert "c-2" not in ids  # the failed batch is all-or-nothing
