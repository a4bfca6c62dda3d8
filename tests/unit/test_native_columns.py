"""The column-wise reading of native CSV files gives exactly what the row-by-row reading gives:
the same records (values, types, fields set), the same rejects, in the same order, and the same
file notes; files it cannot read safely are left to the row-by-row reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ingest.readers.native as native
from ingest.readers import fastcsv
from ingest.readers.fastcsv import read_plain_csv
from ingest.rejects import FileNote, Reject, SourceRecord
from ingest.touch_columns import TouchColumns, source_records

TOUCH_HEADER = "id,at,kind,person_ids,rep_id,deal_id,direction,duration_s,source,subject"
TOUCH_ROWS = [
    "T1,2024-07-21T12:30:00,email,P1,R1,,outbound,0,email_sync,hello",
    'T2,2024-07-21T12:45:00,meeting,P1;P2,R1,D1,inbound,3600,calendar,"Budget, timing and ""scope"""',
    "T3,2024-07-21T13:00:00,call,P2,#N/A,D1,outbound,60,crm,call",
    "T4,2024-07-21T13:00:00,call,P2, #N/A ,D1,outbound,60,crm,call",
    " T5 ,2024-07-21T13:00:00,call,P2,R1,,outbound,60,crm,spaces around the id",
    "T6,2024-02-30T10:00:00,call,P2,R1,,outbound,60,crm,no such day",
    "T7,3/5/2024 10:00,call,P2,R1,,outbound,60,crm,a spreadsheet date",
    "T8,2024-07-21T13:00:00,Email,P2,R1,,Outbound,60,crm,capitals",
    'T9,2024-07-21T13:00:00,call,P2,R1,,outbound,"1,234",crm,thousands',
    "T10,2024-07-21T13:00:00,call,P2,R1,,outbound,12.0,crm,decimal seconds",
    "T11,2024-07-21T13:00:00,call,P2,R1,,outbound,-5,crm,negative",
    "T12,2024-07-21T13:00:00,call,P2,R1,,outbound,007,crm,leading zeros",
    "T13,2024-07-21T13:00:00,call,;,R1,,outbound,60,crm,no attendee",
    "T14,2024-07-21T13:00:00,call,P1; P1 ;P2,R1,,outbound,60,crm,attendees twice",
    ",2024-07-21T13:00:00,call,P1,R1,,outbound,60,crm,no id",
    "T16,2024-07-21T13:00:00,call,P1,R1,,outbound,60,crm,control\x01character",
    "T17,2024-07-21T13:00:00,fax,P1,R1,,outbound,60,crm,unknown kind",
    "T18,2024-07-21T13:00:00+02:00,call,P1,R1,,outbound,60,crm,with an offset",
    "T19,2024-07-21T13:00:00,call,P1,R1,,outbound,60,crm,\u3000full-width space\u3000",
    "T20,,call,P1,R1,,outbound,60,crm,no time",
    "T" + "x" * 300 + ",2024-07-21T13:00:00,call,P1,R1,,outbound,60,crm,long id",
    "T22,2024-07-21T13:00:00,call,P1,R1,,sideways,60,crm,unknown direction",
    "T23,2024-07-21T24:00:00,call,P1,R1,,outbound,60,crm,hour 24",
    "T24,2024-07-21T13:00:00,webinar,P3,,,inbound,,web,  ",
    "T25,2024-07-21T13:00:00,call,P1,R1,,outbound,99999999999999999999,crm,huge",
    "T26,2024-07-21T13:00:00,call,P1,R1\x7f,,outbound,60,crm,delete character",
    "T27,2024-07-21T13:00:00,call,,R1,,outbound,60,crm,no attendee at all",
    "T28,2024-07-21T13:00:00,call,P1;,R1,,outbound,60,crm,a trailing semicolon",
    "T1,2024-07-22T12:30:00,email,P1,R1,,outbound,0,email_sync,the same id again",
    "T29,2024-07-21T13:00:00,call,P1,R1,,outbound,60,crm," + "a long subject " * 100,
]
PEOPLE_HEADER = "id,name,email,company_id,title,department,seniority,function,reports_to_id,location,extra"
PEOPLE_ROWS = [
    "P1,Ann Lee,ann@acme.com,C1,VP Sales,Sales,vp,sales,,London,x",
    "P2,Bo Chen,not an email,C1,,,,,P1,,",
    'P3,"Lee, Ann",ANN@ACME.COM,C1,CFO,Finance,VP,finance,,"Paris",',
    "P4,,x@acme.com,C1,,,,,,,",
    "P5,Dee,d@acme.com,C1,,,boss,,,,",
    " P6 ,Eve,e@acme.com,C1,#REF!,,,,,,",
    "P7,  ,f@acme.com,C1,,,,,,,",
]


