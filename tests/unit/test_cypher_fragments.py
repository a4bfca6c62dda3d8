"""The query loader's fragments (cypher/__init__.py): a rule written in Cypher has one home, a
`fragment_*` file that queries include, never run alone."""

from __future__ import annotations

import re

import pytest

import cypher

#: The active-corrections rule however a query spells it (any variable, any spacing or case).
_ACTIVE_RULE = re.compile(r"\w+\s*\.\s*withdrawn_at\s+IS\s+NULL", re.IGNORECASE)
#: The one query that spells it itself, named with its reason in fragment_active_corrections.
_EXCEPTION = "corrections_list"


def _code(text: str) -> str:
    """A query's text without its comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def test_the_active_corrections_rule_is_one_fragment_in_both_reads() -> None:
    fragment = cypher._text("fragment_active_corrections")
    assert len(_ACTIVE_RULE.findall(_code(fragment))) == 1
    assert _EXCEPTION in fragment  # named in its header, with the reason
    for name in ("account_graph", "corrections_of_accounts"):
        assert "//:include fragment_active_corrections" in cypher._text(name)
        assert len(_ACTIVE_RULE.findall(_code(cypher.query(name)))) == 1  # in the query as loaded
    # Nowhere else, however re-spelled: no query file holds it but the named exception.
    assert [n for n in cypher.names() if _ACTIVE_RULE.search(_code(cypher._text(n)))] == [_EXCEPTION]


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
