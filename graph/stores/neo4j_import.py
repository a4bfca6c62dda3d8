"""Files for Neo4j's offline importer (`neo4j-admin database import full`): a first load at bulk speed.

`write_import_files` writes, as header and data files, the graph that the online ingest
(`Neo4jStore.upsert`, batch by batch in the loader's order, into an empty database) would leave
behind: the same nodes, merged properties, relationships (only to records that exist, in the order
they came to exist), daily touch aggregates, aliases and bookkeeping; `import_arguments` gives the
importer's arguments for them. The store's own writes stay the reference: tests compare a graph
loaded both ways (tests/neo4j/test_initial_load.py).

Touches, by far the most records, are streamed: touches held as columns (graph/touch_columns.py)
are written a chunk at a time by pyarrow's CSV writer, touch records row by row, and the daily
aggregates are made walking what they need of each touch in day order, so no record is built per
touch held as columns and only one day's aggregate counters are held at a time. The other
records (accounts, people, deals and their links: a few per account) are merged in memory first,
as the online MERGEs merge them. Each data file is written row by row and its header last, once
every value's type is known.

What the online ingest does after its writes (marking changed accounts, moving the store version)
the caller does through `Neo4jStore` once the imported database is up, with the same queries.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any

from graph.analyses.rules import TouchRowKey, add_touch_rows, touch_row_columns
from graph.errors import InvalidInputError
from graph.model import Alias, Record, Touch
from graph.search import SEARCHED_FIELDS, search_key
from graph.stores.neo4j import _KEY_FIELDS, _SEARCHED_LABELS, _row
from graph.touch_columns import TouchColumns, Touches, repeated_ids

__all__ = ["ImportFiles", "write_import_files", "import_arguments"]

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
#: Links a record has at most one of, following its current value: type -> (start label, end label).
_SINGLE_ENDS = {"FOR": ("Deal", "Company"), "OWNED_BY": ("Deal", "Rep")}
#: A Touch node's properties: every field of the model but the ones that become links.
_TOUCH_COLUMNS = tuple(f for f in Touch.model_fields if f not in _KEY_FIELDS["touches"])
#: A TouchDay node's properties, in file order.
_TOUCH_DAY_COLUMNS = (
    "company_id",
    "day",
    "actors",
    "persons",
    "pairs",
    "kinds",
    "directions",
    "counts",
    "seconds",
    "untimed",
    "reps",
    "written_at",
)
_TOUCH_DAY_KINDS = (
    "string",
    "date",
    "string[]",
    "string[]",
    "boolean[]",
    "string[]",
    "string[]",
    "long[]",
    "long[]",
    "long[]",
    "string[]",
    "localdatetime",
)


@dataclass
class _Graph:
    """The records other than touches, merged as the online MERGEs merge them: nodes per label
    (key -> properties) and relationships per type ((start, end, *key) -> properties)."""

    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    rels: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    #: Start and end labels of each relationship type.
    ends: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Links a record has at most one of (a deal's FOR and OWNED_BY): type -> start -> end.
    single: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))


def _set_rel(
    graph: _Graph,
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


def _move_link(graph: _Graph, rel_type: str, start: str, end_label: str, end: str) -> None:
    """A link that follows the current value (a deal's account or owner): the old one goes, the new
    one is made when its end exists."""
    if end in graph.nodes[end_label]:
        graph.single[rel_type][start] = end
    else:
        graph.single[rel_type].pop(start, None)


def _merge_records(graph: _Graph, kind: str, records: Sequence[Record], batch_size: int) -> None:
    """Merge one kind's records (not touches) into `graph` as the online upserts would."""
    nodes = graph.nodes
    rows = (_row(kind, record) for record in records)
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
        return
    label = _LABELS[kind]
    if kind == "people":
        for offset in range(0, len(records), batch_size):
            batch = [_row(kind, record) for record in records[offset : offset + batch_size]]
            for row in batch:  # every MERGE of a batch comes before its MATCHes
                stored = nodes[label].setdefault(row["id"], {"id": row["id"]})
                props = row["props"]
                keep = props.get("seniority_source") == "inferred" and stored.get("seniority_source") not in (
                    None,
                    "inferred",
                )
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
        return
    listed = list(rows)
    for row in listed:
        stored = nodes[label].setdefault(row["id"], {"id": row["id"]})
        stored.update(row["props"])
    if kind == "deals":
        for row in listed:
            props = row["props"]
            _move_link(graph, "FOR", row["id"], "Company", props["company_id"])
            if props.get("owner_rep_id") is not None:
                _move_link(graph, "OWNED_BY", row["id"], "Rep", props["owner_rep_id"])


def _finish_graph(graph: _Graph, aliases: Sequence[Alias], migrated_at: datetime) -> None:
    """What follows from the merged records: industries, parents, single links, aliases, bookkeeping."""
    nodes = graph.nodes
    # Companies: the industry and parent a company names last (links are followed to the end).
    for company_id, props in nodes["Company"].items():
        industry = props.get("industry")
        if industry is not None:
            nodes["Industry"].setdefault(industry, {"name": industry})
            _set_rel(graph, "IN_INDUSTRY", ("Company", company_id), ("Industry", industry), {})
        parent = props.get("parent_id")
        if parent is not None and parent in nodes["Company"]:
            _set_rel(graph, "SUBSIDIARY_OF", ("Company", company_id), ("Company", parent), {})
    for rel_type, links in graph.single.items():
        start_label, end_label = _SINGLE_ENDS[rel_type]
        for start, end in links.items():
            _set_rel(graph, rel_type, (start_label, start), (end_label, end), {})
    # Searched nodes: the search key of their values after the last merge, as the online writes
    # leave it (graph/search.py); with the Migration node below, no backfill runs when the store opens.
    for label in _SEARCHED_LABELS.values():
        for props in nodes[label].values():
            props["search_key"] = search_key(*[props.get(f) for f in SEARCHED_FIELDS])
    for alias in aliases:
        nodes["Alias"][f"{alias.kind}\x00{alias.id}"] = alias.model_dump()
    # The one-time migrations a store runs when it opens, done: a new database has nothing to migrate.
    for migration in ("touch_days", "search_keys"):
        nodes["Migration"][migration] = {"id": migration, "done_at": migrated_at}


# --- files -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportFiles:
    """The header and data files written for the importer, per label and per relationship type."""

    folder: Path
    nodes: dict[str, tuple[Path, Path]]
    relationships: dict[str, tuple[Path, Path]]
    node_count: int
    relationship_count: int
    #: Records handed in per kind (as the online upserts count them).
    loaded: dict[str, int] = field(default_factory=dict)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _list_cell(values: list[Any]) -> str:
    """A list as one quoted cell, its elements joined by ARRAY_DELIMITER (a model's list holds one
    type: the first element tells)."""
    if not values:
        return '""'
    first = type(values[0])
    if first is str:
        parts: Iterable[str] = values
    elif first is int or first is float:
        parts = map(repr, values)
    elif first is bool:
        parts = map(_boolean, values)
    else:
        parts = (_ELEMENT_FORMATS.get(type(v), str)(v) for v in values)
    joined = ARRAY_DELIMITER.join(parts)
    if ARRAY_DELIMITER in joined and joined.count(ARRAY_DELIMITER) != len(values) - 1:
        raise InvalidInputError("a list value holds the control character U+001F")
    return _quote(joined)


_ELEMENT_FORMATS: dict[type, Callable[[Any], str]] = {
    bool: _boolean,
    int: repr,
    float: repr,
    date: date.isoformat,
    datetime: datetime.isoformat,
}
#: How a cell is written, by the exact type of its value (str subclasses, the enums, are added as met).
_FORMATS: dict[type, Callable[[Any], str]] = {
    str: _quote,
    bool: _boolean,
    int: repr,
    float: repr,
    date: date.isoformat,
    datetime: datetime.isoformat,
    list: _list_cell,
}


def _text_list(values: list[str]) -> str:
    """A list of texts as one quoted cell (ids, kinds: texts without control characters, checked)."""
    joined = ARRAY_DELIMITER.join(values)
    if ARRAY_DELIMITER in joined and joined.count(ARRAY_DELIMITER) != len(values) - 1:
        raise InvalidInputError("a list value holds the control character U+001F")
    return _quote(joined)


#: The importer's type of a value, by the exact type of the value (datetimes and lists: see `_Table`).
_KINDS: dict[type, str] = {str: "string", bool: "boolean", int: "long", float: "double", date: "date"}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    kind = type(value)
    fmt = _FORMATS.get(kind)
    if fmt is None:
        if not isinstance(value, str):
            raise InvalidInputError(f"a property of type {kind.__name__} cannot be imported")
        fmt = _FORMATS[kind] = _quote  # an enum of text values: written as its value
    return fmt(value)


def _scalar_kind(value: Any) -> str:
    if isinstance(value, datetime):
        return "localdatetime" if value.tzinfo is None else "datetime"
    kind = _KINDS.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, str):
        return "string"
    raise InvalidInputError(f"a property of type {type(value).__name__} cannot be imported")