def _bundle_file(folder: Path, name: str, header: str, rows: list[str], repeat: int = 3) -> Path:
    path = folder / name
    lines = [header]
    for copy in range(repeat):  # the same rows again under other ids: a file of some size
        lines += [row.replace("T", f"T{copy}-", 1) if copy else row for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    return path


def _as_plain(items: list[SourceRecord | Reject]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, Reject):
            out.append(("reject", item.model_dump()))
        else:
            record = item.record
            out.append(
                (
                    item.kind,
                    item.file,
                    item.row,
                    item.columns,
                    type(record).__name__,
                    [(k, type(v).__name__, v) for k, v in record.__dict__.items()],
                    sorted(record.model_fields_set),
                    record.model_dump(mode="json"),
                )
            )
    return out


def _in_row_order(items: list[SourceRecord | Reject | TouchColumns]) -> list[SourceRecord | Reject]:
    """Touches held as columns as the records they stand for, everything in row order (a chunk's
    columns come after its other rows' records and rejects)."""
    out: list[SourceRecord | Reject] = []
    for item in items:
        if isinstance(item, TouchColumns):
            out += source_records(item)
        else:
            out.append(item)
    return sorted(out, key=lambda item: item.row or 0)  # stable: a row's rejects keep their order


#: How many touches the last fast read held as columns.
COLUMN_ROWS: list[int] = []


def _read(
    path: Path, kind: str, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Any], dict[str, Any]]:
    with monkeypatch.context() as patch:
        if fast:
            patch.setattr(fastcsv, "MIN_FAST_BYTES", 0)
        else:
            patch.setattr(native, "read_plain_csv", lambda path: None)
        note = FileNote(file=path.name, format="native", object=kind)
        items = list(native.read_native_file(path, kind, note))
    COLUMN_ROWS[:] = [sum(len(item) for item in items if isinstance(item, TouchColumns))]
    return _as_plain(_in_row_order(items)), note.model_dump()


@pytest.mark.parametrize(
    ("name", "kind", "header", "rows"),
    [
        ("touches.csv", "touches", TOUCH_HEADER, TOUCH_ROWS),
        # a touch file without some optional columns
        (
            "touches.csv",
            "touches",
            "id,at,kind,person_ids,rep_id",
            [r.split(",", 5)[0] + "," + ",".join(r.split(",")[1:5]) for r in TOUCH_ROWS if '"' not in r],
        ),
        ("people.csv", "people", PEOPLE_HEADER, PEOPLE_ROWS),
    ],
)
def test_column_wise_reading_is_row_by_row_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, kind: str, header: str, rows: list[str]
) -> None:
    path = _bundle_file(tmp_path, name, header, rows)
    assert read_plain_csv(path, min_bytes=0) is not None  # the fast path is really taken
    fast, fast_note = _read(path, kind, True, monkeypatch)
    held = COLUMN_ROWS[0]
    slow, slow_note = _read(path, kind, False, monkeypatch)
    assert fast == slow
    assert fast_note == slow_note
    assert any(item[0] == "reject" for item in slow) and any(item[0] != "reject" for item in slow)
    if kind == "touches":  # the plain rows were held as columns, the others were not
        assert 0 < held < sum(1 for item in slow if item[0] == "touches")


