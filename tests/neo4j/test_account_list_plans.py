"""The account list's page query walks an index in the order asked for: no sort, no collect-all.

Checked with EXPLAIN on the real server for every sortable figure in both directions, so that a
change to the query or to the schema that makes Neo4j sort (and so read every match) fails here.
The page leaves as one record: its rows are collected after the page's LIMIT, never before.
"""

from __future__ import annotations

from typing import Any

import neo4j
import pytest

import cypher
from graph.analyses.portfolio import ACCOUNT_SORTS, AccountFilter
from graph.stores.base import GraphStore

pytestmark = pytest.mark.neo4j

_SORTING = {"Sort", "Top", "PartialSort", "PartialTop", "EagerAggregation", "OrderedAggregation"}


def _operators(plan: Any) -> list[str]:
    found = [plan["operatorType"].split("@")[0]]
    for child in plan.get("children", []):
        found += _operators(child)
    return found


def _below_limit(plan: Any) -> Any:
    """The part of the plan that reads up to the page's end: what the (first) Limit operator reads."""
    if plan["operatorType"].split("@")[0] == "Limit":
        return plan
    for child in plan.get("children", []):
        found = _below_limit(child)
        if found is not None:
            return found
    return None


def _details(plan: Any) -> list[str]:
    found = [str(plan.get("args", {}).get("Details", ""))]
    for child in plan.get("children", []):
        found += _details(child)
    return found


@pytest.mark.parametrize("figure", [s for s in ACCOUNT_SORTS if s != "name"])
@pytest.mark.parametrize("descending", [False, True])
def test_a_sorted_page_follows_an_index_without_sorting(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], figure: str, descending: bool
) -> None:
    uri, user, password, database = neo4j_connection
    key = f"{figure}_desc" if descending else figure
    text = cypher.query("list_account_results").replace("{key}", key)
    params = AccountFilter().model_dump(mode="json", exclude={"sort", "descending"})
    with (
        neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver,
        driver.session(database=database) as s,
    ):
        s.run("CALL db.awaitIndexes(300)").consume()
        plan = s.run("EXPLAIN " + text, {**params, "offset": 0, "limit": 50}).consume().plan
    operators = _operators(plan)
    assert not {"Sort", "Top", "PartialSort", "PartialTop"} & set(operators), operators
    page = _below_limit(plan)
    assert page is not None, operators
    assert not _SORTING & set(_operators(page)), _operators(page)  # nothing collected before the LIMIT
    assert "NodeIndexScan" in _operators(page)
    assert any(f"AccountResult({key}, name, account_id)" in d for d in _details(plan)), _details(plan)