class _Table:
    """One data file, written row by row; its header is written by `close`, once the type of every
    column is known from its values (mixed whole and decimal numbers are doubles)."""

    _FLUSH = 20_000

    def __init__(
        self,
        folder: Path,
        name: str,
        id_header: Sequence[str],
        columns: Sequence[str],
        kinds: Sequence[str] | None = None,
    ) -> None:
        self.header = folder / f"{name}.header.csv"
        self.data = folder / f"{name}.csv"
        self.id_header = list(id_header)
        self.columns = list(columns)
        #: The importer's type of each column when the writer knows it (rows come as cells: `add_cells`).
        self.declared = None if kinds is None else list(kinds)
        self.count = 0
        self._fh = self.data.open("w", encoding="utf-8", newline="")
        self._lines: list[str] = []
        #: The distinct tuples of value types met (a handful per file): each column's types.
        self._shapes: set[tuple[type, ...]] = set()
        #: Columns holding datetimes or lists, whose importer type needs a look at the values.
        self._inspect: list[int] = []
        self._kinds: list[set[str]] = [set() for _ in self.columns]
        self._lists: set[int] = set()

    def add_cells(self, line: str) -> None:
        """One row already written as cells, in a table of declared types."""
        self._lines.append(line)
        self.count += 1
        if len(self._lines) >= self._FLUSH:
            self._flush()

    def add_text(self, text: str, rows: int) -> None:
        """Rows already written as CSV text (each ending in a line break), in a table whose column
        types were noted (`note`) or declared."""
        self._flush()
        self._fh.write(text)
        self.count += rows

    def note(self, values: Sequence[Any]) -> None:
        """Values of one row, for the column types in the header (the row is written elsewhere)."""
        shape = tuple(map(type, values))
        if shape not in self._shapes:
            self._shapes.add(shape)
            self._inspect = sorted(
                {i for s in self._shapes for i, t in enumerate(s) if t is list or t is datetime}
            )
        for i in self._inspect:
            value = values[i]
            if type(value) is list:
                self._lists.add(i)
                if value:
                    self._kinds[i].add(_scalar_kind(value[0]) + "[]")
            elif value is not None:
                self._kinds[i].add(_scalar_kind(value))

    def add(self, keys: Sequence[str], values: Sequence[Any]) -> None:
        """One row: its import ids (the node's id, or a relationship's start and end) and values."""
        self.note(values)
        self._lines.append(",".join([*map(_quote, keys), *map(_cell, values)]))
        self.count += 1
        if len(self._lines) >= self._FLUSH:
            self._flush()

    def _flush(self) -> None:
        if self._lines:
            self._fh.write("\n".join(self._lines))
            self._fh.write("\n")
            self._lines.clear()

    def _column_kind(self, i: int) -> str:
        kinds = set(self._kinds[i])
        for shape in self._shapes:
            kind = shape[i]
            if kind is type(None) or kind is list or kind is datetime:
                continue
            kinds.add(_KINDS.get(kind) or ("string" if issubclass(kind, str) else kind.__name__))
        if not kinds:
            return "string[]" if i in self._lists else "string"
        if kinds <= {"long", "double"} or kinds <= {"long[]", "double[]"}:
            return sorted(kinds)[0]  # double sorts before long: mixed numbers as doubles
        if len(kinds) > 1:
            raise InvalidInputError(f"a property holds values of several types ({', '.join(sorted(kinds))})")
        return kinds.pop()

    def abort(self) -> None:
        self._lines.clear()
        self._fh.close()

    def close(self) -> tuple[Path, Path]:
        self._flush()
        self._fh.close()
        kinds = self.declared or [self._column_kind(i) for i in range(len(self.columns))]
        header = [*self.id_header, *(f"{c}:{k}" for c, k in zip(self.columns, kinds, strict=True))]
        self.header.write_text(",".join(header) + "\n", encoding="utf-8")
        return self.header, self.data