def test_repeated_ids_and_long_cells_are_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain row whose id the file repeats, or with a long cell, is a record (the duplicate and
    length checks look at records); the long one says it is not known to be short."""
    path = _bundle_file(tmp_path, "touches.csv", TOUCH_HEADER, TOUCH_ROWS, repeat=1)
    monkeypatch.setattr(fastcsv, "MIN_FAST_BYTES", 0)
    note = FileNote(file=path.name, format="native", object="touches")
    items = list(native.read_native_file(path, "touches", note))
    held = {i for item in items if isinstance(item, TouchColumns) for i in item.id}
    records = {item.record.id: item for item in items if isinstance(item, SourceRecord)}
    assert "T2" not in held  # quoted: read again the careful way
    assert "T3" not in held and "T14" in held
    assert "T1" not in held and "T29" not in held
    assert records["T1"].short and not records["T29"].short


def test_chunks_keep_row_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastcsv, "CHUNK_ROWS", 7)  # rows cross chunk borders, quoted lines too
    path = _bundle_file(tmp_path, "touches.csv", TOUCH_HEADER, TOUCH_ROWS, repeat=5)
    fast, _ = _read(path, "touches", True, monkeypatch)
    slow, _ = _read(path, "touches", False, monkeypatch)
    assert fast == slow
    assert len(slow) >= 5 * len(TOUCH_ROWS)


@pytest.mark.parametrize(
    "content",
    [
        TOUCH_HEADER + "\n" + TOUCH_ROWS[0] + "\n\n" + TOUCH_ROWS[2] + "\n",  # a blank line
        TOUCH_HEADER + "\r\n" + TOUCH_ROWS[0] + "\r\n",  # Windows line ends
        TOUCH_HEADER + "\n" + TOUCH_ROWS[0] + ",one more\n",  # an extra cell
        TOUCH_HEADER + "\n" + TOUCH_ROWS[0].rsplit(",", 1)[0] + "\n",  # a cell missing
        TOUCH_HEADER + "\n" + 'T1,2024-07-21T12:30:00,email,P1,R1,,outbound,0,email_sync,"two\nlines"\n',
        TOUCH_HEADER.replace(",", ";") + "\n" + TOUCH_ROWS[0].replace(",", ";") + "\n",  # semicolons
        "\ufeff" + TOUCH_HEADER + "\n" + TOUCH_ROWS[0] + "\n",  # a byte-order mark
        TOUCH_HEADER + ",id\n" + TOUCH_ROWS[0] + ",again\n",  # a repeated column name
        # a quote left open on the last line: the row-by-row reader keeps its line break in the cell
        TOUCH_HEADER
        + "\n"
        + TOUCH_ROWS[0]
        + "\n"
        + 'T9,2024-07-21T12:30:00,email,P1,R1,,outbound,0,crm,"open\n',
    ],
)
def test_files_it_cannot_read_safely_go_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    path = tmp_path / "touches.csv"
    path.write_text(content, encoding="utf-8", newline="")
    assert read_plain_csv(path, min_bytes=0) is None
    fast, fast_note = _read(path, "touches", True, monkeypatch)
    slow, slow_note = _read(path, "touches", False, monkeypatch)
    assert (fast, fast_note) == (slow, slow_note)


def test_other_encodings_go_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "touches.csv"
    path.write_bytes((TOUCH_HEADER + "\n" + TOUCH_ROWS[0] + ",\n").encode("utf-16"))
    assert read_plain_csv(path, min_bytes=0) is None
    path.write_bytes(
        (TOUCH_HEADER + "\n" + "T1,2024-07-21T12:30:00,email,P1,R1,,outbound,0,crm,Müller\n").encode("cp1252")
    )
    assert read_plain_csv(path, min_bytes=0) is None


def test_a_cell_a_validator_lengthens_is_not_taken_for_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deal's currency is upper-cased ("ß" becomes "SS"): a raw cell under every length limit can
    give a value over it, so a file holding one is not marked short (the length check looks)."""
    from ingest.checks import SHORTEST_LIMIT

    currency = "ß" * (SHORTEST_LIMIT // 2 + 1)
    rows = [f"D{i},Deal {i},C1,{'EUR' if i else currency}" for i in range(50)]
    path = _bundle_file(tmp_path, "deals.csv", "id,name,company_id,currency", rows, repeat=1)
    monkeypatch.setattr(fastcsv, "MIN_FAST_BYTES", 0)
    assert read_plain_csv(path, min_bytes=0) is not None  # the fast path is really taken
    note = FileNote(file=path.name, format="native", object="deals")
    records = {
        item.record.id: item
        for item in native.read_native_file(path, "deals", note)
        if isinstance(item, SourceRecord)
    }
    assert len(records["D0"].record.currency or "") > SHORTEST_LIMIT  # what the check must see
    assert not records["D0"].short
