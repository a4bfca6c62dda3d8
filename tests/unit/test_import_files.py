"""The offline importer's files (graph/stores/neo4j_import.py): what the online ingest would write into
an empty database, as header and data files; the real comparison runs against Neo4j
(tests/neo4j/test_initial_load.py)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.initial_load import is_aura
from graph.analyses.rules import aggregate_touches
from graph.errors import InvalidInputError
from graph.model import WRITE_ORDER, Alias, Company, Deal, Employment, Person, Record, Rep, Touch
from graph.search import search_key
from graph.stores.neo4j_import import ImportFiles, import_arguments, write_import_files
from graph.touch_columns import TOUCH_FIELDS, TouchColumns, Touches

AT = datetime(2026, 1, 2, 3, 4, 5)

Table = dict[tuple[str, ...], dict[str, str]]


def _records() -> dict[str, list[Record]]:
    return {
        "companies": [
            Company(id="c1", name='Acme "One"', industry="Retail"),
            Company(id="c2", name="Sub", parent_id="c1"),
        ],
        "people": [
            Person(id="p1", name="Ann", company_id="c1", reports_to_id="p2", title="CTO"),
            Person(id="p2", name="Bo", company_id="c1"),
        ],
        "reps": [Rep(id="r1", name="Rita")],
        "deals": [Deal(id="d1", company_id="c1", owner_rep_id="r1"), Deal(id="d2", company_id="gone")],
        "touches": [
            Touch(
                id="t1",
                at="2026-01-02T10:00:00",
                kind="meeting",
                person_ids=["p1", "p2", "nobody"],
                rep_id="r1",
            ),
            Touch(id="t2", at="2026-01-02T11:00:00", kind="web_visit", person_ids=["p2"]),
        ],
    }


def _write(
    folder: Path, by_kind: dict[str, list[Record]] | None = None, *, batch_size: int = 10_000
) -> ImportFiles:
    aliases = [Alias(kind="companies", id="old", into="c1", reason="same domain")]
    return write_import_files(
        _records() if by_kind is None else by_kind,
        aliases,
        folder,
        order=WRITE_ORDER,
        batch_size=batch_size,
        migrated_at=AT,
    )


def _read(paths: tuple[Path, Path], keys: int) -> Table:
    """A data file as {import ids: {property: cell}} (cells as written; empty cells left out)."""
    header, data = paths
    names = [column.split(":")[0] for column in header.read_text(encoding="utf-8").strip().split(",")]
    table: Table = {}
    with data.open(encoding="utf-8", newline="") as fh:
        for cells in csv.reader(fh):
            props = {n: c for n, c in zip(names[keys:], cells[keys:], strict=True) if c != ""}
            table[tuple(cells[:keys])] = props
    return table


def _nodes(files: ImportFiles, label: str) -> Table:
    return _read(files.nodes[label], 1)


def _rels(files: ImportFiles, rel_type: str) -> Table:
    return _read(files.relationships[rel_type], 2) if rel_type in files.relationships else {}


def test_the_graph_follows_the_online_rules(tmp_path: Path) -> None:
    files = _write(tmp_path)
    assert set(_nodes(files, "Company")) == {("c1",), ("c2",)}
    assert set(_rels(files, "SUBSIDIARY_OF")) == {("c2", "c1")}
    assert set(_rels(files, "IN_INDUSTRY")) == {("c1", "Retail")}
    assert _rels(files, "WORKS_AT")[("p1", "c1")] == {"title": "CTO"}
    assert _rels(files, "REPORTS_TO")[("p1", "p2")] == {"kind": "solid"}  # the manager is in the batch
    assert set(_rels(files, "FOR")) == {("d1", "c1")}  # d2's account does not exist: no link
    assert set(_rels(files, "WITH")) == {("t1", "p1"), ("t1", "p2"), ("t2", "p2")}
    assert set(_rels(files, "BY")) == {("t1", "r1")}
    assert _nodes(files, "Touch")[("t1",)]["at"] == "2026-01-02T10:00:00"
    (day,) = _nodes(files, "TouchDay").values()
    assert day["company_id"] == "c1" and day["reps"] == "r1" and day["written_at"] == AT.isoformat()
    assert files.loaded["deals"] == 2  # records handed in, as the online upsert counts them
    assert files.node_count == sum(len(_nodes(files, label)) for label in files.nodes)


def test_a_manager_in_a_later_batch_is_not_linked_as_online(tmp_path: Path) -> None:
    files = _write(tmp_path, batch_size=1)
    assert ("p1", "p2") not in _rels(files, "REPORTS_TO")


def test_files_have_typed_headers_and_quoted_cells(tmp_path: Path) -> None:
    files = _write(tmp_path)
    header, data = files.nodes["Company"]
    assert header.read_text().strip().split(",")[0] == "id:ID(Company)"
    assert '"Acme ""One"""' in data.read_text()
    touch_header = files.nodes["Touch"][0].read_text()
    assert "at:localdatetime" in touch_header and "kind:string" in touch_header
    assert "counts:long[]" in files.nodes["TouchDay"][0].read_text()
    assert "pairs:boolean[]" in files.nodes["TouchDay"][0].read_text()
    args = import_arguments(files, "neo4j", relative=True)
    assert args[-1] == "neo4j" and "--overwrite-destination=true" in args
    assert any(a.startswith("--relationships=WITH=rels-WITH.header.csv,rels-WITH.csv") for a in args)


