"""The offline importer's files (graph/stores/neo4j_import.py): what the online ingest would write into
an empty database, as header and data files; the real comparison runs against Neo4j
(tests/neo4j/test_initial_load.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from api.initial_load import is_aura
from graph.model import WRITE_ORDER, Alias, Company, Deal, Person, Rep, Touch
from graph.stores.neo4j_import import ImportGraph, import_arguments, import_graph, write_import_files

AT = datetime(2026, 1, 2, 3, 4, 5)


def _graph(batch_size: int = 10_000) -> ImportGraph:
    by_kind = {
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
    aliases = [Alias(kind="companies", id="old", into="c1", reason="same domain")]
    return import_graph(by_kind, aliases, order=WRITE_ORDER, batch_size=batch_size, migrated_at=AT)


def test_the_graph_follows_the_online_rules() -> None:
    graph = _graph()
    assert set(graph.nodes["Company"]) == {"c1", "c2"}
    assert set(graph.rels["SUBSIDIARY_OF"]) == {("c2", "c1")}
    assert set(graph.rels["IN_INDUSTRY"]) == {("c1", "Retail")}
    assert graph.rels["WORKS_AT"][("p1", "c1")] == {"title": "CTO"}
    assert graph.rels["REPORTS_TO"][("p1", "p2")] == {"kind": "solid"}  # the manager is in the batch
    assert set(graph.rels["FOR"]) == {("d1", "c1")}  # d2's account does not exist: no link
    assert set(graph.rels["WITH"]) == {("t1", "p1"), ("t1", "p2"), ("t2", "p2")}
    assert set(graph.rels["BY"]) == {("t1", "r1")}
    assert graph.nodes["Touch"]["t1"]["at"] == datetime(2026, 1, 2, 10)
    (day,) = graph.nodes["TouchDay"].values()
    assert day["company_id"] == "c1" and day["reps"] == ["r1"] and day["written_at"] == AT
    assert graph.loaded["deals"] == 2  # records handed in, as the online upsert counts them


def test_a_manager_in_a_later_batch_is_not_linked_as_online() -> None:
    graph = _graph(batch_size=1)
    assert ("p1", "p2") not in graph.rels.get("REPORTS_TO", {})


def test_files_have_typed_headers_and_quoted_cells(tmp_path: Path) -> None:
    files = write_import_files(_graph(), tmp_path)
    header, data = files.nodes["Company"]
    assert header.read_text().strip().split(",")[0] == "id:ID(Company)"
    assert '"Acme ""One"""' in data.read_text()
    touch_header = files.nodes["Touch"][0].read_text()
    assert "at:localdatetime" in touch_header
    assert "counts:long[]" in files.nodes["TouchDay"][0].read_text()
    args = import_arguments(files, "neo4j", relative=True)
    assert args[-1] == "neo4j" and "--overwrite-destination=true" in args
    assert any(a.startswith("--relationships=WITH=rels-WITH.header.csv,rels-WITH.csv") for a in args)


def test_aura_is_told_apart() -> None:
    assert is_aura("neo4j+s://abcd1234.databases.neo4j.io")
    assert not is_aura("neo4j://db.example.com:7687")
    assert not is_aura("neo4j://127.0.0.1:7687")
