"""The Cypher queries, one `.cypher` file each, shipped as package data.

Queries are read once and cached. Values always travel as parameters; the only text ever filled
into a query is a label or relationship type taken from the model's allow-lists.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

__all__ = ["query", "statements", "names"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@cache
def query(name: str) -> str:
    """The text of `cypher/<name>.cypher`."""
    if not _NAME.match(name):
        raise ValueError(f"not a query name: {name!r}")
    return resources.files(__name__).joinpath(f"{name}.cypher").read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The `;`-separated statements of a script such as `schema`, without comment lines."""
    body = "\n".join(line for line in query(name).splitlines() if not line.lstrip().startswith("//"))
    return [part.strip() for part in body.split(";") if part.strip()]


def names() -> list[str]:
    """Every query shipped with this package."""
    return sorted(
        entry.name.removesuffix(".cypher")
        for entry in resources.files(__name__).iterdir()
        if entry.name.endswith(".cypher")
    )
