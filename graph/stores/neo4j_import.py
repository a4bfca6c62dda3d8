"""Files for Neo4j's offline importer (`neo4j-admin database import full`): a first load at bulk speed.

`import_graph` works out, in memory, the graph that the online ingest (`Neo4jStore.upsert`, batch by
batch in the loader's order, into an empty database) would leave behind: the same nodes, merged
properties, relationships (only to records that exist, in the order they came to exist), daily touch
aggregates, aliases and bookkeeping. `write_import_files` writes it as header and data files, and
`import_arguments` gives the importer's arguments for them. The store's own writes stay the
reference: tests compare a graph loaded both ways (tests/neo4j/test_initial_load.py).

What the online ingest does after its writes (marking changed accounts, moving the store version)
the caller does through `Neo4jStore` once the imported database is up, with the same queries.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from graph.analyses.rules import aggregate_touches
from graph.errors import InvalidInputError
from graph.model import Alias, Direction, Record, Touch, TouchKind
from graph.stores.neo4j import _row

__all__ = ["ImportGraph", "ImportFiles", "import_graph", "write_import_files", "import_arguments"]

#: Separates the elements of a list inside one cell: a control character no text field holds.
ARRAY_DELIMITER = "\x1f"
_ARRAY_DELIMITER_ARG = "\\u001f"

_LABELS = {
    "companies": "Company",
    "people": "Person",
    "reps": "Rep",
    "products": "Product",
    "deals": "Deal",
    "touches": "Touch",
}
#: Relationship kinds of the bundle: (type, start label, end label, start field, end field).
_LINKS = {
    "deal_products": ("INCLUDES", "Deal", "Product", "deal_id", "product_id"),
    "holdings": ("OWNS", "Company", "Product", "company_id", "product_id"),
    "committee": ("IN_COMMITTEE", "Person", "Deal", "person_id", "deal_id"),
    "knows": ("KNOWS", "Person", "Person", "person_id", "other_id"),
    "reporting": ("REPORTS_TO", "Person", "Person", "person_id", "manager_id"),
    "employment": ("WORKS_AT", "Person", "Company", "person_id", "company_id"),
}

RelKey = tuple[str, str, str, str, str]  # type, start label, start id, end label, end id (+ key)


@dataclass
class ImportGraph:
    """Nodes per label (key -> properties) and relationships per type (key -> properties)."""

    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    rels: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    #: Start and end labels of each relationship type.
    ends: dict[str, tuple[str, str]] = field(default_factory=dict)
    loaded: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: Links a record has at most one of (a deal's FOR and OWNED_BY, a touch's BY and ABOUT): start -> end.
    single: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    def node_count(self) -> int:
        return sum(len(v) for v in self.nodes.values())

    def rel_count(self) -> int:
        return sum(len(v) for v in self.rels.values())


def _set_rel(
    graph: ImportGraph,
    rel_type: str,
    start: tuple[str, str],
    end: tuple[str, str],
    props: Mapping[str, Any],
    extra: tuple[Any, ...] = (),
) -> dict[str, Any]:
    graph.ends.setdefault(rel_type, (start[0], end[0]))
    key = (start[1], end[1], *extra)
    current = graph.rels[rel_type].setdefault(key, {})
    current.update(props)
    return current


def import_graph(
    by_kind: Mapping[str, Sequence[Record]],
    aliases: Sequence[Alias],
    *,
    order: Sequence[str],
    batch_size: int,
    migrated_at: datetime,
) -> ImportGraph:
    """The graph the online ingest writes into an empty Neo4j database, worked out in memory.

    `by_kind` holds the resolved records in the loader's order, written kind by kind in `order` and
    in batches of `batch_size` (a person's manager must exist when its batch is written, as the
    online `MATCH` requires). `migrated_at` (a server-local time without zone, as Cypher's
    `localdatetime()`) stamps the Migration node a new store writes when it opens and the TouchDay nodes.
    """
    graph = ImportGraph()
    nodes = graph.nodes
    for kind in order:
        records = by_kind.get(kind, ())
        if not records:
            continue
        graph.loaded[kind] += len(records)
        rows = [_row(kind, record) for record in records]
        if kind in _LINKS:
            rel_type, start_label, end_label, start_field, end_field = _LINKS[kind]
            for row in rows:
                start, end = row[start_field], row[end_field]
                if start not in nodes[start_label] or end not in nodes[end_label]:
                    continue
                extra: tuple[Any, ...] = ()
                props = dict(row["props"])
                if kind == "committee":
                    extra = (row["role"], row["source"])
                    props = {"role": row["role"], "source": row["source"], **props}
                _set_rel(graph, rel_type, (start_label, start), (end_label, end), props, extra)
            continue
        label = _LABELS[kind]
        if kind == "people":
            for offset in range(0, len(rows), batch_size):
                batch = rows[offset : offset + batch_size]
                for row in batch:  # every MERGE of a batch comes before its MATCHes
                    stored = nodes[label].setdefault(row["id"], {"id": row["id"]})
                    props = row["props"]
                    keep = props.get("seniority_source") == "inferred" and stored.get(
                        "seniority_source"
                    ) not in (None, "inferred")
                    stored.update(row["props_without_seniority"] if keep else props)
                for row in batch:
                    props = row["props"]
                    company = props.get("company_id")
                    if company is not None and company in nodes["Company"]:
                        works = _set_rel(graph, "WORKS_AT", (label, row["id"]), ("Company", company), {})
                        if props.get("title") is not None:
                            works["title"] = props["title"]
                    manager = props.get("reports_to_id")
                    if manager is not None and manager in nodes[label]:
                        line = _set_rel(graph, "REPORTS_TO", (label, row["id"]), (label, manager), {})
                        line.setdefault("kind", "solid")
            continue
        if kind == "touches":
            for row in rows:
                stored = nodes[label].setdefault(row["id"], {"id": row["id"]})
                stored.update(row["props"])
                stored["at"] = datetime.fromisoformat(row["at"]).replace(tzinfo=None)
                for person in row["person_ids"]:
                    if person in nodes["Person"]:
                        _set_rel(graph, "WITH", (label, row["id"]), ("Person", person), {})
                for rel_type, end_label, link in (("BY", "Rep", "rep_id"), ("ABOUT", "Deal", "deal_id")):
                    if row[link] is not None:
                        _move_link(graph, rel_type, row["id"], end_label, row[link])
            continue
        for row in rows:
            stored = nodes[label].setdefault(row["id"], {"id": row["id"]})
            stored.update(row["props"])
        if kind == "deals":
            for row in rows:
                props = row["props"]
                _move_link(graph, "FOR", row["id"], "Company", props["company_id"])
                if props.get("owner_rep_id") is not None:
                    _move_link(graph, "OWNED_BY", row["id"], "Rep", props["owner_rep_id"])
    # Companies: the industry and parent a company names last (links are followed to the end).
    for company_id, props in nodes["Company"].items():
        industry = props.get("industry")
        if industry is not None:
            nodes["Industry"].setdefault(industry, {"name": industry})
            _set_rel(graph, "IN_INDUSTRY", ("Company", company_id), ("Industry", industry), {})
        parent = props.get("parent_id")
        if parent is not None and parent in nodes["Company"]:
            _set_rel(graph, "SUBSIDIARY_OF", ("Company", company_id), ("Company", parent), {})
    ends = {
        "FOR": ("Deal", "Company"),
        "OWNED_BY": ("Deal", "Rep"),
        "BY": ("Touch", "Rep"),
        "ABOUT": ("Touch", "Deal"),
    }
    for rel_type, links in graph.single.items():
        for start, end in links.items():
            _set_rel(graph, rel_type, (ends[rel_type][0], start), (ends[rel_type][1], end), {})
    for alias in aliases:
        nodes["Alias"][f"{alias.kind}\x00{alias.id}"] = alias.model_dump()
    _touch_days(graph, migrated_at)
    nodes["Migration"]["touch_days"] = {"id": "touch_days", "done_at": migrated_at}
    return graph


def _move_link(graph: ImportGraph, rel_type: str, start: str, end_label: str, end: str) -> None:
    """A link that follows the current value (a deal's account, a touch's rep): the old one goes,
    the new one is made when its end exists."""
    if end in graph.nodes[end_label]:
        graph.single[rel_type][start] = end
    else:
        graph.single[rel_type].pop(start, None)


def _touch_days(graph: ImportGraph, written_at: datetime) -> None:
    """The TouchDay nodes: per (account, day), the aggregates of the touches with a person who works or
    worked at the account or sits on a committee of one of its deals (cypher/touch_days_read.cypher)."""
    accounts_of: dict[str, set[str]] = defaultdict(set)
    for person, company in graph.rels.get("WORKS_AT", {}):
        accounts_of[person].add(company)
    deal_account = graph.single["FOR"]
    for person, deal, *_ in graph.rels.get("IN_COMMITTEE", {}):
        if deal in deal_account:
            accounts_of[person].add(deal_account[deal])
    attendees: dict[str, list[str]] = defaultdict(list)
    for touch, person in graph.rels.get("WITH", {}):
        attendees[touch].append(person)
    rep_of = graph.single["BY"]
    groups: dict[tuple[str, date], list[Touch]] = defaultdict(list)
    for touch_id, props in graph.nodes.get("Touch", {}).items():
        people = attendees.get(touch_id)
        if not people:
            continue
        accounts = set().union(*(accounts_of.get(p, set()) for p in people))
        if not accounts:
            continue
        direction = props.get("direction")
        # Built without validation: these values came from validated records.
        touch = Touch.model_construct(
            id=touch_id,
            kind=TouchKind(props["kind"]),
            direction=Direction(direction) if direction else None,
            duration_s=props.get("duration_s"),
            at=props["at"],
            person_ids=sorted(people),
            rep_id=rep_of.get(touch_id),
        )
        day = props["at"].date()
        for account in accounts:
            groups[(account, day)].append(touch)
    for (account, day), touches in groups.items():
        columns = aggregate_touches(touches).columns()
        del columns["days"]
        reps = sorted(
            {a for a, pair in zip(columns["actors"], columns["pairs"], strict=True) if a and not pair}
        )
        graph.nodes["TouchDay"][f"{account}\x00{day.isoformat()}"] = {
            "company_id": account,
            "day": day,
            **columns,
            "reps": reps,
            "written_at": written_at,
        }


# --- files -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportFiles:
    """The header and data files written for the importer, per label and per relationship type."""

    folder: Path
    nodes: dict[str, tuple[Path, Path]]
    relationships: dict[str, tuple[Path, Path]]
    node_count: int
    relationship_count: int


def _type_of(values: Iterable[Any]) -> str:
    """The importer's type of one property from its values (an empty list says nothing)."""
    kinds: set[str] = set()
    lists = False
    for value in values:
        if isinstance(value, list):
            lists = True
            if value:  # a model's list holds one type: its first element tells
                kinds.add(f"{_scalar_type(value[0])}[]")
        else:
            kinds.add(_SCALAR_TYPES.get(type(value)) or _scalar_type(value))
    if not kinds:
        return "string[]" if lists else "string"
    if kinds <= {"long", "double"} or kinds <= {"long[]", "double[]"}:
        return sorted(kinds)[0]  # double sorts before long: mixed numbers as doubles
    if len(kinds) > 1:
        raise InvalidInputError(f"a property holds values of several types ({', '.join(sorted(kinds))})")
    return kinds.pop()


