"""Formula injection: every CSV buyergraph writes is safe to open in a spreadsheet, and still readable."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.rejects import REJECT_FIELDS, Reject, write_rejects
from ingest.spreadsheet import FORMULA_TRIGGERS, spreadsheet_cell, spreadsheet_csv, spreadsheet_row
from ingest.synthetic.generator import generate_world

HOSTILE = '=HYPERLINK("http://x","y")'


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_reject_report_neutralises_a_formula_and_keeps_the_value(tmp_path: Path) -> None:
    rejects = [
        Reject(file="people.csv", row=2, field="email", value=HOSTILE, reason="not an e-mail address"),
        Reject(file="people.csv", row=3, field="seats", value="-5", reason="must not be negative"),
        Reject(file="people.csv", row=4, field="phone", value="+86 10 5555 0100", reason="unknown field"),
        Reject(file="@evil.csv", row=5, field="name", value="plain", reason="=1+1"),
    ]
    report = tmp_path / "rejects.csv"
    write_rejects(report, rejects)

    rows = _rows(report)
    assert list(rows[0]) == list(REJECT_FIELDS)
    # What a spreadsheet sees: text marked by a leading quote, never a formula; the value follows whole.
    assert rows[0]["value"] == "'" + HOSTILE
    assert rows[0]["value"].removeprefix("'") == HOSTILE
    # Plain numbers and phone numbers stay as they are.
    assert rows[1]["value"] == "-5"
    assert rows[2]["value"] == "+86 10 5555 0100"
    # Every column is covered, not only the value.
    assert rows[3]["file"] == "'@evil.csv" and rows[3]["reason"] == "'=1+1"
    for row in rows:
        for cell in row.values():
            assert cell[:1] not in FORMULA_TRIGGERS or cell in ("-5", "+86 10 5555 0100")

    # The JSON Lines report is for programs, not spreadsheets: values exactly as read.
    jsonl = tmp_path / "rejects.jsonl"
    write_rejects(jsonl, rejects)
    assert json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])["value"] == HOSTILE


def test_reject_report_of_a_real_ingest_is_neutralised(tmp_path: Path) -> None:
    """End to end: a hostile e-mail cell is rejected by the loader and lands quoted in the report."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "companies.csv").write_text("id,name\nc-1,Acme\n", encoding="utf-8")
    (bundle / "people.csv").write_text(
        f'id,name,email,company_id\np-1,Ann Lee,"{HOSTILE.replace(chr(34), chr(34) * 2)}",c-1\n',
        encoding="utf-8",
    )
    with EmbeddedStore(tmp_path / "store") as store:
        result = ingest_paths([bundle], store, progress=False)
    [reject] = [r for r in result.rejects if r.value == HOSTILE]
    report = tmp_path / "rejects.csv"
    write_rejects(report, result.rejects)
    [row] = [r for r in _rows(report) if r["field"] == reject.field]
    assert row["value"] == "'" + HOSTILE


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1+1", "'  =1+1"),
        ("＝1+1", "'＝1+1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("-A1", "'-A1"),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("+86 10 5555 0100", "+86 10 5555 0100"),
        ("+1 (415) 555-0100", "+1 (415) 555-0100"),
        ("Ann Lee", "Ann Lee"),
        ("a=b", "a=b"),
        ("", ""),
        ("'=already", "'=already"),
    ],
)
def test_spreadsheet_cell(value: str, written: str) -> None:
    assert spreadsheet_cell(value) == written


def test_non_text_cells_are_untouched() -> None:
    assert spreadsheet_cell(-5) == -5
    assert spreadsheet_cell(None) is None


def test_generated_world_holds_no_neutralised_cell_and_reads_back(tmp_path: Path) -> None:
    """The generator writes through the same helper; a world has no formula-like text, so no cell was
    changed and the world loads as generated."""
    world = tmp_path / "world"
    generate_world(world, 3, seed=5, progress=False)
    for path in world.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                assert not any(cell.startswith("'") for cell in row), (path.name, row)
    with EmbeddedStore(tmp_path / "store") as store:
        result = ingest_paths([world], store, progress=False)
    assert result.summary.kinds["people"].loaded > 0


_CELL_TEXT = st.text(alphabet=st.sampled_from([*FORMULA_TRIGGERS, " ", ",", '"', "\n", "a", "1", "'", "é"]))


@given(
    st.lists(st.lists(st.one_of(_CELL_TEXT, st.integers(), st.none()), min_size=1, max_size=5), max_size=6)
)
def test_csv_text_fast_path_never_misses_a_formula(rows: list[list[object]]) -> None:
    """`spreadsheet_csv` skips the cell-by-cell pass when its scan finds nothing: it must equal it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(spreadsheet_row(row) for row in rows)
    assert spreadsheet_csv(rows, lineterminator="\n") == buffer.getvalue()
