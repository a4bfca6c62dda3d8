"""The query loader's fragments (cypher/__init__.py): a rule written in Cypher has one home, a
`fragment_*` file that queries include, never run alone."""

from __future__ import annotations

import pytest

import cypher


def test_the_active_corrections_rule_is_one_fragment_in_both_reads() -> None:
    rule = "WHERE fix.withdrawn_at IS NULL"
    fragment = cypher._text("fragment_active_corrections")
    assert fragment.count(rule) == 1
    for name in ("account_graph", "corrections_of_accounts"):
        assert "//:include fragment_active_corrections" in cypher._text(name)
        assert rule not in cypher._text(name)  # not copied into the file
        assert cypher.query(name).count(rule) == 1  # in the query as loaded
    assert sum(rule in cypher._text(n) for n in cypher.names()) == 0


def test_every_query_is_loaded_with_its_fragments_in_place() -> None:
    names = cypher.names()
    assert "account_graph" in names and not any(n.startswith("fragment_") for n in names)
    for name in names:
        assert "//:include" not in cypher.query(name), name


def test_fragments_are_not_queries_and_only_fragments_are_included() -> None:
    with pytest.raises(ValueError, match="fragment"):
        cypher.query("fragment_active_corrections")
    with pytest.raises(ValueError, match="only fragments"):
        cypher._INCLUDE.sub(cypher._fragment, "MATCH (n)\n//:include ping\nRETURN n")
    with pytest.raises(ValueError, match="only fragments"):
        cypher._INCLUDE.sub(cypher._fragment, "//:include fragment_../ping")