_SCALAR_TYPES: dict[type, str] = {bool: "boolean", int: "long", float: "double", str: "string", date: "date"}


def _scalar_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, datetime):
        return "localdatetime" if value.tzinfo is None else "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, str):
        return "string"
    raise InvalidInputError(f"a property of type {type(value).__name__} cannot be imported")


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind.endswith("[]"):
        inner = kind[:-2]
        parts = [_plain(v, inner) for v in value]
        if any(ARRAY_DELIMITER in p for p in parts):
            raise InvalidInputError("a list value holds the control character U+001F")
        return _quote(ARRAY_DELIMITER.join(parts))
    if kind == "string":
        return _quote(value)
    return _plain(value, kind)


def _plain(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("date", "localdatetime", "datetime"):
        return str(value.isoformat())
    if kind == "double":
        return repr(float(value))
    return str(value)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write_table(
    folder: Path,
    name: str,
    id_header: list[str],
    keys: list[tuple[Any, ...]],
    rows: list[dict[str, Any]],
    skip: frozenset[str] = frozenset(),
) -> tuple[Path, Path]:
    columns = sorted({k for row in rows for k, v in row.items() if v is not None} - skip)
    types = {c: _type_of(row[c] for row in rows if row.get(c) is not None) for c in columns}
    header = folder / f"{name}.header.csv"
    data = folder / f"{name}.csv"
    header.write_text(",".join([*id_header, *(f"{c}:{types[c]}" for c in columns)]) + "\n", encoding="utf-8")
    with data.open("w", encoding="utf-8", newline="") as fh:
        for key, row in zip(keys, rows, strict=True):
            cells = [_quote(str(k)) for k in key]
            cells.extend(_cell(row.get(c), types[c]) for c in columns)
            fh.write(",".join(cells))
            fh.write("\n")
    return header, data


def write_import_files(graph: ImportGraph, folder: Path) -> ImportFiles:
    """Write one header file and one data file per label and relationship type into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    node_files: dict[str, tuple[Path, Path]] = {}
    rel_files: dict[str, tuple[Path, Path]] = {}
    for label, members in sorted(graph.nodes.items()):
        if not members:
            continue
        keys: list[tuple[Any, ...]] = [(key,) for key in members]
        rows = list(members.values())
        if label in ("Alias", "TouchDay", "Migration", "Industry"):
            node_files[label] = _write_table(folder, f"nodes-{label}", [f":ID({label})"], keys, rows)
        else:  # the id property is the import id (a string, in the label's own id space)
            node_files[label] = _write_table(
                folder, f"nodes-{label}", [f"id:ID({label})"], keys, rows, skip=frozenset({"id"})
            )
    for rel_type, links in sorted(graph.rels.items()):
        if not links:
            continue
        start, end = graph.ends[rel_type]
        keys = [(key[0], key[1]) for key in links]
        rel_files[rel_type] = _write_table(
            folder, f"rels-{rel_type}", [f":START_ID({start})", f":END_ID({end})"], keys, list(links.values())
        )
    return ImportFiles(folder, node_files, rel_files, graph.node_count(), graph.rel_count())


def import_arguments(files: ImportFiles, database: str, *, relative: bool = False) -> list[str]:
    """The arguments of `neo4j-admin database import full` for these files (after `import full`)."""

    def name(path: Path) -> str:
        return os.path.relpath(path, files.folder) if relative else str(path)

    args = [f"--nodes={label}={name(header)},{name(data)}" for label, (header, data) in files.nodes.items()]
    args += [
        f"--relationships={rel_type}={name(header)},{name(data)}"
        for rel_type, (header, data) in files.relationships.items()
    ]
    return [
        *args,
        f"--array-delimiter={_ARRAY_DELIMITER_ARG}",
        "--multiline-fields=true",
        "--overwrite-destination=true",
        database,
    ]
