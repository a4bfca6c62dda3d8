"""Ingest faults of issue 16: temporaries of killed writers, impossible reporting lines, undecodable
bytes, duplicate ids that disagree, and values too long to be real."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from graph.model import Person
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths

REPO = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from graph.model import Person
from graph.model import Person
from graph.stores.embedded import EmbeddedStore
store = EmbeddedStore(sys.argv[1])
print("ready", flush=True)
n = 0
while True:
    store.upsert("people", [Person(id=f"p{n}-{i}", name="x" * 300) for i in range(2000)])
    n += 1
"""


def test_a_killed_embedded_write_leaves_no_copy_of_the_data_once_the_store_is_opened(tmp_path: Path) -> None:
    home = tmp_path / "store"
    EmbeddedStore(home).upsert("people", [Person(id="first", name="First")])
    left_behind = False
    modes: set[int] = set()
    for _ in range(20):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(home)], stdout=subprocess.PIPE, cwd=REPO
        )
        assert process.stdout is not None and process.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            temporaries = list(home.glob(".graph-*.tmp"))
            if temporaries and temporaries[0].stat().st_size > 0:
                try:
                    modes.add(stat.S_IMODE(temporaries[0].stat().st_mode))
                except FileNotFoundError:
                    continue
                break
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        if list(home.glob(".graph-*.tmp")):
            left_behind = True
            break
    assert left_behind, "no kill ever landed in the middle of a write"
    assert modes == {0o600}, f"temporaries must be readable by their owner only, were {modes}"

    store = EmbeddedStore(home)  # opening alone, no write
    assert not list(home.glob(".graph-*.tmp")), "the killed writer's temporary is still there"
    assert store.counts().nodes["Person"] % 2000 == 1
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def _bundle(tmp_path: Path, people: str | bytes) -> Path:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "companies.csv").write_text("id,name,domain\nc1,Acme,acme.example\n", encoding="utf-8")
    (bundle / "people.csv").write_bytes(people.encode("utf-8") if isinstance(people, str) else people)
    return bundle


def test_a_person_who_reports_to_themselves_loads_without_that_line(tmp_path: Path) -> None:
    bundle = _bundle(
        tmp_path,
        "id,name,company_id,reports_to_id\np1,Wang Wei,c1,\np2,Li Na,c1,p2\np3,Zhang San,c1,p1\n",
    )
    (bundle / "reporting.csv").write_text("person_id,manager_id\np3,p3\n", encoding="utf-8")
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths([bundle], store, progress=False)

    assert store.get_person("p2").reports_to_id is None  # the person is kept, the line is not
    assert [(r.person_id, r.manager_id) for r in store.account_graph("c1").reporting] == [("p3", "p1")]
    assert store.counts().relationships["REPORTS_TO"] == 1
    by_row = {(r.file, r.row, r.field): r for r in result.rejects}
    person = by_row[("people.csv", 3, "reports_to_id")]
    assert person.action == "value_ignored" and "cannot report to themselves" in person.reason
    line = by_row[("reporting.csv", 2, "manager_id")]
    assert line.action == "row_skipped" and "cannot report to themselves" in line.reason


def test_one_bad_byte_in_a_utf8_file_costs_its_row_not_the_file(tmp_path: Path) -> None:
    people = (
        b"id,name,company_id,title\n"
        + "p1,王伟,c1,财务总监\n".encode()
        + b"p2,Li Na,c1,Head of \xff IT\n"
        + "p3,张伟,c1,采购经理\n".encode()
    )
    bundle = _bundle(tmp_path, people)
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths([bundle], store, progress=False)

    assert store.get_person("p1").name == "王伟"  # read as UTF-8, not garbled as Latin-1
    assert store.get_person("p3").title == "采购经理"
    assert store.counts().nodes["Person"] == 2
    [reject] = [r for r in result.rejects if r.file == "people.csv"]
    assert (reject.row, reject.field, reject.action) == (3, "title", "row_skipped")
    assert "not valid UTF-8" in reject.reason and "ff" in reject.reason
    assert reject.value == "Head of \ufffd IT"
    note = next(n for n in result.summary.files if n.file == "people.csv")
    assert note.encoding == "utf-8"


