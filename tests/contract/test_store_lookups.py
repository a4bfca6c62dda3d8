"""Contract for the lookups that identity resolution uses across ingests, on both stores."""

from __future__ import annotations

import pytest

from graph.errors import InvalidInputError
from graph.model import Company, Person
from graph.stores.base import GraphStore


def _load(store: GraphStore) -> None:
    store.upsert(
        "companies",
        [
            Company(id="c-2", name="Acme Inc.", name_key="acme", domain="acme.com"),
            Company(id="c-1", name="ACME", name_key="acme", domain="acme.io"),
            Company(id="c-3", name="华为技术有限公司", name_key="华为技术"),
        ],
    )
    store.upsert(
        "people",
        [
            Person(id="p-2", name="Ann Lee", email="ann@acme.com", email_key="ann@acme.com"),
            Person(id="p-1", name="Ann Lee", email="Ann@Acme.com", email_key="ann@acme.com"),
            Person(id="p-3", name="Bo Wu", email="bowu@gmail.com", email_key="bowu@gmail.com"),
            Person(id="p-4", name="No Mail"),
        ],
    )


def test_people_are_found_by_email_key_smallest_id_first(store: GraphStore) -> None:
    _load(store)
    found = store.find_people_by_email_keys(["ann@acme.com", "bowu@gmail.com", "nobody@x.org"])
    assert found == {"ann@acme.com": "p-1", "bowu@gmail.com": "p-3"}
    assert store.find_people_by_email_keys([]) == {}


def test_companies_are_found_by_name_key_and_domain(store: GraphStore) -> None:
    _load(store)
    by_name, by_domain = store.find_companies_by_keys(["acme", "华为技术", "globex"], ["acme.com", "x.org"])
    assert by_name == {"acme": "c-1", "华为技术": "c-3"}
    assert by_domain == {"acme.com": "c-2"}


def test_existing_ids_reports_only_stored_nodes_of_that_kind(store: GraphStore) -> None:
    _load(store)
    assert store.existing_ids("people", ["p-1", "p-4", "p-9", "c-1"]) == {"p-1", "p-4"}
    assert store.existing_ids("companies", ["c-1", "c-3", "p-1"]) == {"c-1", "c-3"}
    assert store.existing_ids("deals", ["d-1"]) == set()


def test_existing_ids_refuses_a_kind_that_is_not_a_node(store: GraphStore) -> None:
    with pytest.raises(InvalidInputError, match="unknown node kind"):
        store.existing_ids("committee", ["x"])


def test_touch_batches_with_new_known_and_repeated_ids_end_alike(store: GraphStore) -> None:
    """The Neo4j store creates new touches and merges known ones; the outcome must not show it."""
    from graph.model import Rep, Touch

    _load(store)
    store.upsert("reps", [Rep(id="r-1", name="Rep One"), Rep(id="r-2", name="Rep Two")])
    at = "2024-03-01T09:00:00"
    store.upsert("touches", [Touch(id="t-1", at=at, kind="call", person_ids=["p-1"], rep_id="r-1")])
    store.upsert(
        "touches",
        [
            Touch(id="t-1", at=at, kind="meeting", person_ids=["p-3", "p-3"], rep_id="r-2"),
            Touch(id="t-2", at=at, kind="email", person_ids=["p-1", "p-404"], rep_id="r-1"),
            Touch(id="t-2", at=at, kind="email", person_ids=["p-4"]),
        ],
    )
    counts = store.counts()
    assert counts.nodes["Touch"] == 2
    assert counts.relationships["WITH"] == 4  # t-1: p-1, p-3; t-2: p-1, p-4 (p-404 does not exist)
    assert counts.relationships["BY"] == 2  # t-1 moved from r-1 to r-2
