"""Lead weights from conversions and what history says read the same records from both stores: a
generated world loaded into the embedded store and into Neo4j gives identical results."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.analyses.history import what_history_says
from graph.analyses.lead_weights import fit_lead_weights
from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore
from ingest.titles import classify_title
from tests.unit.generated_world import generate, load, truth

pytestmark = pytest.mark.neo4j


def test_lead_weights_and_history_are_identical_on_both_stores(
    neo4j_store: GraphStore, tmp_path: Path
) -> None:
    folder = generate(tmp_path / "world", 25, seed=6)
    embedded = EmbeddedStore(tmp_path / "store")
    load(folder, embedded)
    load(folder, neo4j_store)
    doc, _ = truth(folder)
    as_of = date.fromisoformat(doc["parameters"]["as_of"])
    results = []
    for store in (embedded, neo4j_store):
        companies, _ = store.ownership()
        accounts = [store.account_graph(c.id) for c in sorted(companies, key=lambda c: c.id)]
        fit = fit_lead_weights(accounts, as_of=as_of, min_converters=20, min_non_converters=20, bootstrap=30)
        history = what_history_says(accounts, as_of=as_of, classify=classify_title)
        results.append((fit, history))
    (fit_e, history_e), (fit_n, history_n) = results
    assert fit_e.enough and fit_e.converters >= 20
    assert fit_e == fit_n
    assert history_e.closed_deals > 0
    assert history_e == history_n
