"""Kept results on Neo4j are overwritten in place by the next refresh: the nodes and relationships of
the new results are exactly what plain Cypher finds, nothing of the old result is left over."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import neo4j
import pytest

from api.answers import RENDER_FORMAT
from api.refresh import compute_results
from graph.analyses import DEFAULT_CONFIG
from graph.analyses.portfolio import AccountResult
from graph.stores.base import GraphStore
from tests.unit.generated_world import generate, load

AS_OF = date(2026, 6, 30)

COUNTS = """
MATCH (r:AccountResult {account_id: $id})
RETURN r.computed_at AS computed_at,
       COUNT { (:DealResult {account_id: $id})-[:RESULT_OF]->(:Deal) } AS deals,
       COUNT { (:DealResult {account_id: $id}) } AS deal_nodes,
       COUNT { (:Gap {account_id: $id})-[:GAP_OF]->(:Deal) } AS gaps,
       COUNT { (:Gap {account_id: $id}) } AS gap_nodes,
       COUNT { (:Gap {account_id: $id})-[:CONCERNS]->(:Person) } AS concerns,
       COUNT { (:PersonResult {account_id: $id})-[:RESULT_OF]->(:Person) } AS people,
       COUNT { (:PersonResult {account_id: $id}) } AS people_nodes,
       COUNT { (:ResultDetail {account_id: $id})-[:DETAIL_OF]->(r) } AS details,
       COUNT { (r)-[:RESULT_OF]->(:Company) } AS companies
"""


def _counts(driver: neo4j.Driver, database: str, account_id: str) -> dict[str, object]:
    records, _, _ = driver.execute_query(COUNTS, id=account_id, database_=database)
    assert len(records) == 1
    return dict(records[0])


def _expected(result: AccountResult) -> dict[str, int]:
    gaps = [g for d in result.deals for g in d.gaps]
    return {
        "deals": len(result.deals),
        "deal_nodes": len(result.deals),
        "gaps": len(gaps),
        "gap_nodes": len(gaps),
        "concerns": sum(1 for g in gaps if g.person_id),
        "people": len(result.key_people),
        "people_nodes": len(result.key_people),
        "details": 1 if result.detail is not None else 0,
        "companies": 1,
    }


@pytest.mark.neo4j
def test_a_new_result_overwrites_the_old_nodes_and_leaves_nothing_behind(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    load(generate(tmp_path / "world", 12, seed=11), neo4j_store)
    ids = neo4j_store.accounts_to_refresh()
    results = compute_results(neo4j_store, ids, as_of=AS_OF, config=DEFAULT_CONFIG)
    rich = max(results, key=lambda r: (sum(len(d.gaps) for d in r.deals), len(r.key_people)))
    gaps = [g for d in rich.deals for g in d.gaps]
    assert len(rich.key_people) >= 2 and len(gaps) >= 2 and any(g.person_id for g in gaps)
    assert neo4j_store.write_results(results) == len(results)
    uri, user, password, database = neo4j_connection
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        first = _counts(driver, database, rich.account_id)
        assert {k: v for k, v in first.items() if k != "computed_at"} == _expected(rich)

        # The same results again: same nodes, same counts (no duplicates from a second write).
        again = [r.model_copy(update={"computed_at": r.computed_at + timedelta(seconds=1)}) for r in results]
        assert neo4j_store.write_results(again) == len(results)
        second = _counts(driver, database, rich.account_id)
        assert {k: v for k, v in second.items() if k != "computed_at"} == _expected(rich)

        # Fewer key people, the first deal's gaps cut to one naming another person (or none), one deal
        # dropped when there are several, no detail: what disappeared is gone, what changed moved.
        other = next(k.person_id for k in rich.key_people if k.person_id != gaps[0].person_id)
        moved = {"person_id": other}
        deals = [
            d.model_copy(update={"gaps": [d.gaps[0].model_copy(update=moved)] if d.gaps else []})
            for d in rich.deals[: max(1, len(rich.deals) - 1)]
        ]
        fewer = rich.model_copy(
            update={
                "computed_at": datetime.now(UTC) + timedelta(seconds=2),
                "key_people": rich.key_people[:1],
                "deals": deals,
                "detail": None,
            }
        )
        assert neo4j_store.write_results([fewer]) == 1
        after = _counts(driver, database, rich.account_id)
        assert {k: v for k, v in after.items() if k != "computed_at"} == _expected(fewer)
        records, _, _ = driver.execute_query(
            "MATCH (g:Gap {account_id: $id})-[:CONCERNS]->(p:Person) RETURN collect(p.id) AS ids",
            id=rich.account_id,
            database_=database,
        )
        assert sorted(records[0]["ids"]) == sorted(g.person_id for d in deals for g in d.gaps if g.person_id)
    kept = neo4j_store.read_results([rich.account_id])[rich.account_id]
    assert kept.key_people == fewer.key_people and kept.deals == fewer.deals and kept.detail is None


@pytest.mark.neo4j
def test_change_bases_of_results_kept_before_the_basis_property_read_the_whole_detail(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    """A refresh compares what it replaces from the detail's `basis_json` (roster and committees);
    results kept by an older version have only the whole detail, and must give the same comparison."""
    load(generate(tmp_path / "world", 8, seed=5), neo4j_store)
    ids = neo4j_store.accounts_to_refresh()
    results = compute_results(neo4j_store, ids, as_of=AS_OF, config=DEFAULT_CONFIG)
    assert neo4j_store.write_results(results) == len(results)
    with_basis = neo4j_store.read_change_bases(ids)
    assert set(with_basis) == set(ids)
    assert any(b.committees for b in with_basis.values()) and any(b.roster for b in with_basis.values())
    uri, user, password, database = neo4j_connection
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (x:ResultDetail) WHERE x.account_id IN $ids AND x.basis_json IS NOT NULL "
            "REMOVE x.basis_json RETURN count(x) AS n",
            ids=ids,
            database_=database,
        )
    assert records[0]["n"] == len(ids)
    assert neo4j_store.read_change_bases(ids) == with_basis


@pytest.mark.neo4j
def test_the_render_format_token_is_kept_on_the_result_detail(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    """The rendered answers' render-format token is a property of the ResultDetail node, read with the
    key people and with each deal's gaps; a node written before tokens existed (no property) reads
    as "" (not the current token: the API answers from the kept detail)."""
    load(generate(tmp_path / "world", 6, seed=11), neo4j_store)
    results = compute_results(
        neo4j_store, neo4j_store.accounts_to_refresh(), as_of=AS_OF, config=DEFAULT_CONFIG
    )
    rich = next(r for r in results if r.deals and r.key_people)
    assert rich.answers is not None and rich.answers.format == RENDER_FORMAT
    assert neo4j_store.write_results(results) == len(results)
    deal_id = rich.deals[0].deal_id

    def tokens() -> tuple[str | None, str | None, str | None]:
        people = neo4j_store.read_kept_key_people(rich.account_id)
        gaps = neo4j_store.read_kept_deal_gaps(deal_id)
        kept = neo4j_store.read_results([rich.account_id])[rich.account_id].answers
        assert people is not None and gaps is not None and kept is not None
        return people.format, gaps.format, kept.format

    assert tokens() == (RENDER_FORMAT,) * 3
    uri, user, password, database = neo4j_connection
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (x:ResultDetail {account_id: $id}) WITH x, x.answers_format AS token "
            "REMOVE x.answers_format RETURN token",
            id=rich.account_id,
            database_=database,
        )
    assert [r["token"] for r in records] == [RENDER_FORMAT]
    assert tokens() == ("", "", "")