class _Files:
    """The tables of one import folder, opened as they are first written to."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.nodes: dict[str, _Table] = {}
        self.rels: dict[str, _Table] = {}

    def node_table(
        self,
        label: str,
        columns: Sequence[str],
        *,
        id_property: bool = True,
        kinds: Sequence[str] | None = None,
    ) -> _Table:
        """A label's table; with `id_property` the import id is also the `id` property (a string in
        the label's own id space), else it is only the importer's key."""
        id_header = f"id:ID({label})" if id_property else f":ID({label})"
        table = self.nodes[label] = _Table(self.folder, f"nodes-{label}", [id_header], columns, kinds)
        return table

    def rel_table(
        self, rel_type: str, start: str, end: str, columns: Sequence[str], kinds: Sequence[str] | None = None
    ) -> _Table:
        table = self.rels[rel_type] = _Table(
            self.folder, f"rels-{rel_type}", [f":START_ID({start})", f":END_ID({end})"], columns, kinds
        )
        return table

    def abort(self) -> None:
        """Close every data file without writing headers (the files are of no use)."""
        for table in [*self.nodes.values(), *self.rels.values()]:
            table.abort()

    def close(self, loaded: Mapping[str, int]) -> ImportFiles:
        node_files = {label: t.close() for label, t in sorted(self.nodes.items()) if t.count}
        rel_files = {rel_type: t.close() for rel_type, t in sorted(self.rels.items()) if t.count}
        for table in [*self.nodes.values(), *self.rels.values()]:
            if not table.count:
                table.abort()
                table.data.unlink(missing_ok=True)
        return ImportFiles(
            self.folder,
            node_files,
            rel_files,
            sum(t.count for t in self.nodes.values()),
            sum(t.count for t in self.rels.values()),
            dict(loaded),
        )


def _write_merged(files: _Files, graph: _Graph) -> None:
    """The merged nodes and relationships (everything but touches and their aggregates)."""
    for label, members in sorted(graph.nodes.items()):
        if not members:
            continue
        id_property = label not in ("Alias", "TouchDay", "Migration", "Industry")
        columns = sorted({k for props in members.values() for k, v in props.items() if v is not None})
        if id_property:
            columns.remove("id")
        table = files.node_table(label, columns, id_property=id_property)
        for node_id, props in members.items():
            table.add((node_id,), [props.get(c) for c in columns])
    for rel_type, links in sorted(graph.rels.items()):
        if not links:
            continue
        columns = sorted({k for props in links.values() for k, v in props.items() if v is not None})
        table = files.rel_table(rel_type, *graph.ends[rel_type], columns)
        for link, props in links.items():
            table.add((link[0], link[1]), [props.get(c) for c in columns])


def _accounts_of_people(graph: _Graph) -> dict[str, set[str]]:
    """Per person, the accounts whose touch aggregates their touches count in: where they work or
    worked, and the accounts of the deals on whose committees they sit (cypher/touch_days_read.cypher)."""
    accounts_of: dict[str, set[str]] = defaultdict(set)
    for person, company in graph.rels.get("WORKS_AT", {}):
        accounts_of[person].add(company)
    deal_account = graph.single["FOR"]
    for person, deal, *_ in graph.rels.get("IN_COMMITTEE", {}):
        if deal in deal_account:
            accounts_of[person].add(deal_account[deal])
    return accounts_of


#: One touch as written: its property values (in _TOUCH_COLUMNS order), people present (sorted,
#: existing), rep and deal (existing, else None).
_Effective = tuple[list[Any], list[str], str | None, str | None]


def _merged_duplicates(
    touches: Sequence[Touch], people: Mapping[str, Any], reps: Mapping[str, Any], deals: Mapping[str, Any]
) -> dict[str, _Effective]:
    """Touches whose id comes more than once, merged in order as the online writes merge them: the
    last value of each property, every person present, the last rep and deal given."""
    repeated = repeated_ids(touch.id for touch in touches)
    if not repeated:
        return {}
    values_of = attrgetter(*_TOUCH_COLUMNS)
    props: dict[str, dict[str, Any]] = defaultdict(dict)
    present: dict[str, set[str]] = defaultdict(set)
    links: dict[str, dict[str, str | None]] = defaultdict(dict)
    for touch in touches:
        if touch.id not in repeated:
            continue
        merged = props[touch.id]
        for column, value in zip(_TOUCH_COLUMNS, values_of(touch), strict=True):
            if value is not None:
                merged[column] = value
        present[touch.id].update(p for p in touch.person_ids if p in people)
        for link, end, ends in (("rep", touch.rep_id, reps), ("deal", touch.deal_id, deals)):
            if end is not None:
                links[touch.id][link] = end if end in ends else None
    return {
        touch_id: (
            [props[touch_id].get(c) for c in _TOUCH_COLUMNS],
            sorted(present[touch_id]),
            links[touch_id].get("rep"),
            links[touch_id].get("deal"),
        )
        for touch_id in repeated
    }


def _write_touches(files: _Files, records: Sequence[Record], graph: _Graph, written_at: datetime) -> None:
    """Touch nodes, their WITH, BY and ABOUT links, and the TouchDay nodes.

    Touches held as columns (a `Touches` of graph/touch_columns.py) are written a chunk at a time by
    pyarrow's CSV writer, with no per-cell formatting in Python; touch records (and every row of an
    id that comes more than once, merged as the online writes merge them) row by row. A TouchDay
    node holds, per (account, day), the aggregates (graph.analyses.rules) of the touches with a
    person who works or worked at the account or sits on a committee of one of its deals; walking
    the touches day by day, only the current day's counters are held.
    """
    people, reps, deals = graph.nodes["Person"], graph.nodes["Rep"], graph.nodes["Deal"]
    accounts_of = _accounts_of_people(graph)
    touch_table = files.node_table("Touch", _TOUCH_COLUMNS)
    with_table = files.rel_table("WITH", "Touch", "Person", (), ())
    by_table = files.rel_table("BY", "Touch", "Rep", (), ())
    about_table = files.rel_table("ABOUT", "Touch", "Deal", (), ())
    day_table = files.node_table("TouchDay", _TOUCH_DAY_COLUMNS, id_property=False, kinds=_TOUCH_DAY_KINDS)
    written_cell = written_at.isoformat()
    at_column, kind_column, direction_column, duration_column = map(
        _TOUCH_COLUMNS.index, ("at", "kind", "direction", "duration_s")
    )
    values_of = attrgetter(*_TOUCH_COLUMNS)
    parts: Sequence[Record | TouchColumns] = records.parts if isinstance(records, Touches) else records
    # An id that comes more than once anywhere is merged row by row (in the order of its rows).
    repeated = repeated_ids(
        chain.from_iterable(
            part.id if isinstance(part, TouchColumns) else (getattr(part, "id"),)  # noqa: B009
            for part in parts
        )
    )
    touches: list[Touch] = []
    chunks: list[TouchColumns] = []
    for part in parts:
        if not isinstance(part, TouchColumns):
            assert isinstance(part, Touch)
            touches.append(part)
            continue
        if repeated and not repeated.isdisjoint(part.id):
            again = [i for i, touch_id in enumerate(part.id) if touch_id in repeated]
            touches.extend(part.record(i) for i in again)
            part = part.take(sorted(set(range(len(part))) - set(again)))
        if len(part):
            chunks.append(part)
    merged = _merged_duplicates(touches, people, reps, deals)

    # What the aggregates need of each touch, walked in day order at the end (a column each).
    days: list[int] = []
    present_of: list[list[str]] = []
    rep_of: list[str | None] = []
    kind_of: list[str] = []
    direction_of: list[str] = []
    seconds_of: list[int] = []

    def remember(
        at: datetime, present: list[str], rep: str | None, kind: Any, direction: Any, seconds: int | None
    ) -> None:
        """What the daily aggregates need of a touch with people present."""
        days.append(at.toordinal())
        present_of.append(present)
        rep_of.append(rep)
        kind_of.append(kind.value)
        direction_of.append(direction.value if direction else "")
        seconds_of.append(seconds or 0)

    written: set[str] = set()
    for touch in touches:
        touch_id = touch.id
        effective = merged.get(touch_id) if merged else None
        if effective is None:
            values = list(values_of(touch))
            present = sorted({p for p in touch.person_ids if p in people})
            rep = touch.rep_id if touch.rep_id in reps else None
            deal = touch.deal_id if touch.deal_id in deals else None
        else:
            if touch_id in written:
                continue
            written.add(touch_id)
            values, present, rep, deal = effective
            values = list(values)
        at = values[at_column]
        values[at_column] = at.replace(tzinfo=None)  # a local time, as the online write stores it
        touch_table.add((touch_id,), values)
        touch_cell = _quote(touch_id)
        for person in present:
            with_table.add_cells(f"{touch_cell},{_quote(person)}")
        if rep is not None:
            by_table.add_cells(f"{touch_cell},{_quote(rep)}")
        if deal is not None:
            about_table.add_cells(f"{touch_cell},{_quote(deal)}")
        if present:  # a repeated touch counts on the day of its last time
            remember(at, present, rep, values[kind_column], values[direction_column], values[duration_column])
    del touches, merged, written

    for chunk in chunks:
        present_lists = [  # a single attendee's list is the chunk's own (no new list per touch)
            (ids if ids[0] in people else []) if len(ids) == 1 else sorted({p for p in ids if p in people})
            for ids in chunk.person_ids
        ]
        chunk_reps = [rep if rep in reps else None for rep in chunk.rep_id]
        chunk_deals = [deal if deal in deals else None for deal in chunk.deal_id]
        _write_touch_chunk(
            touch_table, with_table, by_table, about_table, chunk, present_lists, chunk_reps, chunk_deals
        )
        for index, present in enumerate(present_lists):
            if present:
                remember(
                    chunk.at[index],
                    present,
                    chunk_reps[index],
                    chunk.kind[index],
                    chunk.direction[index],
                    chunk.duration_s[index],
                )
    del chunks

    groups: dict[str, dict[TouchRowKey, list[int]]] = {}
    current_day = -1

    def flush(day: int) -> None:
        if not groups:
            return
        iso_day = date.fromordinal(day).isoformat()
        for account, rows in groups.items():
            actors, persons, pairs, _, kinds, directions, counts, seconds, untimed = touch_row_columns(rows)
            touch_reps = sorted({a for a, pair in zip(actors, pairs, strict=True) if a and not pair})
            day_table.add_cells(
                ",".join(
                    (
                        _quote(f"{account}\x00{iso_day}"),
                        _quote(account),
                        iso_day,
                        _text_list(actors),
                        _text_list(persons),
                        _quote(ARRAY_DELIMITER.join(["true" if p else "false" for p in pairs])),
                        _text_list(kinds),
                        _text_list(directions),
                        _quote(ARRAY_DELIMITER.join(map(str, counts))),
                        _quote(ARRAY_DELIMITER.join(map(str, seconds))),
                        _quote(ARRAY_DELIMITER.join(map(str, untimed))),
                        _text_list(touch_reps),
                        written_cell,
                    )
                )
            )
        groups.clear()

    for index in sorted(range(len(days)), key=days.__getitem__):
        day = days[index]
        if day != current_day:
            flush(current_day)
            current_day = day
        present = present_of[index]
        accounts = set().union(*(accounts_of.get(p, ()) for p in present))
        if not accounts:
            continue
        kind, direction, seconds, rep = kind_of[index], direction_of[index], seconds_of[index], rep_of[index]
        for account in accounts:
            rows = groups.get(account)
            if rows is None:
                rows = groups[account] = {}
            add_touch_rows(
                rows,
                day=day,
                kind=kind,
                direction=direction,
                seconds=seconds,
                rep=rep or "",
                people=present,
            )
    flush(current_day)


def _write_touch_chunk(
    touch_table: _Table,
    with_table: _Table,
    by_table: _Table,
    about_table: _Table,
    chunk: TouchColumns,
    present: list[list[str]],
    reps: list[str | None],
    deals: list[str | None],
) -> None:
    """One chunk of touches held as columns: its Touch rows and links, written by pyarrow's CSV
    writer (a cell is quoted only where it needs to be; a missing value is an empty cell, as in the
    rows written one at a time)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    def write(table: _Table, columns: dict[str, pa.Array], rows: int) -> None:
        if rows:
            out = pa.BufferOutputStream()
            options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
            pacsv.write_csv(pa.table(columns), out, options)
            table.add_text(out.getvalue().to_pybytes().decode("utf-8"), rows)

    # The values' types, for the header (each column holds one type, or nothing).
    table_values: dict[str, list[Any]] = {"at": chunk.at, "kind": chunk.kind, "direction": chunk.direction}
    table_values |= {"duration_s": chunk.duration_s, "source": chunk.source, "subject": chunk.subject}
    touch_table.note([next((v for v in table_values[c] if v is not None), None) for c in _TOUCH_COLUMNS])
    columns: dict[str, pa.Array] = {"id": pa.array(chunk.id, pa.string())}
    for name in _TOUCH_COLUMNS:
        values: list[Any] = table_values[name]
        if name == "at":  # whole seconds (checked when read): datetime.isoformat writes no fraction
            array = pc.strftime(pa.array(values, pa.timestamp("s")), format="%Y-%m-%dT%H:%M:%S")
        elif name in ("kind", "direction"):
            array = pa.array([v.value if v is not None else None for v in values], pa.string())
        elif name == "duration_s":
            array = pa.array(values, pa.int64())
        else:
            array = pa.array(values, pa.string())
        columns[name] = array
    write(touch_table, columns, len(chunk))
    starts = [touch_id for touch_id, ids in zip(chunk.id, present, strict=True) for _ in ids]
    ends = [person for ids in present for person in ids]
    write(with_table, {"start": pa.array(starts, pa.string()), "end": pa.array(ends, pa.string())}, len(ends))
    for table, links in ((by_table, reps), (about_table, deals)):
        pairs = [(touch_id, end) for touch_id, end in zip(chunk.id, links, strict=True) if end is not None]
        write(
            table,
            {
                "start": pa.array([p[0] for p in pairs], pa.string()),
                "end": pa.array([p[1] for p in pairs], pa.string()),
            },
            len(pairs),
        )