def test_searched_nodes_carry_their_search_key_and_the_migrations_are_done(tmp_path: Path) -> None:
    # The online writes give every Company, Person, Rep and Deal its search key; written here too,
    # the store's one-time backfill has nothing to do after the import (its Migration node is there).
    files = _write(tmp_path)
    ann = _nodes(files, "Person")[("p1",)]
    assert ann["search_key"] == search_key("Ann", None, None, "CTO", "p1")
    assert "\n" in ann["search_key"]  # a variant a line: the importer reads multiline fields
    assert _nodes(files, "Company")[("c1",)]["search_key"] == search_key('Acme "One"', "c1")
    assert _nodes(files, "Rep")[("r1",)]["search_key"] == search_key("Rita", "r1")
    assert _nodes(files, "Deal")[("d1",)]["search_key"] == search_key("d1")
    assert "search_key" not in _nodes(files, "Touch")[("t1",)]
    migrations = _nodes(files, "Migration")
    assert {cells["id"] for cells in migrations.values()} == {"touch_days", "search_keys"}


def test_a_touch_given_twice_is_merged_as_the_online_writes_merge_it(tmp_path: Path) -> None:
    by_kind = _records()
    first, second = by_kind["touches"]
    by_kind["touches"] = [
        first,
        second,
        Touch(id="t1", at="2026-01-03T09:00:00", kind="meeting", person_ids=["p1"], subject="again"),
    ]
    files = _write(tmp_path, by_kind)
    touches = _nodes(files, "Touch")
    assert len(touches) == 2
    # The last values given win, earlier ones stay where the later record has none.
    assert touches[("t1",)]["at"] == "2026-01-03T09:00:00" and touches[("t1",)]["subject"] == "again"
    assert set(_rels(files, "WITH")) == {("t1", "p1"), ("t1", "p2"), ("t2", "p2")}
    assert set(_rels(files, "BY")) == {("t1", "r1")}  # the later record names no rep: the link stays
    days = {props["day"] for props in _nodes(files, "TouchDay").values()}
    assert days == {"2026-01-02", "2026-01-03"}  # t1 counts on its last day only


def _columns(table: dict[str, str]) -> dict[str, list[str]]:
    return {k: v.split("\x1f") for k, v in table.items() if k not in ("company_id", "day", "written_at")}


def test_daily_aggregates_are_the_one_rule_of_touches_by_account_and_day(tmp_path: Path) -> None:
    """Touches over several days and two accounts (one through a past employment), in no order."""
    by_kind = _records()
    by_kind["companies"].append(Company(id="c3", name="Other"))
    by_kind["people"].append(Person(id="p3", name="Cy", company_id="c3"))
    by_kind["employment"] = [Employment(person_id="p2", company_id="c3", until=date(2025, 1, 1))]
    start = datetime(2026, 3, 1, 9)
    kinds = ["meeting", "email", "call", "web_visit"]
    touches: list[Touch] = []
    for i in range(40):
        people = [["p1", "p2"], ["p2", "p3"], ["p3"], ["p1", "p2", "p3"]][i % 4]
        touches.append(
            Touch(
                id=f"x{i}",
                at=start + timedelta(days=(i * 7) % 5, hours=i % 3),
                kind=kinds[i % 4],
                person_ids=people,
                rep_id="r1" if i % 2 else None,
                direction="inbound" if i % 3 else "outbound",
                duration_s=None if i % 5 == 0 else 60 * i,
            )
        )
    by_kind["touches"] = touches
    files = _write(tmp_path, by_kind)
    written = {(p["company_id"], p["day"]): p for p in _nodes(files, "TouchDay").values()}
    accounts = {"c1": {"p1", "p2"}, "c3": {"p2", "p3"}}
    expected: dict[tuple[str, str], dict[str, list[str]]] = {}
    for account, members in accounts.items():
        for day in sorted({t.at.date() for t in touches}):
            theirs = [t for t in touches if t.at.date() == day and members & set(t.person_ids)]
            if not theirs:
                continue
            columns = aggregate_touches(theirs).columns()
            del columns["days"]
            expected[(account, day.isoformat())] = {
                k: [_text(v) for v in values] for k, values in columns.items()
            }
    assert set(written) == set(expected)
    for key, props in written.items():
        got = _columns(props)
        reps = got.pop("reps")
        assert got == expected[key], key
        assert reps == ["r1"]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("values", [["a", 1], [1.5, "x"]])
