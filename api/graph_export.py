"""An account's graph as GraphML or GEXF, for Gephi, yEd and Cytoscape users.

The file holds exactly the nodes and edges that the JSON graph endpoint returns
(`GET /api/v1/accounts/{id}/graph`), written by NetworkX's `write_graphml` / `write_gexf`. Attributes
that are not set are left out (GraphML has no null); lists (a person's roles) become one `;`-joined
string, dates ISO text. Edges are directed (person -> manager, person -> the person they turn to,
rep -> person touched) and two people may share more than one edge (a reporting line and a KNOWS tie),
so the graph is a MultiDiGraph; each edge's key (its id in the file) is unique, `e0`, `e1`, ...
"""

from __future__ import annotations

import io
from typing import Any, Literal

import networkx as nx

from api.schemas import AccountGraphPublic

GraphFormat = Literal["json", "graphml", "gexf"]

MEDIA_TYPES: dict[str, str] = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
}


def _attributes(values: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in skip or value is None:
            continue
        if isinstance(value, list):
            out[key] = ";".join(str(v) for v in value)
        elif isinstance(value, bool | int | float | str):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def to_networkx(graph: AccountGraphPublic) -> nx.MultiDiGraph:
    """The account graph as a NetworkX MultiDiGraph with plain attribute values."""
    result = nx.MultiDiGraph(account_id=graph.account_id, as_of=graph.as_of.isoformat())
    for node in graph.nodes:
        result.add_node(node.id, **_attributes(node.model_dump(mode="json"), skip=("id",)))
    for index, edge in enumerate(graph.edges):
        attributes = _attributes(edge.model_dump(mode="json"), skip=("source", "target"))
        result.add_edge(edge.source, edge.target, key=f"e{index}", **attributes)
    return result


def export(graph: AccountGraphPublic, fmt: Literal["graphml", "gexf"]) -> bytes:
    """The graph as a GraphML or GEXF document (UTF-8 XML)."""
    buffer = io.BytesIO()
    g = to_networkx(graph)
    if fmt == "graphml":
        nx.write_graphml(g, buffer, encoding="utf-8")
    else:
        nx.write_gexf(g, buffer, encoding="utf-8")
    return buffer.getvalue()
