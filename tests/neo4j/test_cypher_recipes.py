"""The Cypher recipes of docs/analyses.md, run as written against kept results in a real Neo4j.

Each recipe's answer is checked against the same question answered in Python from `read_results`, so
a recipe that drifts from the kept schema fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j
import pytest

from api.refresh import compute_results
from graph.analyses import DEFAULT_CONFIG
from graph.analyses.portfolio import AccountResult
from graph.stores.base import GraphStore
from tests.unit.generated_world import generate, load

DOC = Path(__file__).resolve().parents[2] / "docs" / "analyses.md"
AS_OF = date(2026, 6, 30)
_RECIPE = re.compile(r"<!-- recipe: ([a-z_]+) -->\n.*?```cypher\n(.*?)```", re.S)


def recipes() -> dict[str, str]:
    return dict(_RECIPE.findall(DOC.read_text(encoding="utf-8")))


Expect = Callable[[GraphStore, dict[str, AccountResult], str], list[tuple[Any, ...]]]


def _big_deals(store: GraphStore, kept: dict[str, AccountResult], _: str) -> list[tuple[Any, ...]]:
    rows = []
    for result in kept.values():
        for d in result.deals:
            if any(g.role == "economic_buyer" and g.kind in ("missing_role", "stale_role") for g in d.gaps):
                deal = store.get_deal(d.deal_id)
                if deal.amount is not None and deal.amount > 100000:
                    rows.append((deal.id, deal.amount))
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def _by_coverage(_: GraphStore, kept: dict[str, AccountResult], __: str) -> list[tuple[Any, ...]]:
    rows = [(r.account_id, r.coverage) for r in kept.values() if r.coverage is not None]
    return sorted(rows, key=lambda r: (r[1], r[0]))


def _by_high_gaps(_: GraphStore, kept: dict[str, AccountResult], __: str) -> list[tuple[Any, ...]]:
    rows = [(r.account_id, r.gaps_high) for r in kept.values() if r.gaps_high > 0]
    return sorted(rows, key=lambda r: (-r[1], r[0]))[:20]


def _at_risk(store: GraphStore, kept: dict[str, AccountResult], _: str) -> list[tuple[Any, ...]]:
    return sorted(
        (r.account_id, r.engagement_trend)
        for r in kept.values()
        if r.at_risk and store.get_company(r.account_id).status == "customer"
    )


def _departed(_: GraphStore, kept: dict[str, AccountResult], __: str) -> list[tuple[Any, ...]]:
    return sorted(
        (g.person_id, d.deal_id)
        for r in kept.values()
        for d in r.deals
        for g in d.gaps
        if g.kind == "departed_member" and g.person_id
    )


def _top_people(_: GraphStore, kept: dict[str, AccountResult], __: str) -> list[tuple[Any, ...]]:
    return sorted(
        (r.account_id, r.key_people[0].person_id)
        for r in kept.values()
        if r.buying_stage in ("evaluation", "decision") and r.key_people
    )


def _stale(_: GraphStore, kept: dict[str, AccountResult], changed: str) -> list[tuple[Any, ...]]:
    assert kept[changed].stale
    return sorted((r.account_id,) for r in kept.values() if r.stale)


#: recipe -> (the Python answer, the columns of the recipe's rows it is compared with)
EXPECTED: dict[str, tuple[Expect, tuple[str, ...]]] = {
    "big_deals_without_economic_buyer": (_big_deals, ("deal", "amount")),
    "accounts_by_coverage": (_by_coverage, ("account", "coverage")),
    "accounts_by_high_gaps": (_by_high_gaps, ("account", "high")),
    "customers_at_risk": (_at_risk, ("account", "trend")),
    "departed_committee_members": (_departed, ("person", "deal")),
    "top_people_in_late_stage_accounts": (_top_people, ("account", "person")),
    "stale_results": (_stale, ("account",)),
}


def test_every_recipe_has_an_expectation() -> None:
    assert len(recipes()) >= 5
    assert set(recipes()) == set(EXPECTED)


@pytest.mark.neo4j
def test_recipes_answer_what_the_kept_results_say(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    load(generate(tmp_path / "world", 30, seed=11), neo4j_store)
    ids = neo4j_store.accounts_to_refresh()
    neo4j_store.write_results(compute_results(neo4j_store, ids, as_of=AS_OF, config=DEFAULT_CONFIG))
    changed = ids[3]
    neo4j_store.mark_accounts_changed(company_ids=[changed], at=datetime.now(UTC) + timedelta(seconds=1))
    kept = neo4j_store.read_results(ids)
    uri, user, password, database = neo4j_connection
    answered = set()
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        for name, text in recipes().items():
            expect, columns = EXPECTED[name]
            records, _, _ = driver.execute_query(text, database_=database, routing_=neo4j.RoutingControl.READ)
            got = [tuple(record[c] for c in columns) for record in records]
            want = expect(neo4j_store, kept, changed)
            assert got == want, name
            if got:
                answered.add(name)
    # The world is rich enough that most recipes have something to say.
    assert len(answered) >= 5, answered