def test_a_property_of_several_types_is_refused(tmp_path: Path, values: Sequence[Any]) -> None:
    from graph.stores import neo4j_import

    files = neo4j_import._Files(tmp_path)
    table = files.node_table("Thing", ["value"])
    for i, value in enumerate(values):
        table.add((str(i),), [value])
    with pytest.raises(InvalidInputError, match="several types"):
        files.close({})


def test_whole_and_decimal_numbers_are_doubles(tmp_path: Path) -> None:
    from graph.stores import neo4j_import

    files = neo4j_import._Files(tmp_path)
    table = files.node_table("Thing", ["value"])
    table.add(("a",), [1])
    table.add(("b",), [2.5])
    written = files.close({})
    assert written.nodes["Thing"][0].read_text().strip() == "id:ID(Thing),value:double"


def test_aura_is_told_apart() -> None:
    assert is_aura("neo4j+s://abcd1234.databases.neo4j.io")
    assert not is_aura("neo4j://db.example.com:7687")
    assert not is_aura("neo4j://127.0.0.1:7687")


def _as_columns(touches: list[Touch]) -> TouchColumns:
    columns = [[getattr(t, name) for t in touches] for name in TOUCH_FIELDS]
    return TouchColumns.of("touches.csv", list(range(2, len(touches) + 2)), columns, frozenset(TOUCH_FIELDS))


def _all_tables(files: ImportFiles) -> dict[str, tuple[str, Table]]:
    paths = {**files.nodes, **files.relationships}
    keys = {name: 2 if name in files.relationships else 1 for name in paths}
    tables = {name: (p[0].read_text(encoding="utf-8"), _read(p, keys[name])) for name, p in paths.items()}
    for name, (_, table) in tables.items():  # the time a TouchDay was written is the same stamp: left as is
        assert table, name
    return tables


def test_touches_held_as_columns_give_the_same_files(tmp_path: Path) -> None:
    """Touches given as column chunks (written by pyarrow) and as records (row by row): the same
    headers and the same rows, repeated ids merged across chunks and records alike."""
    by_kind = _records()
    start = datetime(2026, 3, 1, 9)
    touches = [
        Touch(
            id=f"x{i % 37}",  # ids 0-2 come twice: merged
            at=start + timedelta(days=i % 6, hours=i % 5),
            kind=["meeting", "email", "call", "web_visit"][i % 4],
            person_ids=[["p1", "p2"], ["p2"], ["p1", "nobody"], ["nobody"]][i % 4],
            rep_id=["r1", None, "gone"][i % 3],
            deal_id=["d1", None, "d2"][i % 3],
            direction=[None, "inbound", "outbound"][i % 3],
            duration_s=None if i % 5 == 0 else 60 * i,
            source=None if i % 2 else "crm",
            subject=None if i % 7 == 0 else f'subject, "{i}"',
        )
        for i in range(40)
    ]
    by_kind["touches"] = touches
    row_files = _write(tmp_path / "rows", by_kind)
    rows = _all_tables(row_files)
    by_kind["touches"] = Touches([_as_columns(touches[:15]), touches[15], _as_columns(touches[16:])])
    held_files = _write(tmp_path / "columns", by_kind)
    held = _all_tables(held_files)
    assert held == rows
    # The tables above key rows by id: a row written twice would hide there, not in the counts.
    assert (held_files.node_count, held_files.relationship_count) == (
        row_files.node_count,
        row_files.relationship_count,
    )
    for kind in ("nodes", "relationships"):
        for name, (_, data) in getattr(row_files, kind).items():
            lines = data.read_text(encoding="utf-8").splitlines()
            assert len(lines) == len(set(lines)), f"a {name} row is written twice"
            held_data = getattr(held_files, kind)[name][1].read_text(encoding="utf-8").splitlines()
            assert len(held_data) == len(lines), name
    assert len(rows["Touch"][1]) == 37 and rows["Touch"][1][("x1",)]["subject"] == 'subject, "38"'
