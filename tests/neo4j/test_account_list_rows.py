"""An account list's row reads its kept figures as the one JSON text the write kept (`summary_json`)
instead of every figure property, and a result kept before that text existed, or with another shape
token (`summary_format`: an upgrade changed the figures' model), lists the same from its properties; the count
of an unfiltered list comes with the page (the count store), a filtered one still counts every match."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import neo4j
import pytest

from api.refresh import compute_results
from graph.analyses import DEFAULT_CONFIG
from graph.analyses.portfolio import AccountFilter, summary_json, summary_of
from graph.stores.base import GraphStore
from tests.unit.generated_world import generate, load

pytestmark = pytest.mark.neo4j

AS_OF = date(2026, 6, 30)


def test_rows_read_the_kept_json_and_older_results_list_the_same(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    uri, user, password, database = neo4j_connection
    load(generate(tmp_path / "world", 8, seed=3), neo4j_store)
    ids = neo4j_store.accounts_to_refresh(everything=True)
    results = compute_results(neo4j_store, ids[:-1], as_of=AS_OF, config=DEFAULT_CONFIG)
    neo4j_store.write_results(results)
    kept = neo4j_store.read_results(ids)
    # One account changed after its refresh: its row says so.
    changed = ids[0]
    neo4j_store.mark_accounts_changed(company_ids=[changed], at=datetime.now(UTC) + timedelta(seconds=1))

    queries = [
        AccountFilter(),
        AccountFilter(sort="gaps_high", descending=True),
        AccountFilter(sort="coverage"),
        AccountFilter(sort="gaps_total", descending=True, min_gaps=0),
    ]
    with_json = [neo4j_store.list_account_results(q, limit=500) for q in queries]
    listed = {row.company.id: row.result for row in with_json[0].data}
    assert listed[ids[-1]] is None  # never refreshed
    for cid in ids[:-1]:
        summary = listed[cid]
        assert summary is not None
        assert summary == summary_of(kept[cid]).model_copy(update={"stale": cid == changed})
    assert with_json[0].count == len(ids) == with_json[1].count
    assert with_json[3].count == len(ids) - 1  # a filter on a figure counts the kept results it passes

    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (r:AccountResult) WHERE r.summary_json IS NOT NULL RETURN count(r) AS n",
            database_=database,
        )
        assert records[0]["n"] == len(ids) - 1

        def lists_the_same(change: str) -> None:
            driver.execute_query(change, database_=database)
            for q, new in zip(queries, with_json, strict=True):
                old = neo4j_store.list_account_results(q, limit=500)
                assert new == old, change
                assert new.model_dump_json() == old.model_dump_json(), change
                rows = neo4j_store.list_account_rows(q, limit=500)
                assert [r.summary_json for r in rows.data] == [
                    None if r.result is None else summary_json(r.result) for r in new.data
                ], change

        # Kept by a version whose figures had another shape: the text (here one no model would
        # read) is not read, the properties are.
        lists_the_same(
            "MATCH (r:AccountResult) SET r.summary_format = 'older', r.summary_json = '{\"no\":1}'"
        )
        lists_the_same("MATCH (r:AccountResult) REMOVE r.summary_format")  # kept before the token
        # As a database refreshed by an earlier version holds them: no JSON text.
        lists_the_same("MATCH (r:AccountResult) REMOVE r.summary_json")

    # A page past the end still counts every account.
    past = neo4j_store.list_account_results(AccountFilter(sort="gaps_high"), offset=100, limit=5)
    assert past.data == [] and past.count == len(ids)
