"""The Cypher queries, one `.cypher` file each, shipped as package data.

Queries are read once and cached. Values always travel as parameters; the only text ever filled
into a query is a label, relationship type or property name taken from allow-lists (the model's
kinds; ACCOUNT_SORTS for list_account_results' `{key}`), and fragments.

A fragment is a piece of a query shared by several queries, so that a rule written in Cypher has
one home: a file named `fragment_<name>.cypher`, which is never run alone. A query takes it in with
a line of its own, `//:include fragment_<name>`, replaced by the fragment's text when the query is
loaded (only files named `fragment_*` can be included, and a fragment includes nothing itself).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

__all__ = ["query", "statements", "names"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_FRAGMENT = "fragment_"
_INCLUDE = re.compile(r"^[ \t]*//:include[ \t]+(\S+)[ \t]*$", re.MULTILINE)


@cache
def _text(name: str) -> str:
    """The text of `cypher/<name>.cypher` as the file holds it."""
    if not _NAME.match(name):
        raise ValueError(f"not a query name: {name!r}")
    return resources.files(__name__).joinpath(f"{name}.cypher").read_text(encoding="utf-8")


def _fragment(match: re.Match[str]) -> str:
    name = match.group(1)
    if not name.startswith(_FRAGMENT) or not _NAME.match(name):
        raise ValueError(f"only fragments (fragment_*) can be included, not {name!r}")
    text = _text(name)
    if _INCLUDE.search(text):
        raise ValueError(f"the fragment {name!r} includes another one: fragments include nothing")
    body = text.splitlines()
    while body and body[0].lstrip().startswith("//"):  # its header comment stays in its file
        body.pop(0)
    return "\n".join(body)


@cache
def query(name: str) -> str:
    """The text of `cypher/<name>.cypher`, with the fragments it includes in place."""
    if name.startswith(_FRAGMENT):
        raise ValueError(f"{name!r} is a fragment of other queries, not a query")
    return _INCLUDE.sub(_fragment, _text(name))


def statements(name: str) -> list[str]:
    """The `;`-separated statements of a script such as `schema`, without comment lines."""
    body = "\n".join(line for line in query(name).splitlines() if not line.lstrip().startswith("//"))
    return [part.strip() for part in body.split(";") if part.strip()]


def names() -> list[str]:
    """Every query shipped with this package (not the fragments)."""
    return sorted(
        entry.name.removesuffix(".cypher")
        for entry in resources.files(__name__).iterdir()
        if entry.name.endswith(".cypher") and not entry.name.startswith(_FRAGMENT)
    )
