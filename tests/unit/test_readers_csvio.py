"""Encoding, delimiter and row-number handling of CRM files as spreadsheets really write them."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from graph.errors import InvalidInputError
from ingest.readers.csvio import detect_delimiter, detect_encoding, open_jsonl, open_table

CRM = Path(__file__).resolve().parent.parent / "data" / "crm"


def test_gbk_export_is_read_as_gb18030_with_chinese_intact() -> None:
    table = open_table(CRM / "gbk" / "people.csv")
    rows = list(table.rows)
    assert table.encoding == "gb18030"
    assert rows[0][1]["name"] == "张伟"
    assert rows[3][1]["title"] == "副总裁"


def test_bom_semicolon_file_with_quoted_newline_keeps_spreadsheet_row_numbers() -> None:
    table = open_table(CRM / "bom" / "people.csv")
    rows = list(table.rows)
    assert table.encoding == "utf-8-sig" and table.delimiter == ";"
    assert table.header[0] == "id"  # no BOM glued to the first column name
    assert [number for number, _ in rows] == [2, 3]
    assert rows[1][1]["name"] == "Müller, Anna"
    assert rows[1][1]["title"] == "Leiterin Einkauf\r\n(Strategischer Einkauf)"


def test_tab_delimited_utf16_excel_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "people.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "id\tname\r\np1\tÅsa Lind\r\n".encode("utf-16-le"))
    table = open_table(path)
    assert table.delimiter == "\t"
    assert list(table.rows) == [(2, {"id": "p1", "name": "Åsa Lind"})]


def test_excel_sep_line_names_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "reps.csv"
    path.write_text('sep=|\nid|name\nr1|"Kim, Lee"\n', encoding="utf-8")
    table = open_table(path)
    assert table.delimiter == "|"
    assert list(table.rows) == [(2, {"id": "r1", "name": "Kim, Lee"})]


def test_commas_inside_quotes_do_not_fool_the_delimiter_detection() -> None:
    text = 'id;name;title\n1;"Smith, John";"VP, Sales, EMEA"\n2;"Doe, Jane";"CFO, Group"\n'
    assert detect_delimiter(text) == ";"


def test_encoding_detection_prefers_utf8_and_falls_back_to_gb18030() -> None:
    assert detect_encoding("总经理".encode()) == "utf-8"
    assert detect_encoding("总经理".encode("gbk")) == "gb18030"
    assert detect_encoding(codecs.BOM_UTF8 + b"id") == "utf-8-sig"
    # A multi-byte character cut at the end of the sample is not a reason to give up on UTF-8.
    assert detect_encoding("总经理".encode()[:-1]) == "utf-8"


def test_blank_lines_count_as_rows_but_are_not_yielded(tmp_path: Path) -> None:
    path = tmp_path / "reps.csv"
    path.write_text("id,name\nr1,A\n\nr2,B\n", encoding="utf-8")
    assert [n for n, _ in open_table(path).rows] == [2, 4]


def test_binary_and_empty_files_are_refused_with_the_file_name(tmp_path: Path) -> None:
    binary = tmp_path / "Contact.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00\x00\x00binary")
    empty = tmp_path / "Account.csv"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInputError, match=r"Contact\.csv: .*binary"):
        open_table(binary)
    with pytest.raises(InvalidInputError, match=r"Account\.csv: the file is empty"):
        open_table(empty)


def test_jsonl_rows_are_numbered_by_line_and_bad_lines_are_marked(tmp_path: Path) -> None:
    path = tmp_path / "people.jsonl"
    path.write_text('{"id": "p1", "name": "A"}\n\n{not json}\n[1, 2]\n', encoding="utf-8")
    rows = list(open_jsonl(path))
    assert rows[0] == (1, {"id": "p1", "name": "A"})
    assert [n for n, _ in rows] == [1, 3, 4]
    assert "not valid JSON" in rows[1][1]["\x00error"]
    assert "must be an object" in rows[2][1]["\x00error"]