def write_import_files(
    by_kind: Mapping[str, Sequence[Record]],
    aliases: Sequence[Alias],
    folder: Path,
    *,
    order: Sequence[str],
    batch_size: int,
    migrated_at: datetime,
) -> ImportFiles:
    """Write one header file and one data file per label and relationship type into `folder`: the
    graph the online ingest writes into an empty Neo4j database.

    `by_kind` holds the resolved records in the loader's order, written kind by kind in `order`
    (touches last) and in batches of `batch_size` (a person's manager must exist when its batch is
    written, as the online `MATCH` requires). `migrated_at` (a server-local time without zone, as
    Cypher's `localdatetime()`) stamps the Migration node a new store writes when it opens and the
    TouchDay nodes.
    """
    if "touches" in order and list(order)[-1] != "touches":
        raise ValueError("touches are written last")
    folder.mkdir(parents=True, exist_ok=True)
    graph = _Graph()
    loaded: dict[str, int] = defaultdict(int)
    files = _Files(folder)
    touches: Sequence[Record] = ()
    for kind in order:
        records = by_kind.get(kind, ())
        if not records:
            continue
        loaded[kind] += len(records)
        if kind == "touches":
            touches = records
        else:
            _merge_records(graph, kind, records, batch_size)
    _finish_graph(graph, aliases, migrated_at)
    try:
        _write_touches(files, touches, graph, migrated_at)
        _write_merged(files, graph)
    except BaseException:
        files.abort()
        raise
    return files.close(loaded)


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