def test_a_nul_byte_in_a_text_file_costs_its_row_not_the_file(tmp_path: Path) -> None:
    people = (
        b"id,name,company_id,title\n"
        + "p1,王伟,c1,财务总监\n".encode()
        + b'p2,Li Na,c1,"Head\x00 of IT"\n'
        + "p3,张伟,c1,采购经理\n".encode()
    )
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths([_bundle(tmp_path, people)], store, progress=False)

    assert store.get_person("p1").name == "王伟"
    assert store.get_person("p3").title == "采购经理"
    assert store.counts().nodes["Person"] == 2
    [reject] = [r for r in result.rejects if r.file == "people.csv"]
    assert (reject.row, reject.field, reject.action) == (3, "title", "row_skipped")
    assert "NUL" in reject.reason


def test_workbooks_and_mostly_nul_files_are_still_refused_as_binary(tmp_path: Path) -> None:
    import pytest

    from graph.errors import InvalidInputError
    from ingest.readers.csvio import open_table

    for name, content in {
        "Account.csv": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"old excel" * 20,
        "Contact.csv": b"i\x00d\x00,\x00n\x00\n\x00" * 50,
    }.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(InvalidInputError, match="binary file"):
            open_table(path)


def test_files_really_in_gbk_or_latin1_are_still_read_as_such(tmp_path: Path) -> None:
    from ingest.readers.csvio import detect_encoding

    gbk = "id,name\np1,王伟\np2,李娜\np3,张伟\n".encode("gbk")
    latin1 = "id,name\np1,Müller\np2,Français\np3,José\n".encode("latin-1")
    assert detect_encoding(gbk) == "gb18030"
    assert detect_encoding(latin1) == "cp1252"  # Western text, never UTF-8 nor GB18030
    assert detect_encoding("id,name\np1,王伟\n".encode() + b"p2,\xff\n" + "p3,张伟\n".encode()) == "utf-8"


def test_a_duplicate_id_with_other_values_is_reported_and_the_last_row_wins(tmp_path: Path) -> None:
    bundle = _bundle(
        tmp_path,
        "id,name,company_id,title,email\n"
        "p1,Wang Wei,c1,CFO,wang.wei@acme.example\n"
        "p2,Li Na,c1,CIO,\n"
        "p2,Li Na,c1,CIO,\n"  # an identical repeat: fine
        "p1,Wang Wei,c1,CEO,wang.wei@acme.example\n",
    )
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths([bundle], store, progress=False)

    assert store.get_person("p1").title == "CEO"
    assert store.counts().nodes["Person"] == 2
    [warning] = [r for r in result.rejects if r.file == "people.csv"]
    assert (warning.row, warning.field, warning.value, warning.action) == (2, "title", "p1", "value_ignored")
    assert "row 5 has the same id" in warning.reason and "later row wins" in warning.reason


def test_over_long_values_are_rejected_with_row_field_and_reason(tmp_path: Path) -> None:
    huge = "x" * 10_000_000
    bundle = _bundle(
        tmp_path,
        f"id,name,company_id,title\np1,{huge},c1,CFO\n"
        f"p2,Li Na,c1,{'t' * 1_001}\np3,Zhang Wei,c1,{'t' * 1_000}\n",
    )
    (bundle / "touches.csv").write_text(
        "id,at,kind,person_ids,subject\n"
        f"t1,2026-01-05T10:00:00,call,p3,{'s' * 10_000}\n"
        f"t2,2026-01-06T10:00:00,call,p3,{'s' * 10_001}\n",
        encoding="utf-8",
    )
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths([bundle], store, progress=False)

    assert [p.id for p in store.list_people().data] == ["p3"]  # p3's title is exactly at the limit
    assert store.counts().nodes["Touch"] == 1
    found = {(r.file, r.row, r.field): r for r in result.rejects if r.action == "row_skipped"}
    name = found[("people.csv", 2, "name")]
    assert "10,000,000 characters long; at most 1,000" in name.reason and len(name.value or "") < 100
    assert "1,001 characters long; at most 1,000" in found[("people.csv", 3, "title")].reason
    assert "10,001 characters long; at most 10,000" in found[("touches.csv", 3, "subject")].reason
    assert result.summary.kinds["people"].read == 3 and result.summary.kinds["people"].rejected == 2
